// money_bench: the money calls of issue 15 under concurrency, each reported as
// a ratio to baselines measured in the same run: a no-op gRPC call
// (grpc.health.v1.Health/Check) and a raw one-row SQLite insert loop. The
// server runs in-process on a loopback port with the code gigwired uses
// (manual payment gateway, a 10% platform fee); clients use real gRPC
// channels, one stub per thread, and send a request_id with every write, as
// the SDKs do.
//
//   money_bench [--threads 8] [--seconds 3] [--bookings 4000] [--markdown]
//               [--only ApproveMilestone]
//
// Before any timing, gig-order bookings (one milestone each, USD 250.00) are
// prepared through the domain in one pool per write phase, in the state that
// phase needs: PENDING milestones for FundMilestone, PENDING payments for
// ConfirmPayment, FUNDED milestones for SubmitMilestone, SUBMITTED ones for
// ApproveMilestone (over gRPC, and in-process without gRPC). Each call acts on
// a milestone no other call touches; a phase stops early when its pool runs
// out.
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "gigwire/v1/ledger.grpc.pb.h"
#include "gigwire/v1/milestone.grpc.pb.h"
#include "gigwire/v1/payment.grpc.pb.h"
#include "server/api/server.h"
#include "tools/bench/measure.h"
#include "tools/bench/noop_call.h"
#include "tools/bench/raw_insert.h"

namespace gigwire::bench {
namespace {

namespace pb = ::gigwire::v1;

struct Options {
  int threads = 8;
  double seconds = 3;
  int bookings = 4000;  // per pool
  bool markdown = false;
  std::string only;  // when set, the baselines and the phases whose names start with it
};

constexpr int kBuyers = 40;
constexpr int kSellers = 40;  // one approved gig each
constexpr int64_t kGigPrice = 25'000;
constexpr int32_t kFeeBps = 1'000;

// A prepared milestone and the people who act on it.
struct Target {
  std::string milestone_id;
  std::string payment_id;  // the ConfirmPayment pool's PENDING payment
  int buyer = 0;
  int seller = 0;
};

struct Fixture {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<GigwireServer> server;
  std::shared_ptr<grpc::Channel> channel;
  Principal admin;
  std::string admin_token;
  std::vector<Principal> buyers, sellers;
  std::vector<std::string> buyer_tokens, seller_tokens, gig_ids;
  std::vector<Target> to_fund, to_confirm, to_submit, to_approve, to_approve_in_process;
};

template <typename T>
T Must(absl::StatusOr<T> value, absl::string_view what) {
  if (!value.ok()) {
    std::cerr << "setup failed (" << what << "): " << value.status() << "\n";
    std::abort();
  }
  return *std::move(value);
}

Principal Register(Fixture& f, const std::string& email, Role role) {
  User user = Must(f.backend->accounts.Register({email, "bench-password-1", email, {role}}),
                   "register");
  return Principal{user.id, user.roles, ""};
}

// Runs fn(0..n-1) on `threads` threads (setup: concurrent writes share commits).
void ParallelFor(int n, int threads, const std::function<void(int)>& fn) {
  std::atomic<int> next{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (int i = next++; i < n; i = next++) fn(i);
    });
  }
  for (std::thread& w : workers) w.join();
}

// Steps a gig order through the domain: 0 ordered (PENDING), 1 payment
// started, 2 funded (admin confirmed), 3 submitted.
Target Prepare(Fixture& f, int k, int steps) {
  Target target;
  target.buyer = k % kBuyers;
  target.seller = (k / kBuyers + k) % kSellers;
  const Principal& buyer = f.buyers[target.buyer];
  const Booking booking =
      Must(f.backend->bookings.OrderGig(buyer, f.gig_ids[target.seller],
                                        "Requirements written by the benchmark.", {}),
           "order gig");
  target.milestone_id =
      Must(f.backend->milestones.List(buyer, booking.id), "list milestones").at(0).id;
  if (steps >= 1) {
    target.payment_id = Must(f.backend->payments.Fund(buyer, target.milestone_id, {}), "fund")
                            .payment.id;
  }
  if (steps >= 2) {
    Must(f.backend->payments.Confirm(f.admin, target.payment_id, "Seen on the bank statement.",
                                     {}),
         "confirm");
  }
  if (steps >= 3) {
    Must(f.backend->milestones.Submit(f.sellers[target.seller], target.milestone_id,
                                      "Delivered by the benchmark.", {}),
         "submit");
  }
  return target;
}

