// Input checks shared by every PaymentGateway: what a request must look like
// before any gateway acts on it, so that the manual and the Stripe gateway
// refuse the same requests with the same field violations.
//
// Field names are PaymentRequest's: "idempotency_key", "amount.amount_minor",
// "amount.currency_code", "description", "booking_id", "milestone_id",
// "buyer_id".
//
// Thread safety: all functions are pure and thread-safe.
#ifndef GIGWIRE_SERVER_PAYMENTS_PAYMENT_CHECKS_H_
#define GIGWIRE_SERVER_PAYMENTS_PAYMENT_CHECKS_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/common/status.h"
#include "server/payments/payment_gateway.h"

namespace gigwire {

// Stripe's limits, applied to every gateway so that switching gateways never
// turns an accepted request into a refused one.
inline constexpr size_t kMaxIdempotencyKeyBytes = 255;
inline constexpr size_t kMaxDescriptionBytes = 1000;
inline constexpr size_t kMaxMetadataValueBytes = 500;

// Adds a violation to `v` unless `key` is 1..255 bytes of printable ASCII
// (it travels in an HTTP header: no control characters, no line breaks).
void CheckIdempotencyKey(absl::string_view key, Violations& v);

// OK, or INVALID_ARGUMENT (reason INVALID_FIELDS) listing every violation:
// the key as above; amount_minor > 0; currency_code an active ISO 4217 code
// in upper case (server/model/currency.h; whether the provider supports it
// is the provider's answer); description at most 1000 bytes; booking_id,
// milestone_id and buyer_id at most 500 bytes each.
absl::Status CheckPaymentRequest(const PaymentRequest& request);

// OK, or INVALID_ARGUMENT (field idempotency_key) from the check above.
absl::Status CheckIdempotencyKey(absl::string_view key);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_PAYMENTS_PAYMENT_CHECKS_H_
