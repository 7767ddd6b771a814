// One booking as a contract: its parties and terms, where its money is (contract total, in
// escrow, released, fees, refunded), and its milestones with what the caller may do on each:
// the buyer funds (and sees how to pay), approves, asks for a revision or disputes; the
// seller submits, cancels or disputes; either side accepts or declines a proposed
// milestone, and proposes one; the files delivered, to download; "Message" to the other
// party. Kept current from the event stream: what the other side or an admin does (a
// payment confirmed, a submission, a delivery, a resolution) shows without a reload.
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { StateBadge } from "../components/StateBadge";
import { TextPrompt } from "../components/TextPrompt";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { type Explained, explain } from "../errors";
import { date, label, money } from "../format";
import { replaceById, useAction, useLiveReload } from "../hooks";
import { type Booking, BookingSource, BookingState, EventType, type Milestone, Role } from "../sdk";
import { DeliveredFiles } from "./DeliveredFiles";
import { DisputeModal } from "./DisputeModal";
import { MessageButton } from "./MessageButton";
import { type MilestoneAction, MilestoneCard } from "./MilestoneCard";
import { MoneySummary } from "./MoneySummary";
import { ProposeMilestone } from "./ProposeMilestone";

const MONEY_EVENTS = [
  EventType.MILESTONE_PROPOSED, EventType.MILESTONE_ACCEPTED, EventType.MILESTONE_DECLINED, EventType.MILESTONE_FUNDED,
  EventType.MILESTONE_SUBMITTED, EventType.MILESTONE_REVISION_REQUESTED, EventType.MILESTONE_RELEASED,
  EventType.MILESTONE_CANCELLED, EventType.MILESTONE_DISPUTED, EventType.MILESTONE_RESOLVED,
  EventType.PAYMENT_CREATED, EventType.PAYMENT_SUCCEEDED, EventType.PAYMENT_FAILED, EventType.PAYMENT_CANCELLED,
  EventType.DISPUTE_OPENED, EventType.DISPUTE_NOTE_ADDED, EventType.DISPUTE_RESOLVED,
  EventType.BOOKING_DELIVERED, EventType.BOOKING_REVISION_REQUESTED, EventType.BOOKING_COMPLETED, EventType.BOOKING_CANCELLED,
];

/** The milestone actions that take a text first, and how to ask for it. */
const PROMPTS = {
  submit: { title: "Submit", label: "What you delivered", submit: "Submit work" },
  request_revision: { title: "Request a revision", label: "What should change", submit: "Request revision" },
  cancel: { title: "Cancel milestone", label: "Why", submit: "Cancel milestone" },
} as const;
type PromptAction = keyof typeof PROMPTS;

