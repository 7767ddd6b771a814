// The notification inbox; see notifications.h.
#include "server/domain/notifications.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/domain/pagination.h"

namespace gigwire {
namespace {

constexpr size_t kMaxIdsPerMark = 500;

std::string Fingerprint(const Principal& caller, bool unread_only) {
  return absl::StrCat("notifications:", caller.user_id, "|", unread_only ? 1 : 0);
}

// The sequence below which the page starts; nullopt for the first page.
absl::StatusOr<std::optional<int64_t>> DecodeBefore(absl::string_view page_token,
                                                    absl::string_view fingerprint) {
  GW_ASSIGN_OR_RETURN(std::optional<ListCursor> after, DecodePageToken(page_token, fingerprint));
  if (!after.has_value()) return std::nullopt;
  std::optional<int64_t> sequence = SequenceOfCursor(after->id);
  if (!sequence.has_value()) {
    return InvalidField("page_token", "is not a token returned by this list");
  }
  return sequence;
}

// The sequences of `ids` and of `up_to_id` (0 when empty), or every problem.
absl::Status ParseIds(const std::vector<std::string>& ids, const std::string& up_to_id,
                      std::vector<int64_t>& sequences, int64_t& up_to) {
  Violations violations;
  if (ids.empty() && up_to_id.empty()) violations.Add("ids", "give ids or up_to_id");
  if (ids.size() > kMaxIdsPerMark) violations.Add("ids", "at most 500 ids");
  for (size_t i = 0; i < ids.size() && i < kMaxIdsPerMark; ++i) {
    std::optional<int64_t> sequence = SequenceOfCursor(ids[i]);
    if (!sequence.has_value()) {
      violations.Add(absl::StrCat("ids[", i, "]"), "is not a notification id");
      continue;
    }
    sequences.push_back(*sequence);
  }
  up_to = 0;
  if (!up_to_id.empty()) {
    std::optional<int64_t> sequence = SequenceOfCursor(up_to_id);
    if (!sequence.has_value()) violations.Add("up_to_id", "is not a notification id");
    up_to = sequence.value_or(0);
  }
  return violations.ToStatus();
}

}  // namespace

absl::StatusOr<NotificationPage> Notifications::List(const Principal& caller, bool unread_only,
                                                     int page_size,
                                                     absl::string_view page_token) {
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  const std::string fingerprint = Fingerprint(caller, unread_only);
  NotificationQuery query;
  query.user_id = caller.user_id;
  query.unread_only = unread_only;
  GW_ASSIGN_OR_RETURN(query.before_sequence, DecodeBefore(page_token, fingerprint));
  query.limit = limit + 1;
  NotificationPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.notifications, tx.notifications().List(query));
    GW_ASSIGN_OR_RETURN(page.unread_count, tx.notifications().CountUnread(caller.user_id));
    GW_ASSIGN_OR_RETURN(const int64_t latest, tx.events().LatestSequence());
    page.event_cursor = CursorOf(latest);
    return absl::OkStatus();
  }));
  if (page.notifications.size() > static_cast<size_t>(limit)) {
    page.notifications.resize(limit);
    const Notification& last = page.notifications.back();
    page.next_page_token =
        EncodePageToken(fingerprint, {last.create_time, CursorOf(last.sequence)});
  }
  return page;
}

absl::StatusOr<MarkReadResult> Notifications::MarkRead(const Principal& caller,
                                                       const std::vector<std::string>& ids,
                                                       const std::string& up_to_id) {
  std::vector<int64_t> sequences;
  int64_t up_to = 0;
  GW_RETURN_IF_ERROR(ParseIds(ids, up_to_id, sequences, up_to));
  MarkReadResult result;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    NotificationRepository& inbox = tx.notifications();
    GW_ASSIGN_OR_RETURN(result.marked_count, inbox.MarkRead(caller.user_id, sequences));
    if (!up_to_id.empty()) {
      GW_ASSIGN_OR_RETURN(const int more, inbox.MarkReadUpTo(caller.user_id, up_to));
      result.marked_count += more;
    }
    GW_ASSIGN_OR_RETURN(result.unread_count, inbox.CountUnread(caller.user_id));
    return absl::OkStatus();
  }));
  return result;
}

}  // namespace gigwire
