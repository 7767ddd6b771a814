// The outbox and inbox repositories and the events-committed observer of
// SqliteStore (see store.h and sqlite_store.h).
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

EventRecord MakeEvent(const std::string& resource_id, absl::Time when = kT0) {
  EventRecord event;
  event.type = EventType::kOfferCreated;
  event.create_time = when;
  event.actor_id = "usr_admin";
  event.resource_id = resource_id;
  event.job_id = "job_1";
  event.buyer_id = "usr_buyer";
  event.seller_id = "usr_seller";
  event.payload = std::string("\x00\x01payload-", 10) + resource_id;  // binary, with a NUL
  return event;
}

Notification MakeNotification(const std::string& user_id, int64_t sequence,
                              absl::Time when = kT0) {
  Notification n;
  n.user_id = user_id;
  n.sequence = sequence;
  n.type = EventType::kOfferCreated;
  n.summary = absl::StrCat("New offer #", sequence);
  n.resource_id = absl::StrCat("off_", sequence);
  n.job_id = "job_1";
  n.create_time = when;
  return n;
}

std::vector<int64_t> Sequences(const std::vector<EventRecord>& events) {
  std::vector<int64_t> out;
  for (const EventRecord& e : events) out.push_back(e.sequence);
  return out;
}

std::vector<int64_t> Sequences(const std::vector<Notification>& notifications) {
  std::vector<int64_t> out;
  for (const Notification& n : notifications) out.push_back(n.sequence);
  return out;
}

class SqliteEventRepositoriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testutil::OpenTestStore(dir_);
    ASSERT_NE(store_, nullptr);
  }

  int64_t Append(const EventRecord& event) {
    int64_t sequence = -1;
    absl::Status status = store_->Write([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(sequence, tx.events().Append(event));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return sequence;
  }

  // Runs `fn` in a Read and returns its value (or the error).
  template <typename T, typename Fn>
  absl::StatusOr<T> ReadValue(Fn fn) {
    absl::StatusOr<T> result = absl::UnknownError("not run");
    absl::Status status = store_->Read([&](Tx& tx) -> absl::Status {
      result = fn(tx);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return result;
  }

  // Runs `fn` in a Write and returns its value (or the error).
  template <typename T, typename Fn>
  absl::StatusOr<T> WriteValue(Fn fn) {
    absl::StatusOr<T> result = absl::UnknownError("not run");
    absl::Status status = store_->Write([&](Tx& tx) -> absl::Status {
      result = fn(tx);
      return result.status();
    });
    if (!status.ok()) return status;
    return result;
  }

  std::vector<EventRecord> ListAfter(int64_t after, int limit) {
    return ReadValue<std::vector<EventRecord>>([&](Tx& tx) {
             return tx.events().ListAfter(after, limit);
           }).value_or(std::vector<EventRecord>{});
  }
  int64_t Latest() {
    return ReadValue<int64_t>([](Tx& tx) { return tx.events().LatestSequence(); }).value_or(-1);
  }
  int64_t PrunedThrough() {
    return ReadValue<int64_t>([](Tx& tx) { return tx.events().PrunedThrough(); }).value_or(-1);
  }
  int DeleteEventsBefore(absl::Time cutoff, int limit) {
    return WriteValue<int>([&](Tx& tx) { return tx.events().DeleteBefore(cutoff, limit); })
        .value_or(-1);
  }

  void InsertNotification(const Notification& n) {
    absl::Status status = store_->Write([&](Tx& tx) { return tx.notifications().Insert(n); });
    EXPECT_TRUE(status.ok()) << status;
  }
  std::vector<Notification> ListNotifications(const NotificationQuery& query) {
    return ReadValue<std::vector<Notification>>([&](Tx& tx) {
             return tx.notifications().List(query);
           }).value_or(std::vector<Notification>{});
  }
  int Unread(const std::string& user_id) {
    return ReadValue<int>([&](Tx& tx) { return tx.notifications().CountUnread(user_id); })
        .value_or(-1);
  }
  int MarkRead(const std::string& user_id, const std::vector<int64_t>& sequences) {
    return WriteValue<int>([&](Tx& tx) {
             return tx.notifications().MarkRead(user_id, sequences);
           }).value_or(-1);
  }
  int MarkReadUpTo(const std::string& user_id, int64_t up_to) {
    return WriteValue<int>([&](Tx& tx) {
             return tx.notifications().MarkReadUpTo(user_id, up_to);
           }).value_or(-1);
  }

  testutil::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
};

// ---- events ----

TEST_F(SqliteEventRepositoriesTest, EmptyLogHasLatestAndPrunedThroughZero) {
  EXPECT_EQ(Latest(), 0);
  EXPECT_EQ(PrunedThrough(), 0);
  EXPECT_THAT(ListAfter(0, 10), IsEmpty());
}

TEST_F(SqliteEventRepositoriesTest, AppendReturnsIncreasingSequencesAndRoundTrips) {
  const int64_t first = Append(MakeEvent("off_1"));
  const int64_t second = Append(MakeEvent("off_2", kT0 + absl::Seconds(1)));
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 2);
  EXPECT_EQ(Latest(), 2);

  std::vector<EventRecord> events = ListAfter(0, 10);
  ASSERT_EQ(events.size(), 2u);
  const EventRecord expected = MakeEvent("off_2", kT0 + absl::Seconds(1));
  const EventRecord& got = events[1];
  EXPECT_EQ(got.sequence, 2);
  EXPECT_EQ(got.type, EventType::kOfferCreated);
  EXPECT_EQ(got.create_time, expected.create_time);
  EXPECT_EQ(got.actor_id, "usr_admin");
  EXPECT_EQ(got.resource_id, "off_2");
  EXPECT_EQ(got.job_id, "job_1");
  EXPECT_EQ(got.buyer_id, "usr_buyer");
  EXPECT_EQ(got.seller_id, "usr_seller");
  EXPECT_EQ(got.payload, expected.payload);
}

TEST_F(SqliteEventRepositoriesTest, SequencesInOneTransactionAreConsecutive) {
  std::vector<int64_t> sequences;
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> absl::Status {
                for (int i = 0; i < 3; ++i) {
                  GW_ASSIGN_OR_RETURN(int64_t s, tx.events().Append(MakeEvent("off_x")));
                  sequences.push_back(s);
                }
                return absl::OkStatus();
              }).ok());
  EXPECT_THAT(sequences, ElementsAre(1, 2, 3));
}

