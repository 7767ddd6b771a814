// gigwire::Client: the C++ SDK for the Gigwire marketplace API.
//
// A thin layer over the generated gRPC stubs (gigwire/v1/*.grpc.pb.h) that
// adds credentials (bearer access token with refresh, or partner API key),
// a default deadline, SDK identification metadata, and errors as
// absl::Status carrying the server's machine-readable details (see
// ApiErrorOf). Every call returns absl::StatusOr<Response>: the named methods
// below, or Call() for any unary RPC of the API (every service's stub comes
// with this header through the generated "gigwire/v1/all.grpc.h"). Deadlines and retries follow
// the service config shared by every Gigwire SDK (sdk/service_config.json):
// gRPC retries UNAVAILABLE with backoff for reads and for mutations carrying
// a request_id, which the client fills in when empty. WatchEvents and
// WatchOffers follow the server's event streams, reconnecting and resuming
// from the last cursor until told to stop (see "Real time" below).
// UploadFile / DownloadFile move whole files, resuming broken transfers and
// checking SHA-256 (see gigwire/files.h).
//
//   auto client = gigwire::Client::Connect({.target = "127.0.0.1:50051"});
//   auto session = client->Login("ada@example.com", "correct horse battery");
//   if (!session.ok()) std::cerr << gigwire::ApiErrorOf(session.status()).reason_name;
//   auto me = client->GetMe();
//   v1::CreateJobRequest request;  // ... fill in request.mutable_job()
//   absl::StatusOr<v1::Job> job = client->Call(&v1::JobService::Stub::CreateJob, request);
//
// Thread safety: a Client may be used from many threads at once; credentials
// are swapped atomically. Ownership: the Client owns its channel.
#ifndef GIGWIRE_SDK_CPP_CLIENT_H_
#define GIGWIRE_SDK_CPP_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <functional>
#include <map>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gigwire/files.h"
#include "gigwire/v1/all.grpc.h"  // generated: every gigwire.v1 service and message
#include "gigwire/watch.h"

namespace gigwire {

namespace internal {
class ByteSource;
class ByteSink;
}  // namespace internal

inline constexpr char kSdkVersion[] = "0.1.0";

struct ClientOptions {
  std::string target = "127.0.0.1:50051";
  bool tls = false;
  std::string root_certificates_pem;  // with tls; empty: system roots
  std::string access_token;           // optional initial bearer token
  std::string refresh_token;          // optional; enables automatic refresh
  std::string api_key;                // partner key, sent as x-api-key
  // Deadline of every unary call; zero: the service config's (10 s).
  absl::Duration timeout = absl::ZeroDuration();
  // Replaces the shipped service config (gRPC's JSON format); empty: keep it.
  std::string service_config_json;
  // Called with each new token pair (after Login, Refresh, or an automatic
  // refresh), on the thread that made the call: e.g. to persist the session,
  // since the old refresh token is spent. Optional.
  std::function<void(const v1::TokenPair&)> on_tokens;
};

// The service config shipped with the SDK (sdk/service_config.json).
const char* DefaultServiceConfigJson();

// Sets `request`'s `request_id` field to a fresh random UUID when the message
// has such a string field and it is empty; otherwise leaves it alone.
void FillRequestId(google::protobuf::Message& request);

// The machine-readable part of a failed call.
struct ApiError {
  absl::StatusCode code = absl::StatusCode::kOk;
  v1::ErrorReason reason = v1::ERROR_REASON_UNSPECIFIED;
  std::string reason_name;  // e.g. "EMAIL_TAKEN"
  std::string message;
  std::vector<std::pair<std::string, std::string>> field_violations;  // field, description
  int64_t retry_after_ms = 0;
  // Extra context, e.g. {"current_state", "BOOKED"}, {"received_bytes", "1048576"}.
  std::map<std::string, std::string> metadata;
};

// Extracts the server's error details from a status returned by Client.
ApiError ApiErrorOf(const absl::Status& status);

// Converts a gRPC status (with its grpc-status-details-bin) to absl::Status.
absl::Status StatusFromGrpc(const grpc::Status& status);

class Client {
 public:
  static std::unique_ptr<Client> Connect(const ClientOptions& options);

  // ---- Any unary RPC ----
  //
  // Calls `method` of a generated stub with the client's credentials, SDK
  // metadata and service config, after FillRequestId on a copy of `request`.
  // On TOKEN_EXPIRED with a refresh token at hand, refreshes once and calls
  // again. Errors: the server's status, details via ApiErrorOf.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                             const Request&, Response*),
                                const Request& request) {
    Request filled = request;
    FillRequestId(filled);
    Stub stub(channel_);
    return CallStub(&stub, method, filled);
  }

