// End-to-end of the C++ SDK's resumable watch (Client::WatchEvents) against a
// real gigwired: a buyer's watch gets each of its job events once, in order,
// and nobody else's; WatchStop ends it with OK and reports the last cursor;
// resuming from that cursor gets exactly the later events; a stream broken
// by the server stopping is retried until stopped; an expired cursor ends
// the watch with OUT_OF_RANGE / CURSOR_EXPIRED; and the notification inbox.
// Ending a watch (WatchStop, or on_event returning false) ends its call: the
// server logs the stream CANCELLED while the client is still connected.
// Jobs are produced through the generated stubs (the SDK does not wrap
// JobService yet). Every wait is bounded.
#include <grpcpp/create_channel.h>

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gigwire/client.h"
#include "gigwire/v1/catalog.grpc.pb.h"
#include "gigwire/v1/job.grpc.pb.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"

namespace gigwire {
namespace {

using testing::ServerProcess;

constexpr char kPassword[] = "correct-horse-battery";
constexpr absl::Duration kPatience = absl::Seconds(20);  // a bound, not a speed check

// Events a watch delivered, shared with the test thread.
class Seen {
 public:
  bool Add(const v1::Event& event) {
    absl::MutexLock lock(&mu_);
    events_.push_back(event);
    return true;
  }
  // Waits until at least `count` events arrived; false on timeout.
  bool WaitFor(size_t count) {
    absl::MutexLock lock(&mu_);
    auto enough = [&]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return events_.size() >= count; };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), kPatience);
  }
  std::vector<v1::Event> events() {
    absl::MutexLock lock(&mu_);
    return events_;
  }

 private:
  absl::Mutex mu_;
  std::vector<v1::Event> events_ ABSL_GUARDED_BY(mu_);
};

// Client::WatchEvents running on a thread of its own into `seen()`; stopped
// and joined when destroyed, so a failed assertion never leaves it running.
class BackgroundWatch {
 public:
  BackgroundWatch(Client& client, const std::string& cursor,
                  absl::Duration max_backoff = absl::Seconds(10)) {
    options_.stop = std::make_shared<WatchStop>();
    options_.last_cursor = &last_cursor_;
    options_.max_backoff = max_backoff;
    options_.on_heartbeat = [this](const v1::Heartbeat&) { ++heartbeats_; };
    v1::WatchEventsRequest request;
    request.set_resume_cursor(cursor);
    thread_ = std::thread([this, &client, request] {
      result_ = client.WatchEvents(
          request, [this](const v1::Event& event) { return seen_.Add(event); }, options_);
      returned_.Notify();
    });
  }
  ~BackgroundWatch() { Stop().IgnoreError(); }

  // Stops the watch; true if WatchEvents then returned within the patience bound
  // (false: it hangs; the destructor still waits for it).
  bool StopReturns() {
    options_.stop->Stop();
    return returned_.WaitForNotificationWithTimeout(kPatience);
  }

  // Waits (bounded) for the first heartbeat: from then on the stream is live.
  bool WaitLive() {
    const absl::Time deadline = absl::Now() + kPatience;
    while (heartbeats_.load() == 0 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
    return heartbeats_.load() > 0;
  }
  // Stops the watch and returns what WatchEvents returned. Idempotent.
  absl::Status Stop() {
    options_.stop->Stop();
    if (thread_.joinable()) thread_.join();
    return result_;
  }
  Seen& seen() { return seen_; }
  const std::string& last_cursor() const { return last_cursor_; }  // after Stop()

 private:
  Seen seen_;
  WatchOptions options_;
  std::atomic<int> heartbeats_{0};
  std::string last_cursor_;
  absl::Status result_ = absl::UnknownError("not run");
  absl::Notification returned_;
  std::thread thread_;
};

class WatchE2eTest : public ::testing::Test {
 protected:
  void StartServer(std::vector<std::string> flags = {}) {
    flags.insert(flags.end(), {"--rate-auth-burst", "1000"});
    auto started = ServerProcess::Start(flags);
    ASSERT_TRUE(started.ok()) << started.status();
    server_.emplace(*std::move(started));
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    admin_ = Connect();
    ASSERT_TRUE(admin_->Login(testing::kAdminEmail, testing::kAdminPassword).ok());
    v1::CreateCategoryRequest request;
    request.mutable_category()->set_slug("logos");
    request.mutable_category()->set_display_name("Logos");
    v1::Category category;
    ASSERT_TRUE(Authed(*admin_, [&](grpc::ClientContext* context) {
      return v1::CatalogService::NewStub(channel_)->CreateCategory(context, request, &category);
    }).ok());
    category_id_ = category.id();
  }

  std::unique_ptr<Client> Connect() {
    ClientOptions options;
    options.target = server_->address();
    return Client::Connect(options);
  }