TEST_F(SqliteEventRepositoriesTest, ListAfterIsAscendingFromTheCursorAndLimited) {
  for (int i = 1; i <= 5; ++i) Append(MakeEvent(absl::StrCat("off_", i)));
  EXPECT_THAT(Sequences(ListAfter(0, 3)), ElementsAre(1, 2, 3));
  EXPECT_THAT(Sequences(ListAfter(3, 10)), ElementsAre(4, 5));
  EXPECT_THAT(ListAfter(5, 10), IsEmpty());
}

TEST_F(SqliteEventRepositoriesTest, RewritePayloadsReplacesOnlyThatResourcesPayloads) {
  Append(MakeEvent("msg_1"));
  Append(MakeEvent("msg_2"));
  EventRecord hidden = MakeEvent("msg_1", kT0 + absl::Seconds(5));
  hidden.type = EventType::kMessageHidden;
  Append(hidden);
  std::vector<int64_t> seen;
  absl::StatusOr<int> rewritten = WriteValue<int>([&](Tx& tx) {
    return tx.events().RewritePayloads("msg_1", [&](const EventRecord& e) {
      seen.push_back(e.sequence);
      return absl::StrCat("redacted ", static_cast<int>(e.type));
    });
  });
  ASSERT_TRUE(rewritten.ok()) << rewritten.status();
  EXPECT_EQ(*rewritten, 2);
  EXPECT_THAT(seen, ElementsAre(1, 3));
  std::vector<EventRecord> events = ListAfter(0, 10);
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].payload, "redacted 20");
  EXPECT_EQ(events[1].payload, MakeEvent("msg_2").payload);
  EXPECT_EQ(events[2].payload, "redacted 174");
  // Everything but the payload stays.
  EXPECT_EQ(events[2].sequence, 3);
  EXPECT_EQ(events[2].type, EventType::kMessageHidden);
  EXPECT_EQ(events[2].create_time, kT0 + absl::Seconds(5));
  EXPECT_EQ(events[2].buyer_id, "usr_buyer");
  EXPECT_EQ(Latest(), 3);
}

