#include "server/store/sqlite/sqlite_store.h"

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "server/store/sqlite/migrations.h"
#include "server/testing/temp_dir.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;

const absl::Time kT0 = absl::FromUnixMicros(1'800'000'000'000'123);

User MakeUser(const std::string& id, absl::Time created = kT0,
              std::vector<Role> roles = {Role::kBuyer}) {
  User user;
  user.id = id;
  user.email = absl::StrCat(id, "@example.com");
  user.password_hash = "$scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaA";
  user.display_name = absl::StrCat("User ", id);
  for (Role r : roles) user.roles.Add(r);
  user.create_time = user.update_time = created;
  return user;
}

RefreshToken MakeRefreshToken(const std::string& id, const std::string& family,
                              const std::string& user_id) {
  RefreshToken token;
  token.id = id;
  token.family_id = family;
  token.user_id = user_id;
  token.token_hash = std::string("\x00\xffhash-", 7) + id;  // binary, with a NUL
  token.create_time = kT0;
  token.expire_time = kT0 + absl::Hours(24);
  return token;
}

ApiKey MakeApiKey(const std::string& id, const std::string& user_id, absl::Time created) {
  ApiKey key;
  key.id = id;
  key.display_name = absl::StrCat("key ", id);
  key.user_id = user_id;
  key.creator_id = user_id;
  key.secret_hash = std::string("\x00secret-", 8) + id;
  key.create_time = created;
  return key;
}

std::vector<std::string> Ids(const std::vector<User>& users) {
  std::vector<std::string> ids;
  for (const User& u : users) ids.push_back(u.id);
  return ids;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }

  void Reopen() {
    store_.reset();
    SqliteStoreOptions options;
    options.path = path_;
    options.reader_connections = 3;
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  absl::Status Insert(const User& user) {
    return store_->Write([&](Tx& tx) { return tx.users().Insert(user); });
  }

  absl::StatusOr<User> FindUser(const std::string& id) {
    absl::StatusOr<User> found = absl::UnknownError("not run");
    absl::Status status = store_->Read([&](Tx& tx) {
      found = tx.users().FindById(id);
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return found;
  }

  std::vector<User> ListUsers(const UserQuery& query) {
    std::vector<User> users;
    absl::Status status = store_->Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(users, tx.users().List(query));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return users;
  }

  absl::StatusOr<RefreshToken> FindToken(const std::string& hash) {
    absl::StatusOr<RefreshToken> found = absl::UnknownError("not run");
    EXPECT_TRUE(store_->Read([&](Tx& tx) {
                  found = tx.refresh_tokens().FindByHash(hash);
                  return absl::OkStatus();
                }).ok());
    return found;
  }

  testutil::TempDir dir_;
  std::string path_ = dir_.Path("gigwire.db");
  std::unique_ptr<SqliteStore> store_;
};

// ---- connections and transactions ----

TEST_F(SqliteStoreTest, OpenCreatesTheLatestSchema) {
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  absl::StatusOr<int> version = SchemaVersion(db);
  EXPECT_EQ(version.value_or(-1), BuiltInMigrations().back().version);
}

TEST_F(SqliteStoreTest, DatabaseIsInWalMode) {
  SQLite::Database db(path_, SQLite::OPEN_READONLY);
  EXPECT_EQ(db.execAndGet("PRAGMA journal_mode").getString(), "wal");
}

TEST_F(SqliteStoreTest, ForeignKeysAreEnforced) {
  absl::Status status = store_->Write([&](Tx& tx) {
    return tx.refresh_tokens().Insert(MakeRefreshToken("rtk_1", "fam_1", "usr_nobody"));
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_EQ(ReasonOf(status), v1::INTERNAL_ERROR);
}

TEST_F(SqliteStoreTest, WriteCommitsWhenTheFunctionSucceeds) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  absl::StatusOr<User> found = FindUser("usr_a");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->email, "usr_a@example.com");
}

TEST_F(SqliteStoreTest, WriteRollsBackWhenTheFunctionFails) {
  absl::Status status = store_->Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.users().Insert(MakeUser("usr_a")));
    return absl::FailedPreconditionError("changed my mind");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FindUser("usr_a").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, WriteRollsBackEarlierStatementsWhenALaterOneThrows) {
  absl::Status status = store_->Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.users().Insert(MakeUser("usr_a")));
    return tx.refresh_tokens().Insert(MakeRefreshToken("rtk_1", "fam_1", "usr_nobody"));
  });
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(FindUser("usr_a").status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(Insert(MakeUser("usr_b")).ok()) << "the writer must be usable afterwards";
}

