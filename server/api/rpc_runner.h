// What every unary handler does around its body, in one place:
// authenticate the caller (or not, for public calls), apply the rate limit,
// run the body, convert its status once, and log one JSON line with method,
// code, reason, latency, principal and peer (never credentials).
//
// Thread safety: thread-safe; the referenced objects must outlive it.
#ifndef GIGWIRE_SERVER_API_RPC_RUNNER_H_
#define GIGWIRE_SERVER_API_RPC_RUNNER_H_

#include <grpcpp/server_context.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/auth/authenticator.h"
#include "server/auth/rate_limiter.h"

namespace gigwire {

enum class Access {
  kPublic,         // auth endpoints: no credentials; per-address auth limit
  kAuthenticated,  // credentials required; rate limited per principal
  kSession,        // as kAuthenticated, but only a signed-in user's bearer
                   // token: API keys and roles are not managed with an API
                   // key (PERMISSION_DENIED, BEARER_TOKEN_REQUIRED)
  kOptional,       // public browsing: authenticated when credentials are sent
                   // (per principal), else anonymous (per-address browse limit)
};

// What a handler body learns about its call.
struct CallInfo {
  const Principal* principal = nullptr;  // set when the caller authenticated
  std::string peer_address;              // client IP without port
};

class RpcRunner {
 public:
  RpcRunner(const Authenticator& authenticator, RateLimits& limits)
      : authenticator_(authenticator), limits_(limits) {}

  // `method` is the full method name, e.g. "/gigwire.v1.AuthService/Login".
  grpc::Status Run(grpc::ServerContext* context, absl::string_view method, Access access,
                   absl::FunctionRef<absl::Status(const CallInfo&)> body);

  RateLimits& limits() { return limits_; }

  // Shutdown: from now on every call (unary or stream) is refused at once
  // with UNAVAILABLE (SHUTTING_DOWN), which clients retry elsewhere or
  // later; then waits until the calls admitted before have finished (streams
  // included: end them first), or until `deadline`. True when none is left.
  bool Drain(absl::Time deadline);

  // The start of a server-streaming call (always kAuthenticated): fills
  // `call` and `principal`, or returns why the stream must end at once. An
  // admitted stream counts as in flight (see Drain) until EndStream; the
  // caller logs the end with LogStreamEnd.
  absl::Status AdmitStream(grpc::ServerContextBase* context, CallInfo& call,
                           Principal& principal);
  void EndStream() { Leave(); }
  // One JSON line for a finished stream: method, code, duration, messages sent.
  static void LogStreamEnd(absl::string_view method, const absl::Status& status,
                           absl::Duration duration, const CallInfo& call, int64_t messages);
  // The same line as Run logs, for a unary call answered outside Run (a
  // request that did not decode, see malformed_request.h).
  static void LogCallEnd(absl::string_view method, const absl::Status& status,
                         absl::Duration latency, const CallInfo& call);

 private:
  absl::Status Admit(grpc::ServerContextBase* context, Access access, CallInfo& call,
                     Principal& principal);

  // Counts the call in flight, or refuses it when draining.
  absl::Status Enter();
  void Leave() { in_flight_.fetch_sub(1); }

  const Authenticator& authenticator_;
  RateLimits& limits_;
  std::atomic<bool> draining_{false};
  std::atomic<int64_t> in_flight_{0};  // unary calls in Run, admitted streams
};

// "ipv4:127.0.0.1:5000" -> "127.0.0.1"; "ipv6:[::1]:5000" -> "::1".
std::string PeerAddress(absl::string_view grpc_peer);

// The address of the client a call serves: PeerAddress of its peer, except on
// the in-process channel (the web port's forwarded calls), where it is the
// browser's address from the x-gigwire-web-client metadata. That metadata is
// trusted nowhere else: a network client cannot set its own address.
std::string ClientAddress(grpc::ServerContextBase& context);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_RPC_RUNNER_H_