TEST_F(SqliteEventRepositoriesTest, RewritePayloadsOfUnknownResourceRewritesNothing) {
  Append(MakeEvent("msg_1"));
  EXPECT_EQ(WriteValue<int>([](Tx& tx) {
              return tx.events().RewritePayloads("msg_9", [](const EventRecord&) {
                return std::string("x");
              });
            }).value_or(-1),
            0);
  EXPECT_EQ(ListAfter(0, 10)[0].payload, MakeEvent("msg_1").payload);
}

TEST_F(SqliteEventRepositoriesTest, RewritePayloadsRollsBackWithItsTransaction) {
  Append(MakeEvent("msg_1"));
  absl::Status status = store_->Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.events()
                           .RewritePayloads("msg_1", [](const EventRecord&) {
                             return std::string("redacted");
                           })
                           .status());
    return absl::AbortedError("changed my mind");
  });
  EXPECT_TRUE(absl::IsAborted(status)) << status;
  EXPECT_EQ(ListAfter(0, 10)[0].payload, MakeEvent("msg_1").payload);
}

TEST_F(SqliteEventRepositoriesTest, RolledBackAppendIsNotVisible) {
  Append(MakeEvent("off_1"));
  absl::Status status = store_->Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.events().Append(MakeEvent("off_rolled_back")).status());
    return InvalidState("changed my mind", "TEST");
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Latest(), 1);
  EXPECT_THAT(Sequences(ListAfter(0, 10)), ElementsAre(1));
}

TEST_F(SqliteEventRepositoriesTest, LatestSequenceSurvivesDeletingEveryEvent) {
  for (int i = 1; i <= 3; ++i) Append(MakeEvent(absl::StrCat("off_", i)));
  EXPECT_EQ(DeleteEventsBefore(kT0 + absl::Seconds(1), 100), 3);
  EXPECT_THAT(ListAfter(0, 10), IsEmpty());
  EXPECT_EQ(Latest(), 3);
  EXPECT_EQ(PrunedThrough(), 3);
  EXPECT_EQ(Append(MakeEvent("off_4")), 4) << "sequences are never reused";
}

TEST_F(SqliteEventRepositoriesTest, DeleteBeforeRemovesOldEventsInBatchesAndRaisesPrunedThrough) {
  for (int i = 0; i < 5; ++i) Append(MakeEvent(absl::StrCat("off_", i), kT0 + absl::Hours(i)));
  const absl::Time cutoff = kT0 + absl::Hours(3);  // 1..3 are older; 4 is exactly at the cutoff
  EXPECT_EQ(DeleteEventsBefore(cutoff, 2), 2);
  EXPECT_EQ(PrunedThrough(), 2);
  EXPECT_EQ(DeleteEventsBefore(cutoff, 2), 1);
  EXPECT_EQ(PrunedThrough(), 3);
  EXPECT_EQ(DeleteEventsBefore(cutoff, 2), 0);
  EXPECT_EQ(PrunedThrough(), 3);
  EXPECT_THAT(Sequences(ListAfter(0, 10)), ElementsAre(4, 5));
}

TEST_F(SqliteEventRepositoriesTest, DeleteBeforeOnlyDeletesAPrefixOfTheLog) {
  Append(MakeEvent("off_1", kT0));
  Append(MakeEvent("off_2", kT0 + absl::Hours(5)));  // written under a clock ahead
  Append(MakeEvent("off_3", kT0 + absl::Hours(1)));
  EXPECT_EQ(DeleteEventsBefore(kT0 + absl::Hours(2), 100), 1);
  EXPECT_EQ(PrunedThrough(), 1) << "everything at or below PrunedThrough is gone, nothing above";
  EXPECT_THAT(Sequences(ListAfter(0, 10)), ElementsAre(2, 3));
}

// ---- notifications ----

TEST_F(SqliteEventRepositoriesTest, NotificationRoundTripsNewestFirst) {
  InsertNotification(MakeNotification("usr_a", 3));
  InsertNotification(MakeNotification("usr_a", 7, kT0 + absl::Seconds(1)));
  std::vector<Notification> list = ListNotifications({"usr_a", false, std::nullopt, 10});
  ASSERT_THAT(Sequences(list), ElementsAre(7, 3));
  EXPECT_EQ(list[0].user_id, "usr_a");
  EXPECT_EQ(list[0].type, EventType::kOfferCreated);
  EXPECT_EQ(list[0].summary, "New offer #7");
  EXPECT_EQ(list[0].resource_id, "off_7");
  EXPECT_EQ(list[0].job_id, "job_1");
  EXPECT_FALSE(list[0].read);
  EXPECT_EQ(list[0].create_time, kT0 + absl::Seconds(1));
}

