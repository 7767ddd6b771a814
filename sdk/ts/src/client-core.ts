// The Gigwire client, independent of where it runs: typed clients for every
// service, credentials, a default deadline, and calls that throw GigwireError
// instead of ConnectError; plus resumable watches (watchEvents, watchOffers,
// watchConversation; see watch.ts), file uploads and downloads that resume
// (uploadFile, downloadFile; see files.ts) and login() with a self-refreshing
// LoginSession. Unary calls
// follow the service config shared by every SDK (deadline and retries per
// method; see service-config.ts), and mutations get a request_id when the
// caller gives none.
//
// This module imports nothing from Node (no node:*, no Buffer): the Node entry
// (client.ts, gRPC over HTTP/2) and the browser entry (web.ts, gRPC-Web over
// fetch) each hand it a Connection that makes their Connect transport.
//
// The services (SERVICES) are generated from the protos by scripts/gen.mjs: a
// service or RPC added to a proto appears here, typed, after a build.
import type { DescMethod, DescService } from "@bufbuild/protobuf";
import {
  type CallOptions,
  type Client,
  type Interceptor,
  type Transport,
  createClient as createConnectClient,
} from "@connectrpc/connect";
import { CONVERSATION_EVENT_TYPES, type MessagesOptions, conversationIdOf, listAllMessages } from "./conversations.js";
import { type Credentials, credentialsInterceptor } from "./credentials.js";
import { toGigwireError } from "./errors.js";
import {
  type DownloadOptions,
  type DownloadTarget,
  type FilePlatform,
  type UploadOptions,
  type UploadSource,
  downloadFile,
  uploadFile,
} from "./files.js";
import type { TokenPair } from "./gen/gigwire/v1/auth_pb.js";
import type { Message } from "./gen/gigwire/v1/conversation_pb.js";
import type { Event } from "./gen/gigwire/v1/event_pb.js";
import type { FileInfo } from "./gen/gigwire/v1/file_pb.js";
import type { OfferEvent } from "./gen/gigwire/v1/offer_pb.js";
import { SERVICE_CONFIG } from "./gen/service_config.js";
import { SERVICES } from "./gen/services.js";
import { callWithPolicy, methodPolicy, withRequestId } from "./service-config.js";
import { LoginSession } from "./session.js";
import { Watch, type WatchOffersOptions, type WatchOptions } from "./watch.js";

/** Every gigwire.v1 service by GigwireClient property: generated from the protos (scripts/gen.mjs). */
export { SERVICES };

/** Options of createClient common to every environment. */
export interface BaseClientOptions extends Credentials {
  /**
   * Deadline of every unary call in ms, retries included; if unset, the
   * service config's per-method deadline (10 s).
   */
  readonly timeoutMs?: number;
  /** Extra interceptors, run after the SDK's own. */
  readonly interceptors?: readonly Interceptor[];
}

/** A typed client per service, e.g. `client.users.getMe({})`. */
export type GigwireServices = {
  readonly [K in keyof typeof SERVICES]: Client<(typeof SERVICES)[K]>;
};

