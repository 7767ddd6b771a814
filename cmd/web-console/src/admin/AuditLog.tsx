// Admins: the audit log, newest first, filtered by action or target, paged.
import { useState } from "preact/hooks";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { dateTime } from "../format";
import { usePaged } from "../hooks";

export function AuditLog() {
  const { session } = useSession();
  const [action, setAction] = useState("");
  const [target, setTarget] = useState("");
  const [applied, setApplied] = useState({ action: "", target: "" });
  const paged = usePaged(async (pageToken) => {
    const r = await session.client.audit.listAuditEntries({ pageToken, pageSize: 25, ...applied });
    return { items: r.entries, nextPageToken: r.nextPageToken };
  }, [applied]);

  return (
    <section>
      <h1 tabIndex={-1}>Audit log</h1>
      <form class="filters" role="search" aria-label="Filter the audit log"
        onSubmit={(e) => { e.preventDefault(); setApplied({ action: action.trim(), target: target.trim() }); }}>
        <label>
          Action
          <input name="audit-action" value={action} onInput={(e) => setAction(e.currentTarget.value)} placeholder="e.g. AssignSellers" />
        </label>
        <label>
          Target id
          <input name="audit-target" value={target} onInput={(e) => setTarget(e.currentTarget.value)} placeholder="e.g. job_…" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ListStatus paged={paged} empty="No entries." />
      <ul class="cards audit" aria-label="Audit entries">
        {paged.items.map((e) => (
          <li key={e.id} class="card">
            <strong>{e.action}</strong> <span class="muted">by <UserName id={e.actorId} />, {dateTime(e.createTime)}</span>
            <p class="ids">{e.target}</p>
            {e.note && <p class="note">{e.note}</p>}
          </li>
        ))}
      </ul>
      <Pager paged={paged} label="Audit log" />
    </section>
  );
}
