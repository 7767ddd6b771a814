// Query plans (EXPLAIN QUERY PLAN) of the job, offer and booking lists, for
// every filter combination the domain builds (jobs.cc, offers.cc and
// bookings.cc List), on a database migrated by SqliteStore::Open.
//
// A list is served well when its table is read through one of its *_by_*
// indexes in (create_time DESC, id DESC) order, so LIMIT stops early: no
// "USE TEMP B-TREE FOR ORDER BY", and no SCAN other than walking the
// table's *_by_create_time index. The combinations the schema does not serve
// that way are pinned by the "...Sort..." tests below, so a schema change
// that fixes (or breaks) them shows up here.
//
// The database is empty and has no sqlite_stat1: the planner decides from
// the schema alone, as it does in production, where nothing runs ANALYZE.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/store/sqlite/sqlite_work_sql.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::Not;

const absl::Time kT0 = absl::FromUnixMicros(1'800'000'000'000'123);
const ListCursor kPageCursor{kT0, "row_cursor"};
constexpr int kLimit = 51;  // a page of 50 plus one to see if more follow

// Reads `table` (as `alias` in the FROM clause) through a `table`_by_* index
// in the list's order: no temp b-tree sort, and no SCAN but a walk of
// `table`_by_create_time. Joined tables may only be SEARCHed.
MATCHER_P2(ReadsNewestFirstThrough, alias, table,
           absl::StrCat("reads ", table, " through a ", table, "_by_* index and sorts nothing")) {
  const std::string index_prefix = absl::StrCat(" INDEX ", table, "_by_");
  const std::string walk = absl::StrCat(" INDEX ", table, "_by_create_time");
  bool indexed = false;
  for (const std::string& line : arg) {
    if (absl::StrContains(line, "TEMP B-TREE")) {
      *result_listener << "sorts: " << line;
      return false;
    }
    if (absl::StartsWith(line, "SCAN ") &&
        !(absl::StartsWith(line, absl::StrCat("SCAN ", alias, " ")) &&
          absl::StrContains(line, walk))) {
      *result_listener << "scans: " << line;
      return false;
    }
    const bool on_table = absl::StartsWith(line, absl::StrCat("SEARCH ", alias, " ")) ||
                          absl::StartsWith(line, absl::StrCat("SCAN ", alias, " "));
    indexed = indexed || (on_table && absl::StrContains(line, index_prefix));
  }
  if (!indexed) *result_listener << "no " << table << "_by_* index in " << absl::StrJoin(arg, "; ");
  return indexed;
}

// The plan contains a line that has every one of `parts`.
MATCHER_P(HasLineWith, parts, absl::StrCat("has a line with ", absl::StrJoin(parts, ", "))) {
  for (const std::string& line : arg) {
    if (std::all_of(parts.begin(), parts.end(),
                    [&](const std::string& part) { return absl::StrContains(line, part); })) {
      return true;
    }
  }
  *result_listener << "plan: " << absl::StrJoin(arg, "; ");
  return false;
}

const std::vector<std::string> kSorts = {"USE TEMP B-TREE FOR ORDER BY"};

// Filters of a list query, as bits; each combination is one query shape.
enum Filter : int {
  kState = 1 << 0,
  kBuyer = 1 << 1,
  kSeller = 1 << 2,
  kJob = 1 << 3,
  kCreatedAfter = 1 << 4,
  kCreatedBefore = 1 << 5,
  kParty = 1 << 6,
  kCursor = 1 << 7,
};

// Every subset of `filters`, including none.
std::vector<int> Subsets(int filters) {
  std::vector<int> subsets;
  for (int mask = 0; mask <= filters; ++mask) {
    if ((mask & ~filters) == 0) subsets.push_back(mask);
  }
  return subsets;
}

// jobs.cc: a buyer lists its own jobs, an admin anyone's or all; both may
// filter by state.
JobQuery MakeJobQuery(int filters) {
  JobQuery query;
  if (filters & kState) query.state = JobState::kOpen;
  if (filters & kBuyer) query.buyer_id = "usr_buyer";
  if (filters & kCursor) query.after = kPageCursor;
  query.limit = kLimit;
  return query;
}

// offers.cc: a seller lists its own offers, an admin anyone's or all; both
// may filter by job and state.
OfferQuery MakeOfferQuery(int filters) {
  OfferQuery query;
  if (filters & kState) query.state = OfferState::kPending;
  if (filters & kJob) query.job_id = "job_1";
  if (filters & kSeller) query.seller_id = "usr_seller";
  if (filters & kCursor) query.after = kPageCursor;
  query.limit = kLimit;
  return query;
}

// bookings.cc: a user lists the bookings it is a party to (kParty), an
// admin filters by buyer and seller; both by state and creation range.
BookingQuery MakeBookingQuery(int filters) {
  BookingQuery query;
  if (filters & kState) query.state = BookingState::kActive;
  if (filters & kParty) query.party_id = "usr_party";
  if (filters & kBuyer) query.buyer_id = "usr_buyer";
  if (filters & kSeller) query.seller_id = "usr_seller";
  if (filters & kCreatedAfter) query.created_after = kT0 - absl::Hours(24);
  if (filters & kCreatedBefore) query.created_before = kT0 + absl::Hours(24);
  if (filters & kCursor) query.after = kPageCursor;
  query.limit = kLimit;
  return query;
}

class WorkListPlanTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testutil::OpenTestStore(dir_, 1);
    ASSERT_NE(store_, nullptr);
  }

  // The plan lines of `bound`'s statement, after checking that it has one
  // argument per placeholder.
  std::vector<std::string> QueryPlan(const sqlite::BoundSql& bound) {
    EXPECT_EQ(static_cast<size_t>(std::count(bound.sql.begin(), bound.sql.end(), '?')),
              bound.args.size())
        << bound.sql;
    return sqlite::QueryPlan(path_, bound);
  }

  testutil::TempDir dir_;
  std::string path_ = dir_.Path("gigwire.db");
  std::unique_ptr<SqliteStore> store_;
};

