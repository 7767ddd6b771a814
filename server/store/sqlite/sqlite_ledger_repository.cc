// The ledger's SQL; see server/store/ledger_repository.h and migration v7.
#include <limits>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/model/currency.h"
#include "server/store/sqlite/sqlite_repositories.h"
#include "server/store/sqlite/sqlite_util.h"

namespace gigwire {
namespace {

using sqlite::BindTime;
using sqlite::TimeColumn;

constexpr char kTransactionColumns[] =
    "t.seq, t.id, t.kind, t.booking_id, t.milestone_id, t.payout_id, t.fee_bps, t.actor_id, "
    "t.create_time";
constexpr char kEntryColumns[] =
    "e.position, e.account_kind, e.owner_id, e.currency_code, e.amount_minor";

// The transaction's columns at 0..8 of `row`.
LedgerTransaction TransactionFromRow(SQLite::Statement& row) {
  LedgerTransaction transaction;
  transaction.id = row.getColumn(1).getString();
  transaction.kind = static_cast<LedgerTransactionKind>(row.getColumn(2).getInt());
  transaction.booking_id = row.getColumn(3).getString();
  transaction.milestone_id = row.getColumn(4).getString();
  transaction.payout_id = row.getColumn(5).getString();
  transaction.fee_bps = row.getColumn(6).getInt();
  transaction.actor_id = row.getColumn(7).getString();
  transaction.create_time = TimeColumn(row.getColumn(8));
  return transaction;
}

// The entry's columns from `first` on (position first).
LedgerEntry EntryFromRow(SQLite::Statement& row, int first) {
  LedgerEntry entry;
  entry.account.kind = static_cast<AccountKind>(row.getColumn(first + 1).getInt());
  entry.account.owner_id = row.getColumn(first + 2).getString();
  entry.account.currency_code = row.getColumn(first + 3).getString();
  entry.amount_minor = row.getColumn(first + 4).getInt64();
  return entry;
}

// account_kind, owner_id, currency_code, balance_minor at 0..3 of `row`.
AccountBalance BalanceFromRow(SQLite::Statement& row) {
  AccountBalance balance;
  balance.account.kind = static_cast<AccountKind>(row.getColumn(0).getInt());
  balance.account.owner_id = row.getColumn(1).getString();
  balance.account.currency_code = row.getColumn(2).getString();
  balance.balance_minor = row.getColumn(3).getInt64();
  return balance;
}

}  // namespace

absl::Status SqliteLedgerRepository::UpdateBalance(const LedgerEntry& entry) {
  const std::string key = entry.account.Key();
  SQLite::Statement& select =
      sql_.Get("SELECT balance_minor FROM account_balances WHERE account_key = ?");
  select.bind(1, key);
  const int64_t before = select.executeStep() ? select.getColumn(0).getInt64() : 0;
  // Computed here, not in SQL: SQLite turns an overflowing integer sum into a float.
  std::optional<int64_t> after = CheckedAdd(before, entry.amount_minor);
  if (!after) return absl::OutOfRangeError(absl::StrCat("the balance of ", key, " would overflow"));
  if (*after < 0 && entry.account.kind != AccountKind::kWorld) {
    return InsufficientFunds(key, before, -entry.amount_minor);
  }
  SQLite::Statement& upsert = sql_.Get(
      "INSERT INTO account_balances (account_key, account_kind, owner_id, currency_code, "
      "balance_minor) VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_key) DO UPDATE SET "
      "balance_minor = excluded.balance_minor");
  upsert.bind(1, key);
  upsert.bind(2, static_cast<int>(entry.account.kind));
  upsert.bind(3, entry.account.owner_id);
  upsert.bind(4, entry.account.currency_code);
  upsert.bind(5, *after);
  upsert.exec();
  return absl::OkStatus();
}

absl::Status SqliteLedgerRepository::Append(const LedgerTransaction& transaction) {
  SQLite::Statement& insert = sql_.Get(
      "INSERT INTO ledger_transactions (id, kind, booking_id, milestone_id, payout_id, fee_bps, "
      "actor_id, create_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seq");
  insert.bind(1, transaction.id);
  insert.bind(2, static_cast<int>(transaction.kind));
  insert.bind(3, transaction.booking_id);
  insert.bind(4, transaction.milestone_id);
  insert.bind(5, transaction.payout_id);
  insert.bind(6, transaction.fee_bps);
  insert.bind(7, transaction.actor_id);
  BindTime(insert, 8, transaction.create_time);
  if (!insert.executeStep()) return Internal("posting a ledger transaction returned no seq");
  const int64_t seq = insert.getColumn(0).getInt64();
  insert.reset();
  SQLite::Statement& entry_insert = sql_.Get(
      "INSERT INTO ledger_entries (transaction_seq, position, account_key, account_kind, "
      "owner_id, currency_code, amount_minor) VALUES (?, ?, ?, ?, ?, ?, ?)");
  for (size_t i = 0; i < transaction.entries.size(); ++i) {
    const LedgerEntry& entry = transaction.entries[i];
    GW_RETURN_IF_ERROR(UpdateBalance(entry));
    entry_insert.reset();
    entry_insert.bind(1, seq);
    entry_insert.bind(2, static_cast<int>(i));
    entry_insert.bind(3, entry.account.Key());
    entry_insert.bind(4, static_cast<int>(entry.account.kind));
    entry_insert.bind(5, entry.account.owner_id);
    entry_insert.bind(6, entry.account.currency_code);
    entry_insert.bind(7, entry.amount_minor);
    entry_insert.exec();
  }
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SqliteLedgerRepository::Balance(const Account& account) {
  SQLite::Statement& select =
      sql_.Get("SELECT balance_minor FROM account_balances WHERE account_key = ?");
  select.bind(1, account.Key());
  return select.executeStep() ? select.getColumn(0).getInt64() : 0;
}

absl::StatusOr<std::vector<AccountBalance>> SqliteLedgerRepository::BalancesOf(
    const std::string& owner_id) {
  SQLite::Statement& select = sql_.Get(
      // "owner_id != ''" lets the planner use the partial index by owner.
      "SELECT account_kind, owner_id, currency_code, balance_minor FROM account_balances "
      "WHERE owner_id = ? AND owner_id != '' ORDER BY account_key");
  select.bind(1, owner_id);
  std::vector<AccountBalance> balances;
  while (select.executeStep()) {
    balances.push_back(BalanceFromRow(select));
  }
  return balances;
}

absl::StatusOr<BookingLedgerTotals> SqliteLedgerRepository::TotalsOfBooking(
    const std::string& booking_id, const std::string& currency_code) {
  // Kinds: 1 FUND, 2 RELEASE, 3 REFUND, 5 RESOLUTION; accounts: 1 world,
  // 2 escrow, 3 seller, 4 platform. SUM fails (INTERNAL) rather than overflow.
  // "booking_id != ''" lets the planner read ledger_transactions_by_booking.
  SQLite::Statement& select = sql_.Get(
      "SELECT "
      "COALESCE(SUM(CASE WHEN t.kind = 1 AND e.account_kind = 2 THEN e.amount_minor END), 0), "
      "COALESCE(SUM(CASE WHEN t.kind IN (2, 5) AND e.account_kind = 3 "
      "THEN e.amount_minor END), 0), "
      "COALESCE(SUM(CASE WHEN e.account_kind = 4 THEN e.amount_minor END), 0), "
      "COALESCE(SUM(CASE WHEN t.kind IN (3, 5) AND e.account_kind = 1 "
      "THEN e.amount_minor END), 0) "
      "FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_seq = t.seq "
      "WHERE t.booking_id = ? AND t.booking_id != '' AND e.currency_code = ?");
  select.bind(1, booking_id);
  select.bind(2, currency_code);
  if (!select.executeStep()) return Internal("summing a booking's ledger returned no row");
  BookingLedgerTotals totals;
  totals.funded = select.getColumn(0).getInt64();
  totals.released_to_seller = select.getColumn(1).getInt64();
  totals.platform_fees = select.getColumn(2).getInt64();
  totals.refunded = select.getColumn(3).getInt64();
  select.reset();
  GW_ASSIGN_OR_RETURN(totals.in_escrow,
                      Balance({AccountKind::kEscrow, booking_id, currency_code}));
  return totals;
}

absl::StatusOr<std::vector<PartyEscrow>> SqliteLedgerRepository::EscrowOfParty(
    const std::string& user_id) {
  // Escrow accounts (kind 2) are owned by their booking; zero balances are
  // skipped, and escrow never goes negative, so every group left is non-zero.
  // Only running bookings (ACTIVE 1, DELIVERED 2) can hold escrow: a booking
  // completes or is cancelled only once none of its milestones holds any
  // (server/domain/milestone_moves.h), so finished ones are not looked up.
  // One indexed half per side (bookings_by_buyer, bookings_by_seller).
  SQLite::Statement& select = sql_.Get(
      "SELECT currency_code, SUM(as_buyer), SUM(as_seller) FROM ("
      "SELECT a.currency_code, a.balance_minor AS as_buyer, 0 AS as_seller "
      "FROM bookings b JOIN account_balances a ON a.owner_id = b.id AND a.owner_id != '' "
      "WHERE b.buyer_id = ?1 AND b.state IN (1, 2) AND a.account_kind = 2 "
      "AND a.balance_minor != 0 "
      "UNION ALL "
      "SELECT a.currency_code, 0, a.balance_minor "
      "FROM bookings b JOIN account_balances a ON a.owner_id = b.id AND a.owner_id != '' "
      "WHERE b.seller_id = ?1 AND b.state IN (1, 2) AND a.account_kind = 2 "
      "AND a.balance_minor != 0) "
      "GROUP BY currency_code ORDER BY currency_code");
  select.bind(1, user_id);
  std::vector<PartyEscrow> escrow;
  while (select.executeStep()) {
    escrow.push_back({select.getColumn(0).getString(), select.getColumn(1).getInt64(),
                      select.getColumn(2).getInt64()});
  }
  return escrow;
}

absl::StatusOr<std::vector<LedgerEntryRow>> SqliteLedgerRepository::ListEntries(
    const LedgerEntryQuery& query) {
  // One statement per way in, so each uses its index (an "?1 = '' OR"
  // filter would make SQLite scan the whole ledger): an owner's entries
  // (ledger_entries_by_owner), a booking's (ledger_transactions_by_booking),
  // or everything in commit order.
  const char* way_in =
      !query.owner_id.empty()
          ? " FROM ledger_entries e JOIN ledger_transactions t ON t.seq = e.transaction_seq "
            "WHERE e.owner_id = ?1 AND e.owner_id != '' AND (?2 = '' OR t.booking_id = ?2) "
          : !query.booking_id.empty()
                ? " FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_seq = t.seq "
                  "WHERE ?1 = '' AND t.booking_id = ?2 AND t.booking_id != '' "
                : " FROM ledger_entries e JOIN ledger_transactions t ON t.seq = e.transaction_seq "
                  "WHERE ?1 = '' AND ?2 = '' ";
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      "SELECT ", kTransactionColumns, ", ", kEntryColumns, way_in,
      "AND (?3 IS NULL OR t.create_time >= ?3) AND (?4 IS NULL OR t.create_time < ?4) "
      "AND (e.transaction_seq, e.position) > (?5, ?6) "
      "ORDER BY e.transaction_seq, e.position LIMIT ?7"));
  select.bind(1, query.owner_id);
  select.bind(2, query.booking_id);
  if (query.since) BindTime(select, 3, *query.since);
  if (query.until) BindTime(select, 4, *query.until);
  select.bind(5, query.after_seq);
  select.bind(6, query.after_position);
  select.bind(7, query.limit);
  std::vector<LedgerEntryRow> rows;
  while (select.executeStep()) {
    const LedgerTransaction transaction = TransactionFromRow(select);
    LedgerEntryRow row{select.getColumn(0).getInt64(), select.getColumn(9).getInt(),
                       transaction.id, transaction.kind, transaction.booking_id,
                       transaction.milestone_id, transaction.payout_id, transaction.fee_bps,
                       transaction.actor_id, transaction.create_time, EntryFromRow(select, 9)};
    rows.push_back(std::move(row));
  }
  return rows;
}

