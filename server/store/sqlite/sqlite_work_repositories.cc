// SQL of the work flow: jobs, assignments, offers, bookings, reviews, the
// audit log and idempotency records. Schema in migrations.cc (version 2).
//
// The job, offer and booking lists are built by the *ListSql functions
// (sqlite_work_sql.h) so that sqlite_work_sql_test.cc can check their plans.
#include <sqlite3.h>

#include <utility>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_repositories.h"
#include "server/store/sqlite/sqlite_util.h"
#include "server/store/sqlite/sqlite_work_sql.h"

namespace gigwire {
namespace sqlite {
namespace {

// The keyset condition on the columns of `prefix` ("b." or ""): strictly
// after `after` in newest-first order. Written as a row value, which the
// planner turns into one range of a (create_time, id) index, where the
// equivalent OR of two comparisons can become a sorted union of two ranges.
void WhereAfter(BoundSql& bound, const std::optional<ListCursor>& after,
                const std::string& prefix) {
  if (!after.has_value()) return;
  absl::StrAppend(&bound.sql, " AND (", prefix, "create_time, ", prefix, "id) < (?, ?)");
  bound.args.push_back(Micros(after->create_time));
  bound.args.push_back(after->id);
}

// Newest first on the columns of `prefix`, then at most `limit` rows.
void NewestFirst(BoundSql& bound, const std::string& prefix, int limit) {
  absl::StrAppend(&bound.sql, " ORDER BY ", prefix, "create_time DESC, ", prefix,
                  "id DESC LIMIT ?");
  bound.args.push_back(static_cast<int64_t>(limit));
}

}  // namespace
}  // namespace sqlite

namespace {

using sqlite::AppendAfter;
using sqlite::BindAfter;
using sqlite::BindBlob;
using sqlite::BindOptionalTime;
using sqlite::BindTime;
using sqlite::BlobColumn;
using sqlite::IsUniqueViolation;
using sqlite::JoinList;
using sqlite::OptionalTime;
using sqlite::SplitList;
using sqlite::TimeColumn;

// Runs an UPDATE guarded by "AND version = ?"; 0 rows means stale or gone.
absl::Status CheckVersionedUpdate(int changed, absl::string_view what) {
  return changed == 1 ? absl::OkStatus() : EtagMismatch(what);
}

// ---- jobs ----

constexpr char kJobColumns[] =
    "id, buyer_id, title, description, category_id, skills, currency_code, budget_min_minor, "
    "budget_max_minor, preferred_start_time, due_time, state, rejection_reason, cancel_reason, "
    "booking_id, version, create_time, update_time, sourcing_mode, bidding_close_time, "
    "award_deadline_time";
// kJobColumns and the live proposal count (read from the partial index of
// live proposals), as JobFromRow reads them.
constexpr char kJobSelect[] =
    "SELECT id, buyer_id, title, description, category_id, skills, currency_code, "
    "budget_min_minor, budget_max_minor, preferred_start_time, due_time, state, "
    "rejection_reason, cancel_reason, booking_id, version, create_time, update_time, "
    "sourcing_mode, bidding_close_time, award_deadline_time, (SELECT COUNT(*) FROM proposals p "
    "WHERE p.job_id = jobs.id AND p.state IN (1, 2)) FROM jobs";

Job JobFromRow(SQLite::Statement& row) {
  Job job;
  job.id = row.getColumn(0).getString();
  job.buyer_id = row.getColumn(1).getString();
  job.title = row.getColumn(2).getString();
  job.description = row.getColumn(3).getString();
  job.category_id = row.getColumn(4).getString();
  job.skills = SplitList(row.getColumn(5).getString());
  std::string currency = row.getColumn(6).getString();
  job.budget_min = {currency, row.getColumn(7).getInt64()};
  job.budget_max = {currency, row.getColumn(8).getInt64()};
  job.preferred_start_time = OptionalTime(row.getColumn(9));
  job.due_time = TimeColumn(row.getColumn(10));
  job.state = static_cast<JobState>(row.getColumn(11).getInt());
  job.rejection_reason = row.getColumn(12).getString();
  job.cancel_reason = row.getColumn(13).getString();
  job.booking_id = row.getColumn(14).getString();
  job.version = row.getColumn(15).getInt64();
  job.create_time = TimeColumn(row.getColumn(16));
  job.update_time = TimeColumn(row.getColumn(17));
  job.sourcing_mode = static_cast<SourcingMode>(row.getColumn(18).getInt());
  job.bidding_close_time = OptionalTime(row.getColumn(19));
  job.award_deadline_time = OptionalTime(row.getColumn(20));
  job.proposal_count = row.getColumn(21).getInt();
  return job;
}

// Binds kJobColumns in order from index 1.
void BindJob(SQLite::Statement& stmt, const Job& job) {
  stmt.bind(1, job.id);
  stmt.bind(2, job.buyer_id);
  stmt.bind(3, job.title);
  stmt.bind(4, job.description);
  stmt.bind(5, job.category_id);
  stmt.bind(6, JoinList(job.skills));
  stmt.bind(7, job.budget_min.currency_code);
  stmt.bind(8, static_cast<int64_t>(job.budget_min.amount_minor));
  stmt.bind(9, static_cast<int64_t>(job.budget_max.amount_minor));
  BindOptionalTime(stmt, 10, job.preferred_start_time);
  BindTime(stmt, 11, job.due_time);
  stmt.bind(12, static_cast<int>(job.state));
  stmt.bind(13, job.rejection_reason);
  stmt.bind(14, job.cancel_reason);
  stmt.bind(15, job.booking_id);
  stmt.bind(16, static_cast<int64_t>(job.version));
  BindTime(stmt, 17, job.create_time);
  BindTime(stmt, 18, job.update_time);
  stmt.bind(19, static_cast<int>(job.sourcing_mode));
  BindOptionalTime(stmt, 20, job.bidding_close_time);
  BindOptionalTime(stmt, 21, job.award_deadline_time);
}

}  // namespace

namespace sqlite {

BoundSql JobListSql(const JobQuery& query) {
  BoundSql bound;
  bound.sql = absl::StrCat(kJobSelect, " WHERE 1");
  // A unary + keeps the planner (which has no statistics) off jobs_by_state
  // when the buyer's own index is far narrower (a handful of states, many buyers).
  if (query.state.has_value()) {
    Where(bound, query.buyer_id.empty() ? "state = ?" : "+state = ?",
          {static_cast<int64_t>(*query.state)});
  }
  if (!query.buyer_id.empty()) Where(bound, "buyer_id = ?", {query.buyer_id});
  WhereAfter(bound, query.after, "");
  NewestFirst(bound, "", query.limit);
  return bound;
}

BoundSql OpenJobListSql(const OpenJobQuery& query) {
  BoundSql bound;
  bound.sql = absl::StrCat(kJobSelect, " WHERE sourcing_mode = 2 AND state = 2");
  // Past its close time, before the scheduler closed it: no longer biddable.
  Where(bound, "+bidding_close_time > ?", {Micros(query.now)});  // + : keep the order index
  if (!query.category_ids.empty()) {
    std::vector<std::variant<int64_t, std::string>> ids(query.category_ids.begin(),
                                                        query.category_ids.end());
    std::string marks(ids.size() * 2 - 1, ',');
    for (size_t i = 0; i < marks.size(); i += 2) marks[i] = '?';
    Where(bound, absl::StrCat("category_id IN (", marks, ")"), ids);
  }
  if (!query.skill.empty()) {
    // Skills are stored joined (JoinList); compare whole entries, any case.
    Where(bound, "instr(char(10) || lower(skills) || char(10), char(10) || ? || char(10)) > 0",
          {query.skill});
  }
  if (!query.currency_code.empty()) Where(bound, "currency_code = ?", {query.currency_code});
  if (query.budget_min_minor) Where(bound, "budget_max_minor >= ?", {*query.budget_min_minor});
  if (query.budget_max_minor) Where(bound, "budget_min_minor <= ?", {*query.budget_max_minor});
  switch (query.order) {
    case OpenJobQuery::Order::kBudget:
      absl::StrAppend(&bound.sql, " ORDER BY budget_max_minor DESC, create_time DESC, id DESC");
      break;
    case OpenJobQuery::Order::kClosingSoon:
      absl::StrAppend(&bound.sql, " ORDER BY bidding_close_time, create_time DESC, id DESC");
      break;
    case OpenJobQuery::Order::kNewest:
      absl::StrAppend(&bound.sql, " ORDER BY create_time DESC, id DESC");
      break;
  }
  absl::StrAppend(&bound.sql, " LIMIT ? OFFSET ?");
  bound.args.push_back(static_cast<int64_t>(query.limit));
  bound.args.push_back(static_cast<int64_t>(query.offset));
  return bound;
}

}  // namespace sqlite

absl::StatusOr<Job> SqliteJobRepository::FindById(const std::string& id) {
  SQLite::Statement& query = sql_.Get(absl::StrCat(kJobSelect, " WHERE id = ?"));
  query.bind(1, id);
  if (!query.executeStep()) return NotFound(absl::StrCat("job ", id));
  return JobFromRow(query);
}

absl::Status SqliteJobRepository::Insert(const Job& job) {
  SQLite::Statement& insert = sql_.Get(absl::StrCat("INSERT INTO jobs (", kJobColumns,
                                             ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  BindJob(insert, job);
  insert.exec();
  return absl::OkStatus();
}

absl::Status SqliteJobRepository::Update(const Job& job, int64_t expected_version) {
  SQLite::Statement& update = sql_.Get("UPDATE jobs SET id = ?1, buyer_id = ?2, title = ?3, description = ?4, category_id = ?5, "
      "skills = ?6, currency_code = ?7, budget_min_minor = ?8, budget_max_minor = ?9, "
      "preferred_start_time = ?10, due_time = ?11, state = ?12, rejection_reason = ?13, "
      "cancel_reason = ?14, booking_id = ?15, version = ?16, create_time = ?17, "
      "update_time = ?18, sourcing_mode = ?19, bidding_close_time = ?20, "
      "award_deadline_time = ?21 WHERE id = ?1 AND version = ?22");
  BindJob(update, job);
  update.bind(22, static_cast<int64_t>(expected_version));
  return CheckVersionedUpdate(update.exec(), "job");
}

absl::StatusOr<std::vector<Job>> SqliteJobRepository::List(const JobQuery& query) {
  const sqlite::BoundSql bound = sqlite::JobListSql(query);
  SQLite::Statement& select = sql_.Get(bound.sql);
  sqlite::BindAll(select, bound);
  std::vector<Job> jobs;
  while (select.executeStep()) jobs.push_back(JobFromRow(select));
  return jobs;
}

absl::StatusOr<std::vector<std::pair<JobState, int>>> SqliteJobRepository::CountByState(
    const std::string& buyer_id) {
  SQLite::Statement& count = sql_.Get(buyer_id.empty()
      ? "SELECT state, SUM(count) FROM job_state_counts GROUP BY state HAVING SUM(count) > 0 "
        "ORDER BY state"
      : "SELECT state, count FROM job_state_counts WHERE buyer_id = ? AND count > 0 "
        "ORDER BY state");
  if (!buyer_id.empty()) count.bind(1, buyer_id);
  std::vector<std::pair<JobState, int>> counts;
  while (count.executeStep()) {
    counts.emplace_back(static_cast<JobState>(count.getColumn(0).getInt()),
                        count.getColumn(1).getInt());
  }
  return counts;
}

absl::StatusOr<std::vector<Job>> SqliteJobRepository::ListDue(absl::Time now, int limit) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      kJobSelect, " WHERE state IN (?, ?) AND due_time <= ? ORDER BY due_time LIMIT ?"));
  select.bind(1, static_cast<int>(JobState::kPendingReview));
  select.bind(2, static_cast<int>(JobState::kOpen));
  BindTime(select, 3, now);
  select.bind(4, limit);
  std::vector<Job> jobs;
  while (select.executeStep()) jobs.push_back(JobFromRow(select));
  return jobs;
}

