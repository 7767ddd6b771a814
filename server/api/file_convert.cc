// File conversions; see file_convert.h.
#include "server/api/file_convert.h"

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/common/status.h"

namespace gigwire {

void ToProto(const StoredFile& file, v1::FileInfo* out) {
  out->set_id(file.id);
  out->set_owner_id(file.owner_id);
  out->set_name(file.name);
  out->set_content_type(file.content_type);
  out->set_size_bytes(file.size_bytes);
  out->set_sha256(file.sha256_hex);
  out->set_attached_kind(ToProto(file.attached_kind));
  out->set_attached_to_id(file.attached_to_id);
  ToProto(file.create_time, out->mutable_create_time());
  if (file.attach_time) ToProto(*file.attach_time, out->mutable_attach_time());
}

v1::FileAttachmentKind ToProto(AttachmentKind kind) {
  switch (kind) {
    case AttachmentKind::kNone:
      return v1::FILE_ATTACHMENT_KIND_UNSPECIFIED;
    case AttachmentKind::kMessage:
      return v1::FILE_ATTACHMENT_KIND_MESSAGE;
    case AttachmentKind::kDelivery:
      return v1::FILE_ATTACHMENT_KIND_DELIVERY;
    case AttachmentKind::kMilestone:
      return v1::FILE_ATTACHMENT_KIND_MILESTONE;
    case AttachmentKind::kGig:
      return v1::FILE_ATTACHMENT_KIND_GIG;
    case AttachmentKind::kPortfolioItem:
      return v1::FILE_ATTACHMENT_KIND_PORTFOLIO_ITEM;
  }
  return v1::FILE_ATTACHMENT_KIND_UNSPECIFIED;
}

absl::StatusOr<AttachmentKind> AttachmentKindFromProto(int kind, absl::string_view field) {
  switch (kind) {
    case v1::FILE_ATTACHMENT_KIND_UNSPECIFIED:
      return AttachmentKind::kNone;
    case v1::FILE_ATTACHMENT_KIND_MESSAGE:
      return AttachmentKind::kMessage;
    case v1::FILE_ATTACHMENT_KIND_DELIVERY:
      return AttachmentKind::kDelivery;
    case v1::FILE_ATTACHMENT_KIND_MILESTONE:
      return AttachmentKind::kMilestone;
    case v1::FILE_ATTACHMENT_KIND_GIG:
      return AttachmentKind::kGig;
    case v1::FILE_ATTACHMENT_KIND_PORTFOLIO_ITEM:
      return AttachmentKind::kPortfolioItem;
    default:
      return InvalidField(field, absl::StrCat("unknown attachment kind ", kind));
  }
}

}  // namespace gigwire
