// The SQLite implementation of Store (see store.h).
//
// One file, WAL journal, foreign keys on, busy timeout set. Writes go through
// a single writer connection (SQLite allows one writer at a time anyway;
// serializing here avoids busy-retry storms) with group commit: writes that
// arrive while a transaction is running queue up, and the next caller to take
// the writer runs the whole queue in one transaction, each write inside its
// own SAVEPOINT. A write whose function fails is rolled back to its savepoint
// alone; the others commit together, and each Write returns only after the
// COMMIT that made it durable (or with the COMMIT's error). Writes run in
// arrival order and each sees the ones before it, exactly as if serial. Reads
// borrow one of a fixed pool of read-only connections and run in their own
// snapshot, so they never wait for the writer. WAL checkpoints run on a
// background thread with its own connection (PASSIVE, so they block neither
// the writer nor readers) once the WAL passes `checkpoint_pages`, instead of
// stalling whichever commit crossed the line.
//
// Events: the thread that ran a COMMIT calls the events-committed observer
// once for that COMMIT when any write committed by it appended events (a
// write rolled back, alone or with its batch, does not count), after the
// COMMIT and before any Write of the batch returns, holding none of the
// store's locks.
//
// Thread safety: thread-safe. Ownership: owns all connections; destroying it
// closes them (callers must have finished every Read/Write).
#ifndef GIGWIRE_SERVER_STORE_SQLITE_SQLITE_STORE_H_
#define GIGWIRE_SERVER_STORE_SQLITE_SQLITE_STORE_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include "SQLiteCpp/Database.h"
#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/store/sqlite/statement_cache.h"
#include "server/store/store.h"

namespace gigwire {

struct SqliteStoreOptions {
  std::string path = "gigwire.db";
  int reader_connections = 8;
  int max_writes_per_commit = 64;  // 1 turns group commit off
  int checkpoint_pages = 1000;     // WAL size that wakes the background checkpointer
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
  // Thread-safe. A COMMIT already past its check may still call the previous
  // observer once after this returns, so clear it only when no write runs.
  void SetEventsCommittedObserver(std::function<void()> observer) override;

  // Counters of the group commit, for tests and benchmarks.
  struct WriteStats {
    int64_t writes = 0;   // Write calls that have finished
    int64_t commits = 0;  // transactions run for them (writes/commits = batch size)
    int64_t queued = 0;   // writes waiting right now, not yet taken into a batch
  };
  WriteStats write_stats();

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
  struct QueuedWrite;

  SqliteStore(const SqliteStoreOptions& options, std::unique_ptr<Connection> writer,
              std::vector<std::unique_ptr<Connection>> readers,
              std::unique_ptr<SQLite::Database> checkpointer);
  // sqlite3_wal_hook callback on the writer: wakes the checkpointer.
  static int OnWalCommit(void* store, sqlite3* db, const char* name, int wal_pages);
  void CheckpointLoop();
  Connection* BorrowReader();
  void ReturnReader(Connection* reader);
  // Runs `batch` in one transaction on the writer and sets each one's status.
  // Returns whether the COMMIT made events of some write durable.
  bool CommitBatch(const std::vector<QueuedWrite*>& batch) ABSL_LOCKS_EXCLUDED(write_mu_);
  // Calls the observer, if any. Called with no store mutex held.
  void NotifyEventsCommitted() ABSL_LOCKS_EXCLUDED(observer_mu_, queue_mu_, write_mu_);

  const int max_writes_per_commit_;
  const int checkpoint_pages_;
  absl::Mutex queue_mu_;
  std::vector<QueuedWrite*> queue_ ABSL_GUARDED_BY(queue_mu_);  // arrival order
  bool committing_ ABSL_GUARDED_BY(queue_mu_) = false;          // a batch is running
  WriteStats stats_ ABSL_GUARDED_BY(queue_mu_);

  absl::Mutex write_mu_;  // held by the batch runner; also by CheckIntegrity
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(write_mu_);

  absl::Mutex checkpoint_mu_;
  bool checkpoint_wanted_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  std::unique_ptr<SQLite::Database> checkpointer_;  // used only by checkpoint_thread_
  std::thread checkpoint_thread_;

  absl::Mutex observer_mu_;  // held only to copy the pointer, never during the call
  std::shared_ptr<const std::function<void()>> events_observer_ ABSL_GUARDED_BY(observer_mu_);

  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> all_readers_;
  std::vector<Connection*> idle_readers_ ABSL_GUARDED_BY(readers_mu_);
};

// Maps a SQLite exception to the Store error contract (store.h).
absl::Status StatusFromSqlite(const SQLite::Exception& e);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_SQLITE_SQLITE_STORE_H_