TEST_F(SqliteStoreTest, MutationsInsideReadFailWithInternal) {
  absl::Status status =
      store_->Read([&](Tx& tx) { return tx.users().Insert(MakeUser("usr_a")); });
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal) << status;
  EXPECT_EQ(FindUser("usr_a").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, DataSurvivesCloseAndReopen) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  Reopen();
  EXPECT_TRUE(FindUser("usr_a").ok());
}

TEST_F(SqliteStoreTest, OpenRefusesADatabaseNewerThanTheBinary) {
  store_.reset();
  {
    SQLite::Database db(path_, SQLite::OPEN_READWRITE);
    db.exec(absl::StrCat("INSERT INTO schema_migrations (version, name, applied_time) VALUES (",
                         BuiltInMigrations().back().version + 1, ", 'future', 0)"));
  }
  SqliteStoreOptions options;
  options.path = path_;
  EXPECT_EQ(SqliteStore::Open(options).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(SqliteStoreTest, OpenReportsAnUnopenablePathAsInternal) {
  SqliteStoreOptions options;
  options.path = dir_.Path("no/such/dir/gigwire.db");
  EXPECT_EQ(SqliteStore::Open(options).status().code(), absl::StatusCode::kInternal);
}

TEST_F(SqliteStoreTest, CheckIntegrityPassesOnAHealthyDatabase) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  absl::Status status = store_->CheckIntegrity();
  EXPECT_TRUE(status.ok()) << status;
}

// sqlite_store.h: CheckIntegrity "Runs PRAGMA integrity_check and a WAL
// checkpoint". After a checkpoint the main database file alone (without its
// -wal file) holds every committed row.
TEST_F(SqliteStoreTest, CheckIntegrityCheckpointsTheWal) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  ASSERT_TRUE(store_->CheckIntegrity().ok());
  std::string copy = dir_.Path("copy.db");
  std::filesystem::copy_file(path_, copy);
  SQLite::Database db(copy, SQLite::OPEN_READWRITE);
  ASSERT_TRUE(db.tableExists("users")) << "schema not checkpointed into the main file";
  EXPECT_EQ(db.execAndGet("SELECT COUNT(*) FROM users WHERE id = 'usr_a'").getInt(), 1);
}

TEST_F(SqliteStoreTest, ConcurrentReadersSucceedWhileAWriterRuns) {
  constexpr int kWrites = 40;
  constexpr int kReaders = 3;
  constexpr int kReadsPerReader = 60;
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 0; i < kWrites; ++i) {
      if (!Insert(MakeUser(absl::StrCat("usr_w", i), kT0 + absl::Seconds(i))).ok()) ++failures;
    }
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < kReaders; ++r) {
    readers.emplace_back([&] {
      size_t seen = 0;
      for (int i = 0; i < kReadsPerReader; ++i) {
        std::vector<User> users;
        absl::Status status = store_->Read([&](Tx& tx) -> absl::Status {
          GW_ASSIGN_OR_RETURN(users, tx.users().List(UserQuery{std::nullopt, std::nullopt, 500}));
          return absl::OkStatus();
        });
        if (!status.ok() || users.size() < seen) ++failures;  // commits never disappear
        seen = users.size();
      }
    });
  }
  writer.join();
  for (std::thread& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(ListUsers(UserQuery{std::nullopt, std::nullopt, 500}).size(),
            static_cast<size_t>(kWrites));
}

// ---- users ----

// sqlite_store.h: writes that queue while a transaction runs commit together,
// each in its own savepoint; a failing one is rolled back alone and reports
// its own error, the others are committed.
TEST_F(SqliteStoreTest, QueuedWritesCommitAsOneBatchAndAFailingOneIsRolledBackAlone) {
  absl::Notification first_started, release_first;
  std::thread first([&] {
    EXPECT_TRUE(store_->Write([&](Tx& tx) {
                  first_started.Notify();
                  release_first.WaitForNotification();
                  return tx.users().Insert(MakeUser("usr_first"));
                }).ok());
  });
  first_started.WaitForNotification();
  const SqliteStore::WriteStats before = store_->write_stats();
  std::vector<absl::Status> results(5);
  std::vector<std::thread> queued;
  for (int i = 0; i < 5; ++i) {
    queued.emplace_back([&, i] {
      results[i] = store_->Write([&](Tx& tx) -> absl::Status {
        GW_RETURN_IF_ERROR(tx.users().Insert(MakeUser(absl::StrCat("usr_q", i))));
        if (i == 2) return InvalidState("write 2 fails after inserting", "TEST");
        return absl::OkStatus();
      });
    });
  }
  while (store_->write_stats().queued < 5) absl::SleepFor(absl::Milliseconds(1));
  release_first.Notify();
  first.join();
  for (std::thread& t : queued) t.join();

  const SqliteStore::WriteStats after = store_->write_stats();
  EXPECT_EQ(after.writes - before.writes, 6);
  EXPECT_EQ(after.commits - before.commits, 2);  // the first alone, then the five together
  for (int i = 0; i < 5; ++i) {
    if (i == 2) {
      EXPECT_EQ(results[i].code(), absl::StatusCode::kFailedPrecondition) << results[i];
    } else {
      EXPECT_TRUE(results[i].ok()) << i << ": " << results[i];
    }
  }
  EXPECT_EQ(FindUser("usr_q2").status().code(), absl::StatusCode::kNotFound);
  for (const char* id : {"usr_first", "usr_q0", "usr_q1", "usr_q3", "usr_q4"}) {
    EXPECT_TRUE(FindUser(id).ok()) << id;
  }
}

