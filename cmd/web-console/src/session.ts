// Signing in and out. The console talks to the gigwired that served it (same origin,
// gRPC-Web). A login lives in memory; its token pair is also kept in sessionStorage
// (this tab only, gone when the tab closes) so that a reload does not sign the user out.
import { fromJsonString, toJsonString } from "@bufbuild/protobuf";
import {
  type GigwireClient,
  type GigwireSessionClient,
  Role,
  type TokenPair,
  TokenPairSchema,
  type User,
  createClient,
} from "./sdk";

const STORAGE_KEY = "gigwire.console.login";

/** A signed-in user: the client calling as them and their account. */
export interface Session {
  readonly client: GigwireSessionClient;
  readonly user: User;
}

let anonymous: GigwireClient | undefined;

/** The client without credentials, on this page's origin. */
export function anonymousClient(): GigwireClient {
  anonymous ??= createClient({ baseUrl: window.location.origin });
  return anonymous;
}

/** Signs in; throws GigwireError (UNAUTHENTICATED / INVALID_CREDENTIALS for a wrong password). */
export async function signIn(email: string, password: string): Promise<Session> {
  const client = await anonymousClient().login(email, password);
  keep(client.session.tokens);
  return { client, user: client.session.tokens.user! };
}

/** The login kept by this tab, if any (the session refreshes it when needed). */
export function restoreSession(): Session | undefined {
  const stored = sessionStorage.getItem(STORAGE_KEY);
  if (!stored) return undefined;
  try {
    const tokens = fromJsonString(TokenPairSchema, stored);
    if (!tokens.user) return undefined;
    return { client: anonymousClient().resumeLogin(tokens), user: tokens.user };
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
    return undefined;
  }
}

/** Keeps the current token pair (call before the page goes away: refreshes rotate it). */
export function keep(tokens: TokenPair): void {
  sessionStorage.setItem(STORAGE_KEY, toJsonString(TokenPairSchema, tokens));
}

/** Ends the login on the server (best effort) and forgets it here. */
export async function signOut(session: Session): Promise<void> {
  sessionStorage.removeItem(STORAGE_KEY);
  try {
    await session.client.session.logout();
  } catch {
    // The login is forgotten here either way; the server lets it expire.
  }
}

/** Whether the user holds the role. */
export function hasRole(user: User, role: Role): boolean {
  return user.roles.includes(role);
}