absl::StatusOr<std::vector<Job>> SqliteJobRepository::ListOpen(const OpenJobQuery& query) {
  const sqlite::BoundSql bound = sqlite::OpenJobListSql(query);
  SQLite::Statement& select = sql_.Get(bound.sql);
  sqlite::BindAll(select, bound);
  std::vector<Job> jobs;
  while (select.executeStep()) jobs.push_back(JobFromRow(select));
  return jobs;
}

// Open projects in `state` whose `time_column` is at or before `now`.
absl::StatusOr<std::vector<Job>> SqliteJobRepository::ListOpenProjectsDue(
    JobState state, absl::string_view time_column, absl::Time now, int limit) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      kJobSelect, " WHERE sourcing_mode = 2 AND state = ? AND ", time_column, " <= ? ORDER BY ",
      time_column, " LIMIT ?"));
  select.bind(1, static_cast<int>(state));
  BindTime(select, 2, now);
  select.bind(3, limit);
  std::vector<Job> jobs;
  while (select.executeStep()) jobs.push_back(JobFromRow(select));
  return jobs;
}

absl::StatusOr<std::vector<Job>> SqliteJobRepository::ListBiddingDue(absl::Time now, int limit) {
  return ListOpenProjectsDue(JobState::kOpen, "bidding_close_time", now, limit);
}

