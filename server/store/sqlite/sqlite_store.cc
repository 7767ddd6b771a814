// Connections, pragmas and transactions of the SQLite store; see sqlite_store.h.
#include "server/store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/store/sqlite/migrations.h"
#include "server/store/sqlite/sqlite_repositories.h"

namespace gigwire {
namespace {

std::unique_ptr<SQLite::Database> OpenConnection(const SqliteStoreOptions& options,
                                                 bool read_only) {
  int flags = read_only ? SQLite::OPEN_READONLY
                        : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  auto db = std::make_unique<SQLite::Database>(
      options.path, flags | SQLITE_OPEN_NOMUTEX,
      static_cast<int>(absl::ToInt64Milliseconds(options.busy_timeout)));
  if (!read_only) db->exec("PRAGMA journal_mode = WAL");
  db->exec("PRAGMA foreign_keys = ON");
  db->exec(options.synchronous_full ? "PRAGMA synchronous = FULL"
                                    : "PRAGMA synchronous = NORMAL");
  return db;
}

// Runs a transaction-control statement (BEGIN, COMMIT, SAVEPOINT...) from the
// connection's statement cache instead of compiling it on every call.
void RunCached(StatementCache& statements, const char* sql) { statements.Get(sql).exec(); }

// Runs `fn` between BEGIN and COMMIT on `db`, rolling back on any failure.
// Sets `*appended_events` (when given) to whether the committed `fn`
// appended events; it stays false when anything failed.
absl::Status RunTransaction(SQLite::Database& db, StatementCache& statements,
                            const char* begin, absl::FunctionRef<absl::Status(Tx&)> fn,
                            bool* appended_events = nullptr) {
  try {
    RunCached(statements, begin);
    absl::Status status;
    bool appended = false;
    try {
      SqliteTx tx(statements);
      status = fn(tx);
      appended = tx.appended_events();
    } catch (const SQLite::Exception& e) {
      status = StatusFromSqlite(e);
    }
    statements.ResetAll();
    RunCached(statements, status.ok() ? "COMMIT" : "ROLLBACK");
    if (appended_events != nullptr) *appended_events = status.ok() && appended;
    return status;
  } catch (const SQLite::Exception& e) {
    try {
      if (sqlite3_get_autocommit(db.getHandle()) == 0) db.exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
      // The connection is unusable; the original error is the one to report.
    }
    return StatusFromSqlite(e);
  }
}

// Runs one queued write inside SAVEPOINT so that its failure undoes only its
// own changes. Returns the write's status; throws if SQLite fails the savepoint.
// Sets `*appended_events` to whether the write, kept, appended events.
absl::Status RunInSavepoint(SQLite::Database& db, StatementCache& statements,
                            absl::FunctionRef<absl::Status(Tx&)> fn, bool* appended_events) {
  RunCached(statements, "SAVEPOINT queued_write");
  absl::Status status;
  *appended_events = false;
  try {
    SqliteTx tx(statements);
    status = fn(tx);
    *appended_events = status.ok() && tx.appended_events();
  } catch (const SQLite::Exception& e) {
    status = StatusFromSqlite(e);
  }
  statements.ResetAll();
  if (sqlite3_get_autocommit(db.getHandle()) != 0) {
    // SQLite rolled the whole transaction back (e.g. disk full): report it.
    *appended_events = false;
    return status.ok() ? Internal("the transaction was rolled back by the database") : status;
  }
  if (!status.ok()) RunCached(statements, "ROLLBACK TO queued_write");
  RunCached(statements, "RELEASE queued_write");
  return status;
}

}  // namespace

// One caller's write waiting in the group-commit queue.
struct SqliteStore::QueuedWrite {
  QueuedWrite(absl::FunctionRef<absl::Status(Tx&)> write, const bool* store_committing)
      : fn(write), committing(store_committing) {}

  absl::FunctionRef<absl::Status(Tx&)> fn;
  const bool* committing;  // the store's flag, read under queue_mu_
  bool done = false;
  absl::Status status;

