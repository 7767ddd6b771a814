// Content-addressed blob store on the local file system; see blob_store.h.
#include "server/files/blob_store.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/auth/crypto.h"
#include "server/common/ids.h"

namespace gigwire {
namespace {

constexpr mode_t kDirMode = 0700;
constexpr mode_t kTemporaryMode = 0600;
constexpr mode_t kObjectMode = 0400;
constexpr size_t kSha256HexLength = 64;

absl::Status FileError(absl::string_view action, absl::string_view path, int err) {
  std::string message = absl::StrCat(action, " ", path, ": ", strerror(err));
  if (err == ENOSPC || err == EDQUOT) return absl::ResourceExhaustedError(message);
  return absl::InternalError(message);
}

// Creates `path` (0700) unless it is already a directory.
absl::Status MakeDir(const std::string& path) {
  if (mkdir(path.c_str(), kDirMode) == 0) return absl::OkStatus();
  int err = errno;
  struct stat st;
  if (err == EEXIST && stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return absl::OkStatus();
  return FileError("create directory", path, err);
}

// Makes the directory's entries (a rename, a new file) durable.
absl::Status SyncDir(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return FileError("open directory", path, errno);
  int rc = fsync(fd);
  int err = errno;
  close(fd);
  return rc == 0 ? absl::OkStatus() : FileError("fsync directory", path, err);
}

absl::Status WriteAll(int fd, absl::string_view data, absl::string_view path) {
  while (!data.empty()) {
    ssize_t n = write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError("write", path, errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

EVP_MD_CTX* NewSha256() {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
    std::abort();  // only on allocation failure inside OpenSSL
  }
  return ctx;
}

void UpdateSha256(EVP_MD_CTX* ctx, absl::string_view data) {
  if (EVP_DigestUpdate(ctx, data.data(), data.size()) != 1) std::abort();
}

// The hex digest; frees `ctx`.
std::string FinishSha256(EVP_MD_CTX* ctx) {
  std::string digest(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(ctx, reinterpret_cast<unsigned char*>(digest.data()), &length) != 1) {
    std::abort();
  }
  EVP_MD_CTX_free(ctx);
  digest.resize(length);
  return HexEncode(digest);
}

// The modification time of `path` if it is a regular file (not a symlink,
// not a directory: the sweeps leave those alone), else nullopt.
std::optional<absl::Time> FileModifiedAt(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return absl::TimeFromTimespec(st.st_mtim);
}

// The names in directory `path`, or INTERNAL.
absl::StatusOr<std::vector<std::string>> ListDir(const std::string& path) {
  std::error_code error;
  std::vector<std::string> names;
  for (std::filesystem::directory_iterator it(path, error), end; !error && it != end;
       it.increment(error)) {
    names.push_back(it->path().filename().string());
  }
  if (error) return absl::InternalError(absl::StrCat("list ", path, ": ", error.message()));
  return names;
}

bool IsHexDigits(absl::string_view text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool IsSha256Hex(absl::string_view text) {
  return text.size() == kSha256HexLength && IsHexDigits(text);
}

// ---- BlobStore ----

BlobStore::BlobStore(std::string dir, const Clock& clock) : dir_(std::move(dir)), clock_(clock) {}

absl::StatusOr<std::unique_ptr<BlobStore>> BlobStore::Open(std::string dir, const Clock& clock) {
  if (dir.empty()) return absl::InvalidArgumentError("the files directory must not be empty");
  for (const std::string& path : {dir, dir + "/tmp", dir + "/objects"}) {
    if (absl::Status s = MakeDir(path); !s.ok()) return s;
  }
  // The new entries: tmp/ and objects/ in `dir`, and `dir` in its parent.
  std::string parent = std::filesystem::path(dir).parent_path().string();
  for (const std::string& path : {dir, parent.empty() ? std::string(".") : parent}) {
    if (absl::Status s = SyncDir(path); !s.ok()) return s;
  }
  return std::unique_ptr<BlobStore>(new BlobStore(std::move(dir), clock));
}

std::string BlobStore::TemporaryDir() const { return dir_ + "/tmp"; }

std::string BlobStore::ObjectPath(absl::string_view sha256_hex) const {
  return absl::StrCat(dir_, "/objects/", sha256_hex.substr(0, 2), "/", sha256_hex);
}

absl::StatusOr<std::unique_ptr<BlobWriter>> BlobStore::NewWriter(uint64_t max_bytes) {
  // Registered before it exists, so that no sweep can take it for a leftover.
  std::string path = absl::StrCat(TemporaryDir(), "/", HexEncode(RandomBytes(16)), ".part");
  {
    absl::MutexLock lock(&mu_);
    live_temporaries_.insert(path);
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, kTemporaryMode);
  if (fd < 0) {
    absl::Status error = FileError("create", path, errno);
    ForgetTemporary(path);
    return error;
  }
  return std::unique_ptr<BlobWriter>(
      new BlobWriter(this, std::move(path), fd, max_bytes, NewSha256()));
}

void BlobStore::ForgetTemporary(const std::string& temporary_path) {
  absl::MutexLock lock(&mu_);
  live_temporaries_.erase(temporary_path);
}

absl::Status BlobStore::Publish(const std::string& temporary_path, const BlobInfo& blob) {
  {
    absl::MutexLock lock(&mu_);
    if (absl::Status s = PublishLocked(temporary_path, blob); !s.ok()) return s;
    live_temporaries_.erase(temporary_path);
  }
  // Also when the object was already there: its creator may not have synced
  // the directory yet, and our caller is about to rely on the object.
  return SyncDir(absl::StrCat(dir_, "/objects/", blob.sha256_hex.substr(0, 2)));
}

absl::Status BlobStore::PublishLocked(const std::string& temporary_path, const BlobInfo& blob) {
  std::string shard = absl::StrCat(dir_, "/objects/", blob.sha256_hex.substr(0, 2));
  struct stat st;
  if (stat(shard.c_str(), &st) != 0) {
    if (absl::Status s = MakeDir(shard); !s.ok()) return s;
    if (absl::Status s = SyncDir(dir_ + "/objects"); !s.ok()) return s;
  }
  std::string target = ObjectPath(blob.sha256_hex);
  if (lstat(target.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
      static_cast<uint64_t>(st.st_size) == blob.size) {
    // Same name and size: the same content. Keep it, and date it now so that
    // an orphan sweep does not take it before the caller's row lands.
    unlink(temporary_path.c_str());
    if (utimensat(AT_FDCWD, target.c_str(), nullptr, AT_SYMLINK_NOFOLLOW) != 0) {
      return FileError("touch", target, errno);
    }
    return absl::OkStatus();
  }
  // Absent, or damaged (another size): the new file takes the name atomically.
  if (rename(temporary_path.c_str(), target.c_str()) != 0) {
    return FileError("rename to", target, errno);
  }
  return absl::OkStatus();
}

bool BlobStore::Contains(absl::string_view sha256_hex) const {
  std::string digest = absl::AsciiStrToLower(sha256_hex);
  if (!IsSha256Hex(digest)) return false;
  struct stat st;
  return lstat(ObjectPath(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

absl::StatusOr<std::unique_ptr<BlobReader>> BlobStore::OpenReader(absl::string_view sha256_hex,
                                                                  uint64_t offset) const {
  std::string digest = absl::AsciiStrToLower(sha256_hex);
  if (!IsSha256Hex(digest)) {
    return absl::InvalidArgumentError("a file digest must be 64 hex digits (SHA-256)");
  }
  std::string path = ObjectPath(digest);
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT) {
    return absl::NotFoundError(absl::StrCat("no stored file ", digest));
  }
  if (fd < 0) return FileError("open", path, errno);
  struct stat st;
  if (fstat(fd, &st) != 0) {
    absl::Status error = FileError("stat", path, errno);
    close(fd);
    return error;
  }
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (offset > size || (offset > 0 && lseek(fd, static_cast<off_t>(offset), SEEK_SET) < 0)) {
    close(fd);
    return absl::InvalidArgumentError(
        absl::StrCat("offset ", offset, " is past the end of a file of ", size, " bytes"));
  }
  EVP_MD_CTX* sha256 = offset == 0 ? NewSha256() : nullptr;
  return std::unique_ptr<BlobReader>(new BlobReader(std::move(digest), fd, size, offset, sha256));
}

absl::StatusOr<bool> BlobStore::RemoveIfNotNewer(absl::string_view sha256_hex, absl::Time cutoff) {
  std::string path = ObjectPath(sha256_hex);
  absl::MutexLock lock(&mu_);
  std::optional<absl::Time> modified = FileModifiedAt(path);
  if (!modified.has_value() || *modified >= cutoff) return false;
  if (unlink(path.c_str()) != 0) return FileError("delete", path, errno);
  return true;
}

absl::StatusOr<int> BlobStore::RemoveOrphans(
    absl::FunctionRef<absl::StatusOr<bool>(absl::string_view sha256_hex)> is_known,
    absl::Duration older_than) {
  const absl::Time cutoff = clock_.Now() - older_than;
  const std::string objects = dir_ + "/objects";
  absl::StatusOr<std::vector<std::string>> shards = ListDir(objects);
  if (!shards.ok()) return shards.status();
  int removed = 0;
  for (const std::string& shard : *shards) {
    if (shard.size() != 2 || !IsHexDigits(shard)) continue;  // not ours: left alone
    absl::StatusOr<std::vector<std::string>> names = ListDir(absl::StrCat(objects, "/", shard));
    if (!names.ok()) return names.status();
    for (const std::string& name : *names) {
      if (!IsSha256Hex(name) || name.compare(0, 2, shard) != 0) continue;
      std::optional<absl::Time> modified = FileModifiedAt(ObjectPath(name));
      if (!modified.has_value() || *modified >= cutoff) continue;  // young: no lookup
      absl::StatusOr<bool> known = is_known(name);
      if (!known.ok()) return known.status();
      if (*known) continue;
      absl::StatusOr<bool> deleted = RemoveIfNotNewer(name, cutoff);
      if (!deleted.ok()) return deleted.status();
      removed += *deleted ? 1 : 0;
    }
  }
  return removed;
}

absl::StatusOr<int> BlobStore::RemoveStaleTemporaries(absl::Duration older_than) {
  const absl::Time cutoff = clock_.Now() - older_than;
  absl::StatusOr<std::vector<std::string>> names = ListDir(TemporaryDir());
  if (!names.ok()) return names.status();
  int removed = 0;
  for (const std::string& name : *names) {
    std::string path = absl::StrCat(TemporaryDir(), "/", name);
    absl::MutexLock lock(&mu_);
    if (live_temporaries_.contains(path)) continue;
    std::optional<absl::Time> modified = FileModifiedAt(path);
    // Checked after the lookup: a file registered since has a fresh time.
    if (!modified.has_value() || *modified > cutoff) continue;
    if (unlink(path.c_str()) == 0) {
      ++removed;
    } else if (errno != ENOENT) {
      return FileError("delete", path, errno);
    }
  }
  return removed;
}

// ---- BlobWriter ----

BlobWriter::BlobWriter(BlobStore* store, std::string temporary_path, int fd, uint64_t max_bytes,
                       EVP_MD_CTX* sha256)
    : store_(store),
      temporary_path_(std::move(temporary_path)),
      fd_(fd),
      max_bytes_(max_bytes),
      sha256_(sha256) {}

BlobWriter::~BlobWriter() { Abort(); }

absl::Status BlobWriter::CheckOpen() const {
  if (finished_) {
    return absl::FailedPreconditionError("the upload is already committed, aborted or failed");
  }
  return absl::OkStatus();
}

absl::Status BlobWriter::Fail(absl::Status status) {
  Abort();
  return status;
}

absl::Status BlobWriter::Append(absl::string_view chunk) {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  if (chunk.size() > max_bytes_ - size_) {
    return Fail(absl::InvalidArgumentError(
        absl::StrCat("the file exceeds the maximum size of ", max_bytes_, " bytes")));
  }
  UpdateSha256(sha256_, chunk);
  if (absl::Status s = WriteAll(fd_, chunk, temporary_path_); !s.ok()) return Fail(s);
  size_ += chunk.size();
  return absl::OkStatus();
}

absl::StatusOr<BlobInfo> BlobWriter::Seal(absl::string_view expected_sha256_hex) {
  std::string expected = absl::AsciiStrToLower(expected_sha256_hex);
  if (!IsSha256Hex(expected)) {
    return absl::InvalidArgumentError("the expected SHA-256 must be 64 hex digits");
  }
  BlobInfo blob{FinishSha256(sha256_), size_};
  sha256_ = nullptr;
  if (!ConstantTimeEquals(blob.sha256_hex, expected)) {
    return absl::InvalidArgumentError(absl::StrCat("SHA-256 mismatch: the received ", size_,
                                                   " bytes hash to ", blob.sha256_hex,
                                                   ", not the announced ", expected));
  }
  if (fchmod(fd_, kObjectMode) != 0) return FileError("chmod", temporary_path_, errno);
  if (fsync(fd_) != 0) return FileError("fsync", temporary_path_, errno);
  int rc = close(fd_);
  fd_ = -1;
  if (rc != 0) return FileError("close", temporary_path_, errno);
  return blob;
}

absl::StatusOr<BlobInfo> BlobWriter::Commit(absl::string_view expected_sha256_hex) {
  if (absl::Status s = CheckOpen(); !s.ok()) return s;
  absl::StatusOr<BlobInfo> blob = Seal(expected_sha256_hex);
  if (!blob.ok()) return Fail(blob.status());
  if (absl::Status s = store_->Publish(temporary_path_, *blob); !s.ok()) return Fail(s);
  finished_ = true;
  return blob;
}

void BlobWriter::Abort() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (sha256_ != nullptr) EVP_MD_CTX_free(sha256_);
  sha256_ = nullptr;
  if (finished_) return;
  finished_ = true;
  unlink(temporary_path_.c_str());  // gone already if it was published
  store_->ForgetTemporary(temporary_path_);
}

// ---- BlobReader ----

BlobReader::BlobReader(std::string sha256_hex, int fd, uint64_t size, uint64_t offset,
                       EVP_MD_CTX* sha256)
    : sha256_hex_(std::move(sha256_hex)),
      fd_(fd),
      size_(size),
      position_(offset),
      sha256_(sha256) {}

BlobReader::~BlobReader() {
  if (fd_ >= 0) close(fd_);
  if (sha256_ != nullptr) EVP_MD_CTX_free(sha256_);
}

absl::StatusOr<size_t> BlobReader::ReadFully(char* buffer, size_t length) {
  size_t filled = 0;
  while (filled < length) {
    ssize_t n = read(fd_, buffer + filled, length - filled);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return FileError("read object", sha256_hex_, errno);
    if (n == 0) break;
    filled += static_cast<size_t>(n);
  }
  return filled;
}

absl::StatusOr<std::string> BlobReader::Read(size_t max_bytes) {
  if (max_bytes == 0) return absl::InvalidArgumentError("read at least one byte");
  size_t wanted = static_cast<size_t>(std::min<uint64_t>(max_bytes, size_ - position_));
  std::string chunk(wanted, '\0');
  absl::StatusOr<size_t> got = ReadFully(chunk.data(), wanted);
  if (!got.ok()) return got.status();
  if (*got < wanted) {
    return absl::DataLossError(absl::StrCat("stored file ", sha256_hex_, " is shorter than ", size_,
                                            " bytes"));
  }
  position_ += wanted;
  if (sha256_ != nullptr) UpdateSha256(sha256_, chunk);
  if (position_ == size_) {
    if (absl::Status s = VerifyAtEnd(); !s.ok()) return s;
  }
  return chunk;
}

absl::Status BlobReader::VerifyAtEnd() {
  if (sha256_ == nullptr) return absl::OkStatus();
  std::string actual = FinishSha256(sha256_);
  sha256_ = nullptr;
  if (actual != sha256_hex_) {
    return absl::DataLossError(
        absl::StrCat("stored file ", sha256_hex_, " is damaged: its content hashes to ", actual));
  }
  return absl::OkStatus();
}

}  // namespace gigwire
