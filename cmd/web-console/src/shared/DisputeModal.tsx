// Opening a dispute on a milestone: a reason and the evidence (what was agreed, what was
// delivered). The milestone's money is frozen until an admin settles it.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { Field } from "../components/Field";
import { Modal } from "../components/Modal";
import { useSession } from "../context";
import { fieldErrors } from "../errors";
import { money } from "../format";
import { useAction } from "../hooks";
import type { Dispute, Milestone } from "../sdk";

interface Props {
  readonly milestone: Milestone;
  readonly onClose: () => void;
  readonly onOpened: (dispute: Dispute) => void;
}

export function DisputeModal({ milestone, onClose, onOpened }: Props) {
  const { session } = useSession();
  const [reason, setReason] = useState("");
  const [evidence, setEvidence] = useState("");
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const dispute = await action.run(() =>
      session.client.disputes.openDispute({ milestoneId: milestone.id, reason: reason.trim(), evidence: evidence.trim() }),
    );
    if (dispute) {
      onOpened(dispute);
      onClose();
    }
  };
  return (
    <Modal title={`Dispute: ${milestone.title}`} onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <p>The {money(milestone.amount)} of this milestone stay in escrow until an admin settles the dispute.</p>
        <Field label="Reason" errors={fieldErrors(action.error, "reason")}>
          <input name="reason" value={reason} maxLength={500} required onInput={(e) => setReason(e.currentTarget.value)} />
        </Field>
        <Field label="Evidence (optional)" errors={fieldErrors(action.error, "evidence")}>
          <textarea name="evidence" rows={4} maxLength={10000} value={evidence} onInput={(e) => setEvidence(e.currentTarget.value)} />
        </Field>
        <ErrorNotice error={action.error} />
        <div class="actions">
          <button type="submit" class="danger" disabled={action.busy || !reason.trim()}>Open dispute</button>
          <button type="button" onClick={onClose}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
