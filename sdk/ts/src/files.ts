// Upload and download helpers (FileService), independent of where they run;
// GigwireClient.uploadFile / downloadFile / downloadFileBytes call them.
//
// Upload: the SHA-256 is computed first (the server checks it over the bytes it
// received), then the bytes go in chunks of at most 1 MiB, either over the
// client-streaming UploadFile (Node: HTTP/2) or as unary UploadChunk calls
// (browsers: gRPC-Web cannot stream from the client). Every upload carries a
// request_id, so when the connection breaks the helper asks GetUpload how many
// bytes the server holds and resumes from there (a FAILED_PRECONDITION /
// UPLOAD_OFFSET_MISMATCH also says where, in its `received_bytes` metadata).
//
// Download: DownloadFile streams the file; a broken stream is resumed from the
// bytes already written (`offset`), and at the end the size and SHA-256 of what
// was written are checked against the file's (DownloadIntegrityError if not).
//
// Both report progress as (bytes done, total), and retry a bounded number of
// failures in a row with jittered backoff (TransferRetryOptions).
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type { Client } from "@connectrpc/connect";
import { GigwireError, toGigwireError } from "./errors.js";
import { ErrorDetailsSchema, ErrorReason } from "./gen/gigwire/v1/errors_pb.js";
import {
  type FileInfo,
  type FileService,
  type UploadFileRequest,
  UploadFileRequestSchema,
  type UploadHeader,
  type UploadStatus,
} from "./gen/gigwire/v1/file_pb.js";
import { randomUuid } from "./service-config.js";
import { type Sha256, type Sha256Factory, portableSha256 } from "./sha256.js";
import { isRetryable } from "./watch.js";

/** The largest chunk UploadFile and UploadChunk take. */
export const UPLOAD_CHUNK_BYTES = 1 << 20;

/** Called with (bytes done, total bytes). */
export type ProgressCallback = (done: number, total: number) => void;

/**
 * How a broken transfer is retried. A transfer that fails with UNAVAILABLE,
 * a CANCELLED it did not ask for, or RESOURCE_EXHAUSTED / RATE_LIMITED is
 * resumed after a delay drawn uniformly from [0, min(maxBackoffMs,
 * initialBackoffMs * 2^n)] (full jitter; RATE_LIMITED waits at least the
 * server's retryAfterMs), n counting the failures in a row; an attempt that
 * moved bytes forward resets n. After `maxFailures` failures in a row the
 * last error is thrown. UNAUTHENTICATED / TOKEN_EXPIRED refreshes a logged-in
 * client's login once and retries. Any other error is thrown at once.
 */
export interface TransferRetryOptions {
  /** Default 6. */
  readonly maxFailures?: number;
  /** Default 100 ms. */
  readonly initialBackoffMs?: number;
  /** Default 5000 ms. */
  readonly maxBackoffMs?: number;
}

/** Options of GigwireClient.uploadFile. */
export interface UploadOptions extends TransferRetryOptions {
  /** The display name; default: a path's file name, or a File's name (required for bytes). */
  readonly name?: string;
  /**
   * Called with (bytes sent, total): at 0, as chunks go out, and at the end;
   * it steps back when a resumed upload restarts where the server stands.
   */
  readonly onProgress?: ProgressCallback;
  /** The upload's key (default: a new UUID); the same key after it finished returns the same file. */
  readonly requestId?: string;
  /** Aborting it cancels the upload (the promise rejects with the abort's error). */
  readonly signal?: AbortSignal;
  /**
   * "stream": the client-streaming UploadFile; "chunks": unary UploadChunk
   * calls. Default: "stream" where the transport can (Node), "chunks" in
   * browsers.
   */
  readonly method?: "stream" | "chunks";
  /** Bytes per chunk, 1..UPLOAD_CHUNK_BYTES (default). */
  readonly chunkBytes?: number;
}