/** What createClient returns. */
export interface GigwireClient extends GigwireServices {
  /** The underlying Connect transport, for services not in SERVICES. */
  readonly transport: Transport;
  /**
   * Every event the caller may see (EventService.WatchEvents), resuming across
   * disconnects; iterate with `for await`. See Watch for the rules.
   */
  watchEvents(options?: WatchOptions): Watch<Event>;
  /**
   * Offer changes (OfferService.WatchOffers: a seller's own offers; for an
   * admin any offer, or one job's with `jobId`), resuming across disconnects.
   */
  watchOffers(options?: WatchOffersOptions): Watch<OfferEvent>;
  /**
   * One conversation's events (MESSAGE_SENT, MESSAGES_READ read receipts,
   * MESSAGE_HIDDEN, CONVERSATION_JOINED), each exactly once and in order,
   * resuming across disconnects as watchEvents does (`types` is ignored;
   * other events only move the cursor). ListMessages carries no event
   * cursor: start from a cursor you hold, or start the watch, then list the
   * messages and merge by `Message.seq`.
   */
  watchConversation(conversationId: string, options?: WatchOptions): Watch<Event>;
  /**
   * Every message of a conversation, oldest first, across ListMessages pages.
   * With `afterMessageId`, the messages after that one, page by page as the
   * iteration goes (to catch up); without, the whole conversation (it pages
   * back to the first message, holding those pages, then forward to the
   * newest). Throws GigwireError (NOT_FOUND for a conversation the caller
   * cannot see).
   */
  iterateMessages(conversationId: string, options?: MessagesOptions): AsyncGenerator<Message>;
  /**
   * Uploads a file and returns it, unattached (FileService). The SHA-256 is
   * computed first; then chunks of at most 1 MiB go over UploadFile (Node) or
   * UploadChunk calls (browsers; see UploadOptions.method), with a
   * request_id. A broken upload (UNAVAILABLE...) resumes where GetUpload (or
   * an UPLOAD_OFFSET_MISMATCH's `received_bytes`) says the server stands, from
   * the start when the server no longer holds it, within the retry bounds of
   * TransferRetryOptions. Throws GigwireError: INVALID_ARGUMENT with
   * FILE_TOO_LARGE, FILE_TYPE_NOT_ALLOWED, CHECKSUM_MISMATCH (the source
   * changed meanwhile) or UPLOAD_SIZE_MISMATCH; RESOURCE_EXHAUSTED with
   * STORAGE_QUOTA_EXCEEDED; the last error after too many failures in a row.
   * A string source is a file path (Node only).
   */
  uploadFile(source: UploadSource, options?: UploadOptions): Promise<FileInfo>;
  /**
   * Downloads a file (FileService.DownloadFile) into `target` and returns its
   * metadata. A broken stream resumes from the bytes written; at the end the
   * size and SHA-256 of what was written are checked against the file's
   * (DownloadIntegrityError: DATA_LOSS, CHECKSUM_MISMATCH). Throws
   * GigwireError NOT_FOUND for a file the caller may not see. A string
   * target is a file path (Node only), renamed into place once checked.
   */
  downloadFile(fileId: string, target: DownloadTarget, options?: DownloadOptions): Promise<FileInfo>;
  /** downloadFile into memory: the file's metadata and its bytes. */
  downloadFileBytes(fileId: string, options?: DownloadOptions): Promise<{ info: FileInfo; bytes: Uint8Array }>;
  /** A client with other credentials sharing this client's connection. */
  withCredentials(credentials: Credentials): GigwireClient;
  /**
   * Logs in (AuthService.Login) and returns a client, sharing this one's
   * connection, that calls as that user and refreshes its access token
   * before it expires (see LoginSession). Throws GigwireError
   * UNAUTHENTICATED (INVALID_CREDENTIALS) for a wrong email or password.
   */
  login(email: string, password: string): Promise<GigwireSessionClient>;
  /**
   * A logged-in client from a token pair kept earlier (`session.tokens` of a
   * login, e.g. saved in sessionStorage across a page reload), sharing this
   * client's connection and refreshing like login()'s: before expiry, and
   * once when a call is refused UNAUTHENTICATED / TOKEN_EXPIRED. No call is
   * made now; if the pair is no longer valid the first call throws
   * GigwireError UNAUTHENTICATED: log in again then.
   */
  resumeLogin(tokens: TokenPair): GigwireSessionClient;
  /**
   * Node: closes the HTTP/2 connection; later calls open a new one.
   * Browser: ends the watches open on this connection (their iteration
   * finishes as if their signal had fired); later calls work as before.
   */
  close(): void;
}

/** A client logged in with GigwireClient.login. */
export interface GigwireSessionClient extends GigwireClient {
  readonly session: LoginSession;
}

/**
 * What an environment gives the client: its transport (one connection shared
 * by every client made from it: withCredentials, login) and how to close it.
 */
