// Prepared statements kept per connection, keyed by SQL text, so each
// statement is compiled once instead of on every call.
//
// Get() hands out the statement reset with its bindings cleared; a caller
// must finish with it (step to the end or stop using it) before asking for
// the same SQL again — repositories read results into vectors before
// returning, so nested use of one statement never happens. ResetAll() runs
// before every COMMIT/ROLLBACK so no statement holds a read snapshot open.
//
// Thread safety: none; a cache belongs to one connection, which belongs to
// one transaction at a time.
#ifndef GIGWIRE_SERVER_STORE_SQLITE_STATEMENT_CACHE_H_
#define GIGWIRE_SERVER_STORE_SQLITE_STATEMENT_CACHE_H_

#include <memory>
#include <string>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "absl/container/flat_hash_map.h"

namespace gigwire {

class StatementCache {
 public:
  explicit StatementCache(SQLite::Database& db) : db_(db) {}

  SQLite::Statement& Get(const std::string& sql) {
    auto found = statements_.find(sql);
    if (found == statements_.end()) {
      // Prepared before it gets a slot: a statement that fails to compile
      // throws here and leaves no empty slot behind for ResetAll.
      auto statement = std::make_unique<SQLite::Statement>(db_, sql);
      return *statements_.emplace(sql, std::move(statement)).first->second;
    }
    SQLite::Statement& statement = *found->second;
    statement.tryReset();  // never throws; reset() would rethrow the last step's error
    statement.clearBindings();
    return statement;
  }

  void ResetAll() {
    for (auto& [sql, statement] : statements_) statement->tryReset();
  }

  SQLite::Database& db() { return db_; }

 private:
  SQLite::Database& db_;
  absl::flat_hash_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_SQLITE_STATEMENT_CACHE_H_
