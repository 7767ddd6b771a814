// Messaging rules (conversations.h) on the real SQLite store and a FakeClock:
// who may open a conversation, blocks both ways, message limits, idempotent
// sends, paging both ways, read marks, hiding (with the stored events
// redacted), joining, and coalesced notifications.
#include "server/domain/conversations.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/ids.h"
#include "server/domain/conversation_rules.h"
#include "server/testing/marketplace_fixture.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testutil::HasError;
using testutil::IsInvalidState;
using testutil::KeyOf;
using testutil::NoKey;
using testutil::ValueOrFail;

// Like testutil::TestEventEncoder, plus a message's text, file count and
// hidden flag, so a test can tell what an event (or its replay) reveals.
class MessageEventEncoder final : public EventEncoder {
 public:
  std::string Encode(const DomainEvent& event) const override {
    std::string out = encoder_.Encode(event);
    if (const Message* m = std::get_if<Message>(&event.resource)) {
      absl::StrAppend(&out, " text:", m->text, " files:", m->attachments.size(),
                      " hidden:", m->hidden, " reason:", m->hidden_reason);
    }
    if (const ReadMark* mark = std::get_if<ReadMark>(&event.resource)) {
      absl::StrAppend(&out, " read:", mark->user_id, "@", mark->last_read_seq);
    }
    return out;
  }

 private:
  testutil::TestEventEncoder encoder_;
};

constexpr char kSha[] = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

class ConversationsTest : public testutil::MarketplaceTest {
 protected:
  void SetUp() override {
    MarketplaceTest::SetUp();
    ASSERT_NE(store_, nullptr);
    conversations_ = std::make_unique<Conversations>(*store_, clock_, outbox_m_);
    other_seller_ = NewPrincipal("other-seller", {Role::kSeller});
    other_buyer_ = NewPrincipal("other-buyer", {Role::kBuyer});
    job_ = OpenJob(buyer_);
    offer_id_ = AssignOne(job_.id, seller_);
  }

  // The conversation about job_ between buyer_ and seller_, opened by the buyer.
  Conversation Opened() {
    return ValueOrFail(conversations_->Open(buyer_, ByJob(job_.id, seller_.user_id), NoKey()),
                       "opening the conversation");
  }
  static ConversationTarget ByJob(const std::string& job_id, const std::string& seller_id = "") {
    return ConversationTarget{job_id, "", seller_id};
  }
  static ConversationTarget ByBooking(const std::string& booking_id) {
    return ConversationTarget{"", booking_id, ""};
  }

  absl::StatusOr<Message> Send(const Principal& who, const std::string& conversation_id,
                               const std::string& text,
                               const std::vector<std::string>& files = {},
                               const RequestKey& key = NoKey()) {
    return conversations_->Send(who, NewMessage{conversation_id, text, files}, key);
  }
  Message Sent(const Principal& who, const std::string& conversation_id,
               const std::string& text) {
    return ValueOrFail(Send(who, conversation_id, text), "sending");
  }

  MessagePage Page(const Principal& who, const std::string& conversation_id, int size,
                   const std::string& before = "", const std::string& after = "") {
    return ValueOrFail(conversations_->ListMessages(
                           who, MessagePageRequest{conversation_id, before, after, size}),
                       "listing messages");
  }
  static std::vector<int64_t> Seqs(const MessagePage& page) {
    std::vector<int64_t> seqs;
    for (const Message& m : page.messages) seqs.push_back(m.seq);
    return seqs;
  }

  // An unattached file of `owner`, inserted straight into the store.
  std::string NewFile(const Principal& owner, const std::string& name = "brief.pdf") {
    StoredFile file;
    file.id = NewId("fil");
    file.owner_id = owner.user_id;
    file.sha256_hex = kSha;
    file.size_bytes = 1234;
    file.content_type = "application/pdf";
    file.name = name;
    file.create_time = clock_.Now();
    absl::Status inserted = store_->Write([&](Tx& tx) { return tx.files().Insert(file); });
    if (!inserted.ok()) ADD_FAILURE() << "inserting a file: " << inserted;
    return file.id;
  }

  // The notifications of `user_id` of `type`, oldest first.
  std::vector<Notification> Notified(const std::string& user_id, EventType type) {
    std::vector<Notification> out;
    std::vector<Notification> all = NotificationsOf(user_id);
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->type == type) out.push_back(*it);
    }
    return out;
  }

  MessageEventEncoder encoder_m_;
  Outbox outbox_m_{encoder_m_};
  std::unique_ptr<Conversations> conversations_;
  Principal other_seller_;
  Principal other_buyer_;
  Job job_;
  std::string offer_id_;
};

