// Versioned, forward-only schema migrations embedded in the binary.
//
// Each migration runs in its own transaction together with the row that
// records it in `schema_migrations`, so a crash mid-migration leaves the
// previous version intact. A database whose version is newer than this
// binary knows is refused (FAILED_PRECONDITION) rather than misread.
//
// Thread safety: call on a connection no other thread uses.
#ifndef GIGWIRE_SERVER_STORE_SQLITE_MIGRATIONS_H_
#define GIGWIRE_SERVER_STORE_SQLITE_MIGRATIONS_H_

#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gigwire {

struct Migration {
  int version;       // 1, 2, 3, ... without gaps
  std::string name;  // short description
  std::string sql;   // one or more statements
};

// The migrations of this build, in order.
const std::vector<Migration>& BuiltInMigrations();

// Applies the migrations of `migrations` newer than the database's version.
// Errors: FAILED_PRECONDITION if the database is newer than the list;
// INTERNAL if a migration fails (that migration is rolled back).
absl::Status ApplyMigrations(SQLite::Database& db, const std::vector<Migration>& migrations);

// The highest applied version, 0 for an empty database.
absl::StatusOr<int> SchemaVersion(SQLite::Database& db);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_SQLITE_MIGRATIONS_H_
