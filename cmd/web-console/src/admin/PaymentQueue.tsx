// Admins: buyers' payments, by default the queue of PENDING ones (manual bank transfers
// to look for), newest first, paged and kept current. Confirm a transfer that arrived with
// a note (the bank's reference; audited server-side): the milestone is funded. Cancel one
// that will not come.
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
import { EventType, type Payment, PaymentState } from "../sdk";
import { MilestoneTitle } from "./MilestoneTitle";

const STATES = [PaymentState.PENDING, PaymentState.SUCCEEDED, PaymentState.FAILED, PaymentState.CANCELLED];
const PAYMENT_EVENTS = [EventType.PAYMENT_CREATED, EventType.PAYMENT_SUCCEEDED, EventType.PAYMENT_FAILED, EventType.PAYMENT_CANCELLED];

export function PaymentQueue() {
  const { session } = useSession();
  const client = session.client;
  const [state, setState] = useState(PaymentState.PENDING);
  const [confirming, setConfirming] = useState<Payment | undefined>(undefined);
  const [confirmed, setConfirmed] = useState<Payment | undefined>(undefined);
  const action = useAction();
  const paged = usePaged(async (pageToken) => {
    const r = await client.payments.listPayments({ pageToken, pageSize: 20, state });
    return { items: r.payments, nextPageToken: r.nextPageToken };
  }, [state]);
  const liveError = useLiveReload(client, PAYMENT_EVENTS, paged.reload);
  const done = (p: Payment | undefined) => {
    if (p) paged.update(replaceById(p));
    return p !== undefined;
  };

  return (
    <section>
      <h1 tabIndex={-1}>Payments</h1>
      <p class="lead">Bank transfers buyers made for their milestones: confirm each one when it arrives.</p>
      <div class="filters" role="group" aria-label="Filter by state">
        {STATES.map((s) => (
          <button key={s} type="button" aria-pressed={state === s} onClick={() => setState(s)}>{label(PaymentState, s)}</button>
        ))}
        <button type="button" aria-pressed={state === PaymentState.UNSPECIFIED} onClick={() => setState(PaymentState.UNSPECIFIED)}>All</button>
      </div>
      {confirmed && (
        <p class="success" role="status">
          Confirmed {money(confirmed.amount)} ({confirmed.providerId}): the milestone is funded.
        </p>
      )}
      <ErrorNotice error={liveError} />
      {!confirming && <ErrorNotice error={action.error} />}
      <ListStatus paged={paged} empty={state === PaymentState.PENDING ? "No payment waits for confirmation." : "No payments here."} />
      <ul class="cards" aria-label="Payments">
        {paged.items.map((p) => (
          <li key={p.id} class="card" data-payment-id={p.id}>
            <div class="summary-head">
              <h3 class="summary-title">{money(p.amount)} for <MilestoneTitle id={p.milestoneId} /></h3>
              <StateBadge name={PaymentState[p.state]} />
            </div>
            <dl class="facts">
              <div><dt>Buyer</dt><dd><UserName id={p.buyerId} /></dd></div>
              <div><dt>Reference</dt><dd class="ids">{p.providerId}</dd></div>
              <div><dt>Gateway</dt><dd>{p.gateway}</dd></div>
              <div><dt>Started</dt><dd>{dateTime(p.createTime)}</dd></div>
            </dl>
            {p.confirmedBy && <p class="note">Confirmed by <UserName id={p.confirmedBy} />: {p.confirmationNote}</p>}
            {p.failureReason && <p class="note">Failed: {p.failureReason}</p>}
            <div class="actions">
              <a class="button" href={`#/booking/${encodeURIComponent(p.bookingId)}`}>Booking</a>
              {p.state === PaymentState.PENDING && p.gateway === "manual" && (
                <button type="button" class="primary" onClick={() => setConfirming(p)}>Confirm</button>
              )}
              {p.state === PaymentState.PENDING && p.gateway !== "manual" && (
                <button type="button" disabled={action.busy}
                  onClick={async () => done(await action.run(() => client.payments.refreshPayment({ id: p.id })))}>Check with the provider</button>
              )}
              {p.state === PaymentState.PENDING && (
                <button type="button" class="danger" disabled={action.busy}
                  onClick={async () => done(await action.run(() => client.payments.cancelPayment({ id: p.id })))}>Cancel payment</button>
              )}
            </div>
          </li>
        ))}
      </ul>
      <Pager paged={paged} label="Payments" />
      {confirming && (
        <TextPrompt title={`Confirm ${money(confirming.amount)} (${confirming.providerId})`}
          label="What you saw arrive (the bank's reference)" submitLabel="Confirm payment" required
          busy={action.busy} error={action.error}
          onSubmit={async (note) => {
            const p = await action.run(() => client.payments.confirmPayment({ id: confirming.id, note }));
            if (p) setConfirmed(p);
            return done(p);
          }}
          onClose={() => { setConfirming(undefined); action.clearError(); }} />
      )}
    </section>
  );
}
