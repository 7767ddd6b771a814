// gigwire::Client; see include/gigwire/client.h.
#include "gigwire/client.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include <cstdint>
#include <random>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "sdk/cpp/src/service_config.h"  // generated from sdk/service_config.json

namespace gigwire {
namespace {

constexpr char kDetailsPayloadUrl[] = "type.googleapis.com/gigwire.v1.ErrorDetails";

std::shared_ptr<grpc::ChannelCredentials> ChannelCredentials(const ClientOptions& options) {
  if (!options.tls) return grpc::InsecureChannelCredentials();
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = options.root_certificates_pem;
  return grpc::SslCredentials(ssl);
}

std::shared_ptr<grpc::Channel> OpenChannel(const ClientOptions& options) {
  grpc::ChannelArguments arguments;
  arguments.SetServiceConfigJSON(options.service_config_json.empty()
                                     ? std::string(kServiceConfigJson)
                                     : options.service_config_json);
  arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  return grpc::CreateCustomChannel(options.target, ChannelCredentials(options), arguments);
}

// A random (version 4) UUID, e.g. "1b4e28ba-2fa1-4d3b-a3f5-ef19b5a7633b".
std::string NewUuid() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  uint64_t high = random(), low = random();
  high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;    // RFC 4122 variant
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xffff,
                         high & 0xffff, low >> 48, low & 0xffffffffffffULL);
}

}  // namespace

const char* DefaultServiceConfigJson() { return kServiceConfigJson; }

void FillRequestId(google::protobuf::Message& request) {
  const google::protobuf::FieldDescriptor* field =
      request.GetDescriptor()->FindFieldByName("request_id");
  if (field == nullptr || field->is_repeated() ||
      field->type() != google::protobuf::FieldDescriptor::TYPE_STRING) {
    return;
  }
  const google::protobuf::Reflection* reflection = request.GetReflection();
  if (reflection->GetString(request, field).empty()) {
    reflection->SetString(&request, field, NewUuid());
  }
}

absl::Status StatusFromGrpc(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  v1::RpcStatus envelope;
  if (!status.error_details().empty() && envelope.ParseFromString(status.error_details())) {
    for (const auto& any : envelope.details()) {
      v1::ErrorDetails details;
      if (any.UnpackTo(&details)) {
        out.SetPayload(kDetailsPayloadUrl, absl::Cord(details.SerializeAsString()));
        break;
      }
    }
  }
  return out;
}

ApiError ApiErrorOf(const absl::Status& status) {
  ApiError error;
  error.code = status.code();
  error.message = std::string(status.message());
  v1::ErrorDetails details;
  if (auto payload = status.GetPayload(kDetailsPayloadUrl);
      payload.has_value() && details.ParseFromString(std::string(*payload))) {
    error.reason = details.reason();
    error.retry_after_ms = details.retry_after_ms();
    for (const auto& v : details.field_violations()) {
      error.field_violations.emplace_back(v.field(), v.description());
    }
    error.metadata.insert(details.metadata().begin(), details.metadata().end());
  }
  error.reason_name = v1::ErrorReason_Name(error.reason);
  return error;
}

std::unique_ptr<Client> Client::Connect(const ClientOptions& options) {
  return std::unique_ptr<Client>(new Client(options));
}

Client::Client(const ClientOptions& options)
    : options_(options),
      channel_(OpenChannel(options)),
      auth_(v1::AuthService::NewStub(channel_)),
      users_(v1::UserService::NewStub(channel_)),
      api_keys_(v1::ApiKeyService::NewStub(channel_)),
      notifications_(v1::NotificationService::NewStub(channel_)),
      events_(v1::EventService::NewStub(channel_)),
      offers_(v1::OfferService::NewStub(channel_)),
      files_(v1::FileService::NewStub(channel_)),
      access_token_(options.access_token),
      refresh_token_(options.refresh_token) {}

void Client::PrepareContext(grpc::ClientContext& context) const {
  if (options_.timeout > absl::ZeroDuration()) {
    context.set_deadline(absl::ToChronoTime(absl::Now() + options_.timeout));
  }
  AddCallMetadata(context);
}

absl::Status Client::CallWithSession(
    const std::function<grpc::Status(grpc::ClientContext&)>& attempt, bool may_refresh) {
  grpc::ClientContext context;
  PrepareContext(context);
  absl::Status status = StatusFromGrpc(attempt(context));
  if (may_refresh && ApiErrorOf(status).reason == v1::TOKEN_EXPIRED &&
      !refresh_token().empty() && Refresh().ok()) {
    return CallWithSession(attempt, /*may_refresh=*/false);
  }
  return status;
}

