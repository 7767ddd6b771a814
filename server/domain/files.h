// Files (issue 16, FileService): uploads, metadata, downloads and attaching
// images to gigs and portfolio items, plus the sweeps that keep the files
// directory and the database in agreement.
//
// Upload. The client-streaming UploadStream and the unary UploadChunk drive
// the same sessions (upload_sessions.h): the spec is checked (name 1..255
// characters after path separators and control characters are replaced,
// size 1..max_upload_bytes, sha256 64 hex digits, request_id at most 100
// characters), the content type is decided from the first bytes, the bytes
// are hashed as they arrive, and the blob is committed (fsync + rename)
// BEFORE the files row is inserted. A crash between the two leaves a blob no
// row names: RecoverAfterRestart (before serving) removes it, as Sweep does
// with such blobs an hour old. No row ever names a missing or partial blob.
// With a request_id the finished upload is remembered (the idempotency
// records of idempotency.h, written with the row): the same request_id and
// spec return the same file again.
//
// Errors of the uploads (nothing is stored on any of them): INVALID_ARGUMENT
// with INVALID_FIELDS (header.name, header.size_bytes, header.sha256,
// header.request_id, offsets, chunk sizes), FILE_TOO_LARGE,
// UPLOAD_SIZE_MISMATCH, CHECKSUM_MISMATCH, FILE_TYPE_NOT_ALLOWED;
// FAILED_PRECONDITION (UPLOAD_OFFSET_MISMATCH); RESOURCE_EXHAUSTED with
// STORAGE_QUOTA_EXCEEDED (stored bytes + the declared sizes of the owner's
// uploads in progress + this one over the quota) or RATE_LIMITED (more than
// max_uploads_in_progress at once).
//
// Visibility of files: file_access.h (NOT_FOUND for what the caller may not
// see).
//
// Thread safety: thread-safe; the store, blob store and clock must outlive it.
#ifndef GIGWIRE_SERVER_DOMAIN_FILES_H_
#define GIGWIRE_SERVER_DOMAIN_FILES_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/domain/upload_sessions.h"
#include "server/files/blob_store.h"
#include "server/model/file.h"
#include "server/store/store.h"

namespace gigwire {

// Upload chunks are at most this large (both ways of uploading).
inline constexpr int64_t kMaxUploadChunkBytes = 1 << 20;
// Download chunks (FileService.DownloadFile) are at most this large.
inline constexpr int64_t kDownloadChunkBytes = 256 << 10;

struct FileLimits {
  int64_t max_upload_bytes = 25 << 20;          // --max-upload-bytes
  int64_t storage_quota_bytes = int64_t{1} << 30;  // --storage-quota-bytes, per user
  int max_uploads_in_progress = 4;              // per user
  absl::Duration upload_idle_expiry = absl::Hours(1);
  absl::Duration unattached_retention = absl::Hours(24);
  // A blob no row names is removed once this old (well above the time
  // between a blob's commit and its row's insert).
  absl::Duration orphan_blob_age = absl::Hours(1);
};

// An upload as the client declared it (FileService's UploadHeader).
struct UploadRequest {
  std::string name;
  int64_t size_bytes = 0;
  std::string sha256;
  std::string request_id;
};

// Where an upload stands (FileService's UploadStatus).
struct UploadProgress {
  int64_t received_bytes = 0;
  int64_t size_bytes = 0;
  std::optional<StoredFile> file;  // once complete
};

// A file to stream: its metadata and a reader positioned at the offset.
struct FileDownload {
  StoredFile file;
  std::unique_ptr<BlobReader> reader;
};

// What one sweep removed.
struct FileSweepCounts {
  int expired_uploads = 0;    // idle sessions dropped
  int unattached_files = 0;   // rows deleted
  int orphan_blobs = 0;       // blobs no row names
  int stale_temporaries = 0;  // temporary files no upload owns
};

// The next chunk of a stream: the bytes, nullopt at its end, or an error
// (CANCELLED when the client went away; any other for a bad message).
using ChunkSource = absl::FunctionRef<absl::StatusOr<std::optional<std::string>>()>;

// The display name a client gave, sanitized: surrounding white space trimmed,
// path separators and control characters replaced by '_', "." and ".."
// replaced. Validity (UTF-8, length) is checked separately.
std::string SanitizeFileName(absl::string_view name);

class Files {
 public:
  Files(Store& store, BlobStore& blobs, const Clock& clock, FileLimits limits);