  // ---- AuthService ----
  absl::StatusOr<v1::User> Register(const v1::RegisterRequest& request);
  // On success the client keeps the token pair and uses it from then on.
  absl::StatusOr<v1::TokenPair> Login(const std::string& email, const std::string& password);
  // Rotates the kept refresh token. Calls that fail TOKEN_EXPIRED refresh
  // automatically once and retry.
  absl::StatusOr<v1::TokenPair> Refresh();
  absl::Status Logout();

  // ---- UserService ----
  absl::StatusOr<v1::User> GetMe();
  absl::StatusOr<v1::User> GetUser(const std::string& id);
  absl::StatusOr<v1::User> UpdateMe(const v1::UpdateMeRequest& request);
  absl::StatusOr<v1::ListUsersResponse> ListUsers(const v1::ListUsersRequest& request);
  absl::StatusOr<v1::User> GrantRole(const std::string& user_id, v1::Role role);
  absl::StatusOr<v1::User> RevokeRole(const std::string& user_id, v1::Role role);

  // ---- ApiKeyService ----
  absl::StatusOr<v1::CreateApiKeyResponse> CreateApiKey(const v1::CreateApiKeyRequest& request);
  absl::StatusOr<v1::ListApiKeysResponse> ListApiKeys(const v1::ListApiKeysRequest& request);
  absl::StatusOr<v1::ApiKey> RevokeApiKey(const std::string& id);

  // ---- NotificationService ----
  absl::StatusOr<v1::ListNotificationsResponse> ListNotifications(
      const v1::ListNotificationsRequest& request);
  absl::StatusOr<v1::MarkNotificationsReadResponse> MarkNotificationsRead(
      const v1::MarkNotificationsReadRequest& request);

  // ---- Real time: resumable watches ----
  //
  // WatchEvents (EventService.WatchEvents: every event the caller may see) and
  // WatchOffers (OfferService.WatchOffers: a seller's own offers; for an admin
  // any, or one job's) block the calling thread and call `on_event` for each
  // event, in commit order, exactly once: they open the stream from
  // `request.resume_cursor` (empty: from now), and when it breaks reconnect
  // from the last cursor seen (event or heartbeat), dropping any event whose
  // cursor is not after it. Streams have no deadline.
  //
  // Reconnects (after the jittered delay of WatchOptions) on UNAVAILABLE
  // (SHUTTING_DOWN, transport failures), RESOURCE_EXHAUSTED with SLOW_CONSUMER
  // or RATE_LIMITED (waiting at least retry_after_ms), and a stream that ends
  // OK. On UNAUTHENTICATED / TOKEN_EXPIRED with a refresh token at hand it
  // refreshes once (as unary calls do) and reconnects; a second TOKEN_EXPIRED
  // before any message is returned.
  //
  // Returns OK when `on_event` returns false or `options.stop` is stopped;
  // OUT_OF_RANGE (ApiErrorOf(status).reason == v1::CURSOR_EXPIRED) when the
  // server no longer keeps the events after the cursor, or (CURSOR_AHEAD)
  // when the cursor is ahead of its newest event: list again, then watch
  // from the list's event_cursor; any other error (INVALID_ARGUMENT,
  // PERMISSION_DENIED, UNAUTHENTICATED...) as is. `on_event` and
  // `options.on_heartbeat` run on the calling thread; they must not call
  // Stop() expecting it to block. Many watches may run at once on one Client.
  absl::Status WatchEvents(const v1::WatchEventsRequest& request,
                           std::function<bool(const v1::Event&)> on_event,
                           const WatchOptions& options = WatchOptions());
  absl::Status WatchOffers(const v1::WatchOffersRequest& request,
                           std::function<bool(const v1::OfferEvent&)> on_event,
                           const WatchOptions& options = WatchOptions());

