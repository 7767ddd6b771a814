// gigwire::Client: the C++ SDK for the Gigwire marketplace API.
//
// A thin layer over the generated gRPC stubs (gigwire/v1/*.grpc.pb.h) that
// adds credentials (bearer access token with refresh, or partner API key),
// a default deadline, SDK identification metadata, and errors as
// absl::Status carrying the server's machine-readable details (see
// ApiErrorOf). Every call returns absl::StatusOr<Response>.
//
//   auto client = gigwire::Client::Connect({.target = "127.0.0.1:50051"});
//   auto session = client->Login("ada@example.com", "correct horse battery");
//   if (!session.ok()) std::cerr << gigwire::ApiErrorOf(session.status()).reason_name;
//   auto me = client->GetMe();
//
// Thread safety: a Client may be used from many threads at once; credentials
// are swapped atomically. Ownership: the Client owns its channel.
#ifndef GIGWIRE_SDK_CPP_CLIENT_H_
#define GIGWIRE_SDK_CPP_CLIENT_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gigwire/v1/api_key.grpc.pb.h"
#include "gigwire/v1/auth.grpc.pb.h"
#include "gigwire/v1/errors.pb.h"
#include "gigwire/v1/user.grpc.pb.h"

namespace gigwire {

inline constexpr char kSdkVersion[] = "0.1.0";

struct ClientOptions {
  std::string target = "127.0.0.1:50051";
  bool tls = false;
  std::string root_certificates_pem;  // with tls; empty: system roots
  std::string access_token;           // optional initial bearer token
  std::string refresh_token;          // optional; enables automatic refresh
  std::string api_key;                // partner key, sent as x-api-key
  absl::Duration timeout = absl::Seconds(10);
};

// The machine-readable part of a failed call.
struct ApiError {
  absl::StatusCode code = absl::StatusCode::kOk;
  v1::ErrorReason reason = v1::ERROR_REASON_UNSPECIFIED;
  std::string reason_name;  // e.g. "EMAIL_TAKEN"
  std::string message;
  std::vector<std::pair<std::string, std::string>> field_violations;  // field, description
  int64_t retry_after_ms = 0;
};

// Extracts the server's error details from a status returned by Client.
ApiError ApiErrorOf(const absl::Status& status);

// Converts a gRPC status (with its grpc-status-details-bin) to absl::Status.
absl::Status StatusFromGrpc(const grpc::Status& status);

class Client {
 public:
  static std::unique_ptr<Client> Connect(const ClientOptions& options);

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

  // Credentials in use (e.g. to persist a session).
  void SetTokens(const std::string& access_token, const std::string& refresh_token);
  std::string access_token() const;
  std::string refresh_token() const;

 private:
  explicit Client(const ClientOptions& options);
  void PrepareContext(grpc::ClientContext& context) const;
  void KeepSession(const v1::TokenPair& pair);

  // Runs one unary call with credentials and deadline; on TOKEN_EXPIRED with
  // a refresh token at hand, refreshes once and retries.
  template <typename Stub, typename Request, typename Response>
  absl::StatusOr<Response> Call(Stub* stub,
                                grpc::Status (Stub::*method)(grpc::ClientContext*,
                                                             const Request&, Response*),
                                const Request& request, bool may_refresh = true);

  const ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::AuthService::Stub> auth_;
  std::unique_ptr<v1::UserService::Stub> users_;
  std::unique_ptr<v1::ApiKeyService::Stub> api_keys_;
  mutable absl::Mutex mu_;
  std::string access_token_ ABSL_GUARDED_BY(mu_);
  std::string refresh_token_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gigwire

#endif  // GIGWIRE_SDK_CPP_CLIENT_H_
