#include "server/store/sqlite/migrations.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Exception.h"
#include "SQLiteCpp/Statement.h"
#include "sqlite3.h"
#include "gtest/gtest.h"
#include "server/testing/temp_dir.h"

namespace gigwire {
namespace {

class MigrationsTest : public ::testing::Test {
 protected:
  int Version() {
    absl::StatusOr<int> version = SchemaVersion(db_);
    EXPECT_TRUE(version.ok()) << version.status();
    return version.value_or(-1);
  }
  int RecordedMigrations() {
    return db_.execAndGet("SELECT COUNT(*) FROM schema_migrations").getInt();
  }

  testutil::TempDir dir_;
  SQLite::Database db_{dir_.Path("migrations.db"), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
};

TEST_F(MigrationsTest, EmptyDatabaseIsVersionZero) { EXPECT_EQ(Version(), 0); }

TEST_F(MigrationsTest, FreshDatabaseReachesLatestBuiltInVersion) {
  ASSERT_FALSE(BuiltInMigrations().empty());
  ASSERT_TRUE(ApplyMigrations(db_, BuiltInMigrations()).ok());
  EXPECT_EQ(Version(), BuiltInMigrations().back().version);
  for (const char* table : {"users", "refresh_tokens", "api_keys", "schema_migrations"}) {
    EXPECT_TRUE(db_.tableExists(table)) << table;
  }
}

TEST_F(MigrationsTest, BuiltInVersionsStartAtOneWithoutGaps) {
  const std::vector<Migration>& all = BuiltInMigrations();
  for (size_t i = 0; i < all.size(); ++i) {
    EXPECT_EQ(all[i].version, static_cast<int>(i) + 1);
    EXPECT_FALSE(all[i].name.empty());
  }
}

TEST_F(MigrationsTest, ApplyingTwiceIsANoOp) {
  ASSERT_TRUE(ApplyMigrations(db_, BuiltInMigrations()).ok());
  int recorded = RecordedMigrations();
  absl::Status again = ApplyMigrations(db_, BuiltInMigrations());
  EXPECT_TRUE(again.ok()) << again;
  EXPECT_EQ(Version(), BuiltInMigrations().back().version);
  EXPECT_EQ(RecordedMigrations(), recorded);
}

TEST_F(MigrationsTest, AppliesOnlyTheMissingVersions) {
  std::vector<Migration> v1 = {{1, "one", "CREATE TABLE t1 (x INTEGER)"}};
  ASSERT_TRUE(ApplyMigrations(db_, v1).ok());
  db_.exec("INSERT INTO t1 VALUES (7)");
  std::vector<Migration> v2 = v1;
  v2.push_back({2, "two", "CREATE TABLE t2 (y INTEGER)"});
  ASSERT_TRUE(ApplyMigrations(db_, v2).ok());
  EXPECT_EQ(Version(), 2);
  EXPECT_TRUE(db_.tableExists("t2"));
  EXPECT_EQ(db_.execAndGet("SELECT x FROM t1").getInt(), 7);  // v1 not re-run
}

TEST_F(MigrationsTest, DatabaseNewerThanTheBinaryIsRefused) {
  ASSERT_TRUE(ApplyMigrations(db_, BuiltInMigrations()).ok());
  const int future = BuiltInMigrations().back().version + 1;
  db_.exec("INSERT INTO schema_migrations (version, name, applied_time) VALUES (" +
           std::to_string(future) + ", 'from the future', 0)");
  absl::Status status = ApplyMigrations(db_, BuiltInMigrations());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(Version(), future);
}

TEST_F(MigrationsTest, FailingMigrationIsRolledBackAndReported) {
  std::vector<Migration> migrations = {
      {1, "one", "CREATE TABLE t1 (x INTEGER)"},
      {2, "broken", "CREATE TABLE t2 (x INTEGER); THIS IS NOT SQL"},
  };
  absl::Status status = ApplyMigrations(db_, migrations);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_EQ(Version(), 1);
  EXPECT_TRUE(db_.tableExists("t1"));
  EXPECT_FALSE(db_.tableExists("t2"));
  EXPECT_EQ(RecordedMigrations(), 1);
}

TEST_F(MigrationsTest, FixedMigrationAppliesAfterAFailure) {
  std::vector<Migration> migrations = {
      {1, "one", "CREATE TABLE t1 (x INTEGER)"},
      {2, "broken", "CREATE TABLE t2 (x INTEGER); THIS IS NOT SQL"},
  };
  ASSERT_FALSE(ApplyMigrations(db_, migrations).ok());
  migrations[1].sql = "CREATE TABLE t2 (x INTEGER)";
  ASSERT_TRUE(ApplyMigrations(db_, migrations).ok());
  EXPECT_EQ(Version(), 2);
  EXPECT_TRUE(db_.tableExists("t2"));
}

// ---- 4 -> 5: a job may be booked again after a cancelled booking ----

// A version-4 database with a completed, reviewed booking: a buyer, two
// sellers, a category, a job BOOKED by the first seller's offer (the second
// seller's offer superseded), the booking and the buyer's review of it.
constexpr char kVersion4Rows[] = R"sql(
INSERT INTO users (id, email, password_hash, display_name, roles, create_time, update_time)
  VALUES ('usr_b', 'b@example.com', 'h', 'Buyer', 1, 1, 1),
         ('usr_s1', 's1@example.com', 'h', 'Seller one', 2, 1, 1),
         ('usr_s2', 's2@example.com', 'h', 'Seller two', 2, 1, 1);
INSERT INTO categories (id, slug, display_name, version, create_time)
  VALUES ('cat_1', 'design', 'Design', 1, 1);
INSERT INTO jobs (id, buyer_id, title, description, category_id, currency_code,
    budget_min_minor, budget_max_minor, due_time, state, booking_id, version, create_time,
    update_time)
  VALUES ('job_1', 'usr_b', 'Logo', 'A logo', 'cat_1', 'USD', 100, 500, 9, 3, 'bkg_1', 3, 1, 2);
INSERT INTO offers (id, job_id, seller_id, assignment_id, state, expire_time, booking_id,
    version, create_time, update_time)
  VALUES ('off_1', 'job_1', 'usr_s1', 'asg_1', 2, 9, 'bkg_1', 2, 1, 2),
         ('off_2', 'job_1', 'usr_s2', 'asg_2', 6, 9, '', 2, 1, 2);
INSERT INTO bookings (id, job_id, offer_id, buyer_id, seller_id, state, delivery_note,
    buyer_reviewed, version, create_time, update_time, complete_time)
  VALUES ('bkg_1', 'job_1', 'off_1', 'usr_b', 'usr_s1', 3, 'Done', 1, 4, 2, 3, 3);
INSERT INTO reviews (id, booking_id, author_id, subject_id, rating, text, create_time)
  VALUES ('rev_1', 'bkg_1', 'usr_b', 'usr_s1', 5, 'Great', 4);
)sql";

class RebookableJobsMigrationTest : public MigrationsTest {
 protected:
  void SetUp() override {
    const std::vector<Migration>& all = BuiltInMigrations();
    ASSERT_GE(all.size(), 5u);
    ASSERT_EQ(all[4].version, 5);
    ASSERT_TRUE(ApplyMigrations(db_, {all.begin(), all.begin() + 4}).ok());
    ASSERT_EQ(Version(), 4);
    db_.exec("PRAGMA foreign_keys = ON");
    db_.exec(kVersion4Rows);
  }

