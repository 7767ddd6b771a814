// Plain type of an uploaded file's metadata (issue 16). The bytes live
// content-addressed (by SHA-256) under the files directory, so identical
// uploads share one blob; each upload is its own row. No gRPC, no SQL; the
// store is server/store/file_repository.h.
#ifndef GIGWIRE_SERVER_MODEL_FILE_H_
#define GIGWIRE_SERVER_MODEL_FILE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/time/time.h"

namespace gigwire {

// What a file is attached to (at most one object, once).
enum class AttachmentKind : uint8_t {
  kNone = 0,           // uploaded, not attached yet (removed after a day)
  kMessage = 1,        // attached_to_id: a message id
  kDelivery = 2,       // a booking's delivery; attached_to_id: the booking id
  kMilestone = 3,      // a milestone submission; attached_to_id: the milestone id
  kGig = 4,            // attached_to_id: the gig id
  kPortfolioItem = 5,  // attached_to_id: the portfolio item id
};
const char* AttachmentKindName(AttachmentKind kind);

struct StoredFile {
  std::string id;        // "fil_..."
  std::string owner_id;  // the uploader
  std::string sha256_hex;  // 64 lower-case hex digits: the blob's name
  int64_t size_bytes = 0;
  std::string content_type;  // decided from the bytes, never the client's word
  std::string name;          // the client's display name, sanitized by the domain
  AttachmentKind attached_kind = AttachmentKind::kNone;
  std::string attached_to_id;  // empty when kNone
  absl::Time create_time;
  std::optional<absl::Time> attach_time;  // set when attached
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_FILE_H_