/** Options of GigwireClient.downloadFile. */
export interface DownloadOptions extends TransferRetryOptions {
  /** Called with (bytes written, total) once the size is known and after each chunk. */
  readonly onProgress?: ProgressCallback;
  /** Aborting it cancels the download (a path target is left untouched). */
  readonly signal?: AbortSignal;
}

/** Bytes to upload that can be read again from any offset (to resume). */
export interface ByteSource {
  readonly size: number;
  /** `length` bytes from `offset` (fewer only at the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close?(): Promise<void>;
}

/** Where a download goes: written in order, then committed or aborted. */
export interface ByteSink {
  write(chunk: Uint8Array): Promise<void>;
  /** Called once everything was written and checked. */
  commit(): Promise<void>;
  /** Called when the download fails (after commit: nothing to do). */
  abort(): Promise<void>;
}

/**
 * What to upload: bytes, a Blob (a browser File: its name is the default
 * name), or (Node) a file path.
 */
export type UploadSource = Uint8Array | Blob | string;

/**
 * Where a download goes: a WritableStream, a function called with each chunk
 * (awaited), or (Node) a file path, written to a temporary file beside it and
 * renamed into place once complete and checked.
 */
export type DownloadTarget = string | WritableStream<Uint8Array> | ((chunk: Uint8Array) => void | Promise<void>);

/** What an environment adds to the helpers (Node: paths and node:crypto). */
export interface FilePlatform {
  /** Whether the transport streams from the client (gRPC over HTTP/2: yes; gRPC-Web: no). */
  readonly clientStreaming: boolean;
  /** Refreshes the client's login (a logged-in client), for TOKEN_EXPIRED. */
  readonly refreshLogin?: () => Promise<unknown>;
  /** SHA-256 implementation; default: the portable one. */
  readonly sha256?: Sha256Factory;
  /** Opens a file path for upload; undefined: paths are not supported here. */
  readonly openPath?: (path: string) => Promise<ByteSource>;
  /** A sink writing to a temporary file renamed to `path` on commit. */
  readonly createPathSink?: (path: string) => Promise<ByteSink>;
}

/**
 * The bytes a download wrote do not match the file: a GigwireError with code
 * DATA_LOSS and reason CHECKSUM_MISMATCH. A path target is left untouched (a
 * stream target holds what was written).
 */
export class DownloadIntegrityError extends GigwireError {
  constructor(
    readonly fileId: string,
    readonly expectedSha256: string,
    readonly actualSha256: string,
    readonly expectedSize: number,
    readonly actualSize: number,
  ) {
    super(
      new ConnectError(
        `download of ${fileId} does not match the file: ${actualSize} bytes with SHA-256 ${actualSha256}, ` +
          `expected ${expectedSize} bytes with ${expectedSha256}`,
        Code.DataLoss,
        undefined,
        [{ desc: ErrorDetailsSchema, value: { reason: ErrorReason.CHECKSUM_MISMATCH } }],
      ),
    );
  }
}

type Files = Client<typeof FileService>;

/** Counts failures in a row and says how long to wait before the next attempt. */
class Failures {
  private count = 0;
  private refreshed = false;
  constructor(
    private readonly options: TransferRetryOptions,
    private readonly refreshLogin: (() => Promise<unknown>) | undefined,
    private readonly random: () => number = Math.random,
  ) {}

  progressed(): void {
    this.count = 0;
    this.refreshed = false;
  }

  /**
   * For TOKEN_EXPIRED, the first time since the transfer last moved: refreshes
   * the login and returns true (retry at once); else false.
   */
  async refreshAfter(error: GigwireError): Promise<boolean> {
    if (error.code !== "UNAUTHENTICATED" || error.reason !== "TOKEN_EXPIRED") return false;
    if (this.refreshed || this.refreshLogin === undefined) return false;
    this.refreshed = true;
    await this.refreshLogin();
    return true;
  }

