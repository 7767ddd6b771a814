// One milestone of a booking: title, amount, due date, state, what was submitted or asked,
// the money it released or refunded, its payment while one is under way, its dispute, and
// a button for each action its allowed_actions grant the caller.
import { StateBadge } from "../components/StateBadge";
import { UserName } from "../components/UserName";
import { date, dateTime, money } from "../format";
import { type Milestone, MilestoneState } from "../sdk";
import { DisputePanel } from "./DisputePanel";
import { PaymentPanel } from "./PaymentPanel";

/** The actions of milestone.proto's allowed_actions. */
export type MilestoneAction =
  | "fund" | "submit" | "request_revision" | "approve" | "accept" | "decline" | "dispute" | "cancel";

const BUTTONS: readonly { action: MilestoneAction; text: string; style?: string }[] = [
  { action: "fund", text: "Fund", style: "primary" },
  { action: "submit", text: "Submit", style: "primary" },
  { action: "approve", text: "Approve", style: "primary" },
  { action: "accept", text: "Accept", style: "primary" },
  { action: "request_revision", text: "Request revision" },
  { action: "decline", text: "Decline" },
  { action: "dispute", text: "Dispute", style: "danger" },
  { action: "cancel", text: "Cancel", style: "danger" },
];

/** Actions that run at once (the others ask for a text first). */
export const DIRECT_ACTIONS: readonly MilestoneAction[] = ["fund", "approve", "accept", "decline"];

interface Props {
  readonly milestone: Milestone;
  /** The viewer is the booking's buyer / one of its parties / an admin. */
  readonly buyer: boolean;
  readonly party: boolean;
  readonly admin: boolean;
  readonly busy: boolean;
  /** Changes whenever the booking page reloads (the payment and dispute are read again). */
  readonly version: string;
  readonly onAction: (milestone: Milestone, action: MilestoneAction) => void;
  /** After something changed inside the card (a payment cancelled...). */
  readonly onChanged: () => void;
}

export function MilestoneCard({ milestone: m, buyer, party, admin, busy, version, onAction, onChanged }: Props) {
  const positive = (x: typeof m.released) => x !== undefined && x.amountMinor > 0n;
  return (
    <li class="card" data-milestone-id={m.id}>
      <div class="summary-head">
        <h3 class="summary-title">{m.title}</h3>
        <StateBadge name={MilestoneState[m.state]} />
      </div>
      <dl class="facts">
        <div><dt>Amount</dt><dd>{money(m.amount)}</dd></div>
        <div><dt>Due</dt><dd>{date(m.dueTime)}</dd></div>
        {positive(m.released) && <div><dt>To the seller</dt><dd>{money(m.released)}</dd></div>}
        {positive(m.refunded) && <div><dt>Back to the buyer</dt><dd>{money(m.refunded)}</dd></div>}
        {m.state === MilestoneState.SUBMITTED && (
          <div><dt>Released by itself</dt><dd>{dateTime(m.autoReleaseTime)}</dd></div>
        )}
        {m.state === MilestoneState.PROPOSED && (
          <div><dt>Proposed by</dt><dd><UserName id={m.proposedBy} /></dd></div>
        )}
      </dl>
      {m.submissionNote && <p class="note">Submitted: {m.submissionNote}</p>}
      {m.revisionNote && <p class="note">Revision asked ({m.revisionCount}): {m.revisionNote}</p>}
      {m.cancelReason && <p class="note">Cancelled: {m.cancelReason}</p>}
      {m.state === MilestoneState.PENDING && m.paymentId && (
        <PaymentPanel paymentId={m.paymentId} version={`${m.etag}/${version}`} payer={buyer} onChanged={onChanged} />
      )}
      {m.disputeId && <DisputePanel disputeId={m.disputeId} version={`${m.etag}/${version}`} party={party} admin={admin} />}
      <div class="actions">
        {BUTTONS.filter((x) => m.allowedActions.includes(x.action)).map((x) => (
          <button key={x.action} type="button" class={x.style} disabled={busy && DIRECT_ACTIONS.includes(x.action)}
            onClick={() => onAction(m, x.action)}>
            {x.text}
          </button>
        ))}
      </div>
    </li>
  );
}
