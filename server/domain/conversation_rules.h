// The pure rules of messaging (issue 16): who may read, write, join and
// hide in a conversation, what a viewer sees of a hidden message, and the
// limits of a message. No store, no clock: Conversations (conversations.h)
// and the event renderer (server/api/event_convert.cc) apply them to what
// they read.
//
// Roles: the buyer and the seller are the conversation's participants (they
// never change); an admin sees every conversation and writes in one only
// after joining it (visibly, in admin_ids). When one participant blocked the
// other nobody writes, joined admins included; reading stays possible.
//
// Thread safety: pure functions.
#ifndef GIGWIRE_SERVER_DOMAIN_CONVERSATION_RULES_H_
#define GIGWIRE_SERVER_DOMAIN_CONVERSATION_RULES_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/authenticator.h"
#include "server/model/conversation.h"

namespace gigwire {

inline constexpr size_t kMaxMessageChars = 10'000;  // Unicode code points
inline constexpr size_t kMaxMessageAttachments = 10;
inline constexpr size_t kMaxHideReasonChars = 500;
inline constexpr int kDefaultConversationPageSize = 50;
inline constexpr int kMaxConversationPageSize = 100;
inline constexpr int kDefaultMessagePageSize = 50;
inline constexpr int kMaxMessagePageSize = 200;

// How a principal stands in a conversation.
enum class ConversationRole {
  kStranger,     // may not see it (NOT_FOUND)
  kBuyer,        // a participant
  kSeller,       // a participant
  kAdmin,        // sees it; writes only after joining
  kJoinedAdmin,  // an admin in admin_ids
};

ConversationRole RoleIn(const Principal& viewer, const Conversation& conversation);
inline bool IsParticipant(ConversationRole role) {
  return role == ConversationRole::kBuyer || role == ConversationRole::kSeller;
}
inline bool IsAdminRole(ConversationRole role) {
  return role == ConversationRole::kAdmin || role == ConversationRole::kJoinedAdmin;
}

// OK for a participant or a joined admin while nobody is blocked.
// PERMISSION_DENIED: USER_BLOCKED when `conversation.blocked`;
// NOT_RESOURCE_OWNER for an admin who did not join. NOT_FOUND for a
// stranger.
absl::Status CheckMayWrite(const Principal& writer, const Conversation& conversation);

// What `viewer` may do now: "send" (a participant or a joined admin, nobody
// blocked), "mark_read" (a participant), "join" (an admin who has not
// joined), "hide" (an admin: hide its messages). Reads
// `conversation.blocked` and `admin_ids`.
std::vector<std::string> ConversationActions(const Principal& viewer,
                                             const Conversation& conversation);

// The message without what hiding withholds: text, attachments (ids and
// files), hidden_reason and hidden_by (hidden and hide_time stay). A
// message that is not hidden is returned as it is. Events always carry this
// form, whoever receives them.
Message Redacted(Message message);

// The message as `viewer` sees it in reads: everything for an admin,
// Redacted for anyone else.
Message MessageForViewer(const Principal& viewer, Message message);

// A new message's text and attachments: INVALID_ARGUMENT (INVALID_FIELDS)
// for text over 10,000 code points, invalid UTF-8 or control characters
// (newline, carriage return and tab are fine), neither non-blank text nor
// an attachment, more than 10 attachments, or an attachment named twice.
absl::Status CheckNewMessage(absl::string_view text,
                             const std::vector<std::string>& attachment_ids);

// INVALID_ARGUMENT (INVALID_FIELDS, field "reason") unless 1..500 characters.
absl::Status CheckHideReason(absl::string_view reason);

// A page size of `requested` (0: `default_size`; above `max_size`:
// `max_size`). INVALID_ARGUMENT (field page_size) when negative.
absl::StatusOr<int> ResolveBoundedPageSize(int requested, int default_size, int max_size);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_CONVERSATION_RULES_H_