  /** The delay before retrying after `error`; throws it when not retryable or too many failed. */
  delayAfter(error: GigwireError): number {
    if (!isRetryable(error)) throw error;
    this.count++;
    if (this.count >= (this.options.maxFailures ?? 6)) throw error;
    const ceiling = Math.min(
      this.options.maxBackoffMs ?? 5000,
      (this.options.initialBackoffMs ?? 100) * 2 ** Math.min(this.count - 1, 30),
    );
    return Math.max(this.random() * ceiling, error.retryAfterMs ?? 0);
  }
}

/** The ByteSource of bytes or a Blob. */
export function byteSourceOf(source: Uint8Array | Blob): ByteSource {
  if (source instanceof Uint8Array) {
    return { size: source.length, read: async (offset, length) => source.subarray(offset, offset + length) };
  }
  return {
    size: source.size,
    read: async (offset, length) => new Uint8Array(await source.slice(offset, offset + length).arrayBuffer()),
  };
}

/** The default name of an upload: a path's file name, a File's name. */
function defaultName(source: UploadSource, name: string | undefined): string {
  if (name) return name;
  if (typeof source === "string") return source.split(/[\\/]/).pop() ?? source;
  const fileName = (source as { name?: unknown }).name;
  if (typeof fileName === "string" && fileName !== "") return fileName;
  throw new TypeError("uploadFile: give options.name to upload bytes");
}

async function openSource(source: UploadSource, platform: FilePlatform): Promise<ByteSource> {
  if (typeof source !== "string") return byteSourceOf(source);
  if (platform.openPath === undefined) throw new TypeError("uploadFile: file paths need Node; give bytes or a Blob");
  return platform.openPath(source);
}

async function hashSource(source: ByteSource, sha256: Sha256Factory, signal?: AbortSignal): Promise<string> {
  const hash = sha256();
  for (let offset = 0; offset < source.size; offset += UPLOAD_CHUNK_BYTES) {
    signal?.throwIfAborted();
    hash.update(await source.read(offset, Math.min(UPLOAD_CHUNK_BYTES, source.size - offset)));
  }
  return hash.digestHex();
}

/** Where a resumable upload stands. */
class UploadState {
  offset = 0;
  private best = 0;
  private lastReported = -1;
  /** Set when reading the source or the progress callback failed (not the server). */
  localFailure: unknown;

  constructor(
    readonly header: Omit<UploadHeader, "$typeName" | "$unknown" | "offset">,
    readonly source: ByteSource,
    readonly failures: Failures,
    readonly options: UploadOptions,
  ) {}

  resumeAt(offset: number): void {
    if (offset > this.best) {
      this.best = offset;
      this.failures.progressed();
    }
    this.offset = offset;
  }

  /** Reports `done` bytes (not the same value twice in a row). */
  progress(done: number): void {
    if (done === this.lastReported) return;
    this.lastReported = done;
    try {
      this.options.onProgress?.(done, this.source.size);
    } catch (e) {
      this.localFailure = e;
      throw e;
    }
  }

