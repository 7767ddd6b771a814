// Admins: approved curated jobs still looking for a seller (OPEN), each with the
// assignment modal; other states through the filter.
import { useState } from "preact/hooks";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { useSession } from "../context";
import { label } from "../format";
import { replaceById, usePaged } from "../hooks";
import { JobState } from "../sdk";
import { AdminJobCard } from "./AdminJobCard";

const STATES = [JobState.OPEN, JobState.BOOKED, JobState.BIDDING_CLOSED, JobState.REJECTED, JobState.CANCELLED, JobState.EXPIRED];

export function OpenJobs() {
  const { session } = useSession();
  const [state, setState] = useState(JobState.OPEN);
  const paged = usePaged(async (pageToken) => {
    const r = await session.client.jobs.listJobs({ pageToken, pageSize: 20, state });
    return { items: r.jobs, nextPageToken: r.nextPageToken, extra: r.stateCounts };
  }, [state]);
  const count = (s: JobState) => paged.extra?.find((c) => c.state === s)?.count ?? 0;
  return (
    <section>
      <h1 tabIndex={-1}>Jobs</h1>
      <div class="filters" role="group" aria-label="Filter by state">
        {STATES.map((s) => (
          <button key={s} type="button" aria-pressed={state === s} onClick={() => setState(s)}>
            {label(JobState, s)} ({count(s)})
          </button>
        ))}
      </div>
      <ListStatus paged={paged} empty="No jobs in this state." />
      <ul class="cards" aria-label="Jobs">
        {paged.items.map((job) => (
          <AdminJobCard key={job.id} job={job} onChanged={(j) => paged.update(replaceById(j))} />
        ))}
      </ul>
      <Pager paged={paged} label="Jobs" />
    </section>
  );
}
