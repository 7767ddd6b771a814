// Unit tests of the file helpers (src/files.ts: GigwireClient.uploadFile,
// downloadFile, downloadFileBytes) against an in-memory fake FileService
// (Connect's router transport) that breaks transfers on purpose: chunking,
// SHA-256, progress, the client stream (Node) and unary chunks (browsers),
// resuming from GetUpload and from UPLOAD_OFFSET_MISMATCH's received_bytes,
// starting again when the server lost the upload, bounded retries, errors
// thrown as is, aborts, and the integrity check of downloads; plus the
// portable SHA-256 against known digests and node:crypto.
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter, createRouterTransport } from "@connectrpc/connect";
import { buildClient } from "../src/client-core.js";
import {
  DownloadIntegrityError,
  ErrorDetailsSchema,
  ErrorReason,
  type FileInfo,
  FileInfoSchema,
  FileService,
  type FilePlatform,
  type GigwireClient,
  GigwireError,
  PortableSha256,
  UploadStatusSchema,
} from "../src/index.js";
import { NODE_FILE_PLATFORM } from "../src/node-files.js";

const MIB = 1 << 20;
const DOWNLOAD_CHUNK = 256 * 1024;
const FAST = { maxFailures: 4, initialBackoffMs: 1, maxBackoffMs: 5 };
const CONTENT = new Uint8Array(randomBytes(3 * MIB + 12345));

const sha256 = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");

/** Asserts equal bytes, saying only where they differ (a diff of megabytes would not print). */
function assertSameBytes(actual: Uint8Array | undefined, expected: Uint8Array): void {
  assert.ok(actual !== undefined, "no bytes");
  assert.equal(actual.length, expected.length, "length");
  assert.equal(sha256(actual), sha256(expected), "SHA-256");
}

function failure(code: Code, reason: ErrorReason, metadata: Record<string, string> = {}): ConnectError {
  return new ConnectError("fake", code, undefined, [{ desc: ErrorDetailsSchema, value: { reason, metadata } }]);
}

interface SeenHeader {
  readonly via: "stream" | "chunk";
  readonly offset: number;
  readonly requestId: string;
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
}

/** A FileService keeping uploads by request id, breaking attempts as told. */
class FakeFiles {
  readonly received = new Map<string, Buffer>();
  readonly completed = new Map<string, FileInfo>();
  readonly stored = new Map<string, Uint8Array>();
  readonly headers: SeenHeader[] = [];
  readonly chunkSizes: number[] = [];
  getUploadCalls = 0;
  /** The i-th UploadFile stream fails UNAVAILABLE once the upload holds this many bytes. */
  failStreamAt: number[] = [];
  /** These UploadChunk calls (by index) fail UNAVAILABLE after storing their bytes. */
  failChunkCalls = new Set<number>();
  refuse: ConnectError | undefined;
  forget = false;
  readonly downloadOffsets: number[] = [];
  breakDownloadAfter: number[] = [];
  alwaysBreakDownload = false;
  corruptSha256 = false;

