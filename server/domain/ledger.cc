// The ledger's rules; see ledger.h.
#include "server/domain/ledger.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/model/currency.h"

namespace gigwire {
namespace {

using Kind = LedgerTransactionKind;

Account World(const std::string& currency) { return {AccountKind::kWorld, "", currency}; }
Account Escrow(absl::string_view booking_id, const std::string& currency) {
  return {AccountKind::kEscrow, std::string(booking_id), currency};
}
Account Seller(absl::string_view seller_id, const std::string& currency) {
  return {AccountKind::kSellerAvailable, std::string(seller_id), currency};
}
Account Platform(const std::string& currency) {
  return {AccountKind::kPlatformFees, "", currency};
}

void CheckAmount(absl::string_view field, const Money& money, bool zero_ok, Violations& v) {
  if (!IsKnownCurrency(money.currency_code)) {
    v.Add(absl::StrCat(field, ".currency_code"), "must be an ISO 4217 currency, e.g. USD");
  }
  if (money.amount_minor < 0 || (!zero_ok && money.amount_minor == 0)) {
    v.Add(absl::StrCat(field, ".amount_minor"), zero_ok ? "must not be negative" : "must be positive");
  }
}

void CheckIds(absl::string_view booking_id, absl::string_view milestone_id, Violations& v) {
  if (booking_id.empty()) v.Add("booking_id", "is required");
  if (milestone_id.empty()) v.Add("milestone_id", "is required");
}

void CheckFee(int32_t fee_bps, Violations& v) {
  if (fee_bps < 0 || fee_bps > kMaxFeeBasisPoints) v.Add("fee_bps", "must be 0..10000");
}

LedgerTransaction Transaction(Kind kind, absl::string_view booking_id,
                              absl::string_view milestone_id) {
  LedgerTransaction transaction;
  transaction.kind = kind;
  transaction.booking_id = std::string(booking_id);
  transaction.milestone_id = std::string(milestone_id);
  return transaction;
}

void AddEntry(LedgerTransaction& transaction, Account account, int64_t amount) {
  if (amount != 0) transaction.entries.push_back({std::move(account), amount});
}

// The seller's and the platform's entries for a released amount.
void AddRelease(LedgerTransaction& transaction, absl::string_view seller_id,
                const Money& released, int32_t fee_bps) {
  const int64_t fee = BasisPointsOf(released.amount_minor, fee_bps);
  AddEntry(transaction, Seller(seller_id, released.currency_code), released.amount_minor - fee);
  AddEntry(transaction, Platform(released.currency_code), fee);
}

}  // namespace

absl::StatusOr<LedgerTransaction> FundTransaction(absl::string_view booking_id,
                                                  absl::string_view milestone_id,
                                                  const Money& amount) {
  Violations v;
  CheckIds(booking_id, milestone_id, v);
  CheckAmount("amount", amount, /*zero_ok=*/false, v);
  GW_RETURN_IF_ERROR(v.ToStatus());
  LedgerTransaction transaction = Transaction(Kind::kFund, booking_id, milestone_id);
  AddEntry(transaction, World(amount.currency_code), -amount.amount_minor);
  AddEntry(transaction, Escrow(booking_id, amount.currency_code), amount.amount_minor);
  return transaction;
}

absl::StatusOr<LedgerTransaction> ReleaseTransaction(absl::string_view booking_id,
                                                     absl::string_view milestone_id,
                                                     absl::string_view seller_id,
                                                     const Money& amount, int32_t fee_bps) {
  Violations v;
  CheckIds(booking_id, milestone_id, v);
  if (seller_id.empty()) v.Add("seller_id", "is required");
  CheckAmount("amount", amount, /*zero_ok=*/false, v);
  CheckFee(fee_bps, v);
  GW_RETURN_IF_ERROR(v.ToStatus());
  LedgerTransaction transaction = Transaction(Kind::kRelease, booking_id, milestone_id);
  transaction.fee_bps = fee_bps;
  AddEntry(transaction, Escrow(booking_id, amount.currency_code), -amount.amount_minor);
  AddRelease(transaction, seller_id, amount, fee_bps);
  return transaction;
}

absl::StatusOr<LedgerTransaction> RefundTransaction(absl::string_view booking_id,
                                                    absl::string_view milestone_id,
                                                    const Money& amount) {
  Violations v;
  CheckIds(booking_id, milestone_id, v);
  CheckAmount("amount", amount, /*zero_ok=*/false, v);
  GW_RETURN_IF_ERROR(v.ToStatus());
  LedgerTransaction transaction = Transaction(Kind::kRefund, booking_id, milestone_id);
  AddEntry(transaction, Escrow(booking_id, amount.currency_code), -amount.amount_minor);
  AddEntry(transaction, World(amount.currency_code), amount.amount_minor);
  return transaction;
}

absl::StatusOr<LedgerTransaction> ResolutionTransaction(
    absl::string_view booking_id, absl::string_view milestone_id, absl::string_view seller_id,
    const Money& to_seller, const Money& refunded, int32_t fee_bps) {
  Violations v;
  CheckIds(booking_id, milestone_id, v);
  if (seller_id.empty()) v.Add("seller_id", "is required");
  CheckAmount("to_seller", to_seller, /*zero_ok=*/true, v);
  CheckAmount("refunded", refunded, /*zero_ok=*/true, v);
  CheckFee(fee_bps, v);
  if (to_seller.currency_code != refunded.currency_code) {
    v.Add("refunded.currency_code", "must equal to_seller's currency");
  }
  if (to_seller.amount_minor == 0 && refunded.amount_minor == 0) {
    v.Add("to_seller.amount_minor", "and refunded.amount_minor may not both be zero");
  }
  GW_RETURN_IF_ERROR(v.ToStatus());
  std::optional<int64_t> total = CheckedAdd(to_seller.amount_minor, refunded.amount_minor);
  if (!total) return absl::OutOfRangeError("the resolution's parts overflow together");
  LedgerTransaction transaction = Transaction(Kind::kResolution, booking_id, milestone_id);
  transaction.fee_bps = fee_bps;
  AddEntry(transaction, Escrow(booking_id, to_seller.currency_code), -*total);
  AddRelease(transaction, seller_id, to_seller, fee_bps);
  AddEntry(transaction, World(refunded.currency_code), refunded.amount_minor);
  return transaction;
}

absl::StatusOr<LedgerTransaction> PayoutTransaction(absl::string_view seller_id,
                                                    absl::string_view payout_id,
                                                    const Money& amount) {
  Violations v;
  if (seller_id.empty()) v.Add("seller_id", "is required");
  if (payout_id.empty()) v.Add("payout_id", "is required");
  CheckAmount("amount", amount, /*zero_ok=*/false, v);
  GW_RETURN_IF_ERROR(v.ToStatus());
  LedgerTransaction transaction;
  transaction.kind = Kind::kPayout;
  transaction.payout_id = std::string(payout_id);
  AddEntry(transaction, Seller(seller_id, amount.currency_code), -amount.amount_minor);
  AddEntry(transaction, World(amount.currency_code), amount.amount_minor);
  return transaction;
}

}  // namespace gigwire
