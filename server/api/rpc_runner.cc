// Per-call admission, status conversion and logging; see rpc_runner.h.
#include "server/api/rpc_runner.h"

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gigwire/v1/errors.pb.h"
#include "server/api/status_conversion.h"
#include "server/common/json_log.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

std::optional<absl::string_view> Metadata(grpc::ServerContextBase* context, const char* key) {
  const auto& metadata = context->client_metadata();
  auto it = metadata.find(key);
  if (it == metadata.end()) return std::nullopt;
  return absl::string_view(it->second.data(), it->second.size());
}

void LogCall(absl::string_view method, const absl::Status& status, absl::Duration latency,
             const CallInfo& call, std::optional<int64_t> stream_messages = std::nullopt) {
  // A stream ends when its client leaves (CANCELLED): routine, not a warning.
  const bool routine = status.ok() || absl::IsNotFound(status) ||
                       (stream_messages.has_value() && absl::IsCancelled(status));
  JsonLog line("rpc", routine ? "info" : "warn");
  line.Str("method", method)
      .Str("code", absl::StatusCodeToString(status.code()))
      .Num("latency_ms", absl::ToDoubleMilliseconds(latency))
      .Str("peer", call.peer_address);
  if (stream_messages) line.Int("messages_sent", *stream_messages);
  if (call.principal != nullptr) line.Str("principal", call.principal->user_id);
  if (call.principal != nullptr && !call.principal->api_key_id.empty()) {
    line.Str("api_key", call.principal->api_key_id);
  }
  if (!status.ok()) {
    line.Str("reason", v1::ErrorReason_Name(ReasonOf(status)));
    line.Str("error", status.message());
  }
  line.Emit();
}

}  // namespace

std::string PeerAddress(absl::string_view peer) {
  if (!absl::ConsumePrefix(&peer, "ipv4:") && !absl::ConsumePrefix(&peer, "ipv6:")) {
    return std::string(peer);  // e.g. "unix:/path"
  }
  size_t colon = peer.rfind(':');
  if (colon != absl::string_view::npos) peer = peer.substr(0, colon);
  absl::ConsumePrefix(&peer, "[");
  absl::ConsumeSuffix(&peer, "]");
  return std::string(peer);
}

std::string ClientAddress(grpc::ServerContextBase& context) {
  const std::string peer = context.peer();
  // gRPC names in-process peers "unknown" (1.51) or "inproc..."; network
  // peers always "ipv4:", "ipv6:" or "unix:".
  const bool in_process = peer == "unknown" || absl::StartsWith(peer, "inproc");
  if (!in_process) return PeerAddress(peer);
  std::optional<absl::string_view> forwarded = Metadata(&context, "x-gigwire-web-client");
  if (!forwarded || forwarded->empty() || forwarded->size() > 64) return peer;
  return std::string(*forwarded);
}

absl::Status RpcRunner::Admit(grpc::ServerContextBase* context, Access access, CallInfo& call,
                              Principal& principal) {
  if (access == Access::kPublic) {
    return limits_.per_address_auth().Acquire(call.peer_address);
  }
  const bool has_credentials = Metadata(context, "authorization").has_value() ||
                               Metadata(context, "x-api-key").has_value();
  if (access == Access::kOptional && !has_credentials) {
    return limits_.per_address_browse().Acquire(call.peer_address);
  }
  GW_ASSIGN_OR_RETURN(principal, authenticator_.Authenticate(Metadata(context, "authorization"),
                                                             Metadata(context, "x-api-key")));
  call.principal = &principal;
  GW_RETURN_IF_ERROR(limits_.per_principal().Acquire(principal.user_id));
  if (access == Access::kSession && !principal.api_key_id.empty()) {
    return BearerTokenRequired(
        "this call needs a signed-in user's bearer token, not an API key");
  }
  return absl::OkStatus();
}

absl::Status RpcRunner::AdmitStream(grpc::ServerContextBase* context, CallInfo& call,
                                    Principal& principal) {
  call.peer_address = ClientAddress(*context);
  GW_RETURN_IF_ERROR(Enter());
  absl::Status admitted = Admit(context, Access::kAuthenticated, call, principal);
  if (!admitted.ok()) Leave();
  return admitted;
}

absl::Status RpcRunner::Enter() {
  // Counted before the check, so Drain never misses a call it let in.
  in_flight_.fetch_add(1);
  if (!draining_.load()) return absl::OkStatus();
  Leave();
  return ShuttingDown("the server is shutting down; retry (with the same request_id)");
}

bool RpcRunner::Drain(absl::Time deadline) {
  draining_.store(true);
  while (in_flight_.load() > 0) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

void RpcRunner::LogCallEnd(absl::string_view method, const absl::Status& status,
                           absl::Duration latency, const CallInfo& call) {
  LogCall(method, status, latency, call);
}

void RpcRunner::LogStreamEnd(absl::string_view method, const absl::Status& status,
                             absl::Duration duration, const CallInfo& call, int64_t messages) {
  LogCall(method, status, duration, call, messages);
}

grpc::Status RpcRunner::Run(grpc::ServerContext* context, absl::string_view method,
                            Access access,
                            absl::FunctionRef<absl::Status(const CallInfo&)> body) {
  const absl::Time start = absl::Now();
  CallInfo call;
  call.peer_address = ClientAddress(*context);
  Principal principal;
  absl::Status status = Enter();
  if (status.ok()) {
    status = Admit(context, access, call, principal);
    if (status.ok()) status = body(call);
    Leave();
  }
  LogCall(method, status, absl::Now() - start, call);
  return ToGrpcStatus(status);
}

}  // namespace gigwire
