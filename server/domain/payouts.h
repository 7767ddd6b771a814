// Payouts of sellers' available balances (issue 15): the seller requests
// one, an admin pays it through the operator's bank and marks it paid, which
// posts the ledger's payout transaction (seller -> world) in the same store
// transaction. A request may ask at most the withdrawable balance (available
// minus payouts already requested), so marking every request paid can never
// overdraw the account.
//
// Visibility: a payout is visible to its seller and admins (NOT_FOUND
// otherwise). Events: PAYOUT_REQUESTED, _PAID, _CANCELLED. Admins' actions
// are audited.
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_PAYOUTS_H_
#define GIGWIRE_SERVER_DOMAIN_PAYOUTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/domain/idempotency.h"
#include "server/domain/milestone_moves.h"
#include "server/model/payment.h"
#include "server/store/store.h"

namespace gigwire {

struct PayoutPage {
  std::vector<Payout> payouts;
  std::string next_page_token;
};

class Payouts {
 public:
  Payouts(Store& store, const MilestoneMover& mover) : store_(store), mover_(mover) {}

  // Errors: INVALID_ARGUMENT (amount > 0 in an ISO 4217 currency);
  // FAILED_PRECONDITION (INSUFFICIENT_FUNDS) over the withdrawable balance.
  absl::StatusOr<Payout> Request(const Principal& caller, const Money& amount,
                                 const RequestKey& key);
  // Newest first: a seller's own; admins all, or one seller's.
  absl::StatusOr<PayoutPage> List(const Principal& caller, std::optional<PayoutState> state,
                                  const std::string& seller_id, int page_size,
                                  absl::string_view page_token);
  // Admins. Errors: INVALID_ARGUMENT (reference 1..200 characters);
  // FAILED_PRECONDITION (INVALID_STATE) unless REQUESTED.
  absl::StatusOr<Payout> MarkPaid(const Principal& caller, const std::string& id,
                                  const std::string& reference, const RequestKey& key);
  // Its seller or admins. Errors: INVALID_ARGUMENT (reason 1..500);
  // FAILED_PRECONDITION (INVALID_STATE) unless REQUESTED.
  absl::StatusOr<Payout> Cancel(const Principal& caller, const std::string& id,
                                const std::string& reason, const RequestKey& key);

 private:
  Store& store_;
  const MilestoneMover& mover_;
};

// NOT_FOUND unless `caller` is the payout's seller or an admin.
absl::StatusOr<Payout> LoadVisiblePayout(Tx& tx, const Principal& caller, const std::string& id);

// What `seller_id` may still ask to be paid out in `currency_code`: the
// available balance minus REQUESTED payouts.
absl::StatusOr<int64_t> WithdrawableBalance(Tx& tx, const std::string& seller_id,
                                            const std::string& currency_code);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_PAYOUTS_H_
