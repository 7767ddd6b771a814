// The SQL of money coming in and going out: payments, payouts, disputes and
// their notes. See server/store/payment_repository.h, dispute_repository.h
// and migration v9.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_catalog_sql.h"
#include "server/store/sqlite/sqlite_repositories.h"
#include "server/store/sqlite/sqlite_util.h"

namespace gigwire {
namespace {

using sqlite::BindAll;
using sqlite::BindOptionalTime;
using sqlite::BindTime;
using sqlite::BoundSql;
using sqlite::Micros;
using sqlite::OptionalTime;
using sqlite::TimeColumn;
using sqlite::Where;

// ---- statements shared by the three tables (the id is always the first
// column, bound as ?1) ----

int ColumnCount(absl::string_view columns) {
  return static_cast<int>(std::vector<absl::string_view>(absl::StrSplit(columns, ", ")).size());
}

std::string InsertSql(absl::string_view table, absl::string_view columns) {
  std::vector<std::string> marks;
  for (int i = 1; i <= ColumnCount(columns); ++i) marks.push_back(absl::StrCat("?", i));
  return absl::StrCat("INSERT INTO ", table, " (", columns, ") VALUES (",
                      absl::StrJoin(marks, ", "), ")");
}

// Sets every column but the id; the expected version is the placeholder
// after the columns' (ColumnCount + 1).
std::string VersionedUpdateSql(absl::string_view table, absl::string_view columns) {
  std::vector<absl::string_view> names = absl::StrSplit(columns, ", ");
  std::vector<std::string> sets;
  for (size_t i = 1; i < names.size(); ++i) sets.push_back(absl::StrCat(names[i], " = ?", i + 1));
  return absl::StrCat("UPDATE ", table, " SET ", absl::StrJoin(sets, ", "),
                      " WHERE id = ?1 AND version = ?", names.size() + 1);
}

// Runs an INSERT or UPDATE: a primary key clash or a clash on `unique_what`
// (the table's other unique index) is ALREADY_EXISTS. Returns rows changed.
absl::StatusOr<int> ExecUnique(SQLite::Statement& stmt, absl::string_view table,
                               absl::string_view unique_what) {
  try {
    return stmt.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return AlreadyExists(v1::DUPLICATE, absl::StrCat("a ", table, " with this id exists"));
    }
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) {
      return AlreadyExists(v1::DUPLICATE, unique_what);
    }
    throw;
  }
}

// UPDATE guarded by "AND version = ?": 0 rows means stale or gone.
absl::Status CheckVersioned(absl::StatusOr<int> changed, absl::string_view what) {
  if (!changed.ok()) return changed.status();
  return *changed == 1 ? absl::OkStatus() : EtagMismatch(what);
}

// Keyset paging newest first: rows before `after`, then at most `limit`.
void NewestFirstAfter(BoundSql& bound, const std::optional<ListCursor>& after, int limit) {
  if (after.has_value()) {
    Where(bound, "(create_time, id) < (?, ?)", {Micros(after->create_time), after->id});
  }
  absl::StrAppend(&bound.sql, " ORDER BY create_time DESC, id DESC LIMIT ?");
  bound.args.push_back(static_cast<int64_t>(limit));
}

// Keyset paging oldest first: rows after `after`, then at most `limit`.
void OldestFirstAfter(BoundSql& bound, const std::optional<ListCursor>& after, int limit) {
  if (after.has_value()) {
    Where(bound, "(create_time, id) > (?, ?)", {Micros(after->create_time), after->id});
  }
  absl::StrAppend(&bound.sql, " ORDER BY create_time, id LIMIT ?");
  bound.args.push_back(static_cast<int64_t>(limit));
}

// Runs `bound` and reads every row with `from_row`.
template <typename T>
std::vector<T> ReadAll(StatementCache& sql, const BoundSql& bound,
                       T (*from_row)(SQLite::Statement&)) {
  SQLite::Statement& select = sql.Get(bound.sql);
  BindAll(select, bound);
  std::vector<T> rows;
  while (select.executeStep()) rows.push_back(from_row(select));
  return rows;
}

