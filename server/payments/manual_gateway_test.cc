// ManualGateway: ids derived from the key, instructions, the request checks
// every gateway shares (payment_checks.h), and what Get/Cancel can honestly say.
#include "server/payments/manual_gateway.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

PaymentRequest Request(std::string key = "fund:mst_1:attempt:1") {
  PaymentRequest request;
  request.idempotency_key = std::move(key);
  request.amount = Money{"EUR", 1234};
  request.booking_id = "bkg_1";
  request.milestone_id = "mst_1";
  request.buyer_id = "usr_1";
  request.description = "Logo design, milestone 1";
  return request;
}

// The fields named by an INVALID_ARGUMENT's violations.
std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  for (const auto& violation : details.field_violations()) {
    fields.push_back(violation.field());
  }
  return fields;
}

TEST(ManualGatewayTest, CreateIsPendingWithAnIdDerivedFromTheKey) {
  ManualGateway gateway;
  absl::StatusOr<ProviderPayment> payment = gateway.CreatePayment(Request());
  ASSERT_TRUE(payment.ok()) << payment.status();
  EXPECT_EQ(payment->status, PaymentStatus::kPending);
  EXPECT_THAT(payment->provider_id, MatchesRegex("mpay_[a-z2-7]{24}"));
  EXPECT_EQ(payment->provider_id, ManualPaymentId("fund:mst_1:attempt:1"));
  EXPECT_EQ(payment->amount, (Money{"EUR", 1234}));
  EXPECT_TRUE(payment->client_secret.empty());
  EXPECT_TRUE(payment->failure_reason.empty());
  EXPECT_EQ(gateway.name(), "manual");
}

TEST(ManualGatewayTest, SameKeySameIdAcrossInstancesOtherKeyOtherId) {
  ManualGateway first;
  ManualGateway second;  // e.g. after a restart: nothing kept in memory
  absl::StatusOr<ProviderPayment> a = first.CreatePayment(Request("key-a"));
  absl::StatusOr<ProviderPayment> again = second.CreatePayment(Request("key-a"));
  absl::StatusOr<ProviderPayment> b = first.CreatePayment(Request("key-b"));
  ASSERT_TRUE(a.ok() && again.ok() && b.ok());
  EXPECT_EQ(a->provider_id, again->provider_id);
  EXPECT_EQ(a->instructions, again->instructions);
  EXPECT_NE(a->provider_id, b->provider_id);
}

TEST(ManualGatewayTest, IdIsAFixedFunctionOfTheKey) {
  // SHA-256("abc") = ba7816bf8f01cfea 414140de5dae2223 ...: its first 15 bytes
  // in RFC 4648 base32. Pinned: ids already handed to buyers must not change.
  EXPECT_EQ(ManualPaymentId("abc"), "mpay_xj4bnp4pahh6uqkbidpf3lrc");
  EXPECT_TRUE(IsManualPaymentId(ManualPaymentId("abc")));
  EXPECT_FALSE(IsManualPaymentId("mpay_"));
  EXPECT_FALSE(IsManualPaymentId("mpay_XOTA5P4PAHH6UQKBIDPF3LRC"));
  EXPECT_FALSE(IsManualPaymentId("pi_123"));
}

TEST(ManualGatewayTest, InstructionsQuoteAmountPayeeAndReference) {
  ManualGateway gateway(ManualGatewayOptions{"Gigwire Ltd, IBAN DE89 3704 0044 0532 0130 00"});
  absl::StatusOr<ProviderPayment> payment = gateway.CreatePayment(Request());
  ASSERT_TRUE(payment.ok());
  EXPECT_THAT(payment->instructions, HasSubstr("Transfer 12.34 EUR to Gigwire Ltd, IBAN DE89"));
  EXPECT_THAT(payment->instructions, HasSubstr("reference " + payment->provider_id));

  absl::StatusOr<ProviderPayment> default_payee = ManualGateway().CreatePayment(Request());
  ASSERT_TRUE(default_payee.ok());
  EXPECT_THAT(default_payee->instructions, HasSubstr("to the marketplace's bank account"));
}

TEST(ManualGatewayTest, MajorUnitsFollowIsoMinorDigits) {
  EXPECT_EQ(FormatMajorUnits({"EUR", 1234}), "12.34 EUR");
  EXPECT_EQ(FormatMajorUnits({"USD", 5}), "0.05 USD");
  EXPECT_EQ(FormatMajorUnits({"JPY", 1500}), "1500 JPY");
  EXPECT_EQ(FormatMajorUnits({"ISK", 990}), "990 ISK");
  EXPECT_EQ(FormatMajorUnits({"KWD", 1500}), "1.500 KWD");
  EXPECT_EQ(FormatMajorUnits({"CLF", 12345}), "1.2345 CLF");
  EXPECT_EQ(FormatMajorUnits({"EUR", -250}), "-2.50 EUR");
  EXPECT_EQ(FormatMajorUnits({"QQQ", 250}), "2.50 QQQ");
  EXPECT_EQ(FormatMajorUnits({"EUR", 9223372036854775807}), "92233720368547758.07 EUR");
}