// A later write in a batch sees what the earlier ones wrote, as if serial:
// the second insert of the same email fails with EMAIL_TAKEN (ALREADY_EXISTS).
TEST_F(SqliteStoreTest, WritesInOneBatchSeeEachOtherInArrivalOrder) {
  absl::Notification first_started, release_first;
  std::thread first([&] {
    EXPECT_TRUE(store_->Write([&](Tx& tx) {
                  first_started.Notify();
                  release_first.WaitForNotification();
                  return absl::OkStatus();
                }).ok());
  });
  first_started.WaitForNotification();
  User a = MakeUser("usr_a"), b = MakeUser("usr_b");
  b.email = a.email;
  absl::Status status_a, status_b;
  std::thread writer_a([&] { status_a = Insert(a); });
  while (store_->write_stats().queued < 1) absl::SleepFor(absl::Milliseconds(1));
  std::thread writer_b([&] { status_b = Insert(b); });
  while (store_->write_stats().queued < 2) absl::SleepFor(absl::Milliseconds(1));
  release_first.Notify();
  for (std::thread* t : {&first, &writer_a, &writer_b}) t->join();
  EXPECT_TRUE(status_a.ok()) << status_a;
  EXPECT_EQ(status_b.code(), absl::StatusCode::kAlreadyExists) << status_b;
  EXPECT_TRUE(FindUser("usr_a").ok());
  EXPECT_EQ(FindUser("usr_b").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, UserFieldsRoundTrip) {
  User user = MakeUser("usr_a", kT0, {Role::kBuyer, Role::kSeller});
  user.bio = "line one\nline two";
  user.avatar_url = "https://example.com/a.png";
  user.skills = {"C++", "SQLite", "gRPC"};
  user.availability = Availability::kAway;
  user.version = 3;
  user.update_time = kT0 + absl::Microseconds(42);
  ASSERT_TRUE(Insert(user).ok());
  absl::StatusOr<User> found = FindUser("usr_a");
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->email, user.email);
  EXPECT_EQ(found->password_hash, user.password_hash);
  EXPECT_EQ(found->display_name, user.display_name);
  EXPECT_EQ(found->bio, user.bio);
  EXPECT_EQ(found->avatar_url, user.avatar_url);
  EXPECT_EQ(found->skills, user.skills);
  EXPECT_EQ(found->availability, Availability::kAway);
  EXPECT_EQ(found->roles, user.roles);
  EXPECT_EQ(found->version, 3);
  EXPECT_EQ(found->create_time, kT0);
  EXPECT_EQ(found->update_time, user.update_time);
}

TEST_F(SqliteStoreTest, FindByEmailFindsTheUser) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  absl::StatusOr<User> found = absl::UnknownError("not run");
  ASSERT_TRUE(store_->Read([&](Tx& tx) {
                      found = tx.users().FindByEmail("usr_a@example.com");
                      return absl::OkStatus();
                    }).ok());
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, "usr_a");
}

TEST_F(SqliteStoreTest, UnknownUserIsNotFound) {
  absl::StatusOr<User> found = FindUser("usr_missing");
  EXPECT_EQ(found.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(ReasonOf(found.status()), v1::RESOURCE_NOT_FOUND);
}

TEST_F(SqliteStoreTest, DuplicateEmailIsEmailTaken) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  User twin = MakeUser("usr_b");
  twin.email = "usr_a@example.com";
  absl::Status status = Insert(twin);
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_EQ(ReasonOf(status), v1::EMAIL_TAKEN);
  EXPECT_EQ(FindUser("usr_b").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, UpdateWithCurrentVersionStoresTheChange) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  User changed = MakeUser("usr_a");
  changed.display_name = "Renamed";
  changed.version = 2;
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.users().Update(changed, 1); }).ok());
  absl::StatusOr<User> found = FindUser("usr_a");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->display_name, "Renamed");
  EXPECT_EQ(found->version, 2);
}

