// Lost connections are UNAVAILABLE in Node, as in gRPC. Connect's Node
// transport reports a connection that broke under a call by the error Node
// raised: a reset (ECONNRESET) becomes ABORTED, a session torn down under a
// stream INTERNAL or UNKNOWN. gRPC clients say UNAVAILABLE for all of these,
// and it is what the SDK retries (the service config), resumes (watches, file
// transfers) and documents. This interceptor, innermost on the Node
// transport, turns such errors into UNAVAILABLE, for unary calls and for
// errors met while reading a stream; errors the server sent (which carry no
// Node error) and the caller's own aborts are left as they are. The browser
// entry does the same for fetch failures (web.ts, unavailableOnNetworkError).
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";

/** Node error codes meaning the connection (or its HTTP/2 session) went away. */
const CONNECTION_LOST = new Set([
  "ECONNRESET",
  "EPIPE",
  "ECONNABORTED",
  "ERR_STREAM_PREMATURE_CLOSE",
  "ERR_HTTP2_GOAWAY_SESSION",
  "ERR_HTTP2_INVALID_SESSION",
  "ERR_HTTP2_SESSION_ERROR",
  "ERR_HTTP2_STREAM_ERROR",
]);

/** Whether `reason` (or an error in its `cause` chain) is a lost connection. */
export function isConnectionLoss(reason: unknown): boolean {
  const seen = new Set<unknown>();
  for (let at = reason; at instanceof Error && !seen.has(at); at = (at as { cause?: unknown }).cause) {
    seen.add(at);
    const code = (at as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_LOST.has(code)) return true;
  }
  return false;
}

/** `reason` as UNAVAILABLE when it is a lost connection the caller did not cause. */
function mapped(reason: unknown, signal: AbortSignal): unknown {
  if (signal.aborted || !isConnectionLoss(reason)) return reason;
  const error = ConnectError.from(reason);
  if (error.code === Code.Unavailable || error.code === Code.Canceled) return error;
  return new ConnectError(`connection lost: ${error.rawMessage}`, Code.Unavailable, error.metadata, undefined, reason);
}

async function* mappedStream<T>(messages: AsyncIterable<T>, signal: AbortSignal): AsyncGenerator<T> {
  try {
    yield* messages;
  } catch (e) {
    throw mapped(e, signal);
  }
}

/** The interceptor (see the module comment); put it last, innermost. */
export const unavailableOnConnectionLoss: Interceptor = (next) => async (request) => {
  try {
    const response = await next(request);
    if (!response.stream) return response;
    return { ...response, message: mappedStream(response.message, request.signal) };
  } catch (e) {
    throw mapped(e, request.signal);
  }
};
