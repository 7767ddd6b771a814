// The payment of a milestone that is not funded yet: while it is under way the buyer sees
// how to pay (the manual gateway's bank-transfer instructions, or a card payment to check
// with Stripe) and may cancel it; the seller sees that it is under way. A failed or
// cancelled payment says so (the buyer funds again).
import { useEffect, useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { useSession } from "../context";
import { type Explained, explain } from "../errors";
import { dateTime, money } from "../format";
import { useAction } from "../hooks";
import { type Payment, PaymentState } from "../sdk";

interface Props {
  readonly paymentId: string;
  /** Changes whenever the milestone does (the payment is read again). */
  readonly version: string;
  /** Whether the viewer is the buyer who pays. */
  readonly payer: boolean;
  /** After the payment changed here (cancelled, refreshed). */
  readonly onChanged: () => void;
}

export function PaymentPanel({ paymentId, version, payer, onChanged }: Props) {
  const { session } = useSession();
  const client = session.client;
  const [payment, setPayment] = useState<Payment | undefined>(undefined);
  const [error, setError] = useState<Explained | undefined>(undefined);
  const action = useAction();
  useEffect(() => {
    let live = true;
    client.payments.getPayment({ id: paymentId }).then(
      (p) => live && setPayment(p),
      (e: unknown) => live && setError(explain(e)),
    );
    return () => {
      live = false;
    };
  }, [client, paymentId, version]);

  if (error) return <ErrorNotice error={error} />;
  if (!payment) return null;
  const changed = (p: Payment | undefined) => {
    if (p) {
      setPayment(p);
      onChanged();
    }
  };
  if (payment.state === PaymentState.FAILED || payment.state === PaymentState.CANCELLED) {
    const what = payment.state === PaymentState.FAILED ? `failed${payment.failureReason ? `: ${payment.failureReason}` : ""}` : "was cancelled";
    return <p class="note">The last payment {what}.{payer && " Fund it again to pay."}</p>;
  }
  if (payment.state !== PaymentState.PENDING) return null;
  const manual = payment.gateway === "manual";
  return (
    <div class="payment" aria-label="Payment under way">
      <h4>Payment under way</h4>
      <p class="muted">
        {money(payment.amount)} by {manual ? "bank transfer" : "card"}, started {dateTime(payment.createTime)}
        {manual && <> · reference <span class="ids">{payment.providerId}</span></>}
      </p>
      {payer && manual && <p class="instructions">{payment.instructions}</p>}
      {payer && !manual && <p>Confirm the card payment, then check it here.</p>}
      {!payer && <p>The buyer's payment is under way; the milestone is funded once it arrives.</p>}
      <ErrorNotice error={action.error} />
      {payer && (
        <div class="actions">
          {!manual && (
            <button type="button" disabled={action.busy}
              onClick={async () => changed(await action.run(() => client.payments.refreshPayment({ id: payment.id })))}>
              Check payment
            </button>
          )}
          <button type="button" class="danger" disabled={action.busy}
            onClick={async () => changed(await action.run(() => client.payments.cancelPayment({ id: payment.id })))}>
            Cancel payment
          </button>
        </div>
      )}
    </div>
  );
}
