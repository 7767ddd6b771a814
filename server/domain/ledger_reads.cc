// Reading money; see ledger_reads.h.
#include "server/domain/ledger_reads.h"

#include <map>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/bookings.h"
#include "server/domain/pagination.h"
#include "server/domain/payouts.h"

namespace gigwire {
namespace {

// Ledger pages are keyset pages on (transaction sequence, entry position):
// the page token's two keyset slots carry them (the "time" slot the
// sequence, the "id" slot the position).
std::string EntryToken(absl::string_view fingerprint, const LedgerEntryRow& last) {
  return EncodePageToken(fingerprint, {absl::FromUnixMicros(last.transaction_seq),
                                       absl::StrCat(last.position)});
}

absl::Status ApplyEntryToken(absl::string_view token, absl::string_view fingerprint,
                             LedgerEntryQuery& q) {
  GW_ASSIGN_OR_RETURN(std::optional<ListCursor> after, DecodePageToken(token, fingerprint));
  if (!after) return absl::OkStatus();
  q.after_seq = absl::ToUnixMicros(after->create_time);
  if (!absl::SimpleAtoi(after->id, &q.after_position)) {
    return InvalidField("page_token", "is not a token returned by this list");
  }
  return absl::OkStatus();
}

// Totals by currency of the balances of one account kind.
std::vector<Money> ByCurrency(const std::map<std::string, int64_t>& totals) {
  std::vector<Money> out;
  for (const auto& [currency, amount] : totals) out.push_back(Money{currency, amount});
  return out;
}

void AddSaturating(int64_t& total, int64_t amount) {
  if (__builtin_add_overflow(total, amount, &total)) total = INT64_MAX;
}

}  // namespace

absl::StatusOr<std::vector<CurrencyBalance>> LedgerReads::Balance(const Principal& caller,
                                                                  const std::string& user_id) {
  const std::string whose = user_id.empty() ? caller.user_id : user_id;
  if (whose != caller.user_id) GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  std::map<std::string, CurrencyBalance> by_currency;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    if (whose != caller.user_id) GW_RETURN_IF_ERROR(tx.users().FindById(whose).status());
    GW_ASSIGN_OR_RETURN(std::vector<AccountBalance> owned, tx.ledger().BalancesOf(whose));
    for (const AccountBalance& b : owned) {
      if (b.account.kind != AccountKind::kSellerAvailable) continue;
      CurrencyBalance& c = by_currency[b.account.currency_code];
      c.available = b.balance_minor;
      GW_ASSIGN_OR_RETURN(c.withdrawable,
                          WithdrawableBalance(tx, whose, b.account.currency_code));
      c.payouts_requested = c.available - c.withdrawable;
    }
    GW_ASSIGN_OR_RETURN(std::vector<PartyEscrow> escrow, tx.ledger().EscrowOfParty(whose));
    for (const PartyEscrow& e : escrow) {
      CurrencyBalance& c = by_currency[e.currency_code];
      c.escrow_as_buyer = e.as_buyer_minor;
      c.escrow_as_seller = e.as_seller_minor;
    }
    return absl::OkStatus();
  }));
  std::vector<CurrencyBalance> balances;
  for (auto& [currency, balance] : by_currency) {
    balance.currency_code = currency;
    balances.push_back(balance);
  }
  return balances;
}

absl::StatusOr<LedgerEntryPage> LedgerReads::Entries(const Principal& caller,
                                                     const LedgerEntryFilter& filter,
                                                     int page_size,
                                                     absl::string_view page_token) {
  const bool admin = caller.Has(Role::kAdmin);
  if (!admin && !filter.user_id.empty() && filter.user_id != caller.user_id) {
    return RoleRequired("admin");
  }
  if (filter.since && filter.until && *filter.since >= *filter.until) {
    return InvalidField("until", "must be after since");
  }
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  LedgerEntryQuery q;
  q.booking_id = filter.booking_id;
  q.owner_id = filter.user_id;
  if (!admin && q.booking_id.empty()) q.owner_id = caller.user_id;
  q.since = filter.since;
  q.until = filter.until;
  auto micros = [](const std::optional<absl::Time>& t) { return t ? absl::ToUnixMicros(*t) : 0; };
  const std::string fingerprint = absl::StrCat("ledger:", q.owner_id, "|", q.booking_id, "|",
                                               micros(q.since), "|", micros(q.until));
  GW_RETURN_IF_ERROR(ApplyEntryToken(page_token, fingerprint, q));
  q.limit = limit + 1;
  LedgerEntryPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    if (!q.booking_id.empty()) {
      GW_RETURN_IF_ERROR(LoadVisibleBooking(tx, caller, q.booking_id).status());
    }
    GW_ASSIGN_OR_RETURN(page.entries, tx.ledger().ListEntries(q));
    return absl::OkStatus();
  }));
  if (page.entries.size() > static_cast<size_t>(limit)) {
    page.entries.resize(limit);
    page.next_page_token = EntryToken(fingerprint, page.entries.back());
  }
  return page;
}

absl::StatusOr<LedgerCheck> LedgerReads::Reconcile(const Principal& caller) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  const absl::Time start = absl::Now();  // a measurement, not a rule: the real clock
  Reconciler reconciler;
  std::map<std::string, int64_t> platform, escrow, seller;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.ledger().ForEachTransaction(
        [&](const LedgerTransaction& t) { reconciler.Add(t); }));
    GW_RETURN_IF_ERROR(tx.ledger().ForEachBalance([&](const AccountBalance& b) {
      reconciler.ExpectBalance(b.account.Key(), b.balance_minor);
      const std::string& currency = b.account.currency_code;
      if (b.account.kind == AccountKind::kPlatformFees) AddSaturating(platform[currency], b.balance_minor);
      if (b.account.kind == AccountKind::kEscrow) AddSaturating(escrow[currency], b.balance_minor);
      if (b.account.kind == AccountKind::kSellerAvailable) AddSaturating(seller[currency], b.balance_minor);
    }));
    std::map<std::pair<std::string, std::string>, int64_t> held;  // (booking, currency)
    GW_RETURN_IF_ERROR(tx.milestones().ForEachHoldingEscrow([&](const Milestone& m) {
      AddSaturating(held[{m.booking_id, m.amount.currency_code}], m.amount.amount_minor);
    }));
    for (const auto& [key, amount] : held) reconciler.ExpectEscrow(key.first, Money{key.second, amount});
    reconciler.ExpectEscrowListComplete();
    return absl::OkStatus();
  }));
  LedgerCheck check;
  check.report = reconciler.Finish();
  check.platform_fees = ByCurrency(platform);
  check.in_escrow = ByCurrency(escrow);
  check.seller_available = ByCurrency(seller);
  check.took = absl::Now() - start;
  return check;
}

}  // namespace gigwire