// ---- the plan check itself ----

TEST_F(WorkListPlanTest, ThePlanCheckSeesASortAndAFullScan) {
  sqlite::BoundSql sorted{"SELECT id FROM jobs WHERE state = ? ORDER BY title LIMIT ?",
                          {int64_t{2}, int64_t{kLimit}}};
  EXPECT_THAT(QueryPlan(sorted), Not(ReadsNewestFirstThrough("jobs", "jobs")));
  sqlite::BoundSql scanned{"SELECT id FROM jobs WHERE title = ? LIMIT ?",
                           {std::string("x"), int64_t{kLimit}}};
  EXPECT_THAT(QueryPlan(scanned), Not(ReadsNewestFirstThrough("jobs", "jobs")));
}

TEST_F(WorkListPlanTest, ArgumentsFollowThePlaceholders) {
  using Arg = std::variant<int64_t, std::string>;
  BookingQuery admin = MakeBookingQuery(kState | kBuyer | kCreatedAfter | kCursor);
  const Arg after_micros(absl::ToUnixMicros(*admin.created_after));
  const Arg cursor_micros(absl::ToUnixMicros(kPageCursor.create_time));
  EXPECT_THAT(sqlite::BookingListSql(admin).args,
              ElementsAre(Arg(int64_t{1}), Arg("usr_buyer"), after_micros, cursor_micros,
                          Arg(kPageCursor.id), Arg(int64_t{kLimit})));
  // A party: the filters once per side (buyer, then seller), then the outer limit.
  BookingQuery party = MakeBookingQuery(kParty | kState | kCursor);
  const std::vector<Arg> side = {Arg("usr_party"), Arg(int64_t{1}), cursor_micros,
                                 Arg(kPageCursor.id), Arg(int64_t{kLimit})};
  std::vector<Arg> expected = side;
  expected.insert(expected.end(), side.begin(), side.end());
  expected.push_back(Arg(int64_t{kLimit}));
  EXPECT_EQ(sqlite::BookingListSql(party).args, expected);
}

// ---- jobs ----

