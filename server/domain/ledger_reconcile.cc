// The ledger's checks: transaction shapes, balances, reconciliation; see ledger.h.
#include <array>
#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/domain/ledger.h"
#include "server/model/currency.h"

namespace gigwire {
namespace {

using Kind = LedgerTransactionKind;

// Which accounts a kind of transaction may touch, in which direction
// (+1 money in, -1 money out, 0 not at all), and which it must touch.
struct Shape {
  std::array<int8_t, 5> sign;  // by AccountKind; [0] unused
  uint8_t required;            // bits by AccountKind
};

constexpr uint8_t Bit(AccountKind kind) { return static_cast<uint8_t>(1u << static_cast<int>(kind)); }

Shape ShapeOf(Kind kind) {
  constexpr auto kWorld = AccountKind::kWorld, kEscrow = AccountKind::kEscrow,
                 kSeller = AccountKind::kSellerAvailable;
  switch (kind) {
    case Kind::kFund: return {{0, -1, +1, 0, 0}, static_cast<uint8_t>(Bit(kWorld) | Bit(kEscrow))};
    case Kind::kRelease: return {{0, 0, -1, +1, +1}, static_cast<uint8_t>(Bit(kEscrow) | Bit(kSeller))};
    case Kind::kRefund: return {{0, +1, -1, 0, 0}, static_cast<uint8_t>(Bit(kEscrow) | Bit(kWorld))};
    case Kind::kResolution: return {{0, +1, -1, +1, +1}, Bit(kEscrow)};
    case Kind::kPayout: return {{0, +1, 0, -1, 0}, static_cast<uint8_t>(Bit(kSeller) | Bit(kWorld))};
  }
  return {{0, 0, 0, 0, 0}, 0xff};
}

// What is wrong with one entry of `transaction`, or "".
std::string EntryProblem(const LedgerTransaction& transaction, const LedgerEntry& entry,
                         const std::string& currency, const Shape& shape) {
  const Account& account = entry.account;
  const int kind = static_cast<int>(account.kind);
  if (kind < 1 || kind > 4) return "has an entry on an unknown kind of account";
  if (account.currency_code != currency) return "mixes currencies";
  if (entry.amount_minor == 0) return absl::StrCat("has a zero entry on ", account.Key());
  if (shape.sign[kind] == 0 || (shape.sign[kind] > 0) != (entry.amount_minor > 0)) {
    return absl::StrCat("moves money ", entry.amount_minor > 0 ? "into " : "out of ",
                        account.Key(), ", which a ", LedgerTransactionKindName(transaction.kind),
                        " may not");
  }
  const bool owned = account.kind == AccountKind::kEscrow ||
                     account.kind == AccountKind::kSellerAvailable;
  if (owned == account.owner_id.empty()) return absl::StrCat("names ", account.Key(), " badly");
  if (account.kind == AccountKind::kEscrow && account.owner_id != transaction.booking_id) {
    return absl::StrCat("touches ", account.Key(), ", the escrow of another booking");
  }
  return "";
}

std::string IdsProblem(const LedgerTransaction& transaction) {
  if (transaction.kind == Kind::kPayout) {
    return transaction.payout_id.empty() ? "is a payout without a payout id" : "";
  }
  if (transaction.booking_id.empty() || transaction.milestone_id.empty()) {
    return "lacks its booking or milestone id";
  }
  return "";
}

// For releases and resolutions: the platform's entry is the fee of what the
// seller side received at the recorded rate.
std::string FeeProblem(const LedgerTransaction& transaction) {
  if (transaction.kind != Kind::kRelease && transaction.kind != Kind::kResolution) return "";
  int64_t seller = 0, platform = 0;
  for (const LedgerEntry& entry : transaction.entries) {
    if (entry.account.kind == AccountKind::kSellerAvailable) seller = entry.amount_minor;
    if (entry.account.kind == AccountKind::kPlatformFees) platform = entry.amount_minor;
  }
  std::optional<int64_t> released = CheckedAdd(seller, platform);
  if (!released) return "overflows";
  if (transaction.fee_bps < 0 || transaction.fee_bps > kMaxFeeBasisPoints) return "has a bad fee rate";
  if (platform != BasisPointsOf(*released, transaction.fee_bps)) {
    return absl::StrCat("takes a fee of ", platform, " where ", transaction.fee_bps,
                        " bps of ", *released, " is ", BasisPointsOf(*released, transaction.fee_bps));
  }
  return "";
}

}  // namespace

std::string ShapeProblem(const LedgerTransaction& transaction) {
  if (transaction.entries.empty()) return "has no entries";
  const std::string& currency = transaction.entries.front().account.currency_code;
  if (!IsKnownCurrency(currency)) return absl::StrCat("is in ", currency, ", not an ISO 4217 currency");
  const Shape shape = ShapeOf(transaction.kind);
  int64_t sum = 0;
  uint8_t seen = 0;
  for (const LedgerEntry& entry : transaction.entries) {
    if (std::string problem = EntryProblem(transaction, entry, currency, shape); !problem.empty()) {
      return problem;
    }
    if (seen & Bit(entry.account.kind)) return absl::StrCat("touches ", entry.account.Key(), " twice");
    seen |= Bit(entry.account.kind);
    std::optional<int64_t> next = CheckedAdd(sum, entry.amount_minor);
    if (!next) return "overflows";
    sum = *next;
  }
  if (sum != 0) return absl::StrCat("does not balance: its entries sum to ", sum, " ", currency);
  if ((seen & shape.required) != shape.required) return "lacks an entry its kind requires";
  if (transaction.kind == Kind::kResolution &&
      !(seen & (Bit(AccountKind::kSellerAvailable) | Bit(AccountKind::kWorld)))) {
    return "is a resolution paying no one";
  }
  if (std::string problem = IdsProblem(transaction); !problem.empty()) return problem;
  return FeeProblem(transaction);
}

absl::Status LedgerBalances::Apply(const LedgerTransaction& transaction) {
  std::vector<std::pair<std::string, int64_t>> updated;
  for (const LedgerEntry& entry : transaction.entries) {
    std::string key = entry.account.Key();
    int64_t before = balances_.contains(key) ? balances_.at(key) : 0;
    for (const auto& [pending_key, pending] : updated) {
      if (pending_key == key) before = pending;
    }
    std::optional<int64_t> after = CheckedAdd(before, entry.amount_minor);
    if (!after) return absl::OutOfRangeError(absl::StrCat("the balance of ", key, " would overflow"));
    if (*after < 0 && entry.account.kind != AccountKind::kWorld) {
      return absl::FailedPreconditionError(absl::StrCat(
          key, " holds ", before, " minor units, less than the ", -entry.amount_minor, " asked"));
    }
    updated.emplace_back(std::move(key), *after);
  }
  for (auto& [key, balance] : updated) balances_[key] = balance;
  return absl::OkStatus();
}

int64_t LedgerBalances::Of(const Account& account) const {
  auto it = balances_.find(account.Key());
  return it == balances_.end() ? 0 : it->second;
}

}  // namespace gigwire

