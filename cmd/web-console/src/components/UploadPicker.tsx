// Picking files to attach: a labelled file input; each picked file uploads at once (the
// SDK's unary UploadChunk calls) with a progress bar, can be removed, and shows why the
// server refused it (too large, a type not accepted, storage full...) in words.
import type { Uploads } from "../files";
import { fileSize, percent } from "../format";
import { ErrorNotice } from "./ErrorNotice";

interface Props {
  readonly uploads: Uploads;
  /** The input's label, e.g. "Attach files". */
  readonly label: string;
  readonly disabled?: boolean;
}

export function UploadPicker({ uploads, label, disabled = false }: Props) {
  return (
    <div class="uploads">
      <label class="file-pick">
        {label} <span class="muted">(images, PDF, office documents, ZIP or text)</span>
        <input type="file" multiple disabled={disabled}
          onChange={(e) => {
            const input = e.currentTarget;
            if (input.files) uploads.add(Array.from(input.files));
            input.value = "";
          }} />
      </label>
      {uploads.items.length > 0 && (
        <ul class="files" aria-label="Files to attach">
          {uploads.items.map((u) => (
            <li key={u.key} class="file">
              <span class="file-name">{u.name}</span> <span class="muted">{fileSize(u.size)}</span>{" "}
              {!u.file && !u.error && (
                <>
                  <progress max={u.size} value={u.sent} aria-label={`Uploading ${u.name}`} />{" "}
                  <span class="muted">{percent(u.sent, u.size)}</span>
                </>
              )}
              {u.file && <span class="ok-text">Uploaded</span>}{" "}
              <button type="button" class="small" aria-label={`Remove ${u.name}`} onClick={() => uploads.remove(u.key)}>
                Remove
              </button>
              {u.error && <ErrorNotice error={u.error} headline={`${u.name}: ${u.error.sentence}`} />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
