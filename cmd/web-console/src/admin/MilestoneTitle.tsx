// A milestone's title for an id, after its booking's title when they differ ("Logo ·
// First concepts"), looked up once per page load; the id until it is known.
import { useEffect, useState } from "preact/hooks";
import { useSession } from "../context";
import type { GigwireClient } from "../sdk";

const titles = new Map<string, Promise<string>>();

function lookUp(client: GigwireClient, id: string): Promise<string> {
  let pending = titles.get(id);
  if (!pending) {
    pending = client.milestones.getMilestone({ id }).then(
      async (m) => {
        const booking = await client.bookings.getBooking({ id: m.bookingId }).catch(() => undefined);
        return booking && booking.jobTitle !== m.title ? `${booking.jobTitle} · ${m.title}` : m.title;
      },
      () => id,
    );
    titles.set(id, pending);
  }
  return pending;
}

export function MilestoneTitle({ id }: { readonly id: string }) {
  const { session } = useSession();
  const [title, setTitle] = useState(id);
  useEffect(() => {
    let live = true;
    void lookUp(session.client, id).then((t) => live && setTitle(t));
    return () => {
      live = false;
    };
  }, [id, session]);
  return <span class="milestone-title" title={id}>{title}</span>;
}
