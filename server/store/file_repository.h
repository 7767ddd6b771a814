// FileRepository: metadata of uploaded files (issue 16; the bytes are the
// files service's, content-addressed by SHA-256). See store.h for the
// transaction, error and thread-safety contract.
//
// A file attaches to one object, once: `files.attached_*` is the only record
// of what a file belongs to (message attachments included), so download
// authorization and the removal of unattached uploads read the same row.
#ifndef GIGWIRE_SERVER_STORE_FILE_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_FILE_REPOSITORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/file.h"

namespace gigwire {

class FileRepository {
 public:
  virtual ~FileRepository() = default;
  // Inserts an unattached file (its attached_* and attach_time are ignored).
  // ALREADY_EXISTS (DUPLICATE) for a second file with the same id.
  virtual absl::Status Insert(const StoredFile& file) = 0;
  virtual absl::StatusOr<StoredFile> FindById(const std::string& id) = 0;
  // Attaches the file to (`kind`, `attached_to_id`) at `when`, after the
  // files already attached there. NOT_FOUND when there is no such file;
  // ABORTED (ETAG_MISMATCH) when it is attached already (the domain read it
  // unattached: retry the transaction and it sees why). INTERNAL for kind
  // NONE or an empty `attached_to_id`.
  virtual absl::Status Attach(const std::string& file_id, AttachmentKind kind,
                              const std::string& attached_to_id, absl::Time when) = 0;
  // The files attached to (`kind`, `attached_to_id`), in attach order.
  virtual absl::StatusOr<std::vector<StoredFile>> ListAttached(
      AttachmentKind kind, const std::string& attached_to_id) = 0;
  // The bytes of every file `owner_id` uploaded (attached or not; identical
  // uploads count each time): what the storage quota limits.
  virtual absl::StatusOr<int64_t> TotalBytesOf(const std::string& owner_id) = 0;
  // Unattached files created before `cutoff`, oldest first, at most `limit`.
  // Delete them in the same Write, so none is attached in between.
  virtual absl::StatusOr<std::vector<StoredFile>> ListUnattachedBefore(absl::Time cutoff,
                                                                       int limit) = 0;
  // NOT_FOUND when there is no such file.
  virtual absl::Status Delete(const std::string& file_id) = 0;
  // How many files (rows) have this content: its blob may be removed only
  // at 0.
  virtual absl::StatusOr<int64_t> CountReferences(const std::string& sha256_hex) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_FILE_REPOSITORY_H_
