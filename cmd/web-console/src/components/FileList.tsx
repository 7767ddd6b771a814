// Files attached to something (a message, a delivery): name, type and size, each with a
// Download button that streams it (DownloadFile over gRPC-Web), shows how far it is, and
// hands the checked bytes to the browser; a link to save it again once downloaded.
import { ErrorNotice } from "./ErrorNotice";
import { fileSize, percent } from "../format";
import { useDownloads } from "../files";
import type { FileInfo } from "../sdk";

interface Props {
  readonly files: readonly FileInfo[];
  /** Accessible name of the list, e.g. "Attachments" or "Delivered files". */
  readonly label: string;
}

export function FileList({ files, label }: Props) {
  const downloads = useDownloads();
  if (files.length === 0) return null;
  return (
    <ul class="files" aria-label={label}>
      {files.map((f) => {
        const d = downloads.state[f.id];
        const running = d !== undefined && !d.url && !d.error;
        return (
          <li key={f.id} class="file" data-file-id={f.id}>
            <span class="file-name">{f.name}</span>{" "}
            <span class="muted">{f.contentType.split(";")[0]} · {fileSize(f.sizeBytes)}</span>{" "}
            <button type="button" class="small" aria-label={`Download ${f.name}`} disabled={running}
              onClick={() => void downloads.start(f)}>
              Download
            </button>
            {running && <span class="muted" aria-live="polite"> Downloading… {percent(d.received, d.total)}</span>}
            {d?.url && <> <a href={d.url} download={f.name} class="small">Save {f.name} again</a></>}
            {d?.error && <ErrorNotice error={d.error} />}
          </li>
        );
      })}
    </ul>
  );
}