// ---- payments ----

constexpr char kPaymentColumns[] =
    "id, milestone_id, booking_id, buyer_id, currency_code, amount_minor, gateway, provider_id, "
    "state, client_secret, instructions, failure_reason, confirmed_by, confirmation_note, "
    "version, create_time, update_time";

Payment PaymentFromRow(SQLite::Statement& row) {
  Payment p;
  p.id = row.getColumn(0).getString();
  p.milestone_id = row.getColumn(1).getString();
  p.booking_id = row.getColumn(2).getString();
  p.buyer_id = row.getColumn(3).getString();
  p.amount = {row.getColumn(4).getString(), row.getColumn(5).getInt64()};
  p.gateway = row.getColumn(6).getString();
  p.provider_id = row.getColumn(7).getString();
  p.state = static_cast<PaymentState>(row.getColumn(8).getInt());
  p.client_secret = row.getColumn(9).getString();
  p.instructions = row.getColumn(10).getString();
  p.failure_reason = row.getColumn(11).getString();
  p.confirmed_by = row.getColumn(12).getString();
  p.confirmation_note = row.getColumn(13).getString();
  p.version = row.getColumn(14).getInt64();
  p.create_time = TimeColumn(row.getColumn(15));
  p.update_time = TimeColumn(row.getColumn(16));
  return p;
}

void BindPayment(SQLite::Statement& stmt, const Payment& p) {
  stmt.bind(1, p.id);
  stmt.bind(2, p.milestone_id);
  stmt.bind(3, p.booking_id);
  stmt.bind(4, p.buyer_id);
  stmt.bind(5, p.amount.currency_code);
  stmt.bind(6, p.amount.amount_minor);
  stmt.bind(7, p.gateway);
  stmt.bind(8, p.provider_id);
  stmt.bind(9, static_cast<int>(p.state));
  stmt.bind(10, p.client_secret);
  stmt.bind(11, p.instructions);
  stmt.bind(12, p.failure_reason);
  stmt.bind(13, p.confirmed_by);
  stmt.bind(14, p.confirmation_note);
  stmt.bind(15, p.version);
  BindTime(stmt, 16, p.create_time);
  BindTime(stmt, 17, p.update_time);
}

constexpr char kPendingPaymentExists[] = "the milestone already has a pending payment";

// ---- payouts ----

constexpr char kPayoutColumns[] =
    "id, seller_id, currency_code, amount_minor, state, paid_by, reference, cancel_reason, "
    "version, create_time, update_time, paid_time";

Payout PayoutFromRow(SQLite::Statement& row) {
  Payout p;
  p.id = row.getColumn(0).getString();
  p.seller_id = row.getColumn(1).getString();
  p.amount = {row.getColumn(2).getString(), row.getColumn(3).getInt64()};
  p.state = static_cast<PayoutState>(row.getColumn(4).getInt());
  p.paid_by = row.getColumn(5).getString();
  p.reference = row.getColumn(6).getString();
  p.cancel_reason = row.getColumn(7).getString();
  p.version = row.getColumn(8).getInt64();
  p.create_time = TimeColumn(row.getColumn(9));
  p.update_time = TimeColumn(row.getColumn(10));
  p.paid_time = OptionalTime(row.getColumn(11));
  return p;
}

void BindPayout(SQLite::Statement& stmt, const Payout& p) {
  stmt.bind(1, p.id);
  stmt.bind(2, p.seller_id);
  stmt.bind(3, p.amount.currency_code);
  stmt.bind(4, p.amount.amount_minor);
  stmt.bind(5, static_cast<int>(p.state));
  stmt.bind(6, p.paid_by);
  stmt.bind(7, p.reference);
  stmt.bind(8, p.cancel_reason);
  stmt.bind(9, p.version);
  BindTime(stmt, 10, p.create_time);
  BindTime(stmt, 11, p.update_time);
  BindOptionalTime(stmt, 12, p.paid_time);
}

// ---- disputes ----

