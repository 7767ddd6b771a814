// fanout_bench: the real-time path under fan-out. For 1, 100, 1,000 and
// 10,000 subscribers of EventService.WatchEvents (admins: every subscriber
// receives every event) it measures
//   - resident memory per idle stream (process RSS growth / streams; client
//     and server share the process, so this is an upper bound for the server),
//   - sustained throughput: a burst of events committed by one producer as
//     fast as it can, per second until every subscriber received all of
//     them (events/s and deliveries/s),
//   - commit-to-client latency p50/p99 at a third of that rate (from the
//     event's create_time, stamped just before its transaction commits, to
//     the moment a client reactor receives it), also as a multiple of a
//     no-op unary call's latency measured in the same run.
// The server runs in-process on loopback with the same code as gigwired;
// clients use gRPC's callback API (one reactor per stream) over 16 channels.
//
//   fanout_bench [--max-subscribers 10000] [--seconds 3] [--markdown]
#include <grpcpp/create_channel.h>
#include <grpcpp/support/client_callback.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gigwire/v1/event.grpc.pb.h"
#include "server/api/convert.h"
#include "server/api/server.h"
#include "tools/bench/noop_call.h"

namespace gigwire::bench {
namespace {

namespace pb = ::gigwire::v1;

struct Options {
  int max_subscribers = 10000;
  double seconds = 3;
  bool markdown = false;
};

int64_t ResidentKiB() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "VmRSS:") {
      int64_t kib = 0;
      status >> kib;
      return kib;
    }
    status.ignore(4096, '\n');
  }
  return 0;
}

// Shared by every subscriber: latencies of received events and counters.
struct Collector {
  absl::Mutex mu;
  std::vector<double> latencies_us ABSL_GUARDED_BY(mu);
  bool recording ABSL_GUARDED_BY(mu) = false;
  std::atomic<int64_t> deliveries{0};
  std::atomic<int64_t> heartbeats{0};
  std::atomic<int64_t> ended{0};
  std::atomic<int64_t> ended_not_cancelled{0};

  void Record(const pb::Event& event) {
    deliveries.fetch_add(1, std::memory_order_relaxed);
    const double latency =
        absl::ToDoubleMicroseconds(absl::Now() - TimeFromProto(event.create_time()));
    absl::MutexLock lock(&mu);
    if (recording) latencies_us.push_back(latency);
  }
};

// One WatchEvents stream: reads until cancelled.
class Subscriber final : public grpc::ClientReadReactor<pb::WatchEventsResponse> {
 public:
  Subscriber(pb::EventService::Stub& stub, const std::string& token, Collector& collector)
      : collector_(collector) {
    context_.AddMetadata("authorization", "Bearer " + token);
    stub.async()->WatchEvents(&context_, &request_, this);
    StartRead(&response_);
    StartCall();
  }
  void OnReadDone(bool ok) override {
    if (!ok) return;  // the stream is ending; OnDone follows
    if (response_.has_event()) collector_.Record(response_.event());
    if (response_.has_heartbeat()) collector_.heartbeats.fetch_add(1);
    StartRead(&response_);
  }
  void OnDone(const grpc::Status& status) override {
    if (status.error_code() != grpc::StatusCode::CANCELLED) collector_.ended_not_cancelled++;
    collector_.ended++;
  }
  void Cancel() { context_.TryCancel(); }

 private:
  Collector& collector_;
  grpc::ClientContext context_;
  pb::WatchEventsRequest request_;
  pb::WatchEventsResponse response_;
};

struct Fixture {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<GigwireServer> server;
  std::vector<std::unique_ptr<pb::EventService::Stub>> stubs;  // one per channel
  Principal buyer;
  std::string admin_token, category_id;
};

void SetUp(Fixture& f, const std::filesystem::path& dir) {
  BackendOptions options;
  options.store.path = (dir / "gigwire.db").string();
  options.token_keys = *ParseTokenKeyFile(NewTokenKeyFileText());
  options.scrypt = ScryptParams::InsecureFastForTests();
  options.rate_limits.per_principal = {1e9, 1e9};
  // Throughput is measured with bursts larger than the default queue: no
  // stream may be cut as a slow consumer for it (dropped streams are counted).
  options.events.max_queued_events = 1 << 20;
  f.backend = *Backend::Open(options);
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  f.server = *GigwireServer::Start(server_options, *f.backend);
  for (int i = 0; i < 16; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("gigwire.bench.channel", i);  // distinct args: a connection each
    args.SetInt(GRPC_ARG_MAX_RECEIVE_MESSAGE_LENGTH, 4 << 20);
    f.stubs.push_back(pb::EventService::NewStub(grpc::CreateCustomChannel(
        f.server->address(), grpc::InsecureChannelCredentials(), args)));
  }
  Accounts& accounts = f.backend->accounts;
  auto admin = accounts.CreateOrPromoteAdmin("admin@bench.dev", "bench-password-1");
  auto buyer = accounts.Register({"buyer@bench.dev", "bench-password-1", "Buyer", {Role::kBuyer}});
  f.admin_token = f.backend->tokens.Issue(admin->id);
  f.buyer = Principal{buyer->id, buyer->roles, ""};
  CategoryInput category{"bench", "Bench", ""};
  f.category_id = f.backend->catalog.CreateCategory(Principal{admin->id, admin->roles, ""},
                                                    category, {})->id;
}

