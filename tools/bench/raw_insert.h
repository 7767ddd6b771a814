// The storage baseline of the benchmarks: a raw one-row SQLite insert loop
// (WAL, synchronous=NORMAL, one transaction per row, one thread), in a
// database of its own under `dir`.
#ifndef GIGWIRE_TOOLS_BENCH_RAW_INSERT_H_
#define GIGWIRE_TOOLS_BENCH_RAW_INSERT_H_

#include <cstdint>
#include <filesystem>
#include <string>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "tools/bench/measure.h"

namespace gigwire::bench {

inline Result RawSqliteInsert(const std::filesystem::path& dir, double seconds) {
  SQLite::Database db((dir / "raw.db").string(), SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("PRAGMA journal_mode = WAL");
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("CREATE TABLE t (id TEXT PRIMARY KEY, payload TEXT NOT NULL, created INTEGER)");
  SQLite::Statement insert(db, "INSERT INTO t VALUES (?, ?, ?)");
  return Measure("raw SQLite insert (1 row/txn)", 1, seconds, 1 << 30, [&](int, long i) {
    insert.reset();
    insert.bind(1, "row" + std::to_string(i));
    insert.bind(2, std::string(200, 'x'));
    insert.bind(3, static_cast<int64_t>(i));
    return insert.exec() == 1;
  });
}

}  // namespace gigwire::bench

#endif  // GIGWIRE_TOOLS_BENCH_RAW_INSERT_H_
