// The web port; see web_server.h. MHD calls OnRequest for each request
// (once with the headers, then with body pieces, then once more at the end),
// OnCompleted when a request is done, and ReadStream for a streaming body.
#include "server/web/web_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>

#include <cstdarg>
#include <cstring>
#include <utility>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/api/status_conversion.h"
#include "server/common/json_log.h"
#include "server/common/status.h"
#include "server/web/grpc_web.h"
#include "server/web/origin_policy.h"
#include "server/web/request_metadata.h"
#include "server/web/static_files.h"
#include "server/web/web_call.h"

namespace gigwire::web {
namespace {

constexpr uint64_t kMaxStaticBytes = 64ull << 20;
constexpr size_t kStreamBlockBytes = 16 << 10;
constexpr absl::Duration kStopWait = absl::Seconds(5);
constexpr char kExposedHeaders[] =
    "grpc-status, grpc-message, grpc-status-details-bin, retry-after";

// One HTTP request, from its headers to OnCompleted.
struct Request {
  // What the request is. Files and preflights are answered once the whole
  // request is in (an answer queued earlier makes MHD close the connection);
  // refusals (403, 405, 413, 415) are answered at once, and that connection
  // closes.
  enum class Kind { kRpc, kFile, kPreflight };
  Kind kind = Kind::kRpc;
  bool responded = false;
  std::string path;
  std::string cors_origin;  // echoed in Access-Control-Allow-Origin; empty: none
  WireMode mode = WireMode::kBinary;
  bool streaming = false;
  bool too_large = false;
  std::string body;
  std::shared_ptr<WebCall> call;
};

// A streaming response's source; owned by the MHD response.
struct StreamSource {
  std::shared_ptr<WebCall> call;
  MHD_Connection* connection;
};

std::string Header(MHD_Connection* connection, const char* name) {
  const char* value = MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
  return value == nullptr ? "" : value;
}

std::string ClientAddress(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return "";
  char text[INET6_ADDRSTRLEN] = {0};
  const sockaddr* address = info->client_addr;
  if (address->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text,
              sizeof text);
  } else if (address->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text,
              sizeof text);
  }
  return text;
}

MHD_Result CollectHeader(void* list, MHD_ValueKind /*kind*/, const char* key,
                         const char* value) {
  static_cast<HeaderList*>(list)->emplace_back(key, value == nullptr ? "" : value);
  return MHD_YES;
}

HeaderList HeadersOf(MHD_Connection* connection) {
  HeaderList headers;
  MHD_get_connection_values(connection, MHD_HEADER_KIND, &CollectHeader, &headers);
  return headers;
}

// The socket address of "host:port" or "[v6 host]:port".
absl::StatusOr<sockaddr_storage> ResolveListenAddress(const std::string& address) {
  const size_t colon = address.rfind(':');
  std::string host = colon == std::string::npos ? "" : address.substr(0, colon);
  const std::string port = colon == std::string::npos ? "" : address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
  addrinfo* found = nullptr;
  if (port.empty() || getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints,
                                  &found) != 0 || found == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--web-listen ", address, ": expected host:port, e.g. 127.0.0.1:8080"));
  }
  sockaddr_storage storage{};
  std::memcpy(&storage, found->ai_addr, found->ai_addrlen);
  freeaddrinfo(found);
  return storage;
}

// "/package.Service/Method" with plain identifier characters.
bool IsRpcPath(absl::string_view path) {
  if (!absl::ConsumePrefix(&path, "/")) return false;
  const size_t slash = path.find('/');
  if (slash == absl::string_view::npos || slash == 0 || slash + 1 == path.size()) return false;
  for (char c : path) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' &&
        c != '/') {
      return false;
    }
  }
  return path.find('/', slash + 1) == absl::string_view::npos;
}

// Whether the method is server streaming (by the linked descriptors);
// unknown methods are treated as unary (the server answers UNIMPLEMENTED).
bool IsServerStreaming(absl::string_view path) {
  std::string dotted(path.substr(1));
  dotted[dotted.find('/')] = '.';
  const google::protobuf::MethodDescriptor* method =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted);
  return method != nullptr && method->server_streaming();
}

void AddHeaders(MHD_Response* response, const HeaderList& headers) {
  for (const auto& [key, value] : headers) {
    MHD_add_response_header(response, key.c_str(), value.c_str());
  }
}