void Client::AddCallMetadata(grpc::ClientContext& context) const {
  context.AddMetadata("x-gigwire-sdk", absl::StrCat("cpp/", kSdkVersion));
  absl::MutexLock lock(&mu_);
  if (!access_token_.empty()) {
    context.AddMetadata("authorization", absl::StrCat("Bearer ", access_token_));
  } else if (!options_.api_key.empty()) {
    context.AddMetadata("x-api-key", options_.api_key);
  }
}

void Client::KeepSession(const v1::TokenPair& pair) {
  SetTokens(pair.access_token(), pair.refresh_token());
  if (options_.on_tokens) options_.on_tokens(pair);
}

void Client::SetTokens(const std::string& access_token, const std::string& refresh_token) {
  absl::MutexLock lock(&mu_);
  access_token_ = access_token;
  refresh_token_ = refresh_token;
}

std::string Client::access_token() const {
  absl::MutexLock lock(&mu_);
  return access_token_;
}

std::string Client::refresh_token() const {
  absl::MutexLock lock(&mu_);
  return refresh_token_;
}

absl::StatusOr<v1::User> Client::Register(const v1::RegisterRequest& request) {
  return CallStub(auth_.get(), &v1::AuthService::Stub::Register, request, false);
}

absl::StatusOr<v1::TokenPair> Client::Login(const std::string& email,
                                            const std::string& password) {
  v1::LoginRequest request;
  request.set_email(email);
  request.set_password(password);
  auto pair = CallStub(auth_.get(), &v1::AuthService::Stub::Login, request, false);
  if (pair.ok()) KeepSession(*pair);
  return pair;
}

absl::StatusOr<v1::TokenPair> Client::Refresh() {
  v1::RefreshRequest request;
  request.set_refresh_token(refresh_token());
  auto pair = CallStub(auth_.get(), &v1::AuthService::Stub::Refresh, request, false);
  if (pair.ok()) KeepSession(*pair);
  return pair;
}

absl::Status Client::Logout() {
  v1::LogoutRequest request;
  request.set_refresh_token(refresh_token());
  auto done = CallStub(auth_.get(), &v1::AuthService::Stub::Logout, request, false);
  if (done.ok()) SetTokens("", "");
  return done.status();
}

absl::StatusOr<v1::User> Client::GetMe() {
  return CallStub(users_.get(), &v1::UserService::Stub::GetMe, v1::GetMeRequest());
}

absl::StatusOr<v1::User> Client::GetUser(const std::string& id) {
  v1::GetUserRequest request;
  request.set_id(id);
  return CallStub(users_.get(), &v1::UserService::Stub::GetUser, request);
}

absl::StatusOr<v1::User> Client::UpdateMe(const v1::UpdateMeRequest& request) {
  return CallStub(users_.get(), &v1::UserService::Stub::UpdateMe, request);
}

absl::StatusOr<v1::ListUsersResponse> Client::ListUsers(const v1::ListUsersRequest& request) {
  return CallStub(users_.get(), &v1::UserService::Stub::ListUsers, request);
}

absl::StatusOr<v1::User> Client::GrantRole(const std::string& user_id, v1::Role role) {
  v1::GrantRoleRequest request;
  request.set_user_id(user_id);
  request.set_role(role);
  return CallStub(users_.get(), &v1::UserService::Stub::GrantRole, request);
}

absl::StatusOr<v1::User> Client::RevokeRole(const std::string& user_id, v1::Role role) {
  v1::RevokeRoleRequest request;
  request.set_user_id(user_id);
  request.set_role(role);
  return CallStub(users_.get(), &v1::UserService::Stub::RevokeRole, request);
}

absl::StatusOr<v1::CreateApiKeyResponse> Client::CreateApiKey(
    const v1::CreateApiKeyRequest& request) {
  return CallStub(api_keys_.get(), &v1::ApiKeyService::Stub::CreateApiKey, request);
}

absl::StatusOr<v1::ListApiKeysResponse> Client::ListApiKeys(
    const v1::ListApiKeysRequest& request) {
  return CallStub(api_keys_.get(), &v1::ApiKeyService::Stub::ListApiKeys, request);
}

absl::StatusOr<v1::ApiKey> Client::RevokeApiKey(const std::string& id) {
  v1::RevokeApiKeyRequest request;
  request.set_id(id);
  return CallStub(api_keys_.get(), &v1::ApiKeyService::Stub::RevokeApiKey, request);
}

absl::StatusOr<v1::ListNotificationsResponse> Client::ListNotifications(
    const v1::ListNotificationsRequest& request) {
  return CallStub(notifications_.get(), &v1::NotificationService::Stub::ListNotifications, request);
}

absl::StatusOr<v1::MarkNotificationsReadResponse> Client::MarkNotificationsRead(
    const v1::MarkNotificationsReadRequest& request) {
  return CallStub(notifications_.get(), &v1::NotificationService::Stub::MarkNotificationsRead,
              request);
}

}  // namespace gigwire
