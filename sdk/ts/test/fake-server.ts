// A minimal in-process gRPC server (node:http2) for SDK unit tests: records
// each call's path and headers and answers as the test asks, with a message,
// a gigwired-style error (RpcStatus in grpc-status-details-bin) or silence.
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { type DescMessage, type MessageInitShape, create, toBinary } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import type { Code } from "@connectrpc/connect";
import { type ErrorDetails, ErrorDetailsSchema, RpcStatusSchema } from "../src/index.js";

/** One call the server received. */
export interface FakeCall {
  readonly path: string;
  readonly headers: http2.IncomingHttpHeaders;
  /** The request message's bytes (the first frame, without its 5-byte prefix). */
  body: Uint8Array;
}

/** How the server answers a call. */
export type FakeReply =
  | { readonly kind: "message"; readonly bytes: Uint8Array }
  | { readonly kind: "error"; readonly code: Code; readonly message: string; readonly details: ErrorDetails }
  | { readonly kind: "hang" };

/** A running fake server. */
export interface FakeServer {
  readonly address: string;
  readonly calls: FakeCall[];
  close(): Promise<void>;
}

/** Starts a server on 127.0.0.1 that answers every call with reply(call). */
export async function startFakeServer(reply: (call: FakeCall) => FakeReply): Promise<FakeServer> {
  const calls: FakeCall[] = [];
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createServer();
  server.on("session", (session) => {
    sessions.add(session);
    session.on("close", () => sessions.delete(session));
  });
  server.on("stream", (stream, headers) => {
    const call: FakeCall = { path: String(headers[":path"]), headers, body: new Uint8Array() };
    calls.push(call);
    const chunks: Buffer[] = [];
    stream.on("error", () => undefined);
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => {
      call.body = Buffer.concat(chunks).subarray(5);
      answer(stream, reply(call));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const close = async (): Promise<void> => {
    for (const s of sessions) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  };
  return { address: `127.0.0.1:${port}`, calls, close };
}

/** A successful reply carrying one message. */
export function messageReply<Desc extends DescMessage>(desc: Desc, init: MessageInitShape<Desc>): FakeReply {
  return { kind: "message", bytes: toBinary(desc, create(desc, init)) };
}

/** Builds the error reply gigwired would send. */
export function errorReply(code: Code, message: string, details: Parameters<typeof create<typeof ErrorDetailsSchema>>[1]): FakeReply {
  return { kind: "error", code, message, details: create(ErrorDetailsSchema, details) };
}

function answer(stream: http2.ServerHttp2Stream, reply: FakeReply): void {
  if (stream.destroyed || reply.kind === "hang") return;
  if (reply.kind === "error") {
    stream.respond({ ":status": 200, "content-type": "application/grpc", ...errorTrailers(reply) }, { endStream: true });
    return;
  }
  stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
  stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
  stream.end(frame(reply.bytes));
}

function errorTrailers(reply: Extract<FakeReply, { kind: "error" }>): Record<string, string> {
  const status = create(RpcStatusSchema, {
    code: reply.code,
    message: reply.message,
    details: [anyPack(ErrorDetailsSchema, reply.details)],
  });
  return {
    "grpc-status": String(reply.code),
    "grpc-message": encodeURIComponent(reply.message),
    "grpc-status-details-bin": Buffer.from(toBinary(RpcStatusSchema, status)).toString("base64"),
  };
}

/** A gRPC length-prefixed message frame (uncompressed). */
function frame(bytes: Uint8Array): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(bytes.length, 1);
  return Buffer.concat([header, bytes]);
}