class WebServerImpl final : public WebServer {
 public:
  WebServerImpl(const WebServerOptions& options, OriginPolicy origins,
                std::optional<StaticFiles> files, std::shared_ptr<grpc::Channel> channel)
      : options_(options),
        tls_(!options.tls_cert_pem.empty()),
        origins_(std::move(origins)),
        files_(std::move(files)),
        channel_(std::move(channel)),
        stub_(channel_) {}

  ~WebServerImpl() override {
    Stop();
    // The last call's `done` may still be leaving mu_ (cf. absl::Notification).
    absl::MutexLock lock(&mu_);
  }

  absl::Status Listen();
  const std::string& address() const override { return address_; }
  void StopForwarding() override;
  void Stop() override;

 private:
  static MHD_Result OnRequestThunk(void* self, MHD_Connection* connection, const char* url,
                                   const char* method, const char* version,
                                   const char* upload, size_t* upload_size, void** state);
  static void OnCompletedThunk(void* self, MHD_Connection* connection, void** state,
                               MHD_RequestTerminationCode code);
  static ssize_t ReadStream(void* source, uint64_t position, char* out, size_t max);
  static void FreeStream(void* source);
  static void LogLibraryError(void* self, const char* format, va_list args);

  MHD_Result OnRequest(MHD_Connection* connection, const char* url, const char* method,
                       const char* upload, size_t* upload_size, Request& request);
  MHD_Result Begin(MHD_Connection* connection, absl::string_view url, absl::string_view method,
                   Request& request);
  MHD_Result BeginRpc(MHD_Connection* connection, Request& request);
  void Accumulate(Request& request, const char* upload, size_t size);
  MHD_Result Dispatch(MHD_Connection* connection, Request& request);
  MHD_Result StartCall(MHD_Connection* connection, Request& request,
                       ForwardedRequest forwarded, std::string message);
  MHD_Result AnswerUnary(MHD_Connection* connection, Request& request);
  MHD_Result AnswerStream(MHD_Connection* connection, Request& request);
  MHD_Result ServeFile(MHD_Connection* connection, absl::string_view url, Request& request);
  MHD_Result Preflight(MHD_Connection* connection, Request& request);
  MHD_Result GrpcError(MHD_Connection* connection, Request& request, const absl::Status& status);
  MHD_Result Plain(MHD_Connection* connection, Request& request, unsigned http_status,
                   absl::string_view text);
  MHD_Result Queue(MHD_Connection* connection, Request& request, unsigned http_status,
                   MHD_Response* response);
  void Completed(Request* request);
  // A forwarded call's gRPC side is done (WebCall's `done`).
  void CallDone();

