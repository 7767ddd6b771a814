#include "server/events/event_hub.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

// Generous bound so a broken hub fails instead of hanging; not a speed check.
constexpr absl::Duration kPatience = absl::Seconds(20);

// A stream stand-in: counts wakeups and pulls items the way a reactor does.
class Reader {
 public:
  // Detaches first: the hub may otherwise wake a Reader that is gone.
  ~Reader() {
    if (sub_ != nullptr) sub_->Cancel();
  }

  std::function<void()> Wakeup() {
    return [this] {
      absl::MutexLock lock(&mu_);
      ++wakeups_;
    };
  }
  void Attach(std::shared_ptr<Subscription> sub) { sub_ = std::move(sub); }

  // The next item, waiting for a wakeup when none is ready; nullopt on timeout.
  std::optional<StreamItem> Next(absl::Duration patience = kPatience) {
    const absl::Time deadline = absl::Now() + patience;
    while (true) {
      int64_t seen;
      {
        absl::MutexLock lock(&mu_);
        seen = wakeups_;
      }
      if (std::optional<StreamItem> item = sub_->Next()) return item;
      absl::MutexLock lock(&mu_);
      auto woken = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return wakeups_ != seen; };
      if (!mu_.AwaitWithDeadline(absl::Condition(&woken), deadline)) return std::nullopt;
    }
  }

  // The sequences of the next events, skipping heartbeats.
  std::vector<int64_t> Events(int count) {
    std::vector<int64_t> sequences;
    while (static_cast<int>(sequences.size()) < count) {
      std::optional<StreamItem> item = Next();
      if (!item.has_value() || item->kind == StreamItem::Kind::kEnd) break;
      if (item->kind == StreamItem::Kind::kEvent) sequences.push_back(item->event->sequence);
    }
    return sequences;
  }

  Subscription& sub() { return *sub_; }

 private:
  absl::Mutex mu_;
  int64_t wakeups_ ABSL_GUARDED_BY(mu_) = 0;
  std::shared_ptr<Subscription> sub_;
};

class EventHubTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testutil::OpenTestStore(dir_, 3);
    ASSERT_NE(store_, nullptr);
  }
  void StartHub(EventHubOptions options = {}) {
    options.read_batch = 7;  // several pages even for small tests
    absl::StatusOr<std::unique_ptr<EventHub>> hub = EventHub::Start(*store_, options);
    ASSERT_TRUE(hub.ok()) << hub.status();
    hub_ = *std::move(hub);
  }

  // Appends one event per call in its own transaction; returns its sequence.
  int64_t Append(const std::string& buyer, const std::string& seller,
                 EventType type = EventType::kJobCreated, absl::Time at = absl::Now()) {
    int64_t sequence = 0;
    EXPECT_TRUE(store_->Write([&](Tx& tx) -> absl::Status {
                  EventRecord event;
                  event.type = type;
                  event.create_time = at;
                  event.actor_id = "usr_actor";
                  event.resource_id = "job_x";
                  event.job_id = "job_x";
                  event.buyer_id = buyer;
                  event.seller_id = seller;
                  event.payload = "payload";
                  GW_ASSIGN_OR_RETURN(sequence, tx.events().Append(event));
                  return absl::OkStatus();
                }).ok());
    return sequence;
  }

  std::shared_ptr<Subscription> Subscribe(Reader& reader, EventFilter filter,
                                          std::optional<int64_t> after) {
    auto sub = hub_->Subscribe(std::move(filter), after, reader.Wakeup());
    reader.Attach(sub);
    return sub;
  }

  static EventFilter UserFilter(const std::string& user) {
    EventFilter filter;
    filter.user_id = user;
    return filter;
  }
  static EventFilter AdminFilter() {
    EventFilter filter;
    filter.all_users = true;
    return filter;
  }

  testutil::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<EventHub> hub_;  // destroyed before the store
};