absl::StatusOr<std::vector<Job>> SqliteJobRepository::ListAwardDue(absl::Time now, int limit) {
  return ListOpenProjectsDue(JobState::kBiddingClosed, "award_deadline_time", now, limit);
}

// ---- assignments ----

absl::Status SqliteAssignmentRepository::Insert(const Assignment& a) {
  SQLite::Statement& insert = sql_.Get("INSERT INTO assignments (id, job_id, seller_id, assigner_id, note, offer_id, create_time) "
      "VALUES (?,?,?,?,?,?,?)");
  insert.bind(1, a.id);
  insert.bind(2, a.job_id);
  insert.bind(3, a.seller_id);
  insert.bind(4, a.assigner_id);
  insert.bind(5, a.note);
  insert.bind(6, a.offer_id);
  BindTime(insert, 7, a.create_time);
  insert.exec();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Assignment>> SqliteAssignmentRepository::ListByJob(
    const std::string& job_id, const std::optional<ListCursor>& after, int limit) {
  std::string sql =
      "SELECT id, job_id, seller_id, assigner_id, note, offer_id, create_time FROM assignments "
      "WHERE job_id = ?";
  if (after.has_value()) sql += " AND (create_time > ? OR (create_time = ? AND id > ?))";
  sql += " ORDER BY create_time, id LIMIT ?";
  SQLite::Statement& select = sql_.Get(sql);
  select.bind(1, job_id);
  int index = BindAfter(select, 2, after);
  select.bind(index, limit);
  std::vector<Assignment> out;
  while (select.executeStep()) {
    out.push_back({select.getColumn(0).getString(), select.getColumn(1).getString(),
                   select.getColumn(2).getString(), select.getColumn(3).getString(),
                   select.getColumn(4).getString(), select.getColumn(5).getString(),
                   TimeColumn(select.getColumn(6))});
  }
  return out;
}

// ---- offers ----

namespace {

// Offers are read joined with their job for title and budget.
constexpr char kOfferSelect[] =
    "SELECT o.id, o.job_id, o.seller_id, o.assignment_id, o.note, o.state, o.expire_time, "
    "o.decline_reason, o.withdraw_reason, o.booking_id, o.version, o.create_time, "
    "o.update_time, j.title, j.currency_code, j.budget_min_minor, j.budget_max_minor "
    "FROM offers o JOIN jobs j ON j.id = o.job_id";

Offer OfferFromRow(SQLite::Statement& row) {
  Offer offer;
  offer.id = row.getColumn(0).getString();
  offer.job_id = row.getColumn(1).getString();
  offer.seller_id = row.getColumn(2).getString();
  offer.assignment_id = row.getColumn(3).getString();
  offer.note = row.getColumn(4).getString();
  offer.state = static_cast<OfferState>(row.getColumn(5).getInt());
  offer.expire_time = TimeColumn(row.getColumn(6));
  offer.decline_reason = row.getColumn(7).getString();
  offer.withdraw_reason = row.getColumn(8).getString();
  offer.booking_id = row.getColumn(9).getString();
  offer.version = row.getColumn(10).getInt64();
  offer.create_time = TimeColumn(row.getColumn(11));
  offer.update_time = TimeColumn(row.getColumn(12));
  offer.job_title = row.getColumn(13).getString();
  std::string currency = row.getColumn(14).getString();
  offer.budget_min = {currency, row.getColumn(15).getInt64()};
  offer.budget_max = {currency, row.getColumn(16).getInt64()};
  return offer;
}

std::vector<Offer> AllOffers(SQLite::Statement& select) {
  std::vector<Offer> offers;
  while (select.executeStep()) offers.push_back(OfferFromRow(select));
  return offers;
}

}  // namespace

namespace sqlite {

BoundSql OfferListSql(const OfferQuery& query) {
  BoundSql bound;
  bound.sql = absl::StrCat(kOfferSelect, " WHERE 1");
  // As in JobListSql: a seller's or job's own index beats offers_by_state.
  const bool owner_filter = !query.job_id.empty() || !query.seller_id.empty();
  if (query.state.has_value()) {
    Where(bound, owner_filter ? "+o.state = ?" : "o.state = ?",
          {static_cast<int64_t>(*query.state)});
  }
  if (!query.job_id.empty()) Where(bound, "o.job_id = ?", {query.job_id});
  if (!query.seller_id.empty()) Where(bound, "o.seller_id = ?", {query.seller_id});
  WhereAfter(bound, query.after, "o.");
  NewestFirst(bound, "o.", query.limit);
  return bound;
}

}  // namespace sqlite

absl::StatusOr<Offer> SqliteOfferRepository::FindById(const std::string& id) {
  SQLite::Statement& query = sql_.Get(absl::StrCat(kOfferSelect, " WHERE o.id = ?"));
  query.bind(1, id);
  if (!query.executeStep()) return NotFound(absl::StrCat("offer ", id));
  return OfferFromRow(query);
}

absl::Status SqliteOfferRepository::Insert(const Offer& offer) {
  SQLite::Statement& insert = sql_.Get("INSERT INTO offers (id, job_id, seller_id, assignment_id, note, state, expire_time, "
      "decline_reason, withdraw_reason, booking_id, version, create_time, update_time) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
  insert.bind(1, offer.id);
  insert.bind(2, offer.job_id);
  insert.bind(3, offer.seller_id);
  insert.bind(4, offer.assignment_id);
  insert.bind(5, offer.note);
  insert.bind(6, static_cast<int>(offer.state));
  BindTime(insert, 7, offer.expire_time);
  insert.bind(8, offer.decline_reason);
  insert.bind(9, offer.withdraw_reason);
  insert.bind(10, offer.booking_id);
  insert.bind(11, static_cast<int64_t>(offer.version));
  BindTime(insert, 12, offer.create_time);
  BindTime(insert, 13, offer.update_time);
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) return AlreadyExists(v1::DUPLICATE, "seller already has an offer");
    throw;
  }
  return absl::OkStatus();
}