// One event: a buyer posts a job (JOB_CREATED, which admins see).
bool Produce(Fixture& f) {
  Job job;
  job.title = "Fan-out job";
  job.description = "Created by the fan-out benchmark.";
  job.category_id = f.category_id;
  job.budget_min = {"USD", 1000};
  job.budget_max = {"USD", 2000};
  job.due_time = absl::Now() + absl::Hours(24 * 30);
  return f.backend->jobs.Create(f.buyer, job, {}).ok();
}

bool WaitFor(const std::function<bool()>& done, absl::Duration patience) {
  const absl::Time deadline = absl::Now() + patience;
  while (!done()) {
    if (absl::Now() > deadline) return false;
    absl::SleepFor(absl::Milliseconds(5));
  }
  return true;
}

// Returns once no delivery arrived for 300 ms.
void WaitUntilQuiet(Collector& c) {
  int64_t last = -1;
  while (c.deliveries.load() != last) {
    last = c.deliveries.load();
    absl::SleepFor(absl::Milliseconds(300));
  }
}

struct Row {
  int subscribers = 0;
  double kib_per_stream = 0;
  double paced_rate = 0;
  double p50_ms = 0, p99_ms = 0;
  int64_t samples = 0;
  double sustained_events = 0, sustained_deliveries = 0;
  int64_t dropped_streams = 0;  // ended by the server (e.g. SLOW_CONSUMER)
};

double Percentile(std::vector<double>& values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  return values[std::min(values.size() - 1, static_cast<size_t>(values.size() * p))];
}

// Paced production: `rate` events/s for `seconds`; latencies of every delivery.
void MeasureLatency(Fixture& f, Collector& c, double rate, double seconds, Row& row) {
  {
    absl::MutexLock lock(&c.mu);
    c.latencies_us.clear();
    c.recording = true;
  }
  const int events = std::max(1, static_cast<int>(rate * seconds));
  const absl::Time start = absl::Now();
  for (int i = 0; i < events; ++i) {
    absl::SleepFor(start + absl::Seconds(i / rate) - absl::Now());
    Produce(f);
  }
  WaitUntilQuiet(c);  // the last events' deliveries count too
  absl::MutexLock lock(&c.mu);
  c.recording = false;
  row.samples = static_cast<int64_t>(c.latencies_us.size());
  row.p50_ms = Percentile(c.latencies_us, 0.50) / 1000;
  row.p99_ms = Percentile(c.latencies_us, 0.99) / 1000;
  row.paced_rate = rate;
}