  int Count(const std::string& table) {
    return db_.execAndGet("SELECT COUNT(*) FROM " + table).getInt();
  }

  // Inserts a booking of job_1 for `offer_id` in `state`; false when the
  // database refuses it.
  bool InsertBooking(const std::string& id, const std::string& offer_id, int state) {
    try {
      db_.exec("INSERT INTO bookings (id, job_id, offer_id, buyer_id, seller_id, state, version, "
               "create_time, update_time) VALUES ('" + id + "', 'job_1', '" + offer_id +
               "', 'usr_b', 'usr_s2', " + std::to_string(state) + ", 1, 5, 5)");
      return true;
    } catch (const SQLite::Exception& e) {
      EXPECT_EQ(e.getExtendedErrorCode(), SQLITE_CONSTRAINT_UNIQUE) << e.what();
      return false;
    }
  }
};

TEST_F(RebookableJobsMigrationTest, KeepsEveryRowAndEveryReference) {
  ASSERT_FALSE(InsertBooking("bkg_2", "off_2", /*CANCELLED=*/4));  // v4: one booking per job
  absl::Status migrated = ApplyMigrations(db_, BuiltInMigrations());
  ASSERT_TRUE(migrated.ok()) << migrated;
  EXPECT_EQ(Version(), BuiltInMigrations().back().version);
  EXPECT_EQ(Count("users"), 3);
  EXPECT_EQ(Count("jobs"), 1);
  EXPECT_EQ(Count("offers"), 2);
  EXPECT_EQ(Count("bookings"), 1);
  EXPECT_EQ(Count("reviews"), 1);
  SQLite::Statement booking(db_,
      "SELECT b.id, b.state, b.delivery_note, b.buyer_reviewed, b.version, b.complete_time "
      "FROM reviews r JOIN bookings b ON b.id = r.booking_id WHERE r.id = 'rev_1'");
  ASSERT_TRUE(booking.executeStep());
  EXPECT_EQ(booking.getColumn(0).getString(), "bkg_1");
  EXPECT_EQ(booking.getColumn(1).getInt(), 3);
  EXPECT_EQ(booking.getColumn(2).getString(), "Done");
  EXPECT_EQ(booking.getColumn(3).getInt(), 1);
  EXPECT_EQ(booking.getColumn(4).getInt(), 4);
  EXPECT_EQ(booking.getColumn(5).getInt64(), 3);
  SQLite::Statement broken(db_, "PRAGMA foreign_key_check");
  EXPECT_FALSE(broken.executeStep()) << "broken foreign key in " << broken.getColumn(0).getString();
  EXPECT_EQ(db_.execAndGet("PRAGMA foreign_keys").getInt(), 1);
}

TEST_F(RebookableJobsMigrationTest, AJobTakesANewBookingOnlyOnceTheLiveOneIsCancelled) {
  const std::vector<Migration>& all = BuiltInMigrations();
  ASSERT_TRUE(ApplyMigrations(db_, {all.begin(), all.begin() + 5}).ok());  // version 5
  EXPECT_EQ(db_.execAndGet("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' "
                           "AND name = 'bookings_live_by_job'").getInt(), 1);
  EXPECT_FALSE(InsertBooking("bkg_2", "off_2", /*ACTIVE=*/1));  // bkg_1 is COMPLETED: live
  db_.exec("UPDATE bookings SET state = 4 WHERE id = 'bkg_1'");  // CANCELLED
  EXPECT_TRUE(InsertBooking("bkg_2", "off_2", /*ACTIVE=*/1));
  db_.exec("INSERT INTO users (id, email, password_hash, display_name, roles, create_time, "
           "update_time) VALUES ('usr_s3', 's3@example.com', 'h', 'Seller three', 2, 1, 1)");
  db_.exec("INSERT INTO offers (id, job_id, seller_id, assignment_id, state, expire_time, "
           "version, create_time, update_time) VALUES ('off_3', 'job_1', 'usr_s3', 'asg_3', 6, "
           "9, 1, 5, 5)");
  EXPECT_FALSE(InsertBooking("bkg_3", "off_3", /*DELIVERED=*/2));  // bkg_2 is live
  EXPECT_TRUE(InsertBooking("bkg_3", "off_3", /*CANCELLED=*/4));
  EXPECT_EQ(Count("bookings"), 3);
}

// ---- 5 -> 6: the open market ----

TEST_F(RebookableJobsMigrationTest, ExistingBookingsBecomeOfferBookingsAtTheBudgetMaximum) {
  ASSERT_TRUE(ApplyMigrations(db_, BuiltInMigrations()).ok());
  SQLite::Statement booking(db_,
      "SELECT source, job_id, offer_id, proposal_id, gig_id, title, currency_code, price_minor, "
      "due_time, state, delivery_note FROM bookings WHERE id = 'bkg_1'");
  ASSERT_TRUE(booking.executeStep());
  EXPECT_EQ(booking.getColumn(0).getInt(), 1);  // OFFER
  EXPECT_EQ(booking.getColumn(1).getString(), "job_1");
  EXPECT_EQ(booking.getColumn(2).getString(), "off_1");
  EXPECT_TRUE(booking.getColumn(3).isNull());
  EXPECT_TRUE(booking.getColumn(4).isNull());
  EXPECT_EQ(booking.getColumn(5).getString(), "Logo");
  EXPECT_EQ(booking.getColumn(6).getString(), "USD");
  EXPECT_EQ(booking.getColumn(7).getInt64(), 500);
  EXPECT_EQ(booking.getColumn(8).getInt64(), 9);
  EXPECT_EQ(booking.getColumn(9).getInt(), 3);
  EXPECT_EQ(booking.getColumn(10).getString(), "Done");
  EXPECT_EQ(db_.execAndGet("SELECT sourcing_mode FROM jobs WHERE id = 'job_1'").getInt(), 1);
  EXPECT_EQ(Count("reviews"), 1);
  SQLite::Statement broken(db_, "PRAGMA foreign_key_check");
  EXPECT_FALSE(broken.executeStep()) << "broken foreign key in " << broken.getColumn(0).getString();
}

TEST_F(RebookableJobsMigrationTest, OnlyAGigOrderHasNoJob) {
  ASSERT_TRUE(ApplyMigrations(db_, BuiltInMigrations()).ok());
  const std::string columns =
      "INSERT INTO bookings (id, source, job_id, buyer_id, seller_id, title, currency_code, "
      "price_minor, due_time, state, version, create_time, update_time) VALUES ";
  EXPECT_THROW(db_.exec(columns + "('bkg_x', 1, NULL, 'usr_b', 'usr_s1', 'T', 'USD', 5, 9, 1, "
                        "1, 5, 5)"),
               SQLite::Exception);
  db_.exec(columns + "('bkg_g', 3, NULL, 'usr_b', 'usr_s1', 'Gig', 'USD', 5, 9, 1, 1, 5, 5)");
  EXPECT_EQ(Count("bookings"), 2);
}

// ---- 7 -> 8: milestones for the bookings made before money moved ----

TEST_F(RebookableJobsMigrationTest, BookingsMadeBeforeGetMilestonesByTheirPlanOrPrice) {
  const std::vector<Migration>& all = BuiltInMigrations();
  ASSERT_GE(all.size(), 8u);
  ASSERT_TRUE(ApplyMigrations(db_, {all.begin(), all.begin() + 7}).ok());
  const std::string columns =
      "INSERT INTO bookings (id, source, job_id, buyer_id, seller_id, title, currency_code, "
      "price_minor, due_time, state, version, create_time, update_time) VALUES ";
  db_.exec(columns + "('bkg_plan', 3, NULL, 'usr_b', 'usr_s1', 'Site', 'EUR', 300, 99, 1, 1, "
                     "1000000, 1000000), ('bkg_gone', 3, NULL, 'usr_b', 'usr_s2', 'Gone', "
                     "'USD', 40, 99, 4, 1, 5, 5)");
  db_.exec("INSERT INTO planned_milestones (owner_id, position, title, currency_code, "
           "amount_minor, due_in_days) VALUES ('bkg_plan', 0, 'Design', 'EUR', 100, 2), "
           "('bkg_plan', 1, 'Build', 'EUR', 200, 5)");
  ASSERT_TRUE(ApplyMigrations(db_, all).ok());
  SQLite::Statement rows(db_,
      "SELECT booking_id, position, title, currency_code, amount_minor, due_time, state "
      "FROM milestones ORDER BY booking_id, position");
  std::vector<std::string> seen;
  while (rows.executeStep()) {
    seen.push_back(absl::StrCat(rows.getColumn(0).getString(), " ", rows.getColumn(1).getInt(),
                                " ", rows.getColumn(2).getString(), " ",
                                rows.getColumn(3).getString(), " ", rows.getColumn(4).getInt64(),
                                " ", rows.getColumn(5).getInt64(), " ", rows.getColumn(6).getInt()));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "bkg_1 0 Logo USD 500 9 6",  // completed: released outside Gigwire
                      "bkg_gone 0 Gone USD 40 99 7",  // cancelled
                      "bkg_plan 0 Design EUR 100 172801000000 2",  // running: pending; due 2 days after booking
                      "bkg_plan 1 Build EUR 200 432001000000 2",  // and 5 days
                  }));
  EXPECT_EQ(db_.execAndGet("SELECT COUNT(DISTINCT id) FROM milestones").getInt(), 4);
}