absl::Status SqliteOfferRepository::Update(const Offer& offer, int64_t expected_version) {
  SQLite::Statement& update = sql_.Get("UPDATE offers SET note = ?, state = ?, expire_time = ?, decline_reason = ?, "
      "withdraw_reason = ?, booking_id = ?, version = ?, update_time = ? "
      "WHERE id = ? AND version = ?");
  update.bind(1, offer.note);
  update.bind(2, static_cast<int>(offer.state));
  BindTime(update, 3, offer.expire_time);
  update.bind(4, offer.decline_reason);
  update.bind(5, offer.withdraw_reason);
  update.bind(6, offer.booking_id);
  update.bind(7, static_cast<int64_t>(offer.version));
  BindTime(update, 8, offer.update_time);
  update.bind(9, offer.id);
  update.bind(10, static_cast<int64_t>(expected_version));
  return CheckVersionedUpdate(update.exec(), "offer");
}

absl::StatusOr<std::vector<Offer>> SqliteOfferRepository::List(const OfferQuery& query) {
  const sqlite::BoundSql bound = sqlite::OfferListSql(query);
  SQLite::Statement& select = sql_.Get(bound.sql);
  sqlite::BindAll(select, bound);
  return AllOffers(select);
}

absl::StatusOr<std::vector<Offer>> SqliteOfferRepository::ListPendingForJob(
    const std::string& job_id) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(kOfferSelect, " WHERE o.job_id = ? AND o.state = ?"));
  select.bind(1, job_id);
  select.bind(2, static_cast<int>(OfferState::kPending));
  return AllOffers(select);
}