std::vector<Target> Pool(Fixture& f, int& next_k, int count, int steps, int threads) {
  std::vector<Target> pool(count);
  const int base = next_k;
  next_k += count;
  ParallelFor(count, threads, [&](int i) { pool[i] = Prepare(f, base + i, steps); });
  return pool;
}

void SetUp(Fixture& f, const std::filesystem::path& dir, const Options& o) {
  BackendOptions options;
  options.store.path = (dir / "gigwire.db").string();
  options.token_keys = *ParseTokenKeyFile(NewTokenKeyFileText());
  options.scrypt = ScryptParams::InsecureFastForTests();
  options.rate_limits.per_principal = {1e9, 1e9};
  options.money.platform_fee_bps = kFeeBps;
  options.payment_gateway = "manual";
  f.backend = Must(Backend::Open(options), "open backend");
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  f.server = Must(GigwireServer::Start(server_options, *f.backend), "start server");
  f.channel = grpc::CreateChannel(f.server->address(), grpc::InsecureChannelCredentials());

  User admin = Must(f.backend->accounts.CreateOrPromoteAdmin("admin@bench.dev",
                                                             "bench-password-1"),
                    "admin");
  f.admin = Principal{admin.id, admin.roles, ""};
  f.admin_token = f.backend->tokens.Issue(f.admin.user_id);
  const Category category =
      Must(f.backend->catalog.CreateCategory(f.admin, {"bench", "Bench", ""}, {}), "category");
  for (int i = 0; i < kBuyers; ++i) {
    f.buyers.push_back(Register(f, absl::StrCat("buyer", i, "@bench.dev"), Role::kBuyer));
    f.buyer_tokens.push_back(f.backend->tokens.Issue(f.buyers.back().user_id));
  }
  for (int i = 0; i < kSellers; ++i) {
    f.sellers.push_back(Register(f, absl::StrCat("seller", i, "@bench.dev"), Role::kSeller));
    f.seller_tokens.push_back(f.backend->tokens.Issue(f.sellers.back().user_id));
    GigDraft draft{"Benchmark gig", "A gig the benchmark orders again and again.", category.id,
                   Money{"USD", kGigPrice}, 5, {"bench"}};
    const Gig gig = Must(f.backend->catalog.CreateGig(f.sellers.back(), draft, {}), "gig");
    Must(f.backend->catalog.SubmitGig(f.sellers.back(), gig.id, "", {}), "submit gig");
    Must(f.backend->catalog.ApproveGig(f.admin, gig.id, "", {}), "approve gig");
    f.gig_ids.push_back(gig.id);
  }
  int k = 0;
  const int n = o.bookings, threads = o.threads;
  f.to_fund = Pool(f, k, n, 0, threads);
  f.to_confirm = Pool(f, k, n, 1, threads);
  f.to_submit = Pool(f, k, n, 2, threads);
  f.to_approve = Pool(f, k, n, 3, threads);
  f.to_approve_in_process = Pool(f, k, n, 3, threads);
}

// Failed calls in the current phase; the first few are printed to stderr so
// that an error count in the table can be explained.
std::atomic<int> g_failures_reported{0};

void ReportFailure(absl::string_view what) {
  if (g_failures_reported.fetch_add(1) < 3) std::cerr << "call failed: " << what << "\n";
}

template <typename Stub, typename Request, typename Response>
bool Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
          const std::string& token, const Request& request, Response& response) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  grpc::Status status = (stub.*method)(&ctx, request, &response);
  if (!status.ok()) {
    ReportFailure(absl::StrCat("code ", status.error_code(), ": ", status.error_message()));
  }
  return status.ok();
}

bool Expect(bool ok, bool as_expected, absl::string_view what) {
  if (ok && !as_expected) ReportFailure(what);
  return ok && as_expected;
}

// Settles the WAL left by the previous phase (checkpoint and integrity
// check), so that no phase pays for another's writes.
void Settle(Fixture& f) {
  absl::Status status = f.backend->store->CheckIntegrity();
  if (!status.ok()) {
    std::cerr << "integrity check failed: " << status << "\n";
    std::abort();
  }
}

struct Phase {
  std::string name;
  int threads;
  long max_ops_per_thread;
  std::function<bool(int, long)> op;
};

