// LedgerRepository: the double-entry ledger's transactions, entries and
// account balances (rules in server/domain/ledger.h). See store.h for the
// transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_LEDGER_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_LEDGER_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/ledger.h"

namespace gigwire {

struct AccountBalance {
  Account account;
  int64_t balance_minor = 0;
};

// One entry as listed: its transaction's identity and time beside it.
struct LedgerEntryRow {
  int64_t transaction_seq = 0;  // commit order; with position, the paging key
  int32_t position = 0;         // the entry's place in its transaction
  std::string transaction_id;
  LedgerTransactionKind kind = LedgerTransactionKind::kFund;
  std::string booking_id;
  std::string milestone_id;
  std::string payout_id;
  int32_t fee_bps = 0;
  std::string actor_id;
  absl::Time create_time;
  LedgerEntry entry;
};

// Which entries to list; empty fields do not filter. At least one of
// owner_id and booking_id should be set except for admins' whole-ledger view.
struct LedgerEntryQuery {
  std::string owner_id;    // entries on this seller's (or booking's) own accounts
  std::string booking_id;  // entries of transactions of this booking
  std::optional<absl::Time> since;  // create_time >= since
  std::optional<absl::Time> until;  // create_time < until
  // Paging: entries after (after_seq, after_position) in commit order.
  int64_t after_seq = 0;
  int32_t after_position = -1;
  int limit = 50;  // entries
};

// What a booking's ledger transactions add up to, in its currency.
struct BookingLedgerTotals {
  int64_t funded = 0;              // into escrow
  int64_t released_to_seller = 0;  // seller entries (net of fees)
  int64_t platform_fees = 0;
  int64_t refunded = 0;  // back to the world (the buyer)
  int64_t in_escrow = 0;
};

// Escrow a user is a party to, per currency.
struct PartyEscrow {
  std::string currency_code;
  int64_t as_buyer_minor = 0;   // on bookings the user buys
  int64_t as_seller_minor = 0;  // on bookings the user sells
};

class LedgerRepository {
 public:
  virtual ~LedgerRepository() = default;

  // Appends `transaction` (its shape already checked: ShapeProblem) with its
  // entries and updates its accounts' balances. Errors: FAILED_PRECONDITION
  // (INSUFFICIENT_FUNDS) when an account other than the world would go
  // negative; OUT_OF_RANGE when a balance would overflow; ALREADY_EXISTS for a
  // transaction id already posted. The caller's store transaction rolls back
  // on error, so nothing is half-posted.
  virtual absl::Status Append(const LedgerTransaction& transaction) = 0;

  // The account's balance; 0 for an account never touched.
  virtual absl::StatusOr<int64_t> Balance(const Account& account) = 0;
  // Every account `owner_id` owns (a seller's available balance per
  // currency, a booking's escrow), by key.
  virtual absl::StatusOr<std::vector<AccountBalance>> BalancesOf(const std::string& owner_id) = 0;

  // Totals of `booking_id`'s transactions in `currency_code` (all 0 if none).
  virtual absl::StatusOr<BookingLedgerTotals> TotalsOfBooking(
      const std::string& booking_id, const std::string& currency_code) = 0;
  // The escrow balances of the bookings `user_id` buys or sells, per
  // currency (currencies with none left out), by currency code.
  virtual absl::StatusOr<std::vector<PartyEscrow>> EscrowOfParty(const std::string& user_id) = 0;

  virtual absl::StatusOr<std::vector<LedgerEntryRow>> ListEntries(
      const LedgerEntryQuery& query) = 0;

  // Every transaction with its entries in commit order, then every stored
  // balance (reconciliation); streamed, not loaded at once.
  virtual absl::Status ForEachTransaction(
      absl::FunctionRef<void(const LedgerTransaction&)> visit) = 0;
  virtual absl::Status ForEachBalance(absl::FunctionRef<void(const AccountBalance&)> visit) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_LEDGER_REPOSITORY_H_