absl::StatusOr<std::vector<Offer>> SqliteOfferRepository::ListExpiredPending(absl::Time now,
                                                                             int limit) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      kOfferSelect, " WHERE o.state = ? AND o.expire_time <= ? ORDER BY o.expire_time LIMIT ?"));
  select.bind(1, static_cast<int>(OfferState::kPending));
  BindTime(select, 2, now);
  select.bind(3, limit);
  return AllOffers(select);
}

absl::StatusOr<bool> SqliteOfferRepository::SellerHasOffer(const std::string& job_id,
                                                           const std::string& seller_id) {
  SQLite::Statement& query = sql_.Get("SELECT 1 FROM offers WHERE job_id = ? AND seller_id = ?");
  query.bind(1, job_id);
  query.bind(2, seller_id);
  return query.executeStep();
}

// ---- bookings ----

namespace {

constexpr char kBookingSelect[] =
    "SELECT b.id, b.job_id, b.offer_id, b.buyer_id, b.seller_id, b.state, b.delivery_note, "
    "b.revision_note, b.revision_count, b.cancel_reason, b.buyer_reviewed, b.seller_reviewed, "
    "b.version, b.create_time, b.update_time, b.complete_time, b.title, b.currency_code, "
    "COALESCE(j.budget_min_minor, b.price_minor), COALESCE(j.budget_max_minor, b.price_minor), "
    "b.source, b.proposal_id, b.gig_id, b.price_minor, b.due_time, b.requirements "
    "FROM bookings b LEFT JOIN jobs j ON j.id = b.job_id";

// Reads a row of kBookingSelect (without the milestone plan).
Booking BookingFromRow(SQLite::Statement& row) {
  Booking b;
  b.id = row.getColumn(0).getString();
  b.job_id = row.getColumn(1).getString();  // NULL reads as ""
  b.offer_id = row.getColumn(2).getString();
  b.buyer_id = row.getColumn(3).getString();
  b.seller_id = row.getColumn(4).getString();
  b.state = static_cast<BookingState>(row.getColumn(5).getInt());
  b.delivery_note = row.getColumn(6).getString();
  b.revision_note = row.getColumn(7).getString();
  b.revision_count = row.getColumn(8).getInt();
  b.cancel_reason = row.getColumn(9).getString();
  b.buyer_reviewed = row.getColumn(10).getInt() != 0;
  b.seller_reviewed = row.getColumn(11).getInt() != 0;
  b.version = row.getColumn(12).getInt64();
  b.create_time = TimeColumn(row.getColumn(13));
  b.update_time = TimeColumn(row.getColumn(14));
  b.complete_time = OptionalTime(row.getColumn(15));
  b.job_title = row.getColumn(16).getString();
  std::string currency = row.getColumn(17).getString();
  b.budget_min = {currency, row.getColumn(18).getInt64()};
  b.budget_max = {currency, row.getColumn(19).getInt64()};
  b.source = static_cast<BookingSource>(row.getColumn(20).getInt());
  b.proposal_id = row.getColumn(21).getString();
  b.gig_id = row.getColumn(22).getString();
  b.price = {currency, row.getColumn(23).getInt64()};
  b.due_time = TimeColumn(row.getColumn(24));
  b.requirements = row.getColumn(25).getString();
  return b;
}

// Binds `id` as text, or NULL when empty (optional foreign keys).
void BindOptionalId(SQLite::Statement& stmt, int index, const std::string& id) {
  if (id.empty()) {
    stmt.bind(index);
  } else {
    stmt.bind(index, id);
  }
}

// Binds the mutable columns of a booking, in the order of kBookingMutable.
constexpr char kBookingMutable[] =
    "state = ?, delivery_note = ?, revision_note = ?, revision_count = ?, cancel_reason = ?, "
    "buyer_reviewed = ?, seller_reviewed = ?, version = ?, update_time = ?, complete_time = ?";

int BindBookingMutable(SQLite::Statement& stmt, int index, const Booking& b) {
  stmt.bind(index++, static_cast<int>(b.state));
  stmt.bind(index++, b.delivery_note);
  stmt.bind(index++, b.revision_note);
  stmt.bind(index++, b.revision_count);
  stmt.bind(index++, b.cancel_reason);
  stmt.bind(index++, b.buyer_reviewed ? 1 : 0);
  stmt.bind(index++, b.seller_reviewed ? 1 : 0);
  stmt.bind(index++, static_cast<int64_t>(b.version));
  BindTime(stmt, index++, b.update_time);
  BindOptionalTime(stmt, index++, b.complete_time);
  return index;
}

}  // namespace