template <typename StubT>
std::shared_ptr<std::vector<std::unique_ptr<typename StubT::Stub>>> Stubs(Fixture& f, int n) {
  auto stubs = std::make_shared<std::vector<std::unique_ptr<typename StubT::Stub>>>();
  for (int t = 0; t < n; ++t) stubs->push_back(StubT::NewStub(f.channel));
  return stubs;
}

std::vector<Phase> Phases(const Options& o, Fixture& f) {
  const int n = o.threads;
  auto milestones = Stubs<pb::MilestoneService>(f, n);
  auto payments = Stubs<pb::PaymentService>(f, n);
  auto ledger = Stubs<pb::LedgerService>(f, n);
  const long per_thread = std::max<long>(1, o.bookings / n);
  const long unlimited = 1 << 30;
  // Thread t's share of a pool: targets [t * per_thread, (t + 1) * per_thread).
  auto pick = [per_thread](const std::vector<Target>& pool, int t, long i) -> const Target& {
    return pool[t * per_thread + i];
  };
  auto request_id = [](absl::string_view phase, int t, long i) {
    return absl::StrCat("bench-", phase, "-", t, "-", i);
  };
  return {
      {"GetBalance (own, seller)", n, unlimited,
       [&f, ledger](int t, long) {
         pb::GetBalanceResponse response;
         const bool ok = Call(*(*ledger)[t], &pb::LedgerService::Stub::GetBalance,
                              f.seller_tokens[t % kSellers], pb::GetBalanceRequest(), response);
         return Expect(ok, response.balances_size() == 1, "GetBalance: not one currency");
       }},
      {"FundMilestone (payment started)", n, per_thread,
       [&f, milestones, pick, request_id](int t, long i) {
         const Target& target = pick(f.to_fund, t, i);
         pb::FundMilestoneRequest request;
         request.set_id(target.milestone_id);
         request.set_request_id(request_id("fund", t, i));
         pb::FundMilestoneResponse response;
         const bool ok = Call(*(*milestones)[t], &pb::MilestoneService::Stub::FundMilestone,
                              f.buyer_tokens[target.buyer], request, response);
         return Expect(ok, response.payment().state() == pb::PAYMENT_STATE_PENDING,
                       "FundMilestone: payment not PENDING");
       }},
      {"ConfirmPayment (admin; funds the milestone)", n, per_thread,
       [&f, payments, pick, request_id](int t, long i) {
         const Target& target = pick(f.to_confirm, t, i);
         pb::ConfirmPaymentRequest request;
         request.set_id(target.payment_id);
         request.set_note("Seen on the bank statement.");
         request.set_request_id(request_id("confirm", t, i));
         pb::Payment response;
         const bool ok = Call(*(*payments)[t], &pb::PaymentService::Stub::ConfirmPayment,
                              f.admin_token, request, response);
         return Expect(ok, response.state() == pb::PAYMENT_STATE_SUCCEEDED,
                       "ConfirmPayment: not SUCCEEDED");
       }},
      {"SubmitMilestone", n, per_thread,
       [&f, milestones, pick, request_id](int t, long i) {
         const Target& target = pick(f.to_submit, t, i);
         pb::SubmitMilestoneRequest request;
         request.set_id(target.milestone_id);
         request.set_note("Delivered: the files are attached.");
         request.set_request_id(request_id("submit", t, i));
         pb::Milestone response;
         const bool ok = Call(*(*milestones)[t], &pb::MilestoneService::Stub::SubmitMilestone,
                              f.seller_tokens[target.seller], request, response);
         return Expect(ok, response.state() == pb::MILESTONE_STATE_SUBMITTED,
                       "SubmitMilestone: not SUBMITTED");
       }},
      {"ApproveMilestone in-process (no gRPC)", 1, o.bookings,
       [&f](int, long i) {
         const Target& target = f.to_approve_in_process[i];
         absl::StatusOr<Milestone> released = f.backend->milestones.Approve(
             f.buyers[target.buyer], target.milestone_id,
             RequestKey{f.buyers[target.buyer].user_id, "ApproveMilestone",
                        absl::StrCat("bench-approve-ip-", i), "fingerprint"});
         if (!released.ok()) ReportFailure(released.status().ToString());
         return Expect(released.ok(), released.ok() && released->state == MilestoneState::kReleased,
                       "Approve in-process: not RELEASED");
       }},
      {"ApproveMilestone (release)", n, per_thread,
       [&f, milestones, pick, request_id](int t, long i) {
         const Target& target = pick(f.to_approve, t, i);
         pb::ApproveMilestoneRequest request;
         request.set_id(target.milestone_id);
         request.set_request_id(request_id("approve", t, i));
         pb::Milestone response;
         const bool ok = Call(*(*milestones)[t], &pb::MilestoneService::Stub::ApproveMilestone,
                              f.buyer_tokens[target.buyer], request, response);
         return Expect(ok, response.state() == pb::MILESTONE_STATE_RELEASED,
                       "ApproveMilestone: not RELEASED");
       }},
  };
}

