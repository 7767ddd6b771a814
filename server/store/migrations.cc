// Embedded schema and its migration runner; see migrations.h.
//
// Conventions: times are INTEGER microseconds since the Unix epoch; ids are
// TEXT with a type prefix; secrets are stored only as SHA-256 BLOBs.
#include "server/store/migrations.h"

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

constexpr char kV1Accounts[] = R"sql(
CREATE TABLE users (
  id            TEXT PRIMARY KEY,
  email         TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  display_name  TEXT NOT NULL,
  bio           TEXT NOT NULL DEFAULT '',
  avatar_url    TEXT NOT NULL DEFAULT '',
  skills        TEXT NOT NULL DEFAULT '',   -- newline-separated
  availability  INTEGER NOT NULL DEFAULT 1,
  roles         INTEGER NOT NULL,           -- bit mask: 1 buyer, 2 seller, 4 admin
  version       INTEGER NOT NULL DEFAULT 1,
  create_time   INTEGER NOT NULL,
  update_time   INTEGER NOT NULL
) STRICT;
CREATE INDEX users_by_create_time ON users (create_time DESC, id DESC);

CREATE TABLE refresh_tokens (
  id          TEXT PRIMARY KEY,
  family_id   TEXT NOT NULL,
  user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash  BLOB NOT NULL UNIQUE,
  create_time INTEGER NOT NULL,
  expire_time INTEGER NOT NULL,
  used_time   INTEGER,
  revoke_time INTEGER
) STRICT;
CREATE INDEX refresh_tokens_by_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_by_user ON refresh_tokens (user_id);

CREATE TABLE api_keys (
  id           TEXT PRIMARY KEY,
  display_name TEXT NOT NULL,
  user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  creator_id   TEXT NOT NULL REFERENCES users (id),
  secret_hash  BLOB NOT NULL UNIQUE,
  create_time  INTEGER NOT NULL,
  revoke_time  INTEGER
) STRICT;
CREATE INDEX api_keys_by_create_time ON api_keys (create_time DESC, id DESC);
CREATE INDEX api_keys_by_user ON api_keys (user_id);
)sql";

absl::Status ApplyOne(SQLite::Database& db, const Migration& m) {
  try {
    db.exec("BEGIN IMMEDIATE");
    try {
      db.exec(m.sql);
      SQLite::Statement record(db,
          "INSERT INTO schema_migrations (version, name, applied_time) "
          "VALUES (?, ?, CAST(strftime('%s','now') AS INTEGER) * 1000000)");
      record.bind(1, m.version);
      record.bind(2, m.name);
      record.exec();
      db.exec("COMMIT");
    } catch (...) {
      db.exec("ROLLBACK");
      throw;
    }
  } catch (const SQLite::Exception& e) {
    return Internal(absl::StrCat("migration ", m.version, " (", m.name, ") failed: ",
                                 e.getErrorStr()));
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<Migration>& BuiltInMigrations() {
  static const auto* const kMigrations = new std::vector<Migration>{
      {1, "accounts: users, refresh tokens, API keys", kV1Accounts},
  };
  return *kMigrations;
}

absl::StatusOr<int> SchemaVersion(SQLite::Database& db) {
  try {
    db.exec(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        "version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_time INTEGER NOT NULL)");
    SQLite::Statement query(db, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
    query.executeStep();
    return query.getColumn(0).getInt();
  } catch (const SQLite::Exception& e) {
    return Internal(absl::StrCat("cannot read schema version: ", e.getErrorStr()));
  }
}

absl::Status ApplyMigrations(SQLite::Database& db, const std::vector<Migration>& migrations) {
  GW_ASSIGN_OR_RETURN(int current, SchemaVersion(db));
  int newest = migrations.empty() ? 0 : migrations.back().version;
  if (current > newest) {
    return absl::FailedPreconditionError(absl::StrCat(
        "database schema version ", current, " is newer than this binary's ", newest,
        "; upgrade gigwired"));
  }
  for (const Migration& m : migrations) {
    if (m.version <= current) continue;
    GW_RETURN_IF_ERROR(ApplyOne(db, m));
  }
  return absl::OkStatus();
}

}  // namespace gigwire
