// messaging_bench: the messaging calls of issue 16, each reported as a ratio to
// a no-op gRPC call (grpc.health.v1.Health/Check) measured in the same run.
// The server runs in-process on a loopback port with the code gigwired uses;
// clients use real gRPC channels, one stub per thread.
//
//   messaging_bench [--threads 8] [--seconds 3] [--deliveries 400] [--markdown]
//
// Before any timing, each thread's buyer orders a gig of its own seller
// (through the domain) and opens the booking's conversation over gRPC, so
// every thread writes to a conversation no other thread touches. Then:
//   - SendMessage with a request_id (as the SDKs send it), n threads;
//   - ListMessages, the newest page of 50, n threads;
//   - delivery latency: the seller of conversation 0 watches WatchEvents
//     (MESSAGE_SENT only) while its buyer sends one message at a time; the
//     time from the call's start to the event's arrival on the watch, against
//     one no-op call's latency on one thread.
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "gigwire/v1/conversation.grpc.pb.h"
#include "gigwire/v1/event.grpc.pb.h"
#include "server/api/server.h"
#include "tools/bench/measure.h"
#include "tools/bench/noop_call.h"

namespace gigwire::bench {
namespace {

namespace pb = ::gigwire::v1;

struct Options {
  int threads = 8;
  double seconds = 3;
  int deliveries = 400;
  bool markdown = false;
};

// One conversation per thread, between its own buyer and seller.
struct Pair {
  std::string buyer_token, seller_token, conversation_id;
};

struct Fixture {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<GigwireServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::vector<Pair> pairs;
};

template <typename T>
T Must(absl::StatusOr<T> value, absl::string_view what) {
  if (!value.ok()) {
    std::cerr << "setup failed (" << what << "): " << value.status() << "\n";
    std::abort();
  }
  return *std::move(value);
}

std::atomic<int> g_failures_reported{0};

bool CheckCall(const grpc::Status& status, absl::string_view what) {
  if (!status.ok() && g_failures_reported.fetch_add(1) < 3) {
    std::cerr << what << " failed: code " << status.error_code() << ": "
              << status.error_message() << "\n";
  }
  return status.ok();
}

void Authorize(grpc::ClientContext& context, const std::string& token) {
  context.AddMetadata("authorization", "Bearer " + token);
}

std::string OpenConversation(Fixture& f, const Pair& pair, const std::string& booking_id) {
  auto stub = pb::ConversationService::NewStub(f.channel);
  grpc::ClientContext context;
  Authorize(context, pair.buyer_token);
  pb::OpenConversationRequest request;
  request.set_booking_id(booking_id);
  pb::Conversation conversation;
  if (!CheckCall(stub->OpenConversation(&context, request, &conversation), "OpenConversation")) {
    std::abort();
  }
  return conversation.id();
}

// A buyer and a seller with an approved gig, the buyer's order of it, and
// their conversation about it.
Pair MakePair(Fixture& f, const Principal& admin, const std::string& category_id, int i) {
  Accounts& accounts = f.backend->accounts;
  User buyer = Must(accounts.Register({absl::StrCat("buyer", i, "@bench.dev"),
                                       "bench-password-1", "Buyer", {Role::kBuyer}}),
                    "register buyer");
  User seller = Must(accounts.Register({absl::StrCat("seller", i, "@bench.dev"),
                                        "bench-password-1", "Seller", {Role::kSeller}}),
                     "register seller");
  const Principal buyer_p{buyer.id, buyer.roles, ""}, seller_p{seller.id, seller.roles, ""};
  GigDraft draft{"Benchmark gig", "A gig the benchmark orders to have something to talk about.",
                 category_id, Money{"USD", 25'000}, 5, {"bench"}};
  const Gig gig = Must(f.backend->catalog.CreateGig(seller_p, draft, {}), "gig");
  Must(f.backend->catalog.SubmitGig(seller_p, gig.id, "", {}), "submit gig");
  Must(f.backend->catalog.ApproveGig(admin, gig.id, "", {}), "approve gig");
  const Booking booking = Must(
      f.backend->bookings.OrderGig(buyer_p, gig.id, "Requirements written by the benchmark.", {}),
      "order gig");
  Pair pair{f.backend->tokens.Issue(buyer.id), f.backend->tokens.Issue(seller.id), ""};
  pair.conversation_id = OpenConversation(f, pair, booking.id);
  return pair;
}

void SetUp(Fixture& f, const std::filesystem::path& dir, const Options& o) {
  BackendOptions options;
  options.store.path = (dir / "gigwire.db").string();
  options.token_keys = *ParseTokenKeyFile(NewTokenKeyFileText());
  options.scrypt = ScryptParams::InsecureFastForTests();
  options.rate_limits.per_principal = {1e9, 1e9};
  options.rate_limits.per_sender_message = {1e9, 1e9};
  f.backend = Must(Backend::Open(options), "open backend");
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  f.server = Must(GigwireServer::Start(server_options, *f.backend), "start server");
  f.channel = grpc::CreateChannel(f.server->address(), grpc::InsecureChannelCredentials());
  User admin_user = Must(
      f.backend->accounts.CreateOrPromoteAdmin("admin@bench.dev", "bench-password-1"), "admin");
  const Principal admin{admin_user.id, admin_user.roles, ""};
  const Category category =
      Must(f.backend->catalog.CreateCategory(admin, {"bench", "Bench", ""}, {}), "category");
  for (int i = 0; i < o.threads; ++i) f.pairs.push_back(MakePair(f, admin, category.id, i));
}

bool SendMessage(pb::ConversationService::Stub& stub, const Pair& pair, const std::string& text,
                 const std::string& request_id, pb::Message* sent) {
  grpc::ClientContext context;
  Authorize(context, pair.buyer_token);
  pb::SendMessageRequest request;
  request.set_conversation_id(pair.conversation_id);
  request.set_text(text);
  request.set_request_id(request_id);
  return CheckCall(stub.SendMessage(&context, request, sent), "SendMessage");
}

std::vector<std::unique_ptr<pb::ConversationService::Stub>> Stubs(Fixture& f, int n) {
  std::vector<std::unique_ptr<pb::ConversationService::Stub>> stubs;
  for (int t = 0; t < n; ++t) stubs.push_back(pb::ConversationService::NewStub(f.channel));
  return stubs;
}

Result MeasureSend(Fixture& f, const Options& o) {
  auto stubs = Stubs(f, o.threads);
  return Measure("SendMessage (own conversation per thread)", o.threads, o.seconds, 1 << 30,
                 [&](int t, long i) {
                   pb::Message sent;
                   return SendMessage(*stubs[t], f.pairs[t], absl::StrCat("Message ", i, "."),
                                      absl::StrCat("bench-send-", t, "-", i), &sent);
                 });
}

Result MeasureList(Fixture& f, const Options& o) {
  auto stubs = Stubs(f, o.threads);
  return Measure("ListMessages (newest 50)", o.threads, o.seconds, 1 << 30, [&](int t, long) {
    grpc::ClientContext context;
    Authorize(context, f.pairs[t].seller_token);
    pb::ListMessagesRequest request;
    request.set_conversation_id(f.pairs[t].conversation_id);
    request.set_page_size(50);
    pb::ListMessagesResponse response;
    return CheckCall((*stubs[t]).ListMessages(&context, request, &response), "ListMessages") &&
           response.messages_size() == 50;
  });
}

// What the watching seller received: the arrival time of each message id.
class Arrivals {
 public:
  void Record(const std::string& message_id) {
    absl::MutexLock lock(&mu_);
    arrived_[message_id] = absl::Now();
  }
  // Waits up to 5 s for `message_id`; its arrival time, or nullopt.
  std::optional<absl::Time> Await(const std::string& message_id) {
    absl::MutexLock lock(&mu_);
    auto arrived = [&] { return arrived_.contains(message_id); };
    if (!mu_.AwaitWithTimeout(absl::Condition(&arrived), absl::Seconds(5))) return std::nullopt;
    return arrived_[message_id];
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, absl::Time> arrived_ ABSL_GUARDED_BY(mu_);
};

// Delivery latency: send, then wait for the event on the seller's watch.
Result MeasureDelivery(Fixture& f, const Options& o) {
  const Pair& pair = f.pairs[0];
  auto events = pb::EventService::NewStub(f.channel);
  grpc::ClientContext watch_context;
  Authorize(watch_context, pair.seller_token);
  pb::WatchEventsRequest watch_request;
  watch_request.add_types(pb::MESSAGE_SENT);
  auto reader = events->WatchEvents(&watch_context, watch_request);
  pb::WatchEventsResponse first;
  if (!reader->Read(&first)) std::abort();  // the opening heartbeat: the watch is live
  Arrivals arrivals;
  std::thread watcher([&] {
    pb::WatchEventsResponse response;
    while (reader->Read(&response)) {
      if (response.has_event()) arrivals.Record(response.event().message().id());
    }
  });
  auto stubs = Stubs(f, 1);
  Result result = Measure("message delivery to a watching participant", 1, 1e9, o.deliveries,
                          [&](int, long i) {
                            const absl::Time start = absl::Now();
                            pb::Message sent;
                            if (!SendMessage(*stubs[0], pair, absl::StrCat("Ping ", i, "."),
                                             absl::StrCat("bench-ping-", i), &sent)) {
                              return false;
                            }
                            return arrivals.Await(sent.id()).has_value() && start < absl::Now();
                          });
  watch_context.TryCancel();
  watcher.join();
  return result;
}

void Print(const std::vector<Result>& results, bool markdown) {
  const Result& noop_n = results[0];
  const Result& noop_1 = results[1];
  if (markdown) {
    std::cout << "| operation | threads | ops/s | p50 µs | p99 µs | ops/s vs no-op | p50 vs no-op "
                 "p50 | errors |\n|---|---|---|---|---|---|---|---|\n";
  }
  for (const Result& r : results) {
    const Result& noop = r.threads == 1 ? noop_1 : noop_n;
    std::cout << absl::StrFormat(markdown ? "| %s | %d | %.0f | %.0f | %.0f | %.2f | %.1f | %ld |"
                                          : "%-44s threads=%-2d %8.0f ops/s  p50=%6.0fus  "
                                            "p99=%7.0fus  x no-op=%.2f  p50/no-op p50=%.1f  "
                                            "errors=%ld",
                                 r.name, r.threads, r.ops_per_second, r.p50_us, r.p99_us,
                                 r.ops_per_second / noop.ops_per_second, r.p50_us / noop.p50_us,
                                 r.errors)
              << "\n";
  }
}

std::vector<Result> Run(Fixture& f, const Options& o) {
  auto noop = [&](int, long) { return NoOpCall(*f.channel); };
  std::vector<Result> results;
  results.push_back(Measure("no-op RPC (Health/Check)", o.threads, o.seconds, 1 << 30, noop));
  results.push_back(Measure("no-op RPC, one at a time", 1, o.seconds, 1 << 30, noop));
  results.push_back(MeasureSend(f, o));
  results.push_back(MeasureList(f, o));
  results.push_back(MeasureDelivery(f, o));
  results.push_back(Measure("no-op RPC again (drift check)", o.threads, o.seconds, 1 << 30, noop));
  return results;
}

}  // namespace
}  // namespace gigwire::bench

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as gigwired does
  gigwire::bench::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) options.threads = std::stoi(argv[++i]);
    else if (arg == "--seconds" && i + 1 < argc) options.seconds = std::stod(argv[++i]);
    else if (arg == "--deliveries" && i + 1 < argc) options.deliveries = std::stoi(argv[++i]);
    else if (arg == "--markdown") options.markdown = true;
    else {
      std::cerr << "usage: messaging_bench [--threads N] [--seconds S] [--deliveries N] "
                   "[--markdown]\n";
      return 2;
    }
  }
  if (options.threads < 1 || options.deliveries < 1) {
    std::cerr << "need --threads >= 1 and --deliveries >= 1\n";
    return 2;
  }
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("gigwire-messaging-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    gigwire::bench::Fixture fixture;
    gigwire::bench::SetUp(fixture, dir, options);
    gigwire::bench::Print(gigwire::bench::Run(fixture, options), options.markdown);
    fixture.server->Shutdown(absl::Seconds(1));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
