// The Gigwire client for Node.js: one HTTP/2 connection to `gigwired` (gRPC
// protocol via @connectrpc/connect-node), optionally TLS with a private CA.
// Everything else (typed services, credentials, login refresh, service-config
// deadlines and retries, GigwireError, resumable watches, file helpers) is the
// shared client of client-core.ts, the same one the browser entry (web.ts)
// uses; Node adds client-streaming uploads, file paths and node:crypto's
// SHA-256 to the file helpers (node-files.ts), and reports a lost connection
// as UNAVAILABLE, as gRPC does (node-errors.ts), so that it is retried.
import { Http2SessionManager, createGrpcTransport } from "@connectrpc/connect-node";
import { type BaseClientOptions, type GigwireClient, buildClient, normalizeBaseUrl } from "./client-core.js";
import { unavailableOnConnectionLoss } from "./node-errors.js";
import { NODE_FILE_PLATFORM } from "./node-files.js";

/** Options of createClient. */
export interface ClientOptions extends BaseClientOptions {
  /** Server address: "http://host:port", "https://host:port" or "host:port". */
  readonly baseUrl: string;
  /**
   * TLS: the certificate(s), PEM, of the authority that signed the server's
   * certificate (e.g. a private CA or a self-signed server certificate), used
   * instead of Node's default roots. Needs an "https://" baseUrl (a bare
   * "host:port" becomes https); "http://" with it throws.
   */
  readonly rootCertificatesPem?: string | Buffer;
}

/** Creates a client; no connection is opened before the first call. */
export function createClient(options: ClientOptions): GigwireClient {
  const ca = options.rootCertificatesPem;
  const baseUrl = normalizeBaseUrl(options.baseUrl, ca === undefined ? "http" : "https");
  if (ca !== undefined && !baseUrl.startsWith("https://")) {
    throw new Error(`rootCertificatesPem needs an https:// baseUrl, not ${baseUrl}`);
  }
  const sessionManager = new Http2SessionManager(baseUrl, undefined, ca === undefined ? undefined : { ca });
  return buildClient(options, {
    transport: (interceptors) =>
      createGrpcTransport({ baseUrl, sessionManager, interceptors: [...interceptors, unavailableOnConnectionLoss] }),
    close: () => sessionManager.abort(),
    files: NODE_FILE_PLATFORM,
  });
}
