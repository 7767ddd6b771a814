// gigwire_bench: throughput and latency of CreateJob, GetJob, ListJobs,
// AcceptOffer and the open market's SubmitProposal, ListProposals and
// AcceptProposal under concurrency, each reported as a ratio to baselines
// measured in the same run: a no-op gRPC call (grpc.health.v1.Health/Check)
// and a raw one-row SQLite insert loop (WAL, synchronous=NORMAL, one
// transaction per row). The server runs in-process on a loopback port with
// the same code gigwired uses; clients use real gRPC channels.
//
//   gigwire_bench [--threads 8] [--seconds 3] [--markdown] [--only CreateJob]
//
// All data is prepared before the first timed phase, in fixed amounts (see
// SetUp), so write phases stop early when their prepared inputs run out.
#include <grpcpp/create_channel.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "gigwire/v1/catalog.grpc.pb.h"
#include "gigwire/v1/job.grpc.pb.h"
#include "gigwire/v1/offer.grpc.pb.h"
#include "gigwire/v1/proposal.grpc.pb.h"
#include "server/api/server.h"
#include "tools/bench/measure.h"
#include "tools/bench/noop_call.h"
#include "tools/bench/raw_insert.h"

namespace gigwire::bench {
namespace {

struct Options {
  int threads = 8;
  double seconds = 3;
  bool markdown = false;
  std::string only;  // when set, the baselines and the one operation whose name starts with it
};

namespace pb = ::gigwire::v1;

struct Fixture {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<GigwireServer> server;
  std::shared_ptr<grpc::Channel> channel;
  Principal admin, buyer, seller;
  std::string buyer_token, seller_token, category_id, sample_job_id;
  std::vector<std::string> offer_ids;  // PENDING, one per OPEN job