absl::Status SqliteLedgerRepository::ForEachTransaction(
    absl::FunctionRef<void(const LedgerTransaction&)> visit) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      "SELECT ", kTransactionColumns, ", ", kEntryColumns,
      " FROM ledger_transactions t JOIN ledger_entries e ON e.transaction_seq = t.seq "
      "ORDER BY t.seq, e.position"));
  LedgerTransaction current;
  int64_t current_seq = std::numeric_limits<int64_t>::min();
  while (select.executeStep()) {
    const int64_t seq = select.getColumn(0).getInt64();
    if (seq != current_seq) {
      if (current_seq != std::numeric_limits<int64_t>::min()) visit(current);
      current = TransactionFromRow(select);
      current_seq = seq;
    }
    current.entries.push_back(EntryFromRow(select, 9));
  }
  if (current_seq != std::numeric_limits<int64_t>::min()) visit(current);
  return absl::OkStatus();
}

absl::Status SqliteLedgerRepository::ForEachBalance(
    absl::FunctionRef<void(const AccountBalance&)> visit) {
  SQLite::Statement& select = sql_.Get(
      "SELECT account_kind, owner_id, currency_code, balance_minor FROM account_balances "
      "ORDER BY account_key");
  while (select.executeStep()) {
    visit(BalanceFromRow(select));
  }
  return absl::OkStatus();
}

}  // namespace gigwire