  const WebServerOptions options_;
  const bool tls_;
  const OriginPolicy origins_;
  const std::optional<StaticFiles> files_;
  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  MHD_Daemon* daemon_ = nullptr;
  std::string address_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Forwarded calls whose HTTP request has not completed (OnCompleted).
  absl::flat_hash_set<std::shared_ptr<WebCall>> calls_ ABSL_GUARDED_BY(mu_);
  // Calls being started on the channel (WebCall::Start not yet returned).
  int starting_ ABSL_GUARDED_BY(mu_) = 0;
  // Forwarded calls whose gRPC side is not done: until then it may resume
  // their connections, so MHD must not stop.
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

MHD_Result WebServerImpl::OnRequestThunk(void* self, MHD_Connection* connection,
                                         const char* url, const char* method,
                                         const char* /*version*/, const char* upload,
                                         size_t* upload_size, void** state) {
  auto* request = static_cast<Request*>(*state);
  if (request == nullptr) {
    request = new Request();
    *state = request;
    return static_cast<WebServerImpl*>(self)->Begin(connection, url, method, *request);
  }
  return static_cast<WebServerImpl*>(self)->OnRequest(connection, url, method, upload,
                                                      upload_size, *request);
}

void WebServerImpl::OnCompletedThunk(void* self, MHD_Connection* /*connection*/, void** state,
                                     MHD_RequestTerminationCode /*code*/) {
  auto* request = static_cast<Request*>(*state);
  if (request == nullptr) return;
  static_cast<WebServerImpl*>(self)->Completed(request);
  *state = nullptr;
}

void WebServerImpl::Completed(Request* request) {
  if (request->call != nullptr) {
    request->call->Abandon();
    absl::MutexLock lock(&mu_);
    calls_.erase(request->call);
  }
  delete request;
}

MHD_Result WebServerImpl::OnRequest(MHD_Connection* connection, const char* /*url*/,
                                    const char* /*method*/, const char* upload,
                                    size_t* upload_size, Request& request) {
  if (request.responded) {  // an early answer; whatever body follows is dropped
    *upload_size = 0;
    return MHD_YES;
  }
  if (request.call != nullptr) return AnswerUnary(connection, request);  // resumed
  if (*upload_size > 0) {
    Accumulate(request, upload, *upload_size);
    *upload_size = 0;
    return MHD_YES;
  }
  return Dispatch(connection, request);
}

MHD_Result WebServerImpl::Begin(MHD_Connection* connection, absl::string_view url,
                                absl::string_view method, Request& request) {
  const std::string origin = Header(connection, MHD_HTTP_HEADER_ORIGIN);
  if (!origin.empty()) {
    if (!origins_.Allows(origin, Header(connection, MHD_HTTP_HEADER_HOST), tls_)) {
      return Plain(connection, request, MHD_HTTP_FORBIDDEN,
                   absl::StrCat("origin ", origin, " is not allowed (see --web-origin)\n"));
    }
    request.cors_origin = origin;
  }
  request.path = std::string(url);
  if (method == "OPTIONS") {
    request.kind = Request::Kind::kPreflight;
    return MHD_YES;
  }
  if (method == "GET" || method == "HEAD") {
    request.kind = Request::Kind::kFile;
    return MHD_YES;
  }
  if (method == "POST") return BeginRpc(connection, request);
  return Plain(connection, request, MHD_HTTP_METHOD_NOT_ALLOWED,
               "use POST for gRPC-Web calls and GET for the console\n");
}

MHD_Result WebServerImpl::BeginRpc(MHD_Connection* connection, Request& request) {
  std::optional<WireMode> mode = ParseContentType(Header(connection, "Content-Type"));
  if (!mode) {
    return Plain(connection, request, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE,
                 "expected Content-Type application/grpc-web+proto or "
                 "application/grpc-web-text+proto\n");
  }
  uint64_t declared = 0;
  if (absl::SimpleAtoi(Header(connection, "Content-Length"), &declared) &&
      declared > options_.max_request_bytes) {
    return Plain(connection, request, MHD_HTTP_CONTENT_TOO_LARGE,
                 absl::StrCat("request body over ", options_.max_request_bytes, " bytes\n"));
  }
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) {
      return Plain(connection, request, MHD_HTTP_SERVICE_UNAVAILABLE, "shutting down\n");
    }
  }
  request.mode = *mode;
  return MHD_YES;
}

void WebServerImpl::Accumulate(Request& request, const char* upload, size_t size) {
  if (request.too_large || request.kind != Request::Kind::kRpc) {
    request.too_large = true;  // bodies belong to RPCs only
    return;
  }
  if (request.body.size() + size > options_.max_request_bytes) {
    request.too_large = true;
    request.body.clear();
    return;
  }
  request.body.append(upload, size);
}

MHD_Result WebServerImpl::Dispatch(MHD_Connection* connection, Request& request) {
  if (request.kind != Request::Kind::kRpc && request.too_large) {
    return Plain(connection, request, MHD_HTTP_BAD_REQUEST, "unexpected request body\n");
  }
  if (request.kind == Request::Kind::kFile) return ServeFile(connection, request.path, request);
  if (request.kind == Request::Kind::kPreflight) return Preflight(connection, request);
  if (request.too_large) {
    return Plain(connection, request, MHD_HTTP_CONTENT_TOO_LARGE,
                 absl::StrCat("request body over ", options_.max_request_bytes, " bytes\n"));
  }
  if (!IsRpcPath(request.path)) {
    return GrpcError(connection, request,
                     absl::UnimplementedError(absl::StrCat("no such method: ", request.path)));
  }
  absl::StatusOr<std::string> frames =
      request.mode == WireMode::kText ? DecodeTextBody(request.body) : std::move(request.body);
  std::string().swap(request.body);  // not kept for the life of the call
  if (!frames.ok()) return GrpcError(connection, request, frames.status());
  absl::StatusOr<std::string> message =
      ParseRequestMessage(*frames, options_.max_message_bytes);
  if (!message.ok()) return GrpcError(connection, request, message.status());
  absl::StatusOr<ForwardedRequest> forwarded =
      ForwardedRequestOf(HeadersOf(connection), ClientAddress(connection), absl::Now());
  if (!forwarded.ok()) return GrpcError(connection, request, forwarded.status());
  return StartCall(connection, request, *std::move(forwarded), *std::move(message));
}