TEST_F(SqliteEventRepositoriesTest, DuplicateNotificationIsAlreadyExists) {
  InsertNotification(MakeNotification("usr_a", 3));
  absl::Status status = store_->Write(
      [&](Tx& tx) { return tx.notifications().Insert(MakeNotification("usr_a", 3)); });
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
}

TEST_F(SqliteEventRepositoriesTest, NotificationListPagesByKeysetAndFiltersUnread) {
  for (int64_t s : {1, 2, 3, 4, 5}) InsertNotification(MakeNotification("usr_a", s));
  EXPECT_THAT(Sequences(ListNotifications({"usr_a", false, std::nullopt, 2})), ElementsAre(5, 4));
  EXPECT_THAT(Sequences(ListNotifications({"usr_a", false, 4, 2})), ElementsAre(3, 2));
  EXPECT_THAT(Sequences(ListNotifications({"usr_a", false, 2, 2})), ElementsAre(1));
  ASSERT_EQ(MarkRead("usr_a", {5, 3}), 2);
  EXPECT_THAT(Sequences(ListNotifications({"usr_a", true, std::nullopt, 10})),
              ElementsAre(4, 2, 1));
  EXPECT_THAT(Sequences(ListNotifications({"usr_a", true, 4, 10})), ElementsAre(2, 1));
}

TEST_F(SqliteEventRepositoriesTest, MarkReadCountsOnlyChangesAndIsIdempotent) {
  for (int64_t s : {1, 2, 3}) InsertNotification(MakeNotification("usr_a", s));
  EXPECT_EQ(Unread("usr_a"), 3);
  EXPECT_EQ(MarkRead("usr_a", {2, 2, 99}), 1) << "a repeated or unknown sequence changes nothing";
  EXPECT_EQ(MarkRead("usr_a", {2}), 0);
  EXPECT_EQ(Unread("usr_a"), 2);
  EXPECT_EQ(MarkReadUpTo("usr_a", 2), 1);
  EXPECT_EQ(MarkReadUpTo("usr_a", 2), 0);
  EXPECT_EQ(Unread("usr_a"), 1);
  EXPECT_EQ(MarkReadUpTo("usr_a", 100), 1);
  EXPECT_EQ(Unread("usr_a"), 0);
}

TEST_F(SqliteEventRepositoriesTest, NotificationsOfOneUserAreInvisibleToAnother) {
  InsertNotification(MakeNotification("usr_a", 1));
  InsertNotification(MakeNotification("usr_b", 1));
  InsertNotification(MakeNotification("usr_b", 2));
  EXPECT_EQ(MarkRead("usr_a", {2}), 0) << "usr_a has no notification 2";
  EXPECT_EQ(MarkReadUpTo("usr_a", 10), 1);
  EXPECT_EQ(Unread("usr_a"), 0);
  EXPECT_EQ(Unread("usr_b"), 2);
  EXPECT_THAT(Sequences(ListNotifications({"usr_b", false, std::nullopt, 10})),
              ElementsAre(2, 1));
  EXPECT_THAT(ListNotifications({"usr_c", false, std::nullopt, 10}), IsEmpty());
}

TEST_F(SqliteEventRepositoriesTest, NotificationDeleteBeforeIsBounded) {
  for (int64_t s = 1; s <= 5; ++s) {
    InsertNotification(MakeNotification(s % 2 ? "usr_a" : "usr_b", s, kT0 + absl::Hours(s)));
  }
  const absl::Time cutoff = kT0 + absl::Hours(4);  // 1..3 are older
  auto delete_before = [&](int limit) {
    return WriteValue<int>([&](Tx& tx) {
             return tx.notifications().DeleteBefore(cutoff, limit);
           }).value_or(-1);
  };
  EXPECT_EQ(delete_before(2), 2);
  EXPECT_EQ(delete_before(2), 1);
  EXPECT_EQ(delete_before(2), 0);
  EXPECT_THAT(Sequences(ListNotifications({"usr_a", false, std::nullopt, 10})), ElementsAre(5));
  EXPECT_THAT(Sequences(ListNotifications({"usr_b", false, std::nullopt, 10})), ElementsAre(4));
}

// ---- the events-committed observer ----