// ---- who may open ----

TEST_F(ConversationsTest, ABuyerOpensWithASellerWhoHasAnOfferAndTheSellerFindsTheSameOne) {
  const int64_t before = LatestSequence();
  absl::StatusOr<Conversation> opened =
      conversations_->Open(buyer_, ByJob(job_.id, seller_.user_id), NoKey());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_TRUE(HasIdShape(opened->id, "cnv")) << opened->id;
  EXPECT_EQ(opened->job_id, job_.id);
  EXPECT_EQ(opened->buyer_id, buyer_.user_id);
  EXPECT_EQ(opened->seller_id, seller_.user_id);
  EXPECT_EQ(opened->title, job_.title);
  EXPECT_EQ(opened->booking_id, "");
  EXPECT_FALSE(opened->last_message.has_value());
  EXPECT_THAT(ConversationActions(buyer_, *opened), ElementsAre("send", "mark_read"));
  EXPECT_THAT(EventTypesAfter(before), ElementsAre(EventType::kConversationStarted));
  std::vector<Notification> told = Notified(seller_.user_id, EventType::kConversationStarted);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].summary, "New conversation about \"Build a landing page\"");
  EXPECT_THAT(Notified(buyer_.user_id, EventType::kConversationStarted), IsEmpty());

  absl::StatusOr<Conversation> again = conversations_->Open(seller_, ByJob(job_.id), NoKey());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, opened->id);
  absl::StatusOr<Conversation> named =
      conversations_->Open(seller_, ByJob(job_.id, seller_.user_id), NoKey());
  ASSERT_TRUE(named.ok()) << named.status();
  EXPECT_EQ(named->id, opened->id);
  EXPECT_THAT(EventTypesAfter(before), ElementsAre(EventType::kConversationStarted));
}

