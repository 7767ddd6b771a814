// Messaging; see conversations.h.
#include "server/domain/conversations.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/audit.h"
#include "server/domain/bookings.h"
#include "server/domain/conversation_reads.h"
#include "server/domain/conversation_rules.h"
#include "server/domain/jobs.h"
#include "server/domain/pagination.h"

namespace gigwire {
namespace {

// The conversation `id` if `caller` may see it, display fields filled.
absl::StatusOr<Conversation> LoadVisibleConversation(Tx& tx, const Principal& caller,
                                                     const std::string& id) {
  if (!HasIdShape(id, "cnv")) {
    return id.empty() ? InvalidField("conversation_id", "is required")
                      : NotFound(absl::StrCat("conversation ", id));
  }
  GW_ASSIGN_OR_RETURN(Conversation conversation, LoadConversation(tx, id));
  if (RoleIn(caller, conversation) == ConversationRole::kStranger) {
    return NotFound(absl::StrCat("conversation ", id));
  }
  return conversation;
}

// The conversation as `viewer` gets it from a call.
absl::StatusOr<Conversation> LoadForViewer(Tx& tx, const Principal& viewer,
                                           const std::string& id) {
  GW_ASSIGN_OR_RETURN(Conversation conversation, LoadVisibleConversation(tx, viewer, id));
  GW_RETURN_IF_ERROR(FillForViewer(tx, viewer, conversation));
  return conversation;
}

// The message `id` of `conversation`; INVALID_ARGUMENT naming `field` when
// there is no such message in it (whether or not it exists elsewhere).
absl::StatusOr<Message> MessageOf(Tx& tx, const Conversation& conversation,
                                  const std::string& id, absl::string_view field) {
  absl::StatusOr<Message> message = HasIdShape(id, "msg")
                                        ? tx.messages().FindById(id)
                                        : absl::StatusOr<Message>(NotFound("message"));
  if (absl::IsNotFound(message.status()) ||
      (message.ok() && message->conversation_id != conversation.id)) {
    return InvalidField(field, "is not a message of this conversation");
  }
  return message;
}

// Who the conversation of a target is between, and whether anything links
// the two (see conversations.h).
struct Pair {
  std::string job_id;      // set for a job's conversation
  std::string booking_id;  // set for a gig order's
  std::string buyer_id;
  std::string seller_id;
  bool connected = false;
};

// Whether the job links its buyer to `seller_id`: an offer or proposal of
// the seller on it (any state), its booking with the seller, or (when the
// buyer asks) the seller's invitation to bid.
absl::StatusOr<bool> JobLinks(Tx& tx, const Job& job, const std::string& seller_id,
                              bool buyer_asks) {
  GW_ASSIGN_OR_RETURN(bool linked, tx.offers().SellerHasOffer(job.id, seller_id));
  if (linked) return true;
  ProposalQuery bids{job.id, seller_id, {}, ProposalQuery::Order::kNewest, 0, 1};
  GW_ASSIGN_OR_RETURN(const int proposals, tx.proposals().Count(bids));
  if (proposals > 0) return true;
  if (!job.booking_id.empty()) {
    GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(job.booking_id));
    if (booking.seller_id == seller_id) return true;
  }
  if (!buyer_asks) return false;
  return tx.bid_invitations().Exists(job.id, seller_id);
}

absl::StatusOr<Pair> PairOfJob(Tx& tx, const Principal& caller, const ConversationTarget& t) {
  GW_ASSIGN_OR_RETURN(Job job, LoadVisibleJob(tx, caller, t.job_id));
  Pair pair{job.id, "", job.buyer_id, "", false};
  if (caller.user_id == job.buyer_id) {
    if (t.seller_id.empty()) return InvalidField("seller_id", "is required: name the seller");
    if (t.seller_id == caller.user_id) return InvalidField("seller_id", "must not be you");
    pair.seller_id = t.seller_id;
    GW_ASSIGN_OR_RETURN(pair.connected, JobLinks(tx, job, pair.seller_id, /*buyer_asks=*/true));
    return pair;
  }
  if (!t.seller_id.empty() && t.seller_id != caller.user_id) {
    return NotConnected("only the job's buyer names the seller to talk to");
  }
  pair.seller_id = caller.user_id;
  GW_ASSIGN_OR_RETURN(pair.connected, JobLinks(tx, job, pair.seller_id, /*buyer_asks=*/false));
  return pair;
}

absl::StatusOr<Pair> PairOfBooking(Tx& tx, const Principal& caller,
                                   const ConversationTarget& t) {
  absl::StatusOr<Booking> booking = LoadVisibleBooking(tx, caller, t.booking_id);
  if (!booking.ok() && booking.status().code() == absl::StatusCode::kInvalidArgument) {
    return InvalidField("booking_id", "is required");
  }
  GW_RETURN_IF_ERROR(booking.status());
  if (!t.seller_id.empty() && t.seller_id != booking->seller_id) {
    return InvalidField("seller_id", "is not the booking's seller (leave it empty)");
  }
  const bool party =
      caller.user_id == booking->buyer_id || caller.user_id == booking->seller_id;
  if (!party) return NotConnected("only the booking's buyer and seller talk about it");
  Pair pair{booking->job_id, "", booking->buyer_id, booking->seller_id, true};
  if (pair.job_id.empty()) pair.booking_id = booking->id;  // a gig order's
  return pair;
}

absl::Status CheckTarget(const ConversationTarget& target) {
  if (target.job_id.empty() == target.booking_id.empty()) {
    return InvalidFields({{"job_id", "give exactly one of job_id and booking_id"},
                          {"booking_id", "give exactly one of job_id and booking_id"}});
  }
  return absl::OkStatus();
}

// A new conversation between the pair, stored with its booking.
absl::StatusOr<Conversation> StartConversation(Tx& tx, const Pair& pair, absl::Time now) {
  GW_ASSIGN_OR_RETURN(const bool blocked,
                      tx.blocks().IsBlockedEitherWay(pair.buyer_id, pair.seller_id));
  if (blocked) return UserBlocked("one of you blocked the other");
  Conversation c;
  c.id = NewId("cnv");
  c.job_id = pair.job_id;
  c.booking_id = pair.booking_id;
  c.buyer_id = pair.buyer_id;
  c.seller_id = pair.seller_id;
  c.last_activity_time = c.create_time = c.update_time = now;
  GW_ASSIGN_OR_RETURN(c.booking_id, CurrentBookingId(tx, c));
  GW_RETURN_IF_ERROR(tx.conversations().Insert(c));
  return c;
}

// The files of a new message: each one the sender's (NOT_FOUND otherwise,
// as for a file that does not exist) and not attached yet (INVALID_STATE).
absl::Status CheckAttachable(Tx& tx, const Principal& sender,
                             const std::vector<std::string>& file_ids) {
  for (const std::string& id : file_ids) {
    absl::StatusOr<StoredFile> file = HasIdShape(id, "fil")
                                          ? tx.files().FindById(id)
                                          : absl::StatusOr<StoredFile>(NotFound("file"));
    if (absl::IsNotFound(file.status()) || (file.ok() && file->owner_id != sender.user_id)) {
      return NotFound(absl::StrCat("file ", id));
    }
    GW_RETURN_IF_ERROR(file.status());
    if (file->attached_kind != AttachmentKind::kNone) {
      return InvalidState(absl::StrCat("file ", id, " is already attached"),
                          AttachmentKindName(file->attached_kind));
    }
  }
  return absl::OkStatus();
}

// One page of `conversation`'s messages (see MessagePageRequest), without
// attachments; reads one more than `limit` to tell whether more follow.
absl::StatusOr<MessagePage> ReadMessagePage(Tx& tx, const Conversation& conversation,
                                            const MessagePageRequest& request, int limit) {
  MessageQuery query;
  query.conversation_id = conversation.id;
  query.limit = limit + 1;
  query.before_seq = MessageQuery::kLatest;
  const bool after = !request.after_message_id.empty();
  const std::string& anchor_id = after ? request.after_message_id : request.before_message_id;
  const char* field = after ? "after_message_id" : "before_message_id";
  if (!anchor_id.empty()) {
    GW_ASSIGN_OR_RETURN(Message anchor, MessageOf(tx, conversation, anchor_id, field));
    query.before_seq = after ? 0 : anchor.seq;
    query.after_seq = after ? anchor.seq : 0;
  }
  MessagePage page;
  GW_ASSIGN_OR_RETURN(page.messages, tx.messages().List(query));
  const bool more = page.messages.size() > static_cast<size_t>(limit);
  if (after) {
    if (more) page.messages.pop_back();
    page.has_newer = more;
    page.has_older = true;  // the anchor itself
  } else {
    if (more) page.messages.erase(page.messages.begin());
    page.has_older = more;
    page.has_newer = !anchor_id.empty();  // the anchor itself
  }
  return page;
}

std::string ConversationIdOf(const Conversation& c) { return c.id; }
std::string MessageIdOf(const Message& m) { return m.id; }

}  // namespace