class EventsObserverTest : public SqliteEventRepositoriesTest {
 protected:
  void SetUp() override {
    SqliteEventRepositoriesTest::SetUp();
    store_->SetEventsCommittedObserver([this] { ++calls_; });
  }
  std::atomic<int> calls_{0};
};

TEST_F(EventsObserverTest, CalledOnceAfterACommitThatAppendedEvents) {
  ASSERT_TRUE(store_->Write([&](Tx& tx) -> absl::Status {
                GW_RETURN_IF_ERROR(tx.events().Append(MakeEvent("off_1")).status());
                GW_RETURN_IF_ERROR(tx.events().Append(MakeEvent("off_2")).status());
                EXPECT_EQ(calls_.load(), 0) << "not before the COMMIT";
                return absl::OkStatus();
              }).ok());
  EXPECT_EQ(calls_.load(), 1) << "once per COMMIT, before Write returns";
}

TEST_F(EventsObserverTest, NotCalledAfterACommitWithoutEvents) {
  ASSERT_TRUE(store_->Write([](Tx& tx) {
                return tx.notifications().Insert(MakeNotification("usr_a", 1));
              }).ok());
  EXPECT_EQ(calls_.load(), 0);
}

TEST_F(EventsObserverTest, NotCalledAfterARolledBackWrite) {
  absl::Status status = store_->Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.events().Append(MakeEvent("off_1")).status());
    return InvalidState("changed my mind", "TEST");
  });
  ASSERT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(calls_.load(), 0);
  EXPECT_EQ(Latest(), 0);
}

TEST_F(EventsObserverTest, NotCalledForReads) {
  Append(MakeEvent("off_1"));
  ASSERT_EQ(calls_.load(), 1);
  ListAfter(0, 10);
  EXPECT_EQ(calls_.load(), 1);
}

TEST_F(EventsObserverTest, ClearedObserverIsNotCalled) {
  store_->SetEventsCommittedObserver(nullptr);
  Append(MakeEvent("off_1"));
  EXPECT_EQ(calls_.load(), 0);
}

// A batch of queued writes commits once: one call when any kept write
// appended events, none when the only one that did was rolled back.
TEST_F(EventsObserverTest, CalledOncePerGroupCommitAndIgnoresRolledBackMembers) {
  auto run_batch = [&](bool events_in_failing_write_only) {
    absl::Notification first_started, release_first;
    std::thread first([&] {
      EXPECT_TRUE(store_->Write([&](Tx&) {
                    first_started.Notify();
                    release_first.WaitForNotification();
                    return absl::OkStatus();
                  }).ok());
    });
    first_started.WaitForNotification();
    const int64_t queued_before = store_->write_stats().queued;
    std::vector<std::thread> writers;
    for (int i = 0; i < 3; ++i) {
      writers.emplace_back([&, i] {
        store_->Write([&](Tx& tx) -> absl::Status {
          const bool fails = i == 1;
          if (fails || !events_in_failing_write_only) {
            GW_RETURN_IF_ERROR(tx.events().Append(MakeEvent(absl::StrCat("off_", i))).status());
          }
          return fails ? InvalidState("write 1 fails", "TEST") : absl::OkStatus();
        }).IgnoreError();
      });
    }
    while (store_->write_stats().queued < queued_before + 3) absl::SleepFor(absl::Milliseconds(1));
    release_first.Notify();
    first.join();
    for (std::thread& t : writers) t.join();
  };
  const SqliteStore::WriteStats before = store_->write_stats();
  run_batch(/*events_in_failing_write_only=*/false);
  EXPECT_EQ(store_->write_stats().commits - before.commits, 2) << "the first, then the batch";
  EXPECT_EQ(calls_.load(), 1);
  std::vector<EventRecord> kept = ListAfter(0, 10);
  ASSERT_EQ(kept.size(), 2u);
  // The queue order of the three writers is the scheduler's.
  EXPECT_THAT((std::vector<std::string>{kept[0].resource_id, kept[1].resource_id}),
              ::testing::UnorderedElementsAre("off_0", "off_2"));
  EXPECT_EQ(kept[0].sequence, 1);
  EXPECT_EQ(kept[1].sequence, 2) << "a rolled-back sequence was never seen, so it is reused";
  run_batch(/*events_in_failing_write_only=*/true);
  EXPECT_EQ(calls_.load(), 1) << "the batch's only events were rolled back";
}

}  // namespace
}  // namespace gigwire
