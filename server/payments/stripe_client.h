// StripeClient: the HTTP side of StripeGateway. Sends one request to Stripe's
// REST API over libcurl (form-encoded body, `Authorization: Bearer <secret
// key>`, optional `Idempotency-Key`), parses the JSON answer into a
// google.protobuf.Struct (protobuf's own JSON parser: no other JSON library),
// and maps Stripe's errors to absl::Status. StripeGateway is the interface the
// server uses; this class is public so that tests can send requests the
// gateway never would (a missing amount, an unknown parameter).
//
// Error mapping (the status message quotes Stripe's error message, type,
// code, decline_code and param, and the HTTP status; never the secret key):
//   no connection, timeout, 5xx, 429, 409, unreadable answer
//                           -> UNAVAILABLE ("retry with the same idempotency key")
//   401                     -> UNAUTHENTICATED (the secret key is wrong)
//   403                     -> PERMISSION_DENIED (a restricted key lacks a permission)
//   404                     -> NOT_FOUND
//   402, or type card_error -> FAILED_PRECONDITION (a card declined)
//   type idempotency_error  -> INVALID_ARGUMENT (a key reused with other parameters)
//   code payment_intent_unexpected_state -> FAILED_PRECONDITION
//   400 invalid_request_error -> INVALID_ARGUMENT
//   any other 4xx           -> FAILED_PRECONDITION
// These statuses carry no gigwire ErrorReason: what the buyer sees is the
// domain's choice. Stripe's error code, when there is one, is attached to the
// status and read back with StripeErrorCode().
//
// Thread safety: thread-safe; each call uses its own CURL easy handle.
// curl_global_init runs once per process (std::call_once) in Create().
#ifndef GIGWIRE_SERVER_PAYMENTS_STRIPE_CLIENT_H_
#define GIGWIRE_SERVER_PAYMENTS_STRIPE_CLIENT_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"

namespace gigwire {

struct StripeOptions {
  // Scheme, host and optional port, no path: https://api.stripe.com, or for
  // tests stripe-mock's http://127.0.0.1:<port>. Plain http is accepted only
  // for a loopback host (localhost, 127.0.0.1, [::1]): the secret key never
  // crosses a network in clear text.
  std::string api_base = "https://api.stripe.com";
  // The secret (or restricted) API key, sk_live_... / sk_test_... / rk_...;
  // gigwired reads it from a file. Never logged, never in a status message.
  std::string secret_key;
  // Upper bound for one whole request (connect, send, wait, read).
  absl::Duration timeout = absl::Seconds(30);
  absl::Duration connect_timeout = absl::Seconds(10);
  // PEM bundle of CAs to trust instead of the system's; empty: the system's.
  std::string ca_file;
  // Sent as Stripe-Version to pin the API version; empty: the account's default.
  std::string api_version;
};

// Ordered form fields; nested keys as Stripe writes them ("metadata[x]").
using FormFields = std::vector<std::pair<std::string, std::string>>;

// RFC 3986 percent-encoding: every byte but A-Z a-z 0-9 - . _ ~ becomes %XX
// (upper-case hex), so spaces are %20 and brackets %5B/%5D.
std::string PercentEncode(absl::string_view text);
// "k1=v1&k2=v2" with both sides percent-encoded (application/x-www-form-urlencoded).
std::string FormEncode(const FormFields& fields);

// Stripe's error code attached to a status made by this client
// ("card_declined", "resource_missing", ...); empty when none.
std::string StripeErrorCode(const absl::Status& status);

class StripeClient {
 public:
  // INVALID_ARGUMENT for options that cannot work: no key, a key with bytes
  // outside printable ASCII, a base URL that is not http(s)://host[:port]
  // (http only to loopback), a non-positive timeout.
  static absl::StatusOr<std::unique_ptr<StripeClient>> Create(StripeOptions options);

  // POST api_base + path with `form` as the body (Content-Type
  // application/x-www-form-urlencoded, even when empty) and, unless
  // `idempotency_key` is empty, an Idempotency-Key header. Returns the JSON
  // object Stripe answered with, or the mapped error.
  absl::StatusOr<google::protobuf::Struct> Post(absl::string_view path, const FormFields& form,
                                                absl::string_view idempotency_key) const;

  // GET api_base + path (`path` includes any query string).
  absl::StatusOr<google::protobuf::Struct> Get(absl::string_view path) const;

 private:
  explicit StripeClient(StripeOptions options) : options_(std::move(options)) {}
  struct Request;
  absl::StatusOr<google::protobuf::Struct> Send(const Request& request) const;

  const StripeOptions options_;
};

// The status for a non-2xx answer `body` with HTTP status `http_status`, by
// the table above. Exposed for tests.
absl::Status StripeErrorStatus(long http_status, absl::string_view body);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_PAYMENTS_STRIPE_CLIENT_H_
