// What the console says when a call fails: the server's machine-readable reason
// (GigwireError.reason) as a sentence a person understands, plus the server's own
// message and any invalid fields. Screens never branch on message text.
import { GigwireError } from "./sdk";

/** A failure ready to show. */
export interface Explained {
  /** One sentence from the reason (or, without one, the status code). */
  readonly sentence: string;
  /** The server's message, for detail. */
  readonly detail: string;
  /** The reason name, e.g. "INVALID_CREDENTIALS" (also shown, small, for support). */
  readonly reason: string;
  /** Invalid fields: request path and what is wrong. */
  readonly fields: readonly { readonly field: string; readonly description: string }[];
  /** True when the login is gone and the user must sign in again. */
  readonly signedOut: boolean;
}

/** Every ErrorReason of errors.proto, in words. */
export const REASON_SENTENCES: Readonly<Record<string, string>> = {
  INVALID_FIELDS: "Some fields need fixing.",
  CREDENTIALS_MISSING: "You are not signed in.",
  INVALID_CREDENTIALS: "Invalid credentials: that email and password do not match an account.",
  TOKEN_INVALID: "Your sign-in is no longer valid. Please sign in again.",
  TOKEN_EXPIRED: "Your sign-in has expired. Please sign in again.",
  REFRESH_TOKEN_INVALID: "Your session has ended. Please sign in again.",
  REFRESH_TOKEN_REUSED: "This session was used elsewhere and has been closed for safety. Please sign in again.",
  API_KEY_INVALID: "The API key is unknown or revoked.",
  ROLE_REQUIRED: "Your account does not have the role this needs.",
  RESOURCE_NOT_FOUND: "Not found: it does not exist or you may not see it.",
  EMAIL_TAKEN: "An account with this email already exists.",
  ETAG_MISMATCH: "Someone changed this in the meantime. Reload it and try again.",
  RATE_LIMITED: "Too many attempts. Wait a moment and try again.",
  INVALID_STATE: "That is not possible in its current state.",
  SERVER_BUSY: "The server is busy. Try again shortly.",
  INTERNAL_ERROR: "Something went wrong on the server. Nothing was changed.",
  NOT_RESOURCE_OWNER: "Only its owner may do that.",
  ALREADY_REVIEWED: "You have already reviewed this booking.",
  SLUG_TAKEN: "Another category already uses this slug.",
  DUPLICATE: "That already exists. Reload and try again.",
  CURSOR_EXPIRED: "Live updates fell too far behind. Reload the page.",
  SLOW_CONSUMER: "Live updates were interrupted; reconnecting.",
  SHUTTING_DOWN: "The server is restarting. Try again in a moment.",
  BEARER_TOKEN_REQUIRED: "This needs a signed-in user, not an API key.",
  CURSOR_AHEAD: "Live updates lost their place (the server changed). Reload the page.",
  MALFORMED_REQUEST: "The server could not read the request.",
  CREDENTIALS_CHANGED: "Your roles changed; live updates are reconnecting.",
  BIDDING_CLOSED: "This project takes no proposals now.",
  SELF_DEALING: "You cannot do business with yourself.",
  PROPOSAL_EXISTS: "This seller already has a live proposal on the job.",
  TOO_MANY_OPEN_PROPOSALS: "The seller has too many open proposals.",
  SELLER_UNAVAILABLE: "That seller no longer takes work.",
  PORTFOLIO_FULL: "The portfolio is full. Delete an item first.",
  INSUFFICIENT_FUNDS: "There is not enough money in the account for this.",
  AMOUNT_MISMATCH: "The amounts do not add up: they must equal the money at stake, in the booking's currency.",
  PAYMENT_PENDING: "A payment for this is already under way. Wait for it to be confirmed, or cancel it first.",
  WRONG_GATEWAY: "This payment goes through another payment method, so this action does not apply to it.",
  ESCROW_HELD: "Money of this booking is still in escrow. Approve, cancel or dispute that milestone first.",
  PAYMENT_PROVIDER_UNAVAILABLE: "The payment provider cannot be reached right now. Try again shortly.",
  PAYMENT_PROVIDER_REFUSED: "The payment provider refused this payment. Nothing was charged.",
  NOT_CONNECTED: "You can only message someone you have an offer, proposal, invitation or booking with on this job.",
  USER_BLOCKED: "One of you blocked the other, so no messages can be sent.",
  FILE_TYPE_NOT_ALLOWED: "This kind of file is not accepted. Use an image, a PDF, an office document, a ZIP or plain text.",
  CHECKSUM_MISMATCH: "The file arrived damaged. Upload it again.",
  FILE_TOO_LARGE: "This file is too large.",
  UPLOAD_SIZE_MISMATCH: "The upload did not have the size it announced. Upload it again.",
  UPLOAD_OFFSET_MISMATCH: "The upload got out of step. It resumes from where the server stands.",
  STORAGE_QUOTA_EXCEEDED: "Your storage is full. Nothing was uploaded.",
};

/** Without a known reason: the status code in words. */
const CODE_SENTENCES: Readonly<Record<string, string>> = {
  UNAVAILABLE: "The server cannot be reached. Check the connection and try again.",
  DEADLINE_EXCEEDED: "The server took too long to answer. Try again.",
  UNAUTHENTICATED: "Please sign in again.",
  PERMISSION_DENIED: "You may not do that.",
  NOT_FOUND: "Not found.",
  INVALID_ARGUMENT: "The request was not accepted.",
  FAILED_PRECONDITION: "That is not possible right now.",
  ALREADY_EXISTS: "That already exists.",
  RESOURCE_EXHAUSTED: "A limit was reached. Try again later.",
  ABORTED: "Someone changed this in the meantime. Try again.",
  CANCELLED: "The call was cancelled.",
  UNKNOWN: "The server gave an answer the console does not understand (is this gigwired's web port?).",
  UNIMPLEMENTED: "This server does not offer that call (an older gigwired?).",
  INTERNAL: "Something went wrong on the server.",
};

/** Explains any thrown value. */
export function explain(error: unknown): Explained {
  if (!(error instanceof GigwireError)) {
    const detail = error instanceof Error ? error.message : String(error);
    return { sentence: "Something went wrong in the console.", detail, reason: "", fields: [], signedOut: false };
  }
  const known = REASON_SENTENCES[error.reason];
  let sentence = known ?? CODE_SENTENCES[error.code] ?? "The call failed.";
  const state = error.metadata["current_state"];
  if (error.reason === "INVALID_STATE" && state) sentence = `That is not possible now: it is ${state.toLowerCase().replace(/_/g, " ")}.`;
  if (error.reason === "RATE_LIMITED" && error.retryAfterMs) {
    sentence = `Too many attempts. Try again in ${Math.ceil(error.retryAfterMs / 1000)} s.`;
  }
  const signedOut = error.code === "UNAUTHENTICATED" && error.reason !== "INVALID_CREDENTIALS";
  return {
    sentence,
    detail: error.rawMessage,
    reason: known ? error.reason : error.code,
    fields: error.fieldViolations,
    signedOut,
  };
}

/** The field violations whose path is `path` or ends in `.path` (e.g. "job.title" for "title"). */
export function fieldErrors(explained: Explained | undefined, path: string): string[] {
  if (!explained) return [];
  return explained.fields
    .filter((f) => f.field === path || f.field.endsWith(`.${path}`) || f.field.startsWith(`${path}.`))
    .map((f) => f.description);
}
