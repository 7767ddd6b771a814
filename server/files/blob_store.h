// A content-addressed store of immutable file bodies ("blobs") on the local
// file system, named by their SHA-256, for the files that users upload.
//
// Layout under the store's directory (the server's --files-dir):
//   tmp/<random>.part             uploads in progress (directory 0700, files 0600)
//   objects/<aa>/<sha256 hex>     complete blobs, aa = the digest's first two hex
//                                 digits (directories 0700, files 0400)
//
// An upload streams into a BlobWriter, which hashes and counts the bytes as
// they arrive and writes them to its own temporary file. Commit() checks the
// digest the client announced, fsyncs the file, renames it into objects/ and
// fsyncs the directory; only then does it return, so the caller records the
// blob in the database after the blob is durable.
//
// Crash safety. An object is only ever created by rename(2) of a complete,
// fsynced, digest-checked temporary file, so objects/ never holds a partial
// blob and an object's name always matches its content. A crash leaves at
// worst (a) a temporary file, removed by RemoveStaleTemporaries, or (b) an
// object that no database row names yet, removed by RemoveOrphans. Because
// Commit returns after the directory fsync, a row written after it never
// names a missing blob. At startup, before serving, both sweeps may run with
// older_than = absl::ZeroDuration(); while serving, RemoveOrphans needs an
// `older_than` well above the time between a Commit and the caller's row
// insert (Commit refreshes an existing object's mtime so that a re-upload of
// an old orphan is not swept before its row lands). One process owns a
// directory: mutual exclusion between Commit and the sweeps is in-process.
//
// Errors. INVALID_ARGUMENT: the upload exceeds its maximum size, the digest
// does not match the content (the client sent other bytes than it hashed, so
// the fix is on its side; DATA_LOSS is kept for a stored object whose content
// no longer matches its name, found while reading), a malformed digest.
// NOT_FOUND: no object with that digest. FAILED_PRECONDITION: a writer used
// after Commit, Abort or a failure. RESOURCE_EXHAUSTED: the disk is full
// (ENOSPC, EDQUOT). INTERNAL: any other file-system error, with the path and
// errno text. After any error a writer's temporary file is gone.
//
// Thread safety: BlobStore is thread-safe. A BlobWriter or BlobReader is used
// by one thread at a time; many may run at once, also for the same content.
// The store must outlive its writers and readers.
#ifndef GIGWIRE_SERVER_FILES_BLOB_STORE_H_
#define GIGWIRE_SERVER_FILES_BLOB_STORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/clock.h"

typedef struct evp_md_ctx_st EVP_MD_CTX;  // OpenSSL's, kept out of this header

namespace gigwire {

class BlobWriter;
class BlobReader;

// What a committed blob is: its name and length.
struct BlobInfo {
  std::string sha256_hex;  // 64 lower-case hex digits
  uint64_t size = 0;
};

// True for 64 hex digits, lower case (the form objects are named by).
bool IsSha256Hex(absl::string_view text);

class BlobStore {
 public:
  // Opens the store in `dir`, creating `dir`, tmp/ and objects/ (0700) when
  // missing. `clock` (which must outlive the store) dates files for the
  // sweeps; it should follow the wall clock, since file times do.
  static absl::StatusOr<std::unique_ptr<BlobStore>> Open(
      std::string dir, const Clock& clock = SystemClock::Get());

  BlobStore(const BlobStore&) = delete;
  BlobStore& operator=(const BlobStore&) = delete;

  // Starts an upload of at most `max_bytes` bytes in a new temporary file.
  absl::StatusOr<std::unique_ptr<BlobWriter>> NewWriter(uint64_t max_bytes);

  // Opens the object named `sha256_hex` (any case) to stream it from
  // `offset`. NOT_FOUND when absent, INVALID_ARGUMENT for a malformed digest
  // or an offset past the end.
  absl::StatusOr<std::unique_ptr<BlobReader>> OpenReader(absl::string_view sha256_hex,
                                                         uint64_t offset = 0) const;

  // Whether the object exists (false also for a malformed digest).
  bool Contains(absl::string_view sha256_hex) const;

  // Deletes every object last modified more than `older_than` ago for which
  // `is_known(sha256_hex)` is false, and returns how many it deleted. An
  // error from `is_known` stops the sweep and is returned (nothing is deleted
  // on a doubt). `is_known` runs without the store's lock held.
  absl::StatusOr<int> RemoveOrphans(
      absl::FunctionRef<absl::StatusOr<bool>(absl::string_view sha256_hex)> is_known,
      absl::Duration older_than);

