// Messaging rules; see conversation_rules.h.
#include "server/domain/conversation_rules.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/domain/validation.h"

namespace gigwire {
namespace {

bool HasJoined(const Principal& viewer, const Conversation& conversation) {
  const std::vector<std::string>& admins = conversation.admin_ids;
  return std::find(admins.begin(), admins.end(), viewer.user_id) != admins.end();
}

// Control characters other than the line breaks and tabs of ordinary text.
bool HasMessageControlChars(absl::string_view text) {
  for (unsigned char c : text) {
    if (c == '\n' || c == '\r' || c == '\t') continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

void CheckMessageText(absl::string_view text, Violations& v) {
  const long length = Utf8Length(text);
  if (length < 0) return v.Add("text", "must be valid UTF-8");
  if (static_cast<size_t>(length) > kMaxMessageChars) {
    return v.Add("text", absl::StrCat("must be at most ", kMaxMessageChars,
                                      " characters (it has ", length, ")"));
  }
  if (HasMessageControlChars(text)) v.Add("text", "must not contain control characters");
}

void CheckAttachmentIds(const std::vector<std::string>& ids, Violations& v) {
  if (ids.size() > kMaxMessageAttachments) {
    return v.Add("attachment_ids",
                 absl::StrCat("must name at most ", kMaxMessageAttachments, " files"));
  }
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < ids.size(); ++i) {
    const std::string field = absl::StrCat("attachment_ids[", i, "]");
    if (ids[i].empty()) {
      v.Add(field, "is empty");
    } else if (!seen.insert(ids[i]).second) {
      v.Add(field, "names a file already attached to this message");
    }
  }
}

}  // namespace

ConversationRole RoleIn(const Principal& viewer, const Conversation& conversation) {
  if (!viewer.user_id.empty() && viewer.user_id == conversation.buyer_id) {
    return ConversationRole::kBuyer;
  }
  if (!viewer.user_id.empty() && viewer.user_id == conversation.seller_id) {
    return ConversationRole::kSeller;
  }
  if (!viewer.Has(Role::kAdmin)) return ConversationRole::kStranger;
  return HasJoined(viewer, conversation) ? ConversationRole::kJoinedAdmin
                                         : ConversationRole::kAdmin;
}

absl::Status CheckMayWrite(const Principal& writer, const Conversation& conversation) {
  const ConversationRole role = RoleIn(writer, conversation);
  if (role == ConversationRole::kStranger) {
    return NotFound(absl::StrCat("conversation ", conversation.id));
  }
  if (role == ConversationRole::kAdmin) {
    return NotOwner("join the conversation (JoinConversation) before writing in it");
  }
  if (conversation.blocked) {
    return UserBlocked("one of the participants blocked the other: nobody writes here");
  }
  return absl::OkStatus();
}

std::vector<std::string> ConversationActions(const Principal& viewer,
                                             const Conversation& conversation) {
  const ConversationRole role = RoleIn(viewer, conversation);
  std::vector<std::string> actions;
  const bool writer = IsParticipant(role) || role == ConversationRole::kJoinedAdmin;
  if (writer && !conversation.blocked) actions.push_back("send");
  if (IsParticipant(role)) actions.push_back("mark_read");
  if (role == ConversationRole::kAdmin) actions.push_back("join");
  if (IsAdminRole(role)) actions.push_back("hide");
  return actions;
}

Message Redacted(Message message) {
  if (!message.hidden) return message;
  message.text.clear();
  message.attachment_ids.clear();
  message.attachments.clear();
  message.hidden_reason.clear();
  message.hidden_by.clear();
  return message;
}

Message MessageForViewer(const Principal& viewer, Message message) {
  if (viewer.Has(Role::kAdmin)) return message;
  return Redacted(std::move(message));
}

absl::Status CheckNewMessage(absl::string_view text,
                             const std::vector<std::string>& attachment_ids) {
  Violations v;
  CheckMessageText(text, v);
  CheckAttachmentIds(attachment_ids, v);
  if (attachment_ids.empty() && absl::StripAsciiWhitespace(text).empty()) {
    v.Add("text", "is required without attachments (a message has text, files or both)");
  }
  return v.ToStatus();
}

absl::Status CheckHideReason(absl::string_view reason) {
  Violations v;
  CheckText("reason", reason, 1, kMaxHideReasonChars, /*multiline=*/true, v);
  return v.ToStatus();
}

absl::StatusOr<int> ResolveBoundedPageSize(int requested, int default_size, int max_size) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return default_size;
  return std::min(requested, max_size);
}

}  // namespace gigwire