  /** The next chunk from `offset`. */
  async chunk(offset: number): Promise<Uint8Array> {
    const length = Math.min(this.options.chunkBytes ?? UPLOAD_CHUNK_BYTES, this.source.size - offset);
    try {
      const data = await this.source.read(offset, length);
      if (data.length !== length) throw new Error("uploadFile: the source shrank while uploading");
      return data;
    } catch (e) {
      this.localFailure = e;
      throw e;
    }
  }
}

/** Uploads `source` through `files`; see GigwireClient.uploadFile. */
export async function uploadFile(
  files: Files,
  platform: FilePlatform,
  source: UploadSource,
  options: UploadOptions = {},
): Promise<FileInfo> {
  const chunkBytes = options.chunkBytes ?? UPLOAD_CHUNK_BYTES;
  if (!(chunkBytes > 0 && chunkBytes <= UPLOAD_CHUNK_BYTES)) {
    throw new RangeError(`uploadFile: chunkBytes must be 1..${UPLOAD_CHUNK_BYTES}`);
  }
  const name = defaultName(source, options.name);
  const opened = await openSource(source, platform);
  try {
    const sha256 = await hashSource(opened, platform.sha256 ?? portableSha256, options.signal);
    const header = { name, sizeBytes: BigInt(opened.size), sha256, requestId: options.requestId || randomUuid() };
    const state = new UploadState(header, opened, new Failures(options, platform.refreshLogin), options);
    const method = options.method ?? (platform.clientStreaming ? "stream" : "chunks");
    return await uploadWithRetries(files, state, method === "stream" ? sendStream : sendChunks);
  } finally {
    await opened.close?.();
  }
}

type Send = (files: Files, state: UploadState) => Promise<FileInfo>;

async function uploadWithRetries(files: Files, state: UploadState, send: Send): Promise<FileInfo> {
  state.progress(0);
  for (;;) {
    try {
      const file = await send(files, state);
      state.progress(state.source.size);
      return file;
    } catch (e) {
      if (state.localFailure !== undefined) throw state.localFailure;
      state.options.signal?.throwIfAborted();
      const error = toGigwireError(e);
      if (await state.failures.refreshAfter(error)) continue;
      const done = await recoverUpload(files, state, error);
      if (done !== undefined) {
        state.progress(state.source.size);
        return done;
      }
      state.progress(state.offset);
    }
  }
}

/** One UploadFile stream from the state's offset. */
async function sendStream(files: Files, state: UploadState): Promise<FileInfo> {
  async function* requests(): AsyncGenerator<UploadFileRequest> {
    const header = { ...state.header, offset: BigInt(state.offset) };
    yield create(UploadFileRequestSchema, { kind: { case: "header", value: header } });
    for (let done = state.offset; done < state.source.size; ) {
      const chunk = await state.chunk(done);
      yield create(UploadFileRequestSchema, { kind: { case: "chunk", value: chunk } });
      done += chunk.length;
      state.progress(done);
    }
  }
  return files.uploadFile(requests(), { signal: state.options.signal });
}

/** UploadChunk calls from the state's offset until the server completes the upload. */
async function sendChunks(files: Files, state: UploadState): Promise<FileInfo> {
  const header = { ...state.header, offset: 0n };
  for (;;) {
    const data = await state.chunk(state.offset);
    const status: UploadStatus = await files.uploadChunk(
      { header, offset: BigInt(state.offset), data },
      { signal: state.options.signal },
    );
    if (status.file !== undefined) return status.file;
    if (Number(status.receivedBytes) <= state.offset) {
      throw new GigwireError(new ConnectError("UploadChunk: no progress and no file", Code.Internal));
    }
    state.resumeAt(Number(status.receivedBytes));
    state.progress(state.offset);
  }
}

/**
 * After a failed attempt: moves the state to where the server stands (or
 * throws); returns the file when the server turns out to have completed it.
 */
async function recoverUpload(files: Files, state: UploadState, error: GigwireError): Promise<FileInfo | undefined> {
  const told = error.reason === "UPLOAD_OFFSET_MISMATCH" ? Number(error.metadata["received_bytes"] ?? NaN) : NaN;
  if (Number.isSafeInteger(told) && told >= 0) {
    state.resumeAt(told);
    return undefined;
  }
  for (;;) {
    await sleep(state.failures.delayAfter(error), state.options.signal);
    let status: UploadStatus;
    try {
      status = await files.getUpload({ requestId: state.header.requestId }, { signal: state.options.signal });
    } catch (e) {
      state.options.signal?.throwIfAborted();
      const failed = toGigwireError(e);
      if (failed.code !== "NOT_FOUND") {
        error = failed;
        continue;
      }
      state.offset = 0; // the server lost it (expired, restarted): start again
      return undefined;
    }
    if (status.file !== undefined) return status.file;
    state.resumeAt(Number(status.receivedBytes));
    return undefined;
  }
}

/** The sink of a download target. */
async function openSink(target: DownloadTarget, platform: FilePlatform): Promise<ByteSink> {
  if (typeof target === "string") {
    if (platform.createPathSink === undefined) {
      throw new TypeError("downloadFile: file paths need Node; give a WritableStream or a function");
    }
    return platform.createPathSink(target);
  }
  if (typeof target === "function") {
    return { write: async (chunk) => target(chunk), commit: async () => undefined, abort: async () => undefined };
  }
  const writer = target.getWriter();
  return {
    write: (chunk) => writer.write(chunk),
    commit: async () => {
      await writer.close();
    },
    abort: async () => {
      writer.releaseLock();
    },
  };
}

/** What a download wrote so far. */
class DownloadState {
  written = 0;
  info: FileInfo | undefined;
  private readonly hash: Sha256;

