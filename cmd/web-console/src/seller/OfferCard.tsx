// One offer as its seller sees it: the job, budget, the admin's note, until when to
// answer, Accept / Decline as its allowed_actions say, and "Message buyer" to ask about it.
import { StateBadge } from "../components/StateBadge";
import { dateTime, moneyRange } from "../format";
import { type Offer, OfferState } from "../sdk";
import { MessageButton } from "../shared/MessageButton";

interface Props {
  readonly offer: Offer;
  /** Arrived live since the page opened (highlighted). */
  readonly fresh: boolean;
  readonly busy: boolean;
  readonly onAccept: (offer: Offer) => void;
  readonly onDecline: (offer: Offer) => void;
}

export function OfferCard({ offer: o, fresh, busy, onAccept, onDecline }: Props) {
  return (
    <li class={fresh ? "card fresh" : "card"} data-offer-id={o.id}>
      <div class="summary-head">
        <h3 class="summary-title">{o.jobTitle}</h3>
        <StateBadge name={OfferState[o.state]} />
      </div>
      <dl class="facts">
        <div><dt>Budget</dt><dd>{moneyRange(o.budget)}</dd></div>
        {o.state === OfferState.PENDING && <div><dt>Answer by</dt><dd>{dateTime(o.expireTime)}</dd></div>}
      </dl>
      {o.note && <p class="note">From the admin: “{o.note}”</p>}
      {o.declineReason && <p class="note">Declined: {o.declineReason}</p>}
      {o.bookingId && <p>Booked: see <a href="#/bookings">My bookings</a>.</p>}
      <div class="actions">
        {o.allowedActions.includes("accept") && (
          <button type="button" class="primary" disabled={busy} onClick={() => onAccept(o)}>Accept</button>
        )}
        {o.allowedActions.includes("decline") && (
          <button type="button" onClick={() => onDecline(o)}>Decline</button>
        )}
        <MessageButton jobId={o.jobId} label="Message buyer" />
      </div>
    </li>
  );
}