TEST(EventFilterTest, MatchesAudienceTypesAndJob) {
  EventRecord event;
  event.type = EventType::kOfferCreated;
  event.buyer_id = "usr_b";
  event.seller_id = "usr_s";
  event.job_id = "job_1";
  EventFilter seller;
  seller.user_id = "usr_s";
  EXPECT_TRUE(seller.Matches(event));
  EventFilter other;
  other.user_id = "usr_other";
  EXPECT_FALSE(other.Matches(event));
  EventFilter admin;
  admin.all_users = true;
  EXPECT_TRUE(admin.Matches(event));
  admin.job_id = "job_2";
  EXPECT_FALSE(admin.Matches(event));
  seller.types = {EventType::kOfferAccepted};
  EXPECT_FALSE(seller.Matches(event));
  seller.types.push_back(EventType::kOfferCreated);
  EXPECT_TRUE(seller.Matches(event));
}

TEST_F(EventHubTest, ALiveSubscriberGetsAHeartbeatThenCommittedEventsInOrder) {
  const int64_t before = Append("usr_b", "");
  StartHub();
  Reader reader;
  Subscribe(reader, UserFilter("usr_b"), std::nullopt);
  std::optional<StreamItem> first = reader.Next();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->kind, StreamItem::Kind::kHeartbeat);
  EXPECT_EQ(first->cursor, before);  // starts after what already existed
  std::vector<int64_t> appended;
  for (int i = 0; i < 5; ++i) appended.push_back(Append("usr_b", ""));
  EXPECT_EQ(reader.Events(5), appended);
}

TEST_F(EventHubTest, SubscribersSeeOnlyTheirEventsAndAdminsSeeAll) {
  StartHub();
  Reader buyer, seller, other, admin;
  Subscribe(buyer, UserFilter("usr_b"), std::nullopt);
  Subscribe(seller, UserFilter("usr_s"), std::nullopt);
  Subscribe(other, UserFilter("usr_other"), std::nullopt);
  Subscribe(admin, AdminFilter(), std::nullopt);
  const int64_t job = Append("usr_b", "");
  const int64_t offer = Append("", "usr_s", EventType::kOfferCreated);
  const int64_t booking = Append("usr_b", "usr_s", EventType::kBookingCreated);
  EXPECT_EQ(buyer.Events(2), (std::vector<int64_t>{job, booking}));
  EXPECT_EQ(seller.Events(2), (std::vector<int64_t>{offer, booking}));
  EXPECT_EQ(admin.Events(3), (std::vector<int64_t>{job, offer, booking}));
  // The other user got only its first heartbeat: wait for the admin to have
  // everything, then nothing more is ready for it.
  std::optional<StreamItem> heartbeat = other.Next();
  ASSERT_TRUE(heartbeat.has_value());
  EXPECT_EQ(heartbeat->kind, StreamItem::Kind::kHeartbeat);
  EXPECT_FALSE(other.sub().Next().has_value());
}

TEST_F(EventHubTest, AResumedSubscriberGetsEveryLaterEventOnceInOrderWhileWritesContinue) {
  for (int i = 0; i < 40; ++i) Append("usr_b", "");
  StartHub();
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) Append(i % 3 == 0 ? "usr_other" : "usr_b", "");
  });
  Reader reader;
  Subscribe(reader, UserFilter("usr_b"), /*after=*/10);
  writer.join();
  std::vector<int64_t> expected;
  for (int64_t seq = 11; seq <= 240; ++seq) {
    if (seq <= 40 || (seq - 41) % 3 != 0) expected.push_back(seq);
  }
  EXPECT_EQ(reader.Events(static_cast<int>(expected.size())), expected);
}

TEST_F(EventHubTest, ALiveSubscriberThatFallsBehindIsEndedAsASlowConsumer) {
  EventHubOptions options;
  options.max_queued_events = 4;
  StartHub(options);
  Reader reader;
  Subscribe(reader, UserFilter("usr_b"), std::nullopt);
  ASSERT_EQ(reader.Next()->kind, StreamItem::Kind::kHeartbeat);
  for (int i = 0; i < 10; ++i) Append("usr_b", "");  // nobody reads
  std::optional<StreamItem> item;
  do {
    item = reader.Next();
  } while (item.has_value() && item->kind != StreamItem::Kind::kEnd);
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ReasonOf(item->status), v1::SLOW_CONSUMER);
  EXPECT_FALSE(reader.sub().Next().has_value());  // the end is reported once
}

