// Buyer: one job with what it attracted: the sellers admins assigned (their offers), or,
// for an open project, the proposals sellers sent.
import { useEffect, useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { JobSummary } from "../components/JobSummary";
import { useSession } from "../context";
import { type Explained, explain } from "../errors";
import { type Job, SourcingMode } from "../sdk";
import { Assignments } from "./Assignments";
import { Proposals } from "./Proposals";

export function JobDetail({ param }: { readonly param: string }) {
  const { session } = useSession();
  const [job, setJob] = useState<Job | undefined>(undefined);
  const [error, setError] = useState<Explained | undefined>(undefined);
  useEffect(() => {
    session.client.jobs.getJob({ id: param }).then(setJob, (e: unknown) => setError(explain(e)));
  }, [param, session]);

  return (
    <section>
      <p><a href="#/jobs">← My jobs</a></p>
      <h1 tabIndex={-1}>{job?.title ?? "Job"}</h1>
      <ErrorNotice error={error} />
      {job && (
        <>
          <div class="card">
            <JobSummary job={job} title="Details" headingLevel={2} />
            <p class="description">{job.description}</p>
            {job.bookingId && <p>Booked: see <a href="#/bookings">My bookings</a>.</p>}
          </div>
          {job.sourcingMode === SourcingMode.OPEN ? <Proposals job={job} onJobChanged={setJob} /> : <Assignments job={job} />}
        </>
      )}
    </section>
  );
}