  // UploadFile: `offset` is header.offset; chunks come from `next` (each
  // 1 byte..kMaxUploadChunkBytes, field "chunk"). Completes when the stream
  // ends with every declared byte. A replayed request_id returns the file
  // without reading on. A stream of an upload with a request_id that ends
  // early or is cancelled leaves the upload resumable.
  absl::StatusOr<StoredFile> UploadStream(const Principal& caller, const UploadRequest& request,
                                          int64_t offset, ChunkSource next);
  // UploadChunk: `data` (0..kMaxUploadChunkBytes, field "data"; 0 only asks
  // for the status) goes at `offset`; the call that brings the last byte
  // completes the upload. Without a request_id the whole file must come in
  // one call. A chunk after a finished upload's end is UPLOAD_SIZE_MISMATCH.
  absl::StatusOr<UploadProgress> UploadChunk(const Principal& caller,
                                             const UploadRequest& request, int64_t offset,
                                             absl::string_view data);
  // NOT_FOUND when the caller has no such upload in progress or finished
  // (INVALID_ARGUMENT for an empty or too long request_id).
  absl::StatusOr<UploadProgress> GetUpload(const Principal& caller,
                                           const std::string& request_id);

  absl::StatusOr<StoredFile> Get(const Principal& caller, const std::string& id);
  // INVALID_ARGUMENT (attached_kind, attached_to_id) for kind NONE or an
  // empty id; NOT_FOUND for an object the caller may not see.
  absl::StatusOr<std::vector<StoredFile>> List(const Principal& caller, AttachmentKind kind,
                                               const std::string& to_id);
  // OUT_OF_RANGE (INVALID_FIELDS, offset) past the end; INVALID_ARGUMENT for
  // a negative offset; NOT_FOUND.
  absl::StatusOr<FileDownload> OpenDownload(const Principal& caller, const std::string& id,
                                            int64_t offset);
  // AttachFile: the caller's unattached image to their own gig or portfolio
  // item. Attaching it again to the same object returns it unchanged.
  // Errors: INVALID_ARGUMENT (attached_kind other than GIG or
  // PORTFOLIO_ITEM, empty ids), FILE_TYPE_NOT_ALLOWED for a file that is not
  // PNG, JPEG, GIF or WebP; FAILED_PRECONDITION (INVALID_STATE) attached
  // elsewhere, or at kMaxAttachmentsPerObject; NOT_FOUND for another's file,
  // gig or item.
  absl::StatusOr<StoredFile> Attach(const Principal& caller, const std::string& file_id,
                                    AttachmentKind kind, const std::string& to_id);

  // Before serving: removes every blob no row names and every temporary
  // file (a crash's leftovers: no upload is in progress yet).
  absl::StatusOr<FileSweepCounts> RecoverAfterRestart();
  // The scheduler's pass at `now`: expires idle uploads, deletes unattached
  // files past their retention (their blobs go with the orphans once no row
  // names them), then removes orphan blobs and stale temporaries.
  absl::StatusOr<FileSweepCounts> Sweep(absl::Time now);

  const FileLimits& limits() const { return limits_; }
  int uploads_in_progress() const { return sessions_.size(); }

 private:
  // Checks `request` and returns its spec (sanitized name, lower-case hex).
  absl::StatusOr<UploadSpec> SpecOf(const UploadRequest& request) const;
  // The file a finished upload with this key produced, if any.
  absl::StatusOr<std::optional<StoredFile>> FindFinished(const Principal& caller,
                                                         const UploadSpec& spec);
  absl::StatusOr<UploadSessions::Lease> OpenSession(const Principal& caller,
                                                    const UploadSpec& spec, int64_t offset);
  // Commits the blob and inserts the row (with the idempotency record).
  absl::StatusOr<StoredFile> Finish(const Principal& caller, UploadSessions::Lease& lease);
  absl::StatusOr<int> DeleteUnattached(absl::Time cutoff);
  // Whether a files row names the blob.
  absl::StatusOr<bool> IsReferenced(absl::string_view sha256_hex);
  // Removes blobs no row names and temporary files no upload owns, both
  // older than `older_than`, counting them into `counts`.
  absl::Status RemoveLeftovers(absl::Duration older_than, FileSweepCounts& counts);

  Store& store_;
  BlobStore& blobs_;
  const Clock& clock_;
  const FileLimits limits_;
  UploadSessions sessions_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_FILES_H_