absl::StatusOr<Conversation> Conversations::Open(const Principal& caller,
                                                 const ConversationTarget& target,
                                                 const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckTarget(target));
  const absl::Time now = clock_.Now();
  auto load = [&](Tx& tx, const std::string& id) { return LoadForViewer(tx, caller, id); };
  return IdempotentWrite<Conversation>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Conversation> {
        GW_ASSIGN_OR_RETURN(Pair pair, target.job_id.empty() ? PairOfBooking(tx, caller, target)
                                                             : PairOfJob(tx, caller, target));
        absl::StatusOr<Conversation> existing = tx.conversations().FindFor(
            pair.job_id, pair.booking_id, pair.buyer_id, pair.seller_id);
        if (existing.ok()) {
          GW_RETURN_IF_ERROR(RememberBooking(tx, *existing, now));
          return load(tx, existing->id);
        }
        if (!absl::IsNotFound(existing.status())) return existing.status();
        if (!pair.connected) return NotConnected("nothing links you to the other party yet");
        GW_ASSIGN_OR_RETURN(Conversation started, StartConversation(tx, pair, now));
        GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kConversationStarted, caller.user_id,
                                          now, started));
        return load(tx, started.id);
      },
      load, ConversationIdOf);
}

absl::StatusOr<Conversation> Conversations::Get(const Principal& caller, const std::string& id) {
  Conversation conversation;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(conversation, LoadForViewer(tx, caller, id));
    return absl::OkStatus();
  }));
  return conversation;
}

