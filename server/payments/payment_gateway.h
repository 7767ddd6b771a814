// How money comes in from buyers: one interface in front of the payment
// provider, chosen by gigwired's flags. The domain (milestone funding, issue
// 15) asks the gateway for a payment, records it, and funds the milestone (a
// ledger transaction) only once the gateway reports the payment succeeded; a
// failed or cancelled payment leaves the milestone PENDING and the ledger
// untouched. Payouts to sellers are requested by them and marked paid by an
// admin for every gateway (the money leaves through the operator's bank).
//
// Implementations:
//   manual  (ManualGateway)  a payment request the buyer pays by bank transfer;
//                            an admin confirms it (no provider call at all)
//   stripe  (StripeGateway)  PaymentIntents through Stripe's REST API
//
// Idempotency: every call that creates or changes something takes an
// idempotency key, and a retry with the same key returns the first result
// (Stripe's Idempotency-Key header; the manual gateway derives its id from
// the key). Callers use a key derived from the milestone and attempt, so a
// crash between the call and the commit retries safely.
//
// Errors: UNAVAILABLE when the provider cannot be reached or answers 5xx/429
// (retry with the same key); FAILED_PRECONDITION when the provider refuses the
// request (a card declined, a payment already captured); INVALID_ARGUMENT for
// a request the provider finds malformed; UNAUTHENTICATED for a bad API key.
// Thread safety: implementations are thread-safe.
#ifndef GIGWIRE_SERVER_PAYMENTS_PAYMENT_GATEWAY_H_
#define GIGWIRE_SERVER_PAYMENTS_PAYMENT_GATEWAY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/model/marketplace.h"

namespace gigwire {

// What a payment is for, in the provider's metadata.
struct PaymentRequest {
  std::string idempotency_key;  // required; at most 255 bytes
  Money amount;                 // > 0, an ISO 4217 currency
  std::string booking_id;
  std::string milestone_id;
  std::string buyer_id;
  std::string description;  // shown to the buyer by the provider, if it shows one
};

enum class PaymentStatus : uint8_t {
  kPending = 1,    // created; waiting for the buyer (or the bank transfer)
  kSucceeded = 2,  // the money is in: fund the milestone
  kFailed = 3,     // refused or abandoned: nothing moves
  kCancelled = 4,  // cancelled before it succeeded: nothing moves
};
const char* PaymentStatusName(PaymentStatus status);

struct ProviderPayment {
  std::string provider_id;    // e.g. "pi_..." for Stripe; the manual gateway's own id
  PaymentStatus status = PaymentStatus::kPending;
  Money amount;
  // For the buyer's client, if the provider needs one (Stripe's client_secret,
  // confirmed in the browser with Stripe.js); empty otherwise.
  std::string client_secret;
  // For the manual gateway: the transfer reference the buyer quotes.
  std::string instructions;
  std::string failure_reason;  // when kFailed
};

class PaymentGateway {
 public:
  virtual ~PaymentGateway() = default;

  // "manual" or "stripe".
  virtual absl::string_view name() const = 0;

  // Creates a payment for `request` (idempotent on its key).
  virtual absl::StatusOr<ProviderPayment> CreatePayment(const PaymentRequest& request) = 0;

  // The payment's current state at the provider. NOT_FOUND for an unknown id.
  virtual absl::StatusOr<ProviderPayment> GetPayment(absl::string_view provider_id) = 0;

  // Cancels a payment that has not succeeded (idempotent on the key);
  // FAILED_PRECONDITION if it already succeeded.
  virtual absl::StatusOr<ProviderPayment> CancelPayment(absl::string_view provider_id,
                                                absl::string_view idempotency_key) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_PAYMENTS_PAYMENT_GATEWAY_H_
