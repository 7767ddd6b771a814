// Delivering a booking's work: what was delivered (a note) and the files themselves, each
// uploaded as it is picked (with progress), then attached to the delivery in the same
// DeliverBooking call (`attachment_ids`). The buyer finds them on the booking's page.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { Field } from "../components/Field";
import { Modal } from "../components/Modal";
import { UploadPicker } from "../components/UploadPicker";
import { useSession } from "../context";
import { fieldErrors } from "../errors";
import { useUploads } from "../files";
import { useAction } from "../hooks";
import type { Booking } from "../sdk";

interface Props {
  readonly booking: Booking;
  readonly onClose: () => void;
  readonly onDelivered: (b: Booking) => void;
}

export function DeliverModal({ booking, onClose, onDelivered }: Props) {
  const { session } = useSession();
  const [note, setNote] = useState("");
  const uploads = useUploads();
  const action = useAction();
  const submit = async (e: Event) => {
    e.preventDefault();
    const b = await action.run(() =>
      session.client.bookings.deliverBooking({ id: booking.id, note: note.trim(), attachmentIds: uploads.fileIds }),
    );
    if (b) {
      onDelivered(b);
      onClose();
    }
  };
  return (
    <Modal title={`Deliver: ${booking.jobTitle}`} onClose={onClose}>
      <form class="stack" onSubmit={submit}>
        <Field label="What you delivered" errors={fieldErrors(action.error, "note")}>
          <textarea name="note" rows={3} maxLength={2000} required value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </Field>
        <UploadPicker uploads={uploads} label="Delivery files" />
        <ErrorNotice error={action.error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={action.busy || uploads.busy || !note.trim()}>Deliver</button>
          <button type="button" onClick={onClose}>Cancel</button>
          {uploads.busy && <span class="muted">Waiting for the uploads…</span>}
        </div>
      </form>
    </Modal>
  );
}