MHD_Result WebServerImpl::StartCall(MHD_Connection* connection, Request& request,
                                    ForwardedRequest forwarded, std::string message) {
  request.streaming = IsServerStreaming(request.path);
  WebCallOptions call_options;
  call_options.mode = request.mode;
  call_options.streaming = request.streaming;
  bool refused = false;
  {
    absl::MutexLock lock(&mu_);
    // Checked with the counts and the insert, so that StopForwarding waits for
    // every start it lets in and Stop cancels (and waits for) every call.
    refused = stopping_;
    if (!refused) {
      request.call = std::make_shared<WebCall>(
          call_options, [connection] { MHD_resume_connection(connection); },
          [this] { CallDone(); });
      calls_.insert(request.call);
      ++starting_;
      ++running_;
    }
  }
  if (refused) {
    return GrpcError(connection, request,
                     ShuttingDown("the server is shutting down; retry (with the same request_id)"));
  }
  WebCall::Start(request.call, stub_, request.path, forwarded.metadata, forwarded.deadline,
                 std::move(message));
  {
    absl::MutexLock lock(&mu_);
    --starting_;
  }
  return request.streaming ? AnswerStream(connection, request) : AnswerUnary(connection, request);
}

void WebServerImpl::CallDone() {
  absl::MutexLock lock(&mu_);
  --running_;
}

MHD_Result WebServerImpl::AnswerUnary(MHD_Connection* connection, Request& request) {
  std::optional<WebCall::Outcome> outcome =
      request.call->WaitForFinish([connection] { MHD_suspend_connection(connection); });
  if (!outcome) return MHD_YES;  // suspended until the call finishes
  MHD_Response* response = MHD_create_response_from_buffer(
      outcome->body.size(), outcome->body.data(), MHD_RESPMEM_MUST_COPY);
  if (outcome->trailers_only) AddHeaders(response, outcome->headers);
  MHD_add_response_header(response, "Content-Type",
                          std::string(ResponseContentType(request.mode)).c_str());
  return Queue(connection, request, MHD_HTTP_OK, response);
}

MHD_Result WebServerImpl::AnswerStream(MHD_Connection* connection, Request& request) {
  auto* source = new StreamSource{request.call, connection};
  MHD_Response* response = MHD_create_response_from_callback(
      MHD_SIZE_UNKNOWN, kStreamBlockBytes, &ReadStream, source, &FreeStream);
  MHD_add_response_header(response, "Content-Type",
                          std::string(ResponseContentType(request.mode)).c_str());
  MHD_add_response_header(response, "Cache-Control", "no-store");
  MHD_add_response_header(response, "X-Accel-Buffering", "no");
  return Queue(connection, request, MHD_HTTP_OK, response);
}

ssize_t WebServerImpl::ReadStream(void* source_pointer, uint64_t /*position*/, char* out,
                                  size_t max) {
  auto* source = static_cast<StreamSource*>(source_pointer);
  MHD_Connection* connection = source->connection;
  bool ended = false;
  const size_t taken = source->call->TakeOutput(
      out, max, &ended, [connection] { MHD_suspend_connection(connection); });
  if (taken > 0) return static_cast<ssize_t>(taken);
  return ended ? MHD_CONTENT_READER_END_OF_STREAM : 0;
}

void WebServerImpl::FreeStream(void* source) { delete static_cast<StreamSource*>(source); }

MHD_Result WebServerImpl::ServeFile(MHD_Connection* connection, absl::string_view url,
                                    Request& request) {
  const StaticFile* file = files_ ? files_->Find(url) : nullptr;
  if (file == nullptr) {
    return Plain(connection, request, MHD_HTTP_NOT_FOUND,
                 files_ ? "not found\n"
                        : "no web console here: start gigwired with --web-root DIR\n");
  }
  const bool unchanged = Header(connection, "If-None-Match") == file->etag;
  MHD_Response* response =
      unchanged ? MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT)
                : MHD_create_response_from_buffer(file->body.size(),
                                                  const_cast<char*>(file->body.data()),
                                                  MHD_RESPMEM_PERSISTENT);
  MHD_add_response_header(response, "Content-Type", file->content_type.c_str());
  MHD_add_response_header(response, "ETag", file->etag.c_str());
  MHD_add_response_header(response, "Cache-Control", "no-cache");
  MHD_add_response_header(response, "X-Frame-Options", "DENY");
  MHD_add_response_header(response, "Referrer-Policy", "no-referrer");
  MHD_add_response_header(
      response, "Content-Security-Policy",
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
      "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
  return Queue(connection, request, unchanged ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, response);
}

