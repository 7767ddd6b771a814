// Admins: one job with the actions its allowed_actions grant: approve, reject (with a
// reason) and assign sellers (the assignment modal).
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { JobSummary } from "../components/JobSummary";
import { TextPrompt } from "../components/TextPrompt";
import { useSession } from "../context";
import { useAction } from "../hooks";
import type { Job } from "../sdk";
import { AssignModal } from "./AssignModal";

interface Props {
  readonly job: Job;
  /** The job as an action returned it. */
  readonly onChanged: (job: Job) => void;
}

export function AdminJobCard({ job, onChanged }: Props) {
  const { session } = useSession();
  const client = session.client;
  const [rejecting, setRejecting] = useState(false);
  const [assigning, setAssigning] = useState(false);
  const action = useAction();
  const done = (changed: Job | undefined) => {
    if (changed) onChanged(changed);
    return changed !== undefined;
  };
  const approve = async () => done(await action.run(() => client.jobs.approveJob({ id: job.id })));
  const reject = async (reason: string) => done(await action.run(() => client.jobs.rejectJob({ id: job.id, reason })));

  return (
    <li class="card" data-job-id={job.id}>
      <JobSummary job={job} showBuyer />
      <p class="description">{job.description}</p>
      {!rejecting && <ErrorNotice error={action.error} />}
      <div class="actions">
        {job.allowedActions.includes("approve") && (
          <button type="button" class="primary" disabled={action.busy} onClick={approve}>Approve</button>
        )}
        {job.allowedActions.includes("reject") && (
          <button type="button" class="danger" onClick={() => setRejecting(true)}>Reject</button>
        )}
        {job.allowedActions.includes("assign") && (
          <button type="button" class="primary" onClick={() => setAssigning(true)}>Assign sellers</button>
        )}
      </div>
      {rejecting && (
        <TextPrompt title={`Reject “${job.title}”`} label="Reason (shown to the buyer)" submitLabel="Reject job" required
          busy={action.busy} error={action.error} onSubmit={reject}
          onClose={() => { setRejecting(false); action.clearError(); }} />
      )}
      {assigning && <AssignModal job={job} onClose={() => setAssigning(false)} />}
    </li>
  );
}
