// Bookings, filtered by state and paged, kept current from the event stream, with the
// actions each booking's allowed_actions grant the caller: deliver, request a revision,
// complete, cancel, review. Buyers and sellers see their own; admins all.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { StateBadge } from "../components/StateBadge";
import { TextPrompt } from "../components/TextPrompt";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { date, label, money } from "../format";
import { replaceById, useAction, useEventReload, usePaged } from "../hooks";
import { type Booking, BookingSource, BookingState, EventType } from "../sdk";
import { ReviewModal } from "./ReviewModal";

const BOOKING_EVENTS = [
  EventType.BOOKING_CREATED, EventType.BOOKING_DELIVERED, EventType.BOOKING_REVISION_REQUESTED,
  EventType.BOOKING_COMPLETED, EventType.BOOKING_CANCELLED, EventType.GIG_ORDERED,
];
const STATES = [BookingState.ACTIVE, BookingState.DELIVERED, BookingState.COMPLETED, BookingState.CANCELLED];

/** The text-taking actions and how to ask for their text. */
const PROMPTS = {
  deliver: { title: "Deliver", label: "What you delivered", submit: "Deliver" },
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
    if (kind === "deliver") return done(await action.run(() => client.bookings.deliverBooking({ id, note: text })));
    if (kind === "request_revision") return done(await action.run(() => client.bookings.requestRevision({ id, note: text })));
    return done(await action.run(() => client.bookings.cancelBooking({ id, reason: text })));
  };
  const complete = async (b: Booking) => done(await action.run(() => client.bookings.completeBooking({ id: b.id })));

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
      {!prompt && !reviewing && <ErrorNotice error={action.error} />}
      <ListStatus paged={paged} empty="No bookings here." />
      <ul class="cards" aria-label="Bookings">
        {paged.items.map((b) => (
          <li key={b.id} class="card" data-booking-id={b.id}>
            <div class="summary-head">
              <h3 class="summary-title">{b.jobTitle}</h3>
              <StateBadge name={BookingState[b.state]} />
            </div>
            <dl class="facts">
              {(admin || b.buyerId !== session.user.id) && <div><dt>Buyer</dt><dd><UserName id={b.buyerId} /></dd></div>}
              {(admin || b.sellerId !== session.user.id) && <div><dt>Seller</dt><dd><UserName id={b.sellerId} /></dd></div>}
              <div><dt>Price</dt><dd>{money(b.price)}</dd></div>
              <div><dt>Due</dt><dd>{date(b.dueTime)}</dd></div>
              <div><dt>From</dt><dd>{label(BookingSource, b.source)}</dd></div>
            </dl>
            {b.deliveryNote && <p class="note">Delivered: {b.deliveryNote}</p>}
            {b.revisionNote && <p class="note">Revision asked ({b.revisionCount}): {b.revisionNote}</p>}
            {b.cancelReason && <p class="note">Cancelled: {b.cancelReason}</p>}
            <div class="actions">
              {b.allowedActions.includes("deliver") && <button type="button" class="primary" onClick={() => setPrompt({ booking: b, action: "deliver" })}>Deliver</button>}
              {b.allowedActions.includes("complete") && <button type="button" class="primary" disabled={action.busy} onClick={() => complete(b)}>Complete</button>}
              {b.allowedActions.includes("request_revision") && <button type="button" onClick={() => setPrompt({ booking: b, action: "request_revision" })}>Request revision</button>}
              {b.allowedActions.includes("cancel") && <button type="button" class="danger" onClick={() => setPrompt({ booking: b, action: "cancel" })}>Cancel</button>}
              {b.allowedActions.includes("review") && <button type="button" onClick={() => setReviewing(b)}>Review</button>}
            </div>
          </li>
        ))}
      </ul>
      <Pager paged={paged} label="Bookings" />
      {prompt && (
        <TextPrompt title={`${PROMPTS[prompt.action].title}: ${prompt.booking.jobTitle}`} label={PROMPTS[prompt.action].label}
          submitLabel={PROMPTS[prompt.action].submit} required busy={action.busy} error={action.error}
          onSubmit={runPrompt} onClose={() => { setPrompt(undefined); action.clearError(); }} />
      )}
      {reviewing && (
        <ReviewModal booking={reviewing} onClose={() => setReviewing(undefined)} onReviewed={() => paged.reload()} />
      )}
    </section>
  );
}
