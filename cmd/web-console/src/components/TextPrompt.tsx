// A modal asking for one text (a reason, a delivery note...) before an action runs; the
// action's error is shown inside it and the modal stays open until the call succeeds.
import { useState } from "preact/hooks";
import type { Explained } from "../errors";
import { ErrorNotice } from "./ErrorNotice";
import { Modal } from "./Modal";

interface Props {
  readonly title: string;
  readonly label: string;
  readonly submitLabel: string;
  readonly required?: boolean;
  readonly busy: boolean;
  readonly error: Explained | undefined;
  /** Runs the action; resolves true when it succeeded (the modal then closes). */
  readonly onSubmit: (text: string) => Promise<boolean>;
  readonly onClose: () => void;
}

export function TextPrompt({ title, label, submitLabel, required = false, busy, error, onSubmit, onClose }: Props) {
  const [text, setText] = useState("");
  const submit = async (e: Event) => {
    e.preventDefault();
    if (await onSubmit(text.trim())) onClose();
  };
  return (
    <Modal title={title} onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <label>
          <span>
            {label}
            {!required && <span class="muted"> (optional)</span>}
          </span>
          <textarea
            value={text}
            required={required}
            maxLength={2000}
            rows={3}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
        <ErrorNotice error={error} />
        <div class="actions">
          <button type="submit" class="primary" disabled={busy || (required && !text.trim())}>
            {submitLabel}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
