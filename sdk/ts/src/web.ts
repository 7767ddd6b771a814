// Browser entry point of @gigwire/sdk ("@gigwire/sdk/web"): the same client as
// the Node entry (typed services, credentials, login() with refresh, service
// config deadlines and retries, GigwireError, resumable watches), over the
// gRPC-Web protocol (@connectrpc/connect-web, fetch) to gigwired's web port
// (`gigwired --web-listen`). Imports nothing from Node.
//
// Differences from Node: uploads go as unary UploadChunk calls (gRPC-Web
// cannot stream from the client) from bytes or a Blob (a File), never a path;
// downloads go to a WritableStream or a function; `baseUrl` defaults to the
// page's origin; a network
// failure (server down, connection lost mid-stream) is UNAVAILABLE as in
// Node, so retries and resuming watches behave the same; `close()` ends the
// watches opened through the client (there is no connection to close).
import { Code, ConnectError } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";
import { type BaseClientOptions, type GigwireClient, buildClient, normalizeBaseUrl } from "./client-core.js";

export * from "./common.js";

/** Options of createClient in the browser. */
export interface ClientOptions extends BaseClientOptions {
  /**
   * gigwired's web port (--web-listen): "https://host:port", "http://host:port"
   * or "host:port" (the page's scheme is added). Default: the page's origin
   * (`location.origin`), for a page served by gigwired itself (--web-root).
   * Another origin must be allowed by the server (--web-origin).
   */
  readonly baseUrl?: string;
  /** The fetch function to use; default: the global fetch, looked up at each call. */
  readonly fetch?: typeof globalThis.fetch;
}

/**
 * Creates a client for gigwired's gRPC-Web port. Nothing is sent before the
 * first call. Throws TypeError when `baseUrl` is left out outside a page
 * with an http(s) origin.
 */
export function createClient(options: ClientOptions = {}): GigwireClient {
  const baseUrl = normalizeBaseUrl(options.baseUrl ?? pageOrigin(), pageScheme());
  const fetch = unavailableOnNetworkError(options.fetch ?? ((input, init) => globalThis.fetch(input, init)));
  let closed = new AbortController();
  return buildClient(options, {
    transport: (interceptors) => createGrpcWebTransport({ baseUrl, interceptors, fetch, useBinaryFormat: true }),
    close: () => {
      closed.abort();
      closed = new AbortController();
    },
    watchSignal: () => closed.signal,
    // gRPC-Web cannot stream from the client: uploads go as UploadChunk calls.
    files: { clientStreaming: false },
  });
}

interface PageLocation {
  readonly origin?: string;
  readonly protocol?: string;
}

function pageLocation(): PageLocation | undefined {
  return (globalThis as { location?: PageLocation }).location;
}

/** The page's origin ("https://example.com"); throws when there is none (Node, file:// pages). */
function pageOrigin(): string {
  const origin = pageLocation()?.origin;
  if (origin === undefined || !/^https?:\/\//.test(origin)) {
    throw new TypeError(`createClient: give a baseUrl (the page has no http(s) origin: ${String(origin)})`);
  }
  return origin;
}

/** The scheme for a bare "host:port": the page's (an https page cannot call http), else http. */
function pageScheme(): "http" | "https" {
  return pageLocation()?.protocol === "https:" ? "https" : "http";
}

/**
 * Wraps fetch so that a failed request or a response body that breaks off
 * (the server is down or restarting, the network dropped) fails with
 * UNAVAILABLE, as gRPC over HTTP/2 does in Node, instead of Connect's
 * UNKNOWN for any TypeError: the service config retries it and watches
 * resume. An abort (the caller's signal, a deadline) is left as is for
 * Connect to map.
 */
export function unavailableOnNetworkError(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return async (input, init) => {
    const signal = init?.signal ?? undefined;
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (e) {
      throw networkError(e, signal);
    }
    const body = response.body;
    if (body === null) return response;
    const reader = body.getReader();
    const mapped = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const chunk = await reader.read();
          if (chunk.done) controller.close();
          else controller.enqueue(chunk.value);
        } catch (e) {
          controller.error(networkError(e, signal));
        }
      },
      cancel: (reason) => reader.cancel(reason),
    });
    const { status, statusText, headers } = response;
    return new Response(mapped, { status, statusText, headers });
  };
}

function networkError(reason: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted || reason instanceof ConnectError) return reason;
  if (reason instanceof Error && reason.name === "AbortError") return reason;
  const message = reason instanceof Error ? reason.message : String(reason);
  return new ConnectError(`network error: ${message}`, Code.Unavailable, undefined, undefined, reason);
}
