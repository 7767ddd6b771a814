// Messaging between buyers and sellers (issue 16; ConversationService): who
// may start a conversation, its messages, read receipts, admins joining and
// hiding messages, and blocks. The pure rules (who may write, what a viewer
// sees of a hidden message, limits) are conversation_rules.h; display fields
// are filled by conversation_reads.h.
//
// Who may start one (no cold messages): a job's buyer, with a seller who
// has an offer (any state), a proposal (any state) or an invitation to bid
// on the job, or its booking; a seller, with the buyer of a job the seller
// holds an offer or proposal for, or has its booking; either party of a
// booking. A job's booking maps to the job's conversation; a gig order's
// booking has its own. There is at most one per job (or gig order) and
// pair: Open returns the one that exists, even while one blocked the other.
//
// Visibility: a conversation and its messages are visible to its buyer, its
// seller and admins (NOT_FOUND to anyone else). Participants get a hidden
// message without its text, files, reason and hider; admins see all.
//
// Events (outbox.h): CONVERSATION_STARTED, CONVERSATION_JOINED (an admin's
// first join), MESSAGE_SENT, MESSAGES_READ (only when a read mark moved),
// MESSAGE_HIDDEN, in the transaction of the change. Admin actions (join,
// hide) are audited. Mutations with a RequestKey are idempotent.
//
// Errors carry the reasons of status.h: INVALID_FIELDS, RESOURCE_NOT_FOUND,
// NOT_CONNECTED, USER_BLOCKED, NOT_RESOURCE_OWNER, ROLE_REQUIRED,
// INVALID_STATE (metadata current_state).
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_CONVERSATIONS_H_
#define GIGWIRE_SERVER_DOMAIN_CONVERSATIONS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/domain/idempotency.h"
#include "server/domain/outbox.h"
#include "server/model/conversation.h"
#include "server/store/store.h"

namespace gigwire {

// What OpenConversation names: exactly one of job_id and booking_id; a
// buyer opening by job also names seller_id (a seller leaves it empty or
// gives its own id).
struct ConversationTarget {
  std::string job_id;
  std::string booking_id;
  std::string seller_id;
};

struct ConversationPage {
  std::vector<Conversation> conversations;  // newest activity first
  std::string next_page_token;             // empty on the last page
};

// Which page of messages: the newest (neither id), the one just before
// `before_message_id`, or just after `after_message_id`.
struct MessagePageRequest {
  std::string conversation_id;
  std::string before_message_id;
  std::string after_message_id;
  int page_size = 0;  // 0: 50; at most 200
};

struct MessagePage {
  std::vector<Message> messages;  // oldest first
  bool has_older = false;
  bool has_newer = false;
};

struct NewMessage {
  std::string conversation_id;
  std::string text;
  std::vector<std::string> attachment_ids;  // the sender's unattached files
};

class Conversations {
 public:
  Conversations(Store& store, const Clock& clock, const Outbox& outbox)
      : store_(store), clock_(clock), outbox_(outbox) {}

  // The conversation of the target between the caller and the other party,
  // started (CONVERSATION_STARTED) when there is none. Errors:
  // INVALID_ARGUMENT without exactly one of job_id and booking_id, a buyer
  // opening by job without seller_id (or naming itself), a seller_id that is
  // not the booking's seller; NOT_FOUND for a job or booking the caller may
  // not see; PERMISSION_DENIED NOT_CONNECTED when nothing links the two (an
  // admin is no party), USER_BLOCKED when one blocked the other and there is
  // no conversation yet.
  absl::StatusOr<Conversation> Open(const Principal& caller, const ConversationTarget& target,
                                    const RequestKey& key);
  // With the caller's last message and unread count. Errors: NOT_FOUND.
  absl::StatusOr<Conversation> Get(const Principal& caller, const std::string& id);
  // The caller's conversations (an admin's: those it joined), or, for an
  // admin, `user_id`'s. Errors: INVALID_ARGUMENT for a negative page size or
  // a bad token; PERMISSION_DENIED ROLE_REQUIRED for another's `user_id`
  // from a non-admin.
  absl::StatusOr<ConversationPage> List(const Principal& caller, const std::string& user_id,
                                        int page_size, absl::string_view page_token);
  // Appends a message (MESSAGE_SENT) and attaches its files. Errors:
  // INVALID_ARGUMENT (CheckNewMessage); NOT_FOUND for a conversation the
  // caller may not see, or a file that is not the caller's; FAILED_
  // PRECONDITION INVALID_STATE for a file already attached; PERMISSION_
  // DENIED USER_BLOCKED, NOT_RESOURCE_OWNER (an admin who did not join).
  absl::StatusOr<Message> Send(const Principal& caller, const NewMessage& message,
                               const RequestKey& key);
  // Errors: INVALID_ARGUMENT for both ids, a negative page size, or an id
  // that is not a message of this conversation; NOT_FOUND.
  absl::StatusOr<MessagePage> ListMessages(const Principal& caller,
                                           const MessagePageRequest& request);
  // Moves the caller's read mark up to the message (the newest when
  // `message_id` is empty), never back; MESSAGES_READ when it moved.
  // Errors: NOT_FOUND; INVALID_ARGUMENT for a message of another
  // conversation; PERMISSION_DENIED NOT_RESOURCE_OWNER for an admin (only
  // the participants keep read marks).
  absl::StatusOr<ReadMark> MarkRead(const Principal& caller, const std::string& conversation_id,
                                    const std::string& message_id);
  // Admins: hides the message (audited, MESSAGE_HIDDEN) and redacts every
  // stored event of it. Returns it as admins see it. Errors: PERMISSION_
  // DENIED ROLE_REQUIRED; INVALID_ARGUMENT (reason 1..500 characters);
  // NOT_FOUND; FAILED_PRECONDITION INVALID_STATE (current_state HIDDEN).
  absl::StatusOr<Message> Hide(const Principal& caller, const std::string& message_id,
                               const std::string& reason, const RequestKey& key);
  // Admins: joins visibly (audited, CONVERSATION_JOINED), once; joining
  // again changes nothing. Errors: ROLE_REQUIRED; NOT_FOUND.
  absl::StatusOr<Conversation> Join(const Principal& caller, const std::string& id);

  // Blocks `user_id` (idempotent). Errors: INVALID_ARGUMENT for an empty id
  // or oneself; NOT_FOUND for an unknown user.
  absl::Status Block(const Principal& caller, const std::string& user_id);
  // Lifts the caller's block (idempotent). Errors: INVALID_ARGUMENT for an
  // empty id.
  absl::Status Unblock(const Principal& caller, const std::string& user_id);
  // The caller's blocks, newest first.
  absl::StatusOr<std::vector<gigwire::Block>> ListBlocked(const Principal& caller);

 private:
  Store& store_;
  const Clock& clock_;
  const Outbox& outbox_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_CONVERSATIONS_H_
