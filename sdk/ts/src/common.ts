// What both entry points of @gigwire/sdk export, Node (index.ts) and browser
// (web.ts): the shared client's types, typed errors, credentials, login
// session, service config, resumable watches, file helpers' types, and the
// generated message types, enums and service descriptors of gigwire.v1
// (protobuf-es). Imports nothing from Node. Each entry adds its own createClient.
export {
  type BaseClientOptions,
  type CallSettings,
  type GigwireClient,
  type GigwireServices,
  type GigwireSessionClient,
  SERVICES,
  createServiceClient,
  normalizeBaseUrl,
} from "./client-core.js";
export {
  type Credentials,
  type TokenProvider,
  credentialsInterceptor,
} from "./credentials.js";
export {
  type FieldViolation,
  type GigwireCode,
  GigwireError,
  REASON_UNSPECIFIED,
  isGigwireError,
  toGigwireError,
} from "./errors.js";
export { SDK_HEADER_VALUE, SDK_VERSION } from "./version.js";
export {
  type ByteSink,
  type ByteSource,
  type DownloadOptions,
  type DownloadTarget,
  DownloadIntegrityError,
  type FilePlatform,
  type ProgressCallback,
  type TransferRetryOptions,
  UPLOAD_CHUNK_BYTES,
  type UploadOptions,
  type UploadSource,
  byteSourceOf,
} from "./files.js";
export { CONVERSATION_EVENT_TYPES, type MessagesOptions, conversationIdOf } from "./conversations.js";
export { PortableSha256, type Sha256, type Sha256Factory } from "./sha256.js";
export { LoginSession, REFRESH_MARGIN_MS } from "./session.js";
export {
  type MethodConfig,
  type MethodPolicy,
  type RetryPolicy,
  type ServiceConfig,
  callWithPolicy,
  methodPolicy,
  parseDurationMs,
  withRequestId,
} from "./service-config.js";
export { SERVICE_CONFIG } from "./gen/service_config.js";
export {
  CursorExpiredError,
  DEFAULT_INITIAL_BACKOFF_MS,
  DEFAULT_MAX_BACKOFF_MS,
  type OpenStream,
  Watch,
  type WatchOffersOptions,
  type WatchOptions,
  type WatchResponse,
  type WatchSettings,
  isAfter,
  isCursorExpired,
  isRetryable,
} from "./watch.js";

// Generated code: every module of the protos (src/gen/all.ts, written by
// scripts/gen.mjs). The hand-written FieldViolation above (a plain object)
// shadows the generated message type of the same name.
export * from "./gen/all.js";
