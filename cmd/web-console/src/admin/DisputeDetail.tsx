// Admins: one dispute with its whole history (reason, evidence, every note, internal ones
// marked), a note to add (seen by both parties, or internal), and the resolution: an
// amount to the seller and one back to the buyer, which the server checks add up to the
// money in escrow (AMOUNT_MISMATCH when they do not, shown in words like every error).
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { Field } from "../components/Field";
import { StateBadge } from "../components/StateBadge";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { type Explained, explain, fieldErrors } from "../errors";
import { dateTime, minorDigits, money, toMinor } from "../format";
import { useAction, useLiveReload } from "../hooks";
import { type Dispute, DisputeState, EventType } from "../sdk";
import { DisputeNotes } from "../shared/DisputeNotes";

const DISPUTE_EVENTS = [EventType.DISPUTE_NOTE_ADDED, EventType.DISPUTE_RESOLVED];

export function DisputeDetail({ param }: { readonly param: string }) {
  const { session } = useSession();
  const client = session.client;
  const [dispute, setDispute] = useState<Dispute | undefined>(undefined);
  const [error, setError] = useState<Explained | undefined>(undefined);
  const request = useRef(0);
  const load = useCallback(() => {
    const id = ++request.current;
    client.disputes.getDispute({ id: param }).then(
      (d) => id === request.current && setDispute(d),
      (e: unknown) => id === request.current && setError(explain(e)),
    );
  }, [client, param]);
  useEffect(load, [load]);
  const liveError = useLiveReload(client, DISPUTE_EVENTS, load);
  const changed = (d: Dispute) => {
    ++request.current; // an answer to an earlier read must not undo this
    setDispute(d);
  };

  const open = dispute?.state === DisputeState.OPEN;
  return (
    <section>
      <p><a href="#/admin/disputes">← Disputes</a></p>
      <h1 tabIndex={-1}>{dispute ? `Dispute: ${dispute.milestoneTitle}` : "Dispute"}</h1>
      <ErrorNotice error={error} />
      <ErrorNotice error={liveError} />
      {dispute && (
        <>
          <div class="card">
            <div class="summary-head">
              <h2 class="summary-title">What is disputed</h2>
              <StateBadge name={DisputeState[dispute.state]} />
            </div>
            <dl class="facts">
              <div><dt>In escrow</dt><dd>{money(dispute.amount)}</dd></div>
              <div><dt>Buyer</dt><dd><UserName id={dispute.buyerId} /></dd></div>
              <div><dt>Seller</dt><dd><UserName id={dispute.sellerId} /></dd></div>
              <div><dt>Opened by</dt><dd><UserName id={dispute.openedBy} /></dd></div>
              <div><dt>Opened</dt><dd>{dateTime(dispute.createTime)}</dd></div>
            </dl>
            <h3 class="subhead">Reason</h3>
            <p class="description">{dispute.reason}</p>
            <h3 class="subhead">Evidence</h3>
            <p class="description">{dispute.evidence || <span class="muted">None given.</span>}</p>
            <p><a href={`#/booking/${encodeURIComponent(dispute.bookingId)}`}>The booking and its milestones</a></p>
            {!open && (
              <p class="success">
                Resolved by <UserName id={dispute.resolvedBy} />, {dateTime(dispute.resolveTime)}: {money(dispute.toSeller)} to the
                seller, {money(dispute.refunded)} back to the buyer. {dispute.resolutionNote}
              </p>
            )}
          </div>
          <h2>Notes</h2>
          <DisputeNotes notes={dispute.notes} />
          {open && <NoteForm dispute={dispute} onChanged={changed} />}
          {open && <ResolveForm dispute={dispute} onChanged={changed} />}
        </>
      )}
    </section>
  );
}

function NoteForm({ dispute, onChanged }: { readonly dispute: Dispute; readonly onChanged: (d: Dispute) => void }) {
  const { session } = useSession();
  const [text, setText] = useState("");
  const [internal, setInternal] = useState(true);
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const d = await action.run(() => session.client.disputes.addDisputeNote({ id: dispute.id, text: text.trim(), internal }));
    if (d) {
      setText("");
      setInternal(true); // every note starts internal: sharing one is a choice made each time
      onChanged(d);
    }
  };
  return (
    <form class="stack card spaced" onSubmit={submit} aria-label="Add a note">
      <label>
        Note
        <textarea name="note" rows={3} maxLength={5000} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      <label class="inline">
        <input type="checkbox" name="internal" checked={internal} onChange={(e) => setInternal(e.currentTarget.checked)} />
        Internal: only admins see it
      </label>
      <ErrorNotice error={action.error} />
      <div class="actions">
        <button type="submit" disabled={action.busy || !text.trim()}>Add note</button>
      </div>
    </form>
  );
}

function ResolveForm({ dispute, onChanged }: { readonly dispute: Dispute; readonly onChanged: (d: Dispute) => void }) {
  const { session } = useSession();
  const currency = dispute.amount?.currencyCode ?? "USD";
  const digits = minorDigits(currency);
  const [toSeller, setToSeller] = useState("");
  const [refunded, setRefunded] = useState("");
  const [note, setNote] = useState("");
  const action = useAction();
  const part = (text: string) => ({ currencyCode: currency, amountMinor: toMinor(text, digits) ?? -1n });
  const submit = async (e: Event) => {
    e.preventDefault();
    const d = await action.run(() =>
      session.client.disputes.resolveDispute({ id: dispute.id, toSeller: part(toSeller), refunded: part(refunded), note: note.trim() }),
    );
    if (d) onChanged(d);
  };
  return (
    <form class="stack card spaced" onSubmit={submit} noValidate aria-label="Resolve the dispute">
      <h2>Resolve</h2>
      <p class="muted">
        Split the {money(dispute.amount)} in escrow: the seller's part (the platform fee comes off it) and the rest back to
        the buyer. Together they must make {money(dispute.amount)}.
      </p>
      <div class="row">
        <Field label={`To the seller (${currency})`} errors={fieldErrors(action.error, "to_seller")}>
          <input name="to-seller" inputMode="decimal" value={toSeller} onInput={(e) => setToSeller(e.currentTarget.value)} />
        </Field>
        <Field label={`Back to the buyer (${currency})`} errors={fieldErrors(action.error, "refunded")}>
          <input name="refunded" inputMode="decimal" value={refunded} onInput={(e) => setRefunded(e.currentTarget.value)} />
        </Field>
      </div>
      <Field label="Why (both parties see it)" errors={fieldErrors(action.error, "note")}>
        <textarea name="resolution-note" rows={3} maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
      </Field>
      <ErrorNotice error={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={action.busy || !note.trim()}>Resolve dispute</button>
      </div>
    </form>
  );
}
