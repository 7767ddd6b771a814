// Admins: the ledger. Reconcile checks every invariant over the whole ledger (balanced
// transactions, no negative account but the world, balances equal to their entries, each
// booking's escrow equal to funded - released - refunded) and shows ok or each violation,
// with the totals; below, the entries in commit order, paged, optionally one booking's.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { useSession } from "../context";
import { dateTime, label, money, moneyList } from "../format";
import { useAction, usePaged } from "../hooks";
import { LedgerTransactionKind, type ReconcileLedgerResponse } from "../sdk";

export function Ledger() {
  const { session } = useSession();
  const client = session.client;
  const [report, setReport] = useState<ReconcileLedgerResponse | undefined>(undefined);
  const [booking, setBooking] = useState("");
  const [applied, setApplied] = useState("");
  const action = useAction();
  const entries = usePaged(async (pageToken) => {
    const r = await client.ledger.listLedgerEntries({ pageToken, pageSize: 25, bookingId: applied });
    return { items: r.entries, nextPageToken: r.nextPageToken };
  }, [applied]);
  const reconcile = async () => {
    const r = await action.run(() => client.ledger.reconcileLedger({}));
    if (r) setReport(r);
  };

  return (
    <section>
      <h1 tabIndex={-1}>Ledger</h1>
      <div class="card">
        <h2>Reconciliation</h2>
        <p class="muted">Checks every ledger invariant over all entries while the server keeps serving.</p>
        <div class="actions">
          <button type="button" class="primary" disabled={action.busy} onClick={reconcile}>
            {action.busy ? "Reconciling…" : "Reconcile"}
          </button>
        </div>
        <ErrorNotice error={action.error} />
        {report && (
          <div class="reconciliation" role="status">
            {report.ok
              ? <p class="success">The ledger reconciles: no invariant is broken.</p>
              : (
                <div class="error">
                  <p class="error-sentence">{report.violations.length} violation{report.violations.length === 1 ? "" : "s"} found:</p>
                  <ul class="error-fields">{report.violations.map((v) => <li key={v}>{v}</li>)}</ul>
                </div>
              )}
            <dl class="facts">
              <div><dt>Transactions</dt><dd>{report.transactions.toString()}</dd></div>
              <div><dt>Entries</dt><dd>{report.entries.toString()}</dd></div>
              <div><dt>In escrow</dt><dd>{moneyList(report.inEscrow)}</dd></div>
              <div><dt>Owed to sellers</dt><dd>{moneyList(report.sellerAvailable)}</dd></div>
              <div><dt>Platform fees</dt><dd>{moneyList(report.platformFees)}</dd></div>
              <div><dt>Took</dt><dd>{report.durationMs.toString()} ms</dd></div>
            </dl>
          </div>
        )}
      </div>
      <h2>Entries</h2>
      <form class="filters" role="search" aria-label="Filter the ledger"
        onSubmit={(e) => { e.preventDefault(); setApplied(booking.trim()); }}>
        <label>
          Booking id
          <input name="ledger-booking" value={booking} onInput={(e) => setBooking(e.currentTarget.value)} placeholder="e.g. bkg_…" />
        </label>
        <button type="submit">Filter</button>
      </form>
      <ListStatus paged={entries} empty="No entries." />
      <div class="table-wrap">
        <table class="ledger" aria-label="Ledger entries">
          <thead>
            <tr><th>#</th><th>Kind</th><th>Account</th><th class="num">Amount</th><th>When</th></tr>
          </thead>
          <tbody>
            {entries.items.map((e) => (
              <tr key={`${e.transactionId}/${e.position}`}>
                <td>{e.sequence.toString()}</td>
                <td>{label(LedgerTransactionKind, e.kind)}</td>
                <td class="ids">{e.account}</td>
                <td class="num">{money(e)}</td>
                <td>{dateTime(e.createTime)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Pager paged={entries} label="Ledger entries" />
    </section>
  );
}
