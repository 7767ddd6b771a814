// Plain types of money coming in and going out (issue 15): a buyer's payment
// for one milestone, and a payout of a seller's available balance. No gRPC,
// no SQL; the rules are in server/domain/payments.h and payouts.h, the
// provider side in server/payments/payment_gateway.h.
#ifndef GIGWIRE_SERVER_MODEL_PAYMENT_H_
#define GIGWIRE_SERVER_MODEL_PAYMENT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "server/model/marketplace.h"

namespace gigwire {

// Same numbers as gigwire.v1.PaymentState.
enum class PaymentState : uint8_t {
  kPending = 1,    // waiting for the buyer's money
  kSucceeded = 2,  // arrived; the milestone is funded
  kFailed = 3,     // refused by the provider
  kCancelled = 4,  // cancelled before it succeeded
};
const char* PaymentStateName(PaymentState state);

struct Payment {
  std::string id;  // "pay_..."
  std::string milestone_id;
  std::string booking_id;
  std::string buyer_id;
  Money amount;
  std::string gateway;      // "manual" or "stripe"
  std::string provider_id;  // the gateway's id
  PaymentState state = PaymentState::kPending;
  std::string client_secret;  // Stripe's, shown to the buyer only
  std::string instructions;   // the manual gateway's transfer instructions
  std::string failure_reason;
  std::string confirmed_by;
  std::string confirmation_note;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
};

// Same numbers as gigwire.v1.PayoutState.
enum class PayoutState : uint8_t {
  kRequested = 1,  // an admin pays it
  kPaid = 2,       // the money left Gigwire
  kCancelled = 3,
};
const char* PayoutStateName(PayoutState state);

struct Payout {
  std::string id;  // "pyt_..."
  std::string seller_id;
  Money amount;
  PayoutState state = PayoutState::kRequested;
  std::string paid_by;
  std::string reference;
  std::string cancel_reason;
  int64_t version = 1;
  absl::Time create_time;
  absl::Time update_time;
  std::optional<absl::Time> paid_time;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_PAYMENT_H_