TEST_F(WorkListPlanTest, EveryJobListReadsAnIndexNewestFirst) {
  for (int filters : Subsets(kState | kBuyer | kCursor)) {
    sqlite::BoundSql bound = sqlite::JobListSql(MakeJobQuery(filters));
    SCOPED_TRACE(bound.sql);
    EXPECT_THAT(QueryPlan(bound), ReadsNewestFirstThrough("jobs", "jobs"));
  }
}

// Each job's live proposal count is one indexed lookup of its proposals.
MATCHER(CountsProposalsThroughAnIndex, "") {
  return arg.size() == 3 && arg[1] == "CORRELATED SCALAR SUBQUERY 1" &&
         absl::StartsWith(arg[2], "SEARCH p USING ") &&
         absl::StrContains(arg[2], "(job_id=?)");
}

TEST_F(WorkListPlanTest, JobListsSearchTheIndexOfTheirFilter) {
  const std::vector<std::pair<int, std::string>> cases = {
      {0, "SCAN jobs USING INDEX jobs_by_create_time"},
      {kBuyer, "SEARCH jobs USING INDEX jobs_by_buyer (buyer_id=?)"},
      {kState, "SEARCH jobs USING INDEX jobs_by_state (state=?)"},
      // A buyer's jobs in one state: the buyer's index, not every job in that
      // state (the SQL keeps the planner, which has no statistics, off it).
      {kBuyer | kState, "SEARCH jobs USING INDEX jobs_by_buyer (buyer_id=?)"},
  };
  for (const auto& [filters, read] : cases) {
    std::vector<std::string> plan = QueryPlan(sqlite::JobListSql(MakeJobQuery(filters)));
    EXPECT_THAT(plan, CountsProposalsThroughAnIndex());
    ASSERT_FALSE(plan.empty());
    EXPECT_EQ(plan[0], read);
  }
}

// The open market reads its own index newest first, whatever else it filters.
TEST_F(WorkListPlanTest, TheOpenMarketReadsItsIndexNewestFirst) {
  OpenJobQuery query;
  query.skill = "logo";
  query.currency_code = "USD";
  query.budget_min_minor = 100;
  std::vector<std::string> plan = QueryPlan(sqlite::OpenJobListSql(query));
  ASSERT_FALSE(plan.empty());
  EXPECT_EQ(plan[0],
            "SEARCH jobs USING INDEX jobs_open_market (sourcing_mode=? AND state=?)");
  EXPECT_THAT(plan, CountsProposalsThroughAnIndex());
}

// ---- offers ----

TEST_F(WorkListPlanTest, OfferListsOfASellerOrOfAJobReadAnIndexNewestFirst) {
  for (int owner : {kSeller, kJob}) {
    for (int filters : Subsets(kState | kCursor)) {
      sqlite::BoundSql bound = sqlite::OfferListSql(MakeOfferQuery(owner | filters));
      SCOPED_TRACE(bound.sql);
      std::vector<std::string> plan = QueryPlan(bound);
      EXPECT_THAT(plan, ReadsNewestFirstThrough("o", "offers"));
      EXPECT_THAT(plan, HasLineWith(std::vector<std::string>{
                            "SEARCH o ", owner == kSeller ? "offers_by_seller" : "offers_by_job"}));
      EXPECT_THAT(plan, HasLineWith(std::vector<std::string>{"SEARCH j ", "(id=?)"}));
    }
  }
}

// A seller's offers of one job: UNIQUE (job_id, seller_id) makes this a
// lookup of at most one row, so the sort that some variants plan is of at
// most one row. Harmless; pinned so that it stays a unique lookup.
TEST_F(WorkListPlanTest, ASellersOffersOfOneJobAreAUniqueLookup) {
  for (int filters : Subsets(kState | kCursor)) {
    sqlite::BoundSql bound = sqlite::OfferListSql(MakeOfferQuery(kSeller | kJob | filters));
    SCOPED_TRACE(bound.sql);
    std::vector<std::string> plan = QueryPlan(bound);
    EXPECT_THAT(plan, HasLineWith(std::vector<std::string>{
                          "SEARCH o USING INDEX sqlite_autoindex_offers_2",
                          "(job_id=? AND seller_id=?)"}));
    EXPECT_THAT(plan, Not(HasLineWith(std::vector<std::string>{"SCAN "})));
  }
}