  routes = (router: ConnectRouter): void => {
    router.service(FileService, {
      uploadFile: async (requests, context) => {
        this.checkToken(context.requestHeader);
        const attempt = this.headers.filter((h) => h.via === "stream").length;
        let upload: Buffer | undefined;
        let requestId = "";
        let size = 0;
        for await (const request of requests) {
          if (request.kind.case === "header") {
            const header = request.kind.value;
            ({ requestId } = header);
            size = Number(header.sizeBytes);
            upload = this.begin("stream", header, Number(header.offset));
            continue;
          }
          if (request.kind.case !== "chunk" || upload === undefined) throw new ConnectError("bad", Code.InvalidArgument);
          this.chunkSizes.push(request.kind.value.length);
          upload = Buffer.concat([upload, request.kind.value]);
          this.received.set(requestId, upload);
          if (upload.length >= (this.failStreamAt[attempt] ?? Infinity)) throw new ConnectError("cut", Code.Unavailable);
        }
        return this.complete(requestId, size, upload ?? Buffer.alloc(0));
      },
      uploadChunk: async (request, context) => {
        this.checkToken(context.requestHeader);
        const call = this.headers.filter((h) => h.via === "chunk").length;
        const header = request.header!;
        let upload = this.begin("chunk", header, Number(request.offset));
        this.chunkSizes.push(request.data.length);
        upload = Buffer.concat([upload, request.data]);
        this.received.set(header.requestId, upload);
        if (this.failChunkCalls.has(call)) throw new ConnectError("cut", Code.Unavailable);
        if (upload.length < Number(header.sizeBytes)) {
          return create(UploadStatusSchema, { receivedBytes: BigInt(upload.length), sizeBytes: header.sizeBytes });
        }
        const file = this.complete(header.requestId, Number(header.sizeBytes), upload);
        return create(UploadStatusSchema, { receivedBytes: file.sizeBytes, sizeBytes: file.sizeBytes, file });
      },
      getUpload: async (request) => {
        this.getUploadCalls++;
        const done = this.completed.get(request.requestId);
        if (done !== undefined) return create(UploadStatusSchema, { receivedBytes: done.sizeBytes, file: done });
        const upload = this.received.get(request.requestId);
        if (this.forget || upload === undefined) throw failure(Code.NotFound, ErrorReason.RESOURCE_NOT_FOUND);
        return create(UploadStatusSchema, { receivedBytes: BigInt(upload.length) });
      },
      downloadFile: (request, context) => {
        this.checkToken(context.requestHeader);
        return this.download(request.id, Number(request.offset));
      },
    });
  };

  /** Refuses the access token "stale" as expired, as gigwired refuses an expired one. */
  private checkToken(headers: Headers): void {
    if (headers.get("authorization") === "Bearer stale") throw failure(Code.Unauthenticated, ErrorReason.TOKEN_EXPIRED);
  }

  private begin(via: "stream" | "chunk", header: { requestId: string; name: string; sizeBytes: bigint; sha256: string }, offset: number): Buffer {
    this.headers.push({ via, offset, requestId: header.requestId, name: header.name, size: Number(header.sizeBytes), sha256: header.sha256 });
    if (this.refuse !== undefined) throw this.refuse;
    if (this.forget) this.received.delete(header.requestId);
    const upload = this.received.get(header.requestId) ?? Buffer.alloc(0);
    if (offset !== upload.length) {
      throw failure(Code.FailedPrecondition, ErrorReason.UPLOAD_OFFSET_MISMATCH, { received_bytes: String(upload.length) });
    }
    return upload;
  }

  private complete(requestId: string, size: number, data: Uint8Array): FileInfo {
    if (data.length !== size) throw failure(Code.InvalidArgument, ErrorReason.UPLOAD_SIZE_MISMATCH);
    const file = create(FileInfoSchema, { id: `fil_${this.stored.size + 1}`, sizeBytes: BigInt(size), sha256: sha256(data) });
    this.stored.set(file.id, data);
    this.completed.set(requestId, file);
    return file;
  }

  private async *download(id: string, offset: number) {
    const attempt = this.downloadOffsets.push(offset) - 1;
    const data = this.stored.get(id);
    if (data === undefined) throw failure(Code.NotFound, ErrorReason.RESOURCE_NOT_FOUND);
    const digest = this.corruptSha256 ? "0".repeat(64) : sha256(data);
    yield { kind: { case: "info" as const, value: create(FileInfoSchema, { id, sizeBytes: BigInt(data.length), sha256: digest }) } };
    const limit = this.alwaysBreakDownload ? 0 : (this.breakDownloadAfter[attempt] ?? Infinity);
    for (let index = 0, at = offset; at < data.length; index++, at += DOWNLOAD_CHUNK) {
      if (index >= limit) throw new ConnectError("cut", Code.Unavailable);
      yield { kind: { case: "chunk" as const, value: data.subarray(at, at + DOWNLOAD_CHUNK) } };
    }
  }
}