TEST(ManualGatewayTest, RefusesBadRequestsWithFieldViolations) {
  ManualGateway gateway;
  struct Case {
    std::function<void(PaymentRequest&)> spoil;
    std::string field;
  };
  const Case cases[] = {
      {[](PaymentRequest& r) { r.idempotency_key = ""; }, "idempotency_key"},
      {[](PaymentRequest& r) { r.idempotency_key = std::string(256, 'k'); }, "idempotency_key"},
      {[](PaymentRequest& r) { r.idempotency_key = "a\r\nX-Evil: 1"; }, "idempotency_key"},
      {[](PaymentRequest& r) { r.amount.amount_minor = 0; }, "amount.amount_minor"},
      {[](PaymentRequest& r) { r.amount.amount_minor = -1; }, "amount.amount_minor"},
      {[](PaymentRequest& r) { r.amount.currency_code = "eur"; }, "amount.currency_code"},
      {[](PaymentRequest& r) { r.amount.currency_code = "EU"; }, "amount.currency_code"},
      {[](PaymentRequest& r) { r.amount.currency_code = "EURO"; }, "amount.currency_code"},
      {[](PaymentRequest& r) { r.amount.currency_code = ""; }, "amount.currency_code"},
      {[](PaymentRequest& r) { r.amount.currency_code = "ABC"; }, "amount.currency_code"},
      {[](PaymentRequest& r) { r.amount.currency_code = "XAU"; }, "amount.currency_code"},
      {[](PaymentRequest& r) { r.description = std::string(1001, 'd'); }, "description"},
      {[](PaymentRequest& r) { r.milestone_id = std::string(501, 'm'); }, "milestone_id"},
  };
  for (const Case& c : cases) {
    PaymentRequest request = Request();
    c.spoil(request);
    absl::StatusOr<ProviderPayment> payment = gateway.CreatePayment(request);
    EXPECT_EQ(payment.status().code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(ReasonOf(payment.status()), v1::INVALID_FIELDS) << c.field;
    EXPECT_THAT(ViolatedFields(payment.status()), ::testing::ElementsAre(c.field));
  }
}

TEST(ManualGatewayTest, AcceptsTheLimitsThemselves) {
  ManualGateway gateway;
  PaymentRequest request = Request(std::string(255, 'k'));
  request.amount = Money{"JPY", 1};
  request.description = std::string(1000, 'd');
  EXPECT_TRUE(gateway.CreatePayment(request).ok());
}

TEST(ManualGatewayTest, ReportsEveryViolationAtOnce) {
  PaymentRequest request;
  absl::StatusOr<ProviderPayment> payment = ManualGateway().CreatePayment(request);
  EXPECT_THAT(ViolatedFields(payment.status()),
              ::testing::ElementsAre("idempotency_key", "amount.amount_minor",
                                     "amount.currency_code"));
}

TEST(ManualGatewayTest, GetSaysPendingAndNothingItCannotKnow) {
  ManualGateway gateway;
  const std::string id = ManualPaymentId("k");
  absl::StatusOr<ProviderPayment> payment = gateway.GetPayment(id);
  ASSERT_TRUE(payment.ok()) << payment.status();
  EXPECT_EQ(payment->provider_id, id);
  EXPECT_EQ(payment->status, PaymentStatus::kPending);
  EXPECT_EQ(payment->amount, Money{});
  EXPECT_TRUE(payment->instructions.empty());
}

TEST(ManualGatewayTest, UnknownIdsAreNotFound) {
  ManualGateway gateway;
  for (const char* id : {"", "pi_123", "mpay_short", "mpay_xj4bnp4pahh6uqkbidpf3lr!"}) {
    EXPECT_EQ(gateway.GetPayment(id).status().code(), absl::StatusCode::kNotFound) << id;
    EXPECT_EQ(gateway.CancelPayment(id, "k").status().code(), absl::StatusCode::kNotFound) << id;
  }
}

TEST(ManualGatewayTest, CancelIsCancelledAndNeedsAKey) {
  ManualGateway gateway;
  const std::string id = ManualPaymentId("k");
  absl::StatusOr<ProviderPayment> cancelled = gateway.CancelPayment(id, "cancel:mst_1:1");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->provider_id, id);
  EXPECT_EQ(cancelled->status, PaymentStatus::kCancelled);
  EXPECT_EQ(gateway.CancelPayment(id, "").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PaymentStatusNameTest, NamesEveryStatus) {
  EXPECT_STREQ(PaymentStatusName(PaymentStatus::kPending), "PENDING");
  EXPECT_STREQ(PaymentStatusName(PaymentStatus::kSucceeded), "SUCCEEDED");
  EXPECT_STREQ(PaymentStatusName(PaymentStatus::kFailed), "FAILED");
  EXPECT_STREQ(PaymentStatusName(PaymentStatus::kCancelled), "CANCELLED");
}

}  // namespace
}  // namespace gigwire
