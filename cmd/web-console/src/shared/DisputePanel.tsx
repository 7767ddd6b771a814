// A milestone's dispute as its parties see it: who opened it and why, the evidence, the
// notes both sides see, and how an admin settled it; while it is open the parties may add
// a note. Admins get a link to work it in the disputes queue.
import { useEffect, useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { StateBadge } from "../components/StateBadge";
import { UserName } from "../components/UserName";
import { useSession } from "../context";
import { type Explained, explain } from "../errors";
import { money } from "../format";
import { useAction } from "../hooks";
import { type Dispute, DisputeState } from "../sdk";
import { DisputeNotes } from "./DisputeNotes";

interface Props {
  readonly disputeId: string;
  /** Changes whenever the milestone does (the dispute is read again). */
  readonly version: string;
  /** Whether the viewer is one of the booking's parties (they may add notes). */
  readonly party: boolean;
  readonly admin: boolean;
}

export function DisputePanel({ disputeId, version, party, admin }: Props) {
  const { session } = useSession();
  const client = session.client;
  const [dispute, setDispute] = useState<Dispute | undefined>(undefined);
  const [error, setError] = useState<Explained | undefined>(undefined);
  const [note, setNote] = useState("");
  const action = useAction();
  useEffect(() => {
    let live = true;
    client.disputes.getDispute({ id: disputeId }).then(
      (d) => live && setDispute(d),
      (e: unknown) => live && setError(explain(e)),
    );
    return () => {
      live = false;
    };
  }, [client, disputeId, version]);

  if (error) return <ErrorNotice error={error} />;
  if (!dispute) return null;
  const open = dispute.state === DisputeState.OPEN;
  const addNote = async (e: Event) => {
    e.preventDefault();
    const updated = await action.run(() => client.disputes.addDisputeNote({ id: dispute.id, text: note.trim() }));
    if (updated) {
      setDispute(updated);
      setNote("");
    }
  };
  return (
    <div class="dispute" aria-label="Dispute">
      <div class="summary-head">
        <h4>Dispute</h4>
        <StateBadge name={DisputeState[dispute.state]} />
      </div>
      <p>Opened by <UserName id={dispute.openedBy} />: {dispute.reason}</p>
      {dispute.evidence && <p class="note description">Evidence: {dispute.evidence}</p>}
      {!open && (
        <p class="success">
          Resolved: {money(dispute.toSeller)} to the seller, {money(dispute.refunded)} back to the buyer.
          {dispute.resolutionNote && <> {dispute.resolutionNote}</>}
        </p>
      )}
      <DisputeNotes notes={dispute.notes} />
      {open && party && (
        <form class="stack" onSubmit={addNote}>
          <label>
            Add a note for the admin and the other side
            <textarea rows={2} maxLength={5000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          </label>
          <ErrorNotice error={action.error} />
          <div class="actions"><button type="submit" disabled={action.busy || !note.trim()}>Add note</button></div>
        </form>
      )}
      {admin && <p><a href={`#/admin/dispute/${dispute.id}`}>Work this dispute</a></p>}
    </div>
  );
}
