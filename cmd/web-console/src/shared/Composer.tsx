// Writing a message: a text (up to 10,000 characters) and files, each uploaded as soon as
// it is picked (with progress); Send (or Ctrl+Enter) once the uploads are done. The
// server's refusals (a blocked user, too many files, a rate limit) show in words.
import { useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { UploadPicker } from "../components/UploadPicker";
import { useSession } from "../context";
import { useUploads } from "../files";
import { useAction } from "../hooks";
import type { Message } from "../sdk";

export const MAX_MESSAGE_CHARS = 10_000;

export function Composer({ conversationId, onSent }: { readonly conversationId: string; readonly onSent: (m: Message) => void }) {
  const { session } = useSession();
  const [text, setText] = useState("");
  const uploads = useUploads();
  const action = useAction();
  const empty = !text.trim() && uploads.fileIds.length === 0;
  const send = async (e?: Event) => {
    e?.preventDefault();
    if (empty || uploads.busy || action.busy) return;
    const m = await action.run(() =>
      session.client.conversations.sendMessage({ conversationId, text: text.trim(), attachmentIds: uploads.fileIds }),
    );
    if (m) {
      onSent(m);
      setText("");
      uploads.clear();
    }
  };
  return (
    <form class="composer card stack" onSubmit={(e) => void send(e)} aria-label="Write a message">
      <label>
        Message
        <textarea name="message" rows={3} maxLength={MAX_MESSAGE_CHARS} value={text}
          onInput={(e) => setText(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) void send();
          }} />
      </label>
      <UploadPicker uploads={uploads} label="Attach files" />
      <ErrorNotice error={action.error} />
      <div class="actions">
        <button type="submit" class="primary" disabled={empty || uploads.busy || action.busy}>Send</button>
        {uploads.busy && <span class="muted">Waiting for the uploads…</span>}
      </div>
    </form>
  );
}