MHD_Result WebServerImpl::Preflight(MHD_Connection* connection, Request& request) {
  if (request.cors_origin.empty()) {
    return Plain(connection, request, MHD_HTTP_BAD_REQUEST, "a preflight needs an Origin\n");
  }
  const std::string asked = Header(connection, "Access-Control-Request-Headers");
  if (!IsHeaderNameList(asked)) {
    return Plain(connection, request, MHD_HTTP_BAD_REQUEST, "bad Access-Control-Request-Headers\n");
  }
  MHD_Response* response = MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT);
  MHD_add_response_header(response, "Access-Control-Allow-Methods", "POST, GET, OPTIONS");
  if (!asked.empty()) MHD_add_response_header(response, "Access-Control-Allow-Headers", asked.c_str());
  MHD_add_response_header(response, "Access-Control-Max-Age", "600");
  return Queue(connection, request, MHD_HTTP_NO_CONTENT, response);
}

MHD_Result WebServerImpl::GrpcError(MHD_Connection* connection, Request& request,
                                    const absl::Status& status) {
  MHD_Response* response = MHD_create_response_from_buffer(0, nullptr, MHD_RESPMEM_PERSISTENT);
  AddHeaders(response, TrailersOf(ToGrpcStatus(status), {}));
  MHD_add_response_header(response, "Content-Type",
                          std::string(ResponseContentType(request.mode)).c_str());
  JsonLog("web request refused", "warn")
      .Str("path", request.path)
      .Str("peer", ClientAddress(connection))
      .Str("error", status.message())
      .Emit();
  return Queue(connection, request, MHD_HTTP_OK, response);
}

MHD_Result WebServerImpl::Plain(MHD_Connection* connection, Request& request,
                                unsigned http_status, absl::string_view text) {
  MHD_Response* response = MHD_create_response_from_buffer(
      text.size(), const_cast<char*>(text.data()), MHD_RESPMEM_MUST_COPY);
  MHD_add_response_header(response, "Content-Type", "text/plain; charset=utf-8");
  if (http_status == MHD_HTTP_METHOD_NOT_ALLOWED) {
    MHD_add_response_header(response, "Allow", "GET, HEAD, POST, OPTIONS");
  }
  return Queue(connection, request, http_status, response);
}

MHD_Result WebServerImpl::Queue(MHD_Connection* connection, Request& request,
                                unsigned http_status, MHD_Response* response) {
  MHD_add_response_header(response, "X-Content-Type-Options", "nosniff");
  // Answers depend on the Origin (CORS), so caches must keep them apart.
  MHD_add_response_header(response, "Vary", request.kind == Request::Kind::kPreflight
                                                ? "Origin, Access-Control-Request-Headers"
                                                : "Origin");
  if (!request.cors_origin.empty()) {
    MHD_add_response_header(response, "Access-Control-Allow-Origin", request.cors_origin.c_str());
    MHD_add_response_header(response, "Access-Control-Expose-Headers", kExposedHeaders);
  }
  request.responded = true;
  MHD_Result queued = MHD_queue_response(connection, http_status, response);
  MHD_destroy_response(response);
  return queued;
}

void WebServerImpl::LogLibraryError(void* /*self*/, const char* format, va_list args) {
  char text[512];
  vsnprintf(text, sizeof text, format, args);
  JsonLog("web server", "warn").Str("error", absl::StripAsciiWhitespace(text)).Emit();
}

