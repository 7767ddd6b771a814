// ConversationRepository, MessageRepository and BlockRepository: messaging
// between a buyer and a seller (issue 16; rules in the domain). See store.h
// for the transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_CONVERSATION_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_CONVERSATION_REPOSITORY_H_

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/conversation.h"
#include "server/store/list_cursor.h"

namespace gigwire {

// The conversations a user takes part in (as buyer, seller or joined admin),
// newest activity first.
struct ConversationQuery {
  std::string user_id;
  // Keyset position of (last_activity_time DESC, id DESC): `create_time`
  // holds the last conversation's last_activity_time.
  std::optional<ListCursor> after;
  int limit = 50;
};

class ConversationRepository {
 public:
  virtual ~ConversationRepository() = default;
  // With admin_ids.
  virtual absl::StatusOr<Conversation> FindById(const std::string& id) = 0;
  // The conversation of `job_id` between the two (when `job_id` is empty: of
  // `booking_id`, a gig order's); NOT_FOUND when none. INTERNAL when both
  // `job_id` and `booking_id` are empty.
  virtual absl::StatusOr<Conversation> FindFor(const std::string& job_id,
                                               const std::string& booking_id,
                                               const std::string& buyer_id,
                                               const std::string& seller_id) = 0;
  // ALREADY_EXISTS (DUPLICATE) when the pair already has one for the job (or,
  // without a job, the booking). Its admin_ids are ignored.
  virtual absl::Status Insert(const Conversation& conversation) = 0;
  // Saves the domain's own fields: job_id, booking_id, version and
  // update_time. The participants, create_time and what messages keep
  // (last_message_seq, last_activity_time) are not written, so a stale copy
  // never rolls them back. ABORTED (ETAG_MISMATCH) unless the stored version
  // is `expected_version`; ALREADY_EXISTS as Insert.
  virtual absl::Status Update(const Conversation& conversation, int64_t expected_version) = 0;
  // Adds `admin_id` to the admins who joined; a no-op when already there (the
  // first join time stays). Changes neither version nor update_time.
  // NOT_FOUND when there is no such conversation.
  virtual absl::Status AddAdmin(const std::string& conversation_id, const std::string& admin_id,
                                absl::Time when) = 0;
  // With admin_ids.
  virtual absl::StatusOr<std::vector<Conversation>> ListForUser(
      const ConversationQuery& query) = 0;
};

// A page of one conversation's messages, always in ascending seq order.
// `before_seq` > 0: the `limit` messages just before it (kLatest for the
// newest page); otherwise the `limit` messages just after `after_seq`.
struct MessageQuery {
  static constexpr int64_t kLatest = std::numeric_limits<int64_t>::max();
  std::string conversation_id;
  int64_t before_seq = 0;
  int64_t after_seq = 0;  // must be 0 when before_seq is set (else INTERNAL)
  int limit = 50;
};

class MessageRepository {
 public:
  virtual ~MessageRepository() = default;
  // Stores `message` as the conversation's next message and returns its seq
  // (its `seq` is ignored); also sets the conversation's last_message_seq,
  // and moves its last_activity_time and update_time forward to the
  // message's create_time (never back), without touching its version. The
  // message's attachment_ids are attached to it in order (as
  // FileRepository::Attach, kind MESSAGE, at create_time): NOT_FOUND for a
  // missing file, ABORTED (ETAG_MISMATCH) for one attached meanwhile.
  // NOT_FOUND when there is no such conversation; ALREADY_EXISTS for a
  // second message with the same id.
  virtual absl::StatusOr<int64_t> Append(const Message& message) = 0;
  // With attachment_ids.
  virtual absl::StatusOr<Message> FindById(const std::string& id) = 0;
  // With attachment_ids.
  virtual absl::StatusOr<std::vector<Message>> List(const MessageQuery& query) = 0;
  // Marks the message hidden by `by` for `reason` at `when`, hidden or not
  // (whether hiding twice is an error is the domain's call). NOT_FOUND when
  // there is no such message.
  virtual absl::Status Hide(const std::string& id, const std::string& by,
                            const std::string& reason, absl::Time when) = 0;
  // Messages after the user's read mark that others sent (hidden ones count).
  virtual absl::StatusOr<int64_t> UnreadCount(const std::string& conversation_id,
                                              const std::string& user_id) = 0;
  // The user's mark; last_read_seq 0 (and no update_time) when none.
  virtual absl::StatusOr<ReadMark> GetReadMark(const std::string& conversation_id,
                                               const std::string& user_id) = 0;
  // Moves the mark forward to `mark.last_read_seq`, capped at the
  // conversation's last_message_seq (a mark past the end would hide the next
  // messages from UnreadCount); never backwards. Returns the stored mark:
  // unchanged (with its old update_time) when it did not move, so the caller
  // can tell whether to send a read receipt. NOT_FOUND when there is no such
  // conversation.
  virtual absl::StatusOr<ReadMark> SetReadMark(const ReadMark& mark) = 0;
};

class BlockRepository {
 public:
  virtual ~BlockRepository() = default;
  // A no-op when already blocked (the first create_time stays). INTERNAL
  // when a user would block themself.
  virtual absl::Status Block(const std::string& blocker_id, const std::string& blocked_id,
                             absl::Time when) = 0;
  // A no-op when not blocked.
  virtual absl::Status Unblock(const std::string& blocker_id, const std::string& blocked_id) = 0;
  // Whether `a` blocked `b` or `b` blocked `a`.
  virtual absl::StatusOr<bool> IsBlockedEitherWay(const std::string& a,
                                                  const std::string& b) = 0;
  // The users `blocker_id` blocked, newest first.
  virtual absl::StatusOr<std::vector<gigwire::Block>> ListByBlocker(
      const std::string& blocker_id) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_CONVERSATION_REPOSITORY_H_
