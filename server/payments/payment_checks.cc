// Shared request checks; see payment_checks.h.
#include "server/payments/payment_checks.h"

#include "absl/strings/str_cat.h"
#include "server/model/currency.h"

namespace gigwire {
namespace {

bool IsPrintableAscii(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

void CheckLength(absl::string_view field, absl::string_view value, size_t max, Violations& v) {
  if (value.size() > max) v.Add(field, absl::StrCat("at most ", max, " bytes"));
}

}  // namespace

void CheckIdempotencyKey(absl::string_view key, Violations& v) {
  if (key.empty()) {
    v.Add("idempotency_key", "required");
  } else if (key.size() > kMaxIdempotencyKeyBytes) {
    v.Add("idempotency_key", absl::StrCat("at most ", kMaxIdempotencyKeyBytes, " bytes"));
  } else if (!IsPrintableAscii(key)) {
    v.Add("idempotency_key", "printable ASCII only");
  }
}

absl::Status CheckPaymentRequest(const PaymentRequest& request) {
  Violations v;
  CheckIdempotencyKey(request.idempotency_key, v);
  if (request.amount.amount_minor <= 0) v.Add("amount.amount_minor", "must be positive");
  if (!IsKnownCurrency(request.amount.currency_code)) {
    v.Add("amount.currency_code", "an ISO 4217 currency code in upper case, e.g. EUR");
  }
  CheckLength("description", request.description, kMaxDescriptionBytes, v);
  CheckLength("booking_id", request.booking_id, kMaxMetadataValueBytes, v);
  CheckLength("milestone_id", request.milestone_id, kMaxMetadataValueBytes, v);
  CheckLength("buyer_id", request.buyer_id, kMaxMetadataValueBytes, v);
  return v.ToStatus();
}

absl::Status CheckIdempotencyKey(absl::string_view key) {
  Violations v;
  CheckIdempotencyKey(key, v);
  return v.ToStatus();
}

}  // namespace gigwire
