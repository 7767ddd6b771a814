// Reading conversations for display; see conversation_reads.h.
#include "server/domain/conversation_reads.h"

#include <optional>
#include <utility>
#include <vector>

#include "server/common/status.h"
#include "server/domain/conversation_rules.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

// The job's title, or (a gig order) the booking's, which is the gig's title
// when it was ordered; empty when neither is found.
absl::StatusOr<std::string> TitleOf(Tx& tx, const Conversation& conversation) {
  if (!conversation.job_id.empty()) {
    absl::StatusOr<Job> job = tx.jobs().FindById(conversation.job_id);
    if (job.ok()) return job->title;
    if (!absl::IsNotFound(job.status())) return job.status();
  }
  if (!conversation.booking_id.empty()) {
    absl::StatusOr<Booking> booking = tx.bookings().FindById(conversation.booking_id);
    if (booking.ok()) return booking->job_title;
    if (!absl::IsNotFound(booking.status())) return booking.status();
  }
  return std::string();
}

// The newest message of the conversation, with its attachments; nullopt
// when it has none.
absl::StatusOr<std::optional<Message>> LastMessage(Tx& tx, const Conversation& conversation) {
  if (conversation.last_message_seq == 0) return std::nullopt;
  MessageQuery query;
  query.conversation_id = conversation.id;
  query.before_seq = MessageQuery::kLatest;
  query.limit = 1;
  GW_ASSIGN_OR_RETURN(std::vector<Message> newest, tx.messages().List(query));
  if (newest.empty()) return std::nullopt;
  GW_RETURN_IF_ERROR(FillAttachments(tx, newest.front()));
  return std::move(newest.front());
}

}  // namespace

absl::StatusOr<std::string> CurrentBookingId(Tx& tx, const Conversation& conversation) {
  if (conversation.job_id.empty()) return conversation.booking_id;  // a gig order's
  GW_ASSIGN_OR_RETURN(Job job, tx.jobs().FindById(conversation.job_id));
  if (job.booking_id.empty()) return conversation.booking_id;
  GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(job.booking_id));
  if (booking.seller_id == conversation.seller_id && booking.buyer_id == conversation.buyer_id) {
    return booking.id;
  }
  return conversation.booking_id;
}

absl::Status FillConversationDisplay(Tx& tx, Conversation& conversation) {
  GW_ASSIGN_OR_RETURN(conversation.title, TitleOf(tx, conversation));
  GW_ASSIGN_OR_RETURN(conversation.booking_id, CurrentBookingId(tx, conversation));
  GW_ASSIGN_OR_RETURN(conversation.blocked,
                      tx.blocks().IsBlockedEitherWay(conversation.buyer_id,
                                                     conversation.seller_id));
  GW_ASSIGN_OR_RETURN(ReadMark buyer,
                      tx.messages().GetReadMark(conversation.id, conversation.buyer_id));
  GW_ASSIGN_OR_RETURN(ReadMark seller,
                      tx.messages().GetReadMark(conversation.id, conversation.seller_id));
  conversation.buyer_last_read_seq = buyer.last_read_seq;
  conversation.seller_last_read_seq = seller.last_read_seq;
  return absl::OkStatus();
}

absl::Status FillForViewer(Tx& tx, const Principal& viewer, Conversation& conversation) {
  GW_ASSIGN_OR_RETURN(std::optional<Message> last, LastMessage(tx, conversation));
  conversation.last_message.reset();
  if (last.has_value()) conversation.last_message = MessageForViewer(viewer, *std::move(last));
  conversation.unread_count = 0;
  if (IsParticipant(RoleIn(viewer, conversation))) {
    GW_ASSIGN_OR_RETURN(conversation.unread_count,
                        tx.messages().UnreadCount(conversation.id, viewer.user_id));
  }
  return absl::OkStatus();
}

absl::StatusOr<Conversation> LoadConversation(Tx& tx, const std::string& id) {
  GW_ASSIGN_OR_RETURN(Conversation conversation, tx.conversations().FindById(id));
  GW_RETURN_IF_ERROR(FillConversationDisplay(tx, conversation));
  return conversation;
}

absl::Status FillAttachments(Tx& tx, Message& message) {
  message.attachments.clear();
  if (message.attachment_ids.empty()) return absl::OkStatus();
  GW_ASSIGN_OR_RETURN(message.attachments,
                      tx.files().ListAttached(AttachmentKind::kMessage, message.id));
  return absl::OkStatus();
}

absl::StatusOr<Message> LoadMessage(Tx& tx, const std::string& id) {
  GW_ASSIGN_OR_RETURN(Message message, tx.messages().FindById(id));
  GW_RETURN_IF_ERROR(FillAttachments(tx, message));
  return message;
}

absl::Status RememberBooking(Tx& tx, Conversation& conversation, absl::Time now) {
  GW_ASSIGN_OR_RETURN(Conversation stored, tx.conversations().FindById(conversation.id));
  GW_ASSIGN_OR_RETURN(std::string current, CurrentBookingId(tx, stored));
  if (current.empty() || current == stored.booking_id) return absl::OkStatus();
  stored.booking_id = current;
  GW_RETURN_IF_ERROR(SaveNextVersion(tx.conversations(), stored, now));
  conversation.booking_id = current;
  conversation.version = stored.version;
  conversation.update_time = stored.update_time;
  return absl::OkStatus();
}

}  // namespace gigwire
