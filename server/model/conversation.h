// Plain types of messaging (issue 16): a conversation between a buyer and one
// seller about a job (or a gig order's booking), its messages, each reader's
// read mark and users' blocks. No gRPC, no SQL; the store is
// server/store/conversation_repository.h, the rules server/domain/
// conversations.h (which fills the read-only display fields).
#ifndef GIGWIRE_SERVER_MODEL_CONVERSATION_H_
#define GIGWIRE_SERVER_MODEL_CONVERSATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/model/file.h"

namespace gigwire {

struct Message {
  std::string conversation_id;
  int64_t seq = 0;  // 1, 2, ... per conversation; assigned by the store
  std::string id;   // "msg_..."
  std::string sender_id;
  std::string text;  // at most 10,000 characters (the domain checks)
  std::vector<std::string> attachment_ids;  // file ids, in order
  bool hidden = false;  // by an admin: text and files withheld from participants
  std::string hidden_by;
  std::string hidden_reason;
  std::optional<absl::Time> hide_time;
  absl::Time create_time;
  // Read-only, filled by the domain (never stored): the files of
  // attachment_ids, in order.
  std::vector<StoredFile> attachments;
};

// At most one per job and pair (or, for a gig order, per booking and pair).
struct Conversation {
  std::string id;  // "cnv_..."
  std::string job_id;      // empty for a gig order: then it hangs on its booking
  std::string booking_id;  // empty until booked (when job_id is set)
  std::string buyer_id;    // the two participants never change
  std::string seller_id;
  // Read-only here (filled by reads, in join order): admins who joined with
  // ConversationRepository::AddAdmin.
  std::vector<std::string> admin_ids;
  // Read-only here: kept by MessageRepository::Append.
  int64_t last_message_seq = 0;  // 0: no message yet
  absl::Time last_activity_time;
  absl::Time create_time;
  absl::Time update_time;
  int64_t version = 1;
  // Read-only, filled by the domain for display (never stored):
  std::string title;  // the job's title, or the ordered gig's
  bool blocked = false;  // one of the two blocked the other
  int64_t buyer_last_read_seq = 0;   // the participants' read marks
  int64_t seller_last_read_seq = 0;
  // For one viewer: the newest message (hidden rules applied) and how many
  // messages from others follow the viewer's read mark.
  std::optional<Message> last_message;
  int64_t unread_count = 0;
};

// How far `user_id` has read `conversation_id`.
struct ReadMark {
  std::string conversation_id;
  std::string user_id;
  int64_t last_read_seq = 0;  // 0: nothing read
  absl::Time update_time;
};

// `blocker_id` blocked `blocked_id`: neither may write to the other.
struct Block {
  std::string blocker_id;
  std::string blocked_id;
  absl::Time create_time;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_CONVERSATION_H_