  // Deletes temporary files last modified more than `older_than` ago that no
  // live BlobWriter of this store owns (left by a crash or a killed process),
  // and returns how many it deleted.
  absl::StatusOr<int> RemoveStaleTemporaries(absl::Duration older_than);

  const std::string& dir() const { return dir_; }

 private:
  friend class BlobWriter;

  BlobStore(std::string dir, const Clock& clock);
  std::string TemporaryDir() const;
  std::string ObjectPath(absl::string_view sha256_hex) const;
  // Moves a complete temporary file to its object path; see BlobWriter::Commit.
  absl::Status Publish(const std::string& temporary_path, const BlobInfo& blob);
  absl::Status PublishLocked(const std::string& temporary_path, const BlobInfo& blob)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void ForgetTemporary(const std::string& temporary_path);
  // Deletes the object unless it was modified at or after `cutoff`.
  absl::StatusOr<bool> RemoveIfNotNewer(absl::string_view sha256_hex, absl::Time cutoff);

  const std::string dir_;
  const Clock& clock_;
  // Serializes object creation with the orphan sweep's last check and delete.
  absl::Mutex mu_;
  absl::flat_hash_set<std::string> live_temporaries_ ABSL_GUARDED_BY(mu_);
};

// One upload in progress. Created by BlobStore::NewWriter.
class BlobWriter {
 public:
  // Deletes the temporary file unless committed.
  ~BlobWriter();
  BlobWriter(const BlobWriter&) = delete;
  BlobWriter& operator=(const BlobWriter&) = delete;

  // Appends `chunk` (any size, empty allowed). INVALID_ARGUMENT when the
  // total would exceed the maximum: nothing past it is written and the
  // temporary file is deleted.
  absl::Status Append(absl::string_view chunk);

  // Finishes the upload: the content's SHA-256 must equal
  // `expected_sha256_hex` (64 hex digits, any case). On success the object
  // exists and is durable; an object already there with the same name and
  // size is kept (and its mtime refreshed), one of another size (damaged) is
  // replaced. On a mismatch (INVALID_ARGUMENT) nothing is stored.
  absl::StatusOr<BlobInfo> Commit(absl::string_view expected_sha256_hex);

  // Deletes the temporary file; later calls fail with FAILED_PRECONDITION.
  // Idempotent, and a no-op after Commit.
  void Abort();

  // Bytes appended so far.
  uint64_t size() const { return size_; }
  uint64_t max_bytes() const { return max_bytes_; }

 private:
  friend class BlobStore;
  BlobWriter(BlobStore* store, std::string temporary_path, int fd, uint64_t max_bytes,
             EVP_MD_CTX* sha256);
  absl::Status CheckOpen() const;
  // Aborts and returns `status`.
  absl::Status Fail(absl::Status status);
  // Checks the digest, makes the file read-only and durable, closes it.
  absl::StatusOr<BlobInfo> Seal(absl::string_view expected_sha256_hex);

  BlobStore* const store_;
  const std::string temporary_path_;
  int fd_;  // -1 once closed
  const uint64_t max_bytes_;
  uint64_t size_ = 0;
  EVP_MD_CTX* sha256_;  // owned; null once finished
  bool finished_ = false;  // committed, aborted or failed
};

// Streams one object. Created by BlobStore::OpenReader.
class BlobReader {
 public:
  ~BlobReader();
  BlobReader(const BlobReader&) = delete;
  BlobReader& operator=(const BlobReader&) = delete;

  // Up to `max_bytes` (> 0) of the next bytes; empty at the end. A reader
  // opened at offset 0 hashes what it reads and, at the end, fails with
  // DATA_LOSS if the content does not match the object's name (the bytes
  // already returned must then be discarded).
  absl::StatusOr<std::string> Read(size_t max_bytes);

  // The object's total size (not what remains after the offset).
  uint64_t size() const { return size_; }
  const std::string& sha256_hex() const { return sha256_hex_; }

 private:
  friend class BlobStore;
  BlobReader(std::string sha256_hex, int fd, uint64_t size, uint64_t offset,
             EVP_MD_CTX* sha256);
  // Reads into `buffer` until it is full or the file ends; returns the count.
  absl::StatusOr<size_t> ReadFully(char* buffer, size_t length);
  absl::Status VerifyAtEnd();

  const std::string sha256_hex_;
  int fd_;
  const uint64_t size_;
  uint64_t position_;
  EVP_MD_CTX* sha256_;  // owned; null when not verifying (or verified)
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_FILES_BLOB_STORE_H_