  // Wake-up condition: our batch finished, or nobody is running one.
  static bool DoneOrWriterFree(QueuedWrite* self) { return self->done || !*self->committing; }
};

absl::Status StatusFromSqlite(const SQLite::Exception& e) {
  int extended = e.getExtendedErrorCode();
  int primary = extended & 0xff;
  if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return AlreadyExists(v1::DUPLICATE, "a row with this key already exists");
  }
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return ServerBusy("the database is busy; retry");
  }
  return Internal(absl::StrCat("storage error: ", e.getErrorStr()));
}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(
    const SqliteStoreOptions& options) {
  try {
    auto writer = std::make_unique<Connection>(OpenConnection(options, /*read_only=*/false));
    GW_RETURN_IF_ERROR(ApplyMigrations(*writer->db, BuiltInMigrations()));
    std::vector<std::unique_ptr<Connection>> readers;
    for (int i = 0; i < options.reader_connections; ++i) {
      readers.push_back(std::make_unique<Connection>(OpenConnection(options, /*read_only=*/true)));
    }
    return absl::WrapUnique(new SqliteStore(options, std::move(writer), std::move(readers),
                                            OpenConnection(options, /*read_only=*/false)));
  } catch (const SQLite::Exception& e) {
    return Internal(absl::StrCat("cannot open database ", options.path, ": ", e.getErrorStr()));
  }
}

SqliteStore::SqliteStore(const SqliteStoreOptions& options, std::unique_ptr<Connection> writer,
                         std::vector<std::unique_ptr<Connection>> readers,
                         std::unique_ptr<SQLite::Database> checkpointer)
    : max_writes_per_commit_(std::max(1, options.max_writes_per_commit)),
      checkpoint_pages_(std::max(1, options.checkpoint_pages)),
      writer_(std::move(writer)),
      checkpointer_(std::move(checkpointer)),
      all_readers_(std::move(readers)) {
  for (auto& reader : all_readers_) idle_readers_.push_back(reader.get());
  // Replaces SQLite's automatic checkpoint, which would run inside a commit.
  sqlite3_wal_hook(writer_->db->getHandle(), &SqliteStore::OnWalCommit, this);
  checkpoint_thread_ = std::thread([this] { CheckpointLoop(); });
}

int SqliteStore::OnWalCommit(void* store, sqlite3*, const char*, int wal_pages) {
  auto* self = static_cast<SqliteStore*>(store);
  if (wal_pages < self->checkpoint_pages_) return SQLITE_OK;
  absl::MutexLock lock(&self->checkpoint_mu_);
  self->checkpoint_wanted_ = true;
  return SQLITE_OK;
}

void SqliteStore::CheckpointLoop() {
  while (true) {
    {
      absl::MutexLock lock(&checkpoint_mu_);
      checkpoint_mu_.Await(absl::Condition(
          +[](SqliteStore* self) ABSL_NO_THREAD_SAFETY_ANALYSIS {
            return self->checkpoint_wanted_ || self->stopping_;
          },
          this));
      if (stopping_) return;
      checkpoint_wanted_ = false;
    }
    // PASSIVE copies what no reader still needs and never waits on a lock; a
    // failure (e.g. SQLITE_BUSY) is retried at the next trigger.
    sqlite3_wal_checkpoint_v2(checkpointer_->getHandle(), nullptr, SQLITE_CHECKPOINT_PASSIVE,
                              nullptr, nullptr);
  }
}

SqliteStore::~SqliteStore() {
  {
    absl::MutexLock lock(&checkpoint_mu_);
    stopping_ = true;
  }
  checkpoint_thread_.join();
  checkpointer_.reset();
  absl::MutexLock lock(&write_mu_);
  try {
    writer_->db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const SQLite::Exception&) {
    // Best effort: the WAL is replayed on the next open anyway.
  }
}

// Group commit: queue the write; whoever finds the writer free takes the
// queue's head (up to max_writes_per_commit_) and commits it as one batch.
absl::Status SqliteStore::Write(absl::FunctionRef<absl::Status(Tx&)> fn) {
  absl::MutexLock lock(&queue_mu_);
  QueuedWrite self{fn, &committing_};
  queue_.push_back(&self);
  while (true) {
    queue_mu_.Await(absl::Condition(&QueuedWrite::DoneOrWriterFree, &self));
    if (self.done) return self.status;
    size_t take = std::min(queue_.size(), static_cast<size_t>(max_writes_per_commit_));
    std::vector<QueuedWrite*> batch(queue_.begin(), queue_.begin() + take);
    queue_.erase(queue_.begin(), queue_.begin() + take);
    committing_ = true;
    queue_mu_.Unlock();
    // The observer runs before any write of the batch returns, so a caller
    // of Write knows the observer has seen its events.
    if (CommitBatch(batch)) NotifyEventsCommitted();
    queue_mu_.Lock();
    committing_ = false;
    for (QueuedWrite* write : batch) write->done = true;
    stats_.writes += static_cast<int64_t>(batch.size());
    ++stats_.commits;
  }
}