  std::unique_ptr<Client> Buyer(const std::string& email) {
    std::unique_ptr<Client> client = Connect();
    v1::RegisterRequest request;
    request.set_email(email);
    request.set_password(kPassword);
    request.set_display_name("Buyer");
    request.add_roles(v1::ROLE_BUYER);
    EXPECT_TRUE(client->Register(request).ok());
    EXPECT_TRUE(client->Login(email, kPassword).ok());
    return client;
  }

  template <typename CallFn>
  grpc::Status Authed(Client& client, CallFn call) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", absl::StrCat("Bearer ", client.access_token()));
    context.set_deadline(absl::ToChronoTime(absl::Now() + kPatience));
    return call(&context);
  }

  // Posts a job as `buyer`; returns its id.
  std::string PostJob(Client& buyer, const std::string& title) {
    v1::CreateJobRequest request;
    v1::Job* job = request.mutable_job();
    job->set_title(title);
    job->set_description("A round logo, warm colours.");
    job->set_category_id(category_id_);
    for (v1::Money* money : {job->mutable_budget()->mutable_min(),
                             job->mutable_budget()->mutable_max()}) {
      money->set_currency_code("USD");
      money->set_amount_minor(20'000);
    }
    job->mutable_due_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 7)));
    v1::Job created;
    grpc::Status status = Authed(buyer, [&](grpc::ClientContext* context) {
      return v1::JobService::NewStub(channel_)->CreateJob(context, request, &created);
    });
    EXPECT_TRUE(status.ok()) << status.error_message();
    return created.id();
  }

  std::optional<ServerProcess> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Client> admin_;
  std::string category_id_;
};

// The codes of `principal`'s WatchEvents streams that the server logged as ended.
std::vector<std::string> WatchStreamEnds(const ServerProcess& server, const std::string& principal) {
  const std::string method = R"("method":"/gigwire.v1.EventService/WatchEvents")";
  const std::string caller = absl::StrCat(R"("principal":")", principal, R"(")");
  const std::string code = R"("code":")";
  std::vector<std::string> codes;
  for (absl::string_view line : absl::StrSplit(server.log(), '\n')) {
    const size_t at = line.find(code);
    if (line.find(method) == line.npos || line.find(caller) == line.npos || at == line.npos) {
      continue;
    }
    absl::string_view rest = line.substr(at + code.size());
    codes.emplace_back(rest.substr(0, rest.find('"')));
  }
  return codes;
}