// ---- 8 -> 9: payments, payouts, disputes; milestones' money fields ----

TEST_F(RebookableJobsMigrationTest, MilestonesGetEmptyMoneyFieldsAndTheNewTablesTheirRules) {
  const std::vector<Migration>& all = BuiltInMigrations();
  ASSERT_GE(all.size(), 9u);
  ASSERT_EQ(all[8].version, 9);
  ASSERT_TRUE(ApplyMigrations(db_, {all.begin(), all.begin() + 8}).ok());
  ASSERT_TRUE(ApplyMigrations(db_, all).ok());
  SQLite::Statement milestone(db_,
      "SELECT id, payment_id, dispute_id, cancel_reason, released_minor, refunded_minor, state "
      "FROM milestones WHERE booking_id = 'bkg_1'");
  ASSERT_TRUE(milestone.executeStep());
  const std::string mst = milestone.getColumn(0).getString();
  EXPECT_EQ(milestone.getColumn(1).getString(), "");
  EXPECT_EQ(milestone.getColumn(2).getString(), "");
  EXPECT_EQ(milestone.getColumn(3).getString(), "");
  EXPECT_EQ(milestone.getColumn(4).getInt64(), 0);
  EXPECT_EQ(milestone.getColumn(5).getInt64(), 0);
  EXPECT_EQ(milestone.getColumn(6).getInt(), 6);  // still released
  milestone.reset();
  // Returns the extended error code of `sql`, or SQLITE_OK when it runs.
  auto code_of = [&](const std::string& sql) {
    try {
      db_.exec(sql);
      return SQLITE_OK;
    } catch (const SQLite::Exception& e) {
      return e.getExtendedErrorCode();
    }
  };
  auto payment = [&](const std::string& id, const std::string& currency, int64_t amount,
                     int state) {
    return absl::StrCat(
        "INSERT INTO payments (id, milestone_id, booking_id, buyer_id, currency_code, "
        "amount_minor, gateway, state, version, create_time, update_time) VALUES ('", id, "', '",
        mst, "', 'bkg_1', 'usr_b', '", currency, "', ", amount, ", 'manual', ", state,
        ", 1, 5, 5)");
  };
  EXPECT_EQ(code_of(payment("pay_1", "USD", 500, 1)), SQLITE_OK);
  EXPECT_EQ(code_of(payment("pay_2", "USD", 500, 1)), SQLITE_CONSTRAINT_UNIQUE);  // 2nd PENDING
  EXPECT_EQ(code_of(payment("pay_2", "USD", 500, 3)), SQLITE_OK);  // a FAILED one beside it
  EXPECT_EQ(code_of(payment("pay_3", "usd", 500, 3)), SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of(payment("pay_3", "US", 500, 3)), SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of(payment("pay_3", "USD", 0, 3)), SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of(payment("pay_3", "USD", 500, 5)), SQLITE_CONSTRAINT_CHECK);
  db_.exec("PRAGMA foreign_keys = ON");
  EXPECT_EQ(code_of("INSERT INTO payouts (id, seller_id, currency_code, amount_minor, state, "
                    "version, create_time, update_time) VALUES ('pyt_1', 'usr_nobody', 'USD', "
                    "5, 1, 1, 5, 5)"),
            SQLITE_CONSTRAINT_FOREIGNKEY);
  auto dispute = [&](const std::string& id, int state) {
    return absl::StrCat(
        "INSERT INTO disputes (id, milestone_id, booking_id, buyer_id, seller_id, opened_by, "
        "reason, milestone_title, currency_code, amount_minor, state, version, create_time, "
        "update_time) VALUES ('", id, "', '", mst, "', 'bkg_1', 'usr_b', 'usr_s1', 'usr_b', "
        "'Late', 'Logo', 'USD', 500, ", state, ", 1, 5, 5)");
  };
  EXPECT_EQ(code_of(dispute("dsp_1", 1)), SQLITE_OK);
  EXPECT_EQ(code_of(dispute("dsp_2", 1)), SQLITE_CONSTRAINT_UNIQUE);  // 2nd OPEN
  EXPECT_EQ(code_of(dispute("dsp_2", 2)), SQLITE_OK);
  EXPECT_EQ(code_of("UPDATE milestones SET released_minor = 400, refunded_minor = 101 "
                    "WHERE id = '" + mst + "'"),
            SQLITE_CONSTRAINT_CHECK);  // more out of escrow than the milestone's 500
  SQLite::Statement broken(db_, "PRAGMA foreign_key_check");
  EXPECT_FALSE(broken.executeStep()) << "broken foreign key in " << broken.getColumn(0).getString();
}

