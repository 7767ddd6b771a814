// Seller: their money (LedgerService.GetBalance, per currency): available (released to
// them, minus fees), withdrawable (available minus payouts already asked for) and what is
// still in escrow on their bookings; a payout request for part of the withdrawable
// balance; and their payouts, paged, with Cancel while one waits for an admin.
import { useCallback, useEffect, useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { Field } from "../components/Field";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { StateBadge } from "../components/StateBadge";
import { TextPrompt } from "../components/TextPrompt";
import { useSession } from "../context";
import { type Explained, explain, fieldErrors } from "../errors";
import { dateTime, minorDigits, money, toMinor } from "../format";
import { replaceById, useAction, useLiveReload, usePaged } from "../hooks";
import { type CurrencyBalance, EventType, type Payout, PayoutState } from "../sdk";

const BALANCE_EVENTS = [
  EventType.MILESTONE_FUNDED, EventType.MILESTONE_RELEASED, EventType.MILESTONE_CANCELLED, EventType.MILESTONE_RESOLVED,
  EventType.PAYOUT_REQUESTED, EventType.PAYOUT_PAID, EventType.PAYOUT_CANCELLED,
];

export function Earnings() {
  const { session } = useSession();
  const client = session.client;
  const [balances, setBalances] = useState<CurrencyBalance[] | undefined>(undefined);
  const [balanceError, setBalanceError] = useState<Explained | undefined>(undefined);
  const [cancelling, setCancelling] = useState<Payout | undefined>(undefined);
  const action = useAction();
  const payouts = usePaged(async (pageToken) => {
    const r = await client.payouts.listPayouts({ pageToken, pageSize: 20 });
    return { items: r.payouts, nextPageToken: r.nextPageToken };
  }, [session]);
  const loadBalance = useCallback(() => {
    client.ledger.getBalance({}).then(
      (r) => {
        setBalances(r.balances);
        setBalanceError(undefined);
      },
      (e: unknown) => setBalanceError(explain(e)),
    );
  }, [client]);
  useEffect(loadBalance, [loadBalance]);
  const reloadAll = () => {
    loadBalance();
    payouts.reload();
  };
  const liveError = useLiveReload(client, BALANCE_EVENTS, reloadAll);

  return (
    <section>
      <h1 tabIndex={-1}>Earnings</h1>
      <ErrorNotice error={balanceError} />
      <ErrorNotice error={liveError} />
      {balances && balances.length === 0 && (
        <p class="empty">No money yet: it arrives here when buyers approve your milestones.</p>
      )}
      <ul class="cards" aria-label="Balances">
        {(balances ?? []).map((b) => (
          <BalanceCard key={b.currencyCode} balance={b} onRequested={reloadAll} />
        ))}
      </ul>
      <h2>Payouts</h2>
      {!cancelling && <ErrorNotice error={action.error} />}
      <ListStatus paged={payouts} empty="No payouts yet." />
      <ul class="cards" aria-label="Payouts">
        {payouts.items.map((p) => (
          <li key={p.id} class="card" data-payout-id={p.id}>
            <div class="summary-head">
              <h3 class="summary-title">Payout of {money(p.amount)}</h3>
              <StateBadge name={PayoutState[p.state]} />
            </div>
            <p class="muted">Requested {dateTime(p.createTime)}{p.state === PayoutState.PAID && `, paid ${dateTime(p.paidTime)}`}</p>
            {p.reference && <p class="note">Bank reference: {p.reference}</p>}
            {p.cancelReason && <p class="note">Cancelled: {p.cancelReason}</p>}
            {p.state === PayoutState.REQUESTED && (
              <div class="actions">
                <button type="button" class="danger" onClick={() => setCancelling(p)}>Cancel payout</button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <Pager paged={payouts} label="Payouts" />
      {cancelling && (
        <TextPrompt title={`Cancel the payout of ${money(cancelling.amount)}`} label="Why" submitLabel="Cancel payout" required
          busy={action.busy} error={action.error}
          onSubmit={async (reason) => {
            const p = await action.run(() => client.payouts.cancelPayout({ id: cancelling.id, reason }));
            if (p) {
              payouts.update(replaceById(p));
              loadBalance();
            }
            return p !== undefined;
          }}
          onClose={() => { setCancelling(undefined); action.clearError(); }} />
      )}
    </section>
  );
}

/** One currency's balance, with a payout request for part of what is withdrawable. */
function BalanceCard({ balance: b, onRequested }: { readonly balance: CurrencyBalance; readonly onRequested: () => void }) {
  const { session } = useSession();
  const [amount, setAmount] = useState("");
  const [requested, setRequested] = useState<Payout | undefined>(undefined);
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    setRequested(undefined);
    const payout = await action.run(() =>
      session.client.payouts.requestPayout({
        amount: { currencyCode: b.currencyCode, amountMinor: toMinor(amount, minorDigits(b.currencyCode)) ?? -1n },
      }),
    );
    if (payout) {
      setRequested(payout);
      setAmount("");
      onRequested();
    }
  };
  return (
    <li class="card" data-currency={b.currencyCode}>
      <div class="summary-head">
        <h2 class="summary-title">Balance in {b.currencyCode}</h2>
      </div>
      <dl class="facts balance">
        <div><dt>Available</dt><dd>{money(b.available)}</dd></div>
        <div><dt>Payouts requested</dt><dd>{money(b.payoutsRequested)}</dd></div>
        <div><dt>Withdrawable</dt><dd>{money(b.withdrawable)}</dd></div>
        <div><dt>In escrow</dt><dd>{money(b.escrowAsSeller)}</dd></div>
      </dl>
      <form class="row payout-form" onSubmit={submit} noValidate aria-label={`Request a payout in ${b.currencyCode}`}>
        <Field label={`Payout amount (${b.currencyCode})`} errors={fieldErrors(action.error, "amount")}>
          <input name="payout-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} />
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy || !amount.trim()}>Request payout</button>
        </div>
      </form>
      {requested && <p class="success" role="status">Asked for {money(requested.amount)}: an admin pays it out and marks it paid.</p>}
      <ErrorNotice error={action.error} />
    </li>
  );
}