// A burst: one producer commits `events` as fast as it can; the clock stops
// when every subscriber has received every one of them. Sustained rates are
// events (and deliveries) per second of that whole span.
void MeasureSustained(Fixture& f, Collector& c, int subscribers, Row& row) {
  const int events = std::max(50, std::min(2000, 400'000 / subscribers));
  const int64_t delivered_before = c.deliveries.load();
  const int64_t expected = int64_t{events} * subscribers;
  const absl::Time start = absl::Now();
  int produced = 0;
  for (int i = 0; i < events; ++i) produced += Produce(f) ? 1 : 0;
  WaitFor([&] { return c.deliveries.load() - delivered_before >= expected; },
          absl::Seconds(120));
  const double span = absl::ToDoubleSeconds(absl::Now() - start);
  row.sustained_events = produced / span;
  row.sustained_deliveries = (c.deliveries.load() - delivered_before) / span;
}

// The baseline of the same run: latency of a no-op unary call (the health
// check) on the same server and channel kind.
void MeasureNoOpCall(Fixture& f, double& p50_ms, double& p99_ms) {
  auto channel = grpc::CreateChannel(f.server->address(), grpc::InsecureChannelCredentials());
  std::vector<double> latencies_us;
  for (int i = 0; i < 2000; ++i) {
    const absl::Time start = absl::Now();
    NoOpCall(*channel);
    if (i >= 200) latencies_us.push_back(absl::ToDoubleMicroseconds(absl::Now() - start));
  }
  p50_ms = Percentile(latencies_us, 0.50) / 1000;
  p99_ms = Percentile(latencies_us, 0.99) / 1000;
}

Row RunStep(Fixture& f, int subscribers, const Options& o) {
  Row row;
  row.subscribers = subscribers;
  Collector collector;
  const int64_t rss_before = ResidentKiB();
  std::vector<std::unique_ptr<Subscriber>> subs;
  for (int i = 0; i < subscribers; ++i) {
    subs.push_back(std::make_unique<Subscriber>(*f.stubs[i % f.stubs.size()], f.admin_token,
                                                collector));
  }
  // Each stream's first message is a heartbeat: all are live after that.
  WaitFor([&] { return collector.heartbeats.load() >= subscribers; }, absl::Seconds(120));
  absl::SleepFor(absl::Milliseconds(500));
  row.kib_per_stream = double(ResidentKiB() - rss_before) / subscribers;
  MeasureSustained(f, collector, subscribers, row);
  // Latency under load, not at saturation: paced at a third of the measured
  // sustained rate (at most 200 events/s).
  const double rate = std::clamp(row.sustained_events / 3, 0.5, 200.0);
  MeasureLatency(f, collector, rate, o.seconds, row);
  row.dropped_streams = collector.ended_not_cancelled.load();
  for (auto& sub : subs) sub->Cancel();
  WaitFor([&] { return collector.ended.load() == subscribers; }, absl::Seconds(60));
  return row;
}

// `noop_p50_ms`/`noop_p99_ms`: the baseline; each latency is also given as a
// multiple of it.
void Print(const std::vector<Row>& rows, double noop_p50_ms, double noop_p99_ms, bool markdown) {
  std::cout << absl::StrFormat("baseline no-op unary call: p50 %.3f ms, p99 %.3f ms\n\n",
                               noop_p50_ms, noop_p99_ms);
  if (markdown) {
    std::cout << "| subscribers | KiB per idle stream | paced events/s | p50 ms (x no-op) "
                 "| p99 ms (x no-op) | latency samples | sustained events/s | deliveries/s "
                 "| streams dropped |\n"
              << "|---|---|---|---|---|---|---|---|---|\n";
  }
  for (const Row& r : rows) {
    std::cout << absl::StrFormat(
                     markdown ? "| %d | %.1f | %.0f | %.2f (%.0fx) | %.2f (%.0fx) | %d | %.0f "
                                "| %.0f | %d |\n"
                              : "subscribers=%-6d KiB/stream=%-7.1f paced=%-4.0f/s "
                                "p50=%.2fms (%.0fx) p99=%.2fms (%.0fx) samples=%d "
                                "sustained=%.0f events/s deliveries=%.0f/s dropped=%d\n",
                     r.subscribers, r.kib_per_stream, r.paced_rate, r.p50_ms,
                     r.p50_ms / noop_p50_ms, r.p99_ms, r.p99_ms / noop_p99_ms, r.samples,
                     r.sustained_events, r.sustained_deliveries, r.dropped_streams);
  }
}

}  // namespace
}  // namespace gigwire::bench

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as gigwired does
  gigwire::bench::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--max-subscribers" && i + 1 < argc) options.max_subscribers = std::stoi(argv[++i]);
    else if (arg == "--seconds" && i + 1 < argc) options.seconds = std::stod(argv[++i]);
    else if (arg == "--markdown") options.markdown = true;
    else {
      std::cerr << "usage: fanout_bench [--max-subscribers N] [--seconds S] [--markdown]\n";
      return 2;
    }
  }
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("gigwire-fanout-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::vector<gigwire::bench::Row> rows;
  double noop_p50_ms = 0, noop_p99_ms = 0;
  {
    gigwire::bench::Fixture fixture;
    gigwire::bench::SetUp(fixture, dir);
    gigwire::bench::MeasureNoOpCall(fixture, noop_p50_ms, noop_p99_ms);
    for (int n : {1, 100, 1000, 10000}) {
      if (n > options.max_subscribers) break;
      rows.push_back(gigwire::bench::RunStep(fixture, n, options));
    }
    fixture.server->Shutdown(absl::Seconds(1));
  }
  gigwire::bench::Print(rows, noop_p50_ms, noop_p99_ms, options.markdown);
  std::filesystem::remove_all(dir);
  return 0;
}
