// The double-entry ledger's rules (issue 15): the balanced transaction each
// money step writes, the balances they add up to, and the reconciliation that
// checks every invariant over the whole ledger. Pure: no store, no clock; the
// milestone and payout services post what these build in the same store
// transaction as their state change.
//
// Money steps and their entries (X the amount, F the platform fee):
//   fund        world -X, escrow(booking) +X
//   release     escrow(booking) -X, seller +(X-F), platform +F
//   refund      escrow(booking) -X, world +X
//   resolution  escrow(booking) -(S+R), seller +(S-F), platform +F, world +R
//   payout      seller -X, world +X
// with F = floor(X * fee_bps / 10000) of the released part. Entries with a
// zero amount are left out.
//
// Invariants (Reconciler checks them all): every transaction sums to zero per
// currency and has its kind's shape; no account but the world ever goes
// negative; no balance overflows int64; each booking's escrow equals funded -
// released - refunded, and equals what its milestones say is held.
//
// Thread safety: the functions are stateless; LedgerBalances and Reconciler
// are not thread-safe (one owner each).
#ifndef GIGWIRE_SERVER_DOMAIN_LEDGER_H_
#define GIGWIRE_SERVER_DOMAIN_LEDGER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/model/ledger.h"
#include "server/model/marketplace.h"

namespace gigwire {

inline constexpr int32_t kMaxFeeBasisPoints = 10'000;

// The transactions of each money step, without id, actor or time (the caller
// sets them). Errors: INVALID_ARGUMENT (INVALID_FIELDS) for a currency that is
// not ISO 4217, an amount <= 0 (a resolution's parts may be 0 but not both),
// parts in different currencies, ids missing, or fee_bps outside 0..10000;
// OUT_OF_RANGE when a resolution's parts overflow together.
absl::StatusOr<LedgerTransaction> FundTransaction(absl::string_view booking_id,
                                                  absl::string_view milestone_id,
                                                  const Money& amount);
absl::StatusOr<LedgerTransaction> ReleaseTransaction(absl::string_view booking_id,
                                                     absl::string_view milestone_id,
                                                     absl::string_view seller_id,
                                                     const Money& amount, int32_t fee_bps);
absl::StatusOr<LedgerTransaction> RefundTransaction(absl::string_view booking_id,
                                                    absl::string_view milestone_id,
                                                    const Money& amount);
absl::StatusOr<LedgerTransaction> ResolutionTransaction(
    absl::string_view booking_id, absl::string_view milestone_id, absl::string_view seller_id,
    const Money& to_seller, const Money& refunded, int32_t fee_bps);
absl::StatusOr<LedgerTransaction> PayoutTransaction(absl::string_view seller_id,
                                                    absl::string_view payout_id,
                                                    const Money& amount);

// What is wrong with `transaction`'s entries, or "" when they are balanced
// per currency, non-zero, in known currencies, and shaped as its kind says.
std::string ShapeProblem(const LedgerTransaction& transaction);

// Balances by account key, built by applying transactions in order.
class LedgerBalances {
 public:
  // Applies every entry or none. Errors: FAILED_PRECONDITION naming the
  // account when one other than the world would go negative (not enough
  // money); OUT_OF_RANGE when a balance would overflow.
  absl::Status Apply(const LedgerTransaction& transaction);
  // Applies the entries whatever they break (saturating instead of
  // overflowing): for reconciliation, which must go on past a violation.
  void ApplyUnchecked(const LedgerTransaction& transaction);

  int64_t Of(const Account& account) const;
  const absl::flat_hash_map<std::string, int64_t>& by_key() const { return balances_; }

 private:
  absl::flat_hash_map<std::string, int64_t> balances_;
};

struct ReconcileReport {
  int64_t transactions = 0;
  int64_t entries = 0;
  std::vector<std::string> violations;  // at most kMaxViolations, then one "... and N more"
  bool ok() const { return violations.empty(); }
};

// Checks the whole ledger in one pass: feed it every transaction in commit
// order, then what the rest of the system says (stored balances, the escrow
// each booking's milestones hold), then Finish. Memory is per account and
// booking, not per entry.
class Reconciler {
 public:
  static constexpr size_t kMaxViolations = 100;

  void Add(const LedgerTransaction& transaction);
  // The balance the store keeps for `account_key` (checked against the replay).
  void ExpectBalance(const std::string& account_key, int64_t balance_minor);
  // What `booking_id`'s milestones hold in escrow (funded, not yet released
  // or refunded) in `currency_code`.
  void ExpectEscrow(const std::string& booking_id, const Money& held);
  // Every booking whose milestones hold money was named with ExpectEscrow:
  // an escrow account holding money for any other booking is a violation.
  void ExpectEscrowListComplete() { escrow_list_complete_ = true; }
  ReconcileReport Finish();

 private:
  struct EscrowTally {
    int64_t funded = 0, released = 0, refunded = 0;
  };
  void Violation(std::string text);
  void Tally(const LedgerTransaction& transaction);

  LedgerBalances balances_;
  absl::flat_hash_map<std::string, EscrowTally> escrow_;  // by escrow account key
  absl::flat_hash_map<std::string, int64_t> expected_balances_;
  absl::flat_hash_map<std::string, int64_t> expected_escrow_;  // by escrow account key
  ReconcileReport report_;
  int64_t dropped_violations_ = 0;
  bool escrow_list_complete_ = false;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_LEDGER_H_