TEST_F(SqliteStoreTest, UpdateWithStaleVersionIsEtagMismatch) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  User changed = MakeUser("usr_a");
  changed.display_name = "Renamed";
  changed.version = 8;
  absl::Status status = store_->Write([&](Tx& tx) { return tx.users().Update(changed, 7); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAborted) << status;
  EXPECT_EQ(ReasonOf(status), v1::ETAG_MISMATCH);
  EXPECT_EQ(FindUser("usr_a")->display_name, "User usr_a");
}

TEST_F(SqliteStoreTest, UpdateOfUnknownUserIsNotFound) {
  absl::Status status =
      store_->Write([&](Tx& tx) { return tx.users().Update(MakeUser("usr_x"), 1); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
}

TEST_F(SqliteStoreTest, ListPagesByCreateTimeThenIdDescendingWithRoleFilter) {
  // Two pairs share a create time, so the id breaks the tie.
  ASSERT_TRUE(Insert(MakeUser("usr_1", kT0, {Role::kSeller})).ok());
  ASSERT_TRUE(Insert(MakeUser("usr_2", kT0 + absl::Seconds(1), {Role::kBuyer})).ok());
  ASSERT_TRUE(Insert(MakeUser("usr_3", kT0 + absl::Seconds(1), {Role::kSeller})).ok());
  ASSERT_TRUE(Insert(MakeUser("usr_4", kT0 + absl::Seconds(1), {Role::kBuyer, Role::kSeller})).ok());
  ASSERT_TRUE(Insert(MakeUser("usr_5", kT0 + absl::Seconds(2), {Role::kSeller})).ok());
  ASSERT_TRUE(Insert(MakeUser("usr_6", kT0 + absl::Seconds(3), {Role::kAdmin})).ok());

  EXPECT_THAT(Ids(ListUsers(UserQuery{std::nullopt, std::nullopt, 50})),
              ElementsAre("usr_6", "usr_5", "usr_4", "usr_3", "usr_2", "usr_1"));

  UserQuery sellers{Role::kSeller, std::nullopt, 2};
  std::vector<User> page1 = ListUsers(sellers);
  EXPECT_THAT(Ids(page1), ElementsAre("usr_5", "usr_4"));
  sellers.after = ListCursor{page1.back().create_time, page1.back().id};
  std::vector<User> page2 = ListUsers(sellers);
  EXPECT_THAT(Ids(page2), ElementsAre("usr_3", "usr_1"));
  sellers.after = ListCursor{page2.back().create_time, page2.back().id};
  EXPECT_TRUE(ListUsers(sellers).empty());
}

// ---- refresh tokens ----

TEST_F(SqliteStoreTest, RefreshTokenRoundTripsByHash) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  RefreshToken token = MakeRefreshToken("rtk_1", "fam_1", "usr_a");
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.refresh_tokens().Insert(token); }).ok());
  absl::StatusOr<RefreshToken> found = FindToken(token.token_hash);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(found->id, "rtk_1");
  EXPECT_EQ(found->family_id, "fam_1");
  EXPECT_EQ(found->user_id, "usr_a");
  EXPECT_EQ(found->token_hash, token.token_hash);
  EXPECT_EQ(found->expire_time, token.expire_time);
  EXPECT_FALSE(found->used_time.has_value());
  EXPECT_FALSE(found->revoke_time.has_value());
  EXPECT_EQ(FindToken("other hash").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, MarkUsedRecordsTheTime) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  RefreshToken token = MakeRefreshToken("rtk_1", "fam_1", "usr_a");
  const absl::Time used = kT0 + absl::Minutes(5);
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> absl::Status {
                      GW_RETURN_IF_ERROR(tx.refresh_tokens().Insert(token));
                      return tx.refresh_tokens().MarkUsed("rtk_1", used);
                    }).ok());
  EXPECT_EQ(FindToken(token.token_hash)->used_time, std::optional<absl::Time>(used));
  absl::Status unknown =
      store_->Write([&](Tx& tx) { return tx.refresh_tokens().MarkUsed("rtk_nope", used); });
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, RevokeFamilyRevokesOnlyThatFamilyAndKeepsEarlierRevocations) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  RefreshToken a1 = MakeRefreshToken("rtk_a1", "fam_a", "usr_a");
  RefreshToken a2 = MakeRefreshToken("rtk_a2", "fam_a", "usr_a");
  RefreshToken b1 = MakeRefreshToken("rtk_b1", "fam_b", "usr_a");
  a1.revoke_time = kT0 + absl::Minutes(1);
  const absl::Time when = kT0 + absl::Minutes(9);
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> absl::Status {
                      for (const RefreshToken* t : {&a1, &a2, &b1}) {
                        GW_RETURN_IF_ERROR(tx.refresh_tokens().Insert(*t));
                      }
                      return tx.refresh_tokens().RevokeFamily("fam_a", when);
                    }).ok());
  EXPECT_EQ(FindToken(a1.token_hash)->revoke_time, a1.revoke_time);
  EXPECT_EQ(FindToken(a2.token_hash)->revoke_time, std::optional<absl::Time>(when));
  EXPECT_FALSE(FindToken(b1.token_hash)->revoke_time.has_value());
}

