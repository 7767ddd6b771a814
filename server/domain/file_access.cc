// File visibility and attaching; see file_access.h.
#include "server/domain/file_access.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

absl::Status FilesNotFound(AttachmentKind kind, const std::string& to_id) {
  return NotFound(absl::StrCat(AttachmentKindName(kind), " ", to_id));
}

// NOT_FOUND (naming the object) for a missing row; other errors as they are.
template <typename T>
absl::StatusOr<T> Found(absl::StatusOr<T> row, AttachmentKind kind, const std::string& to_id) {
  if (absl::IsNotFound(row.status())) return FilesNotFound(kind, to_id);
  return row;
}

absl::Status RequireBookingParty(Tx& tx, const Principal& viewer, const std::string& booking_id,
                                 AttachmentKind kind, const std::string& to_id) {
  GW_ASSIGN_OR_RETURN(const Booking booking,
                      Found(tx.bookings().FindById(booking_id), kind, to_id));
  if (booking.buyer_id == viewer.user_id || booking.seller_id == viewer.user_id) {
    return absl::OkStatus();
  }
  return FilesNotFound(kind, to_id);
}

absl::Status RequireMessageParticipant(Tx& tx, const Principal& viewer,
                                       const std::string& message_id) {
  constexpr AttachmentKind kKind = AttachmentKind::kMessage;
  GW_ASSIGN_OR_RETURN(const Message message,
                      Found(tx.messages().FindById(message_id), kKind, message_id));
  if (message.hidden) return FilesNotFound(kKind, message_id);
  GW_ASSIGN_OR_RETURN(
      const Conversation conversation,
      Found(tx.conversations().FindById(message.conversation_id), kKind, message_id));
  const std::vector<std::string>& admins = conversation.admin_ids;
  if (conversation.buyer_id == viewer.user_id || conversation.seller_id == viewer.user_id ||
      std::find(admins.begin(), admins.end(), viewer.user_id) != admins.end()) {
    return absl::OkStatus();
  }
  return FilesNotFound(kKind, message_id);
}

absl::Status RequireVisibleGig(Tx& tx, const Principal& viewer, const std::string& gig_id) {
  constexpr AttachmentKind kKind = AttachmentKind::kGig;
  GW_ASSIGN_OR_RETURN(const Gig gig, Found(tx.gigs().FindById(gig_id), kKind, gig_id));
  if (gig.state == GigState::kApproved || gig.seller_id == viewer.user_id) {
    return absl::OkStatus();
  }
  return FilesNotFound(kKind, gig_id);
}

// The object's checks for a viewer who is not an admin.
absl::Status RequireVisibleToUser(Tx& tx, const Principal& viewer, AttachmentKind kind,
                                  const std::string& to_id) {
  switch (kind) {
    case AttachmentKind::kMessage:
      return RequireMessageParticipant(tx, viewer, to_id);
    case AttachmentKind::kDelivery:
      return RequireBookingParty(tx, viewer, to_id, kind, to_id);
    case AttachmentKind::kMilestone: {
      GW_ASSIGN_OR_RETURN(const Milestone milestone,
                          Found(tx.milestones().FindById(to_id), kind, to_id));
      return RequireBookingParty(tx, viewer, milestone.booking_id, kind, to_id);
    }
    case AttachmentKind::kGig:
      return RequireVisibleGig(tx, viewer, to_id);
    case AttachmentKind::kPortfolioItem:
      return Found(tx.portfolio().FindById(to_id), kind, to_id).status();
    case AttachmentKind::kNone:
      break;
  }
  return Internal("an unattached file has no object to see");
}

absl::Status FileNotFound(const std::string& id) { return NotFound(absl::StrCat("file ", id)); }

}  // namespace