function clientOf(
  fake: FakeFiles,
  files: FilePlatform = NODE_FILE_PLATFORM,
  token?: () => string,
  refreshLogin?: () => Promise<unknown>,
): GigwireClient {
  return buildClient(
    { token },
    {
      transport: (interceptors) => createRouterTransport(fake.routes, { transport: { interceptors } }),
      close: () => undefined,
      files,
    },
    refreshLogin,
  );
}

const BROWSER: FilePlatform = { clientStreaming: false };

describe("uploadFile", () => {
  it("streams the header then chunks of at most 1 MiB, with progress", async () => {
    const fake = new FakeFiles();
    const progress: [number, number][] = [];
    const file = await clientOf(fake).uploadFile(CONTENT, { name: "logo.png", onProgress: (...p) => progress.push(p) });
    assertSameBytes(fake.stored.get(file.id), CONTENT);
    const [header] = fake.headers;
    assert.deepEqual(
      { ...header, requestId: undefined },
      { via: "stream", offset: 0, requestId: undefined, name: "logo.png", size: CONTENT.length, sha256: sha256(CONTENT) },
    );
    assert.match(header!.requestId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(fake.chunkSizes, [MIB, MIB, MIB, 12345]);
    const total = CONTENT.length;
    assert.deepEqual(progress, [[0, total], [MIB, total], [2 * MIB, total], [3 * MIB, total], [total, total]]);
  });

  it("resumes a broken stream where GetUpload says", async () => {
    const fake = new FakeFiles();
    fake.failStreamAt = [MIB + MIB / 2, 2 * MIB];
    const file = await clientOf(fake).uploadFile(CONTENT, { name: "big.bin", ...FAST });
    assertSameBytes(fake.stored.get(file.id), CONTENT);
    assert.deepEqual(fake.headers.map((h) => h.offset), [0, 2 * MIB, 3 * MIB]);
    assert.equal(new Set(fake.headers.map((h) => h.requestId)).size, 1);
    assert.equal(fake.getUploadCalls, 2);
  });

  it("sends unary chunks in browsers and resumes past a chunk whose answer was lost", async () => {
    const fake = new FakeFiles();
    fake.failChunkCalls = new Set([1]);
    const progress: number[] = [];
    const file = await clientOf(fake, BROWSER).uploadFile(new Blob([CONTENT]), {
      name: "big.bin",
      onProgress: (done) => progress.push(done),
      ...FAST,
    });
    assertSameBytes(fake.stored.get(file.id), CONTENT);
    assert.deepEqual(fake.headers.map((h) => [h.via, h.offset]), [["chunk", 0], ["chunk", MIB], ["chunk", 2 * MIB], ["chunk", 3 * MIB]]);
    assert.equal(fake.getUploadCalls, 1);
    assert.deepEqual(progress, [0, MIB, 2 * MIB, 3 * MIB, CONTENT.length]);
  });

  it("resumes from an UPLOAD_OFFSET_MISMATCH's received_bytes", async () => {
    const fake = new FakeFiles();
    for (const platform of [NODE_FILE_PLATFORM, BROWSER]) {
      fake.completed.clear();
      fake.received.set("upload-7", Buffer.from(CONTENT.subarray(0, MIB)));
      const file = await clientOf(fake, platform).uploadFile(CONTENT, { name: "b", requestId: "upload-7", ...FAST });
      assertSameBytes(fake.stored.get(file.id), CONTENT);
    }
    assert.deepEqual(fake.headers.map((h) => [h.via, h.offset]).slice(0, 2), [["stream", 0], ["stream", MIB]]);
    assert.deepEqual(fake.headers.filter((h) => h.via === "chunk").map((h) => h.offset).slice(0, 2), [0, MIB]);
    assert.equal(fake.getUploadCalls, 0);
  });

  it("starts again when the server lost the upload", async () => {
    const fake = new FakeFiles();
    fake.failStreamAt = [2 * MIB];
    fake.forget = true;
    const file = await clientOf(fake).uploadFile(CONTENT, { name: "b", ...FAST });
    assertSameBytes(fake.stored.get(file.id), CONTENT);
    assert.deepEqual(fake.headers.map((h) => h.offset), [0, 0]);
  });

  it("returns the file the server completed before its answer was lost", async () => {
    const fake = new FakeFiles();
    const done = create(FileInfoSchema, { id: "fil_done" });
    fake.completed.set("upload-9", done);
    fake.refuse = new ConnectError("down", Code.Unavailable);
    assert.equal((await clientOf(fake).uploadFile(CONTENT, { name: "b", requestId: "upload-9", ...FAST })).id, "fil_done");
  });

  it("throws refusals at once with their reason, and gives up after maxFailures in a row", async () => {
    for (const [code, reason, name] of [
      [Code.InvalidArgument, ErrorReason.FILE_TYPE_NOT_ALLOWED, "FILE_TYPE_NOT_ALLOWED"],
      [Code.InvalidArgument, ErrorReason.FILE_TOO_LARGE, "FILE_TOO_LARGE"],
      [Code.ResourceExhausted, ErrorReason.STORAGE_QUOTA_EXCEEDED, "STORAGE_QUOTA_EXCEEDED"],
    ] as const) {
      const fake = new FakeFiles();
      fake.refuse = failure(code, reason);
      await assert.rejects(clientOf(fake).uploadFile(CONTENT, { name: "b", ...FAST }), (e: unknown) => {
        assert.ok(e instanceof GigwireError);
        assert.equal(e.reason, name);
        return true;
      });
      assert.equal(fake.headers.length, 1);
    }
    const fake = new FakeFiles();
    fake.refuse = new ConnectError("down", Code.Unavailable);
    await assert.rejects(clientOf(fake, BROWSER).uploadFile(CONTENT, { name: "b", ...FAST }), { code: "UNAVAILABLE" });
    assert.equal(fake.headers.length, FAST.maxFailures);
  });

  it("uploads a path under its file name, a File under its name; bytes need a name", async () => {
    const fake = new FakeFiles();
    const dir = await mkdtemp(join(tmpdir(), "gigwire-files-"));
    await writeFile(join(dir, "brief.txt"), "a brief");
    const client = clientOf(fake);
    const fromPath = await client.uploadFile(join(dir, "brief.txt"));
    assert.equal(Buffer.from(fake.stored.get(fromPath.id)!).toString(), "a brief");
    await client.uploadFile(new File([CONTENT.subarray(0, 10)], "photo.png"));
    assert.deepEqual(fake.headers.map((h) => h.name), ["brief.txt", "photo.png"]);
    await assert.rejects(client.uploadFile(CONTENT), TypeError);
    await assert.rejects(clientOf(fake, BROWSER).uploadFile("/etc/hostname"), TypeError);
  });

  it("stops when its signal aborts or its progress callback throws", async () => {
    const fake = new FakeFiles();
    const controller = new AbortController();
    const stop = new Error("stop");
    const upload = clientOf(fake).uploadFile(CONTENT, {
      name: "b",
      signal: controller.signal,
      onProgress: (done) => {
        if (done >= MIB) controller.abort(stop);
      },
    });
    await assert.rejects(upload, (e) => e === stop);
    await assert.rejects(
      clientOf(fake, BROWSER).uploadFile(CONTENT, {
        name: "b",
        onProgress: (done) => {
          if (done >= MIB) throw stop;
        },
      }),
      (e) => e === stop,
    );
    assert.equal(fake.stored.size, 0);
  });
});

describe("downloadFile", () => {
  it("writes to a function, a WritableStream and memory, with progress", async () => {
    const fake = new FakeFiles();
    fake.stored.set("fil_1", CONTENT);
    const client = clientOf(fake);
    const parts: Uint8Array[] = [];
    const progress: [number, number][] = [];
    const info = await client.downloadFile("fil_1", (chunk) => void parts.push(chunk), {
      onProgress: (...p) => progress.push(p),
    });
    assert.equal(info.sha256, sha256(CONTENT));
    assertSameBytes(Buffer.concat(parts), CONTENT);
    assert.deepEqual(progress[0], [0, CONTENT.length]);
    assert.deepEqual(progress.at(-1), [CONTENT.length, CONTENT.length]);
    const streamed: Uint8Array[] = [];
    await client.downloadFile("fil_1", new WritableStream({ write: (chunk) => void streamed.push(chunk) }));
    assertSameBytes(Buffer.concat(streamed), CONTENT);
    assertSameBytes((await client.downloadFileBytes("fil_1")).bytes, CONTENT);
  });

  it("resumes a broken stream from the bytes written, into a path", async () => {
    const fake = new FakeFiles();
    fake.stored.set("fil_1", CONTENT);
    fake.breakDownloadAfter = [3, 5];
    const dir = await mkdtemp(join(tmpdir(), "gigwire-files-"));
    await clientOf(fake).downloadFile("fil_1", join(dir, "out.bin"), FAST);
    assertSameBytes(await readFile(join(dir, "out.bin")), CONTENT);
    assert.deepEqual(await readdir(dir), ["out.bin"]);
    assert.deepEqual(fake.downloadOffsets, [0, 3 * DOWNLOAD_CHUNK, 8 * DOWNLOAD_CHUNK]);
  });

  it("checks the SHA-256: DATA_LOSS / CHECKSUM_MISMATCH, and no file at the path", async () => {
    const fake = new FakeFiles();
    fake.stored.set("fil_1", CONTENT);
    fake.corruptSha256 = true;
    const dir = await mkdtemp(join(tmpdir(), "gigwire-files-"));
    await assert.rejects(clientOf(fake).downloadFile("fil_1", join(dir, "out.bin")), (e: unknown) => {
      assert.ok(e instanceof DownloadIntegrityError && e instanceof GigwireError);
      assert.equal(e.code, "DATA_LOSS");
      assert.equal(e.reason, "CHECKSUM_MISMATCH");
      assert.equal(e.actualSha256, sha256(CONTENT));
      return true;
    });
    assert.deepEqual(await readdir(dir), []);
  });

  it("throws NOT_FOUND at once and gives up after maxFailures broken streams", async () => {
    const fake = new FakeFiles();
    await assert.rejects(clientOf(fake).downloadFileBytes("fil_missing"), { code: "NOT_FOUND", reason: "RESOURCE_NOT_FOUND" });
    fake.stored.set("fil_1", CONTENT);
    fake.alwaysBreakDownload = true;
    await assert.rejects(clientOf(fake).downloadFileBytes("fil_1", FAST), { code: "UNAVAILABLE" });
    assert.deepEqual(fake.downloadOffsets.slice(1), [0, 0, 0, 0]);
  });
});

describe("an expired login", () => {
  it("is refreshed once and the upload or download retried", async () => {
    const fake = new FakeFiles();
    let token = "stale";
    let refreshes = 0;
    const refresh = async () => {
      refreshes++;
      token = "fresh";
    };
    for (const platform of [NODE_FILE_PLATFORM, BROWSER]) {
      token = "stale";
      const client = clientOf(fake, platform, () => token, refresh);
      const file = await client.uploadFile(CONTENT.subarray(0, 100), { name: "a", ...FAST });
      token = "stale";
      assertSameBytes((await client.downloadFileBytes(file.id, FAST)).bytes, CONTENT.subarray(0, 100));
    }
    assert.equal(refreshes, 4);
  });
});

describe("PortableSha256", () => {
  it("matches the FIPS 180-4 examples and node:crypto over uneven updates", () => {
    const hex = (data: Uint8Array) => new PortableSha256().update(data).digestHex();
    assert.equal(hex(new Uint8Array()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert.equal(hex(new TextEncoder().encode("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert.equal(
      hex(new TextEncoder().encode("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
    const data = CONTENT.subarray(0, 300_001);
    const hash = new PortableSha256();
    for (let at = 0, step = 1; at < data.length; at += step, step = (step * 7 + 3) % 997) {
      hash.update(data.subarray(at, at + step));
    }
    assert.equal(hash.digestHex(), sha256(data));
  });
});
