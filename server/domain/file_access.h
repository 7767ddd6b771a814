// Who may see an uploaded file, and how files attach to what they belong to
// (issue 16). A file's only link to an object is its own row
// (files.attached_*), so every read of a file goes through here.
//
// Visibility of a file (and of the files of an object, ListFiles):
// - admins: every file;
// - unattached: its uploader;
// - MESSAGE: the conversation's buyer and seller and the admins who joined,
//   not while the message is hidden;
// - DELIVERY (a booking) and MILESTONE (its booking): the booking's buyer
//   and seller;
// - GIG: anyone signed in while the gig is APPROVED, else its seller;
// - PORTFOLIO_ITEM: anyone signed in.
// Everyone else gets NOT_FOUND (RESOURCE_NOT_FOUND), exactly as for an id
// that does not exist; so does an object that is gone.
//
// Attaching: a file attaches once, to one object, and only its uploader
// attaches it (in the transaction that creates or changes the object: a
// delivery, a submission, a message, or FileService.AttachFile). At most
// kMaxAttachmentsPerObject files per object.
//
// Thread safety: stateless functions; `tx` is the caller's transaction.
#ifndef GIGWIRE_SERVER_DOMAIN_FILE_ACCESS_H_
#define GIGWIRE_SERVER_DOMAIN_FILE_ACCESS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/auth/authenticator.h"
#include "server/model/file.h"
#include "server/store/store.h"

namespace gigwire {

inline constexpr int kMaxAttachmentsPerObject = 10;

// OK when `viewer` may see the files of (`kind`, `to_id`) (see the file
// comment); NOT_FOUND otherwise, also for an object that does not exist.
// INTERNAL for kind NONE (an unattached file has no object).
absl::Status RequireVisibleObject(Tx& tx, const Principal& viewer, AttachmentKind kind,
                                  const std::string& to_id);

// The file, when `viewer` may see it; NOT_FOUND otherwise.
absl::StatusOr<StoredFile> LoadVisibleFile(Tx& tx, const Principal& viewer,
                                           const std::string& id);

// The request shape of a list of attachment ids, checked before any write:
// at most kMaxAttachmentsPerObject, none empty, none repeated.
// INVALID_ARGUMENT (INVALID_FIELDS) naming `field` (e.g. "attachment_ids").
absl::Status CheckAttachmentIds(absl::string_view field, const std::vector<std::string>& ids);

// Loads the files `ids` for `owner_id` to attach: each must exist and be
// theirs (NOT_FOUND otherwise, as for a missing file) and be unattached
// (FAILED_PRECONDITION, INVALID_STATE with current_state the kind it is
// attached as). Nothing is changed.
absl::StatusOr<std::vector<StoredFile>> LoadAttachableFiles(Tx& tx, const std::string& owner_id,
                                                            const std::vector<std::string>& ids);

// LoadAttachableFiles, then attaches each, in order, to (`kind`, `to_id`)
// at `now`. FAILED_PRECONDITION (INVALID_STATE) when the object would hold
// more than kMaxAttachmentsPerObject files. Errors also: the store's.
absl::Status AttachOwnFiles(Tx& tx, const std::string& owner_id,
                            const std::vector<std::string>& ids, AttachmentKind kind,
                            const std::string& to_id, absl::Time now);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_FILE_ACCESS_H_
