// PaymentIntents through Stripe's REST API; see stripe_gateway.h.
#include "server/payments/stripe_gateway.h"

#include <cmath>
#include <limits>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/payments/payment_checks.h"

namespace gigwire {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr char kIntentsPath[] = "/v1/payment_intents";
constexpr int64_t kIskFactor = 100;  // Stripe keeps ISK two-decimal
constexpr double kMaxExactDouble = 9007199254740992.0;  // 2^53

bool IsIntentId(absl::string_view id) {
  if (!absl::StartsWith(id, "pi_") || id.size() == 3 || id.size() > 255) return false;
  for (char c : id) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  }
  return true;
}

const Value* Field(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? nullptr : &it->second;
}

std::string StringField(const Struct& object, const std::string& name) {
  const Value* value = Field(object, name);
  return value != nullptr && value->has_string_value() ? value->string_value() : "";
}

absl::Status Unreadable(absl::string_view what) {
  return absl::UnavailableError(absl::StrCat(
      "stripe: unreadable PaymentIntent (", what, "); retry with the same idempotency key"));
}

// What last_payment_error says, or "" when there is none.
std::string FailureReason(const Struct& intent) {
  const Value* error = Field(intent, "last_payment_error");
  if (error == nullptr || !error->has_struct_value()) return "";
  for (const char* name : {"message", "decline_code", "code", "type"}) {
    std::string text = StringField(error->struct_value(), name);
    if (!text.empty()) return text;
  }
  return "the payment failed";
}

PaymentStatus MapStatus(absl::string_view stripe_status, bool has_failure) {
  if (stripe_status == "succeeded") return PaymentStatus::kSucceeded;
  if (stripe_status == "canceled") return PaymentStatus::kCancelled;
  if (stripe_status == "requires_payment_method" && has_failure) return PaymentStatus::kFailed;
  return PaymentStatus::kPending;
}

absl::StatusOr<Money> AmountOf(const Struct& intent) {
  const Value* amount = Field(intent, "amount");
  const std::string currency = absl::AsciiStrToUpper(StringField(intent, "currency"));
  if (amount == nullptr || !amount->has_number_value()) return Unreadable("no amount");
  const double number = amount->number_value();
  if (!(number >= 0 && number <= kMaxExactDouble) || std::floor(number) != number) {
    return Unreadable("amount is not a whole number");
  }
  if (currency.size() != 3) return Unreadable("no currency");
  int64_t minor = static_cast<int64_t>(number);
  if (currency == "ISK") {
    if (minor % kIskFactor != 0) return Unreadable("ISK amount in fractions of a króna");
    minor /= kIskFactor;
  }
  return Money{currency, minor};
}

FormFields CreateForm(const PaymentRequest& request, int64_t stripe_amount) {
  FormFields form = {
      {"amount", absl::StrCat(stripe_amount)},
      {"currency", absl::AsciiStrToLower(request.amount.currency_code)},
      {"automatic_payment_methods[enabled]", "true"},
  };
  const std::pair<const char*, const std::string*> optional[] = {
      {"description", &request.description},
      {"metadata[booking_id]", &request.booking_id},
      {"metadata[milestone_id]", &request.milestone_id},
      {"metadata[buyer_id]", &request.buyer_id}};
  for (const auto& [name, value] : optional) {
    if (!value->empty()) form.emplace_back(name, *value);
  }
  return form;
}

absl::Status UnknownIntent(absl::string_view provider_id) {
  return NotFound(absl::StrCat("payment ", provider_id));
}

}  // namespace

absl::StatusOr<int64_t> ToStripeAmount(const Money& amount) {
  if (amount.currency_code != "ISK") return amount.amount_minor;
  if (amount.amount_minor > std::numeric_limits<int64_t>::max() / kIskFactor ||
      amount.amount_minor < std::numeric_limits<int64_t>::min() / kIskFactor) {
    return InvalidField("amount.amount_minor", "too large for Stripe");
  }
  return amount.amount_minor * kIskFactor;
}

absl::StatusOr<ProviderPayment> PaymentFromIntent(const Struct& intent) {
  ProviderPayment payment;
  payment.provider_id = StringField(intent, "id");
  if (payment.provider_id.empty()) return Unreadable("no id");
  const std::string status = StringField(intent, "status");
  if (status.empty()) return Unreadable("no status");
  GW_ASSIGN_OR_RETURN(payment.amount, AmountOf(intent));
  payment.failure_reason = FailureReason(intent);
  payment.status = MapStatus(status, !payment.failure_reason.empty());
  if (payment.status != PaymentStatus::kFailed) payment.failure_reason.clear();
  payment.client_secret = StringField(intent, "client_secret");
  return payment;
}

absl::StatusOr<std::unique_ptr<StripeGateway>> StripeGateway::Create(StripeOptions options) {
  GW_ASSIGN_OR_RETURN(std::unique_ptr<StripeClient> client,
                      StripeClient::Create(std::move(options)));
  return std::unique_ptr<StripeGateway>(new StripeGateway(std::move(client)));
}

absl::StatusOr<ProviderPayment> StripeGateway::CreatePayment(const PaymentRequest& request) {
  GW_RETURN_IF_ERROR(CheckPaymentRequest(request));
  GW_ASSIGN_OR_RETURN(int64_t stripe_amount, ToStripeAmount(request.amount));
  GW_ASSIGN_OR_RETURN(Struct intent, client_->Post(kIntentsPath, CreateForm(request, stripe_amount),
                                                   request.idempotency_key));
  return PaymentFromIntent(intent);
}

absl::StatusOr<ProviderPayment> StripeGateway::GetPayment(absl::string_view provider_id) {
  if (!IsIntentId(provider_id)) return UnknownIntent(provider_id);
  GW_ASSIGN_OR_RETURN(Struct intent, client_->Get(absl::StrCat(kIntentsPath, "/", provider_id)));
  return PaymentFromIntent(intent);
}

absl::StatusOr<ProviderPayment> StripeGateway::CancelPayment(absl::string_view provider_id,
                                                     absl::string_view idempotency_key) {
  if (!IsIntentId(provider_id)) return UnknownIntent(provider_id);
  GW_RETURN_IF_ERROR(CheckIdempotencyKey(idempotency_key));
  absl::StatusOr<Struct> intent =
      client_->Post(absl::StrCat(kIntentsPath, "/", provider_id, "/cancel"), {}, idempotency_key);
  if (intent.ok()) return PaymentFromIntent(*intent);
  if (StripeErrorCode(intent.status()) != "payment_intent_unexpected_state") {
    return intent.status();
  }
  // Refused for its state: already cancelled is success for a cancel.
  absl::StatusOr<ProviderPayment> current = GetPayment(provider_id);
  if (current.ok() && current->status == PaymentStatus::kCancelled) return current;
  return intent.status();
}

}  // namespace gigwire
