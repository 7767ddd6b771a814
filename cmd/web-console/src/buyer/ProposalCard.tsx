// One proposal as the job's buyer sees it: seller, price, delivery, rating, cover letter,
// milestone plan, Accept / Shortlist / Decline as its allowed_actions say, and "Message"
// to talk with the seller about it.
import { StateBadge } from "../components/StateBadge";
import { money } from "../format";
import { type Proposal, ProposalState } from "../sdk";
import { MessageButton } from "../shared/MessageButton";

interface Props {
  readonly proposal: Proposal;
  readonly busy: boolean;
  readonly onAccept: (p: Proposal) => void;
  readonly onShortlist: (p: Proposal) => void;
  readonly onDecline: (p: Proposal) => void;
}

export function ProposalCard({ proposal: p, busy, onAccept, onShortlist, onDecline }: Props) {
  const rated = p.sellerRatingMilli ? `seller rated ${(p.sellerRatingMilli / 1000).toFixed(1)} ★` : "seller not rated yet";
  return (
    <li class="card" data-proposal-id={p.id}>
      <div class="summary-head">
        <h3 class="summary-title">{p.sellerDisplayName}</h3>
        <StateBadge name={ProposalState[p.state]} />
      </div>
      <p class="muted">
        {money(p.price)} · {p.deliveryDays} days · {rated}
        {p.invited && " · invited"}
      </p>
      <p class="description">{p.coverLetter}</p>
      {p.milestones.length > 0 && (
        <ol class="milestones" aria-label="Milestone plan">
          {p.milestones.map((m) => <li key={m.title}>{m.title}: {money(m.amount)}, day {m.dueInDays}</li>)}
        </ol>
      )}
      {p.declineReason && <p class="note">Declined: {p.declineReason}</p>}
      <div class="actions">
        {p.allowedActions.includes("accept") && (
          <button type="button" class="primary" disabled={busy} onClick={() => onAccept(p)}>Accept</button>
        )}
        {p.allowedActions.includes("shortlist") && (
          <button type="button" disabled={busy} onClick={() => onShortlist(p)}>Shortlist</button>
        )}
        {p.allowedActions.includes("decline") && (
          <button type="button" onClick={() => onDecline(p)}>Decline</button>
        )}
        <MessageButton jobId={p.jobId} sellerId={p.sellerId} />
      </div>
    </li>
  );
}