std::vector<Result> Run(const Options& o, Fixture& f, const std::filesystem::path& dir) {
  std::vector<Result> results;
  Settle(f);
  results.push_back(Measure("no-op RPC (Health/Check)", o.threads, o.seconds, 1 << 30,
                            [&](int, long) { return NoOpCall(*f.channel); }));
  results.push_back(RawSqliteInsert(dir, o.seconds));
  for (Phase& phase : Phases(o, f)) {
    if (!absl::StartsWith(phase.name, o.only)) continue;
    Settle(f);
    g_failures_reported = 0;
    const SqliteStore::WriteStats before = f.backend->store->write_stats();
    results.push_back(
        Measure(phase.name, phase.threads, o.seconds, phase.max_ops_per_thread, phase.op));
    const SqliteStore::WriteStats after = f.backend->store->write_stats();
    if (after.commits > before.commits) {
      results.back().writes_per_commit =
          double(after.writes - before.writes) / double(after.commits - before.commits);
    }
  }
  // The baseline again, to show how much the machine drifted during the run.
  Settle(f);
  results.push_back(Measure("no-op RPC again (drift check)", o.threads, o.seconds, 1 << 30,
                            [&](int, long) { return NoOpCall(*f.channel); }));
  return results;
}

// The ledger after the run, as an admin would check it (not timed here).
void CheckLedger(Fixture& f) {
  absl::StatusOr<LedgerCheck> check = f.backend->ledger_reads.Reconcile(f.admin);
  if (!check.ok()) {
    std::cerr << "reconcile failed: " << check.status() << "\n";
    return;
  }
  std::cerr << "ledger after the run: " << check->report.transactions << " transactions, "
            << check->report.violations.size() << " violations\n";
}

void Print(const std::vector<Result>& results, bool markdown) {
  const double noop = results[0].ops_per_second, raw = results[1].ops_per_second;
  if (markdown) {
    std::cout << "| operation | threads | ops/s | p50 µs | p99 µs | vs no-op | vs raw insert "
                 "| writes/commit | errors |\n"
              << "|---|---|---|---|---|---|---|---|---|\n";
  }
  for (const Result& r : results) {
    std::cout << absl::StrFormat(
                     markdown ? "| %s | %d | %.0f | %.0f | %.0f | %.2f | %.2f | %.1f | %ld |"
                              : "%-44s threads=%-2d %9.0f ops/s  p50=%6.0fus  p99=%7.0fus  "
                                "x no-op=%.2f  x raw-insert=%.2f  writes/commit=%.1f  errors=%ld",
                     r.name, r.threads, r.ops_per_second, r.p50_us, r.p99_us,
                     r.ops_per_second / noop, r.ops_per_second / raw, r.writes_per_commit,
                     r.errors)
              << "\n";
  }
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
    else if (arg == "--bookings" && i + 1 < argc) options.bookings = std::stoi(argv[++i]);
    else if (arg == "--markdown") options.markdown = true;
    else if (arg == "--only" && i + 1 < argc) options.only = argv[++i];
    else {
      std::cerr << "usage: money_bench [--threads N] [--seconds S] [--bookings N] [--markdown] "
                   "[--only OPERATION]\n";
      return 2;
    }
  }
  if (options.threads < 1 || options.bookings < options.threads) {
    std::cerr << "need --threads >= 1 and --bookings >= --threads\n";
    return 2;
  }
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("gigwire-money-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    gigwire::bench::Fixture fixture;
    const absl::Time setup_start = absl::Now();
    gigwire::bench::SetUp(fixture, dir, options);
    std::cerr << "setup took " << absl::ToDoubleSeconds(absl::Now() - setup_start) << " s ("
              << 5 * options.bookings << " bookings)\n";
    gigwire::bench::Print(gigwire::bench::Run(options, fixture, dir), options.markdown);
    gigwire::bench::CheckLedger(fixture);
    fixture.server->Shutdown(absl::Seconds(1));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