// ---- API keys ----

TEST_F(SqliteStoreTest, ApiKeyInsertFindRevoke) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  ApiKey key = MakeApiKey("key_1", "usr_a", kT0);
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.api_keys().Insert(key); }).ok());

  absl::StatusOr<ApiKey> by_id = absl::UnknownError("not run");
  absl::StatusOr<ApiKey> by_hash = absl::UnknownError("not run");
  absl::StatusOr<ApiKey> missing = absl::UnknownError("not run");
  ASSERT_TRUE(store_->Read([&](Tx& tx) {
                      by_id = tx.api_keys().FindById("key_1");
                      by_hash = tx.api_keys().FindBySecretHash(key.secret_hash);
                      missing = tx.api_keys().FindBySecretHash("no such hash");
                      return absl::OkStatus();
                    }).ok());
  ASSERT_TRUE(by_id.ok()) << by_id.status();
  ASSERT_TRUE(by_hash.ok()) << by_hash.status();
  EXPECT_EQ(by_id->secret_hash, key.secret_hash);
  EXPECT_EQ(by_hash->id, "key_1");
  EXPECT_EQ(by_id->display_name, key.display_name);
  EXPECT_FALSE(by_id->revoke_time.has_value());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);

  const absl::Time first = kT0 + absl::Hours(1);
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> absl::Status {
                      GW_RETURN_IF_ERROR(tx.api_keys().Revoke("key_1", first));
                      return tx.api_keys().Revoke("key_1", first + absl::Hours(1));
                    }).ok());
  ASSERT_TRUE(store_->Read([&](Tx& tx) {
                      by_id = tx.api_keys().FindById("key_1");
                      return absl::OkStatus();
                    }).ok());
  EXPECT_EQ(by_id->revoke_time, std::optional<absl::Time>(first)) << "first revocation kept";
  absl::Status unknown =
      store_->Write([&](Tx& tx) { return tx.api_keys().Revoke("key_nope", first); });
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, ApiKeyListPagesNewestFirst) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> absl::Status {
                      GW_RETURN_IF_ERROR(tx.api_keys().Insert(MakeApiKey("key_1", "usr_a", kT0)));
                      GW_RETURN_IF_ERROR(tx.api_keys().Insert(
                          MakeApiKey("key_2", "usr_a", kT0 + absl::Seconds(1))));
                      return tx.api_keys().Insert(
                          MakeApiKey("key_3", "usr_a", kT0 + absl::Seconds(1)));
                    }).ok());
  std::vector<ApiKey> page1, page2;
  ASSERT_TRUE(store_->Read([&](Tx& tx) -> absl::Status {
                      GW_ASSIGN_OR_RETURN(page1, tx.api_keys().List(ApiKeyQuery{std::nullopt, 2}));
                      ApiKeyQuery next{ListCursor{page1.back().create_time, page1.back().id}, 2};
                      GW_ASSIGN_OR_RETURN(page2, tx.api_keys().List(next));
                      return absl::OkStatus();
                    }).ok());
  ASSERT_EQ(page1.size(), 2u);
  EXPECT_EQ(page1[0].id, "key_3");
  EXPECT_EQ(page1[1].id, "key_2");
  ASSERT_EQ(page2.size(), 1u);
  EXPECT_EQ(page2[0].id, "key_1");
}

TEST_F(SqliteStoreTest, DuplicateApiKeySecretHashIsAlreadyExists) {
  ASSERT_TRUE(Insert(MakeUser("usr_a")).ok());
  ApiKey first = MakeApiKey("key_1", "usr_a", kT0);
  ApiKey second = MakeApiKey("key_2", "usr_a", kT0);
  second.secret_hash = first.secret_hash;
  absl::Status status = store_->Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.api_keys().Insert(first));
    return tx.api_keys().Insert(second);
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
}

}  // namespace
}  // namespace gigwire
