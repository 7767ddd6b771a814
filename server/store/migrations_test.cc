#include "server/store/migrations.h"

#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
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

}  // namespace
}  // namespace gigwire