export interface Connection {
  /** A transport over the shared connection that runs `interceptors`. */
  transport(interceptors: Interceptor[]): Transport;
  /** GigwireClient.close(). */
  close(): void;
  /**
   * When given, the signal (at the time a watch starts) that ends the watch:
   * close() aborts it. Node leaves it out (a closed connection reopens and
   * watches resume).
   */
  watchSignal?(): AbortSignal;
  /**
   * What the file helpers may use here: client streaming, paths, a faster
   * SHA-256. Default: unary UploadChunk calls, no paths, the portable SHA-256.
   */
  readonly files?: FilePlatform;
}

/** How the calls of a service client behave beyond the service config. */
export interface CallSettings {
  /** Deadline of every unary call in ms (unset: the service config's). */
  readonly timeoutMs?: number;
  /**
   * Refreshes the login; a unary call refused UNAUTHENTICATED / TOKEN_EXPIRED
   * calls it once and is retried (GigwireClient.login sets it).
   */
  readonly refreshLogin?: () => Promise<unknown>;
}

/**
 * A typed client for one service whose calls throw GigwireError and follow
 * the service config. Use it for services not (yet) in SERVICES, with
 * `client.transport`.
 */
export function createServiceClient<S extends DescService>(
  service: S,
  transport: Transport,
  settings: CallSettings = {},
): Client<S> {
  const raw = createConnectClient(service, transport) as Record<string, AnyFn>;
  const wrapped: Record<string, AnyFn> = {};
  for (const method of service.methods) {
    wrapped[method.localName] = wrapMethod(method, raw[method.localName]!, settings);
  }
  return wrapped as Client<S>;
}

type AnyFn = (...args: unknown[]) => unknown;

/** The client over `connection`; `refreshLogin` is set for a logged-in client. */
export function buildClient(
  options: BaseClientOptions,
  connection: Connection,
  refreshLogin?: () => Promise<unknown>,
): GigwireClient {
  const transport = connection.transport([credentialsInterceptor(options), ...(options.interceptors ?? [])]);
  const services = createServiceClients(transport, { timeoutMs: options.timeoutMs, refreshLogin });
  const settings = { tokenRefreshable: typeof options.token === "function" };
  const platform: FilePlatform = { clientStreaming: false, ...connection.files, refreshLogin };
  const watchOptions = <W extends WatchOptions>(watch: W): W => {
    const closed = connection.watchSignal?.();
    if (closed === undefined) return watch;
    return { ...watch, signal: watch.signal === undefined ? closed : anySignal([watch.signal, closed]) };
  };
  const sessionClient = (tokens: TokenPair): GigwireSessionClient => {
    const session = new LoginSession(services.auth, tokens);
    const client = buildClient({ ...options, token: session.token, apiKey: undefined }, connection, () =>
      session.refresh(),
    );
    return { ...client, session };
  };
  return {
    ...services,
    transport,
    watchEvents: (watch = {}) =>
      new Watch<Event>(
        (resumeCursor, signal) =>
          services.events.watchEvents({ resumeCursor, types: [...(watch.types ?? [])] }, { signal }),
        watchOptions(watch),
        settings,
      ),
    watchOffers: (watch = {}) =>
      new Watch<OfferEvent>(
        (resumeCursor, signal) =>
          services.offers.watchOffers(
            { resumeCursor, jobId: watch.jobId ?? "", types: [...(watch.types ?? [])] },
            { signal },
          ),
        watchOptions(watch),
        settings,
      ),
    watchConversation: (conversationId, watch = {}) =>
      new Watch<Event>(
        (resumeCursor, signal) =>
          services.events.watchEvents({ resumeCursor, types: [...CONVERSATION_EVENT_TYPES] }, { signal }),
        watchOptions(watch),
        { ...settings, filter: (event) => conversationIdOf(event) === conversationId },
      ),
    iterateMessages: (conversationId, messages) => listAllMessages(services.conversations, conversationId, messages),
    uploadFile: (source, upload) => uploadFile(services.files, platform, source, upload),
    downloadFile: (fileId, target, download) => downloadFile(services.files, platform, fileId, target, download),
    downloadFileBytes: async (fileId, download) => {
      const chunks: Uint8Array[] = [];
      const info = await downloadFile(services.files, platform, fileId, (chunk) => void chunks.push(chunk), download);
      return { info, bytes: concatenate(chunks) };
    },
    withCredentials: ({ token, apiKey }) => buildClient({ ...options, token, apiKey }, connection),
    login: async (email, password) => sessionClient(await services.auth.login({ email, password })),
    resumeLogin: (tokens) => sessionClient(tokens),
    close: () => connection.close(),
  };
}