TEST_F(ConversationsTest, NoColdMessagesOnAnAssignedJob) {
  // The buyer with a seller nothing links to the job.
  EXPECT_TRUE(HasError(
      conversations_->Open(buyer_, ByJob(job_.id, other_seller_.user_id), NoKey()).status(),
      absl::StatusCode::kPermissionDenied, v1::NOT_CONNECTED));
  // A seller without an offer does not even see the job.
  EXPECT_TRUE(HasError(conversations_->Open(other_seller_, ByJob(job_.id), NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(
      conversations_->Open(other_buyer_, ByJob(job_.id, seller_.user_id), NoKey()).status(),
      absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  // An admin sees the job but is no party.
  EXPECT_TRUE(HasError(
      conversations_->Open(admin_, ByJob(job_.id, seller_.user_id), NoKey()).status(),
      absl::StatusCode::kPermissionDenied, v1::NOT_CONNECTED));
  // A seller names nobody but itself.
  EXPECT_TRUE(HasError(
      conversations_->Open(seller_, ByJob(job_.id, other_seller_.user_id), NoKey()).status(),
      absl::StatusCode::kPermissionDenied, v1::NOT_CONNECTED));
  EXPECT_THAT(EventTypesAfter(0), Not(testing::Contains(EventType::kConversationStarted)));
}

TEST_F(ConversationsTest, OnAnOpenProjectABidLinksBothWaysAnInvitationOnlyTheBuyer) {
  const Job project = OpenProject(buyer_);
  const Principal bidder = NewPrincipal("bidder", {Role::kSeller});
  SubmitBid(bidder, project.id);
  const Principal invited = NewPrincipal("invited", {Role::kSeller});
  ASSERT_TRUE(proposals_->Invite(buyer_, project.id, invited.user_id, "", NoKey()).ok());

  EXPECT_TRUE(conversations_->Open(bidder, ByJob(project.id), NoKey()).ok());
  EXPECT_TRUE(conversations_->Open(buyer_, ByJob(project.id, invited.user_id), NoKey()).ok());
  // The project is visible to every seller, so a stranger is told why.
  EXPECT_TRUE(HasError(conversations_->Open(other_seller_, ByJob(project.id), NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_CONNECTED));
  EXPECT_TRUE(HasError(
      conversations_->Open(buyer_, ByJob(project.id, other_seller_.user_id), NoKey()).status(),
      absl::StatusCode::kPermissionDenied, v1::NOT_CONNECTED));
}

TEST_F(ConversationsTest, InvitedSellerCannotStartOneItself) {
  const Job project = OpenProject(buyer_);
  const Principal invited = NewPrincipal("invited", {Role::kSeller});
  ASSERT_TRUE(proposals_->Invite(buyer_, project.id, invited.user_id, "", NoKey()).ok());
  EXPECT_TRUE(HasError(conversations_->Open(invited, ByJob(project.id), NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_CONNECTED));
}

TEST_F(ConversationsTest, BadTargetsAreInvalidArguments) {
  EXPECT_TRUE(HasError(conversations_->Open(buyer_, ConversationTarget{}, NoKey()).status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_TRUE(HasError(
      conversations_->Open(buyer_, ConversationTarget{job_.id, "bkg_1", ""}, NoKey()).status(),
      absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  absl::Status no_seller = conversations_->Open(buyer_, ByJob(job_.id), NoKey()).status();
  EXPECT_TRUE(HasError(no_seller, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(testutil::ViolatedFields(no_seller), ElementsAre("seller_id"));
}

TEST_F(ConversationsTest, AJobsBookingMapsToTheJobsConversationWhichThenShowsIt) {
  const Conversation opened = Opened();
  const Offer accepted = ValueOrFail(offers_->Accept(seller_, offer_id_, NoKey()), "accepting");
  absl::StatusOr<Conversation> by_booking =
      conversations_->Open(seller_, ByBooking(accepted.booking_id), NoKey());
  ASSERT_TRUE(by_booking.ok()) << by_booking.status();
  EXPECT_EQ(by_booking->id, opened.id);
  EXPECT_EQ(by_booking->booking_id, accepted.booking_id);
  EXPECT_EQ(ValueOrFail(conversations_->Get(buyer_, opened.id), "get").booking_id,
            accepted.booking_id);
  EXPECT_TRUE(HasError(
      conversations_->Open(other_buyer_, ByBooking(accepted.booking_id), NoKey()).status(),
      absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(
      conversations_->Open(admin_, ByBooking(accepted.booking_id), NoKey()).status(),
      absl::StatusCode::kPermissionDenied, v1::NOT_CONNECTED));
}

TEST_F(ConversationsTest, AGigOrdersBookingHasItsOwnConversation) {
  Gig gig;
  gig.id = NewId("gig");
  gig.seller_id = seller_.user_id;
  gig.title = "A logo in three days";
  gig.description = "Three concepts.";
  gig.category_id = category_;
  gig.price = {"USD", 30'000};
  gig.state = GigState::kApproved;
  gig.create_time = gig.update_time = clock_.Now();
  ASSERT_TRUE(store_->Write([&](Tx& tx) { return tx.gigs().Insert(gig); }).ok());
  const Booking order =
      ValueOrFail(bookings_->OrderGig(buyer_, gig.id, "Warm colours.", NoKey()), "ordering");
  absl::StatusOr<Conversation> opened =
      conversations_->Open(buyer_, ByBooking(order.id), NoKey());
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(opened->job_id, "");
  EXPECT_EQ(opened->booking_id, order.id);
  EXPECT_EQ(opened->title, "A logo in three days");
  EXPECT_EQ(ValueOrFail(conversations_->Open(seller_, ByBooking(order.id), NoKey()), "again").id,
            opened->id);
  EXPECT_NE(opened->id, Opened().id);  // the job's is another one
}

TEST_F(ConversationsTest, OpenIsIdempotentWithARequestId) {
  const RequestKey key = KeyOf(buyer_, "OpenConversation", "r-1", "fp");
  const Conversation first = ValueOrFail(
      conversations_->Open(buyer_, ByJob(job_.id, seller_.user_id), key), "first open");
  const Conversation second = ValueOrFail(
      conversations_->Open(buyer_, ByJob(job_.id, seller_.user_id), key), "retried open");
  EXPECT_EQ(first.id, second.id);
  EXPECT_TRUE(HasError(
      conversations_->Open(buyer_, ByJob(job_.id, seller_.user_id),
                           KeyOf(buyer_, "OpenConversation", "r-1", "other"))
          .status(),
      absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
}

// ---- visibility ----

TEST_F(ConversationsTest, StrangersSeeNothingAdminsSeeEverything) {
  const Conversation c = Opened();
  Sent(buyer_, c.id, "Hello");
  for (const Principal* stranger : {&other_seller_, &other_buyer_}) {
    EXPECT_TRUE(HasError(conversations_->Get(*stranger, c.id).status(),
                         absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
    EXPECT_TRUE(HasError(
        conversations_->ListMessages(*stranger, MessagePageRequest{c.id, "", "", 0}).status(),
        absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
    EXPECT_TRUE(HasError(Send(*stranger, c.id, "Hi").status(), absl::StatusCode::kNotFound,
                         v1::RESOURCE_NOT_FOUND));
    EXPECT_TRUE(HasError(conversations_->MarkRead(*stranger, c.id, "").status(),
                         absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  }
  absl::StatusOr<Conversation> seen = conversations_->Get(admin_, c.id);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_THAT(ConversationActions(admin_, *seen), ElementsAre("join", "hide"));
  EXPECT_EQ(Page(admin_, c.id, 0).messages.size(), 1u);
}

// ---- blocks ----

TEST_F(ConversationsTest, ABlockEitherWayStopsBothWritersButNotReaders) {
  const Conversation c = Opened();
  ASSERT_TRUE(conversations_->Block(seller_, buyer_.user_id).ok());
  for (const Principal* writer : {&buyer_, &seller_}) {
    EXPECT_TRUE(HasError(Send(*writer, c.id, "Hi").status(),
                         absl::StatusCode::kPermissionDenied, v1::USER_BLOCKED));
  }
  absl::StatusOr<Conversation> read = conversations_->Get(buyer_, c.id);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_TRUE(read->blocked);
  EXPECT_THAT(ConversationActions(buyer_, *read), ElementsAre("mark_read"));
  // Opening returns the existing one; a new one cannot start.
  EXPECT_EQ(ValueOrFail(conversations_->Open(buyer_, ByJob(job_.id, seller_.user_id), NoKey()),
                        "reopening")
                .id,
            c.id);
  const Job second_job = OpenJob(buyer_);
  AssignOne(second_job.id, seller_);
  EXPECT_TRUE(HasError(
      conversations_->Open(buyer_, ByJob(second_job.id, seller_.user_id), NoKey()).status(),
      absl::StatusCode::kPermissionDenied, v1::USER_BLOCKED));
  // Only the blocker lifts it.
  ASSERT_TRUE(conversations_->Unblock(buyer_, seller_.user_id).ok());
  EXPECT_TRUE(HasError(Send(buyer_, c.id, "Hi").status(), absl::StatusCode::kPermissionDenied,
                       v1::USER_BLOCKED));
  ASSERT_TRUE(conversations_->Unblock(seller_, buyer_.user_id).ok());
  EXPECT_TRUE(Send(buyer_, c.id, "Hi again").ok());
}

TEST_F(ConversationsTest, BlockRulesAndTheList) {
  EXPECT_TRUE(HasError(conversations_->Block(buyer_, buyer_.user_id),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_TRUE(HasError(conversations_->Block(buyer_, ""), absl::StatusCode::kInvalidArgument,
                       v1::INVALID_FIELDS));
  EXPECT_TRUE(HasError(conversations_->Block(buyer_, "usr_nobody"),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  ASSERT_TRUE(conversations_->Block(buyer_, seller_.user_id).ok());
  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(conversations_->Block(buyer_, other_seller_.user_id).ok());
  ASSERT_TRUE(conversations_->Block(buyer_, seller_.user_id).ok());  // idempotent
  std::vector<Block> blocks = ValueOrFail(conversations_->ListBlocked(buyer_), "listing");
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(blocks[0].blocked_id, other_seller_.user_id);  // newest first
  EXPECT_EQ(blocks[1].blocked_id, seller_.user_id);
  ASSERT_TRUE(conversations_->Unblock(buyer_, seller_.user_id).ok());
  ASSERT_TRUE(conversations_->Unblock(buyer_, seller_.user_id).ok());  // idempotent
  EXPECT_EQ(ValueOrFail(conversations_->ListBlocked(buyer_), "listing").size(), 1u);
  EXPECT_THAT(ValueOrFail(conversations_->ListBlocked(seller_), "listing"), IsEmpty());
}

// ---- sending ----

TEST_F(ConversationsTest, TextIsLimitedTo10000CodePointsNotBytes) {
  const Conversation c = Opened();
  std::string max_text;
  for (int i = 0; i < 10'000; ++i) max_text += "\xC3\xA9";  // é: two bytes each
  absl::StatusOr<Message> longest = Send(buyer_, c.id, max_text);
  ASSERT_TRUE(longest.ok()) << longest.status();
  EXPECT_EQ(longest->text, max_text);
  absl::Status too_long = Send(buyer_, c.id, max_text + "e").status();
  EXPECT_TRUE(HasError(too_long, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(testutil::ViolatedFields(too_long), ElementsAre("text"));
}

TEST_F(ConversationsTest, AMessageNeedsTextOrFilesAndAtMostTenFiles) {
  const Conversation c = Opened();
  EXPECT_TRUE(HasError(Send(buyer_, c.id, "").status(), absl::StatusCode::kInvalidArgument,
                       v1::INVALID_FIELDS));
  EXPECT_TRUE(HasError(Send(buyer_, c.id, " \n ").status(), absl::StatusCode::kInvalidArgument,
                       v1::INVALID_FIELDS));
  EXPECT_TRUE(HasError(Send(buyer_, c.id, "bell\a").status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_TRUE(Send(buyer_, c.id, "Two lines\r\nand a\ttab").ok());
  std::vector<std::string> eleven;
  for (int i = 0; i < 11; ++i) eleven.push_back(NewFile(buyer_));
  absl::Status too_many = Send(buyer_, c.id, "files", eleven).status();
  EXPECT_TRUE(HasError(too_many, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(testutil::ViolatedFields(too_many), ElementsAre("attachment_ids"));
  eleven.pop_back();
  absl::StatusOr<Message> ten = Send(buyer_, c.id, "", eleven);
  ASSERT_TRUE(ten.ok()) << ten.status();
  ASSERT_EQ(ten->attachments.size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(ten->attachments[i].id, eleven[i]);
    EXPECT_EQ(ten->attachments[i].attached_kind, AttachmentKind::kMessage);
    EXPECT_EQ(ten->attachments[i].attached_to_id, ten->id);
  }
}

TEST_F(ConversationsTest, OnlyTheSendersOwnUnattachedFilesAttach) {
  const Conversation c = Opened();
  const std::string theirs = NewFile(seller_);
  EXPECT_TRUE(HasError(Send(buyer_, c.id, "look", {theirs}).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(Send(buyer_, c.id, "look", {"fil_missing"}).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  const std::string mine = NewFile(buyer_);
  ASSERT_TRUE(Send(buyer_, c.id, "look", {mine}).ok());
  EXPECT_TRUE(IsInvalidState(Send(buyer_, c.id, "again", {mine}).status(), "MESSAGE"));
  EXPECT_TRUE(HasError(Send(buyer_, c.id, "twice", {NewFile(buyer_), mine}).status(),
                       absl::StatusCode::kFailedPrecondition, v1::INVALID_STATE));
  EXPECT_EQ(Page(buyer_, c.id, 0).messages.size(), 1u);  // nothing half-sent
}

TEST_F(ConversationsTest, ARetriedSendWithItsRequestIdSendsOnce) {
  const Conversation c = Opened();
  const int64_t before = LatestSequence();
  const RequestKey key = KeyOf(buyer_, "SendMessage", "send-1", "hello");
  const Message first = ValueOrFail(Send(buyer_, c.id, "Hello", {}, key), "first send");
  const Message retried = ValueOrFail(Send(buyer_, c.id, "Hello", {}, key), "retried send");
  EXPECT_EQ(first.id, retried.id);
  EXPECT_EQ(retried.seq, 1);
  EXPECT_THAT(EventTypesAfter(before), ElementsAre(EventType::kMessageSent));
  EXPECT_TRUE(HasError(
      Send(buyer_, c.id, "Other", {}, KeyOf(buyer_, "SendMessage", "send-1", "other")).status(),
      absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_EQ(Page(buyer_, c.id, 0).messages.size(), 1u);
}

// ---- paging ----

TEST_F(ConversationsTest, MessagesPageBothWaysByMessageId) {
  const Conversation c = Opened();
  std::vector<Message> sent;
  for (int i = 1; i <= 7; ++i) {
    sent.push_back(Sent(i % 2 ? buyer_ : seller_, c.id, absl::StrCat("message ", i)));
    clock_.Advance(absl::Seconds(1));
  }
  MessagePage newest = Page(buyer_, c.id, 3);
  EXPECT_THAT(Seqs(newest), ElementsAre(5, 6, 7));
  EXPECT_TRUE(newest.has_older);
  EXPECT_FALSE(newest.has_newer);
  MessagePage older = Page(buyer_, c.id, 3, /*before=*/sent[4].id);
  EXPECT_THAT(Seqs(older), ElementsAre(2, 3, 4));
  EXPECT_TRUE(older.has_older);
  EXPECT_TRUE(older.has_newer);
  MessagePage oldest = Page(buyer_, c.id, 3, /*before=*/sent[1].id);
  EXPECT_THAT(Seqs(oldest), ElementsAre(1));
  EXPECT_FALSE(oldest.has_older);
  EXPECT_TRUE(oldest.has_newer);
  MessagePage newer = Page(buyer_, c.id, 3, "", /*after=*/sent[0].id);
  EXPECT_THAT(Seqs(newer), ElementsAre(2, 3, 4));
  EXPECT_TRUE(newer.has_older);
  EXPECT_TRUE(newer.has_newer);
  MessagePage last = Page(buyer_, c.id, 3, "", /*after=*/sent[3].id);
  EXPECT_THAT(Seqs(last), ElementsAre(5, 6, 7));
  EXPECT_FALSE(last.has_newer);
  MessagePage beyond = Page(buyer_, c.id, 3, "", /*after=*/sent[6].id);
  EXPECT_THAT(beyond.messages, IsEmpty());
  EXPECT_TRUE(beyond.has_older);
  EXPECT_FALSE(beyond.has_newer);
  EXPECT_THAT(Seqs(Page(buyer_, c.id, 0)), ElementsAre(1, 2, 3, 4, 5, 6, 7));
  EXPECT_EQ(newest.messages[2].text, "message 7");
  EXPECT_EQ(newest.messages[2].sender_id, buyer_.user_id);
}

TEST_F(ConversationsTest, BadPageRequestsAreInvalidArguments) {
  const Conversation c = Opened();
  const Message m = Sent(buyer_, c.id, "Hello");
  auto list = [&](MessagePageRequest r) {
    return conversations_->ListMessages(buyer_, r).status();
  };
  EXPECT_TRUE(HasError(list({c.id, m.id, m.id, 0}), absl::StatusCode::kInvalidArgument,
                       v1::INVALID_FIELDS));
  EXPECT_TRUE(HasError(list({c.id, "", "", -1}), absl::StatusCode::kInvalidArgument,
                       v1::INVALID_FIELDS));
  // A message of another conversation, or none at all.
  const Job other_job = OpenJob(buyer_);
  AssignOne(other_job.id, seller_);
  const Conversation other = ValueOrFail(
      conversations_->Open(buyer_, ByJob(other_job.id, seller_.user_id), NoKey()), "other");
  const Message elsewhere = Sent(buyer_, other.id, "Elsewhere");
  EXPECT_TRUE(HasError(list({c.id, elsewhere.id, "", 0}), absl::StatusCode::kInvalidArgument,
                       v1::INVALID_FIELDS));
  EXPECT_TRUE(HasError(list({c.id, "", "msg_nothere", 0}), absl::StatusCode::kInvalidArgument,
                       v1::INVALID_FIELDS));
  EXPECT_TRUE(HasError(conversations_->MarkRead(buyer_, c.id, elsewhere.id).status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
}

// ---- read marks ----

TEST_F(ConversationsTest, ReadMarksNeverMoveBackAndOnlyAMoveIsAReceipt) {
  const Conversation c = Opened();
  std::vector<Message> sent;
  for (int i = 1; i <= 5; ++i) sent.push_back(Sent(buyer_, c.id, absl::StrCat("m", i)));
  EXPECT_EQ(ValueOrFail(conversations_->Get(seller_, c.id), "get").unread_count, 5);
  const int64_t before = LatestSequence();

  ReadMark mark = ValueOrFail(conversations_->MarkRead(seller_, c.id, sent[3].id), "mark 4");
  EXPECT_EQ(mark.last_read_seq, 4);
  mark = ValueOrFail(conversations_->MarkRead(seller_, c.id, sent[1].id), "mark 2");
  EXPECT_EQ(mark.last_read_seq, 4);  // not back
  EXPECT_THAT(EventTypesAfter(before), ElementsAre(EventType::kMessagesRead));
  Conversation seen = ValueOrFail(conversations_->Get(seller_, c.id), "get");
  EXPECT_EQ(seen.unread_count, 1);
  EXPECT_EQ(seen.seller_last_read_seq, 4);
  EXPECT_EQ(seen.buyer_last_read_seq, 0);

  mark = ValueOrFail(conversations_->MarkRead(seller_, c.id, ""), "mark newest");
  EXPECT_EQ(mark.last_read_seq, 5);
  ValueOrFail(conversations_->MarkRead(seller_, c.id, ""), "mark newest again");
  EXPECT_THAT(EventTypesAfter(before),
              ElementsAre(EventType::kMessagesRead, EventType::kMessagesRead));
  std::vector<EventRecord> receipts = EventsAfter(before);
  EXPECT_THAT(receipts.back().payload, HasSubstr(absl::StrCat("read:", seller_.user_id, "@5")));
  EXPECT_EQ(receipts.back().buyer_id, buyer_.user_id);
  // A receipt notifies nobody.
  EXPECT_THAT(Notified(buyer_.user_id, EventType::kMessagesRead), IsEmpty());
  EXPECT_EQ(ValueOrFail(conversations_->Get(seller_, c.id), "get").unread_count, 0);
  // The sender's own messages are never unread for it.
  EXPECT_EQ(ValueOrFail(conversations_->Get(buyer_, c.id), "get").unread_count, 0);
  EXPECT_TRUE(HasError(conversations_->MarkRead(admin_, c.id, "").status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
}

// ---- notifications ----

TEST_F(ConversationsTest, ABurstNotifiesOnceUntilReadThenANewMessageNotifiesAgain) {
  const Conversation c = Opened();
  for (int i = 1; i <= 3; ++i) Sent(buyer_, c.id, absl::StrCat("secret detail ", i));
  std::vector<Notification> told = Notified(seller_.user_id, EventType::kMessageSent);
  ASSERT_EQ(told.size(), 1u);
  EXPECT_EQ(told[0].summary, "New message about \"Build a landing page\"");
  EXPECT_THAT(Notified(buyer_.user_id, EventType::kMessageSent), IsEmpty());

  ValueOrFail(conversations_->MarkRead(seller_, c.id, ""), "reading");
  Sent(buyer_, c.id, "one more");
  EXPECT_EQ(Notified(seller_.user_id, EventType::kMessageSent).size(), 2u);
  // The seller's reply starts the buyer's first unread run.
  Sent(seller_, c.id, "thanks");
  EXPECT_EQ(Notified(buyer_.user_id, EventType::kMessageSent).size(), 1u);
  for (const Notification& n : NotificationsOf(seller_.user_id)) {
    EXPECT_THAT(n.summary, Not(HasSubstr("secret"))) << n.summary;
  }
}

// ---- joining and hiding ----

TEST_F(ConversationsTest, AnAdminWritesOnlyAfterJoiningWhichIsAuditedAndAnnouncedOnce) {
  const Conversation c = Opened();
  EXPECT_TRUE(HasError(Send(admin_, c.id, "Support here").status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(conversations_->Join(buyer_, c.id).status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  const int64_t before = LatestSequence();
  absl::StatusOr<Conversation> joined = conversations_->Join(admin_, c.id);
  ASSERT_TRUE(joined.ok()) << joined.status();
  EXPECT_THAT(joined->admin_ids, ElementsAre(admin_.user_id));
  EXPECT_THAT(ConversationActions(admin_, *joined), ElementsAre("send", "hide"));
  ASSERT_TRUE(conversations_->Join(admin_, c.id).ok());  // idempotent
  EXPECT_THAT(EventTypesAfter(before), ElementsAre(EventType::kConversationJoined));
  EXPECT_EQ(AuditEntries("JoinConversation").size(), 1u);
  EXPECT_EQ(Notified(buyer_.user_id, EventType::kConversationJoined)[0].summary,
            "Support joined the conversation about \"Build a landing page\"");
  EXPECT_TRUE(Send(admin_, c.id, "Support here").ok());
  // The admin's list: the conversations it joined; a user's on request.
  ConversationPage mine = ValueOrFail(conversations_->List(admin_, "", 0, ""), "admin list");
  ASSERT_EQ(mine.conversations.size(), 1u);
  EXPECT_EQ(mine.conversations[0].id, c.id);
  EXPECT_EQ(ValueOrFail(conversations_->List(admin_, seller_.user_id, 0, ""), "of seller")
                .conversations.size(),
            1u);
  EXPECT_TRUE(HasError(conversations_->List(buyer_, seller_.user_id, 0, "").status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
}

TEST_F(ConversationsTest, HidingRedactsEveryReadAndEveryStoredEventForParticipants) {
  const Conversation c = Opened();
  const std::string file = NewFile(seller_);
  const Message secret = ValueOrFail(Send(seller_, c.id, "call me at 555-0100", {file}), "send");
  EXPECT_THAT(EventsAfter(0).back().payload, HasSubstr("555-0100"));
  EXPECT_TRUE(HasError(conversations_->Hide(buyer_, secret.id, "contact details", NoKey())
                           .status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  EXPECT_TRUE(HasError(conversations_->Hide(admin_, secret.id, "", NoKey()).status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_TRUE(HasError(conversations_->Hide(admin_, "msg_missing", "why", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  clock_.Advance(absl::Minutes(1));
  const int64_t before = LatestSequence();
  absl::StatusOr<Message> hidden =
      conversations_->Hide(admin_, secret.id, "contact details", NoKey());
  ASSERT_TRUE(hidden.ok()) << hidden.status();
  EXPECT_TRUE(hidden->hidden);
  EXPECT_EQ(hidden->text, "call me at 555-0100");  // the admin sees all
  EXPECT_EQ(hidden->hidden_reason, "contact details");
  EXPECT_EQ(hidden->hidden_by, admin_.user_id);
  EXPECT_EQ(hidden->hide_time, clock_.Now());
  EXPECT_EQ(hidden->attachments.size(), 1u);
  EXPECT_THAT(EventTypesAfter(before), ElementsAre(EventType::kMessageHidden));
  EXPECT_EQ(AuditEntries("HideMessage").size(), 1u);
  EXPECT_TRUE(IsInvalidState(
      conversations_->Hide(admin_, secret.id, "again", NoKey()).status(), "HIDDEN"));

  // No stored event carries the text or the files any more.
  for (const EventRecord& event : EventsAfter(0)) {
    EXPECT_THAT(event.payload, Not(HasSubstr("555-0100"))) << event.sequence;
    EXPECT_THAT(event.payload, Not(HasSubstr("contact details"))) << event.sequence;
    if (event.resource_id == secret.id) {
      EXPECT_THAT(event.payload, HasSubstr("files:0 hidden:1")) << event.sequence;
    }
  }
  for (const Principal* participant : {&buyer_, &seller_}) {
    const Message listed = Page(*participant, c.id, 0).messages.at(0);
    EXPECT_TRUE(listed.hidden);
    EXPECT_EQ(listed.text, "");
    EXPECT_THAT(listed.attachments, IsEmpty());
    EXPECT_EQ(listed.hidden_reason, "");
    EXPECT_EQ(listed.hidden_by, "");
    const Conversation got = ValueOrFail(conversations_->Get(*participant, c.id), "get");
    ASSERT_TRUE(got.last_message.has_value());
    EXPECT_EQ(got.last_message->text, "");
    EXPECT_TRUE(got.last_message->hidden);
    const ConversationPage listed_conversations =
        ValueOrFail(conversations_->List(*participant, "", 0, ""), "list");
    EXPECT_EQ(listed_conversations.conversations.at(0).last_message->text, "");
  }
  EXPECT_EQ(Page(admin_, c.id, 0).messages.at(0).text, "call me at 555-0100");
}

// ---- listing ----

TEST_F(ConversationsTest, ListIsNewestActivityFirstWithLastMessageAndUnreadAndPages) {
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    const Job job = OpenJob(buyer_);
    AssignOne(job.id, seller_);
    ids.push_back(ValueOrFail(conversations_->Open(buyer_, ByJob(job.id, seller_.user_id),
                                                   NoKey()),
                              "opening")
                      .id);
    clock_.Advance(absl::Seconds(1));
  }
  Sent(seller_, ids[0], "news on the first");  // moves it to the front
  ConversationPage first = ValueOrFail(conversations_->List(buyer_, "", 2, ""), "page 1");
  ASSERT_EQ(first.conversations.size(), 2u);
  EXPECT_EQ(first.conversations[0].id, ids[0]);
  EXPECT_EQ(first.conversations[0].unread_count, 1);
  EXPECT_EQ(first.conversations[0].last_message->text, "news on the first");
  EXPECT_EQ(first.conversations[1].id, ids[2]);
  EXPECT_FALSE(first.conversations[1].last_message.has_value());
  ASSERT_FALSE(first.next_page_token.empty());
  ConversationPage second =
      ValueOrFail(conversations_->List(buyer_, "", 2, first.next_page_token), "page 2");
  ASSERT_EQ(second.conversations.size(), 1u);
  EXPECT_EQ(second.conversations[0].id, ids[1]);
  EXPECT_TRUE(second.next_page_token.empty());
  EXPECT_TRUE(HasError(conversations_->List(seller_, "", 2, first.next_page_token).status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ValueOrFail(conversations_->List(other_buyer_, "", 0, ""), "stranger")
                  .conversations,
              IsEmpty());
}

}  // namespace
}  // namespace gigwire
