// The notification inbox: each user's notifications (written by the outbox,
// see outbox.h), newest first, with the unread count, and marking them read.
//
// A notification's id is the cursor of the event it came from (event.h), so
// ids are unique per user and ordered. Every call acts on the caller's own
// inbox only: other users' notifications are never listed or changed (an id
// of someone else's notification simply matches nothing).
//
// Errors: INVALID_ARGUMENT (INVALID_FIELDS) for a negative page_size, a page
// token not made by this list with the same filter, MarkRead without ids and
// without up_to_id, more than 500 ids, or an id that is not a cursor
// (fields `ids[i]`, `up_to_id`); the store's errors otherwise.
// Thread safety: thread-safe; the store must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_NOTIFICATIONS_H_
#define GIGWIRE_SERVER_DOMAIN_NOTIFICATIONS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/authenticator.h"
#include "server/model/event.h"
#include "server/store/store.h"

namespace gigwire {

struct NotificationPage {
  std::vector<Notification> notifications;  // newest first
  std::string next_page_token;              // empty on the last page
  int unread_count = 0;                     // all of the caller's unread ones
  std::string event_cursor;                 // the outbox position the page is consistent with
};

struct MarkReadResult {
  int marked_count = 0;  // changed from unread to read by this call
  int unread_count = 0;  // unread after it
};

class Notifications {
 public:
  explicit Notifications(Store& store) : store_(store) {}

  // One page of the caller's notifications (page_size 0: 50, at most 500),
  // only unread ones when `unread_only`; everything read in one snapshot.
  absl::StatusOr<NotificationPage> List(const Principal& caller, bool unread_only,
                                        int page_size, absl::string_view page_token);
  // Marks the caller's notifications `ids` and, when `up_to_id` is set,
  // every one up to and including it, read. Idempotent.
  absl::StatusOr<MarkReadResult> MarkRead(const Principal& caller,
                                          const std::vector<std::string>& ids,
                                          const std::string& up_to_id);

 private:
  Store& store_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_NOTIFICATIONS_H_
