// A booking's delivered files (FileService.ListFiles, kind DELIVERY), each to download;
// read again whenever the booking changes (a new delivery adds files).
import { useEffect, useState } from "preact/hooks";
import { ErrorNotice } from "../components/ErrorNotice";
import { FileList } from "../components/FileList";
import { useSession } from "../context";
import { type Explained, explain } from "../errors";
import { type FileInfo, FileAttachmentKind } from "../sdk";

export function DeliveredFiles({ bookingId, version }: { readonly bookingId: string; readonly version: number }) {
  const { session } = useSession();
  const [files, setFiles] = useState<FileInfo[] | undefined>(undefined);
  const [error, setError] = useState<Explained | undefined>(undefined);
  useEffect(() => {
    let live = true;
    session.client.files.listFiles({ attachedKind: FileAttachmentKind.DELIVERY, attachedToId: bookingId }).then(
      (r) => live && (setFiles(r.files), setError(undefined)),
      (e: unknown) => live && setError(explain(e)),
    );
    return () => {
      live = false;
    };
  }, [session, bookingId, version]);
  return (
    <section aria-labelledby="delivered-files">
      <h2 id="delivered-files">Delivered files{files ? ` (${files.length})` : ""}</h2>
      <ErrorNotice error={error} />
      {files && files.length === 0 && <p class="empty">No files delivered yet.</p>}
      {files && <FileList files={files} label="Delivered files" />}
    </section>
  );
}
