// Messaging conversions; see conversation_convert.h.
#include "server/api/conversation_convert.h"

#include "server/api/convert.h"
#include "server/api/file_convert.h"
#include "server/domain/conversation_rules.h"

namespace gigwire {

void ToProto(const Conversation& c, const Principal* viewer, v1::Conversation* out) {
  out->set_id(c.id);
  out->set_job_id(c.job_id);
  out->set_booking_id(c.booking_id);
  out->set_title(c.title);
  out->set_buyer_id(c.buyer_id);
  out->set_seller_id(c.seller_id);
  for (const std::string& admin_id : c.admin_ids) out->add_admin_ids(admin_id);
  if (c.last_message.has_value()) ToProto(*c.last_message, out->mutable_last_message());
  out->set_unread_count(c.unread_count);
  out->set_buyer_last_read_seq(c.buyer_last_read_seq);
  out->set_seller_last_read_seq(c.seller_last_read_seq);
  out->set_blocked(c.blocked);
  if (viewer != nullptr) {
    for (const std::string& action : ConversationActions(*viewer, c)) {
      out->add_allowed_actions(action);
    }
  }
  ToProto(c.create_time, out->mutable_create_time());
  ToProto(c.last_activity_time, out->mutable_last_activity_time());
}

void ToProto(const Message& m, v1::Message* out) {
  out->set_id(m.id);
  out->set_conversation_id(m.conversation_id);
  out->set_seq(m.seq);
  out->set_sender_id(m.sender_id);
  out->set_text(m.text);
  for (const StoredFile& file : m.attachments) ToProto(file, out->add_attachments());
  out->set_hidden(m.hidden);
  out->set_hidden_reason(m.hidden_reason);
  out->set_hidden_by(m.hidden_by);
  ToProto(m.create_time, out->mutable_create_time());
  if (m.hide_time) ToProto(*m.hide_time, out->mutable_hide_time());
}

void ToProto(const ReadMark& mark, v1::ReadReceipt* out) {
  out->set_conversation_id(mark.conversation_id);
  out->set_user_id(mark.user_id);
  out->set_last_read_seq(mark.last_read_seq);
  if (mark.update_time != absl::Time()) ToProto(mark.update_time, out->mutable_update_time());
}

void ToProto(const Block& block, v1::BlockedUser* out) {
  out->set_user_id(block.blocked_id);
  ToProto(block.create_time, out->mutable_create_time());
}

Conversation ConversationRuleFields(const v1::Conversation& in) {
  Conversation c;
  c.id = in.id();
  c.buyer_id = in.buyer_id();
  c.seller_id = in.seller_id();
  c.admin_ids.assign(in.admin_ids().begin(), in.admin_ids().end());
  c.blocked = in.blocked();
  return c;
}

}  // namespace gigwire
