// Proposing one more milestone on a running booking (title, amount in the booking's
// currency, due date); the other side accepts or declines it.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { Field } from "../components/Field";
import { useSession } from "../context";
import { fieldErrors } from "../errors";
import { minorDigits, toMinor, toTimestamp } from "../format";
import { useAction } from "../hooks";
import type { Booking, Milestone } from "../sdk";

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

interface Props {
  readonly booking: Booking;
  readonly onProposed: (milestone: Milestone) => void;
}

export function ProposeMilestone({ booking, onProposed }: Props) {
  const { session } = useSession();
  const currency = booking.price?.currencyCode || "USD";
  const [title, setTitle] = useState("");
  const [amount, setAmount] = useState("");
  const [due, setDue] = useState(inDays(14));
  const [proposed, setProposed] = useState<Milestone | undefined>(undefined);
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    setProposed(undefined);
    const milestone = await action.run(() =>
      session.client.milestones.proposeMilestone({
        bookingId: booking.id,
        title: title.trim(),
        amount: { currencyCode: currency, amountMinor: toMinor(amount, minorDigits(currency)) ?? -1n },
        dueTime: due ? toTimestamp(new Date(`${due}T23:59:00`)) : undefined,
      }),
    );
    if (milestone) {
      setProposed(milestone);
      setTitle("");
      setAmount("");
      onProposed(milestone);
    }
  };
  const other = booking.buyerId === session.user.id ? "seller" : "buyer";
  return (
    <form class="stack card spaced" onSubmit={submit} noValidate aria-label="Propose a milestone">
      <h2>Propose a milestone</h2>
      <p class="muted">More work, more money: the {other} accepts or declines it.</p>
      {proposed && <p class="success" role="status">Proposed “{proposed.title}”; it waits for the {other}.</p>}
      <div class="row">
        <Field label="Milestone title" errors={fieldErrors(action.error, "title")}>
          <input name="milestone-title" value={title} maxLength={120} onInput={(e) => setTitle(e.currentTarget.value)} />
        </Field>
        <Field label={`Amount (${currency})`} errors={fieldErrors(action.error, "amount")}>
          <input name="milestone-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} placeholder="150" />
        </Field>
        <Field label="Due" errors={fieldErrors(action.error, "due_time")}>
          <input type="date" name="milestone-due" value={due} onInput={(e) => setDue(e.currentTarget.value)} />
        </Field>
      </div>
      <ErrorNotice error={action.error} />
      <div class="actions">
        <button type="submit" disabled={action.busy || !title.trim() || !amount.trim()}>Propose milestone</button>
      </div>
    </form>
  );
}