absl::Status WebServerImpl::Listen() {
  GW_ASSIGN_OR_RETURN(sockaddr_storage address, ResolveListenAddress(options_.listen_address));
  unsigned flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
  if (address.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
  std::vector<MHD_OptionItem> items = {
      {MHD_OPTION_EXTERNAL_LOGGER, reinterpret_cast<intptr_t>(&LogLibraryError), this},
      {MHD_OPTION_SOCK_ADDR, 0, &address},
      {MHD_OPTION_CONNECTION_LIMIT, static_cast<intptr_t>(options_.max_connections), nullptr},
      {MHD_OPTION_CONNECTION_TIMEOUT, static_cast<intptr_t>(options_.idle_timeout_seconds),
       nullptr},
      {MHD_OPTION_THREAD_POOL_SIZE, static_cast<intptr_t>(options_.threads), nullptr},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 64 << 10, nullptr},
      {MHD_OPTION_PER_IP_CONNECTION_LIMIT,
       static_cast<intptr_t>(options_.max_connections_per_address), nullptr},
      {MHD_OPTION_NOTIFY_COMPLETED, reinterpret_cast<intptr_t>(&OnCompletedThunk), this},
  };
  if (tls_) {
    if (MHD_is_feature_supported(MHD_FEATURE_TLS) != MHD_YES) {
      return absl::FailedPreconditionError("this libmicrohttpd was built without TLS");
    }
    flags |= MHD_USE_TLS;
    items.push_back({MHD_OPTION_HTTPS_MEM_KEY, 0, const_cast<char*>(options_.tls_key_pem.c_str())});
    items.push_back({MHD_OPTION_HTTPS_MEM_CERT, 0, const_cast<char*>(options_.tls_cert_pem.c_str())});
  }
  items.push_back({MHD_OPTION_END, 0, nullptr});
  daemon_ = MHD_start_daemon(flags, 0, nullptr, nullptr, &OnRequestThunk, this,
                             MHD_OPTION_ARRAY, items.data(), MHD_OPTION_END);
  if (daemon_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot serve the web port on ", options_.listen_address));
  }
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon_, MHD_DAEMON_INFO_BIND_PORT);
  const std::string host = options_.listen_address.substr(0, options_.listen_address.rfind(':'));
  address_ = absl::StrCat(host, ":", info == nullptr ? 0 : info->port);
  return absl::OkStatus();
}

void WebServerImpl::StopForwarding() {
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  auto started = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return starting_ == 0; };
  mu_.Await(absl::Condition(&started));
}

void WebServerImpl::Stop() {
  if (daemon_ == nullptr) return;
  StopForwarding();
  std::vector<std::shared_ptr<WebCall>> calls;
  {
    absl::MutexLock lock(&mu_);
    calls.assign(calls_.begin(), calls_.end());
  }
  // Calls whose request completed were cancelled then (Abandon); the others
  // end CANCELLED here, unless they have ended already.
  for (const std::shared_ptr<WebCall>& call : calls) call->Cancel();
  calls.clear();
  const absl::Time deadline = absl::Now() + kStopWait;
  {
    absl::MutexLock lock(&mu_);
    // Every call's gRPC side done: none resumes a connection (or touches MHD)
    // again, and no connection is left suspended, as a call's last wake comes
    // before its `done`. Not bounded: a cancelled call always ends.
    auto reactors_done = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return running_ == 0; };
    while (!mu_.AwaitWithTimeout(absl::Condition(&reactors_done), kStopWait)) {
      JsonLog("web port: waiting for forwarded calls to end", "warn").Int("calls", running_).Emit();
    }
    // Until the deadline, let the connections write the endings out; MHD
    // closes those still writing.
    auto written = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return calls_.empty(); };
    if (!mu_.AwaitWithDeadline(absl::Condition(&written), deadline)) {
      JsonLog("web port: closing connections still writing at stop", "warn")
          .Int("calls", static_cast<long long>(calls_.size()))
          .Emit();
    }
  }
  MHD_stop_daemon(daemon_);  // its threads call OnCompleted for what it closes
  daemon_ = nullptr;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WebServer>> WebServer::Start(const WebServerOptions& options,
                                                         std::shared_ptr<grpc::Channel> channel) {
  GW_ASSIGN_OR_RETURN(OriginPolicy origins, OriginPolicy::Create(options.allowed_origins));
  std::optional<StaticFiles> files;
  if (!options.static_root.empty()) {
    GW_ASSIGN_OR_RETURN(files, StaticFiles::Load(options.static_root, kMaxStaticBytes));
  }
  auto server = std::make_unique<WebServerImpl>(options, std::move(origins), std::move(files),
                                                std::move(channel));
  GW_RETURN_IF_ERROR(server->Listen());
  return server;
}

}  // namespace gigwire::web
