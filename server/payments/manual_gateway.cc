// The manual (bank transfer) gateway; see manual_gateway.h.
#include "server/payments/manual_gateway.h"

#include <openssl/evp.h>

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/common/status.h"
#include "server/model/currency.h"
#include "server/payments/payment_checks.h"

namespace gigwire {
namespace {

constexpr absl::string_view kIdPrefix = "mpay_";
constexpr char kBase32Alphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
constexpr size_t kIdDigestBytes = 15;  // 120 bits: 24 base32 characters
constexpr size_t kIdChars = kIdDigestBytes * 8 / 5;

std::string Sha256Prefix(absl::string_view data, size_t bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(), nullptr);
  return std::string(reinterpret_cast<const char*>(digest), bytes);
}

// RFC 4648 base32, lower case, for inputs whose bit length is a multiple of 5.
std::string Base32(absl::string_view bytes) {
  std::string out;
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kBase32Alphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  return out;
}

std::string Instructions(const ManualGatewayOptions& options, const Money& amount,
                         absl::string_view reference) {
  absl::string_view payee = options.payee_details;
  if (payee.empty()) payee = "the marketplace's bank account";
  return absl::StrCat("Transfer ", FormatMajorUnits(amount), " to ", payee,
                      " quoting the reference ", reference,
                      ". The milestone is funded once an admin confirms the transfer arrived.");
}

}  // namespace

std::string ManualPaymentId(absl::string_view idempotency_key) {
  return absl::StrCat(kIdPrefix, Base32(Sha256Prefix(idempotency_key, kIdDigestBytes)));
}

bool IsManualPaymentId(absl::string_view id) {
  if (id.size() != kIdPrefix.size() + kIdChars || id.substr(0, kIdPrefix.size()) != kIdPrefix) {
    return false;
  }
  for (char c : id.substr(kIdPrefix.size())) {
    if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) return false;
  }
  return true;
}

std::string FormatMajorUnits(const Money& amount) {
  const int digits = CurrencyMinorDigits(amount.currency_code).value_or(2);
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const int64_t minor = amount.amount_minor;
  const char* sign = minor < 0 ? "-" : "";
  // Negate in unsigned arithmetic: well defined even for INT64_MIN.
  const uint64_t magnitude = minor < 0 ? 0 - static_cast<uint64_t>(minor) : minor;
  const uint64_t whole = magnitude / scale;
  if (digits == 0) return absl::StrCat(sign, whole, " ", amount.currency_code);
  return absl::StrFormat("%s%d.%0*d %s", sign, whole, digits, magnitude % scale,
                         amount.currency_code);
}

ManualGateway::ManualGateway(ManualGatewayOptions options) : options_(std::move(options)) {}

absl::StatusOr<ProviderPayment> ManualGateway::CreatePayment(const PaymentRequest& request) {
  GW_RETURN_IF_ERROR(CheckPaymentRequest(request));
  ProviderPayment payment;
  payment.provider_id = ManualPaymentId(request.idempotency_key);
  payment.status = PaymentStatus::kPending;
  payment.amount = request.amount;
  payment.instructions = Instructions(options_, request.amount, payment.provider_id);
  return payment;
}

absl::StatusOr<ProviderPayment> ManualGateway::GetPayment(absl::string_view provider_id) {
  if (!IsManualPaymentId(provider_id)) return NotFound(absl::StrCat("payment ", provider_id));
  ProviderPayment payment;
  payment.provider_id = std::string(provider_id);
  payment.status = PaymentStatus::kPending;
  return payment;
}

absl::StatusOr<ProviderPayment> ManualGateway::CancelPayment(absl::string_view provider_id,
                                                     absl::string_view idempotency_key) {
  if (!IsManualPaymentId(provider_id)) return NotFound(absl::StrCat("payment ", provider_id));
  GW_RETURN_IF_ERROR(CheckIdempotencyKey(idempotency_key));
  ProviderPayment payment;
  payment.provider_id = std::string(provider_id);
  payment.status = PaymentStatus::kCancelled;
  return payment;
}

}  // namespace gigwire
