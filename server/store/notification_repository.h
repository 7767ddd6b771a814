// NotificationRepository and its query (NotificationQuery): the notification
// inboxes. See store.h for the transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_NOTIFICATION_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_NOTIFICATION_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/event.h"

namespace gigwire {

struct NotificationQuery {
  std::string user_id;
  bool unread_only = false;
  std::optional<int64_t> before_sequence;  // keyset: start below this
  int limit = 50;
};

class NotificationRepository {
 public:
  virtual ~NotificationRepository() = default;
  virtual absl::Status Insert(const Notification& notification) = 0;
  // Newest (highest sequence) first.
  virtual absl::StatusOr<std::vector<Notification>> List(const NotificationQuery& query) = 0;
  virtual absl::StatusOr<int> CountUnread(const std::string& user_id) = 0;
  // Marks `user_id`'s listed notifications read; returns how many changed.
  virtual absl::StatusOr<int> MarkRead(const std::string& user_id,
                                       const std::vector<int64_t>& sequences) = 0;
  // Marks every one with sequence <= `up_to` read; returns how many changed.
  virtual absl::StatusOr<int> MarkReadUpTo(const std::string& user_id, int64_t up_to) = 0;
  // Deletes up to `limit` notifications created before `cutoff`; returns how many.
  virtual absl::StatusOr<int> DeleteBefore(absl::Time cutoff, int limit) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_NOTIFICATION_REPOSITORY_H_