namespace gigwire {

void LedgerBalances::ApplyUnchecked(const LedgerTransaction& transaction) {
  for (const LedgerEntry& entry : transaction.entries) {
    int64_t& balance = balances_[entry.account.Key()];
    std::optional<int64_t> after = CheckedAdd(balance, entry.amount_minor);
    balance = after ? *after
                    : (entry.amount_minor > 0 ? std::numeric_limits<int64_t>::max()
                                              : std::numeric_limits<int64_t>::min());
  }
}

void Reconciler::Violation(std::string text) {
  if (report_.violations.size() < kMaxViolations) {
    report_.violations.push_back(std::move(text));
  } else {
    ++dropped_violations_;
  }
}

void Reconciler::Add(const LedgerTransaction& transaction) {
  ++report_.transactions;
  report_.entries += static_cast<int64_t>(transaction.entries.size());
  if (std::string problem = ShapeProblem(transaction); !problem.empty()) {
    Violation(absl::StrCat(transaction.id, " ", problem));
  }
  if (absl::Status applied = balances_.Apply(transaction); !applied.ok()) {
    Violation(absl::StrCat(transaction.id, ": ", applied.message()));
    balances_.ApplyUnchecked(transaction);
  }
  Tally(transaction);
}

// What the transaction did to its booking's escrow, by kind.
void Reconciler::Tally(const LedgerTransaction& transaction) {
  for (const LedgerEntry& entry : transaction.entries) {
    if (entry.account.kind != AccountKind::kEscrow) continue;
    EscrowTally& tally = escrow_[entry.account.Key()];
    const int64_t amount = entry.amount_minor;
    switch (transaction.kind) {
      case LedgerTransactionKind::kFund: tally.funded += amount; break;
      case LedgerTransactionKind::kRelease: tally.released -= amount; break;
      case LedgerTransactionKind::kRefund: tally.refunded -= amount; break;
      case LedgerTransactionKind::kResolution: {
        int64_t refunded = 0;
        for (const LedgerEntry& other : transaction.entries) {
          if (other.account.kind == AccountKind::kWorld) refunded += other.amount_minor;
        }
        tally.refunded += refunded;
        tally.released += -amount - refunded;
        break;
      }
      case LedgerTransactionKind::kPayout: tally.released -= amount; break;  // a shape violation
    }
  }
}

void Reconciler::ExpectBalance(const std::string& account_key, int64_t balance_minor) {
  expected_balances_[account_key] = balance_minor;
}

void Reconciler::ExpectEscrow(const std::string& booking_id, const Money& held) {
  const std::string key = Account{AccountKind::kEscrow, booking_id, held.currency_code}.Key();
  expected_escrow_[key] += held.amount_minor;
}

ReconcileReport Reconciler::Finish() {
  for (const auto& [key, tally] : escrow_) {
    const int64_t balance = balances_.by_key().at(key);
    if (balance != tally.funded - tally.released - tally.refunded) {
      Violation(absl::StrCat(key, " holds ", balance, " but funded ", tally.funded, " - released ",
                             tally.released, " - refunded ", tally.refunded, " differs"));
    }
  }
  for (const auto& [key, tally] : escrow_) {
    const int64_t balance = balances_.by_key().at(key);
    if (escrow_list_complete_ && balance != 0 && !expected_escrow_.contains(key)) {
      Violation(absl::StrCat(key, " holds ", balance, " but no milestone of its booking does"));
    }
  }
  for (const auto& [key, held] : expected_escrow_) {
    auto it = balances_.by_key().find(key);
    const int64_t balance = it == balances_.by_key().end() ? 0 : it->second;
    if (balance != held) {
      Violation(absl::StrCat(key, " holds ", balance, " but its milestones hold ", held));
    }
  }
  for (const auto& [key, stored] : expected_balances_) {
    auto it = balances_.by_key().find(key);
    const int64_t replayed = it == balances_.by_key().end() ? 0 : it->second;
    if (replayed != stored) {
      Violation(absl::StrCat(key, " is stored as ", stored, " but its entries add up to ", replayed));
    }
  }
  if (!expected_balances_.empty()) {
    for (const auto& [key, replayed] : balances_.by_key()) {
      if (replayed != 0 && !expected_balances_.contains(key)) {
        Violation(absl::StrCat(key, " has entries adding up to ", replayed, " but no stored balance"));
      }
    }
  }
  if (dropped_violations_ > 0) {
    report_.violations.push_back(absl::StrCat("... and ", dropped_violations_, " more"));
  }
  return std::move(report_);
}

}  // namespace gigwire
