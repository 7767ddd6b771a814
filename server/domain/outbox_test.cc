// The outbox rules, through the domain services on a real SQLite store:
// which events each change records (type, order, actor, audience), that a
// refused change or a replayed request records nothing, who is notified of
// what, the notification inbox (pages, unread count, marking read, never
// another user's), and retention by the scheduler.
#include "server/domain/outbox.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/domain/notifications.h"
#include "server/domain/scheduler.h"
#include "server/testing/marketplace_fixture.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testutil::HasError;
using testutil::KeyOf;
using testutil::NoKey;
using testutil::ValueOrFail;
using ET = EventType;

class OutboxTest : public testutil::MarketplaceTest {};

TEST_F(OutboxTest, AnAcceptRecordsTheAcceptTheSupersededOffersTheBookingAndTheBookedJob) {
  Principal other_seller = NewPrincipal("other", {Role::kSeller});
  Job job = OpenJob(buyer_);
  std::vector<Assignment> assigned = AssignSellers(job.id, {seller_, other_seller});
  const int64_t before = LatestSequence();
  Offer accepted = ValueOrFail(offers_->Accept(seller_, assigned[0].offer_id, NoKey()), "accept");

  std::vector<EventRecord> events = EventsAfter(before);
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[0].type, ET::kOfferAccepted);
  EXPECT_EQ(events[0].resource_id, accepted.id);
  EXPECT_EQ(events[1].type, ET::kOfferSuperseded);
  EXPECT_EQ(events[1].resource_id, assigned[1].offer_id);
  EXPECT_EQ(events[1].seller_id, other_seller.user_id);  // its audience: that seller only
  EXPECT_EQ(events[2].type, ET::kBookingCreated);
  EXPECT_EQ(events[2].resource_id, accepted.booking_id);
  EXPECT_EQ(events[2].buyer_id, buyer_.user_id);
  EXPECT_EQ(events[2].seller_id, seller_.user_id);
  EXPECT_EQ(events[3].type, ET::kJobBooked);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].sequence, before + 1 + static_cast<int64_t>(i)) << "one commit, in order";
    EXPECT_EQ(events[i].actor_id, seller_.user_id);
    EXPECT_EQ(events[i].job_id, job.id);
    EXPECT_EQ(events[i].create_time, clock_.Now());
  }
}

TEST_F(OutboxTest, ARefusedChangeRecordsNothing) {
  Job job = OpenJob(buyer_);
  std::string offer_id = AssignOne(job.id, seller_);
  Principal stranger = NewPrincipal("stranger", {Role::kSeller});
  const int64_t before = LatestSequence();
  EXPECT_TRUE(HasError(offers_->Accept(stranger, offer_id, NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND))
      << "not its offer";
  EXPECT_TRUE(HasError(jobs_->Approve(admin_, job.id, "", NoKey()).status(),
                       absl::StatusCode::kFailedPrecondition, v1::INVALID_STATE))
      << "already open";
  EXPECT_EQ(LatestSequence(), before);
}

TEST_F(OutboxTest, AReplayedRequestRecordsNothingMore) {
  Job job = OpenJob(buyer_);
  std::string offer_id = AssignOne(job.id, seller_);
  const RequestKey key = KeyOf(seller_, "DeclineOffer", "req-1", "fp");
  ValueOrFail(offers_->Decline(seller_, offer_id, "busy", key), "decline");
  const int64_t after_first = LatestSequence();
  ValueOrFail(offers_->Decline(seller_, offer_id, "busy", key), "replayed decline");
  EXPECT_EQ(LatestSequence(), after_first);
  EXPECT_THAT(EventTypesAfter(after_first - 1), ElementsAre(ET::kOfferDeclined));
}

TEST_F(OutboxTest, TheSchedulerRecordsExpiriesAsTheSystem) {
  Job job = OpenJob(buyer_);
  AssignOne(job.id, seller_, absl::Minutes(5));
  const int64_t before = LatestSequence();
  clock_.Advance(absl::Minutes(6));
  Scheduler scheduler(*store_, *jobs_, *offers_, clock_, SchedulerConfig());
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());
  std::vector<EventRecord> events = EventsAfter(before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, ET::kOfferExpired);
  EXPECT_EQ(events[0].actor_id, kSystemActor);
}

TEST_F(OutboxTest, EveryoneConcernedButTheActorIsNotified) {
  Job job = PostJob(buyer_);
  EXPECT_THAT(NotificationsOf(buyer_.user_id), IsEmpty()) << "the buyer posted it itself";
  ValueOrFail(jobs_->Approve(admin_, job.id, "", NoKey()), "approve");
  std::string offer_id = AssignOne(job.id, seller_);
  ValueOrFail(offers_->Accept(seller_, offer_id, NoKey()), "accept");

  std::vector<Notification> buyer_inbox = NotificationsOf(buyer_.user_id);  // newest first
  ASSERT_EQ(buyer_inbox.size(), 3u);
  EXPECT_EQ(buyer_inbox[0].type, ET::kJobBooked);
  EXPECT_EQ(buyer_inbox[1].type, ET::kBookingCreated);
  EXPECT_EQ(buyer_inbox[2].type, ET::kJobApproved);
  EXPECT_EQ(buyer_inbox[2].summary, "Your job \"" + job.title + "\" was approved");
  EXPECT_FALSE(buyer_inbox[2].read);

  std::vector<Notification> seller_inbox = NotificationsOf(seller_.user_id);
  ASSERT_EQ(seller_inbox.size(), 1u) << "not of its own accept, nor of the booking it made";
  EXPECT_EQ(seller_inbox[0].type, ET::kOfferCreated);
  EXPECT_EQ(seller_inbox[0].summary, "New offer: \"" + job.title + "\"");
  EXPECT_EQ(seller_inbox[0].job_id, job.id);
}

