// Uploads in progress (issue 16), in memory: one UploadSession per upload
// holds its BlobWriter (the temporary file), how many bytes arrived, and what
// the first bytes say the file is; UploadSessions keeps them by (owner,
// request_id) so that an upload cut off can be resumed by a later call
// (FileService.UploadFile or UploadChunk: both drive the same sessions).
// Nothing here survives a restart: a restart loses every upload in progress
// (the startup sweep removes their temporary files), and clients start again.
//
// A session is used by one call at a time: UploadSessions::Open hands out a
// Lease, and while it lives no other call can open the session (it gets
// FAILED_PRECONDITION, UPLOAD_OFFSET_MISMATCH: resume where the first call
// leaves it). When the lease ends, a session that failed or committed is
// dropped, as is one without a request_id (it cannot be resumed); one with a
// request_id stays until resumed, or until idle past the expiry.
//
// Thread safety: UploadSessions is thread-safe; an UploadSession belongs to
// its lease holder. The BlobStore must outlive both.
#ifndef GIGWIRE_SERVER_DOMAIN_UPLOAD_SESSIONS_H_
#define GIGWIRE_SERVER_DOMAIN_UPLOAD_SESSIONS_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/files/blob_store.h"
#include "server/files/content_type.h"

namespace gigwire {

// What an upload declares up front (already checked, see Files).
struct UploadSpec {
  std::string name;        // sanitized display name
  int64_t size_bytes = 0;  // 1..the limit
  std::string sha256_hex;  // 64 lower-case hex digits
  std::string request_id;  // empty: a one-shot upload, never resumed
};

// A blob an upload committed.
struct CommittedUpload {
  std::string sha256_hex;
  int64_t size_bytes = 0;
  std::string content_type;
};

class UploadSession {
 public:
  UploadSession(std::string owner_id, UploadSpec spec, std::unique_ptr<BlobWriter> writer);
  UploadSession(const UploadSession&) = delete;
  UploadSession& operator=(const UploadSession&) = delete;

  // Appends the next bytes. Errors: INVALID_ARGUMENT with
  // UPLOAD_SIZE_MISMATCH when they would pass the declared size, with
  // FILE_TYPE_NOT_ALLOWED once the first bytes (kContentSniffBytes, or the
  // whole file when smaller) show a type outside the allow-list, or when a
  // text file stops being UTF-8; the writer's (RESOURCE_EXHAUSTED when the
  // disk is full, INTERNAL). After an error the session is failed: its
  // temporary file is gone and every later call fails.
  absl::Status Append(absl::string_view chunk);

  // Commits the blob (durable when this returns). Errors: UPLOAD_SIZE_MISMATCH
  // unless every declared byte arrived (the session stays usable);
  // FILE_TYPE_NOT_ALLOWED for text that ends inside a character;
  // CHECKSUM_MISMATCH when the bytes do not hash to the declared SHA-256;
  // the writer's. After any error but the first the session is failed.
  absl::StatusOr<CommittedUpload> Commit();

  const std::string& owner_id() const { return owner_id_; }
  const UploadSpec& spec() const { return spec_; }
  int64_t received() const { return received_.load(); }
  bool failed() const { return failed_; }
  bool committed() const { return committed_; }

 private:
  // Keeps the head of the upload and decides its type once the head is in.
  absl::Status Sniff(absl::string_view chunk);
  absl::Status Fail(absl::Status status);

  const std::string owner_id_;
  const UploadSpec spec_;
  std::unique_ptr<BlobWriter> writer_;
  std::atomic<int64_t> received_{0};  // read by UploadSessions::Peek
  std::string head_;                  // up to kContentSniffBytes
  std::string content_type_;          // set once the head is in
  std::optional<Utf8TextValidator> text_;  // for text files
  bool failed_ = false;
  bool committed_ = false;
};

struct UploadSessionsOptions {
  int max_per_owner = 4;
  absl::Duration idle_expiry = absl::Hours(1);
  uint64_t max_upload_bytes = 25 << 20;  // the BlobWriter's cap
};

class UploadSessions {
 public:
  class Lease;

  // `blobs` and `clock` must outlive this.
  UploadSessions(BlobStore& blobs, const Clock& clock, UploadSessionsOptions options)
      : blobs_(blobs), clock_(clock), options_(options) {}

  // The session of (`owner_id`, `spec.request_id`) for one call: the one in
  // progress, or a new one when there is none. A new session must pass
  // `admit(reserved_bytes)`, called under the lock with the declared sizes of
  // the owner's other sessions (the quota check: no store access there).
  // `offset` is where the caller's next bytes go.
  // Errors: INVALID_ARGUMENT (header.request_id) when the session in
  // progress was declared otherwise; FAILED_PRECONDITION
  // (UPLOAD_OFFSET_MISMATCH, metadata received_bytes) when `offset` is not
  // where the session stands (0 for a new one) or while another call holds
  // it; RESOURCE_EXHAUSTED (RATE_LIMITED) for a new one past max_per_owner;
  // `admit`'s; the blob store's.
  absl::StatusOr<Lease> Open(const std::string& owner_id, const UploadSpec& spec, int64_t offset,
                             absl::FunctionRef<absl::Status(int64_t reserved_bytes)> admit);

  // Where the owner's upload `request_id` stands: {received, size}, or
  // nullopt when there is none in progress.
  std::optional<std::pair<int64_t, int64_t>> Peek(const std::string& owner_id,
                                                  const std::string& request_id) const;

  // Drops the sessions no call holds that have been idle for longer than
  // the expiry at `now` (their temporary files are deleted); returns how many.
  int ExpireIdle(absl::Time now);

  // Sessions in progress (all owners).
  int size() const;

 private:
  struct Entry {
    std::shared_ptr<UploadSession> session;
    bool busy = false;
    absl::Time last_active;
  };
  struct OwnerUsage {
    int sessions = 0;
    int64_t reserved_bytes = 0;
  };
  void Release(const std::string& key, bool keep);
  void EraseLocked(const std::string& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::StatusOr<std::shared_ptr<UploadSession>> CreateLocked(
      const std::string& key, const std::string& owner_id, const UploadSpec& spec,
      absl::FunctionRef<absl::Status(int64_t)> admit) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  BlobStore& blobs_;
  const Clock& clock_;
  const UploadSessionsOptions options_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> sessions_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, OwnerUsage> usage_ ABSL_GUARDED_BY(mu_);
  uint64_t one_shot_counter_ ABSL_GUARDED_BY(mu_) = 0;
};

// One call's hold on a session. Movable; releases the session when destroyed
// (see the file comment for what stays).
class UploadSessions::Lease {
 public:
  Lease(Lease&& other) noexcept;
  Lease& operator=(Lease&&) = delete;
  ~Lease();

  UploadSession* operator->() const { return session_.get(); }
  UploadSession& operator*() const { return *session_; }
  // Drops the session when the lease ends, whatever its state (a session
  // whose file could not be recorded).
  void Discard() { discard_ = true; }

 private:
  friend class UploadSessions;
  Lease(UploadSessions* owner, std::string key, std::shared_ptr<UploadSession> session)
      : owner_(owner), key_(std::move(key)), session_(std::move(session)) {}

  UploadSessions* owner_;  // null once moved from
  std::string key_;
  std::shared_ptr<UploadSession> session_;
  bool discard_ = false;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_UPLOAD_SESSIONS_H_
