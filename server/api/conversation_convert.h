// Conversions between the messaging types (issue 16: conversations, their
// messages, read receipts, blocks) and their gigwire.v1 messages. What a
// viewer may see of a hidden message is decided by the domain before
// conversion (conversation_rules.h: MessageForViewer, Redacted); these only
// copy fields. Stateless, thread-safe.
#ifndef GIGWIRE_SERVER_API_CONVERSATION_CONVERT_H_
#define GIGWIRE_SERVER_API_CONVERSATION_CONVERT_H_

#include "gigwire/v1/conversation.pb.h"
#include "server/auth/authenticator.h"
#include "server/model/conversation.h"

namespace gigwire {

// allowed_actions for `viewer` (nullptr: none, as events carry it, the
// stream adds them per receiver). last_message and unread_count as the
// domain filled them.
void ToProto(const Conversation& conversation, const Principal* viewer, v1::Conversation* out);
// Attachments from `message.attachments` (file metadata), in order.
void ToProto(const Message& message, v1::Message* out);
void ToProto(const ReadMark& mark, v1::ReadReceipt* out);
void ToProto(const Block& block, v1::BlockedUser* out);

// The fields of an event's conversation that ConversationActions reads
// (participants, admins who joined, blocked).
Conversation ConversationRuleFields(const v1::Conversation& in);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_CONVERSATION_CONVERT_H_
