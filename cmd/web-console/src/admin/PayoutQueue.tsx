// Admins: sellers' payouts, by default the REQUESTED ones to pay, newest first, paged and
// kept current. Mark one paid with the bank's reference once the transfer went out (the
// ledger moves it out of the seller's balance; audited), or cancel it with a reason.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { ListStatus } from "../components/ListStatus";
import { Pager } from "../components/Pager";
import { StateBadge } from "../components/StateBadge";
import { TextPrompt } from "../components/TextPrompt";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { dateTime, label, money } from "../format";
import { replaceById, useAction, useLiveReload, usePaged } from "../hooks";
import { EventType, type Payout, PayoutState } from "../sdk";

const STATES = [PayoutState.REQUESTED, PayoutState.PAID, PayoutState.CANCELLED];
const PAYOUT_EVENTS = [EventType.PAYOUT_REQUESTED, EventType.PAYOUT_PAID, EventType.PAYOUT_CANCELLED];

/** The text-taking actions and how to ask for their text. */
const PROMPTS = {
  pay: { title: "Mark paid", label: "The bank's reference of the transfer", submit: "Mark paid" },
  cancel: { title: "Cancel payout", label: "Why (the seller sees it)", submit: "Cancel payout" },
} as const;

export function PayoutQueue() {
  const { session } = useSession();
  const client = session.client;
  const [state, setState] = useState(PayoutState.REQUESTED);
  const [prompt, setPrompt] = useState<{ payout: Payout; action: keyof typeof PROMPTS } | undefined>(undefined);
  const [paid, setPaid] = useState<Payout | undefined>(undefined);
  const action = useAction();
  const paged = usePaged(async (pageToken) => {
    const r = await client.payouts.listPayouts({ pageToken, pageSize: 20, state });
    return { items: r.payouts, nextPageToken: r.nextPageToken };
  }, [state]);
  const liveError = useLiveReload(client, PAYOUT_EVENTS, paged.reload);
  const runPrompt = async (text: string) => {
    const { payout, action: kind } = prompt!;
    const p = await action.run(() =>
      kind === "pay"
        ? client.payouts.markPayoutPaid({ id: payout.id, reference: text })
        : client.payouts.cancelPayout({ id: payout.id, reason: text }),
    );
    if (p) {
      paged.update(replaceById(p));
      if (kind === "pay") setPaid(p);
    }
    return p !== undefined;
  };

  return (
    <section>
      <h1 tabIndex={-1}>Payouts</h1>
      <p class="lead">Sellers' requests to be paid their available balance.</p>
      <div class="filters" role="group" aria-label="Filter by state">
        {STATES.map((s) => (
          <button key={s} type="button" aria-pressed={state === s} onClick={() => setState(s)}>{label(PayoutState, s)}</button>
        ))}
        <button type="button" aria-pressed={state === PayoutState.UNSPECIFIED} onClick={() => setState(PayoutState.UNSPECIFIED)}>All</button>
      </div>
      {paid && <p class="success" role="status">Marked {money(paid.amount)} paid (reference {paid.reference}).</p>}
      <ErrorNotice error={liveError} />
      {!prompt && <ErrorNotice error={action.error} />}
      <ListStatus paged={paged} empty={state === PayoutState.REQUESTED ? "No payout waits." : "No payouts here."} />
      <ul class="cards" aria-label="Payouts">
        {paged.items.map((p) => (
          <li key={p.id} class="card" data-payout-id={p.id}>
            <div class="summary-head">
              <h3 class="summary-title">{money(p.amount)} to <UserName id={p.sellerId} /></h3>
              <StateBadge name={PayoutState[p.state]} />
            </div>
            <p class="muted">Requested {dateTime(p.createTime)}{p.paidBy && <>, paid by <UserName id={p.paidBy} /> {dateTime(p.paidTime)}</>}</p>
            {p.reference && <p class="note">Bank reference: {p.reference}</p>}
            {p.cancelReason && <p class="note">Cancelled: {p.cancelReason}</p>}
            {p.state === PayoutState.REQUESTED && (
              <div class="actions">
                <button type="button" class="primary" onClick={() => setPrompt({ payout: p, action: "pay" })}>Mark paid</button>
                <button type="button" class="danger" onClick={() => setPrompt({ payout: p, action: "cancel" })}>Cancel payout</button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <Pager paged={paged} label="Payouts" />
      {prompt && (
        <TextPrompt title={`${PROMPTS[prompt.action].title}: ${money(prompt.payout.amount)}`} label={PROMPTS[prompt.action].label}
          submitLabel={PROMPTS[prompt.action].submit} required busy={action.busy} error={action.error}
          onSubmit={runPrompt} onClose={() => { setPrompt(undefined); action.clearError(); }} />
      )}
    </section>
  );
}