// An admin lists every offer, or every offer in a state: offers_by_state
// or offers_by_create_time (migration 4), newest first.
TEST_F(WorkListPlanTest, AdminOfferListsReadAnIndexNewestFirst) {
  for (int filters : Subsets(kState | kCursor)) {
    sqlite::BoundSql bound = sqlite::OfferListSql(MakeOfferQuery(filters));
    SCOPED_TRACE(bound.sql);
    std::vector<std::string> plan = QueryPlan(bound);
    EXPECT_THAT(plan, ReadsNewestFirstThrough("o", "offers"));
    EXPECT_THAT(plan, HasLineWith(std::vector<std::string>{
                          "o ", filters & kState ? "offers_by_state" : "offers_by_create_time"}));
  }
}

// ---- bookings ----

// The admin filters every combination of state, buyer, seller and creation
// range, with and without a cursor.
TEST_F(WorkListPlanTest, AdminBookingListsReadAnIndexNewestFirst) {
  for (int filters :
       Subsets(kState | kBuyer | kSeller | kCreatedAfter | kCreatedBefore | kCursor)) {
    sqlite::BoundSql bound = sqlite::BookingListSql(MakeBookingQuery(filters));
    SCOPED_TRACE(bound.sql);
    std::vector<std::string> plan = QueryPlan(bound);
    EXPECT_THAT(plan, ReadsNewestFirstThrough("b", "bookings"));
    EXPECT_THAT(plan, HasLineWith(std::vector<std::string>{"SEARCH j ", "(id=?)"}));
  }
}

// Past the first page the keyset is a row value, "(create_time, id) < (?, ?)":
// with created_after it is one range of bookings_by_create_time, in order.
// (Written as "create_time < ? OR (create_time = ? AND id < ?)" the planner
// made it a MULTI-INDEX OR of two ranges and sorted their union per page.)
TEST_F(WorkListPlanTest, AdminBookingPagesSinceADateWalkOneRange) {
  std::vector<std::string> plan =
      QueryPlan(sqlite::BookingListSql(MakeBookingQuery(kCreatedAfter | kCursor)));
  EXPECT_THAT(plan, Not(HasLineWith(std::vector<std::string>{"MULTI-INDEX OR"})));
  EXPECT_THAT(plan, HasLineWith(std::vector<std::string>{"SEARCH b USING INDEX "
                                                         "bookings_by_create_time"}));
  EXPECT_THAT(plan, Not(HasLineWith(kSorts)));
}

// A buyer's or seller's own bookings (every non-admin ListBookings): the
// newest page of each side, each walked in order through its own index,
// then merged. The one sort is the merge's, of at most two pages: it does
// not grow with the party's bookings.
TEST_F(WorkListPlanTest, APartysBookingsReadEachSideThroughItsIndexAndMergeTwoPages) {
  for (int filters : Subsets(kState | kCreatedAfter | kCreatedBefore | kCursor)) {
    sqlite::BoundSql bound = sqlite::BookingListSql(MakeBookingQuery(kParty | filters));
    SCOPED_TRACE(bound.sql);
    std::vector<std::string> plan = QueryPlan(bound);
    EXPECT_THAT(plan, HasLineWith(std::vector<std::string>{
                          "SEARCH bookings USING ", "INDEX bookings_by_buyer (buyer_id=?"}));
    EXPECT_THAT(plan, HasLineWith(std::vector<std::string>{
                          "SEARCH bookings USING ", "INDEX bookings_by_seller (seller_id=?"}));
    EXPECT_THAT(plan, HasLineWith(std::vector<std::string>{"SEARCH b USING INTEGER PRIMARY KEY"}));
    EXPECT_THAT(plan, Not(HasLineWith(std::vector<std::string>{"MULTI-INDEX OR"})));
    EXPECT_THAT(plan, Not(HasLineWith(std::vector<std::string>{"SCAN bookings"})));
    EXPECT_THAT(plan, Not(HasLineWith(std::vector<std::string>{"SCAN b "})));
    EXPECT_EQ(std::count(plan.begin(), plan.end(), kSorts[0]), 1) << "only the merge sorts";
  }
}

}  // namespace
}  // namespace gigwire