// Polls the server's log (bounded) until it shows an ended stream of `principal`.
std::vector<std::string> WaitStreamEnds(const ServerProcess& server, const std::string& principal) {
  const absl::Time deadline = absl::Now() + kPatience;
  while (WatchStreamEnds(server, principal).empty() && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  return WatchStreamEnds(server, principal);
}

std::vector<std::string> JobIds(const std::vector<v1::Event>& events) {
  std::vector<std::string> ids;
  for (const v1::Event& event : events) ids.push_back(event.job().id());
  return ids;
}

TEST_F(WatchE2eTest, AWatchGetsItsOwnEventsOnceAndResumesFromItsLastCursor) {
  StartServer();
  std::unique_ptr<Client> buyer = Buyer("ada@example.com");
  std::unique_ptr<Client> other = Buyer("bob@example.com");
  auto watch = std::make_unique<BackgroundWatch>(*buyer, "");
  ASSERT_TRUE(watch->WaitLive());  // it starts "now": produce only once it is live
  std::vector<std::string> mine;
  for (int i = 0; i < 5; ++i) {
    mine.push_back(PostJob(*buyer, absl::StrCat("Job ", i)));
    PostJob(*other, absl::StrCat("Not Ada's ", i));
  }
  ASSERT_TRUE(watch->seen().WaitFor(mine.size()));
  absl::Status result = watch->Stop();
  EXPECT_TRUE(result.ok()) << result;
  std::vector<v1::Event> events = watch->seen().events();
  EXPECT_EQ(JobIds(events), mine);  // only Ada's, each once, in order
  for (const v1::Event& event : events) EXPECT_EQ(event.type(), v1::JOB_CREATED);
  const std::string last_cursor = watch->last_cursor();
  EXPECT_EQ(last_cursor, events.back().cursor());

  // Resuming from the last cursor: exactly what happened since.
  const std::string later = PostJob(*buyer, "Later");
  watch = std::make_unique<BackgroundWatch>(*buyer, last_cursor);
  ASSERT_TRUE(watch->seen().WaitFor(1));
  EXPECT_TRUE(watch->Stop().ok());
  EXPECT_EQ(JobIds(watch->seen().events()), std::vector<std::string>{later});
}

TEST_F(WatchE2eTest, WatchStopEndsTheWatchAndItsCallOnTheServer) {
  StartServer();
  std::unique_ptr<Client> buyer = Buyer("ada@example.com");
  absl::StatusOr<v1::User> me = buyer->GetMe();
  ASSERT_TRUE(me.ok()) << me.status();
  BackgroundWatch watch(*buyer, "");
  ASSERT_TRUE(watch.WaitLive());
  ASSERT_TRUE(watch.StopReturns()) << "WatchEvents kept running after Stop()";
  EXPECT_TRUE(watch.Stop().ok());
  // One stream, ended by the client, while `buyer`'s channel is still open.
  EXPECT_EQ(WaitStreamEnds(*server_, me->id()), std::vector<std::string>{"CANCELLED"})
      << server_->log();
}

TEST_F(WatchE2eTest, OnEventReturningFalseEndsTheWatchAndItsCallOnTheServer) {
  StartServer();
  std::unique_ptr<Client> buyer = Buyer("ada@example.com");
  absl::StatusOr<v1::User> me = buyer->GetMe();
  ASSERT_TRUE(me.ok()) << me.status();
  PostJob(*buyer, "Replayed");
  v1::WatchEventsRequest request;
  request.set_resume_cursor("0");  // from the start: replays the job's JOB_CREATED
  int delivered = 0;
  absl::Status status = buyer->WatchEvents(request, [&delivered](const v1::Event&) {
    ++delivered;
    return false;
  });
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(delivered, 1);
  EXPECT_EQ(WaitStreamEnds(*server_, me->id()), std::vector<std::string>{"CANCELLED"})
      << server_->log();
}

TEST_F(WatchE2eTest, AStreamBrokenByTheServerStoppingIsRetriedUntilStopped) {
  StartServer();
  std::unique_ptr<Client> buyer = Buyer("ada@example.com");
  BackgroundWatch watch(*buyer, "", /*max_backoff=*/absl::Milliseconds(50));
  ASSERT_TRUE(watch.WaitLive());
  PostJob(*buyer, "Before the stop");
  ASSERT_TRUE(watch.seen().WaitFor(1));
  EXPECT_EQ(server_->Stop(), 0);  // ends the stream with UNAVAILABLE
  absl::SleepFor(absl::Milliseconds(300));  // the watch keeps reconnecting meanwhile
  absl::Status result = watch.Stop();
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(watch.seen().events().size(), 1u);
}

TEST_F(WatchE2eTest, AnExpiredCursorEndsTheWatchWithCursorExpired) {
  StartServer({"--event-retention-seconds", "1", "--scheduler-interval-seconds", "0.2"});
  std::unique_ptr<Client> buyer = Buyer("ada@example.com");
  PostJob(*buyer, "Soon forgotten");  // cursor 1
  PostJob(*buyer, "Also forgotten");  // cursor 2: what a resume after 1 would miss
  absl::SleepFor(absl::Milliseconds(2500));  // retention 1 s, purged every 0.2 s
  PostJob(*buyer, "After the purge");
  v1::WatchEventsRequest request;
  request.set_resume_cursor("1");
  int delivered = 0;
  absl::Status status = buyer->WatchEvents(request, [&delivered](const v1::Event&) {
    ++delivered;
    return false;  // a watch that was not refused ends here (and the test fails)
  });
  EXPECT_EQ(status.code(), absl::StatusCode::kOutOfRange) << status;
  EXPECT_EQ(ApiErrorOf(status).reason, v1::CURSOR_EXPIRED);
  EXPECT_EQ(delivered, 0);
}

TEST_F(WatchE2eTest, TheInboxHoldsWhatHappenedWhileAway) {
  StartServer();
  std::unique_ptr<Client> buyer = Buyer("ada@example.com");
  const std::string job_id = PostJob(*buyer, "Logo design");
  v1::ApproveJobRequest approve;
  approve.set_id(job_id);
  v1::Job approved;
  ASSERT_TRUE(Authed(*admin_, [&](grpc::ClientContext* context) {
    return v1::JobService::NewStub(channel_)->ApproveJob(context, approve, &approved);
  }).ok());
  absl::StatusOr<v1::ListNotificationsResponse> inbox = buyer->ListNotifications({});
  ASSERT_TRUE(inbox.ok()) << inbox.status();
  ASSERT_EQ(inbox->notifications_size(), 1);  // not its own JOB_CREATED
  EXPECT_EQ(inbox->notifications(0).type(), v1::JOB_APPROVED);
  EXPECT_EQ(inbox->unread_count(), 1);
  v1::MarkNotificationsReadRequest mark;
  mark.add_ids(inbox->notifications(0).id());
  absl::StatusOr<v1::MarkNotificationsReadResponse> marked = buyer->MarkNotificationsRead(mark);
  ASSERT_TRUE(marked.ok()) << marked.status();
  EXPECT_EQ(marked->marked_count(), 1);
  EXPECT_EQ(marked->unread_count(), 0);
}

}  // namespace
}  // namespace gigwire
