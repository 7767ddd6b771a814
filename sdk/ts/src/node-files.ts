// What the Node entry adds to the file helpers (files.ts): client streaming
// (UploadFile over HTTP/2), file paths as upload sources and download targets,
// and node:crypto's SHA-256. A download to a path is written to a temporary
// file beside it (".<name>.<random>.part"), flushed to disk and renamed into
// place only once complete and checked, so the path never holds a partial or
// corrupt file; a failed download removes the temporary file.
import { createHash, randomBytes } from "node:crypto";
import { type FileHandle, open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import type { ByteSink, ByteSource, FilePlatform } from "./files.js";
import type { Sha256 } from "./sha256.js";

/** node:crypto's SHA-256 behind the Sha256 interface. */
export function nodeSha256(): Sha256 {
  const hash = createHash("sha256");
  const wrapped: Sha256 = {
    update(data) {
      hash.update(data);
      return wrapped;
    },
    digestHex: () => hash.digest("hex"),
  };
  return wrapped;
}

/** A file opened for reading, as a ByteSource. */
export async function openPathSource(path: string): Promise<ByteSource> {
  const handle = await open(path, "r");
  try {
    const { size } = await handle.stat();
    return {
      size,
      read: async (offset, length) => {
        const buffer = Buffer.alloc(length);
        let filled = 0;
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, offset + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        return new Uint8Array(buffer.buffer, buffer.byteOffset, filled);
      },
      close: () => handle.close(),
    };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/** A sink writing to a temporary file beside `path`, renamed to it on commit. */
export async function createPathSink(path: string): Promise<ByteSink> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.part`);
  const handle: FileHandle = await open(temporary, "wx");
  let open_ = true;
  const close = async (): Promise<void> => {
    if (open_) {
      open_ = false;
      await handle.close();
    }
  };
  return {
    write: async (chunk) => {
      for (let written = 0; written < chunk.length; ) {
        written += (await handle.write(chunk, written, chunk.length - written)).bytesWritten;
      }
    },
    commit: async () => {
      await handle.sync();
      await close();
      await rename(temporary, path);
    },
    abort: async () => {
      await close();
      await rm(temporary, { force: true });
    },
  };
}

/** The file platform of the Node entry. */
export const NODE_FILE_PLATFORM: FilePlatform = {
  clientStreaming: true,
  sha256: nodeSha256,
  openPath: openPathSource,
  createPathSink,
};
