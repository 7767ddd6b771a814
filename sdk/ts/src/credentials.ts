// Credentials of a Gigwire client and the interceptor that sends them.
//
// A client authenticates either as a user (a bearer access token from
// AuthService.Login / Refresh) or as a partner (an API key), never both. Every
// request also carries `x-gigwire-sdk: ts/<version>`.
import type { Interceptor } from "@connectrpc/connect";
import { SDK_HEADER_VALUE } from "./version.js";

/**
 * Returns the current access token, or undefined to send none. Called before
 * every request, so it can hand out a token refreshed elsewhere.
 */
export type TokenProvider = () =>
  | string
  | undefined
  | Promise<string | undefined>;

/** Who the client calls as. Give at most one of `token` and `apiKey`. */
export interface Credentials {
  /** Access token (or a provider of one), sent as `authorization: Bearer`. */
  readonly token?: string | TokenProvider;
  /** Partner API key, sent as `x-api-key`. */
  readonly apiKey?: string;
}

/** Throws a TypeError when both a token and an API key are given. */
export function checkCredentials(credentials: Credentials): void {
  if (credentials.token !== undefined && credentials.apiKey !== undefined) {
    throw new TypeError("Gigwire client: pass `token` or `apiKey`, not both");
  }
}

/**
 * Adds the SDK header and the credentials to every request. Headers set by
 * the caller for a single call (CallOptions.headers) take precedence.
 */
export function credentialsInterceptor(credentials: Credentials): Interceptor {
  checkCredentials(credentials);
  return (next) => async (req) => {
    req.header.set("x-gigwire-sdk", SDK_HEADER_VALUE);
    if (!hasCredentialHeader(req.header)) {
      await addCredentialHeader(req.header, credentials);
    }
    return next(req);
  };
}

function hasCredentialHeader(header: Headers): boolean {
  return header.has("authorization") || header.has("x-api-key");
}

async function addCredentialHeader(
  header: Headers,
  credentials: Credentials,
): Promise<void> {
  const token = await resolveToken(credentials.token);
  if (token) {
    header.set("authorization", `Bearer ${token}`);
  } else if (credentials.apiKey) {
    header.set("x-api-key", credentials.apiKey);
  }
}

async function resolveToken(
  token: Credentials["token"],
): Promise<string | undefined> {
  return typeof token === "function" ? await token() : token;
}
