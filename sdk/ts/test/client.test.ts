// Unit tests of createClient over a real HTTP/2 gRPC connection to an
// in-process fake server: headers sent (credentials, SDK version, deadline),
// errors thrown as GigwireError, deadlines and unreachable servers.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import net from "node:net";
import { after, before, describe, it } from "node:test";
import { Code } from "@connectrpc/connect";
import {
  ErrorReason,
  GigwireError,
  SDK_HEADER_VALUE,
  SDK_VERSION,
  UserSchema,
  createClient,
  normalizeBaseUrl,
} from "../src/index.js";
import { type FakeCall, type FakeReply, type FakeServer, errorReply, messageReply, startFakeServer } from "./fake-server.js";

const USER = { id: "usr_test", email: "a@example.com", displayName: "A" };

/** Fake gigwired: GetMe answers a user, Register fails EMAIL_TAKEN, Login hangs. */
function replyFor(call: FakeCall): FakeReply {
  if (call.path.endsWith("/GetMe")) return messageReply(UserSchema, USER);
  if (call.path.endsWith("/Register")) {
    return errorReply(Code.AlreadyExists, "email already registered", { reason: ErrorReason.EMAIL_TAKEN });
  }
  return { kind: "hang" };
}

describe("createClient against a fake gRPC server", () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeServer(replyFor);
  });
  after(() => server.close());

  const lastCall = (): FakeCall => server.calls[server.calls.length - 1]!;

  it("sends the bearer token, the SDK header and a deadline", async () => {
    const client = createClient({ baseUrl: server.address, token: "tok-1" });
    const user = await client.users.getMe({});
    assert.equal(user.id, USER.id);
    assert.equal(user.displayName, USER.displayName);
    const { path, headers } = lastCall();
    assert.equal(path, "/gigwire.v1.UserService/GetMe");
    assert.equal(headers["authorization"], "Bearer tok-1");
    assert.equal(headers["x-api-key"], undefined);
    assert.equal(headers["x-gigwire-sdk"], `ts/${SDK_VERSION}`);
    assert.match(String(headers["content-type"]), /^application\/grpc/);
    assert.equal(headers["grpc-timeout"], "10000m");
    client.close();
  });

  it("sends an API key via withCredentials on the same connection", async () => {
    const client = createClient({ baseUrl: server.address, token: "tok-1" });
    await client.withCredentials({ apiKey: "key_abc.secret" }).users.getMe({});
    assert.equal(lastCall().headers["x-api-key"], "key_abc.secret");
    assert.equal(lastCall().headers["authorization"], undefined);
    client.close();
  });

  it("asks a token provider before every call", async () => {
    let n = 0;
    const client = createClient({ baseUrl: server.address, token: () => `tok-${++n}` });
    await client.users.getMe({});
    await client.users.getMe({});
    assert.equal(lastCall().headers["authorization"], "Bearer tok-2");
    client.close();
  });

  it("lets per-call headers override the client's credentials", async () => {
    const client = createClient({ baseUrl: server.address, token: "tok-1" });
    await client.users.getMe({}, { headers: { authorization: "Bearer other" } });
    assert.equal(lastCall().headers["authorization"], "Bearer other");
    client.close();
  });

  it("sends no credentials when none are given", async () => {
    const client = createClient({ baseUrl: server.address });
    await client.users.getMe({});
    assert.equal(lastCall().headers["authorization"], undefined);
    assert.equal(lastCall().headers["x-api-key"], undefined);
    assert.equal(lastCall().headers["x-gigwire-sdk"], SDK_HEADER_VALUE);
    client.close();
  });

  it("throws GigwireError with code and reason", async () => {
    const client = createClient({ baseUrl: server.address });
    const err = await client.auth.register({ email: "a@example.com" }).catch((e: unknown) => e);
    assert.ok(err instanceof GigwireError, `not a GigwireError: ${String(err)}`);
    assert.equal(err.code, "ALREADY_EXISTS");
    assert.equal(err.reason, "EMAIL_TAKEN");
    assert.equal(err.rawMessage, "email already registered");
    client.close();
  });

  it("applies the default deadline", async () => {
    const client = createClient({ baseUrl: server.address, timeoutMs: 150 });
    const err = await client.auth.login({}).catch((e: unknown) => e);
    assert.ok(err instanceof GigwireError);
    assert.equal(err.code, "DEADLINE_EXCEEDED");
    assert.equal(lastCall().headers["grpc-timeout"], "150m");
    client.close();
  });
});

describe("createClient without a server", () => {
  it("throws UNAVAILABLE when nothing listens", async () => {
    const port = await freePort();
    const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000 });
    const err = await client.users.getMe({}).catch((e: unknown) => e);
    assert.ok(err instanceof GigwireError);
    assert.equal(err.code, "UNAVAILABLE");
    client.close();
  });

  it("rejects a token together with an API key", () => {
    assert.throws(() => createClient({ baseUrl: "127.0.0.1:1", token: "t", apiKey: "k" }), TypeError);
  });
});

describe("helpers", () => {
  it("normalizeBaseUrl adds http:// to host:port only", () => {
    assert.equal(normalizeBaseUrl("127.0.0.1:50051"), "http://127.0.0.1:50051");
    assert.equal(normalizeBaseUrl("https://api.example.com"), "https://api.example.com");
    assert.equal(normalizeBaseUrl("http://localhost:1"), "http://localhost:1");
  });

  it("SDK_VERSION matches package.json", () => {
    const pkgUrl = new URL("../../package.json", import.meta.url);
    const pkg = JSON.parse(readFileSync(pkgUrl, "utf8")) as { version: string };
    assert.equal(SDK_VERSION, pkg.version);
  });
});

/** A TCP port that was free a moment ago (nothing listens on it). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
