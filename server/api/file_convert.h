// Conversions between the file types (issue 16: uploaded files and what they
// attach to) and their gigwire.v1 messages. Stateless, thread-safe.
#ifndef GIGWIRE_SERVER_API_FILE_CONVERT_H_
#define GIGWIRE_SERVER_API_FILE_CONVERT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gigwire/v1/file.pb.h"
#include "server/model/file.h"

namespace gigwire {

void ToProto(const StoredFile& file, v1::FileInfo* out);

v1::FileAttachmentKind ToProto(AttachmentKind kind);
// FILE_ATTACHMENT_KIND_UNSPECIFIED maps to kNone. INVALID_ARGUMENT
// (INVALID_FIELDS) naming `field` for an unknown value.
absl::StatusOr<AttachmentKind> AttachmentKindFromProto(int kind, absl::string_view field);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_FILE_CONVERT_H_
