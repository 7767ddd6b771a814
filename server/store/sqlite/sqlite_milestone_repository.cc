// Milestones' SQL; see server/store/milestone_repository.h and migrations v8
// and v9 (the money fields).
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_repositories.h"
#include "server/store/sqlite/sqlite_util.h"

namespace gigwire {
namespace {

using sqlite::BindOptionalTime;
using sqlite::BindTime;
using sqlite::OptionalTime;
using sqlite::TimeColumn;

constexpr char kColumns[] =
    "id, booking_id, position, title, currency_code, amount_minor, due_time, state, "
    "proposed_by, submission_note, revision_note, revision_count, auto_release_time, version, "
    "create_time, update_time, payment_id, dispute_id, cancel_reason, released_minor, "
    "refunded_minor";

Milestone MilestoneFromRow(SQLite::Statement& row) {
  Milestone m;
  m.id = row.getColumn(0).getString();
  m.booking_id = row.getColumn(1).getString();
  m.position = row.getColumn(2).getInt();
  m.title = row.getColumn(3).getString();
  m.amount = {row.getColumn(4).getString(), row.getColumn(5).getInt64()};
  m.due_time = TimeColumn(row.getColumn(6));
  m.state = static_cast<MilestoneState>(row.getColumn(7).getInt());
  m.proposed_by = row.getColumn(8).getString();
  m.submission_note = row.getColumn(9).getString();
  m.revision_note = row.getColumn(10).getString();
  m.revision_count = row.getColumn(11).getInt();
  m.auto_release_time = OptionalTime(row.getColumn(12));
  m.version = row.getColumn(13).getInt64();
  m.create_time = TimeColumn(row.getColumn(14));
  m.update_time = TimeColumn(row.getColumn(15));
  m.payment_id = row.getColumn(16).getString();
  m.dispute_id = row.getColumn(17).getString();
  m.cancel_reason = row.getColumn(18).getString();
  m.released_minor = row.getColumn(19).getInt64();
  m.refunded_minor = row.getColumn(20).getInt64();
  return m;
}

void BindMilestone(SQLite::Statement& stmt, const Milestone& m) {
  stmt.bind(1, m.id);
  stmt.bind(2, m.booking_id);
  stmt.bind(3, m.position);
  stmt.bind(4, m.title);
  stmt.bind(5, m.amount.currency_code);
  stmt.bind(6, m.amount.amount_minor);
  BindTime(stmt, 7, m.due_time);
  stmt.bind(8, static_cast<int>(m.state));
  stmt.bind(9, m.proposed_by);
  stmt.bind(10, m.submission_note);
  stmt.bind(11, m.revision_note);
  stmt.bind(12, m.revision_count);
  BindOptionalTime(stmt, 13, m.auto_release_time);
  stmt.bind(14, m.version);
  BindTime(stmt, 15, m.create_time);
  BindTime(stmt, 16, m.update_time);
  stmt.bind(17, m.payment_id);
  stmt.bind(18, m.dispute_id);
  stmt.bind(19, m.cancel_reason);
  stmt.bind(20, m.released_minor);
  stmt.bind(21, m.refunded_minor);
}

std::vector<Milestone> AllRows(SQLite::Statement& select) {
  std::vector<Milestone> milestones;
  while (select.executeStep()) milestones.push_back(MilestoneFromRow(select));
  return milestones;
}

}  // namespace

absl::StatusOr<Milestone> SqliteMilestoneRepository::FindById(const std::string& id) {
  SQLite::Statement& select =
      sql_.Get(absl::StrCat("SELECT ", kColumns, " FROM milestones WHERE id = ?"));
  select.bind(1, id);
  if (!select.executeStep()) return NotFound(absl::StrCat("milestone ", id));
  return MilestoneFromRow(select);
}

absl::StatusOr<std::vector<Milestone>> SqliteMilestoneRepository::ListByBooking(
    const std::string& booking_id) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      "SELECT ", kColumns, " FROM milestones WHERE booking_id = ? ORDER BY position"));
  select.bind(1, booking_id);
  return AllRows(select);
}

absl::Status SqliteMilestoneRepository::Insert(const Milestone& milestone) {
  SQLite::Statement& insert = sql_.Get(absl::StrCat(
      "INSERT INTO milestones (", kColumns,
      ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  BindMilestone(insert, milestone);
  insert.exec();
  return absl::OkStatus();
}

absl::Status SqliteMilestoneRepository::Update(const Milestone& milestone,
                                               int64_t expected_version) {
  SQLite::Statement& update = sql_.Get(
      "UPDATE milestones SET id = ?1, booking_id = ?2, position = ?3, title = ?4, "
      "currency_code = ?5, amount_minor = ?6, due_time = ?7, state = ?8, proposed_by = ?9, "
      "submission_note = ?10, revision_note = ?11, revision_count = ?12, "
      "auto_release_time = ?13, version = ?14, create_time = ?15, update_time = ?16, "
      "payment_id = ?17, dispute_id = ?18, cancel_reason = ?19, released_minor = ?20, "
      "refunded_minor = ?21 WHERE id = ?1 AND version = ?22");
  BindMilestone(update, milestone);
  update.bind(22, expected_version);
  return update.exec() == 1 ? absl::OkStatus() : EtagMismatch("milestone");
}

absl::StatusOr<std::vector<Milestone>> SqliteMilestoneRepository::ListDueForAutoRelease(
    absl::Time now, int limit) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      "SELECT ", kColumns, " FROM milestones WHERE state = 4 AND auto_release_time <= ? "
      "ORDER BY auto_release_time, id LIMIT ?"));
  BindTime(select, 1, now);
  select.bind(2, limit);
  return AllRows(select);
}

absl::Status SqliteMilestoneRepository::ForEachHoldingEscrow(
    absl::FunctionRef<void(const Milestone&)> visit) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      "SELECT ", kColumns, " FROM milestones WHERE state IN (3, 4, 5, 8) ORDER BY booking_id"));
  while (select.executeStep()) visit(MilestoneFromRow(select));
  return absl::OkStatus();
}

}  // namespace gigwire