absl::StatusOr<ConversationPage> Conversations::List(const Principal& caller,
                                                     const std::string& user_id, int page_size,
                                                     absl::string_view page_token) {
  if (!user_id.empty() && user_id != caller.user_id) {
    GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  }
  GW_ASSIGN_OR_RETURN(const int limit,
                      ResolveBoundedPageSize(page_size, kDefaultConversationPageSize,
                                             kMaxConversationPageSize));
  ConversationQuery query;
  query.user_id = user_id.empty() ? caller.user_id : user_id;
  query.limit = limit + 1;
  const std::string fingerprint = absl::StrCat("conversations:", query.user_id);
  GW_ASSIGN_OR_RETURN(query.after, DecodePageToken(page_token, fingerprint));
  ConversationPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.conversations, tx.conversations().ListForUser(query));
    if (page.conversations.size() > static_cast<size_t>(limit)) {
      page.conversations.resize(limit);
      const Conversation& last = page.conversations.back();
      page.next_page_token = EncodePageToken(fingerprint, {last.last_activity_time, last.id});
    }
    for (Conversation& c : page.conversations) {
      GW_RETURN_IF_ERROR(FillConversationDisplay(tx, c));
      GW_RETURN_IF_ERROR(FillForViewer(tx, caller, c));
    }
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<Message> Conversations::Send(const Principal& caller, const NewMessage& in,
                                            const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckNewMessage(in.text, in.attachment_ids));
  const absl::Time now = clock_.Now();
  auto load = [&](Tx& tx, const std::string& id) -> absl::StatusOr<Message> {
    GW_ASSIGN_OR_RETURN(Message message, LoadMessage(tx, id));
    return MessageForViewer(caller, std::move(message));
  };
  return IdempotentWrite<Message>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Message> {
        GW_ASSIGN_OR_RETURN(Conversation conversation,
                            LoadVisibleConversation(tx, caller, in.conversation_id));
        GW_RETURN_IF_ERROR(CheckMayWrite(caller, conversation));
        GW_RETURN_IF_ERROR(CheckAttachable(tx, caller, in.attachment_ids));
        Message message;
        message.id = NewId("msg");
        message.conversation_id = conversation.id;
        message.sender_id = caller.user_id;
        message.text = in.text;
        message.attachment_ids = in.attachment_ids;
        message.create_time = now;
        GW_RETURN_IF_ERROR(tx.messages().Append(message).status());
        GW_RETURN_IF_ERROR(RememberBooking(tx, conversation, now));
        GW_RETURN_IF_ERROR(
            outbox_.Record(tx, EventType::kMessageSent, caller.user_id, now, message));
        return load(tx, message.id);
      },
      load, MessageIdOf);
}