namespace sqlite {

namespace {

// Every filter of `q` but the party, on the columns of `prefix`. `state_index`
// false writes the state test as "+state", keeping the planner (which has
// no statistics) on the narrower owner index the caller is reading.
void WhereBookingFilters(BoundSql& bound, const BookingQuery& q, const std::string& prefix,
                         bool state_index) {
  if (q.state.has_value()) {
    Where(bound, absl::StrCat(state_index ? "" : "+", prefix, "state = ?"),
          {static_cast<int64_t>(*q.state)});
  }
  if (!q.buyer_id.empty()) Where(bound, prefix + "buyer_id = ?", {q.buyer_id});
  if (!q.seller_id.empty()) Where(bound, prefix + "seller_id = ?", {q.seller_id});
  if (q.created_after) Where(bound, prefix + "create_time >= ?", {Micros(*q.created_after)});
  if (q.created_before) Where(bound, prefix + "create_time < ?", {Micros(*q.created_before)});
  WhereAfter(bound, q.after, prefix);
}

// A party's bookings are those it buys plus those it sells: the first page
// of each side, each read in order from its own index (bookings_by_buyer,
// bookings_by_seller), then merged by the outer ORDER BY, which sorts at most
// two pages instead of all the party's bookings.
void WhereParty(BoundSql& bound, const BookingQuery& q) {
  bound.sql += " AND b.rowid IN (";
  const char* separator = "";
  for (const char* side : {"buyer_id", "seller_id"}) {
    absl::StrAppend(&bound.sql, separator, "SELECT rowid FROM (SELECT rowid FROM bookings WHERE ",
                    side, " = ?");
    bound.args.push_back(q.party_id);
    WhereBookingFilters(bound, q, "", /*state_index=*/false);
    NewestFirst(bound, "", q.limit);
    bound.sql += ")";
    separator = " UNION ALL ";
  }
  bound.sql += ")";
}

}  // namespace

BoundSql BookingListSql(const BookingQuery& q) {
  BoundSql bound;
  bound.sql = absl::StrCat(kBookingSelect, " WHERE 1");
  if (q.party_id.empty()) {
    WhereBookingFilters(bound, q, "b.", /*state_index=*/true);
  } else {
    WhereParty(bound, q);
  }
  NewestFirst(bound, "b.", q.limit);
  return bound;
}

}  // namespace sqlite

