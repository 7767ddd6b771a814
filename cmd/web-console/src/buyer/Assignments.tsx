// Buyer: the sellers admins assigned to a curated job (each got an offer), paged, each
// with "Message" to talk with that seller about the job.
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { dateTime } from "../format";
import { usePaged } from "../hooks";
import type { Job } from "../sdk";
import { MessageButton } from "../shared/MessageButton";

export function Assignments({ job }: { readonly job: Job }) {
  const { session } = useSession();
  const paged = usePaged(async (pageToken) => {
    const r = await session.client.assignments.listAssignments({ jobId: job.id, pageToken, pageSize: 20 });
    return { items: r.assignments, nextPageToken: r.nextPageToken };
  }, [job.id]);
  return (
    <section>
      <h2>Offers sent</h2>
      <ListStatus paged={paged} empty="No seller has been assigned yet: an admin picks sellers once the job is approved." />
      <ul class="cards" aria-label="Offers sent">
        {paged.items.map((a) => (
          <li key={a.id} class="card">
            <strong><UserName id={a.sellerId} /></strong>
            <span class="muted"> · offered {dateTime(a.createTime)}</span>
            {a.note && <p class="note">“{a.note}”</p>}
            <div class="actions"><MessageButton jobId={job.id} sellerId={a.sellerId} /></div>
          </li>
        ))}
      </ul>
      <Pager paged={paged} label="Offers" />
    </section>
  );
}