absl::StatusOr<MessagePage> Conversations::ListMessages(const Principal& caller,
                                                        const MessagePageRequest& request) {
  if (!request.before_message_id.empty() && !request.after_message_id.empty()) {
    return InvalidFields(
        {{"before_message_id", "give at most one of before_message_id and after_message_id"},
         {"after_message_id", "give at most one of before_message_id and after_message_id"}});
  }
  GW_ASSIGN_OR_RETURN(const int limit,
                      ResolveBoundedPageSize(request.page_size, kDefaultMessagePageSize,
                                             kMaxMessagePageSize));
  MessagePage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Conversation conversation,
                        LoadVisibleConversation(tx, caller, request.conversation_id));
    GW_ASSIGN_OR_RETURN(page, ReadMessagePage(tx, conversation, request, limit));
    for (Message& message : page.messages) {
      GW_RETURN_IF_ERROR(FillAttachments(tx, message));
      message = MessageForViewer(caller, std::move(message));
    }
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<ReadMark> Conversations::MarkRead(const Principal& caller,
                                                 const std::string& conversation_id,
                                                 const std::string& message_id) {
  const absl::Time now = clock_.Now();
  ReadMark result;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Conversation conversation,
                        LoadVisibleConversation(tx, caller, conversation_id));
    if (!IsParticipant(RoleIn(caller, conversation))) {
      return NotOwner("only the buyer and the seller keep read marks");
    }
    ReadMark mark{conversation.id, caller.user_id, conversation.last_message_seq, now};
    if (!message_id.empty()) {
      GW_ASSIGN_OR_RETURN(Message message, MessageOf(tx, conversation, message_id, "message_id"));
      mark.last_read_seq = message.seq;
    }
    GW_ASSIGN_OR_RETURN(ReadMark before, tx.messages().GetReadMark(conversation.id, caller.user_id));
    GW_ASSIGN_OR_RETURN(result, tx.messages().SetReadMark(mark));
    if (result.last_read_seq <= before.last_read_seq) return absl::OkStatus();
    return outbox_.Record(tx, EventType::kMessagesRead, caller.user_id, now, result);
  }));
  return result;
}

absl::StatusOr<Message> Conversations::Hide(const Principal& caller, const std::string& message_id,
                                            const std::string& reason, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  GW_RETURN_IF_ERROR(CheckHideReason(reason));
  const absl::Time now = clock_.Now();
  return IdempotentWrite<Message>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Message> {
        if (!HasIdShape(message_id, "msg")) {
          return message_id.empty() ? InvalidField("id", "is required")
                                    : NotFound(absl::StrCat("message ", message_id));
        }
        GW_ASSIGN_OR_RETURN(Message message, tx.messages().FindById(message_id));
        if (message.hidden) return InvalidState("the message is already hidden", "HIDDEN");
        GW_RETURN_IF_ERROR(tx.messages().Hide(message.id, caller.user_id, reason, now));
        GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, "HideMessage", message.id, reason, now));
        GW_RETURN_IF_ERROR(outbox_.RedactMessageEvents(tx, message).status());
        GW_RETURN_IF_ERROR(
            outbox_.Record(tx, EventType::kMessageHidden, caller.user_id, now, message));
        return LoadMessage(tx, message.id);
      },
      LoadMessage, MessageIdOf);
}

absl::StatusOr<Conversation> Conversations::Join(const Principal& caller, const std::string& id) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  const absl::Time now = clock_.Now();
  Conversation result;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Conversation conversation, LoadVisibleConversation(tx, caller, id));
    if (RoleIn(caller, conversation) == ConversationRole::kAdmin) {
      GW_RETURN_IF_ERROR(tx.conversations().AddAdmin(conversation.id, caller.user_id, now));
      GW_RETURN_IF_ERROR(
          RecordAdminAction(tx, caller, "JoinConversation", conversation.id, "", now));
      GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kConversationJoined, caller.user_id, now,
                                        conversation));
    }
    GW_ASSIGN_OR_RETURN(result, LoadForViewer(tx, caller, conversation.id));
    return absl::OkStatus();
  }));
  return result;
}

absl::Status Conversations::Block(const Principal& caller, const std::string& user_id) {
  if (user_id.empty()) return InvalidField("user_id", "is required");
  if (user_id == caller.user_id) return InvalidField("user_id", "must not be you");
  const absl::Time now = clock_.Now();
  return store_.Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.users().FindById(user_id).status());
    return tx.blocks().Block(caller.user_id, user_id, now);
  });
}

absl::Status Conversations::Unblock(const Principal& caller, const std::string& user_id) {
  if (user_id.empty()) return InvalidField("user_id", "is required");
  return store_.Write(
      [&](Tx& tx) -> absl::Status { return tx.blocks().Unblock(caller.user_id, user_id); });
}

absl::StatusOr<std::vector<gigwire::Block>> Conversations::ListBlocked(const Principal& caller) {
  std::vector<gigwire::Block> blocks;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(blocks, tx.blocks().ListByBlocker(caller.user_id));
    return absl::OkStatus();
  }));
  return blocks;
}

}  // namespace gigwire
