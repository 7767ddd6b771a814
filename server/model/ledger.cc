// Names and keys of ledger types; see ledger.h.
#include "server/model/ledger.h"

#include "absl/strings/str_cat.h"

namespace gigwire {

const char* AccountKindName(AccountKind kind) {
  switch (kind) {
    case AccountKind::kWorld: return "world";
    case AccountKind::kEscrow: return "escrow";
    case AccountKind::kSellerAvailable: return "seller";
    case AccountKind::kPlatformFees: return "platform";
  }
  return "unknown";
}

std::string Account::Key() const {
  if (owner_id.empty()) return absl::StrCat(AccountKindName(kind), ":", currency_code);
  return absl::StrCat(AccountKindName(kind), ":", owner_id, ":", currency_code);
}

const char* LedgerTransactionKindName(LedgerTransactionKind kind) {
  switch (kind) {
    case LedgerTransactionKind::kFund: return "FUND";
    case LedgerTransactionKind::kRelease: return "RELEASE";
    case LedgerTransactionKind::kRefund: return "REFUND";
    case LedgerTransactionKind::kPayout: return "PAYOUT";
    case LedgerTransactionKind::kResolution: return "RESOLUTION";
  }
  return "UNKNOWN";
}

}  // namespace gigwire
