// One booking: title, state, parties, price, due date, how far its milestones are settled,
// notes, a link to its page (milestones, money, delivered files), "Message" for its
// parties, and a button for each action its allowed_actions grant the caller.
import { StateBadge } from "../components/StateBadge";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { date, label, money } from "../format";
import { type Booking, BookingSource, BookingState } from "../sdk";
import { MessageButton } from "./MessageButton";

/** The booking actions of booking.proto's allowed_actions. */
export type BookingAction = "deliver" | "request_revision" | "complete" | "cancel" | "review";

const BUTTONS: readonly { action: BookingAction; text: string; style?: string }[] = [
  { action: "deliver", text: "Deliver", style: "primary" },
  { action: "complete", text: "Complete", style: "primary" },
  { action: "request_revision", text: "Request revision" },
  { action: "cancel", text: "Cancel", style: "danger" },
  { action: "review", text: "Review" },
];

interface Props {
  readonly booking: Booking;
  /** Admins see both parties; others the other side only. */
  readonly admin: boolean;
  readonly busy: boolean;
  readonly onAction: (booking: Booking, action: BookingAction) => void;
}

export function BookingCard({ booking: b, admin, busy, onAction }: Props) {
  const { session } = useSession();
  const me = session.user.id;
  return (
    <li class="card" data-booking-id={b.id}>
      <div class="summary-head">
        <h3 class="summary-title">{b.jobTitle}</h3>
        <StateBadge name={BookingState[b.state]} />
      </div>
      <dl class="facts">
        {(admin || b.buyerId !== me) && <div><dt>Buyer</dt><dd><UserName id={b.buyerId} /></dd></div>}
        {(admin || b.sellerId !== me) && <div><dt>Seller</dt><dd><UserName id={b.sellerId} /></dd></div>}
        <div><dt>Price</dt><dd>{money(b.price)}</dd></div>
        <div><dt>Due</dt><dd>{date(b.dueTime)}</dd></div>
        <div><dt>From</dt><dd>{label(BookingSource, b.source)}</dd></div>
        {b.money && b.money.milestoneCount > 0 && (
          <div><dt>Milestones settled</dt><dd>{b.money.milestonesFinal} of {b.money.milestoneCount}</dd></div>
        )}
        {b.money && b.money.inEscrow && b.money.inEscrow.amountMinor > 0n && (
          <div><dt>In escrow</dt><dd>{money(b.money.inEscrow)}</dd></div>
        )}
      </dl>
      {b.deliveryNote && <p class="note">Delivered: {b.deliveryNote}</p>}
      {b.revisionNote && <p class="note">Revision asked ({b.revisionCount}): {b.revisionNote}</p>}
      {b.cancelReason && <p class="note">Cancelled: {b.cancelReason}</p>}
      <div class="actions">
        <a class="button" href={`#/booking/${encodeURIComponent(b.id)}`}>Milestones and payments</a>
        {(b.buyerId === me || b.sellerId === me) && (
          <MessageButton bookingId={b.id} sellerId={b.buyerId === me ? b.sellerId : ""} />
        )}
        {BUTTONS.filter((x) => b.allowedActions.includes(x.action)).map((x) => (
          <button key={x.action} type="button" class={x.style} disabled={busy && x.action === "complete"}
            onClick={() => onAction(b, x.action)}>
            {x.text}
          </button>
        ))}
      </div>
    </li>
  );
}
