// Unit tests of LoginSession: when it refreshes, and that concurrent callers
// share one refresh (a refresh token is single-use).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import { type AuthService, LoginSession, REFRESH_MARGIN_MS, type TokenPair, TokenPairSchema } from "../src/index.js";

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
