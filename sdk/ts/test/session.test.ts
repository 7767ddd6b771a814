// Unit tests of LoginSession: when it refreshes, and that concurrent callers
// share one refresh (a refresh token is single-use); and of a logged-in
// client refreshing on TOKEN_EXPIRED, against a fake server.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { type Client, Code } from "@connectrpc/connect";
import {
  type AuthService,
  ErrorReason,
  GigwireError,
  LoginSession,
  REFRESH_MARGIN_MS,
  type TokenPair,
  TokenPairSchema,
  UserSchema,
  createClient,
} from "../src/index.js";
import { errorReply, messageReply, startFakeServer } from "./fake-server.js";

const NOW = 1_800_000_000_000;

function pair(n: number, expiresInMs: number): TokenPair {
  return create(TokenPairSchema, {
    accessToken: `access-${n}`,
    refreshToken: `refresh-${n}`,
    accessTokenExpireTime: timestampFromMs(NOW + expiresInMs),
  });
}

/** An AuthService client whose Refresh answers pair n+1 for refresh-n, slowly. */
function fakeAuth(refreshed: string[]): Client<typeof AuthService> {
  return {
    refresh: async ({ refreshToken }: { refreshToken: string }) => {
      refreshed.push(refreshToken);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return pair(Number(refreshToken.split("-")[1]) + 1, 15 * 60_000);
    },
  } as unknown as Client<typeof AuthService>;
}

describe("LoginSession", () => {
  it("hands out the access token while it is fresh", async () => {
    const refreshed: string[] = [];
    const session = new LoginSession(fakeAuth(refreshed), pair(1, REFRESH_MARGIN_MS + 60_000), () => NOW);
    assert.equal(await session.token(), "access-1");
    assert.deepEqual(refreshed, []);
  });

  it("refreshes once for concurrent callers when the token is about to expire", async () => {
    const refreshed: string[] = [];
    const session = new LoginSession(fakeAuth(refreshed), pair(1, REFRESH_MARGIN_MS - 1), () => NOW);
    const tokens = await Promise.all([session.token(), session.token(), session.token()]);
    assert.deepEqual(tokens, ["access-2", "access-2", "access-2"]);
    assert.deepEqual(refreshed, ["refresh-1"]);
    assert.equal(session.tokens.refreshToken, "refresh-2");
    await session.refresh();
    assert.deepEqual(refreshed, ["refresh-1", "refresh-2"]);
  });
});

describe("a logged-in client", () => {
  it("refreshes once and retries a call refused TOKEN_EXPIRED", async () => {
    const farFuture = timestampFromMs(Date.now() + 3_600_000);
    const server = await startFakeServer((call) => {
      if (call.path.endsWith("/Login")) {
        return messageReply(TokenPairSchema, { accessToken: "a1", refreshToken: "r1", accessTokenExpireTime: farFuture });
      }
      if (call.path.endsWith("/Refresh")) {
        return messageReply(TokenPairSchema, { accessToken: "a2", refreshToken: "r2", accessTokenExpireTime: farFuture });
      }
      return call.headers["authorization"] === "Bearer a1"
        ? errorReply(Code.Unauthenticated, "expired", { reason: ErrorReason.TOKEN_EXPIRED })
        : messageReply(UserSchema, { id: "usr_1" });
    });
    const client = createClient({ baseUrl: server.address });
    try {
      const ada = await client.login("ada@example.com", "pw");
      assert.equal((await ada.users.getMe({})).id, "usr_1");
      assert.deepEqual(
        server.calls.map((c) => c.path.split("/").pop()),
        ["Login", "GetMe", "Refresh", "GetMe"],
      );
      assert.equal(ada.session.tokens.refreshToken, "r2");
      const plain = client.withCredentials({ token: "a1" }); // no login: nothing to refresh
      const err = await plain.users.getMe({}).catch((e: unknown) => e);
      assert.ok(err instanceof GigwireError && err.reason === "TOKEN_EXPIRED");
    } finally {
      client.close();
      await server.close();
    }
  });

  it("resumes a kept token pair with the same refresh and retry, calling nothing first", async () => {
    const farFuture = timestampFromMs(Date.now() + 3_600_000);
    const server = await startFakeServer((call) => {
      if (call.path.endsWith("/Refresh")) {
        assert.equal(call.headers["authorization"], undefined); // Refresh needs no token
        return messageReply(TokenPairSchema, { accessToken: "a2", refreshToken: "r2", accessTokenExpireTime: farFuture });
      }
      return call.headers["authorization"] === "Bearer a1"
        ? errorReply(Code.Unauthenticated, "expired", { reason: ErrorReason.TOKEN_EXPIRED })
        : messageReply(UserSchema, { id: "usr_1" });
    });
    const client = createClient({ baseUrl: server.address });
    try {
      const kept = create(TokenPairSchema, { accessToken: "a1", refreshToken: "r1", accessTokenExpireTime: farFuture });
      const ada = client.resumeLogin(kept);
      assert.equal(server.calls.length, 0);
      assert.equal((await ada.users.getMe({})).id, "usr_1");
      assert.deepEqual(
        server.calls.map((c) => c.path.split("/").pop()),
        ["GetMe", "Refresh", "GetMe"],
      );
      assert.equal(ada.session.tokens.refreshToken, "r2");
    } finally {
      client.close();
      await server.close();
    }
  });
});