// ---- 9 -> 10: messaging and files ----

TEST_F(RebookableJobsMigrationTest, MessagingAndFileTablesKeepTheirRules) {
  const std::vector<Migration>& all = BuiltInMigrations();
  ASSERT_GE(all.size(), 10u);
  ASSERT_EQ(all[9].version, 10);
  ASSERT_TRUE(ApplyMigrations(db_, {all.begin(), all.begin() + 9}).ok());
  ASSERT_TRUE(ApplyMigrations(db_, all).ok());
  db_.exec("PRAGMA foreign_keys = ON");
  auto code_of = [&](const std::string& sql) {
    try {
      db_.exec(sql);
      return SQLITE_OK;
    } catch (const SQLite::Exception& e) {
      return e.getExtendedErrorCode();
    }
  };
  auto conversation = [](const std::string& id, const std::string& job,
                         const std::string& booking, const std::string& seller) {
    return absl::StrCat(
        "INSERT INTO conversations (id, job_id, booking_id, buyer_id, seller_id, "
        "last_activity_time, version, create_time, update_time) VALUES ('", id, "', ", job,
        ", ", booking, ", 'usr_b', '", seller, "', 5, 1, 5, 5)");
  };
  EXPECT_EQ(code_of(conversation("cnv_1", "'job_1'", "NULL", "usr_s1")), SQLITE_OK);
  EXPECT_EQ(code_of(conversation("cnv_2", "'job_1'", "'bkg_1'", "usr_s1")),
            SQLITE_CONSTRAINT_UNIQUE);  // the pair's job conversation exists
  EXPECT_EQ(code_of(conversation("cnv_2", "'job_1'", "NULL", "usr_s2")), SQLITE_OK);
  EXPECT_EQ(code_of(conversation("cnv_3", "NULL", "'bkg_1'", "usr_s1")), SQLITE_OK);
  EXPECT_EQ(code_of(conversation("cnv_4", "NULL", "'bkg_1'", "usr_s1")),
            SQLITE_CONSTRAINT_UNIQUE);  // the pair's booking conversation exists
  EXPECT_EQ(code_of(conversation("cnv_4", "NULL", "NULL", "usr_s1")), SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of(conversation("cnv_4", "'job_1'", "NULL", "usr_b")), SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of(conversation("cnv_4", "'job_nope'", "NULL", "usr_s1")),
            SQLITE_CONSTRAINT_FOREIGNKEY);
  auto message = [](const std::string& id, int seq) {
    return absl::StrCat("INSERT INTO messages (conversation_id, seq, id, sender_id, text, "
                        "create_time) VALUES ('cnv_1', ", seq, ", '", id, "', 'usr_b', 'hi', 5)");
  };
  EXPECT_EQ(code_of(message("msg_1", 1)), SQLITE_OK);
  EXPECT_EQ(code_of(message("msg_2", 1)), SQLITE_CONSTRAINT_PRIMARYKEY);
  EXPECT_EQ(code_of(message("msg_1", 2)), SQLITE_CONSTRAINT_UNIQUE);
  EXPECT_EQ(code_of(message("msg_2", 0)), SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of("INSERT INTO blocks VALUES ('usr_b', 'usr_b', 5)"), SQLITE_CONSTRAINT_CHECK);
  auto file = [](const std::string& id, const std::string& sha, int64_t size, int kind,
                 const std::string& attached, const std::string& position) {
    return absl::StrCat("INSERT INTO files (id, owner_id, sha256_hex, size_bytes, content_type, "
                        "name, attached_kind, attached_id, attach_position, create_time, "
                        "attach_time) VALUES ('", id, "', 'usr_b', '", sha, "', ", size,
                        ", 'image/png', 'a.png', ", kind, ", '", attached, "', ", position,
                        ", 5, ", kind == 0 ? "NULL" : "6", ")");
  };
  const std::string sha(64, 'f');
  EXPECT_EQ(code_of(file("fil_1", sha, 1, 0, "", "NULL")), SQLITE_OK);
  EXPECT_EQ(code_of(file("fil_2", sha, 1, 1, "msg_1", "0")), SQLITE_OK);
  EXPECT_EQ(code_of(file("fil_3", sha, 1, 1, "msg_1", "0")), SQLITE_CONSTRAINT_UNIQUE);
  EXPECT_EQ(code_of(file("fil_3", sha, 1, 6, "msg_1", "1")), SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of(file("fil_3", sha, 1, 1, "", "1")), SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of(file("fil_3", sha, 1, 0, "", "1")), SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of(file("fil_3", sha, -1, 0, "", "NULL")), SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of(file("fil_3", std::string(64, 'F'), 1, 0, "", "NULL")),
            SQLITE_CONSTRAINT_CHECK);
  EXPECT_EQ(code_of(file("fil_3", sha + "0", 1, 0, "", "NULL")), SQLITE_CONSTRAINT_CHECK);
  SQLite::Statement broken(db_, "PRAGMA foreign_key_check");
  EXPECT_FALSE(broken.executeStep()) << "broken foreign key in " << broken.getColumn(0).getString();
}

}  // namespace
}  // namespace gigwire