  constructor(
    readonly fileId: string,
    readonly sink: ByteSink,
    readonly options: DownloadOptions,
    platform: FilePlatform,
    readonly failures = new Failures(options, platform.refreshLogin),
  ) {
    this.hash = (platform.sha256 ?? portableSha256)();
  }

  takeInfo(info: FileInfo): void {
    if (this.info !== undefined && (info.sha256 !== this.info.sha256 || info.sizeBytes !== this.info.sizeBytes)) {
      throw this.mismatch(info, "");
    }
    const first = this.info === undefined;
    this.info = info;
    if (first) this.options.onProgress?.(this.written, Number(info.sizeBytes));
  }

  async takeChunk(chunk: Uint8Array): Promise<void> {
    await this.sink.write(chunk);
    this.hash.update(chunk);
    this.written += chunk.length;
    this.failures.progressed();
    if (this.info !== undefined) this.options.onProgress?.(this.written, Number(this.info.sizeBytes));
  }

  get complete(): boolean {
    return this.info !== undefined && this.written >= Number(this.info.sizeBytes);
  }

  /** Checks size and SHA-256, then commits the sink. */
  async finish(): Promise<FileInfo> {
    const info = this.info!;
    const actual = this.hash.digestHex();
    if (this.written !== Number(info.sizeBytes) || actual !== info.sha256.toLowerCase()) {
      throw this.mismatch(info, actual);
    }
    await this.sink.commit();
    return info;
  }

  private mismatch(info: FileInfo, actual: string): DownloadIntegrityError {
    return new DownloadIntegrityError(this.fileId, info.sha256, actual, Number(info.sizeBytes), this.written);
  }
}

/** Downloads file `fileId` through `files` into `target`; see GigwireClient.downloadFile. */
export async function downloadFile(
  files: Files,
  platform: FilePlatform,
  fileId: string,
  target: DownloadTarget,
  options: DownloadOptions = {},
): Promise<FileInfo> {
  const state = new DownloadState(fileId, await openSink(target, platform), options, platform);
  let committed = false;
  try {
    for (;;) {
      let error: GigwireError;
      try {
        const stream = files.downloadFile({ id: fileId, offset: BigInt(state.written) }, { signal: options.signal });
        for await (const response of stream) {
          if (response.kind.case === "info") state.takeInfo(response.kind.value);
          else if (response.kind.case === "chunk") await state.takeChunk(response.kind.value);
        }
        if (state.complete) {
          const info = await state.finish();
          committed = true;
          return info;
        }
        error = new GigwireError(new ConnectError(`download ended at byte ${state.written}`, Code.Unavailable));
      } catch (e) {
        options.signal?.throwIfAborted();
        if (e instanceof DownloadIntegrityError || !(e instanceof ConnectError || e instanceof GigwireError)) throw e;
        error = toGigwireError(e);
      }
      if (await state.failures.refreshAfter(error)) continue;
      await sleep(state.failures.delayAfter(error), options.signal);
    }
  } finally {
    if (!committed) await state.sink.abort();
  }
}

/** Resolves after `ms`; rejects with the abort reason when `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
