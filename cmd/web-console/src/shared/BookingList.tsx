// Bookings, filtered by state and paged, kept current from the event stream, with the
// actions each booking's allowed_actions grant the caller: deliver (a note and files),
// request a revision, complete, cancel, review. Buyers and sellers see their own; admins all.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { TextPrompt } from "../components/TextPrompt";
import { useSession } from "../context";
import { label } from "../format";
import { replaceById, useAction, useEventReload, usePaged } from "../hooks";
import { type Booking, BookingState, EventType } from "../sdk";
import { type BookingAction, BookingCard } from "./BookingCard";
import { DeliverModal } from "./DeliverModal";
import { ReviewModal } from "./ReviewModal";

const BOOKING_EVENTS = [
  EventType.BOOKING_CREATED, EventType.BOOKING_DELIVERED, EventType.BOOKING_REVISION_REQUESTED,
  EventType.BOOKING_COMPLETED, EventType.BOOKING_CANCELLED, EventType.GIG_ORDERED,
];
const STATES = [BookingState.ACTIVE, BookingState.DELIVERED, BookingState.COMPLETED, BookingState.CANCELLED];

/** The text-taking actions and how to ask for their text. */
const PROMPTS = {
  request_revision: { title: "Request a revision", label: "What should change", submit: "Request revision" },
  cancel: { title: "Cancel booking", label: "Why", submit: "Cancel booking" },
} as const;
type PromptAction = keyof typeof PROMPTS;

export function BookingList({ title, admin }: { readonly title: string; readonly admin: boolean }) {
  const { session } = useSession();
  const client = session.client;
  const [state, setState] = useState(BookingState.UNSPECIFIED);
  const [prompt, setPrompt] = useState<{ booking: Booking; action: PromptAction } | undefined>(undefined);
  const [reviewing, setReviewing] = useState<Booking | undefined>(undefined);
  const [delivering, setDelivering] = useState<Booking | undefined>(undefined);
  const action = useAction();
  const paged = usePaged(async (pageToken) => {
    const r = await client.bookings.listBookings({ pageToken, pageSize: 20, state });
    return { items: r.bookings, nextPageToken: r.nextPageToken, extra: r.eventCursor };
  }, [state]);
  const liveError = useEventReload(client, paged.extra, BOOKING_EVENTS, paged.reload);

  const done = (b: Booking | undefined) => {
    if (b) paged.update(replaceById(b));
    return b !== undefined;
  };
  const runPrompt = async (text: string) => {
    const { booking, action: kind } = prompt!;
    const id = booking.id;
    if (kind === "request_revision") return done(await action.run(() => client.bookings.requestRevision({ id, note: text })));
    return done(await action.run(() => client.bookings.cancelBooking({ id, reason: text })));
  };
  const onAction = (b: Booking, kind: BookingAction) => {
    if (kind === "complete") void action.run(() => client.bookings.completeBooking({ id: b.id })).then(done);
    else if (kind === "review") setReviewing(b);
    else if (kind === "deliver") setDelivering(b);
    else setPrompt({ booking: b, action: kind });
  };

  return (
    <section>
      <h1 tabIndex={-1}>{title}</h1>
      <div class="filters" role="group" aria-label="Filter by state">
        <button type="button" aria-pressed={state === BookingState.UNSPECIFIED} onClick={() => setState(BookingState.UNSPECIFIED)}>All</button>
        {STATES.map((s) => (
          <button key={s} type="button" aria-pressed={state === s} onClick={() => setState(s)}>{label(BookingState, s)}</button>
        ))}
      </div>
      <ErrorNotice error={liveError} />
      {!prompt && !reviewing && !delivering && <ErrorNotice error={action.error} />}
      <ListStatus paged={paged} empty="No bookings here." />
      <ul class="cards" aria-label="Bookings">
        {paged.items.map((b) => (
          <BookingCard key={b.id} booking={b} admin={admin} busy={action.busy} onAction={onAction} />
        ))}
      </ul>
      <Pager paged={paged} label="Bookings" />
      {prompt && (
        <TextPrompt title={`${PROMPTS[prompt.action].title}: ${prompt.booking.jobTitle}`} label={PROMPTS[prompt.action].label}
          submitLabel={PROMPTS[prompt.action].submit} required busy={action.busy} error={action.error}
          onSubmit={runPrompt} onClose={() => { setPrompt(undefined); action.clearError(); }} />
      )}
      {delivering && (
        <DeliverModal booking={delivering} onClose={() => setDelivering(undefined)} onDelivered={(b) => done(b)} />
      )}
      {reviewing && (
        <ReviewModal booking={reviewing} onClose={() => setReviewing(undefined)} onReviewed={() => paged.reload()} />
      )}
    </section>
  );
}
