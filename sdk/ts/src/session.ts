// A login that keeps itself fresh: GigwireClient.login() returns a client
// whose token provider is a LoginSession. Before each call the session hands
// out the access token, first refreshing it (AuthService.Refresh) when it
// expires within REFRESH_MARGIN_MS. Refreshes are single-flight: concurrent
// calls share one, so a refresh token (single-use; the server revokes the
// whole login when one is presented twice) is never sent twice.
import { type Timestamp, timestampMs } from "@bufbuild/protobuf/wkt";
import type { Client } from "@connectrpc/connect";
import type { TokenProvider } from "./credentials.js";
import type { AuthService, TokenPair } from "./gen/gigwire/v1/auth_pb.js";

/** How long before its expiry an access token is replaced. */
export const REFRESH_MARGIN_MS = 30_000;

/** The token pair of one login, refreshed on demand. */
export class LoginSession {
  #tokens: TokenPair;
  #refreshing: Promise<TokenPair> | undefined;

  /**
   * @param auth an AuthService client (its calls need no credentials)
   * @param tokens the pair from AuthService.Login
   * @param now the clock, in ms since the epoch (a seam for tests)
   */
  constructor(
    private readonly auth: Client<typeof AuthService>,
    tokens: TokenPair,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = tokens;
  }

  /** The current token pair (e.g. to persist the login). */
  get tokens(): TokenPair {
    return this.#tokens;
  }

  /** The access token to send, refreshed first when about to expire. */
  readonly token: TokenProvider = async () => {
    if (msUntil(this.#tokens.accessTokenExpireTime, this.now()) <= REFRESH_MARGIN_MS) {
      await this.refresh();
    }
    return this.#tokens.accessToken;
  };

  /**
   * Rotates the pair now (one request however many callers wait).
   * Throws GigwireError UNAUTHENTICATED when the refresh token is invalid,
   * expired or reused: log in again then.
   */
  refresh(): Promise<TokenPair> {
    this.#refreshing ??= this.auth
      .refresh({ refreshToken: this.#tokens.refreshToken })
      .then((tokens) => (this.#tokens = tokens))
      .finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }

  /** Ends the login on the server (AuthService.Logout). */
  async logout(): Promise<void> {
    await this.auth.logout({ refreshToken: this.#tokens.refreshToken });
  }
}

function msUntil(time: Timestamp | undefined, now: number): number {
  return time === undefined ? Number.POSITIVE_INFINITY : timestampMs(time) - now;
}
