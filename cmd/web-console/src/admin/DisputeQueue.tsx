// Admins: disputes, by default the OPEN ones, oldest first (the queue), paged and kept
// current; each opens its page with the whole history, notes and the resolution.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { StateBadge } from "../components/StateBadge";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { dateTime, label, money } from "../format";
import { useLiveReload, usePaged } from "../hooks";
import { DisputeState, EventType } from "../sdk";

const STATES = [DisputeState.OPEN, DisputeState.RESOLVED];
const DISPUTE_EVENTS = [EventType.DISPUTE_OPENED, EventType.DISPUTE_RESOLVED];

export function DisputeQueue() {
  const { session } = useSession();
  const client = session.client;
  const [state, setState] = useState(DisputeState.OPEN);
  const paged = usePaged(async (pageToken) => {
    const r = await client.disputes.listDisputes({ pageToken, pageSize: 20, state });
    return { items: r.disputes, nextPageToken: r.nextPageToken };
  }, [state]);
  const liveError = useLiveReload(client, DISPUTE_EVENTS, paged.reload);

  return (
    <section>
      <h1 tabIndex={-1}>Disputes</h1>
      <p class="lead">Milestones whose money is frozen until you settle them, oldest first.</p>
      <div class="filters" role="group" aria-label="Filter by state">
        {STATES.map((s) => (
          <button key={s} type="button" aria-pressed={state === s} onClick={() => setState(s)}>{label(DisputeState, s)}</button>
        ))}
        <button type="button" aria-pressed={state === DisputeState.UNSPECIFIED} onClick={() => setState(DisputeState.UNSPECIFIED)}>All</button>
      </div>
      <ErrorNotice error={liveError} />
      <ListStatus paged={paged} empty={state === DisputeState.OPEN ? "No open disputes." : "No disputes here."} />
      <ul class="cards" aria-label="Disputes">
        {paged.items.map((d) => (
          <li key={d.id} class="card" data-dispute-id={d.id}>
            <div class="summary-head">
              <h3 class="summary-title">{d.milestoneTitle}</h3>
              <StateBadge name={DisputeState[d.state]} />
            </div>
            <dl class="facts">
              <div><dt>At stake</dt><dd>{money(d.amount)}</dd></div>
              <div><dt>Buyer</dt><dd><UserName id={d.buyerId} /></dd></div>
              <div><dt>Seller</dt><dd><UserName id={d.sellerId} /></dd></div>
              <div><dt>Opened by</dt><dd><UserName id={d.openedBy} /></dd></div>
              <div><dt>Opened</dt><dd>{dateTime(d.createTime)}</dd></div>
            </dl>
            <p class="note">Reason: {d.reason}</p>
            <div class="actions">
              <a class="button" href={`#/admin/dispute/${encodeURIComponent(d.id)}`}>
                {d.state === DisputeState.OPEN ? "Work on it" : "Details"}
              </a>
            </div>
          </li>
        ))}
      </ul>
      <Pager paged={paged} label="Disputes" />
    </section>
  );
}
