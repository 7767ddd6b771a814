// PaymentRepository and PayoutRepository: buyers' payments for milestones and
// sellers' payouts (rules in server/domain/payments.h, payouts.h). See
// store.h for the transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_PAYMENT_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_PAYMENT_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/payment.h"
#include "server/store/list_cursor.h"

namespace gigwire {

// Which payments to list, newest first; empty fields do not filter.
struct PaymentQuery {
  std::optional<PaymentState> state;
  std::string buyer_id;
  std::string booking_id;
  std::string milestone_id;
  std::string gateway;    // "manual" or "stripe"
  std::string seller_id;  // payments of bookings this user sells on
  std::optional<ListCursor> after;
  int limit = 50;
};

class PaymentRepository {
 public:
  virtual ~PaymentRepository() = default;
  virtual absl::StatusOr<Payment> FindById(const std::string& id) = 0;
  // ALREADY_EXISTS when the milestone already has a PENDING payment (at most
  // one is under way per milestone: a unique partial index).
  virtual absl::Status Insert(const Payment& payment) = 0;
  // ABORTED (ETAG_MISMATCH) unless the stored version is `expected_version`.
  virtual absl::Status Update(const Payment& payment, int64_t expected_version) = 0;
  // The milestone's PENDING payment; NOT_FOUND when none.
  virtual absl::StatusOr<Payment> FindPendingForMilestone(const std::string& milestone_id) = 0;
  virtual absl::StatusOr<std::vector<Payment>> List(const PaymentQuery& query) = 0;
};

struct PayoutQuery {
  std::optional<PayoutState> state;
  std::string seller_id;
  std::optional<ListCursor> after;
  int limit = 50;
};

class PayoutRepository {
 public:
  virtual ~PayoutRepository() = default;
  virtual absl::StatusOr<Payout> FindById(const std::string& id) = 0;
  virtual absl::Status Insert(const Payout& payout) = 0;
  // ABORTED (ETAG_MISMATCH) unless the stored version is `expected_version`.
  virtual absl::Status Update(const Payout& payout, int64_t expected_version) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<Payout>> List(const PayoutQuery& query) = 0;
  // The sum of the seller's REQUESTED payouts in `currency_code` (0 if none).
  virtual absl::StatusOr<int64_t> RequestedTotal(const std::string& seller_id,
                                                 const std::string& currency_code) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_PAYMENT_REPOSITORY_H_