TEST_F(EventHubTest, ReplayPausesForASlowReaderInsteadOfEndingIt) {
  for (int i = 0; i < 30; ++i) Append("usr_b", "");
  EventHubOptions options;
  options.max_queued_events = 4;
  StartHub(options);
  Reader reader;
  Subscribe(reader, UserFilter("usr_b"), /*after=*/0);
  std::vector<int64_t> expected;
  for (int64_t seq = 1; seq <= 30; ++seq) expected.push_back(seq);
  EXPECT_EQ(reader.Events(30), expected);
}

TEST_F(EventHubTest, ACursorBeforeTheRetainedEventsIsExpired) {
  const absl::Time old = absl::Now() - absl::Hours(48);
  for (int i = 0; i < 5; ++i) Append("usr_b", "", EventType::kJobCreated, old);
  for (int i = 0; i < 5; ++i) Append("usr_b", "");
  ASSERT_TRUE(store_->Write([&](Tx& tx) {
                return tx.events().DeleteBefore(absl::Now() - absl::Hours(24), 100).status();
              }).ok());
  StartHub();
  // Deleted by retention: expired; past the newest event: ahead, its own
  // reason (a cursor from another server, not an old one).
  for (auto [after, reason] : {std::pair{int64_t{2}, v1::CURSOR_EXPIRED},
                               std::pair{int64_t{99}, v1::CURSOR_AHEAD}}) {
    Reader reader;
    Subscribe(reader, UserFilter("usr_b"), after);
    std::optional<StreamItem> item = reader.Next();
    ASSERT_TRUE(item.has_value());
    ASSERT_EQ(item->kind, StreamItem::Kind::kEnd) << after;
    EXPECT_EQ(item->status.code(), absl::StatusCode::kOutOfRange);
    EXPECT_EQ(ReasonOf(item->status), reason) << after;
  }
  Reader fine;
  Subscribe(fine, UserFilter("usr_b"), /*after=*/5);  // exactly where retention stopped
  EXPECT_EQ(fine.Events(5), (std::vector<int64_t>{6, 7, 8, 9, 10}));
}

TEST_F(EventHubTest, HeartbeatsCarryThePositionOfAnIdleStream) {
  EventHubOptions options;
  options.heartbeat_interval = absl::Milliseconds(20);
  StartHub(options);
  Reader reader;
  Subscribe(reader, UserFilter("usr_b"), std::nullopt);
  ASSERT_EQ(reader.Next()->kind, StreamItem::Kind::kHeartbeat);
  const int64_t unrelated = Append("usr_other", "");
  // A later heartbeat moves past the event this stream did not need.
  std::optional<StreamItem> item;
  do {
    item = reader.Next();
    ASSERT_TRUE(item.has_value());
  } while (item->kind != StreamItem::Kind::kHeartbeat || item->cursor < unrelated);
  EXPECT_EQ(item->cursor, unrelated);
}

TEST_F(EventHubTest, ShutdownEndsStreamsAsUnavailableAndRefusesNewOnes) {
  StartHub();
  Reader reader;
  Subscribe(reader, UserFilter("usr_b"), std::nullopt);
  hub_->Shutdown();
  std::optional<StreamItem> item;
  do {
    item = reader.Next();
  } while (item.has_value() && item->kind != StreamItem::Kind::kEnd);
  ASSERT_TRUE(item.has_value());
  EXPECT_EQ(item->status.code(), absl::StatusCode::kUnavailable);
  Reader late;
  Subscribe(late, UserFilter("usr_b"), std::nullopt);
  std::optional<StreamItem> refused = late.Next();
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->kind, StreamItem::Kind::kEnd);
  EXPECT_EQ(refused->status.code(), absl::StatusCode::kUnavailable);
}

TEST_F(EventHubTest, CancelDetachesTheSubscriber) {
  StartHub();
  Reader reader;
  auto sub = Subscribe(reader, UserFilter("usr_b"), std::nullopt);
  EXPECT_EQ(hub_->subscriber_count(), 1);
  sub->Cancel();
  EXPECT_EQ(hub_->subscriber_count(), 0);
  Append("usr_b", "");  // must not touch the cancelled subscriber
  EXPECT_EQ(hub_->subscriber_count(), 0);
}

}  // namespace
}  // namespace gigwire