  // The open market, on a buyer of its own (so the buyer's ListJobs above
  // reads the same jobs as before). Sellers come in separate pools so that
  // none holds more than the default cap of live proposals.
  Principal bid_buyer;
  std::string bid_buyer_token;
  // SubmitProposal: pair g bids with bidder g / |submit_job_ids| on job
  // g % |submit_job_ids|, so every call is a distinct seller/job pair.
  std::vector<std::string> submit_job_ids;   // open projects in bidding, no proposals
  std::vector<std::string> bidder_tokens;    // sellers without proposals
  // AcceptProposal: one SUBMITTED proposal on each of as many fresh open
  // projects, each project holding kProposalsPerProject proposals.
  std::vector<std::string> accept_proposal_ids;
  // ListProposals: an open project with kListProposals proposals.
  std::string list_job_id;
};

// Amounts of prepared data, fixed whatever --seconds says.
constexpr int kSubmitJobs = Proposals::kDefaultMaxOpenProposals;  // 50 bids per bidder
constexpr int kSubmitBidders = 240;                               // 12,000 pairs
constexpr int kAcceptProjects = 4000;
constexpr int kProposalsPerProject = 3;
constexpr int kAcceptBidders =
    kAcceptProjects * kProposalsPerProject / Proposals::kDefaultMaxOpenProposals;  // 240
constexpr int kListProposals = 200;

template <typename T>
T Must(absl::StatusOr<T> value, absl::string_view what) {
  if (!value.ok()) {
    std::cerr << "setup failed (" << what << "): " << value.status() << "\n";
    std::abort();
  }
  return *std::move(value);
}

Principal MakePrincipal(const absl::StatusOr<User>& user) {
  if (!user.ok()) {
    std::cerr << "setup failed (register): " << user.status() << "\n";
    std::abort();
  }
  return Principal{user->id, user->roles, ""};
}

Job JobDraft(const std::string& category_id) {
  Job job;
  job.title = "Benchmark job title";
  job.description = "A job created by the benchmark.";
  job.category_id = category_id;
  job.budget_min = {"USD", 10000};
  job.budget_max = {"USD", 20000};
  job.due_time = absl::Now() + absl::Hours(24 * 30);
  return job;
}

// An open project whose bidding stays open for the whole run.
Job OpenProjectDraft(const std::string& category_id) {
  Job job = JobDraft(category_id);
  job.title = "Benchmark open project";
  job.sourcing_mode = SourcingMode::kOpen;
  job.bidding_close_time = absl::Now() + absl::Hours(24 * 20);
  return job;
}

// A bid as a seller would write it: price within the budget, a cover letter
// of a few sentences and a two-milestone plan adding up to the price.
constexpr int64_t kBidPrice = 15000;
constexpr char kCoverLetter[] =
    "I have built several projects like this one and can start this week. "
    "I will share progress daily and deliver tested code with a short handover "
    "document. The milestones below split the work into a first working "
    "version and the polished delivery.";

ProposalDraft BidDraft() {
  ProposalDraft bid;
  bid.price = {"USD", kBidPrice};
  bid.delivery_days = 7;
  bid.cover_letter = kCoverLetter;
  bid.milestones = {{"First working version", {"USD", kBidPrice / 2}, 4},
                    {"Polished delivery", {"USD", kBidPrice - kBidPrice / 2}, 7}};
  return bid;
}

pb::SubmitProposalRequest SubmitRequest(const std::string& job_id) {
  pb::SubmitProposalRequest request;
  request.set_job_id(job_id);
  pb::Proposal* bid = request.mutable_proposal();
  const ProposalDraft draft = BidDraft();
  bid->mutable_price()->set_currency_code(draft.price.currency_code);
  bid->mutable_price()->set_amount_minor(draft.price.amount_minor);
  bid->set_delivery_days(draft.delivery_days);
  bid->set_cover_letter(draft.cover_letter);
  for (const PlannedMilestone& m : draft.milestones) {
    pb::PlannedMilestone* out = bid->add_milestones();
    out->set_title(m.title);
    out->mutable_amount()->set_currency_code(m.amount.currency_code);
    out->mutable_amount()->set_amount_minor(m.amount.amount_minor);
    out->set_due_in_days(m.due_in_days);
  }
  return request;
}

std::vector<Principal> RegisterSellers(Fixture& f, absl::string_view pool, int count) {
  std::vector<Principal> sellers;
  for (int i = 0; i < count; ++i) {
    sellers.push_back(MakePrincipal(f.backend->accounts.Register(
        {absl::StrCat(pool, i, "@bench.dev"), "bench-password-1", absl::StrCat("Seller ", i),
         {Role::kSeller}})));
  }
  return sellers;
}

std::string ApprovedOpenProject(Fixture& f) {
  const std::string id =
      Must(f.backend->jobs.Create(f.bid_buyer, OpenProjectDraft(f.category_id), {}), "open job")
          .id;
  Must(f.backend->jobs.Approve(f.admin, id, "", {}), "approve open job");
  return id;
}

std::string Bid(Fixture& f, const Principal& seller, const std::string& job_id) {
  return Must(f.backend->proposals.Submit(seller, job_id, BidDraft(), {}), "submit").id;
}

// The open market's data, through the domain (no gRPC), before any timing.
void SetUpOpenMarket(Fixture& f) {
  f.bid_buyer = MakePrincipal(f.backend->accounts.Register(
      {"bidbuyer@bench.dev", "bench-password-1", "Bidding buyer", {Role::kBuyer}}));
  f.bid_buyer_token = f.backend->tokens.Issue(f.bid_buyer.user_id);
  for (int i = 0; i < kSubmitJobs; ++i) f.submit_job_ids.push_back(ApprovedOpenProject(f));
  for (const Principal& p : RegisterSellers(f, "bidder", kSubmitBidders)) {
    f.bidder_tokens.push_back(f.backend->tokens.Issue(p.user_id));
  }
  // Proposal k of project p comes from seller (p * K + k) % kAcceptBidders:
  // K distinct sellers per project, exactly the cap of live proposals each.
  const std::vector<Principal> accept_sellers =
      RegisterSellers(f, "acceptbidder", kAcceptBidders);
  for (int p = 0; p < kAcceptProjects; ++p) {
    const std::string job_id = ApprovedOpenProject(f);
    for (int k = 0; k < kProposalsPerProject; ++k) {
      std::string id = Bid(f, accept_sellers[(p * kProposalsPerProject + k) % kAcceptBidders],
                           job_id);
      if (k == 0) f.accept_proposal_ids.push_back(std::move(id));
    }
  }
  f.list_job_id = ApprovedOpenProject(f);
  for (const Principal& seller : RegisterSellers(f, "listbidder", kListProposals)) {
    Bid(f, seller, f.list_job_id);
  }
}

void SetUp(Fixture& f, const std::filesystem::path& dir, int offers) {
  BackendOptions options;
  options.store.path = (dir / "gigwire.db").string();
  options.token_keys = *ParseTokenKeyFile(NewTokenKeyFileText());
  options.scrypt = ScryptParams::InsecureFastForTests();
  options.rate_limits.per_principal = {1e9, 1e9};
  f.backend = *Backend::Open(options);
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  f.server = *GigwireServer::Start(server_options, *f.backend);
  f.channel = grpc::CreateChannel(f.server->address(), grpc::InsecureChannelCredentials());
  Accounts& accounts = f.backend->accounts;
  f.admin = MakePrincipal(accounts.CreateOrPromoteAdmin("admin@bench.dev", "bench-password-1"));
  f.buyer = MakePrincipal(accounts.Register({"buyer@bench.dev", "bench-password-1", "Buyer",
                                             {Role::kBuyer}}));
  f.seller = MakePrincipal(accounts.Register({"seller@bench.dev", "bench-password-1", "Seller",
                                              {Role::kSeller}}));
  f.buyer_token = f.backend->tokens.Issue(f.buyer.user_id);
  f.seller_token = f.backend->tokens.Issue(f.seller.user_id);
  auto stub = pb::CatalogService::NewStub(f.channel);
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + f.backend->tokens.Issue(f.admin.user_id));
  pb::CreateCategoryRequest request;
  request.mutable_category()->set_slug("bench");
  request.mutable_category()->set_display_name("Bench");
  pb::Category category;
  if (!stub->CreateCategory(&ctx, request, &category).ok()) std::abort();
  f.category_id = category.id();
  f.sample_job_id = f.backend->jobs.Create(f.buyer, JobDraft(f.category_id), {})->id;
  for (int i = 0; i < offers; ++i) {
    std::string job_id = f.backend->jobs.Create(f.buyer, JobDraft(f.category_id), {})->id;
    (void)f.backend->jobs.Approve(f.admin, job_id, "", {});
    AssignInput in{job_id, {f.seller.user_id}, "", absl::Hours(24)};
    f.offer_ids.push_back(f.backend->offers.Assign(f.admin, in, {})->front().offer_id);
  }
  SetUpOpenMarket(f);
}

// Failed calls in the current phase; the first few are printed to stderr so
// that an error count in the table can be explained.
std::atomic<int> g_failures_reported{0};

void ReportFailure(const grpc::Status& status) {
  if (g_failures_reported.fetch_add(1) < 3) {
    std::cerr << "call failed: code " << status.error_code() << ": " << status.error_message()
              << "\n";
  }
}

template <typename Stub, typename Request, typename Response>
bool Call(Stub& stub, grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
          const std::string& token, const Request& request) {
  grpc::ClientContext ctx;
  ctx.AddMetadata("authorization", "Bearer " + token);
  Response response;
  grpc::Status status = (stub.*method)(&ctx, request, &response);
  if (!status.ok()) ReportFailure(status);
  return status.ok();
}

// Every operation starts from the same state: the WAL left by the previous
// one checkpointed into the database (and the database checked), so no phase
// pays for another's writes.
void Settle(Fixture& f) {
  absl::Status status = f.backend->store->CheckIntegrity();
  if (!status.ok()) {
    std::cerr << "integrity check failed: " << status << "\n";
    std::abort();
  }
}

pb::CreateJobRequest CreateJobRequest(const std::string& category_id) {
  pb::CreateJobRequest create;
  create.mutable_job()->set_title("Benchmark job title");
  create.mutable_job()->set_description("Created over gRPC.");
  create.mutable_job()->set_category_id(category_id);
  for (auto* m : {create.mutable_job()->mutable_budget()->mutable_min(),
                  create.mutable_job()->mutable_budget()->mutable_max()}) {
    m->set_currency_code("USD");
    m->set_amount_minor(5000);
  }
  create.mutable_job()->mutable_due_time()->set_seconds(
      absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 30)));
  return create;
}

