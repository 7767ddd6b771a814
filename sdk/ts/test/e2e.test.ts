// End-to-end conformance of the TypeScript SDK against a real `gigwired`:
// registration, login, tokens and refresh rotation, profile updates with
// etags, API keys and roles, asserting exact status codes AND reasons.
//
// Cases run in order and share state (accounts, tokens). Skipped when the
// binary is missing unless GIGWIRE_E2E=require. GIGWIRE_E2E_LOG=1 prints
// the server's output at the end.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  type GigwireClient,
  Role,
  type TokenPair,
  type User,
  createClient,
} from "../src/index.js";
import { expectError } from "./assertions.js";
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  type Gigwired,
  createAdmin,
  e2eSkipReason,
  makeServerDir,
  startGigwired,
} from "./gigwired.js";

const BUYER_EMAIL = "buyer@example.com";
const BUYER_PASSWORD = "buyer-password-123";

const skip = e2eSkipReason();

describe("gigwired end to end", { skip }, () => {
  let server: Gigwired;
  let anon: GigwireClient;
  let buyer: User;
  let buyerTokens: TokenPair;

  const asBuyer = (): GigwireClient => anon.withCredentials({ token: buyerTokens.accessToken });

  before(async () => {
    const dir = makeServerDir();
    try {
      createAdmin(dir, ADMIN_EMAIL, ADMIN_PASSWORD);
      server = await startGigwired(dir);
    } catch (e) {
      console.error(`e2e: server dir kept at ${dir}`);
      throw e;
    }
    anon = createClient({ baseUrl: server.address });
  });

  after(() => {
    anon?.close();
    if (process.env["GIGWIRE_E2E_LOG"]) console.error(`gigwired log:\n${server?.log()}`);
    server?.dispose();
  });

  it("registers a buyer", async () => {
    buyer = await anon.auth.register({
      email: BUYER_EMAIL,
      password: BUYER_PASSWORD,
      displayName: "Bea Buyer",
      roles: [Role.BUYER],
    });
    assert.match(buyer.id, /^usr_./);
    assert.equal(buyer.email, BUYER_EMAIL);
    assert.equal(buyer.displayName, "Bea Buyer");
    assert.deepEqual(buyer.roles, [Role.BUYER]);
    assert.ok(buyer.createTime, "create_time is set");
  });

  it("rejects a duplicate email: ALREADY_EXISTS/EMAIL_TAKEN", async () => {
    const again = { email: BUYER_EMAIL, password: BUYER_PASSWORD, displayName: "Again", roles: [Role.BUYER] };
    await expectError(anon.auth.register(again), "ALREADY_EXISTS", "EMAIL_TAKEN");
  });

  it("treats emails case-insensitively: ALREADY_EXISTS/EMAIL_TAKEN", async () => {
    const upper = { email: "BUYER@Example.COM", password: BUYER_PASSWORD, displayName: "Upper", roles: [Role.SELLER] };
    await expectError(anon.auth.register(upper), "ALREADY_EXISTS", "EMAIL_TAKEN");
  });

  it("rejects a bad email and a short password: INVALID_ARGUMENT/INVALID_FIELDS", async () => {
    const bad = { email: "not-an-email", password: "short", displayName: "Bad", roles: [Role.BUYER] };
    const err = await expectError(anon.auth.register(bad), "INVALID_ARGUMENT", "INVALID_FIELDS");
    const fields = err.fieldViolations.map((v) => v.field).sort();
    assert.deepEqual(fields, ["email", "password"]);
    for (const v of err.fieldViolations) assert.ok(v.description, `description for ${v.field}`);
  });

  it("logs in", async () => {
    buyerTokens = await anon.auth.login({ email: BUYER_EMAIL, password: BUYER_PASSWORD });
    assert.ok(buyerTokens.accessToken, "access token");
    assert.ok(buyerTokens.refreshToken, "refresh token");
    assert.equal(buyerTokens.user?.id, buyer.id);
    assert.ok(buyerTokens.accessTokenExpireTime, "access_token_expire_time");
    assert.ok(timestampDate(buyerTokens.accessTokenExpireTime) > new Date());
  });

  it("rejects a wrong password and an unknown email alike: UNAUTHENTICATED/INVALID_CREDENTIALS", async () => {
    const wrong = anon.auth.login({ email: BUYER_EMAIL, password: "wrong-password-123" });
    const e1 = await expectError(wrong, "UNAUTHENTICATED", "INVALID_CREDENTIALS");
    const unknown = anon.auth.login({ email: "nobody@example.com", password: BUYER_PASSWORD });
    const e2 = await expectError(unknown, "UNAUTHENTICATED", "INVALID_CREDENTIALS");
    assert.equal(e1.rawMessage, e2.rawMessage, "same message, so accounts cannot be probed");
  });

  it("GetMe with a token returns the user", async () => {
    const me = await asBuyer().users.getMe({});
    assert.equal(me.id, buyer.id);
    assert.equal(me.email, BUYER_EMAIL);
    assert.equal(me.displayName, "Bea Buyer");
    assert.ok(me.etag, "etag");
  });

  it("GetMe without credentials: UNAUTHENTICATED/CREDENTIALS_MISSING", async () => {
    await expectError(anon.users.getMe({}), "UNAUTHENTICATED", "CREDENTIALS_MISSING");
  });

  it("GetMe with a malformed token or unknown API key: TOKEN_INVALID / API_KEY_INVALID", async () => {
    await expectError(anon.withCredentials({ token: "not-a-jwt" }).users.getMe({}), "UNAUTHENTICATED", "TOKEN_INVALID");
    await expectError(anon.withCredentials({ apiKey: "key_nope" }).users.getMe({}), "UNAUTHENTICATED", "API_KEY_INVALID");
  });

  it("UpdateMe with a FieldMask, then GetMe shows it; a stale etag is ABORTED/ETAG_MISMATCH", async () => {
    const client = asBuyer();
    const current = await client.users.getMe({});
    const changes = { displayName: "Bea B.", bio: "Buys good work.", skills: ["design", "copywriting"] };
    const updated = await client.users.updateMe({
      user: changes,
      updateMask: { paths: ["display_name", "bio", "skills"] },
      etag: current.etag,
    });
    assert.deepEqual(pick(updated), changes);
    assert.notEqual(updated.etag, current.etag, "etag changes on update");
    assert.deepEqual(pick(await client.users.getMe({})), changes);

    const stale = client.users.updateMe({
      user: { displayName: "Stale" },
      updateMask: { paths: ["display_name"] },
      etag: current.etag,
    });
    await expectError(stale, "ABORTED", "ETAG_MISMATCH");
    assert.equal((await client.users.getMe({})).displayName, changes.displayName, "stale update changed nothing");
  });

  it("Refresh rotates; reusing the old refresh token is UNAUTHENTICATED/REFRESH_TOKEN_REUSED", async () => {
    const old = buyerTokens.refreshToken;
    const fresh = await anon.auth.refresh({ refreshToken: old });
    assert.ok(fresh.accessToken && fresh.refreshToken);
    assert.notEqual(fresh.refreshToken, old, "refresh token rotates");
    const me = await anon.withCredentials({ token: fresh.accessToken }).users.getMe({});
    assert.equal(me.id, buyer.id);

    await expectError(anon.auth.refresh({ refreshToken: old }), "UNAUTHENTICATED", "REFRESH_TOKEN_REUSED");
    // Reuse revokes the whole family, including the token just issued.
    await expectError(anon.auth.refresh({ refreshToken: fresh.refreshToken }), "UNAUTHENTICATED", "REFRESH_TOKEN_INVALID");
    buyerTokens = await anon.auth.login({ email: BUYER_EMAIL, password: BUYER_PASSWORD });
  });

  it("an admin creates an API key for the buyer; GetMe with x-api-key returns the buyer", async () => {
    const adminTokens = await anon.auth.login({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
    assert.ok(adminTokens.user?.roles.includes(Role.ADMIN), "admin has ROLE_ADMIN");
    const admin = anon.withCredentials({ token: adminTokens.accessToken });
    const created = await admin.apiKeys.createApiKey({ displayName: "Acme storefront", userId: buyer.id });
    assert.ok(created.secret, "secret returned once");
    assert.match(created.apiKey?.id ?? "", /^key_./);
    assert.equal(created.apiKey?.userId, buyer.id);
    assert.equal(created.apiKey?.creatorId, adminTokens.user?.id);

    const me = await anon.withCredentials({ apiKey: created.secret }).users.getMe({});
    assert.equal(me.id, buyer.id);
    const listed = await admin.apiKeys.listApiKeys({});
    assert.ok(listed.apiKeys.some((k) => k.id === created.apiKey?.id), "ListApiKeys shows the key");
  });

  it("a non-admin ListApiKeys is PERMISSION_DENIED/ROLE_REQUIRED", async () => {
    await expectError(asBuyer().apiKeys.listApiKeys({}), "PERMISSION_DENIED", "ROLE_REQUIRED");
  });

  it("exits 0 on SIGTERM", async () => {
    anon.close();
    const code = await server.stop();
    assert.equal(code, 0, `exit code; server log:\n${server.log()}`);
  });
});

function pick(user: User): { displayName: string; bio: string; skills: string[] } {
  return { displayName: user.displayName, bio: user.bio, skills: [...user.skills] };
}