export function BookingDetail({ param }: { readonly param: string }) {
  const { session } = useSession();
  const client = session.client;
  const me = session.user.id;
  const [booking, setBooking] = useState<Booking | undefined>(undefined);
  const [milestones, setMilestones] = useState<Milestone[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<Explained | undefined>(undefined);
  const [version, setVersion] = useState(0);
  const [prompt, setPrompt] = useState<{ milestone: Milestone; action: PromptAction } | undefined>(undefined);
  const [disputing, setDisputing] = useState<Milestone | undefined>(undefined);
  const action = useAction();
  const request = useRef(0);

  const load = useCallback(() => {
    const id = ++request.current;
    Promise.all([client.bookings.getBooking({ id: param }), client.milestones.listMilestones({ bookingId: param })]).then(
      ([b, list]) => {
        if (id !== request.current) return;
        setBooking(b);
        setMilestones(list.milestones);
        setLoadError(undefined);
        setVersion((v) => v + 1);
      },
      (e: unknown) => id === request.current && setLoadError(explain(e)),
    );
  }, [client, param]);
  useEffect(load, [load]);
  const liveError = useLiveReload(client, MONEY_EVENTS, load);

  /** A milestone an action returned: shown at once, then the booking's money read again. */
  const done = (m: Milestone | undefined) => {
    if (m) {
      setMilestones((list) => (list ? replaceById(m)(list) : list));
      load();
    }
    return m !== undefined;
  };
  const onAction = (m: Milestone, kind: MilestoneAction) => {
    const id = m.id;
    if (kind === "fund") void action.run(() => client.milestones.fundMilestone({ id })).then((r) => done(r?.milestone));
    else if (kind === "approve") void action.run(() => client.milestones.approveMilestone({ id })).then(done);
    else if (kind === "accept") void action.run(() => client.milestones.acceptMilestone({ id })).then(done);
    else if (kind === "decline") void action.run(() => client.milestones.declineMilestone({ id })).then(done);
    else if (kind === "dispute") setDisputing(m);
    else setPrompt({ milestone: m, action: kind });
  };
  const runPrompt = async (text: string) => {
    const { milestone, action: kind } = prompt!;
    const id = milestone.id;
    if (kind === "submit") return done(await action.run(() => client.milestones.submitMilestone({ id, note: text })));
    if (kind === "request_revision") return done(await action.run(() => client.milestones.requestMilestoneRevision({ id, note: text })));
    return done(await action.run(() => client.milestones.cancelMilestone({ id, reason: text })));
  };

  const isBuyer = booking?.buyerId === me;
  const isParty = isBuyer || booking?.sellerId === me;
  const isAdmin = session.user.roles.includes(Role.ADMIN);
  const back = isParty || !isAdmin ? { href: "#/bookings", text: "← My bookings" } : { href: "#/admin/bookings", text: "← All bookings" };
  const running = booking?.state === BookingState.ACTIVE || booking?.state === BookingState.DELIVERED;
  return (
    <section>
      <p><a href={back.href}>{back.text}</a></p>
      <h1 tabIndex={-1}>{booking?.jobTitle ?? "Booking"}</h1>
      <ErrorNotice error={loadError} />
      <ErrorNotice error={liveError} />
      {booking && (
        <div class="card">
          <div class="summary-head">
            <h2 class="summary-title">Contract</h2>
            <StateBadge name={BookingState[booking.state]} />
          </div>
          <dl class="facts">
            <div><dt>Buyer</dt><dd><UserName id={booking.buyerId} /></dd></div>
            <div><dt>Seller</dt><dd><UserName id={booking.sellerId} /></dd></div>
            <div><dt>Price</dt><dd>{money(booking.price)}</dd></div>
            <div><dt>Due</dt><dd>{date(booking.dueTime)}</dd></div>
            <div><dt>From</dt><dd>{label(BookingSource, booking.source)}</dd></div>
          </dl>
          {booking.deliveryNote && <p class="note">Delivered: {booking.deliveryNote}</p>}
          {isParty && (
            <div class="actions">
              <MessageButton bookingId={booking.id} sellerId={isBuyer ? booking.sellerId : ""}
                label={isBuyer ? "Message the seller" : "Message the buyer"} />
            </div>
          )}
          <h3 class="subhead">Money</h3>
          <MoneySummary summary={booking.money} />
        </div>
      )}
      {booking && <DeliveredFiles bookingId={booking.id} version={version} />}
      {milestones && (
        <>
          <h2>Milestones ({milestones.length})</h2>
          {!prompt && !disputing && <ErrorNotice error={action.error} />}
          {milestones.length === 0 && <p class="empty">This booking has no milestones: nothing to pay.</p>}
          <ul class="cards" aria-label="Milestones">
            {milestones.map((m) => (
              <MilestoneCard key={m.id} milestone={m} buyer={isBuyer} party={isParty} admin={isAdmin} busy={action.busy}
                version={String(version)} onAction={onAction} onChanged={load} />
            ))}
          </ul>
        </>
      )}
      {booking && isParty && running && <ProposeMilestone booking={booking} onProposed={load} />}
      {prompt && (
        <TextPrompt title={`${PROMPTS[prompt.action].title}: ${prompt.milestone.title}`} label={PROMPTS[prompt.action].label}
          submitLabel={PROMPTS[prompt.action].submit} required busy={action.busy} error={action.error}
          onSubmit={runPrompt} onClose={() => { setPrompt(undefined); action.clearError(); }} />
      )}
      {disputing && <DisputeModal milestone={disputing} onClose={() => setDisputing(undefined)} onOpened={load} />}
    </section>
  );
}