// One measured operation: `op(thread, i)` returns false on error.
struct Phase {
  std::string name;
  int threads;
  long max_ops_per_thread;
  std::function<bool(int, long)> op;
};

std::vector<Phase> Phases(const Options& o, Fixture& f) {
  const int n = o.threads;
  auto jobs = std::make_shared<std::vector<std::unique_ptr<pb::JobService::Stub>>>();
  auto offers = std::make_shared<std::vector<std::unique_ptr<pb::OfferService::Stub>>>();
  auto proposals = std::make_shared<std::vector<std::unique_ptr<pb::ProposalService::Stub>>>();
  for (int t = 0; t < n; ++t) {
    jobs->push_back(pb::JobService::NewStub(f.channel));
    offers->push_back(pb::OfferService::NewStub(f.channel));
    proposals->push_back(pb::ProposalService::NewStub(f.channel));
  }
  pb::CreateJobRequest create = CreateJobRequest(f.category_id);
  pb::GetJobRequest get;
  get.set_id(f.sample_job_id);
  pb::ListJobsRequest list;
  list.set_page_size(20);
  const long per_thread = std::max<long>(1, static_cast<long>(f.offer_ids.size()) / n);
  const long unlimited = 1 << 30;
  const long submits_per_thread =
      std::max<long>(1, static_cast<long>(f.submit_job_ids.size() * f.bidder_tokens.size()) / n);
  const long accepts_per_thread =
      std::max<long>(1, static_cast<long>(f.accept_proposal_ids.size()) / n);
  pb::ListProposalsRequest list_proposals;
  list_proposals.set_job_id(f.list_job_id);
  list_proposals.set_page_size(kListProposals);  // the whole job in one page
  ProposalFilter proposal_filter;
  proposal_filter.job_id = f.list_job_id;
  return {
      {"CreateJob in-process (no gRPC)", 1, unlimited,
       [&f](int, long) {
         return f.backend->jobs.Create(f.buyer, JobDraft(f.category_id), {}).ok();
       }},
      {"CreateJob", n, unlimited,
       [&f, jobs, create](int t, long) {
         return Call(*(*jobs)[t], &pb::JobService::Stub::CreateJob, f.buyer_token, create);
       }},
      {"GetJob", n, unlimited,
       [&f, jobs, get](int t, long) {
         return Call(*(*jobs)[t], &pb::JobService::Stub::GetJob, f.buyer_token, get);
       }},
      {"ListJobs in-process (no gRPC)", n, unlimited,
       [&f](int, long) { return f.backend->jobs.List(f.buyer, JobFilter(), 20, "").ok(); }},
      {"ListJobs (page of 20)", n, unlimited,
       [&f, jobs, list](int t, long) {
         return Call(*(*jobs)[t], &pb::JobService::Stub::ListJobs, f.buyer_token, list);
       }},
      {"AcceptOffer", n, per_thread,
       [&f, offers, per_thread](int t, long i) {
         pb::AcceptOfferRequest accept;
         accept.set_id(f.offer_ids[t * per_thread + i]);
         return Call(*(*offers)[t], &pb::OfferService::Stub::AcceptOffer, f.seller_token, accept);
       }},
      // Refusals (ALREADY_EXISTS for a second live bid, RESOURCE_EXHAUSTED
      // past the cap) would count as errors; the pairs are built to avoid them.
      {"SubmitProposal", n, submits_per_thread,
       [&f, proposals, submits_per_thread](int t, long i) {
         const size_t g = t * submits_per_thread + i;
         const size_t jobs_n = f.submit_job_ids.size();
         return Call(*(*proposals)[t], &pb::ProposalService::Stub::SubmitProposal,
                     f.bidder_tokens[g / jobs_n], SubmitRequest(f.submit_job_ids[g % jobs_n]));
       }},
      {"ListProposals in-process (no gRPC, 200 of 200)", n, unlimited,
       [&f, proposal_filter](int, long) {
         absl::StatusOr<ProposalPage> page =
             f.backend->proposals.List(f.bid_buyer, proposal_filter, kListProposals, "");
         return page.ok() && page->proposals.size() == static_cast<size_t>(kListProposals);
       }},
      {"ListProposals (page_size 200, 200 proposals)", n, unlimited,
       [&f, proposals, list_proposals](int t, long) {
         grpc::ClientContext ctx;
         ctx.AddMetadata("authorization", "Bearer " + f.bid_buyer_token);
         pb::ListProposalsResponse response;
         grpc::Status status = (*proposals)[t]->ListProposals(&ctx, list_proposals, &response);
         if (!status.ok()) ReportFailure(status);
         return status.ok() && response.proposals_size() == kListProposals;
       }},
      {"AcceptProposal", n, accepts_per_thread,
       [&f, proposals, accepts_per_thread](int t, long i) {
         pb::AcceptProposalRequest accept;
         accept.set_id(f.accept_proposal_ids[t * accepts_per_thread + i]);
         return Call(*(*proposals)[t], &pb::ProposalService::Stub::AcceptProposal,
                     f.bid_buyer_token, accept);
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
  return results;
}

void Print(const std::vector<Result>& results, bool markdown) {
  const double noop = results[0].ops_per_second, raw = results[1].ops_per_second;
  if (markdown) {
    std::cout << "| operation | threads | ops/s | p50 µs | p99 µs | vs no-op | vs raw insert "
                 "| writes/commit | errors |\n"
              << "|---|---|---|---|---|---|---|---|---|\n";
  }
  for (const Result& r : results) {
    std::string line = absl::StrFormat(
        markdown ? "| %s | %d | %.0f | %.0f | %.0f | %.2f | %.2f | %.1f | %ld |"
                 : "%-30s threads=%-2d %9.0f ops/s  p50=%6.0fus  p99=%7.0fus  "
                   "x no-op=%.2f  x raw-insert=%.2f  writes/commit=%.1f  errors=%ld",
        r.name, r.threads, r.ops_per_second, r.p50_us, r.p99_us, r.ops_per_second / noop,
        r.ops_per_second / raw, r.writes_per_commit, r.errors);
    std::cout << line << "\n";
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
    else if (arg == "--markdown") options.markdown = true;
    else if (arg == "--only" && i + 1 < argc) options.only = argv[++i];
    else {
      std::cerr << "usage: gigwire_bench [--threads N] [--seconds S] [--markdown] "
                   "[--only OPERATION]\n";
      return 2;
    }
  }
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("gigwire-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    gigwire::bench::Fixture fixture;
    // The same data for every selection, so that --only measures what a full run does.
    const absl::Time setup_start = absl::Now();
    gigwire::bench::SetUp(fixture, dir, /*offers=*/4000);
    std::cerr << "setup took " << absl::ToDoubleSeconds(absl::Now() - setup_start) << " s\n";
    gigwire::bench::Print(gigwire::bench::Run(options, fixture, dir), options.markdown);
    fixture.server->Shutdown(absl::Seconds(1));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
