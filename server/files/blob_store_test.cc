#include "server/files/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/crypto.h"
#include "server/testing/temp_dir.h"

namespace gigwire {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr uint64_t kMiB = 1 << 20;

std::string RandomData(size_t size, uint32_t seed) {
  std::mt19937 random(seed);
  std::string out(size, '\0');
  for (char& c : out) c = static_cast<char>(random() & 0xff);
  return out;
}

std::string Sha256Hex(const std::string& data) { return HexEncode(Sha256(data)); }

// Regular files under `dir`, relative to it.
std::vector<std::string> FilesUnder(const std::string& dir) {
  std::vector<std::string> out;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir)) {
    if (entry.is_regular_file()) out.push_back(fs::relative(entry.path(), dir).string());
  }
  return out;
}

std::string ObjectName(const std::string& digest) {
  return "objects/" + digest.substr(0, 2) + "/" + digest;
}

void Backdate(const std::string& path, absl::Duration age) {
  timespec times[2];
  times[0] = times[1] = absl::ToTimespec(absl::Now() - age);
  ASSERT_EQ(utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

// Appends `data` in chunks whose sizes cycle through awkward values.
absl::Status AppendInOddChunks(BlobWriter& writer, const std::string& data) {
  static constexpr size_t kSizes[] = {1, 7, 65521, 4099, 0, 131071, 3};
  size_t offset = 0;
  for (size_t i = 0; offset < data.size(); ++i) {
    size_t n = std::min(kSizes[i % 7], data.size() - offset);
    absl::Status s = writer.Append(absl::string_view(data).substr(offset, n));
    if (!s.ok()) return s;
    offset += n;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadAll(BlobReader& reader, size_t chunk) {
  std::string out;
  for (;;) {
    absl::StatusOr<std::string> part = reader.Read(chunk);
    if (!part.ok()) return part.status();
    if (part->empty()) return out;
    out += *part;
  }
}

class BlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<BlobStore>> store = BlobStore::Open(root_, clock_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }

  // Uploads `data` whole and commits it under its true digest.
  absl::StatusOr<BlobInfo> Upload(const std::string& data, uint64_t max = 64 * kMiB) {
    absl::StatusOr<std::unique_ptr<BlobWriter>> writer = store_->NewWriter(max);
    if (!writer.ok()) return writer.status();
    if (absl::Status s = AppendInOddChunks(**writer, data); !s.ok()) return s;
    return (*writer)->Commit(Sha256Hex(data));
  }

  testutil::TempDir temp_;
  std::string root_ = temp_.Path("files");
  FakeClock clock_{absl::Now()};
  std::unique_ptr<BlobStore> store_;
};

TEST_F(BlobStoreTest, OpenCreatesPrivateDirectories) {
  for (const char* sub : {"", "/tmp", "/objects"}) {
    struct stat st;
    ASSERT_EQ(stat((root_ + sub).c_str(), &st), 0) << sub;
    EXPECT_EQ(st.st_mode & 0777, 0700u) << sub;
  }
  // Reopening an existing store is fine.
  EXPECT_TRUE(BlobStore::Open(root_).ok());
  EXPECT_FALSE(BlobStore::Open(temp_.Path("missing/parent")).ok());
}

TEST_F(BlobStoreTest, RoundTripsAFewMebibytesInOddChunks) {
  std::string data = RandomData(3 * kMiB + 17, 1);
  absl::StatusOr<BlobInfo> blob = Upload(data);
  ASSERT_TRUE(blob.ok()) << blob.status();
  EXPECT_EQ(blob->sha256_hex, Sha256Hex(data));
  EXPECT_EQ(blob->size, data.size());
  EXPECT_THAT(FilesUnder(root_), UnorderedElementsAre(ObjectName(blob->sha256_hex)));
  struct stat st;
  ASSERT_EQ(stat((root_ + "/" + ObjectName(blob->sha256_hex)).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0400u);

  auto reader = store_->OpenReader(absl::AsciiStrToUpper(blob->sha256_hex));
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->size(), data.size());
  absl::StatusOr<std::string> back = ReadAll(**reader, 33333);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(*back == data);
}

TEST_F(BlobStoreTest, ReadsFromAnOffset) {
  std::string data = RandomData(100000, 2);
  absl::StatusOr<BlobInfo> blob = Upload(data);
  ASSERT_TRUE(blob.ok()) << blob.status();
  auto reader = store_->OpenReader(blob->sha256_hex, 65536);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ(ReadAll(**reader, 4096).value(), data.substr(65536));
  EXPECT_EQ(store_->OpenReader(blob->sha256_hex, data.size()).value()->Read(10).value(), "");
  EXPECT_EQ(store_->OpenReader(blob->sha256_hex, data.size() + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(BlobStoreTest, TemporaryFileIsPrivateWhileWriting) {
  auto writer = store_->NewWriter(kMiB);
  ASSERT_TRUE(writer.ok()) << writer.status();
  ASSERT_TRUE((*writer)->Append("partial").ok());
  std::vector<std::string> files = FilesUnder(root_);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_THAT(files[0], HasSubstr("tmp/"));
  struct stat st;
  ASSERT_EQ(stat((root_ + "/" + files[0]).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(BlobStoreTest, DigestMismatchStoresNothing) {
  std::string data = RandomData(200000, 3);
  auto writer = store_->NewWriter(kMiB);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(AppendInOddChunks(**writer, data).ok());
  absl::StatusOr<BlobInfo> blob = (*writer)->Commit(Sha256Hex(data + "x"));
  EXPECT_EQ(blob.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(blob.status().message(), HasSubstr("SHA-256 mismatch"));
  EXPECT_THAT(FilesUnder(root_), IsEmpty());
  EXPECT_FALSE(store_->Contains(Sha256Hex(data)));
  // The writer is finished: a chunk after the end is refused.
  EXPECT_EQ((*writer)->Append("more").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*writer)->Commit(Sha256Hex(data)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(BlobStoreTest, MalformedExpectedDigestStoresNothing) {
  auto writer = store_->NewWriter(kMiB);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("hello").ok());
  EXPECT_EQ((*writer)->Commit("not-a-digest").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(FilesUnder(root_), IsEmpty());
}

TEST_F(BlobStoreTest, AcceptsAnUpperCaseExpectedDigest) {
  auto writer = store_->NewWriter(kMiB);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append("hello").ok());
  absl::StatusOr<BlobInfo> blob = (*writer)->Commit(absl::AsciiStrToUpper(Sha256Hex("hello")));
  ASSERT_TRUE(blob.ok()) << blob.status();
  EXPECT_EQ(blob->sha256_hex, Sha256Hex("hello"));
}

TEST_F(BlobStoreTest, OverTheLimitStoresNothing) {
  auto writer = store_->NewWriter(1000);
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(std::string(600, 'a')).ok());
  absl::Status over = (*writer)->Append(std::string(401, 'a'));
  EXPECT_EQ(over.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(over.message(), HasSubstr("maximum size of 1000 bytes"));
  EXPECT_THAT(FilesUnder(root_), IsEmpty());
  EXPECT_EQ((*writer)->Commit(Sha256Hex(std::string(600, 'a'))).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Exactly the limit is allowed.
  EXPECT_TRUE(Upload(std::string(1000, 'b'), 1000).ok());
}

TEST_F(BlobStoreTest, AbortAndDestructorDeleteTheTemporaryFile) {
  {
    auto writer = store_->NewWriter(kMiB);
    ASSERT_TRUE((*writer)->Append("abandoned").ok());
    (*writer)->Abort();
    EXPECT_THAT(FilesUnder(root_), IsEmpty());
    (*writer)->Abort();  // idempotent
    EXPECT_EQ((*writer)->Append("x").code(), absl::StatusCode::kFailedPrecondition);
  }
  {
    auto writer = store_->NewWriter(kMiB);
    ASSERT_TRUE((*writer)->Append("dropped").ok());
  }
  EXPECT_THAT(FilesUnder(root_), IsEmpty());
}

TEST_F(BlobStoreTest, ASecondIdenticalUploadKeepsOneObjectAndRefreshesIt) {
  std::string data = RandomData(300000, 4);
  absl::StatusOr<BlobInfo> first = Upload(data);
  ASSERT_TRUE(first.ok()) << first.status();
  std::string path = root_ + "/" + ObjectName(first->sha256_hex);
  Backdate(path, absl::Hours(48));
  absl::StatusOr<BlobInfo> second = Upload(data);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->sha256_hex, first->sha256_hex);
  EXPECT_THAT(FilesUnder(root_), UnorderedElementsAre(ObjectName(first->sha256_hex)));
  // Refreshed: an orphan sweep for day-old objects leaves it alone.
  auto never_known = [](absl::string_view) -> absl::StatusOr<bool> { return false; };
  EXPECT_EQ(store_->RemoveOrphans(never_known, absl::Hours(24)).value(), 0);
  EXPECT_TRUE(store_->Contains(first->sha256_hex));
}

TEST_F(BlobStoreTest, ReaderReportsADamagedObject) {
  std::string data = RandomData(10000, 5);
  absl::StatusOr<BlobInfo> blob = Upload(data);
  ASSERT_TRUE(blob.ok());
  std::string path = root_ + "/" + ObjectName(blob->sha256_hex);
  ASSERT_EQ(chmod(path.c_str(), 0600), 0);
  int fd = open(path.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(pwrite(fd, "X", 1, 5000), 1);
  close(fd);
  auto reader = store_->OpenReader(blob->sha256_hex);
  ASSERT_TRUE(reader.ok());
  EXPECT_EQ(ReadAll(**reader, 4096).status().code(), absl::StatusCode::kDataLoss);
}

TEST_F(BlobStoreTest, AReuploadReplacesATruncatedObject) {
  std::string data = RandomData(10000, 6);
  absl::StatusOr<BlobInfo> blob = Upload(data);
  ASSERT_TRUE(blob.ok());
  std::string path = root_ + "/" + ObjectName(blob->sha256_hex);
  ASSERT_EQ(truncate(path.c_str(), 100), 0);
  ASSERT_TRUE(Upload(data).ok());
  EXPECT_EQ(ReadAll(*store_->OpenReader(blob->sha256_hex).value(), 999).value(), data);
}

TEST_F(BlobStoreTest, OpenReaderRefusesUnknownAndMalformedDigests) {
  EXPECT_EQ(store_->OpenReader(Sha256Hex("never stored")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->OpenReader("../../etc/passwd").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->OpenReader(std::string(64, 'g')).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(store_->Contains("../tmp"));
}

// A process killed in the middle of an upload leaves its temporary file and
// nothing else; the stale-temporary sweep removes it.
TEST_F(BlobStoreTest, ACrashedUploadLeavesOnlyATemporaryFileThatTheSweepRemoves) {
  std::string data = RandomData(kMiB, 7);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto store = BlobStore::Open(root_);
    auto writer = store.value()->NewWriter(4 * kMiB);
    (void)writer.value()->Append(data);
    _exit(0);  // no destructors: as if killed
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  std::vector<std::string> files = FilesUnder(root_);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_THAT(files[0], HasSubstr("tmp/"));
  EXPECT_FALSE(store_->Contains(Sha256Hex(data)));
  EXPECT_EQ(store_->OpenReader(Sha256Hex(data)).status().code(), absl::StatusCode::kNotFound);

  EXPECT_EQ(store_->RemoveStaleTemporaries(absl::Hours(1)).value(), 0);  // too young
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(store_->RemoveStaleTemporaries(absl::Hours(1)).value(), 1);
  EXPECT_THAT(FilesUnder(root_), IsEmpty());
}

TEST_F(BlobStoreTest, TheStaleSweepSparesLiveWriters) {
  auto writer = store_->NewWriter(kMiB);
  ASSERT_TRUE((*writer)->Append("slow upload").ok());
  clock_.Advance(absl::Hours(48));
  EXPECT_EQ(store_->RemoveStaleTemporaries(absl::ZeroDuration()).value(), 0);
  ASSERT_TRUE((*writer)->Append(", finished").ok());
  EXPECT_TRUE((*writer)->Commit(Sha256Hex("slow upload, finished")).ok());
}

TEST_F(BlobStoreTest, TheStaleSweepLeavesWhatIsNotARegularFile) {
  fs::create_directories(root_ + "/tmp/a-directory");
  clock_.Advance(absl::Hours(48));
  EXPECT_EQ(store_->RemoveStaleTemporaries(absl::Hours(1)).value(), 0);
  EXPECT_TRUE(fs::is_directory(root_ + "/tmp/a-directory"));
}

TEST_F(BlobStoreTest, RemoveOrphansDeletesOnlyOldUnknownObjects) {
  std::string known = Upload("known content").value().sha256_hex;
  std::string orphan = Upload("orphan content").value().sha256_hex;
  std::string young = Upload("young orphan").value().sha256_hex;
  Backdate(root_ + "/" + ObjectName(known), absl::Hours(30));
  Backdate(root_ + "/" + ObjectName(orphan), absl::Hours(30));
  fs::create_directories(root_ + "/objects/zz");
  std::ofstream(root_ + "/objects/zz/not-ours").put('x');
  std::vector<std::string> asked;
  auto is_known = [&](absl::string_view digest) -> absl::StatusOr<bool> {
    asked.emplace_back(digest);
    return digest == known;
  };
  EXPECT_EQ(store_->RemoveOrphans(is_known, absl::Hours(24)).value(), 1);
  EXPECT_THAT(asked, UnorderedElementsAre(known, orphan));  // young ones are not looked up
  EXPECT_TRUE(store_->Contains(known));
  EXPECT_FALSE(store_->Contains(orphan));
  EXPECT_TRUE(store_->Contains(young));
  EXPECT_TRUE(fs::exists(root_ + "/objects/zz/not-ours"));
}

TEST_F(BlobStoreTest, RemoveOrphansStopsOnALookupError) {
  std::string digest = Upload("content").value().sha256_hex;
  Backdate(root_ + "/" + ObjectName(digest), absl::Hours(30));
  auto failing = [](absl::string_view) -> absl::StatusOr<bool> {
    return absl::UnavailableError("database busy");
  };
  EXPECT_EQ(store_->RemoveOrphans(failing, absl::Hours(24)).status().code(),
            absl::StatusCode::kUnavailable);
  EXPECT_TRUE(store_->Contains(digest));
}

TEST_F(BlobStoreTest, ConcurrentWritersOfTheSameContentAllSucceed) {
  std::string data = RandomData(kMiB + 3, 8);
  constexpr int kWriters = 8;
  std::vector<absl::StatusOr<BlobInfo>> results(kWriters, absl::UnknownError("not run"));
  std::atomic<bool> done{false};
  clock_.Advance(absl::Hours(1));  // every temporary file looks stale to the sweep
  // A sweep racing the uploads must not take their temporary files.
  std::thread sweeper([&] {
    while (!done) ASSERT_TRUE(store_->RemoveStaleTemporaries(absl::ZeroDuration()).ok());
  });
  std::vector<std::thread> writers;
  for (int i = 0; i < kWriters; ++i) {
    writers.emplace_back([&, i] { results[i] = Upload(data); });
  }
  for (std::thread& t : writers) t.join();
  done = true;
  sweeper.join();
  for (const absl::StatusOr<BlobInfo>& result : results) {
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->sha256_hex, Sha256Hex(data));
  }
  EXPECT_THAT(FilesUnder(root_), UnorderedElementsAre(ObjectName(Sha256Hex(data))));
  EXPECT_EQ(ReadAll(*store_->OpenReader(Sha256Hex(data)).value(), 65536).value(), data);
}

}  // namespace
}  // namespace gigwire
