// StripeGateway: the "stripe" PaymentGateway. A payment is a Stripe
// PaymentIntent, created by the server with the secret key and confirmed by
// the buyer in the browser with Stripe.js (ProviderPayment.client_secret); the domain
// funds the milestone once GetPayment reports kSucceeded. HTTP, JSON and the
// error mapping live in StripeClient (stripe_client.h): its table is this
// gateway's error contract, after the request checks of payment_checks.h
// (INVALID_ARGUMENT, reason INVALID_FIELDS, before any call).
//
// Calls (all with `Authorization: Bearer <secret key>`):
//   CreatePayment  POST /v1/payment_intents, Idempotency-Key = the request's
//                  key; form fields amount, currency (lower case),
//                  automatic_payment_methods[enabled]=true, description and
//                  metadata[booking_id|milestone_id|buyer_id] when not empty.
//   GetPayment     GET /v1/payment_intents/{id}. NOT_FOUND, without a call,
//                  for an id that is not of the form pi_[A-Za-z0-9_]+.
//   CancelPayment  POST /v1/payment_intents/{id}/cancel with the key. When
//                  Stripe refuses because of the intent's state, the intent is
//                  read again: already cancelled returns it (kCancelled), so a
//                  cancel is idempotent whatever the key; anything else (it
//                  succeeded, or is processing) is FAILED_PRECONDITION.
//
// Statuses: succeeded -> kSucceeded; canceled -> kCancelled;
// requires_payment_method with a last_payment_error -> kFailed (its message
// in failure_reason); every other state (requires_payment_method without an
// error, requires_confirmation, requires_action, processing,
// requires_capture, and any state Stripe adds later) -> kPending: the gateway
// never reports money in that Stripe has not said succeeded.
// kFailed is not final at Stripe: the buyer may confirm the same intent again
// with another card and it may still succeed. A caller that treats kFailed as
// final must cancel the intent first (CancelPayment) so that it cannot.
//
// Amounts: Money.amount_minor is in ISO 4217 minor units, and so are Stripe's
// amounts, zero-decimal currencies (JPY, KRW, ...) included: ¥500 is 500 in
// both, no conversion. One exception: Stripe keeps ISK two-decimal while ISO
// 4217 gives it none, so ISK amounts are multiplied by 100 going to Stripe
// (and must come back whole). Stripe's own limits (a minimum charge, the last
// digit of three-decimal currencies being 0, supported currencies) are
// Stripe's answer: INVALID_ARGUMENT.
//
// Idempotency: Stripe forgets a key after 24 hours, and then the same key
// makes a new intent. A caller resuming an older attempt must use the
// provider id it stored instead of creating again. The gateway never retries
// by itself: UNAVAILABLE goes back to the caller.
//
// Thread safety: thread-safe.
#ifndef GIGWIRE_SERVER_PAYMENTS_STRIPE_GATEWAY_H_
#define GIGWIRE_SERVER_PAYMENTS_STRIPE_GATEWAY_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"
#include "server/payments/payment_gateway.h"
#include "server/payments/stripe_client.h"

namespace gigwire {

class StripeGateway final : public PaymentGateway {
 public:
  // INVALID_ARGUMENT for unusable options (see StripeClient::Create).
  static absl::StatusOr<std::unique_ptr<StripeGateway>> Create(StripeOptions options);

  absl::string_view name() const override { return "stripe"; }

  absl::StatusOr<ProviderPayment> CreatePayment(const PaymentRequest& request) override;
  absl::StatusOr<ProviderPayment> GetPayment(absl::string_view provider_id) override;
  absl::StatusOr<ProviderPayment> CancelPayment(absl::string_view provider_id,
                                        absl::string_view idempotency_key) override;

 private:
  explicit StripeGateway(std::unique_ptr<StripeClient> client) : client_(std::move(client)) {}

  const std::unique_ptr<StripeClient> client_;
};

// The ProviderPayment a PaymentIntent object describes, by the status table above;
// the amount back in ISO 4217 minor units with an upper-case currency.
// UNAVAILABLE when the object lacks an id, status, amount or currency (not an
// answer Stripe gives: retry).
absl::StatusOr<ProviderPayment> PaymentFromIntent(const google::protobuf::Struct& intent);

// `amount` in Stripe's units (see Amounts above). INVALID_ARGUMENT when it
// would overflow.
absl::StatusOr<int64_t> ToStripeAmount(const Money& amount);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_PAYMENTS_STRIPE_GATEWAY_H_
