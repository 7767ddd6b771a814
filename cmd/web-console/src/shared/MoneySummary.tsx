// A booking's money at a glance (booking.money): what the contract is worth, what is in
// escrow, what reached the seller, the platform's fees and what went back to the buyer.
import { money } from "../format";
import type { BookingMoney } from "../sdk";

export function MoneySummary({ summary }: { readonly summary: BookingMoney | undefined }) {
  if (!summary) return <p class="muted">No money moves on this booking.</p>;
  return (
    <dl class="facts money" aria-label="Money">
      <div><dt>Contract total</dt><dd>{money(summary.contractTotal)}</dd></div>
      <div><dt>Funded</dt><dd>{money(summary.funded)}</dd></div>
      <div><dt>In escrow</dt><dd>{money(summary.inEscrow)}</dd></div>
      <div><dt>Released</dt><dd>{money(summary.released)}</dd></div>
      <div><dt>Platform fees</dt><dd>{money(summary.platformFees)}</dd></div>
      <div><dt>Refunded</dt><dd>{money(summary.refunded)}</dd></div>
      <div><dt>Milestones settled</dt><dd>{summary.milestonesFinal} of {summary.milestoneCount}</dd></div>
    </dl>
  );
}