constexpr char kDisputeColumns[] =
    "id, milestone_id, booking_id, buyer_id, seller_id, opened_by, reason, evidence, "
    "milestone_title, currency_code, amount_minor, state, to_seller_minor, refunded_minor, "
    "resolved_by, resolution_note, version, create_time, update_time, resolve_time";
constexpr char kNoteColumns[] = "id, dispute_id, author_id, text, internal, create_time";

// A part of the resolution: NULL (Money{}) until set, else in `currency`.
Money PartFromColumn(const SQLite::Column& column, const std::string& currency) {
  if (column.isNull()) return Money{};
  return {currency, column.getInt64()};
}

void BindPart(SQLite::Statement& stmt, int index, const Money& part) {
  if (part == Money{}) {
    stmt.bind(index);  // NULL: not set
  } else {
    stmt.bind(index, part.amount_minor);
  }
}

// The parts are stored without a currency of their own: they must be in the
// dispute's (or unset). The domain checks this first (AMOUNT_MISMATCH), so a
// part in another currency here is a bug: INTERNAL, nothing stored.
absl::Status CheckPartCurrencies(const Dispute& d) {
  for (const Money* part : {&d.to_seller, &d.refunded}) {
    if (!part->currency_code.empty() && part->currency_code != d.amount.currency_code) {
      return Internal(absl::StrCat("dispute ", d.id, ": a resolution part is not in ",
                                   d.amount.currency_code));
    }
  }
  return absl::OkStatus();
}

Dispute DisputeFromRow(SQLite::Statement& row) {
  Dispute d;
  d.id = row.getColumn(0).getString();
  d.milestone_id = row.getColumn(1).getString();
  d.booking_id = row.getColumn(2).getString();
  d.buyer_id = row.getColumn(3).getString();
  d.seller_id = row.getColumn(4).getString();
  d.opened_by = row.getColumn(5).getString();
  d.reason = row.getColumn(6).getString();
  d.evidence = row.getColumn(7).getString();
  d.milestone_title = row.getColumn(8).getString();
  d.amount = {row.getColumn(9).getString(), row.getColumn(10).getInt64()};
  d.state = static_cast<DisputeState>(row.getColumn(11).getInt());
  d.to_seller = PartFromColumn(row.getColumn(12), d.amount.currency_code);
  d.refunded = PartFromColumn(row.getColumn(13), d.amount.currency_code);
  d.resolved_by = row.getColumn(14).getString();
  d.resolution_note = row.getColumn(15).getString();
  d.version = row.getColumn(16).getInt64();
  d.create_time = TimeColumn(row.getColumn(17));
  d.update_time = TimeColumn(row.getColumn(18));
  d.resolve_time = OptionalTime(row.getColumn(19));
  return d;
}

void BindDispute(SQLite::Statement& stmt, const Dispute& d) {
  stmt.bind(1, d.id);
  stmt.bind(2, d.milestone_id);
  stmt.bind(3, d.booking_id);
  stmt.bind(4, d.buyer_id);
  stmt.bind(5, d.seller_id);
  stmt.bind(6, d.opened_by);
  stmt.bind(7, d.reason);
  stmt.bind(8, d.evidence);
  stmt.bind(9, d.milestone_title);
  stmt.bind(10, d.amount.currency_code);
  stmt.bind(11, d.amount.amount_minor);
  stmt.bind(12, static_cast<int>(d.state));
  BindPart(stmt, 13, d.to_seller);
  BindPart(stmt, 14, d.refunded);
  stmt.bind(15, d.resolved_by);
  stmt.bind(16, d.resolution_note);
  stmt.bind(17, d.version);
  BindTime(stmt, 18, d.create_time);
  BindTime(stmt, 19, d.update_time);
  BindOptionalTime(stmt, 20, d.resolve_time);
}

DisputeNote NoteFromRow(SQLite::Statement& row) {
  DisputeNote n;
  n.id = row.getColumn(0).getString();
  n.dispute_id = row.getColumn(1).getString();
  n.author_id = row.getColumn(2).getString();
  n.text = row.getColumn(3).getString();
  n.internal = row.getColumn(4).getInt() != 0;
  n.create_time = TimeColumn(row.getColumn(5));
  return n;
}

