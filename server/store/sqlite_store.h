// The SQLite implementation of Store (see store.h).
//
// One file, WAL journal, foreign keys on, busy timeout set. Writes go through
// a single writer connection under a mutex (SQLite allows one writer at a
// time anyway; serializing here avoids busy-retry storms). Reads borrow one of
// a fixed pool of read-only connections and run in their own snapshot, so
// they never wait for the writer.
//
// Thread safety: thread-safe. Ownership: owns all connections; destroying it
// closes them (callers must have finished every Read/Write).
#ifndef GIGWIRE_SERVER_STORE_SQLITE_STORE_H_
#define GIGWIRE_SERVER_STORE_SQLITE_STORE_H_

#include <memory>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/store/statement_cache.h"
#include "server/store/store.h"

namespace gigwire {

struct SqliteStoreOptions {
  std::string path = "gigwire.db";
  int reader_connections = 8;
  absl::Duration busy_timeout = absl::Seconds(5);
  bool synchronous_full = false;  // synchronous=FULL instead of NORMAL
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database and applies pending migrations.
  // Errors: INTERNAL if the file cannot be opened; FAILED_PRECONDITION if its
  // schema is newer than this binary.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(const SqliteStoreOptions& options);
  ~SqliteStore() override;

  absl::Status Write(absl::FunctionRef<absl::Status(Tx&)> fn) override;
  absl::Status Read(absl::FunctionRef<absl::Status(Tx&)> fn) override;

  // Runs `PRAGMA integrity_check` and a WAL checkpoint; OK when both pass.
  absl::Status CheckIntegrity();

 // One SQLite connection and its prepared statements (destroyed first).
  struct Connection {
    explicit Connection(std::unique_ptr<SQLite::Database> opened)
        : db(std::move(opened)), statements(*db) {}
    std::unique_ptr<SQLite::Database> db;
    StatementCache statements;
  };

 private:
  SqliteStore(std::unique_ptr<Connection> writer,
              std::vector<std::unique_ptr<Connection>> readers);
  Connection* BorrowReader();
  void ReturnReader(Connection* reader);

  absl::Mutex write_mu_;
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(write_mu_);

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> all_readers_;
  std::vector<Connection*> idle_readers_ ABSL_GUARDED_BY(readers_mu_);
};

// Maps a SQLite exception to the Store error contract (store.h).
absl::Status StatusFromSqlite(const SQLite::Exception& e);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_SQLITE_STORE_H_
