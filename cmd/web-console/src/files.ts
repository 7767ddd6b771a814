// Files in the browser, through the SDK's helpers: uploads go as unary UploadChunk calls
// (gRPC-Web cannot stream from the client) with progress, and a download streams
// DownloadFile into memory, checked against the file's SHA-256 by the SDK, then is handed
// to the browser as a Blob (an object URL on a link with `download`, clicked once).
import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { useSession } from "./context";
import { type Explained, explain } from "./errors";
import type { FileInfo } from "./sdk";

/** One file being uploaded, uploaded, or refused. */
export interface Upload {
  /** Local key (the File object's place in the list). */
  readonly key: number;
  readonly name: string;
  readonly size: number;
  /** Bytes the server holds so far. */
  readonly sent: number;
  /** Set once the server stored it (unattached until sent with a message or delivery). */
  readonly file?: FileInfo;
  readonly error?: Explained;
}

/** The files picked for one message or delivery: upload as soon as picked, remove, reset. */
export interface Uploads {
  readonly items: readonly Upload[];
  /** Whether any upload is still under way. */
  readonly busy: boolean;
  /** The ids of the uploaded files, in the order picked. */
  readonly fileIds: string[];
  add(files: Iterable<File>): void;
  remove(key: number): void;
  /** Forgets every item (after the files were attached). */
  clear(): void;
}

let nextKey = 0;

/** Uploads picked files at once, each with its progress; a removed one is cancelled. */
export function useUploads(): Uploads {
  const { session } = useSession();
  const [items, setItems] = useState<Upload[]>([]);
  const controllers = useRef(new Map<number, AbortController>());
  useEffect(() => () => controllers.current.forEach((c) => c.abort()), []);
  const change = (key: number, update: Partial<Upload>) =>
    setItems((list) => list.map((u) => (u.key === key ? { ...u, ...update } : u)));

  const add = useCallback((files: Iterable<File>) => {
    for (const f of files) {
      const key = ++nextKey;
      const controller = new AbortController();
      controllers.current.set(key, controller);
      setItems((list) => [...list, { key, name: f.name, size: f.size, sent: 0 }]);
      session.client.uploadFile(f, { signal: controller.signal, onProgress: (sent) => change(key, { sent }) }).then(
        (file) => change(key, { file, sent: f.size }),
        (e: unknown) => controller.signal.aborted || change(key, { error: explain(e) }),
      ).finally(() => controllers.current.delete(key));
    }
  }, [session]);
  const remove = useCallback((key: number) => {
    controllers.current.get(key)?.abort();
    setItems((list) => list.filter((u) => u.key !== key));
  }, []);
  return {
    items,
    busy: items.some((u) => !u.file && !u.error),
    fileIds: items.flatMap((u) => (u.file ? [u.file.id] : [])),
    add,
    remove,
    clear: () => setItems([]),
  };
}

/** A download in progress or done: its bytes so far, or the saved Blob's URL. */
export interface Download {
  readonly received: number;
  readonly total: number;
  /** The object URL of the downloaded Blob once complete (revoked when the screen goes). */
  readonly url?: string;
  readonly error?: Explained;
}

/**
 * Downloads files by id: start(file) streams it into a Blob of its content type and
 * offers it to the browser under its name; `state[id]` tells how far each one is.
 */
export function useDownloads() {
  const { session } = useSession();
  const [state, setState] = useState<Readonly<Record<string, Download>>>({});
  const urls = useRef<string[]>([]);
  useEffect(() => () => urls.current.forEach((u) => URL.revokeObjectURL(u)), []);
  const set = (id: string, d: Download) => setState((s) => ({ ...s, [id]: d }));

  const start = useCallback(async (file: FileInfo) => {
    const total = Number(file.sizeBytes);
    set(file.id, { received: 0, total });
    try {
      const { info, bytes } = await session.client.downloadFileBytes(file.id, {
        onProgress: (received) => set(file.id, { received, total }),
      });
      const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: info.contentType.split(";")[0] || "application/octet-stream" }));
      urls.current.push(url);
      set(file.id, { received: total, total, url });
      saveAs(url, info.name);
    } catch (e) {
      set(file.id, { received: 0, total, error: explain(e) });
    }
  }, [session]);
  return { state, start };
}

/** Hands a Blob URL to the browser as a download named `name`. */
function saveAs(url: string, name: string): void {
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}