TEST_F(OutboxTest, SummariesNameTheTitleWhenKnown) {
  DomainEvent event;
  event.type = ET::kOfferWithdrawn;
  event.resource = Offer();
  EXPECT_EQ(NotificationSummary(event), "Offer withdrawn");
  event.title = "Logo design";
  EXPECT_EQ(NotificationSummary(event), "Offer withdrawn: \"Logo design\"");
  Review review;
  review.rating = 4;
  event.type = ET::kReviewCreated;
  event.resource = review;
  EXPECT_EQ(NotificationSummary(event), "New 4-star review: \"Logo design\"");
}

class NotificationsTest : public OutboxTest {
 protected:
  void SetUp() override {
    OutboxTest::SetUp();
    inbox_ = std::make_unique<Notifications>(*store_);
  }
  // `count` JOB_APPROVED notifications for the buyer.
  void ApproveJobs(int count) {
    for (int i = 0; i < count; ++i) {
      Job job = PostJob(buyer_);
      ValueOrFail(jobs_->Approve(admin_, job.id, "", NoKey()), "approve");
    }
  }
  std::unique_ptr<Notifications> inbox_;
};

TEST_F(NotificationsTest, PagesNewestFirstWithTheUnreadCountAndTheEventCursor) {
  ApproveJobs(3);
  NotificationPage first = ValueOrFail(inbox_->List(buyer_, false, 2, ""), "first page");
  ASSERT_EQ(first.notifications.size(), 2u);
  EXPECT_GT(first.notifications[0].sequence, first.notifications[1].sequence);
  EXPECT_EQ(first.unread_count, 3);
  EXPECT_EQ(first.event_cursor, CursorOf(LatestSequence()));
  NotificationPage second =
      ValueOrFail(inbox_->List(buyer_, false, 2, first.next_page_token), "second page");
  ASSERT_EQ(second.notifications.size(), 1u);
  EXPECT_TRUE(second.next_page_token.empty());
  EXPECT_TRUE(HasError(inbox_->List(buyer_, true, 2, first.next_page_token).status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS))
      << "a token is bound to its filter";
}

TEST_F(NotificationsTest, MarkingReadCountsOnlyTheCallersOwnChanges) {
  ApproveJobs(3);
  std::vector<Notification> all = NotificationsOf(buyer_.user_id);
  const std::string newest = CursorOf(all[0].sequence), oldest = CursorOf(all[2].sequence);

  MarkReadResult stranger = ValueOrFail(inbox_->MarkRead(seller_, {newest}, ""), "stranger");
  EXPECT_EQ(stranger.marked_count, 0) << "another user's id marks nothing";
  MarkReadResult one = ValueOrFail(inbox_->MarkRead(buyer_, {oldest}, ""), "one");
  EXPECT_EQ(one.marked_count, 1);
  EXPECT_EQ(one.unread_count, 2);
  MarkReadResult rest = ValueOrFail(inbox_->MarkRead(buyer_, {}, newest), "up to the newest");
  EXPECT_EQ(rest.marked_count, 2);
  EXPECT_EQ(rest.unread_count, 0);
  MarkReadResult again = ValueOrFail(inbox_->MarkRead(buyer_, {}, newest), "again");
  EXPECT_EQ(again.marked_count, 0) << "idempotent";
  EXPECT_THAT(ValueOrFail(inbox_->List(buyer_, true, 10, ""), "unread").notifications, IsEmpty());

  absl::Status neither = inbox_->MarkRead(buyer_, {}, "").status();
  EXPECT_TRUE(HasError(neither, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(testutil::ViolatedFields(inbox_->MarkRead(buyer_, {"x"}, "").status()),
              ElementsAre("ids[0]"));
}

TEST_F(NotificationsTest, RetentionDeletesOldEventsAndNotifications) {
  ApproveJobs(2);
  const int64_t old_latest = LatestSequence();
  SchedulerConfig config;
  config.event_retention = absl::Hours(1);
  config.notification_retention = absl::Hours(2);
  config.retention_batch = 1;  // several transactions
  Scheduler scheduler(*store_, *jobs_, *offers_, clock_, config);

  clock_.Advance(absl::Minutes(90));
  ApproveJobs(1);
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());
  std::vector<EventRecord> kept = EventsAfter(0);
  ASSERT_FALSE(kept.empty());
  EXPECT_EQ(kept.front().sequence, old_latest + 1) << "events older than 1 h are gone";
  EXPECT_EQ(ReadOrFail<int64_t>([](Tx& tx) { return tx.events().PrunedThrough(); }, "pruned"),
            old_latest);
  EXPECT_EQ(NotificationsOf(buyer_.user_id).size(), 3u) << "notifications are kept 2 h";

  clock_.Advance(absl::Minutes(45));
  ASSERT_TRUE(scheduler.RunOnce(clock_.Now()).ok());
  EXPECT_EQ(NotificationsOf(buyer_.user_id).size(), 1u);
}

}  // namespace
}  // namespace gigwire