constexpr char kOpenDisputeExists[] = "the milestone already has an open dispute";

}  // namespace

// ---- payments ----

absl::StatusOr<Payment> SqlitePaymentRepository::FindById(const std::string& id) {
  SQLite::Statement& select =
      sql_.Get(absl::StrCat("SELECT ", kPaymentColumns, " FROM payments WHERE id = ?"));
  select.bind(1, id);
  if (!select.executeStep()) return NotFound(absl::StrCat("payment ", id));
  return PaymentFromRow(select);
}

absl::Status SqlitePaymentRepository::Insert(const Payment& payment) {
  SQLite::Statement& insert = sql_.Get(InsertSql("payments", kPaymentColumns));
  BindPayment(insert, payment);
  return ExecUnique(insert, "payment", kPendingPaymentExists).status();
}

absl::Status SqlitePaymentRepository::Update(const Payment& payment, int64_t expected_version) {
  SQLite::Statement& update = sql_.Get(VersionedUpdateSql("payments", kPaymentColumns));
  BindPayment(update, payment);
  update.bind(ColumnCount(kPaymentColumns) + 1, expected_version);
  return CheckVersioned(ExecUnique(update, "payment", kPendingPaymentExists), "payment");
}

absl::StatusOr<Payment> SqlitePaymentRepository::FindPendingForMilestone(
    const std::string& milestone_id) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      "SELECT ", kPaymentColumns, " FROM payments WHERE milestone_id = ? AND state = 1"));
  select.bind(1, milestone_id);
  if (!select.executeStep()) {
    return NotFound(absl::StrCat("pending payment of milestone ", milestone_id));
  }
  return PaymentFromRow(select);
}

absl::StatusOr<std::vector<Payment>> SqlitePaymentRepository::List(const PaymentQuery& q) {
  BoundSql bound{absl::StrCat("SELECT ", kPaymentColumns, " FROM payments WHERE 1"), {}};
  if (q.state.has_value()) Where(bound, "state = ?", {static_cast<int64_t>(*q.state)});
  if (!q.buyer_id.empty()) Where(bound, "buyer_id = ?", {q.buyer_id});
  if (!q.booking_id.empty()) Where(bound, "booking_id = ?", {q.booking_id});
  if (!q.milestone_id.empty()) Where(bound, "milestone_id = ?", {q.milestone_id});
  if (!q.gateway.empty()) Where(bound, "gateway = ?", {q.gateway});
  if (!q.seller_id.empty()) {
    Where(bound, "booking_id IN (SELECT b.id FROM bookings b WHERE b.seller_id = ?)",
          {q.seller_id});
  }
  NewestFirstAfter(bound, q.after, q.limit);
  return ReadAll(sql_, bound, &PaymentFromRow);
}

// ---- payouts ----

absl::StatusOr<Payout> SqlitePayoutRepository::FindById(const std::string& id) {
  SQLite::Statement& select =
      sql_.Get(absl::StrCat("SELECT ", kPayoutColumns, " FROM payouts WHERE id = ?"));
  select.bind(1, id);
  if (!select.executeStep()) return NotFound(absl::StrCat("payout ", id));
  return PayoutFromRow(select);
}

absl::Status SqlitePayoutRepository::Insert(const Payout& payout) {
  SQLite::Statement& insert = sql_.Get(InsertSql("payouts", kPayoutColumns));
  BindPayout(insert, payout);
  return ExecUnique(insert, "payout", "the payout already exists").status();
}

absl::Status SqlitePayoutRepository::Update(const Payout& payout, int64_t expected_version) {
  SQLite::Statement& update = sql_.Get(VersionedUpdateSql("payouts", kPayoutColumns));
  BindPayout(update, payout);
  update.bind(ColumnCount(kPayoutColumns) + 1, expected_version);
  return CheckVersioned(update.exec(), "payout");
}

