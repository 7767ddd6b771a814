// Reading money (issue 15, LedgerService): a user's balances, the ledger's
// entries, and the reconciliation of the whole ledger against every
// invariant (rules in ledger.h). Nothing here writes.
//
// Visibility: users read their own balances and entries (with a booking id:
// that booking's, if they are a party to it); admins read anyone's and
// reconcile.
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_LEDGER_READS_H_
#define GIGWIRE_SERVER_DOMAIN_LEDGER_READS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/domain/ledger.h"
#include "server/store/store.h"

namespace gigwire {

// One user's money in one currency (gigwire.v1.CurrencyBalance), minor units.
struct CurrencyBalance {
  std::string currency_code;
  int64_t available = 0;
  int64_t payouts_requested = 0;
  int64_t withdrawable = 0;
  int64_t escrow_as_buyer = 0;
  int64_t escrow_as_seller = 0;
};

struct LedgerEntryFilter {
  std::string user_id;     // whose available balance; empty: the caller (admins: everyone)
  std::string booking_id;  // a booking's transactions
  std::optional<absl::Time> since;
  std::optional<absl::Time> until;
};

struct LedgerEntryPage {
  std::vector<LedgerEntryRow> entries;
  std::string next_page_token;
};

// A reconciliation with the totals an operator looks at, by currency.
struct LedgerCheck {
  ReconcileReport report;
  std::vector<Money> platform_fees;
  std::vector<Money> in_escrow;
  std::vector<Money> seller_available;
  absl::Duration took;
};

class LedgerReads {
 public:
  LedgerReads(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // By currency code. Errors: PERMISSION_DENIED (ROLE_REQUIRED) for another
  // user's from a non-admin; NOT_FOUND for an unknown user (admins).
  absl::StatusOr<std::vector<CurrencyBalance>> Balance(const Principal& caller,
                                                       const std::string& user_id);
  // In commit order. Errors: PERMISSION_DENIED (ROLE_REQUIRED) for another
  // user's; NOT_FOUND for a booking the caller may not see; INVALID_ARGUMENT
  // for since >= until or a bad page token.
  absl::StatusOr<LedgerEntryPage> Entries(const Principal& caller,
                                          const LedgerEntryFilter& filter, int page_size,
                                          absl::string_view page_token);
  // Admins. Streams the ledger in one read transaction (a consistent
  // snapshot under WAL: writers keep going).
  absl::StatusOr<LedgerCheck> Reconcile(const Principal& caller);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_LEDGER_READS_H_
