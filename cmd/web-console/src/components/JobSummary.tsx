// A job's title, state and key facts (category, budget, due date, sourcing mode, skills).
import type { ComponentChildren } from "preact";
import { useSession } from "../context";
import { date, moneyRange } from "../format";
import { categoryPath, useCategories } from "../hooks";
import { type Job, JobState, SourcingMode } from "../sdk";
import { StateBadge } from "./StateBadge";
import { UserName } from "./UserName";

interface Props {
  readonly job: Job;
  /** Show who posted it (admins). */
  readonly showBuyer?: boolean;
  /** The title, e.g. a link; default plain text. */
  readonly title?: ComponentChildren;
  readonly headingLevel?: 2 | 3;
}

export function JobSummary({ job, showBuyer = false, title, headingLevel = 3 }: Props) {
  const { session } = useSession();
  const categories = useCategories(session.client);
  const Heading = headingLevel === 2 ? "h2" : "h3";
  const open = job.sourcingMode === SourcingMode.OPEN;
  return (
    <div class="summary">
      <div class="summary-head">
        <Heading class="summary-title">{title ?? job.title}</Heading>
        <StateBadge name={JobState[job.state]} />
      </div>
      <dl class="facts">
        {showBuyer && (
          <div>
            <dt>Buyer</dt>
            <dd><UserName id={job.buyerId} /></dd>
          </div>
        )}
        <div>
          <dt>Category</dt>
          <dd>{categoryPath(categories, job.categoryId)}</dd>
        </div>
        <div>
          <dt>Budget</dt>
          <dd>{moneyRange(job.budget)}</dd>
        </div>
        <div>
          <dt>Due</dt>
          <dd>{date(job.dueTime)}</dd>
        </div>
        <div>
          <dt>Sourcing</dt>
          <dd>{open ? `Open to proposals (${job.proposalCount} live)` : "Assigned by admins"}</dd>
        </div>
        {open && (
          <div>
            <dt>Bidding closes</dt>
            <dd>{date(job.biddingCloseTime)}</dd>
          </div>
        )}
      </dl>
      {job.skills.length > 0 && (
        <ul class="tags" aria-label="Skills">
          {job.skills.map((s) => <li key={s}>{s}</li>)}
        </ul>
      )}
      {job.rejectionReason && <p class="note">Rejected: {job.rejectionReason}</p>}
      {job.cancelReason && <p class="note">Cancelled: {job.cancelReason}</p>}
    </div>
  );
}