  // ---- FileService: whole files, resumable (see gigwire/files.h) ----
  //
  // UploadFile uploads the file at `path` (UploadBytes: `bytes`, which must
  // stay valid during the call) and returns it, unattached; attach it with
  // SendMessage, DeliverBooking, SubmitMilestone or AttachFile. Errors: the
  // server's, as is: INVALID_ARGUMENT with FILE_TOO_LARGE,
  // FILE_TYPE_NOT_ALLOWED, CHECKSUM_MISMATCH (the file changed while it was
  // sent) or UPLOAD_SIZE_MISMATCH; RESOURCE_EXHAUSTED with
  // STORAGE_QUOTA_EXCEEDED; the last failure after too many in a row (see
  // TransferRetry). NOT_FOUND / PERMISSION_DENIED for a path that cannot be
  // read; INVALID_ARGUMENT for UploadBytes without a name or a bad
  // chunk_bytes; CANCELLED when on_progress returned false.
  absl::StatusOr<v1::FileInfo> UploadFile(const std::string& path,
                                          const UploadOptions& options = UploadOptions());
  absl::StatusOr<v1::FileInfo> UploadBytes(absl::string_view bytes, const UploadOptions& options);
  // Downloads file `file_id` to `path` (a temporary file beside it, renamed
  // into place once checked; an existing file is replaced only then) or
  // into `out`, and returns its metadata. Errors: NOT_FOUND for a file the
  // caller may not see; DATA_LOSS (reason CHECKSUM_MISMATCH, message
  // starting with kDownloadMismatch) when what was written does not match
  // the file; INTERNAL when `path` or `out` cannot be written; CANCELLED when
  // on_progress returned false; the last failure after too many in a row.
  absl::StatusOr<v1::FileInfo> DownloadFile(const std::string& file_id, const std::string& path,
                                            const DownloadOptions& options = DownloadOptions());
  absl::StatusOr<v1::FileInfo> DownloadFile(const std::string& file_id, std::ostream& out,
                                            const DownloadOptions& options = DownloadOptions());

  // Credentials in use (e.g. to persist a session).
  void SetTokens(const std::string& access_token, const std::string& refresh_token);
  std::string access_token() const;
  std::string refresh_token() const;

  // For calls made without the generated stubs (e.g. from descriptors found
  // by server reflection): the client's channel, which carries the service
  // config, and the metadata (SDK version, credentials) and deadline (when
  // ClientOptions::timeout is set) to put on a context before each call.
  std::shared_ptr<grpc::Channel> channel() const { return channel_; }
  void PrepareContext(grpc::ClientContext& context) const;
  // The same for a streaming call: metadata only, no deadline.
  void PrepareStreamContext(grpc::ClientContext& context) const { AddCallMetadata(context); }
  // Runs one unary call, `attempt`, on a context prepared as above; when it
  // fails TOKEN_EXPIRED with a refresh token at hand (and `may_refresh`),
  // refreshes once and runs `attempt` again on a fresh context. Returns the
  // call's status (details via ApiErrorOf). Every typed call goes through it.
  absl::Status CallWithSession(const std::function<grpc::Status(grpc::ClientContext&)>& attempt,
                               bool may_refresh = true);

 private:
  explicit Client(const ClientOptions& options);
  // Metadata only: for streams, which have no deadline.
  void AddCallMetadata(grpc::ClientContext& context) const;
  void KeepSession(const v1::TokenPair& pair);
  // For a watch told TOKEN_EXPIRED: refreshes if a refresh token is at hand.
  bool RefreshForWatch();
  // The file helpers over any source or sink (src/files.cc).
  absl::StatusOr<v1::FileInfo> UploadFrom(internal::ByteSource& source,
                                          const UploadOptions& options);
  absl::StatusOr<v1::FileInfo> DownloadTo(const std::string& file_id, internal::ByteSink& sink,
                                          const DownloadOptions& options);

  // Runs one unary call with credentials and deadline; on TOKEN_EXPIRED with
  // a refresh token at hand, refreshes once and retries.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> CallStub(Stub* stub,
                                    grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                                 const Request&, Response*),
                                    const Request& request, bool may_refresh = true) {
    Response response;
    absl::Status status = CallWithSession(
        [&](grpc::ClientContext& context) {
          response.Clear();
          return (stub->*method)(&context, request, &response);
        },
        may_refresh);
    if (!status.ok()) return status;
    return response;
  }

  const ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::unique_ptr<v1::UserService::Stub> users_;
  std::unique_ptr<v1::ApiKeyService::Stub> api_keys_;
  std::unique_ptr<v1::NotificationService::Stub> notifications_;
  std::unique_ptr<v1::EventService::Stub> events_;
  std::unique_ptr<v1::OfferService::Stub> offers_;
  std::unique_ptr<v1::FileService::Stub> files_;
  mutable absl::Mutex mu_;
  std::string access_token_ ABSL_GUARDED_BY(mu_);
  std::string refresh_token_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gigwire

#endif  // GIGWIRE_SDK_CPP_CLIENT_H_