SqliteStore::WriteStats SqliteStore::write_stats() {
  absl::MutexLock lock(&queue_mu_);
  WriteStats stats = stats_;
  stats.queued = static_cast<int64_t>(queue_.size());
  return stats;
}

void SqliteStore::SetEventsCommittedObserver(std::function<void()> observer) {
  std::shared_ptr<const std::function<void()>> shared;
  if (observer) shared = std::make_shared<const std::function<void()>>(std::move(observer));
  absl::MutexLock lock(&observer_mu_);
  events_observer_ = std::move(shared);
}

void SqliteStore::NotifyEventsCommitted() {
  std::shared_ptr<const std::function<void()>> observer;
  {
    absl::MutexLock lock(&observer_mu_);
    observer = events_observer_;
  }
  if (observer != nullptr) (*observer)();
}

bool SqliteStore::CommitBatch(const std::vector<QueuedWrite*>& batch) {
  absl::MutexLock lock(&write_mu_);
  SQLite::Database& db = *writer_->db;
  bool appended_events = false;
  if (batch.size() == 1) {  // nothing to share: a plain transaction
    batch[0]->status = RunTransaction(db, writer_->statements, "BEGIN IMMEDIATE", batch[0]->fn,
                                      &appended_events);
    return appended_events;
  }
  absl::Status commit_status;
  try {
    RunCached(writer_->statements, "BEGIN IMMEDIATE");
    for (QueuedWrite* write : batch) {
      if (sqlite3_get_autocommit(db.getHandle()) != 0) {  // an earlier write lost the transaction
        write->status = ServerBusy("the database rolled back this write's batch; retry");
        continue;
      }
      bool appended = false;
      write->status = RunInSavepoint(db, writer_->statements, write->fn, &appended);
      appended_events = appended_events || appended;
    }
    if (sqlite3_get_autocommit(db.getHandle()) == 0) {
      RunCached(writer_->statements, "COMMIT");
    } else {
      commit_status = ServerBusy("the database rolled back this write's batch; retry");
    }
  } catch (const SQLite::Exception& e) {
    commit_status = StatusFromSqlite(e);
    try {
      if (sqlite3_get_autocommit(db.getHandle()) == 0) db.exec("ROLLBACK");
    } catch (const SQLite::Exception&) {
      // The connection is unusable; the original error is the one to report.
    }
  }
  if (commit_status.ok()) return appended_events;
  for (QueuedWrite* write : batch) {
    if (write->status.ok()) write->status = commit_status;
  }
  return false;
}

absl::Status SqliteStore::Read(absl::FunctionRef<absl::Status(Tx&)> fn) {
  Connection* reader = BorrowReader();
  absl::Status status = RunTransaction(*reader->db, reader->statements, "BEGIN", fn);
  ReturnReader(reader);
  return status;
}

SqliteStore::Connection* SqliteStore::BorrowReader() {
  absl::MutexLock lock(&readers_mu_);
  readers_mu_.Await(absl::Condition(
      +[](std::vector<Connection*>* idle) { return !idle->empty(); }, &idle_readers_));
  Connection* reader = idle_readers_.back();
  idle_readers_.pop_back();
  return reader;
}

void SqliteStore::ReturnReader(Connection* reader) {
  absl::MutexLock lock(&readers_mu_);
  idle_readers_.push_back(reader);
}

absl::Status SqliteStore::CheckIntegrity() {
  absl::MutexLock lock(&write_mu_);
  try {
    std::string result;
    {
      SQLite::Statement check(*writer_->db, "PRAGMA integrity_check");
      check.executeStep();
      result = check.getColumn(0).getString();
    }  // the statement must be finished before the checkpoint
    if (result != "ok") return Internal(absl::StrCat("integrity check failed: ", result));
    writer_->db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    return absl::OkStatus();
  } catch (const SQLite::Exception& e) {
    return StatusFromSqlite(e);
  }
}

}  // namespace gigwire
