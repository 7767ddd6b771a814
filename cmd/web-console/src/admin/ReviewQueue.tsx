// Admins: jobs waiting for review (PENDING_REVIEW), newest first, paged, with how many
// wait in all; approve, reject with a reason, then assign sellers right away.
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { useSession } from "../context";
import { replaceById, usePaged } from "../hooks";
import { JobState } from "../sdk";
import { AdminJobCard } from "./AdminJobCard";

export function ReviewQueue() {
  const { session } = useSession();
  const paged = usePaged(async (pageToken) => {
    const r = await session.client.jobs.listJobs({ pageToken, pageSize: 20, state: JobState.PENDING_REVIEW });
    const waiting = r.stateCounts.find((c) => c.state === JobState.PENDING_REVIEW)?.count ?? 0;
    return { items: r.jobs, nextPageToken: r.nextPageToken, extra: waiting };
  }, [session]);
  // Jobs decided on this page (still shown, with their next action) no longer wait.
  const decided = paged.items.filter((j) => j.state !== JobState.PENDING_REVIEW).length;
  const waiting = paged.extra === undefined ? undefined : Math.max(0, paged.extra - decided);
  return (
    <section>
      <h1 tabIndex={-1}>Review queue</h1>
      <p class="lead">{waiting !== undefined && `${waiting} job${waiting === 1 ? "" : "s"} waiting for review.`}</p>
      <div class="actions">
        <button type="button" onClick={paged.reload} disabled={paged.loading}>Refresh</button>
      </div>
      <ListStatus paged={paged} empty="Nothing waits for review." />
      <ul class="cards" aria-label="Jobs waiting for review">
        {paged.items.map((job) => (
          <AdminJobCard key={job.id} job={job} onChanged={(j) => paged.update(replaceById(j))} />
        ))}
      </ul>
      <Pager paged={paged} label="Review queue" />
    </section>
  );
}