absl::StatusOr<Booking> SqliteBookingRepository::FindById(const std::string& id) {
  SQLite::Statement& query = sql_.Get(absl::StrCat(kBookingSelect, " WHERE b.id = ?"));
  query.bind(1, id);
  if (!query.executeStep()) return NotFound(absl::StrCat("booking ", id));
  Booking booking = BookingFromRow(query);
  query.reset();
  GW_ASSIGN_OR_RETURN(booking.milestones, sqlite::LoadMilestonePlan(sql_, booking.id));
  return booking;
}

absl::Status SqliteBookingRepository::Insert(const Booking& b) {
  SQLite::Statement& full = sql_.Get(absl::StrCat(
      "INSERT INTO bookings (id, job_id, offer_id, buyer_id, seller_id, create_time, source, "
      "proposal_id, gig_id, title, currency_code, price_minor, due_time, requirements, state, "
      "delivery_note, revision_note, revision_count, cancel_reason, buyer_reviewed, "
      "seller_reviewed, version, update_time, complete_time) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  full.bind(1, b.id);
  BindOptionalId(full, 2, b.job_id);
  BindOptionalId(full, 3, b.offer_id);
  full.bind(4, b.buyer_id);
  full.bind(5, b.seller_id);
  BindTime(full, 6, b.create_time);
  full.bind(7, static_cast<int>(b.source));
  BindOptionalId(full, 8, b.proposal_id);
  BindOptionalId(full, 9, b.gig_id);
  full.bind(10, b.job_title);
  full.bind(11, b.price.currency_code);
  full.bind(12, static_cast<int64_t>(b.price.amount_minor));
  BindTime(full, 13, b.due_time);
  full.bind(14, b.requirements);
  BindBookingMutable(full, 15, b);
  full.exec();
  return sqlite::SaveMilestonePlan(sql_, b.id, b.milestones);
}

absl::Status SqliteBookingRepository::Update(const Booking& b, int64_t expected_version) {
  SQLite::Statement& update = sql_.Get(absl::StrCat("UPDATE bookings SET ", kBookingMutable,
                                             " WHERE id = ? AND version = ?"));
  int index = BindBookingMutable(update, 1, b);
  update.bind(index++, b.id);
  update.bind(index, static_cast<int64_t>(expected_version));
  return CheckVersionedUpdate(update.exec(), "booking");
}

absl::StatusOr<std::vector<Booking>> SqliteBookingRepository::List(const BookingQuery& q) {
  const sqlite::BoundSql bound = sqlite::BookingListSql(q);
  SQLite::Statement& select = sql_.Get(bound.sql);
  sqlite::BindAll(select, bound);
  std::vector<Booking> out;
  while (select.executeStep()) out.push_back(BookingFromRow(select));
  select.reset();
  for (Booking& booking : out) {
    GW_ASSIGN_OR_RETURN(booking.milestones, sqlite::LoadMilestonePlan(sql_, booking.id));
  }
  return out;
}

// ---- reviews ----

namespace {

constexpr char kReviewSelect[] =
    "SELECT id, booking_id, author_id, subject_id, rating, text, create_time FROM reviews";

Review ReviewFromRow(SQLite::Statement& row) {
  return {row.getColumn(0).getString(), row.getColumn(1).getString(),
          row.getColumn(2).getString(), row.getColumn(3).getString(),
          row.getColumn(4).getInt(),    row.getColumn(5).getString(),
          TimeColumn(row.getColumn(6))};
}

}  // namespace

absl::StatusOr<Review> SqliteReviewRepository::FindById(const std::string& id) {
  SQLite::Statement& query = sql_.Get(absl::StrCat(kReviewSelect, " WHERE id = ?"));
  query.bind(1, id);
  if (!query.executeStep()) return NotFound(absl::StrCat("review ", id));
  return ReviewFromRow(query);
}

absl::Status SqliteReviewRepository::Insert(const Review& r) {
  SQLite::Statement& insert = sql_.Get("INSERT INTO reviews (id, booking_id, author_id, subject_id, rating, text, create_time) "
      "VALUES (?,?,?,?,?,?,?)");
  insert.bind(1, r.id);
  insert.bind(2, r.booking_id);
  insert.bind(3, r.author_id);
  insert.bind(4, r.subject_id);
  insert.bind(5, r.rating);
  insert.bind(6, r.text);
  BindTime(insert, 7, r.create_time);
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) return AlreadyExists(v1::ALREADY_REVIEWED, "already reviewed");
    throw;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Review>> SqliteReviewRepository::ListBySubject(
    const std::string& subject_id, const std::optional<ListCursor>& after, int limit) {
  std::string sql = absl::StrCat(kReviewSelect, " WHERE subject_id = ?");
  AppendAfter(sql, after);
  sql += " ORDER BY create_time DESC, id DESC LIMIT ?";
  SQLite::Statement& select = sql_.Get(sql);
  select.bind(1, subject_id);
  int index = BindAfter(select, 2, after);
  select.bind(index, limit);
  std::vector<Review> out;
  while (select.executeStep()) out.push_back(ReviewFromRow(select));
  return out;
}

// ---- audit log ----

absl::Status SqliteAuditRepository::Append(const AuditEntry& e) {
  SQLite::Statement& insert = sql_.Get("INSERT INTO audit_log (id, actor_id, action, target, note, create_time) "
      "VALUES (?,?,?,?,?,?)");
  insert.bind(1, e.id);
  insert.bind(2, e.actor_id);
  insert.bind(3, e.action);
  insert.bind(4, e.target);
  insert.bind(5, e.note);
  BindTime(insert, 6, e.create_time);
  insert.exec();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<AuditEntry>> SqliteAuditRepository::List(const AuditQuery& q) {
  std::string sql = "SELECT id, actor_id, action, target, note, create_time FROM audit_log WHERE 1";
  if (!q.actor_id.empty()) sql += " AND actor_id = ?";
  if (!q.action.empty()) sql += " AND action = ?";
  if (!q.target.empty()) sql += " AND instr(target, ?) > 0";
  AppendAfter(sql, q.after);
  sql += " ORDER BY create_time DESC, id DESC LIMIT ?";
  SQLite::Statement& select = sql_.Get(sql);
  int i = 1;
  if (!q.actor_id.empty()) select.bind(i++, q.actor_id);
  if (!q.action.empty()) select.bind(i++, q.action);
  if (!q.target.empty()) select.bind(i++, q.target);
  i = BindAfter(select, i, q.after);
  select.bind(i, q.limit);
  std::vector<AuditEntry> out;
  while (select.executeStep()) {
    out.push_back({select.getColumn(0).getString(), select.getColumn(1).getString(),
                   select.getColumn(2).getString(), select.getColumn(3).getString(),
                   select.getColumn(4).getString(), TimeColumn(select.getColumn(5))});
  }
  return out;
}

// ---- idempotency records ----

absl::StatusOr<RequestRecord> SqliteRequestIdRepository::Find(const std::string& principal_id,
                                                              const std::string& method,
                                                              const std::string& request_id) {
  SQLite::Statement& query = sql_.Get("SELECT fingerprint, resource_id, create_time FROM request_ids "
      "WHERE principal_id = ? AND method = ? AND request_id = ?");
  query.bind(1, principal_id);
  query.bind(2, method);
  query.bind(3, request_id);
  if (!query.executeStep()) return NotFound("request id");
  return RequestRecord{principal_id, method, request_id, BlobColumn(query.getColumn(0)),
                       query.getColumn(1).getString(), TimeColumn(query.getColumn(2))};
}

absl::Status SqliteRequestIdRepository::Insert(const RequestRecord& r) {
  SQLite::Statement& insert = sql_.Get("INSERT INTO request_ids (principal_id, method, request_id, fingerprint, resource_id, "
      "create_time) VALUES (?,?,?,?,?,?)");
  insert.bind(1, r.principal_id);
  insert.bind(2, r.method);
  insert.bind(3, r.request_id);
  BindBlob(insert, 4, r.fingerprint);
  insert.bind(5, r.resource_id);
  BindTime(insert, 6, r.create_time);
  insert.exec();
  return absl::OkStatus();
}

absl::StatusOr<int> SqliteRequestIdRepository::DeleteBefore(absl::Time cutoff) {
  SQLite::Statement& remove = sql_.Get("DELETE FROM request_ids WHERE create_time < ?");
  BindTime(remove, 1, cutoff);
  return remove.exec();
}

}  // namespace gigwire
