// A fresh directory per test, removed with everything in it afterwards.
//
//   TempDir dir;
//   std::string db = dir.Path("gigwire.db");
//
// Created under $TEST_TMPDIR (set by Bazel) or the system temp directory.
// Thread safety: not thread-safe; one object per test.
#ifndef GIGWIRE_SERVER_TESTING_TEMP_DIR_H_
#define GIGWIRE_SERVER_TESTING_TEMP_DIR_H_

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace gigwire::testutil {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TEST_TMPDIR");
    std::filesystem::path root =
        base != nullptr ? std::filesystem::path(base) : std::filesystem::temp_directory_path();
    std::string pattern = (root / "gigwire_test_XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // `name` inside the directory.
  std::string Path(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

}  // namespace gigwire::testutil

#endif  // GIGWIRE_SERVER_TESTING_TEMP_DIR_H_
