// Buyer: my jobs with a count per state (as filters), paged, updated live from the
// event stream; cancel a job still in review or open; open a job's offers or proposals.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { JobSummary } from "../components/JobSummary";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { TextPrompt } from "../components/TextPrompt";
import { useSession } from "../context";
import { label } from "../format";
import { replaceById, useAction, useEventReload, usePaged } from "../hooks";
import { EventType, type Job, JobState, type JobStateCount, SourcingMode } from "../sdk";

const JOB_EVENTS = [
  EventType.JOB_CREATED, EventType.JOB_APPROVED, EventType.JOB_REJECTED, EventType.JOB_CANCELLED,
  EventType.JOB_EXPIRED, EventType.JOB_BOOKED, EventType.JOB_REOPENED, EventType.JOB_BIDDING_CLOSED,
];

export function MyJobs() {
  const { session } = useSession();
  const client = session.client;
  const [state, setState] = useState<JobState>(JobState.UNSPECIFIED);
  const [cancelling, setCancelling] = useState<Job | undefined>(undefined);
  const action = useAction();
  const paged = usePaged(async (pageToken) => {
    const r = await client.jobs.listJobs({ pageToken, pageSize: 20, state });
    return { items: r.jobs, nextPageToken: r.nextPageToken, extra: { counts: r.stateCounts, cursor: r.eventCursor } };
  }, [state]);
  const liveError = useEventReload(client, paged.extra?.cursor, JOB_EVENTS, paged.reload);

  const cancel = async (reason: string) => {
    const job = await action.run(() => client.jobs.cancelJob({ id: cancelling!.id, reason }));
    if (job) paged.update(replaceById(job));
    return job !== undefined;
  };

  return (
    <section>
      <h1 tabIndex={-1}>My jobs</h1>
      <StateFilter counts={paged.extra?.counts ?? []} state={state} onChange={setState} />
      <ErrorNotice error={liveError} />
      <ListStatus paged={paged} empty={state ? "No jobs in this state." : "You have not posted a job yet."} />
      <ul class="cards" aria-label="Jobs">
        {paged.items.map((job) => (
          <li key={job.id} class="card" data-job-id={job.id}>
            <JobSummary job={job} title={<a href={`#/job/${job.id}`}>{job.title}</a>} />
            <div class="actions">
              <a class="button" href={`#/job/${job.id}`}>
                {job.sourcingMode === SourcingMode.OPEN ? "Proposals" : "Offers"}
              </a>
              {job.allowedActions.includes("cancel") && (
                <button type="button" onClick={() => setCancelling(job)}>Cancel job</button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <Pager paged={paged} label="Jobs" />
      {cancelling && (
        <TextPrompt title={`Cancel “${cancelling.title}”`} label="Why" submitLabel="Cancel job"
          busy={action.busy} error={action.error} onSubmit={cancel}
          onClose={() => { setCancelling(undefined); action.clearError(); }} />
      )}
    </section>
  );
}

interface FilterProps {
  readonly counts: readonly JobStateCount[];
  readonly state: JobState;
  readonly onChange: (state: JobState) => void;
}

/** "All (5)", "Open (2)"...: the state counts of ListJobs, each a filter button. */
function StateFilter({ counts, state, onChange }: FilterProps) {
  const total = counts.reduce((sum, c) => sum + c.count, 0);
  const shown = counts.filter((c) => c.count > 0 || c.state === state);
  return (
    <div class="filters" role="group" aria-label="Filter by state">
      <button type="button" aria-pressed={state === JobState.UNSPECIFIED} onClick={() => onChange(JobState.UNSPECIFIED)}>
        All ({total})
      </button>
      {shown.map((c) => (
        <button key={c.state} type="button" aria-pressed={state === c.state} onClick={() => onChange(c.state)}>
          {label(JobState, c.state)} ({c.count})
        </button>
      ))}
    </div>
  );
}