absl::StatusOr<std::vector<Payout>> SqlitePayoutRepository::List(const PayoutQuery& q) {
  BoundSql bound{absl::StrCat("SELECT ", kPayoutColumns, " FROM payouts WHERE 1"), {}};
  if (q.state.has_value()) Where(bound, "state = ?", {static_cast<int64_t>(*q.state)});
  if (!q.seller_id.empty()) Where(bound, "seller_id = ?", {q.seller_id});
  NewestFirstAfter(bound, q.after, q.limit);
  return ReadAll(sql_, bound, &PayoutFromRow);
}

absl::StatusOr<int64_t> SqlitePayoutRepository::RequestedTotal(const std::string& seller_id,
                                                               const std::string& currency_code) {
  // SUM fails (INTERNAL) rather than overflow.
  SQLite::Statement& select = sql_.Get(
      "SELECT COALESCE(SUM(amount_minor), 0) FROM payouts "
      "WHERE seller_id = ? AND currency_code = ? AND state = 1");
  select.bind(1, seller_id);
  select.bind(2, currency_code);
  if (!select.executeStep()) return Internal("summing requested payouts returned no row");
  return select.getColumn(0).getInt64();
}

// ---- disputes ----

absl::StatusOr<Dispute> SqliteDisputeRepository::FindById(const std::string& id) {
  SQLite::Statement& select =
      sql_.Get(absl::StrCat("SELECT ", kDisputeColumns, " FROM disputes WHERE id = ?"));
  select.bind(1, id);
  if (!select.executeStep()) return NotFound(absl::StrCat("dispute ", id));
  Dispute dispute = DisputeFromRow(select);
  select.reset();
  BoundSql notes{absl::StrCat("SELECT ", kNoteColumns,
                              " FROM dispute_notes WHERE dispute_id = ? ORDER BY create_time, id"),
                 {id}};
  dispute.notes = ReadAll(sql_, notes, &NoteFromRow);
  return dispute;
}

absl::Status SqliteDisputeRepository::Insert(const Dispute& dispute) {
  GW_RETURN_IF_ERROR(CheckPartCurrencies(dispute));
  SQLite::Statement& insert = sql_.Get(InsertSql("disputes", kDisputeColumns));
  BindDispute(insert, dispute);
  return ExecUnique(insert, "dispute", kOpenDisputeExists).status();
}

absl::Status SqliteDisputeRepository::Update(const Dispute& dispute, int64_t expected_version) {
  GW_RETURN_IF_ERROR(CheckPartCurrencies(dispute));
  SQLite::Statement& update = sql_.Get(VersionedUpdateSql("disputes", kDisputeColumns));
  BindDispute(update, dispute);
  update.bind(ColumnCount(kDisputeColumns) + 1, expected_version);
  return CheckVersioned(ExecUnique(update, "dispute", kOpenDisputeExists), "dispute");
}

absl::Status SqliteDisputeRepository::AddNote(const DisputeNote& note) {
  SQLite::Statement& insert = sql_.Get(InsertSql("dispute_notes", kNoteColumns));
  insert.bind(1, note.id);
  insert.bind(2, note.dispute_id);
  insert.bind(3, note.author_id);
  insert.bind(4, note.text);
  insert.bind(5, note.internal ? 1 : 0);
  BindTime(insert, 6, note.create_time);
  return ExecUnique(insert, "dispute note", "the dispute note already exists").status();
}

absl::StatusOr<std::vector<Dispute>> SqliteDisputeRepository::List(const DisputeQuery& q) {
  BoundSql bound{absl::StrCat("SELECT ", kDisputeColumns, " FROM disputes WHERE 1"), {}};
  if (q.state.has_value()) Where(bound, "state = ?", {static_cast<int64_t>(*q.state)});
  if (!q.party_id.empty()) {
    Where(bound, "buyer_id = ? OR seller_id = ?", {q.party_id, q.party_id});
  }
  if (!q.booking_id.empty()) Where(bound, "booking_id = ?", {q.booking_id});
  OldestFirstAfter(bound, q.after, q.limit);
  return ReadAll(sql_, bound, &DisputeFromRow);
}

}  // namespace gigwire
