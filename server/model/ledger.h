// Plain types of the double-entry ledger (issue 15): accounts, entries, and
// the balanced transactions that group them. No gRPC, no SQL; the rules that
// build and check them are in server/domain/ledger.h.
//
// Sign convention: an entry's amount is added to its account's balance
// (positive: money arrives there; negative: money leaves). The entries of one
// transaction sum to zero per currency. The outside world is the one account
// whose balance goes negative: its balance is minus the money inside Gigwire.
#ifndef GIGWIRE_SERVER_MODEL_LEDGER_H_
#define GIGWIRE_SERVER_MODEL_LEDGER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace gigwire {

enum class AccountKind : uint8_t {
  kWorld = 1,            // outside Gigwire: funding comes from it, refunds and payouts go to it
  kEscrow = 2,           // one per booking: funded milestones not yet released or refunded
  kSellerAvailable = 3,  // one per seller: released money not yet paid out
  kPlatformFees = 4,     // the platform's fees
};
const char* AccountKindName(AccountKind kind);

// An account is its kind, its owner (the booking for escrow, the seller for
// an available balance, none otherwise) and one currency.
struct Account {
  AccountKind kind = AccountKind::kWorld;
  std::string owner_id;
  std::string currency_code;

  // "world:USD", "escrow:bkg_1:USD", "seller:usr_1:USD", "platform:USD".
  std::string Key() const;
};

inline bool operator==(const Account& a, const Account& b) {
  return a.kind == b.kind && a.owner_id == b.owner_id && a.currency_code == b.currency_code;
}

enum class LedgerTransactionKind : uint8_t {
  kFund = 1,        // world -> escrow: a milestone funded
  kRelease = 2,     // escrow -> seller available (+ platform fee): a milestone released
  kRefund = 3,      // escrow -> world: a milestone cancelled, or a dispute's refunded part
  kPayout = 4,      // seller available -> world: a payout marked paid
  kResolution = 5,  // escrow -> seller (+ fee) and world: a dispute settled in two parts
};
const char* LedgerTransactionKindName(LedgerTransactionKind kind);

struct LedgerEntry {
  Account account;
  int64_t amount_minor = 0;  // signed; see the sign convention above
};

struct LedgerTransaction {
  std::string id;  // "ltx_..."
  LedgerTransactionKind kind = LedgerTransactionKind::kFund;
  std::string booking_id;    // empty for payouts
  std::string milestone_id;  // empty for payouts
  std::string payout_id;     // payouts only
  int32_t fee_bps = 0;       // the platform fee rate applied (releases, resolutions)
  std::string actor_id;      // who caused it ("system" for the scheduler's auto-release)
  absl::Time create_time;
  std::vector<LedgerEntry> entries;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_LEDGER_H_