/** The bytes of `chunks`, in order, in one array. */
function concatenate(chunks: readonly Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return bytes;
}

/** A signal aborted when any of `signals` is (AbortSignal.any where the runtime has it). */
function anySignal(signals: AbortSignal[]): AbortSignal {
  const any = (AbortSignal as { any?: (signals: AbortSignal[]) => AbortSignal }).any;
  if (any !== undefined) return any.call(AbortSignal, signals);
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) controller.abort(signal.reason);
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}

function createServiceClients(transport: Transport, settings: CallSettings): GigwireServices {
  const entries = Object.entries(SERVICES).map(([name, service]) => [
    name,
    createServiceClient(service, transport, settings),
  ]);
  return Object.fromEntries(entries) as GigwireServices;
}

/**
 * Wraps a Connect client method: failures become GigwireErrors; unary calls
 * follow the method's service config policy and get a request_id.
 */
function wrapMethod(method: DescMethod, call: AnyFn, settings: CallSettings): AnyFn {
  switch (method.methodKind) {
    case "client_streaming":
      return async (...args) => {
        try {
          return await call(...args);
        } catch (e) {
          throw toGigwireError(e);
        }
      };
    case "unary":
      return wrapUnary(method, call, settings);
    case "server_streaming":
    case "bidi_streaming":
      // Streams stay open: no default deadline unless the call sets timeoutMs.
      return (input, options) => {
        const callOptions = { ...(options as CallOptions | undefined) };
        callOptions.timeoutMs ??= 0;
        return rethrowingStream(call(input, callOptions) as AsyncIterable<unknown>);
      };
  }
}

/**
 * A unary method under its service config policy, with a request_id filled
 * in; TOKEN_EXPIRED refreshes the login once (when there is one) and retries.
 */
function wrapUnary(method: DescMethod, call: AnyFn, settings: CallSettings): AnyFn {
  const policy = methodPolicy(SERVICE_CONFIG, method.parent.typeName, method.name);
  const fillRequestId = method.input.fields.some((f) => f.localName === "requestId");
  return async (input, options) => {
    const request = fillRequestId ? withRequestId((input ?? {}) as object) : input;
    const callOptions = options as CallOptions | undefined;
    const attempt = () =>
      callWithPolicy(
        (left) => call(request, { ...callOptions, timeoutMs: left }) as Promise<unknown>,
        policy,
        callOptions?.timeoutMs ?? settings.timeoutMs ?? policy.timeoutMs,
        undefined,
        callOptions?.signal,
      );
    try {
      return await attempt();
    } catch (e) {
      const error = toGigwireError(e);
      if (settings.refreshLogin === undefined || error.reason !== "TOKEN_EXPIRED") throw error;
    }
    await settings.refreshLogin();
    try {
      return await attempt();
    } catch (e) {
      throw toGigwireError(e);
    }
  };
}

async function* rethrowingStream<T>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (e) {
    throw toGigwireError(e);
  }
}

/** Adds "http://" (or `scheme`) to a bare "host:port" (the form gigwired's ready file uses). */
export function normalizeBaseUrl(baseUrl: string, scheme: "http" | "https" = "http"): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(baseUrl) ? baseUrl : `${scheme}://${baseUrl}`;
}
