// A real SqliteStore for tests: a fresh database file in a test's TempDir,
// with every migration applied.
//
//   testutil::TempDir dir_;
//   std::unique_ptr<SqliteStore> store_ = testutil::OpenTestStore(dir_);
//
// On failure it records a test failure (ADD_FAILURE, with the status) and
// returns nullptr, so a broken store shows where it broke.
#ifndef GIGWIRE_SERVER_TESTING_TEST_STORE_H_
#define GIGWIRE_SERVER_TESTING_TEST_STORE_H_

#include <memory>
#include <utility>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/temp_dir.h"

namespace gigwire::testutil {

inline std::unique_ptr<SqliteStore> OpenTestStore(const TempDir& dir, int reader_connections = 2) {
  SqliteStoreOptions options;
  options.path = dir.Path("gigwire.db");
  options.reader_connections = reader_connections;
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(options);
  if (!store.ok()) {
    ADD_FAILURE() << "opening the test store: " << store.status();
    return nullptr;
  }
  return *std::move(store);
}

}  // namespace gigwire::testutil

#endif  // GIGWIRE_SERVER_TESTING_TEST_STORE_H_
