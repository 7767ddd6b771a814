// Reading conversations and messages for display, inside a transaction:
// the read-only fields of server/model/conversation.h that the store does
// not keep. Shared by Conversations (conversations.h) and the outbox, whose
// events carry a conversation or message exactly as these read it.
//
// A conversation's `booking_id` is decided when it is read: the job's
// current booking when that booking is with the conversation's seller, else
// the booking the conversation remembers (a gig order's own booking, or one
// recorded by Conversations::Open or Send while it was the job's; see
// RememberBooking). So it appears as soon as the two have a booking, with no
// write at booking time.
//
// Errors: the store's. Thread safety: as the Tx (the calling thread's).
#ifndef GIGWIRE_SERVER_DOMAIN_CONVERSATION_READS_H_
#define GIGWIRE_SERVER_DOMAIN_CONVERSATION_READS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/auth/authenticator.h"
#include "server/model/conversation.h"
#include "server/store/store.h"

namespace gigwire {

// The booking the conversation is about now (see the file comment); empty
// when none.
absl::StatusOr<std::string> CurrentBookingId(Tx& tx, const Conversation& conversation);

// Fills what every viewer sees alike: booking_id, title, blocked and the
// participants' read marks. Leaves last_message and unread_count alone.
absl::Status FillConversationDisplay(Tx& tx, Conversation& conversation);

// Fills what depends on `viewer`: the last message (as MessageForViewer
// shows it) and the viewer's unread count (0 for anyone but a participant:
// only they keep read marks).
absl::Status FillForViewer(Tx& tx, const Principal& viewer, Conversation& conversation);

// The conversation with FillConversationDisplay applied. NOT_FOUND when
// there is none.
absl::StatusOr<Conversation> LoadConversation(Tx& tx, const std::string& id);

// Fills `message.attachments` from its attachment_ids (the files attached
// to it, in order).
absl::Status FillAttachments(Tx& tx, Message& message);

// The message with its attachments, as stored (hidden content included).
// NOT_FOUND when there is none.
absl::StatusOr<Message> LoadMessage(Tx& tx, const std::string& id);

// Stores CurrentBookingId as the conversation's booking_id when it differs
// from the stored one (a new version), so the conversation keeps its
// booking after the job is reopened. `conversation` is as LoadConversation
// read it; its version and update_time move when it is saved.
absl::Status RememberBooking(Tx& tx, Conversation& conversation, absl::Time now);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_CONVERSATION_READS_H_
