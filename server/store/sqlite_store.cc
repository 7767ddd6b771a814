// Connections, pragmas and transactions of the SQLite store; see sqlite_store.h.
#include "server/store/sqlite_store.h"

#include <sqlite3.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/store/migrations.h"
#include "server/store/sqlite_repositories.h"

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

// Runs `fn` between BEGIN and COMMIT on `db`, rolling back on any failure.
absl::Status RunTransaction(SQLite::Database& db, StatementCache& statements,
                            const char* begin, absl::FunctionRef<absl::Status(Tx&)> fn) {
  try {
    db.exec(begin);
    absl::Status status;
    try {
      SqliteTx tx(statements);
      status = fn(tx);
    } catch (const SQLite::Exception& e) {
      status = StatusFromSqlite(e);
    }
    statements.ResetAll();
    db.exec(status.ok() ? "COMMIT" : "ROLLBACK");
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

}  // namespace

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
    return absl::WrapUnique(new SqliteStore(std::move(writer), std::move(readers)));
  } catch (const SQLite::Exception& e) {
    return Internal(absl::StrCat("cannot open database ", options.path, ": ", e.getErrorStr()));
  }
}

SqliteStore::SqliteStore(std::unique_ptr<Connection> writer,
                         std::vector<std::unique_ptr<Connection>> readers)
    : writer_(std::move(writer)), all_readers_(std::move(readers)) {
  for (auto& reader : all_readers_) idle_readers_.push_back(reader.get());
}

SqliteStore::~SqliteStore() {
  absl::MutexLock lock(&write_mu_);
  try {
    writer_->db->exec("PRAGMA wal_checkpoint(TRUNCATE)");
  } catch (const SQLite::Exception&) {
    // Best effort: the WAL is replayed on the next open anyway.
  }
}

absl::Status SqliteStore::Write(absl::FunctionRef<absl::Status(Tx&)> fn) {
  absl::MutexLock lock(&write_mu_);
  return RunTransaction(*writer_->db, writer_->statements, "BEGIN IMMEDIATE", fn);
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
