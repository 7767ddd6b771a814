// ManualGateway: the "manual" PaymentGateway, what small marketplaces really
// run on. The buyer pays by bank transfer quoting a reference; an admin sees
// the money arrive and confirms the payment in the domain (ConfirmPayment);
// only then is the milestone funded. No provider is called, ever.
//
// The gateway keeps no state of its own: the domain's payment record (written
// with the provider id this gateway returns) is the only truth about a manual
// payment. Hence:
//   CreatePayment  validates the request and returns kPending with a payment
//                  id derived from the idempotency key alone ("mpay_" + 24
//                  base32 characters of its SHA-256), so a retry with the same
//                  key returns the same id and the same instructions. Reusing
//                  a key with other parameters cannot be detected here (there
//                  is nothing to compare with); the domain's record can.
//   GetPayment     kPending and the id, with an empty amount and no
//                  instructions: whether the money arrived is an admin's
//                  decision recorded by the domain, never the gateway's.
//                  NOT_FOUND for an id this gateway cannot have made.
//   CancelPayment  kCancelled and the id. The gateway cannot know whether an
//                  admin already confirmed the transfer: the domain checks its
//                  own record before cancelling.
//
// Errors: INVALID_ARGUMENT (reason INVALID_FIELDS) for a request that fails
// CheckPaymentRequest (payment_checks.h); NOT_FOUND as above. Nothing else.
// Thread safety: thread-safe (no mutable state).
#ifndef GIGWIRE_SERVER_PAYMENTS_MANUAL_GATEWAY_H_
#define GIGWIRE_SERVER_PAYMENTS_MANUAL_GATEWAY_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/payments/payment_gateway.h"

namespace gigwire {

struct ManualGatewayOptions {
  // Where the buyer sends the money, as the buyer should read it, e.g.
  // "Gigwire Ltd, IBAN DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX".
  // Empty: "the marketplace's bank account".
  std::string payee_details;
};

class ManualGateway final : public PaymentGateway {
 public:
  explicit ManualGateway(ManualGatewayOptions options = {});

  absl::string_view name() const override { return "manual"; }

  // kPending; provider_id = ManualPaymentId(request.idempotency_key); amount
  // echoed; instructions name the amount in major units (e.g. "12.34 EUR",
  // "1500 JPY"), the payee and the reference to quote (the id).
  absl::StatusOr<ProviderPayment> CreatePayment(const PaymentRequest& request) override;

  absl::StatusOr<ProviderPayment> GetPayment(absl::string_view provider_id) override;

  absl::StatusOr<ProviderPayment> CancelPayment(absl::string_view provider_id,
                                        absl::string_view idempotency_key) override;

 private:
  const ManualGatewayOptions options_;
};

// "mpay_" + the first 15 bytes of SHA-256(idempotency_key) in lower-case
// base32 (RFC 4648 alphabet, 24 characters): the same key always gives the
// same id, and ids are not guessable from one another.
std::string ManualPaymentId(absl::string_view idempotency_key);

// True for strings of ManualPaymentId's shape.
bool IsManualPaymentId(absl::string_view id);

// `amount` in major units with the currency's ISO 4217 minor digits, e.g.
// {EUR, 1234} -> "12.34 EUR", {JPY, 1500} -> "1500 JPY", {KWD, 1500} ->
// "1.500 KWD" (server/model/currency.h); two digits for a code it does not know.
std::string FormatMajorUnits(const Money& amount);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_PAYMENTS_MANUAL_GATEWAY_H_