absl::Status RequireVisibleObject(Tx& tx, const Principal& viewer, AttachmentKind kind,
                                  const std::string& to_id) {
  if (kind == AttachmentKind::kNone) {
    return Internal("an unattached file has no object to see");
  }
  if (!viewer.Has(Role::kAdmin)) return RequireVisibleToUser(tx, viewer, kind, to_id);
  // Admins see every object's files, of objects that exist.
  switch (kind) {
    case AttachmentKind::kMessage:
      return Found(tx.messages().FindById(to_id), kind, to_id).status();
    case AttachmentKind::kDelivery:
      return Found(tx.bookings().FindById(to_id), kind, to_id).status();
    case AttachmentKind::kMilestone:
      return Found(tx.milestones().FindById(to_id), kind, to_id).status();
    case AttachmentKind::kGig:
      return Found(tx.gigs().FindById(to_id), kind, to_id).status();
    default:
      return Found(tx.portfolio().FindById(to_id), kind, to_id).status();
  }
}

absl::StatusOr<StoredFile> LoadVisibleFile(Tx& tx, const Principal& viewer,
                                           const std::string& id) {
  if (!HasIdShape(id, "fil")) return FileNotFound(id);
  absl::StatusOr<StoredFile> file = tx.files().FindById(id);
  if (absl::IsNotFound(file.status())) return FileNotFound(id);
  GW_RETURN_IF_ERROR(file.status());
  if (viewer.Has(Role::kAdmin)) return file;
  if (file->attached_kind == AttachmentKind::kNone) {
    if (file->owner_id == viewer.user_id) return file;
    return FileNotFound(id);
  }
  absl::Status visible = RequireVisibleToUser(tx, viewer, file->attached_kind,
                                              file->attached_to_id);
  if (absl::IsNotFound(visible)) return FileNotFound(id);
  GW_RETURN_IF_ERROR(visible);
  return file;
}

absl::Status CheckAttachmentIds(absl::string_view field, const std::vector<std::string>& ids) {
  if (ids.size() > static_cast<size_t>(kMaxAttachmentsPerObject)) {
    return InvalidField(field, absl::StrCat("must hold at most ", kMaxAttachmentsPerObject,
                                            " file ids"));
  }
  Violations violations;
  absl::flat_hash_set<absl::string_view> seen;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string path = absl::StrCat(field, "[", i, "]");
    if (ids[i].empty()) {
      violations.Add(path, "is required");
    } else if (!seen.insert(ids[i]).second) {
      violations.Add(path, "repeats an earlier file id");
    }
  }
  return violations.ToStatus();
}

absl::StatusOr<std::vector<StoredFile>> LoadAttachableFiles(Tx& tx, const std::string& owner_id,
                                                            const std::vector<std::string>& ids) {
  std::vector<StoredFile> files;
  files.reserve(ids.size());
  for (const std::string& id : ids) {
    if (!HasIdShape(id, "fil")) return FileNotFound(id);
    absl::StatusOr<StoredFile> file = tx.files().FindById(id);
    if (absl::IsNotFound(file.status()) || (file.ok() && file->owner_id != owner_id)) {
      return FileNotFound(id);
    }
    GW_RETURN_IF_ERROR(file.status());
    if (file->attached_kind != AttachmentKind::kNone) {
      return InvalidState(absl::StrCat("file ", id, " is attached already; upload it again to "
                                       "attach it elsewhere"),
                          AttachmentKindName(file->attached_kind));
    }
    files.push_back(*std::move(file));
  }
  return files;
}

absl::Status AttachOwnFiles(Tx& tx, const std::string& owner_id,
                            const std::vector<std::string>& ids, AttachmentKind kind,
                            const std::string& to_id, absl::Time now) {
  if (ids.empty()) return absl::OkStatus();
  GW_RETURN_IF_ERROR(LoadAttachableFiles(tx, owner_id, ids).status());
  GW_ASSIGN_OR_RETURN(const std::vector<StoredFile> attached,
                      tx.files().ListAttached(kind, to_id));
  if (attached.size() + ids.size() > static_cast<size_t>(kMaxAttachmentsPerObject)) {
    return InvalidState(absl::StrCat("at most ", kMaxAttachmentsPerObject, " files per ",
                                     AttachmentKindName(kind), "; it holds ", attached.size()),
                        absl::StrCat(attached.size(), " files"));
  }
  for (const std::string& id : ids) {
    GW_RETURN_IF_ERROR(tx.files().Attach(id, kind, to_id, now));
  }
  return absl::OkStatus();
}

}  // namespace gigwire
