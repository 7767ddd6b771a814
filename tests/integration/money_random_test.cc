// Money under random operations and races (issue 15).
//
// MoneyRandomTest drives at least 10,000 operations chosen at random over a
// population of bookings (gig orders with one milestone, proposals with a
// plan of two to four, milestones proposed and accepted later) through the
// real domain services on a SQLite file, with the manual gateway, a 7.5%
// platform fee and a FakeClock the test moves: fund (FundMilestone, then
// ConfirmPayment by an admin), cancel a payment, submit, request a
// revision, approve, cancel pending and funded milestones, propose, accept
// and decline milestones, dispute, resolve with random splits, request,
// pay and cancel payouts, cancel or complete whole bookings, and move the
// clock and run the scheduler (auto-release). About half the operations are
// refused on purpose (wrong party, wrong state, amounts that do not add up,
// another currency, over the withdrawable balance, empty notes): each must
// fail with exactly the code and reason an independent model of the rules
// predicts, and change nothing. A successful call is sometimes retried with
// its request id and must return the first answer and move nothing more.
//
// After every step the touched booking is checked against the model: its
// escrow balance equals funded - released - refunded and what its
// milestones hold, its milestones' states and released/refunded parts, its
// pending payment and its ledger totals; the touched seller's, the
// platform's and the world's balances equal the model's and only the world
// is negative. Every 500 steps and at the end ReconcileLedger must be
// clean, count the model's transactions, and every stored balance, payment,
// payout and dispute must equal the model.
//
// The seed is printed; GIGWIRE_MONEY_SEED replays a run, and
// GIGWIRE_MONEY_STEPS runs more (or fewer) steps.
//
// MoneyRaceTest races calls through gRPC from several threads released
// together: approve against cancel on a milestone being submitted, approve
// against a dispute and the scheduler's auto-release, two resolves of one
// dispute, two funds and then two confirms against a cancel of one payment,
// two payouts that together exceed the balance and then two mark-paids
// against a cancel. Each round ends with exactly one effect (counted in
// ledger transactions) and every loser refused with its code and reason.
// Assertions are about outcomes only, never about timing.
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>

#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/notification.h"
#include "gigwire/v1/booking.grpc.pb.h"
#include "gigwire/v1/catalog.grpc.pb.h"
#include "gigwire/v1/dispute.grpc.pb.h"
#include "gigwire/v1/errors.pb.h"
#include "gigwire/v1/job.grpc.pb.h"
#include "gigwire/v1/milestone.grpc.pb.h"
#include "gigwire/v1/payment.grpc.pb.h"
#include "gigwire/v1/proposal.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/api/server.h"
#include "server/common/status.h"
#include "server/testing/temp_dir.h"
#include "tests/testing/in_process_server.h"

namespace gigwire {
namespace {

namespace pb = ::gigwire::v1;
using State = MilestoneState;
using testutil::ReasonIn;

constexpr int32_t kFeeBps = 750;  // 7.5%: most fees round down
constexpr absl::Duration kAutoRelease = absl::Hours(72);
constexpr char kCurrency[] = "USD";
constexpr char kOtherCurrency[] = "EUR";  // a real currency, not the bookings'

// What the model expects the platform to keep of `amount` released:
// floor(amount * 7.5%), computed wide.
int64_t FeeOf(int64_t amount) {
  return static_cast<int64_t>(static_cast<__int128>(amount) * kFeeBps / 10'000);
}

// The model's own reading of the lifecycle (milestone.proto).
bool IsFinalState(State s) {
  return s == State::kReleased || s == State::kCancelled || s == State::kResolved;
}
bool HoldsMoney(State s) {
  return s == State::kFunded || s == State::kSubmitted || s == State::kRevisionRequested ||
         s == State::kDisputed;
}

// splitmix64: the same sequence on every platform for a seed.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // In [lo, hi].
  int64_t Uniform(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Next() % static_cast<uint64_t>(hi - lo + 1));
  }
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  bool Chance(int percent) { return Uniform(0, 99) < percent; }

 private:
  uint64_t state_;
};

uint64_t FromEnv(const char* name, uint64_t fallback) {
  const char* text = std::getenv(name);
  uint64_t value = 0;
  if (text != nullptr && absl::SimpleAtoi(text, &value)) return value;
  return fallback;
}

struct Person {
  std::string id;
  Principal principal;
};

// A server with the money flags set, the cast, and helpers to call it
// through gRPC (setup, races) or its domain services (the random walk).
class MoneyHarness : public ::testing::Test {
 protected:
  template <typename Stub, typename Request, typename Response>
  using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  void SetUp() override {
    BackendOptions options;
    options.store.path = dir_.Path("gigwire.db");
    absl::StatusOr<std::vector<TokenKey>> keys = ParseTokenKeyFile(NewTokenKeyFileText());
    ASSERT_TRUE(keys.ok()) << keys.status();
    options.token_keys = *keys;
    options.scrypt = ScryptParams::InsecureFastForTests();
    options.rate_limits.per_principal = {1e6, 1e6};
    options.money.platform_fee_bps = kFeeBps;
    options.money.auto_release_after = kAutoRelease;
    options.clock = &clock_;
    absl::StatusOr<std::unique_ptr<Backend>> backend = Backend::Open(options);
    ASSERT_TRUE(backend.ok()) << backend.status();
    backend_ = *std::move(backend);
    ServerOptions server_options;
    server_options.listen_address = "127.0.0.1:0";
    absl::StatusOr<std::unique_ptr<GigwireServer>> server =
        GigwireServer::Start(server_options, *backend_);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
    admin_ = AddAdmin("admin@example.com");
    for (int i = 0; i < 3; ++i) {
      buyers_.push_back(AddPerson(absl::StrCat("buyer", i, "@example.com"), Role::kBuyer));
    }
    for (int i = 0; i < 4; ++i) {
      sellers_.push_back(AddPerson(absl::StrCat("seller", i, "@example.com"), Role::kSeller));
    }
    pb::CreateCategoryRequest category;
    category.mutable_category()->set_slug("design");
    category.mutable_category()->set_display_name("Design");
    category_id_ = Call(admin_.id, &pb::CatalogService::Stub::CreateCategory, category).id();
  }

  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
    server_.reset();
    backend_.reset();
  }

  Backend& backend() { return *backend_; }
  Store& store() { return *backend_->store; }

  Person AddPerson(const std::string& email, Role role) {
    absl::StatusOr<User> user = backend_->accounts.Register(
        RegisterInput{email, "a-long-enough-password", "Test " + email, {role}});
    EXPECT_TRUE(user.ok()) << email << ": " << user.status();
    if (!user.ok()) return {};
    return Person{user->id, Principal{user->id, user->roles, ""}};
  }

  Person AddAdmin(const std::string& email) {
    absl::StatusOr<User> admin =
        backend_->accounts.CreateOrPromoteAdmin(email, "a-long-enough-password");
    EXPECT_TRUE(admin.ok()) << email << ": " << admin.status();
    if (!admin.ok()) return {};
    return Person{admin->id, Principal{admin->id, admin->roles, ""}};
  }

  // A bearer token valid at the fake clock's present.
  std::string Token(const Person& who) { return backend_->tokens.Issue(who.id); }

  // Calls `method` with `token` on a stub of its own: safe from any thread.
  template <typename Stub, typename Request, typename Response>
  grpc::Status CallWith(const std::string& token, Method<Stub, Request, Response> method,
                        const typename testutil::NonDeduced<Request>::type& request,
                        Response* response) {
    Stub stub(channel_);
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    return (stub.*method)(&context, request, response);
  }

  // Calls `method` as `user_id` and records a failure unless it is OK.
  template <typename Stub, typename Request, typename Response>
  Response Call(const std::string& user_id, Method<Stub, Request, Response> method,
                const typename testutil::NonDeduced<Request>::type& request) {
    Response response;
    grpc::Status status =
        CallWith(backend_->tokens.Issue(user_id), method, request, &response);
    EXPECT_TRUE(status.ok()) << Request::descriptor()->name() << ": " << status.error_message();
    return response;
  }

  static RequestKey KeyOf(const Person& who, const std::string& method,
                          const std::string& request_id = "",
                          const std::string& fingerprint = "") {
    return RequestKey{who.id, method, request_id, fingerprint};
  }

  // An APPROVED gig of `seller` at `price` minor units.
  std::string ApprovedGig(const Person& seller, int64_t price) {
    pb::CreateGigRequest create;
    pb::Gig* gig = create.mutable_gig();
    gig->set_title(absl::StrCat("Logo design at ", price));
    gig->set_description("Vector logo with two rounds of revisions.");
    gig->set_category_id(category_id_);
    gig->mutable_price()->set_currency_code(kCurrency);
    gig->mutable_price()->set_amount_minor(price);
    gig->set_delivery_days(7);
    const std::string id = Call(seller.id, &pb::CatalogService::Stub::CreateGig, create).id();
    pb::GigActionRequest action;
    action.set_id(id);
    Call(seller.id, &pb::CatalogService::Stub::SubmitGig, action);
    Call(admin_.id, &pb::CatalogService::Stub::ApproveGig, action);
    return id;
  }

  // A gig order's booking: one milestone for the gig's price.
  std::string OrderGig(const Person& buyer, const std::string& gig_id) {
    pb::OrderGigRequest order;
    order.set_gig_id(gig_id);
    order.set_requirements("Our bakery's name, in warm colours.");
    return Call(buyer.id, &pb::BookingService::Stub::OrderGig, order).id();
  }

  // An accepted proposal's booking: one milestone per step of the plan.
  std::string PlannedBooking(const Person& buyer, const Person& seller,
                             const std::vector<int64_t>& steps) {
    int64_t total = 0;
    for (int64_t step : steps) total += step;
    const absl::Time now = clock_.Now();
    pb::CreateJobRequest create;
    pb::Job* job = create.mutable_job();
    job->set_title("Brand identity for a bakery");
    job->set_description("Logo, colours and a sign, in steps.");
    job->set_category_id(category_id_);
    job->set_sourcing_mode(pb::SOURCING_MODE_OPEN);
    job->mutable_budget()->mutable_min()->set_currency_code(kCurrency);
    job->mutable_budget()->mutable_min()->set_amount_minor(1);
    job->mutable_budget()->mutable_max()->set_currency_code(kCurrency);
    job->mutable_budget()->mutable_max()->set_amount_minor(total + 100);
    job->mutable_bidding_close_time()->set_seconds(absl::ToUnixSeconds(now + absl::Hours(72)));
    job->mutable_due_time()->set_seconds(absl::ToUnixSeconds(now + absl::Hours(24 * 60)));
    const std::string job_id = Call(buyer.id, &pb::JobService::Stub::CreateJob, create).id();
    pb::ApproveJobRequest approve;
    approve.set_id(job_id);
    Call(admin_.id, &pb::JobService::Stub::ApproveJob, approve);
    pb::SubmitProposalRequest submit;
    submit.set_job_id(job_id);
    pb::Proposal* p = submit.mutable_proposal();
    p->mutable_price()->set_currency_code(kCurrency);
    p->mutable_price()->set_amount_minor(total);
    p->set_delivery_days(30);
    p->set_cover_letter("Three bakery brands in my portfolio.");
    for (size_t i = 0; i < steps.size(); ++i) {
      pb::PlannedMilestone* step = p->add_milestones();
      step->set_title(absl::StrCat("Step ", i + 1));
      step->mutable_amount()->set_currency_code(kCurrency);
      step->mutable_amount()->set_amount_minor(steps[i]);
      step->set_due_in_days(static_cast<int32_t>(i + 1));
    }
    const std::string proposal_id =
        Call(seller.id, &pb::ProposalService::Stub::SubmitProposal, submit).id();
    pb::AcceptProposalRequest accept;
    accept.set_id(proposal_id);
    return Call(buyer.id, &pb::ProposalService::Stub::AcceptProposal, accept).booking_id();
  }

  std::vector<Milestone> MilestonesOf(const std::string& booking_id) {
    absl::StatusOr<std::vector<Milestone>> listed =
        backend_->milestones.List(admin_.principal, booking_id);
    EXPECT_TRUE(listed.ok()) << listed.status();
    return listed.ok() ? *listed : std::vector<Milestone>();
  }

  Milestone MilestoneNow(const std::string& id) {
    absl::StatusOr<Milestone> m = backend_->milestones.Get(admin_.principal, id);
    EXPECT_TRUE(m.ok()) << m.status();
    return m.ok() ? *m : Milestone();
  }

  // The buyer's manual payment for the milestone, confirmed by the admin.
  void FundAndConfirm(const Person& buyer, const std::string& milestone_id) {
    absl::StatusOr<FundResult> funded =
        backend_->payments.Fund(buyer.principal, milestone_id, KeyOf(buyer, "FundMilestone"));
    ASSERT_TRUE(funded.ok()) << funded.status();
    absl::StatusOr<Payment> confirmed = backend_->payments.Confirm(
        admin_.principal, funded->payment.id, "wire arrived", KeyOf(admin_, "ConfirmPayment"));
    ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  }

  void Submit(const Person& seller, const std::string& milestone_id) {
    absl::StatusOr<Milestone> submitted = backend_->milestones.Submit(
        seller.principal, milestone_id, "files delivered", KeyOf(seller, "SubmitMilestone"));
    ASSERT_TRUE(submitted.ok()) << submitted.status();
  }

  // ReconcileLedger's count of transactions; records a failure unless clean.
  int64_t ReconciledTransactions() {
    absl::StatusOr<LedgerCheck> check = backend_->ledger_reads.Reconcile(admin_.principal);
    EXPECT_TRUE(check.ok()) << check.status();
    if (!check.ok()) return -1;
    EXPECT_TRUE(check->report.ok()) << absl::StrJoin(check->report.violations, "\n");
    return check->report.transactions;
  }

  int64_t BalanceOf(const Account& account) {
    int64_t balance = 0;
    absl::Status read = store().Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(balance, tx.ledger().Balance(account));
      return absl::OkStatus();
    });
    EXPECT_TRUE(read.ok()) << read;
    return balance;
  }

  static Account SellerAccount(const Person& seller) {
    return Account{AccountKind::kSellerAvailable, seller.id, kCurrency};
  }
  static Account EscrowAccount(const std::string& booking_id) {
    return Account{AccountKind::kEscrow, booking_id, kCurrency};
  }

  testutil::TempDir dir_;  // first: outlives the database
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<GigwireServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  Person admin_;
  std::vector<Person> buyers_, sellers_;
  std::string category_id_;
};

// ---------------------------------------------------------------------------
// The random walk.

// What a call should end with: OK, or a code and its reason.
struct Outcome {
  absl::StatusCode code = absl::StatusCode::kOk;
  ErrorReason reason = pb::ERROR_REASON_UNSPECIFIED;
};
const Outcome kOk;
const Outcome kNotFound{absl::StatusCode::kNotFound, pb::RESOURCE_NOT_FOUND};
const Outcome kNotOwner{absl::StatusCode::kPermissionDenied, pb::NOT_RESOURCE_OWNER};
const Outcome kAdminOnly{absl::StatusCode::kPermissionDenied, pb::ROLE_REQUIRED};
const Outcome kBadState{absl::StatusCode::kFailedPrecondition, pb::INVALID_STATE};
const Outcome kPaymentPending{absl::StatusCode::kFailedPrecondition, pb::PAYMENT_PENDING};
const Outcome kEscrowHeld{absl::StatusCode::kFailedPrecondition, pb::ESCROW_HELD};
const Outcome kNoFunds{absl::StatusCode::kFailedPrecondition, pb::INSUFFICIENT_FUNDS};
const Outcome kBadFields{absl::StatusCode::kInvalidArgument, pb::INVALID_FIELDS};
const Outcome kMismatch{absl::StatusCode::kInvalidArgument, pb::AMOUNT_MISMATCH};

std::string Describe(const Outcome& o) {
  if (o.code == absl::StatusCode::kOk) return "OK";
  return absl::StrCat(absl::StatusCodeToString(o.code), " ", pb::ErrorReason_Name(o.reason));
}

// Who acts, relative to the booking acted on.
enum class Who { kBuyer, kSeller, kOtherBuyer, kOtherSeller, kAdmin };
const char* WhoName(Who w) {
  switch (w) {
    case Who::kBuyer: return "its buyer";
    case Who::kSeller: return "its seller";
    case Who::kOtherBuyer: return "another buyer";
    case Who::kOtherSeller: return "another seller";
    case Who::kAdmin: return "an admin";
  }
  return "?";
}
bool IsOutsider(Who w) { return w == Who::kOtherBuyer || w == Who::kOtherSeller; }

// The parties' milestone actions (MilestoneService).
enum class Act { kAccept, kDecline, kSubmit, kRevision, kApprove, kCancel };
const char* ActName(Act a) {
  switch (a) {
    case Act::kAccept: return "AcceptMilestone";
    case Act::kDecline: return "DeclineMilestone";
    case Act::kSubmit: return "SubmitMilestone";
    case Act::kRevision: return "RequestMilestoneRevision";
    case Act::kApprove: return "ApproveMilestone";
    case Act::kCancel: return "CancelMilestone";
  }
  return "?";
}

class MoneyRandomTest : public MoneyHarness {
 protected:
  static constexpr int kInitialBookings = 60;
  static constexpr int kMinLiveBookings = 40;
  static constexpr int kCheckEvery = 500;

  struct MMilestone {
    std::string id, booking_id;
    int64_t amount = 0;
    State state = State::kPending;
    std::string proposed_by;
    std::string pending_payment;  // a PENDING payment's id
    std::optional<absl::Time> auto_release;
    int64_t released = 0, refunded = 0;  // to the seller before the fee; back to the buyer
  };
  struct MBooking {
    std::string id;
    int buyer = 0, seller = 0;  // indexes into buyers_ and sellers_
    BookingState state = BookingState::kActive;
    std::vector<std::string> milestones;  // by position
    int64_t funded = 0, released = 0, refunded = 0;  // released: before the fee
  };
  struct MPayment {
    std::string id, milestone_id;
    PaymentState state = PaymentState::kPending;
  };
  struct MPayout {
    std::string id;
    int seller = 0;
    int64_t amount = 0;
    PayoutState state = PayoutState::kRequested;
  };
  struct MDispute {
    std::string id, milestone_id;
    bool open = true;
  };
  // What a step touches, to check nothing changed when it was refused.
  struct Touched {
    std::vector<std::string> milestones;
    std::string booking, payment, payout, dispute;
  };
  struct Versions {
    std::vector<int64_t> milestones;
    int64_t booking = 0, payment = 0, payout = 0, dispute = 0;
    bool operator==(const Versions& o) const {
      return milestones == o.milestones && booking == o.booking && payment == o.payment &&
             payout == o.payout && dispute == o.dispute;
    }
  };

  // ---- the model's money ----

  static std::string EscrowKey(const std::string& booking_id) {
    return absl::StrCat("escrow:", booking_id, ":", kCurrency);
  }
  std::string SellerKey(int seller) const {
    return absl::StrCat("seller:", sellers_[seller].id, ":", kCurrency);
  }
  static std::string PlatformKey() { return absl::StrCat("platform:", kCurrency); }
  static std::string WorldKey() { return absl::StrCat("world:", kCurrency); }
  int64_t Expected(const std::string& key) const {
    auto it = balance_.find(key);
    return it == balance_.end() ? 0 : it->second;
  }

  void PostFund(MBooking& b, int64_t x) {
    balance_[WorldKey()] -= x;
    balance_[EscrowKey(b.id)] += x;
    b.funded += x;
    ++transactions_;
  }
  void PostRelease(MBooking& b, int64_t x) {
    balance_[EscrowKey(b.id)] -= x;
    balance_[SellerKey(b.seller)] += x - FeeOf(x);
    balance_[PlatformKey()] += FeeOf(x);
    b.released += x;
    ++transactions_;
  }
  void PostRefund(MBooking& b, int64_t x) {
    balance_[EscrowKey(b.id)] -= x;
    balance_[WorldKey()] += x;
    b.refunded += x;
    ++transactions_;
  }
  void PostResolution(MBooking& b, int64_t to_seller, int64_t refunded) {
    balance_[EscrowKey(b.id)] -= to_seller + refunded;
    balance_[SellerKey(b.seller)] += to_seller - FeeOf(to_seller);
    balance_[PlatformKey()] += FeeOf(to_seller);
    balance_[WorldKey()] += refunded;
    b.released += to_seller;
    b.refunded += refunded;
    ++transactions_;
  }
  void PostPayout(int seller, int64_t x) {
    balance_[SellerKey(seller)] -= x;
    balance_[WorldKey()] += x;
    ++transactions_;
  }
  // What a new payout may still ask for.
  int64_t Withdrawable(int seller) const {
    int64_t requested = 0;
    for (const MPayout& p : payouts_) {
      if (p.seller == seller && p.state == PayoutState::kRequested) requested += p.amount;
    }
    return Expected(SellerKey(seller)) - requested;
  }
  // A booking whose last milestone became final completes (money reached
  // the seller) or is cancelled.
  void FinishIfDone(MBooking& b) {
    if (b.state != BookingState::kActive) return;
    bool paid = false;
    for (const std::string& id : b.milestones) {
      const MMilestone& m = M(id);
      if (!IsFinalState(m.state)) return;
      paid = paid || m.released > 0;
    }
    b.state = paid ? BookingState::kCompleted : BookingState::kCancelled;
  }

  MMilestone& M(const std::string& id) { return milestones_[milestone_index_.at(id)]; }
  MBooking& B(const std::string& id) { return bookings_[booking_index_.at(id)]; }
  MBooking& BookingOf(const MMilestone& m) { return B(m.booking_id); }

  // ---- bookings ----

  void AddGigs() {
    for (const Person& seller : sellers_) {
      std::vector<std::pair<std::string, int64_t>> gigs;
      for (int i = 0; i < 3; ++i) {
        const int64_t price = rng_.Uniform(500, 120'000);
        gigs.emplace_back(ApprovedGig(seller, price), price);
      }
      gigs_.push_back(std::move(gigs));
    }
  }

  // A new booking between a random buyer and seller: a gig order, or a
  // proposal with a plan of two to four steps.
  void NewBooking() {
    MBooking b;
    b.buyer = static_cast<int>(rng_.Below(buyers_.size()));
    b.seller = static_cast<int>(rng_.Below(sellers_.size()));
    std::vector<int64_t> amounts;
    if (rng_.Chance(65)) {
      const auto& [gig_id, price] = gigs_[b.seller][rng_.Below(gigs_[b.seller].size())];
      amounts = {price};
      b.id = OrderGig(buyers_[b.buyer], gig_id);
    } else {
      const int steps = static_cast<int>(rng_.Uniform(2, 4));
      for (int i = 0; i < steps; ++i) amounts.push_back(rng_.Uniform(1, 80'000));
      b.id = PlannedBooking(buyers_[b.buyer], sellers_[b.seller], amounts);
    }
    ++bookings_made_;
    const std::vector<Milestone> made = MilestonesOf(b.id);
    ASSERT_EQ(made.size(), amounts.size()) << "booking " << b.id;
    for (size_t i = 0; i < made.size(); ++i) {
      EXPECT_EQ(made[i].amount.amount_minor, amounts[i]) << made[i].id;
      EXPECT_EQ(made[i].amount.currency_code, kCurrency) << made[i].id;
      EXPECT_EQ(made[i].state, State::kPending) << made[i].id;
      MMilestone m;
      m.id = made[i].id;
      m.booking_id = b.id;
      m.amount = amounts[i];
      AddMilestone(std::move(m));
      b.milestones.push_back(made[i].id);
    }
    booking_index_[b.id] = bookings_.size();
    bookings_.push_back(std::move(b));
  }

  void AddMilestone(MMilestone m) {
    milestone_index_[m.id] = milestones_.size();
    milestones_.push_back(std::move(m));
  }

  void Replenish() {
    int live = 0;
    for (const MBooking& b : bookings_) live += b.state == BookingState::kActive ? 1 : 0;
    for (; live < kMinLiveBookings && !HasFailure(); ++live) NewBooking();
  }

  // ---- picking ----

  // Usually a milestone that `fits` the operation, else any: most steps
  // can succeed and the rest are refused.
  MMilestone& PickMilestone(const std::function<bool(const MMilestone&)>& fits) {
    if (rng_.Chance(75)) {
      std::vector<size_t> candidates;
      for (size_t i = 0; i < milestones_.size(); ++i) {
        if (fits(milestones_[i])) candidates.push_back(i);
      }
      if (!candidates.empty()) return milestones_[candidates[rng_.Below(candidates.size())]];
    }
    return milestones_[rng_.Below(milestones_.size())];
  }

  MBooking& PickBooking() {
    if (rng_.Chance(75)) {
      std::vector<size_t> live;
      for (size_t i = 0; i < bookings_.size(); ++i) {
        if (bookings_[i].state == BookingState::kActive) live.push_back(i);
      }
      if (!live.empty()) return bookings_[live[rng_.Below(live.size())]];
    }
    return bookings_[rng_.Below(bookings_.size())];
  }

  template <typename T, typename Fits>
  T* PickFrom(std::deque<T>& all, Fits fits) {
    if (all.empty()) return nullptr;
    if (rng_.Chance(75)) {
      std::vector<size_t> candidates;
      for (size_t i = 0; i < all.size(); ++i) {
        if (fits(all[i])) candidates.push_back(i);
      }
      if (!candidates.empty()) return &all[candidates[rng_.Below(candidates.size())]];
    }
    return &all[rng_.Below(all.size())];
  }

  // `right` three times out of four, else anyone.
  Who PickWho(Who right) {
    return rng_.Chance(75) ? right : static_cast<Who>(rng_.Uniform(0, 4));
  }
  Who OneOf(std::initializer_list<Who> options) {
    return *(options.begin() + rng_.Below(options.size()));
  }

  const Person& PersonFor(Who who, const MBooking& b) {
    switch (who) {
      case Who::kBuyer: return buyers_[b.buyer];
      case Who::kSeller: return sellers_[b.seller];
      case Who::kOtherBuyer:
        return buyers_[(b.buyer + 1 + rng_.Below(buyers_.size() - 1)) % buyers_.size()];
      case Who::kOtherSeller:
        return sellers_[(b.seller + 1 + rng_.Below(sellers_.size() - 1)) % sellers_.size()];
      case Who::kAdmin: return admin_;
    }
    return admin_;
  }

  // A request id on one call in five (retried at once on one of two).
  RequestKey KeyFor(const Person& who, const std::string& method, const std::string& target) {
    if (!rng_.Chance(20)) return KeyOf(who, method);
    return KeyOf(who, method, absl::StrCat("walk-", step_), absl::StrCat(method, "|", target));
  }
  bool Retries(const RequestKey& key) { return !key.request_id.empty() && rng_.Chance(50); }

  // ---- recording a step ----

  void Begin(std::string what, Touched touched) {
    what_ = std::move(what);
    touched_ = std::move(touched);
    if (!touched_.booking.empty()) touched_bookings_.insert(touched_.booking);
    before_ = ReadVersions();
  }

  std::string Where() const {
    return absl::StrCat("seed ", seed_, " step ", step_, ": ", what_);
  }

  Versions ReadVersions() {
    Versions v;
    absl::Status read = store().Read([&](Tx& tx) -> absl::Status {
      for (const std::string& id : touched_.milestones) {
        GW_ASSIGN_OR_RETURN(Milestone m, tx.milestones().FindById(id));
        v.milestones.push_back(m.version);
      }
      if (!touched_.booking.empty()) {
        GW_ASSIGN_OR_RETURN(Booking b, tx.bookings().FindById(touched_.booking));
        v.booking = b.version;
      }
      if (!touched_.payment.empty()) {
        GW_ASSIGN_OR_RETURN(Payment p, tx.payments().FindById(touched_.payment));
        v.payment = p.version;
      }
      if (!touched_.payout.empty()) {
        GW_ASSIGN_OR_RETURN(Payout p, tx.payouts().FindById(touched_.payout));
        v.payout = p.version;
      }
      if (!touched_.dispute.empty()) {
        GW_ASSIGN_OR_RETURN(Dispute d, tx.disputes().FindById(touched_.dispute));
        v.dispute = d.version;
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(read.ok()) << Where() << ": " << read;
    return v;
  }

  // True when the call succeeded as the model expects (the model is then
  // updated by the caller). A refusal must be the expected one and leave
  // every touched row as it was; any disagreement is a failure.
  bool Succeeded(const absl::Status& got, const Outcome& want) {
    const bool as_expected = got.code() == want.code && ReasonOf(got) == want.reason;
    EXPECT_TRUE(as_expected) << Where() << "\n  expected " << Describe(want) << "\n  got "
                             << got << " (" << pb::ErrorReason_Name(ReasonOf(got)) << ")";
    auto& [ok, refused] = tally_[what_.substr(0, what_.find(' '))];
    if (!got.ok()) {
      ++refused;
      EXPECT_TRUE(ReadVersions() == before_) << Where() << ": a refused call changed a row";
      return false;
    }
    ++ok;
    return as_expected;
  }

  // ---- operations ----

  void OpFund() {
    MMilestone& m = PickMilestone([](const MMilestone& m) {
      return m.state == State::kPending && m.pending_payment.empty();
    });
    MBooking& b = BookingOf(m);
    const Who who = PickWho(Who::kBuyer);
    const Person& p = PersonFor(who, b);
    Outcome want = kOk;
    if (IsOutsider(who)) {
      want = kNotFound;
    } else if (who != Who::kBuyer) {
      want = kNotOwner;
    } else if (m.state != State::kPending) {
      want = kBadState;
    } else if (!m.pending_payment.empty()) {
      want = kPaymentPending;
    }
    Begin(absl::StrCat("FundMilestone ", m.id, " (", MilestoneStateName(m.state), ") by ",
                       WhoName(who)),
          {{m.id}, b.id, m.pending_payment, "", ""});
    const RequestKey key = KeyFor(p, "FundMilestone", m.id);
    absl::StatusOr<FundResult> r = backend().payments.Fund(p.principal, m.id, key);
    if (!Succeeded(r.status(), want)) return;
    EXPECT_EQ(r->payment.state, PaymentState::kPending) << Where();
    EXPECT_EQ(r->payment.amount.amount_minor, m.amount) << Where();
    EXPECT_EQ(r->milestone.state, State::kPending) << Where();
    m.pending_payment = r->payment.id;
    payment_index_[r->payment.id] = payments_.size();
    payments_.push_back(MPayment{r->payment.id, m.id, PaymentState::kPending});
    if (Retries(key)) {
      absl::StatusOr<FundResult> again = backend().payments.Fund(p.principal, m.id, key);
      ASSERT_TRUE(again.ok()) << Where() << " (retried): " << again.status();
      EXPECT_EQ(again->payment.id, r->payment.id) << Where() << " (retried)";
    }
  }

  void OpConfirm() {
    MPayment* pay = PickFrom(payments_, [](const MPayment& p) {
      return p.state == PaymentState::kPending;
    });
    if (pay == nullptr) return OpFund();
    MMilestone& m = M(pay->milestone_id);
    MBooking& b = BookingOf(m);
    const Who who = PickWho(Who::kAdmin);
    const Person& p = PersonFor(who, b);
    const bool no_note = rng_.Chance(3);
    Outcome want = kOk;
    if (who != Who::kAdmin) {
      want = kAdminOnly;
    } else if (no_note) {
      want = kBadFields;
    } else if (pay->state != PaymentState::kPending) {
      want = kBadState;
    }
    Begin(absl::StrCat("ConfirmPayment ", pay->id, " (", PaymentStateName(pay->state), ") by ",
                       WhoName(who), no_note ? " without a note" : ""),
          {{m.id}, b.id, pay->id, "", ""});
    const RequestKey key = KeyFor(p, "ConfirmPayment", pay->id);
    absl::StatusOr<Payment> r =
        backend().payments.Confirm(p.principal, pay->id, no_note ? "" : "wire arrived", key);
    if (!Succeeded(r.status(), want)) return;
    EXPECT_EQ(r->state, PaymentState::kSucceeded) << Where();
    pay->state = PaymentState::kSucceeded;
    m.pending_payment.clear();
    m.state = State::kFunded;
    PostFund(b, m.amount);
    if (Retries(key)) {
      absl::StatusOr<Payment> again =
          backend().payments.Confirm(p.principal, pay->id, "wire arrived", key);
      ASSERT_TRUE(again.ok()) << Where() << " (retried): " << again.status();
      EXPECT_EQ(again->id, pay->id) << Where() << " (retried)";
    }
  }

  void OpCancelPayment() {
    MPayment* pay = PickFrom(payments_, [](const MPayment& p) {
      return p.state == PaymentState::kPending;
    });
    if (pay == nullptr) return OpFund();
    MMilestone& m = M(pay->milestone_id);
    MBooking& b = BookingOf(m);
    const Who who = PickWho(rng_.Chance(80) ? Who::kBuyer : Who::kAdmin);
    const Person& p = PersonFor(who, b);
    Outcome want = kOk;
    if (IsOutsider(who)) {
      want = kNotFound;
    } else if (who == Who::kSeller) {
      want = kNotOwner;
    } else if (pay->state != PaymentState::kPending) {
      want = kBadState;
    }
    Begin(absl::StrCat("CancelPayment ", pay->id, " (", PaymentStateName(pay->state), ") by ",
                       WhoName(who)),
          {{m.id}, b.id, pay->id, "", ""});
    const RequestKey key = KeyFor(p, "CancelPayment", pay->id);
    absl::StatusOr<Payment> r = backend().payments.Cancel(p.principal, pay->id, key);
    if (!Succeeded(r.status(), want)) return;
    EXPECT_EQ(r->state, PaymentState::kCancelled) << Where();
    pay->state = PaymentState::kCancelled;
    m.pending_payment.clear();
    if (Retries(key)) {
      absl::StatusOr<Payment> again = backend().payments.Cancel(p.principal, pay->id, key);
      EXPECT_TRUE(again.ok()) << Where() << " (retried): a retry must get the first answer: "
                              << again.status();
    }
  }

  static bool RuleFrom(State s, Act a) {
    switch (a) {
      case Act::kAccept:
      case Act::kDecline: return s == State::kProposed;
      case Act::kSubmit: return s == State::kFunded || s == State::kRevisionRequested;
      case Act::kRevision:
      case Act::kApprove: return s == State::kSubmitted;
      case Act::kCancel: return s == State::kPending || s == State::kFunded;
    }
    return false;
  }

  static bool MayAct(const MMilestone& m, Act a, Who who, const Person& p) {
    const bool side = who == Who::kBuyer || who == Who::kSeller;
    switch (a) {
      case Act::kAccept: return side && p.id != m.proposed_by;
      case Act::kDecline: return side || who == Who::kAdmin;
      case Act::kSubmit: return who == Who::kSeller;
      case Act::kRevision:
      case Act::kApprove: return who == Who::kBuyer;
      case Act::kCancel:
        return m.state == State::kPending || who == Who::kSeller || who == Who::kAdmin;
    }
    return false;
  }

  void OpMove(Act a) {
    MMilestone& m = PickMilestone([a](const MMilestone& m) {
      return RuleFrom(m.state, a) && (a != Act::kCancel || m.pending_payment.empty());
    });
    MBooking& b = BookingOf(m);
    Who right = Who::kSeller;
    switch (a) {
      case Act::kAccept:
        right = m.proposed_by == buyers_[b.buyer].id ? Who::kSeller : Who::kBuyer;
        break;
      case Act::kDecline: right = OneOf({Who::kBuyer, Who::kSeller, Who::kAdmin}); break;
      case Act::kSubmit: right = Who::kSeller; break;
      case Act::kRevision:
      case Act::kApprove: right = Who::kBuyer; break;
      case Act::kCancel:
        right = m.state == State::kFunded ? OneOf({Who::kSeller, Who::kAdmin})
                                          : OneOf({Who::kBuyer, Who::kSeller, Who::kAdmin});
        break;
    }
    const Who who = PickWho(right);
    const Person& p = PersonFor(who, b);
    const bool has_text = a == Act::kSubmit || a == Act::kRevision || a == Act::kCancel;
    const bool no_text = has_text && rng_.Chance(3);
    Outcome want = kOk;
    if (no_text) {
      want = kBadFields;
    } else if (IsOutsider(who)) {
      want = kNotFound;
    } else if (a == Act::kCancel && m.state == State::kPending && !m.pending_payment.empty()) {
      want = kPaymentPending;
    } else if (!RuleFrom(m.state, a)) {
      want = kBadState;
    } else if (!MayAct(m, a, who, p)) {
      want = kNotOwner;
    }
    Begin(absl::StrCat(ActName(a), " ", m.id, " (", MilestoneStateName(m.state), ") by ",
                       WhoName(who), no_text ? " without text" : ""),
          {{m.id}, b.id, "", "", ""});
    const RequestKey key = KeyFor(p, ActName(a), m.id);
    auto call = [&]() -> absl::StatusOr<Milestone> {
      Milestones& ms = backend().milestones;
      switch (a) {
        case Act::kAccept: return ms.Accept(p.principal, m.id, key);
        case Act::kDecline: return ms.Decline(p.principal, m.id, key);
        case Act::kSubmit: return ms.Submit(p.principal, m.id, no_text ? "" : "delivered", key);
        case Act::kRevision:
          return ms.RequestRevision(p.principal, m.id, no_text ? "" : "warmer red", key);
        case Act::kApprove: return ms.Approve(p.principal, m.id, key);
        case Act::kCancel:
          return ms.Cancel(p.principal, m.id, no_text ? "" : "plans changed", key);
      }
      return absl::InternalError("unknown action");
    };
    absl::StatusOr<Milestone> r = call();
    if (!Succeeded(r.status(), want)) return;
    switch (a) {
      case Act::kAccept: m.state = State::kPending; break;
      case Act::kDecline: m.state = State::kCancelled; break;
      case Act::kSubmit:
        m.state = State::kSubmitted;
        m.auto_release = clock_.Now() + kAutoRelease;
        EXPECT_EQ(r->auto_release_time, m.auto_release) << Where();
        break;
      case Act::kRevision:
        m.state = State::kRevisionRequested;
        m.auto_release.reset();
        break;
      case Act::kApprove:
        m.state = State::kReleased;
        m.released = m.amount;
        PostRelease(b, m.amount);
        break;
      case Act::kCancel:
        if (m.state == State::kFunded) {
          m.refunded = m.amount;
          PostRefund(b, m.amount);
        }
        m.state = State::kCancelled;
        break;
    }
    EXPECT_EQ(r->state, m.state) << Where();
    FinishIfDone(b);
    if (Retries(key)) {
      absl::StatusOr<Milestone> again = call();
      ASSERT_TRUE(again.ok()) << Where() << " (retried): " << again.status();
      EXPECT_EQ(again->state, m.state) << Where() << " (retried)";
    }
  }

  void OpDispute() {
    MMilestone& m = PickMilestone(
        [](const MMilestone& m) { return HoldsMoney(m.state) && m.state != State::kDisputed; });
    MBooking& b = BookingOf(m);
    const Who who = PickWho(OneOf({Who::kBuyer, Who::kSeller}));
    const Person& p = PersonFor(who, b);
    const bool no_reason = rng_.Chance(3);
    Outcome want = kOk;
    if (no_reason) {
      want = kBadFields;
    } else if (IsOutsider(who)) {
      want = kNotFound;
    } else if (!HoldsMoney(m.state) || m.state == State::kDisputed) {
      want = kBadState;
    } else if (who == Who::kAdmin) {
      want = kNotOwner;
    }
    Begin(absl::StrCat("OpenDispute ", m.id, " (", MilestoneStateName(m.state), ") by ",
                       WhoName(who), no_reason ? " without a reason" : ""),
          {{m.id}, b.id, "", "", ""});
    const RequestKey key = KeyFor(p, "OpenDispute", m.id);
    auto call = [&] {
      return backend().disputes.Open(p.principal, m.id, no_reason ? "" : "not as agreed",
                                     "The brief asked for blue.", key);
    };
    absl::StatusOr<Dispute> r = call();
    if (!Succeeded(r.status(), want)) return;
    EXPECT_EQ(r->state, DisputeState::kOpen) << Where();
    EXPECT_EQ(r->amount.amount_minor, m.amount) << Where();
    m.state = State::kDisputed;
    m.auto_release.reset();
    dispute_index_[r->id] = disputes_.size();
    disputes_.push_back(MDispute{r->id, m.id, true});
    if (Retries(key)) {
      absl::StatusOr<Dispute> again = call();
      ASSERT_TRUE(again.ok()) << Where() << " (retried): " << again.status();
      EXPECT_EQ(again->id, r->id) << Where() << " (retried)";
    }
  }

  void OpResolve() {
    MDispute* d = PickFrom(disputes_, [](const MDispute& d) { return d.open; });
    if (d == nullptr) return OpDispute();
    MMilestone& m = M(d->milestone_id);
    MBooking& b = BookingOf(m);
    const Who who = PickWho(Who::kAdmin);
    const Person& p = PersonFor(who, b);
    const int64_t x = m.amount;
    int64_t to_seller = rng_.Uniform(0, x);
    int64_t refunded = x - to_seller;
    std::string seller_currency = kCurrency, refund_currency = kCurrency;
    const int64_t shape = rng_.Uniform(0, 99);
    if (shape < 10) {
      to_seller = x, refunded = 0;
    } else if (shape < 20) {
      to_seller = 0, refunded = x;
    } else if (shape < 30) {
      to_seller = x * 7 / 10, refunded = x - to_seller;  // the issue's 70/30
    } else if (shape < 85) {
      // the random split above
    } else if (shape < 92) {
      refunded += rng_.Chance(50) ? 1 : -1;  // one unit off
    } else if (shape < 96) {
      to_seller = -rng_.Uniform(1, x), refunded = x - to_seller;  // adds up, one negative
    } else {
      (rng_.Chance(50) ? seller_currency : refund_currency) = kOtherCurrency;
    }
    const bool no_note = rng_.Chance(2);
    Outcome want = kOk;
    if (who != Who::kAdmin) {
      want = kAdminOnly;
    } else if (no_note) {
      want = kBadFields;
    } else if (!d->open) {
      want = kBadState;
    } else if (seller_currency != kCurrency || refund_currency != kCurrency || to_seller < 0 ||
               refunded < 0 || to_seller + refunded != x) {
      want = kMismatch;
    }
    Begin(absl::StrCat("ResolveDispute ", d->id, d->open ? " (open)" : " (resolved)", " by ",
                       WhoName(who), ": ", to_seller, " ", seller_currency, " + ", refunded, " ",
                       refund_currency, " of ", x, no_note ? " without a note" : ""),
          {{m.id}, b.id, "", "", d->id});
    const RequestKey key =
        KeyFor(p, "ResolveDispute", absl::StrCat(d->id, "|", to_seller, "|", refunded));
    const DisputeResolution resolution{Money{seller_currency, to_seller},
                                       Money{refund_currency, refunded},
                                       no_note ? "" : "split as the evidence shows"};
    absl::StatusOr<Dispute> r = backend().disputes.Resolve(p.principal, d->id, resolution, key);
    if (!Succeeded(r.status(), want)) return;
    EXPECT_EQ(r->state, DisputeState::kResolved) << Where();
    EXPECT_EQ(r->to_seller.amount_minor, to_seller) << Where();
    EXPECT_EQ(r->refunded.amount_minor, refunded) << Where();
    d->open = false;
    m.state = State::kResolved;
    m.released = to_seller;
    m.refunded = refunded;
    PostResolution(b, to_seller, refunded);
    FinishIfDone(b);
    if (Retries(key)) {
      absl::StatusOr<Dispute> again =
          backend().disputes.Resolve(p.principal, d->id, resolution, key);
      ASSERT_TRUE(again.ok()) << Where() << " (retried): " << again.status();
      EXPECT_EQ(again->state, DisputeState::kResolved) << Where() << " (retried)";
    }
  }

  void OpPropose() {
    MBooking& b = PickBooking();
    const Who who = PickWho(OneOf({Who::kBuyer, Who::kSeller}));
    const Person& p = PersonFor(who, b);
    int64_t amount = rng_.Uniform(1, 60'000);
    std::string currency = kCurrency;
    const int64_t shape = rng_.Uniform(0, 99);
    if (shape < 5) {
      amount = -rng_.Uniform(0, 5);  // zero or negative
    } else if (shape < 10) {
      currency = kOtherCurrency;
    }
    Outcome want = kOk;
    if (amount <= 0) {
      want = kBadFields;
    } else if (IsOutsider(who)) {
      want = kNotFound;
    } else if (who == Who::kAdmin) {
      want = kNotOwner;
    } else if (b.state != BookingState::kActive) {
      want = kBadState;
    } else if (currency != kCurrency) {
      want = kMismatch;
    }
    Begin(absl::StrCat("ProposeMilestone on ", b.id, " (", BookingStateName(b.state), ") by ",
                       WhoName(who), ": ", amount, " ", currency),
          {{}, b.id, "", "", ""});
    const RequestKey key = KeyFor(p, "ProposeMilestone", absl::StrCat(b.id, "|", amount));
    const MilestoneProposal proposal{b.id, "Extra work", Money{currency, amount},
                                     clock_.Now() + absl::Hours(24 * 30)};
    absl::StatusOr<Milestone> r = backend().milestones.Propose(p.principal, proposal, key);
    if (!Succeeded(r.status(), want)) return;
    EXPECT_EQ(r->state, State::kProposed) << Where();
    EXPECT_EQ(r->position, static_cast<int32_t>(b.milestones.size())) << Where();
    MMilestone m;
    m.id = r->id;
    m.booking_id = b.id;
    m.amount = amount;
    m.state = State::kProposed;
    m.proposed_by = p.id;
    b.milestones.push_back(m.id);
    AddMilestone(std::move(m));
    if (Retries(key)) {
      absl::StatusOr<Milestone> again = backend().milestones.Propose(p.principal, proposal, key);
      ASSERT_TRUE(again.ok()) << Where() << " (retried): " << again.status();
      EXPECT_EQ(again->id, r->id) << Where() << " (retried)";
    }
  }

  void OpRequestPayout() {
    std::vector<int> with_money;
    for (size_t s = 0; s < sellers_.size(); ++s) {
      if (Withdrawable(static_cast<int>(s)) > 0) with_money.push_back(static_cast<int>(s));
    }
    const int seller = !with_money.empty() && rng_.Chance(75)
                           ? with_money[rng_.Below(with_money.size())]
                           : static_cast<int>(rng_.Below(sellers_.size()));
    const bool by_buyer = rng_.Chance(5);
    const Person& p = by_buyer ? buyers_[rng_.Below(buyers_.size())] : sellers_[seller];
    const int64_t w = Withdrawable(seller);
    int64_t amount = 0;
    const int64_t shape = rng_.Uniform(0, 99);
    if (shape < 50 && w > 0) {
      amount = rng_.Uniform(1, w);
    } else if (shape < 65 && w > 0) {
      amount = w;
    } else if (shape < 92) {
      amount = w + rng_.Uniform(1, 1000);  // over what may be withdrawn
    } else {
      amount = -rng_.Uniform(0, 3);
    }
    const std::string currency = rng_.Chance(3) ? kOtherCurrency : kCurrency;
    const int64_t may_withdraw = by_buyer || currency != kCurrency ? 0 : w;
    Outcome want = kOk;
    if (amount <= 0) {
      want = kBadFields;
    } else if (amount > may_withdraw) {
      want = kNoFunds;
    }
    Begin(absl::StrCat("RequestPayout by ", by_buyer ? "a buyer" : "a seller", ": ", amount,
                       " ", currency, " of ", may_withdraw, " withdrawable"),
          {});
    const RequestKey key = KeyFor(p, "RequestPayout", absl::StrCat(amount, currency));
    absl::StatusOr<Payout> r = backend().payouts.Request(p.principal, Money{currency, amount}, key);
    if (!by_buyer) touched_sellers_.insert(seller);
    if (!Succeeded(r.status(), want)) return;
    EXPECT_EQ(r->state, PayoutState::kRequested) << Where();
    payout_index_[r->id] = payouts_.size();
    payouts_.push_back(MPayout{r->id, seller, amount, PayoutState::kRequested});
    if (Retries(key)) {
      absl::StatusOr<Payout> again =
          backend().payouts.Request(p.principal, Money{currency, amount}, key);
      ASSERT_TRUE(again.ok()) << Where() << " (retried): " << again.status();
      EXPECT_EQ(again->id, r->id) << Where() << " (retried)";
    }
  }

  // Someone acting on a payout: its seller, another seller, a buyer or an admin.
  enum class PayoutWho { kOwner, kOtherSeller, kBuyer, kAdmin };

  const Person& PayoutPerson(PayoutWho who, const MPayout& payout) {
    switch (who) {
      case PayoutWho::kOwner: return sellers_[payout.seller];
      case PayoutWho::kOtherSeller:
        return sellers_[(payout.seller + 1 + rng_.Below(sellers_.size() - 1)) % sellers_.size()];
      case PayoutWho::kBuyer: return buyers_[rng_.Below(buyers_.size())];
      case PayoutWho::kAdmin: return admin_;
    }
    return admin_;
  }

  void OpMarkPaid() {
    MPayout* payout = PickFrom(payouts_, [](const MPayout& p) {
      return p.state == PayoutState::kRequested;
    });
    if (payout == nullptr) return OpRequestPayout();
    const PayoutWho who = rng_.Chance(80) ? PayoutWho::kAdmin
                                          : static_cast<PayoutWho>(rng_.Uniform(0, 2));
    const Person& p = PayoutPerson(who, *payout);
    const bool no_reference = rng_.Chance(3);
    Outcome want = kOk;
    if (who != PayoutWho::kAdmin) {
      want = kAdminOnly;
    } else if (no_reference) {
      want = kBadFields;
    } else if (payout->state != PayoutState::kRequested) {
      want = kBadState;
    }
    Begin(absl::StrCat("MarkPayoutPaid ", payout->id, " (", PayoutStateName(payout->state),
                       ") by ", who == PayoutWho::kAdmin ? "an admin" : "a non-admin",
                       no_reference ? " without a reference" : ""),
          {{}, "", "", payout->id, ""});
    touched_sellers_.insert(payout->seller);
    const RequestKey key = KeyFor(p, "MarkPayoutPaid", payout->id);
    auto call = [&] {
      return backend().payouts.MarkPaid(p.principal, payout->id,
                                        no_reference ? "" : "bank ref 42", key);
    };
    absl::StatusOr<Payout> r = call();
    if (!Succeeded(r.status(), want)) return;
    EXPECT_EQ(r->state, PayoutState::kPaid) << Where();
    payout->state = PayoutState::kPaid;
    PostPayout(payout->seller, payout->amount);
    if (Retries(key)) {
      absl::StatusOr<Payout> again = call();
      ASSERT_TRUE(again.ok()) << Where() << " (retried): " << again.status();
      EXPECT_EQ(again->state, PayoutState::kPaid) << Where() << " (retried)";
    }
  }

  void OpCancelPayout() {
    MPayout* payout = PickFrom(payouts_, [](const MPayout& p) {
      return p.state == PayoutState::kRequested;
    });
    if (payout == nullptr) return OpRequestPayout();
    const int64_t roll = rng_.Uniform(0, 99);
    const PayoutWho who = roll < 50   ? PayoutWho::kOwner
                          : roll < 80 ? PayoutWho::kAdmin
                          : roll < 90 ? PayoutWho::kOtherSeller
                                      : PayoutWho::kBuyer;
    const Person& p = PayoutPerson(who, *payout);
    const bool no_reason = rng_.Chance(3);
    Outcome want = kOk;
    if (no_reason) {
      want = kBadFields;
    } else if (who == PayoutWho::kOtherSeller || who == PayoutWho::kBuyer) {
      want = kNotFound;
    } else if (payout->state != PayoutState::kRequested) {
      want = kBadState;
    }
    Begin(absl::StrCat("CancelPayout ", payout->id, " (", PayoutStateName(payout->state),
                       ") by ", static_cast<int>(who), no_reason ? " without a reason" : ""),
          {{}, "", "", payout->id, ""});
    touched_sellers_.insert(payout->seller);
    const RequestKey key = KeyFor(p, "CancelPayout", payout->id);
    auto call = [&] {
      return backend().payouts.Cancel(p.principal, payout->id, no_reason ? "" : "wrong account",
                                      key);
    };
    absl::StatusOr<Payout> r = call();
    if (!Succeeded(r.status(), want)) return;
    EXPECT_EQ(r->state, PayoutState::kCancelled) << Where();
    payout->state = PayoutState::kCancelled;
    if (Retries(key)) {
      absl::StatusOr<Payout> again = call();
      ASSERT_TRUE(again.ok()) << Where() << " (retried): " << again.status();
      EXPECT_EQ(again->state, PayoutState::kCancelled) << Where() << " (retried)";
    }
  }

  // CancelBooking (or an admin's CompleteBooking) of a whole booking: refused
  // while a milestone holds escrow or has a payment under way, else it ends
  // the milestones that are not final without moving money.
  void OpCloseBooking(bool complete) {
    MBooking& b = PickBooking();
    const Who who = PickWho(complete || rng_.Chance(30) ? Who::kAdmin : Who::kBuyer);
    const Person& p = PersonFor(who, b);
    Outcome want = kOk;
    if (IsOutsider(who)) {
      want = kNotFound;
    } else if (who == Who::kSeller) {
      want = kNotOwner;
    } else if (b.state != BookingState::kActive || (complete && who == Who::kBuyer)) {
      want = kBadState;  // the buyer completes only a DELIVERED booking
    } else {
      for (const std::string& id : b.milestones) {
        const MMilestone& m = M(id);
        if (HoldsMoney(m.state)) {
          want = kEscrowHeld;
          break;
        }
        if (!m.pending_payment.empty()) {
          want = kPaymentPending;
          break;
        }
      }
    }
    Begin(absl::StrCat(complete ? "CompleteBooking " : "CancelBooking ", b.id, " (",
                       BookingStateName(b.state), ") by ", WhoName(who)),
          {b.milestones, b.id, "", "", ""});
    const RequestKey key = KeyFor(p, complete ? "CompleteBooking" : "CancelBooking", b.id);
    absl::StatusOr<Booking> r =
        complete ? backend().bookings.Complete(p.principal, b.id, key)
                 : backend().bookings.Cancel(p.principal, b.id, "plans changed",
                                             /*cancel_job=*/false, key);
    if (!Succeeded(r.status(), want)) return;
    for (const std::string& id : b.milestones) {
      MMilestone& m = M(id);
      if (!IsFinalState(m.state)) m.state = State::kCancelled;
    }
    b.state = complete ? BookingState::kCompleted : BookingState::kCancelled;
    EXPECT_EQ(r->state, b.state) << Where();
    ASSERT_TRUE(r->money.has_value()) << Where();
    EXPECT_EQ(r->money->in_escrow, 0) << Where();
  }

  // Moves the clock and runs the scheduler: every submission the buyer left
  // alone past its auto-release time is released, by "system".
  void OpAdvanceClock() {
    const int64_t hours = rng_.Uniform(1, 60);
    Begin(absl::StrCat("Advance the clock ", hours, "h and run the scheduler"), {});
    clock_.Advance(absl::Hours(hours));
    const absl::Time now = clock_.Now();
    absl::Status ran = backend().scheduler.RunOnce(now);
    ASSERT_TRUE(ran.ok()) << Where() << ": " << ran;
    int released = 0;
    for (MMilestone& m : milestones_) {
      if (m.state != State::kSubmitted || !m.auto_release || *m.auto_release > now) continue;
      MBooking& b = BookingOf(m);
      m.state = State::kReleased;
      m.released = m.amount;
      m.auto_release.reset();
      PostRelease(b, m.amount);
      FinishIfDone(b);
      touched_bookings_.insert(b.id);
      ++released;
    }
    auto_released_ += released;
    ++tally_["Advance"].first;
  }

  void Step() {
    touched_bookings_.clear();
    touched_sellers_.clear();
    const int64_t roll = rng_.Uniform(0, 99);
    if (roll < 12) return OpFund();
    if (roll < 22) return OpConfirm();
    if (roll < 25) return OpCancelPayment();
    if (roll < 37) return OpMove(Act::kSubmit);
    if (roll < 42) return OpMove(Act::kRevision);
    if (roll < 51) return OpMove(Act::kApprove);
    if (roll < 57) return OpMove(Act::kCancel);
    if (roll < 62) return OpDispute();
    if (roll < 68) return OpResolve();
    if (roll < 72) return OpPropose();
    if (roll < 76) return OpMove(Act::kAccept);
    if (roll < 78) return OpMove(Act::kDecline);
    if (roll < 84) return OpRequestPayout();
    if (roll < 89) return OpMarkPaid();
    if (roll < 91) return OpCancelPayout();
    if (roll < 97) return OpAdvanceClock();
    if (roll < 99) return OpCloseBooking(/*complete=*/false);
    return OpCloseBooking(/*complete=*/true);
  }

  // ---- invariants ----

  // The booking as stored against the model: its state, its milestones
  // (state, parts released and refunded, pending payment, auto-release
  // time), its escrow balance (= funded - released - refunded = what its
  // milestones hold) and its ledger totals.
  void CheckBooking(const MBooking& b) {
    absl::Status read = store().Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(Booking stored, tx.bookings().FindById(b.id));
      EXPECT_EQ(stored.state, b.state) << Where() << ": booking " << b.id << " is "
                                       << BookingStateName(stored.state);
      GW_ASSIGN_OR_RETURN(std::vector<Milestone> ms, tx.milestones().ListByBooking(b.id));
      EXPECT_EQ(ms.size(), b.milestones.size()) << Where() << ": booking " << b.id;
      int64_t held = 0;
      for (size_t i = 0; i < ms.size() && i < b.milestones.size(); ++i) {
        const MMilestone& m = M(b.milestones[i]);
        const std::string what = absl::StrCat(Where(), ": milestone ", m.id);
        EXPECT_EQ(ms[i].id, m.id) << what;
        EXPECT_EQ(ms[i].amount.amount_minor, m.amount) << what;
        EXPECT_EQ(ms[i].state, m.state) << what << " is " << MilestoneStateName(ms[i].state)
                                        << ", the model says " << MilestoneStateName(m.state);
        EXPECT_EQ(ms[i].released_minor, m.released) << what;
        EXPECT_EQ(ms[i].refunded_minor, m.refunded) << what;
        if (m.state == State::kSubmitted) EXPECT_EQ(ms[i].auto_release_time, m.auto_release) << what;
        if (HoldsMoney(ms[i].state)) held += ms[i].amount.amount_minor;
        absl::StatusOr<Payment> pending = tx.payments().FindPendingForMilestone(m.id);
        if (m.pending_payment.empty()) {
          EXPECT_TRUE(absl::IsNotFound(pending.status())) << what << ": a payment is pending";
        } else {
          EXPECT_TRUE(pending.ok() && pending->id == m.pending_payment)
              << what << ": payment " << m.pending_payment << " should be pending";
        }
      }
      GW_ASSIGN_OR_RETURN(const int64_t escrow, tx.ledger().Balance(EscrowAccount(b.id)));
      const std::string what = absl::StrCat(Where(), ": escrow of ", b.id);
      EXPECT_EQ(escrow, Expected(EscrowKey(b.id))) << what;
      EXPECT_EQ(escrow, b.funded - b.released - b.refunded) << what;
      EXPECT_EQ(escrow, held) << what << " against what its milestones hold";
      EXPECT_GE(escrow, 0) << what;
      GW_ASSIGN_OR_RETURN(BookingLedgerTotals totals,
                          tx.ledger().TotalsOfBooking(b.id, kCurrency));
      EXPECT_EQ(totals.funded, b.funded) << what;
      EXPECT_EQ(totals.released_to_seller + totals.platform_fees, b.released) << what;
      EXPECT_EQ(totals.refunded, b.refunded) << what;
      EXPECT_EQ(totals.in_escrow, escrow) << what;
      return absl::OkStatus();
    });
    EXPECT_TRUE(read.ok()) << Where() << ": " << read;
  }

  // The touched bookings, the touched sellers, the platform and the world.
  void CheckTouched() {
    std::set<int> sellers = touched_sellers_;
    for (const std::string& id : touched_bookings_) {
      const MBooking& b = B(id);
      CheckBooking(b);
      sellers.insert(b.seller);
    }
    std::vector<std::pair<std::string, Account>> accounts = {
        {PlatformKey(), Account{AccountKind::kPlatformFees, "", kCurrency}},
        {WorldKey(), Account{AccountKind::kWorld, "", kCurrency}}};
    for (int s : sellers) accounts.emplace_back(SellerKey(s), SellerAccount(sellers_[s]));
    absl::Status read = store().Read([&](Tx& tx) -> absl::Status {
      for (const auto& [key, account] : accounts) {
        GW_ASSIGN_OR_RETURN(const int64_t balance, tx.ledger().Balance(account));
        EXPECT_EQ(balance, Expected(key)) << Where() << ": balance of " << key;
        if (account.kind != AccountKind::kWorld) EXPECT_GE(balance, 0) << Where() << ": " << key;
      }
      return absl::OkStatus();
    });
    EXPECT_TRUE(read.ok()) << Where() << ": " << read;
  }

  // ReconcileLedger, every stored balance, and every booking, payment,
  // payout and dispute against the model.
  void CheckEverything() {
    absl::StatusOr<LedgerCheck> check = backend().ledger_reads.Reconcile(admin_.principal);
    ASSERT_TRUE(check.ok()) << Where() << ": " << check.status();
    EXPECT_TRUE(check->report.ok())
        << Where() << ": ReconcileLedger:\n" << absl::StrJoin(check->report.violations, "\n");
    EXPECT_EQ(check->report.transactions, transactions_) << Where();
    std::map<std::string, int64_t> stored;
    absl::Status read = store().Read([&](Tx& tx) -> absl::Status {
      GW_RETURN_IF_ERROR(tx.ledger().ForEachBalance(
          [&](const AccountBalance& b) { stored[b.account.Key()] = b.balance_minor; }));
      for (const MPayment& p : payments_) {
        GW_ASSIGN_OR_RETURN(Payment got, tx.payments().FindById(p.id));
        EXPECT_EQ(got.state, p.state) << Where() << ": payment " << p.id;
      }
      for (const MPayout& p : payouts_) {
        GW_ASSIGN_OR_RETURN(Payout got, tx.payouts().FindById(p.id));
        EXPECT_EQ(got.state, p.state) << Where() << ": payout " << p.id;
        EXPECT_EQ(got.amount.amount_minor, p.amount) << Where() << ": payout " << p.id;
      }
      for (const MDispute& d : disputes_) {
        GW_ASSIGN_OR_RETURN(Dispute got, tx.disputes().FindById(d.id));
        EXPECT_EQ(got.state, d.open ? DisputeState::kOpen : DisputeState::kResolved)
            << Where() << ": dispute " << d.id;
      }
      return absl::OkStatus();
    });
    ASSERT_TRUE(read.ok()) << Where() << ": " << read;
    for (const auto& [key, balance] : stored) {
      EXPECT_EQ(balance, Expected(key)) << Where() << ": stored balance of " << key;
      if (key.rfind("world:", 0) != 0) EXPECT_GE(balance, 0) << Where() << ": " << key;
    }
    for (const auto& [key, balance] : balance_) {
      if (balance != 0) EXPECT_EQ(stored.count(key), 1u) << Where() << ": no balance " << key;
    }
    int64_t fees = 0;
    for (const Money& m : check->platform_fees) fees += m.amount_minor;
    EXPECT_EQ(fees, Expected(PlatformKey())) << Where();
    for (const MBooking& b : bookings_) CheckBooking(b);
  }

  Rng rng_{0};
  uint64_t seed_ = 0;
  int step_ = 0;
  std::string what_;
  Touched touched_;
  Versions before_;
  std::set<std::string> touched_bookings_;
  std::set<int> touched_sellers_;

  std::vector<std::vector<std::pair<std::string, int64_t>>> gigs_;  // per seller: id, price
  std::deque<MMilestone> milestones_;
  std::deque<MBooking> bookings_;
  std::deque<MPayment> payments_;
  std::deque<MPayout> payouts_;
  std::deque<MDispute> disputes_;
  std::map<std::string, size_t> milestone_index_, booking_index_, payment_index_,
      payout_index_, dispute_index_;
  std::map<std::string, int64_t> balance_;  // by account key
  int64_t transactions_ = 0;
  int bookings_made_ = 0, auto_released_ = 0;
  std::map<std::string, std::pair<int, int>> tally_;  // per operation: succeeded, refused
};

TEST_F(MoneyRandomTest, RandomOperationsKeepEveryLedgerInvariant) {
  seed_ = FromEnv("GIGWIRE_MONEY_SEED", 20261203);
  const int steps = static_cast<int>(FromEnv("GIGWIRE_MONEY_STEPS", 10'000));
  rng_ = Rng(seed_);
  std::cout << "money_random_test: seed " << seed_ << ", " << steps
            << " steps (GIGWIRE_MONEY_SEED and GIGWIRE_MONEY_STEPS override them)" << std::endl;
  RecordProperty("seed", std::to_string(seed_));
  SCOPED_TRACE(absl::StrCat("seed ", seed_, " (rerun with GIGWIRE_MONEY_SEED=", seed_, ")"));

  AddGigs();
  for (int i = 0; i < kInitialBookings && !HasFailure(); ++i) NewBooking();
  ASSERT_FALSE(HasFailure()) << "setup failed";
  for (step_ = 1; step_ <= steps; ++step_) {
    Step();
    if (HasFailure()) break;
    CheckTouched();
    if (step_ % kCheckEvery == 0) CheckEverything();
    if (HasFailure()) break;
    Replenish();
    if (HasFailure()) break;
  }
  if (!HasFailure()) {
    what_ = "the end";
    CheckEverything();
  }

  int ok = 0, refused = 0;
  std::cout << "money_random_test: per operation, succeeded/refused:";
  for (const auto& [op, counts] : tally_) {
    std::cout << " " << op << " " << counts.first << "/" << counts.second;
    ok += counts.first;
    refused += counts.second;
  }
  std::cout << "\nmoney_random_test: " << ok << " succeeded, " << refused << " refused, "
            << auto_released_ << " auto-released; " << bookings_made_ << " bookings, "
            << milestones_.size() << " milestones, " << payments_.size() << " payments, "
            << payouts_.size() << " payouts, " << disputes_.size() << " disputes, "
            << transactions_ << " ledger transactions; clock moved "
            << absl::FormatDuration(clock_.Now() - absl::FromUnixSeconds(1'800'000'000))
            << std::endl;
  EXPECT_GE(ok + refused, steps) << "every step is an operation";
}

// ---------------------------------------------------------------------------
// Races through gRPC.

// Runs every task on its own thread, released together; returns when all
// are done.
void RunTogether(std::vector<std::function<void()>> tasks) {
  absl::Notification go;
  std::vector<std::thread> threads;
  threads.reserve(tasks.size());
  for (auto& task : tasks) {
    threads.emplace_back([&go, &task] {
      go.WaitForNotification();
      task();
    });
  }
  go.Notify();
  for (std::thread& t : threads) t.join();
}

bool Refused(const grpc::Status& status, grpc::StatusCode code, pb::ErrorReason reason) {
  return status.error_code() == code && ReasonIn(status) == reason;
}

std::string Explain(const grpc::Status& status) {
  return absl::StrCat(status.error_code(), " ", pb::ErrorReason_Name(ReasonIn(status)), " ",
                      status.error_message());
}

pb::Money UsdOf(int64_t minor) {
  pb::Money money;
  money.set_currency_code(kCurrency);
  money.set_amount_minor(minor);
  return money;
}

class MoneyRaceTest : public MoneyHarness {
 protected:
  static constexpr int kRounds = 15;
  static constexpr int64_t kPrice = 10'001;  // odd, so the fee rounds

  void SetUp() override {
    MoneyHarness::SetUp();
    if (HasFatalFailure()) return;
    second_admin_ = AddAdmin("admin2@example.com");
    gig_id_ = ApprovedGig(seller(), kPrice);
  }

  const Person& buyer() const { return buyers_[0]; }
  const Person& seller() const { return sellers_[0]; }

  // A new gig order's only milestone (PENDING).
  std::string NewMilestone() {
    booking_id_ = OrderGig(buyer(), gig_id_);
    const std::vector<Milestone> ms = MilestonesOf(booking_id_);
    EXPECT_EQ(ms.size(), 1u);
    return ms.empty() ? "" : ms[0].id;
  }

  template <typename Request>
  static Request WithId(const std::string& id) {
    Request r;
    r.set_id(id);
    return r;
  }

  // One read of the milestone through gRPC: run first by one side of a race
  // on some rounds, so that each side gets to go first now and then (the
  // assertions hold whichever does).
  void ReadFirst(const std::string& token, const std::string& milestone_id, int times = 1) {
    for (int i = 0; i < times; ++i) {
      pb::Milestone ignored;
      CallWith(token, &pb::MilestoneService::Stub::GetMilestone,
               WithId<pb::GetMilestoneRequest>(milestone_id), &ignored);
    }
  }

  std::string booking_id_;
  std::string gig_id_;
  Person second_admin_;
};

// Seller and admin cancel a FUNDED milestone (a refund) while the seller
// submits it and the buyer approves (a release): one of the two happens.
TEST_F(MoneyRaceTest, ApproveRacingCancelEndsInOneReleaseOrOneRefund) {
  int releases = 0, refunds = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string id = NewMilestone();
    FundAndConfirm(buyer(), id);
    ASSERT_FALSE(HasFatalFailure());
    const int64_t transactions = ReconciledTransactions();
    const int64_t seller_before = BalanceOf(SellerAccount(seller()));
    const std::string buyer_token = Token(buyer()), seller_token = Token(seller()),
                      admin_token = Token(admin_);
    grpc::Status by_seller, by_admin, submitted, approved;
    pb::CancelMilestoneRequest cancel = WithId<pb::CancelMilestoneRequest>(id);
    cancel.set_reason("cannot do it after all");
    pb::SubmitMilestoneRequest submit = WithId<pb::SubmitMilestoneRequest>(id);
    submit.set_note("done");
    using Stub = pb::MilestoneService::Stub;
    pb::Milestone ignored[4];
    const bool cancels_wait = round % 2 == 1;
    RunTogether({
        [&] {
          if (cancels_wait) ReadFirst(seller_token, id, 2);
          by_seller = CallWith(seller_token, &Stub::CancelMilestone, cancel, &ignored[0]);
        },
        [&] {
          if (cancels_wait) ReadFirst(admin_token, id, 2);
          by_admin = CallWith(admin_token, &Stub::CancelMilestone, cancel, &ignored[1]);
        },
        [&] {
          submitted = CallWith(seller_token, &Stub::SubmitMilestone, submit, &ignored[2]);
          approved = CallWith(buyer_token, &Stub::ApproveMilestone,
                              WithId<pb::ApproveMilestoneRequest>(id), &ignored[3]);
        },
    });
    const Milestone m = MilestoneNow(id);
    const auto invalid = [](const grpc::Status& s) {
      return Refused(s, grpc::StatusCode::FAILED_PRECONDITION, pb::INVALID_STATE);
    };
    if (m.state == State::kReleased) {
      ++releases;
      EXPECT_TRUE(submitted.ok()) << Explain(submitted);
      EXPECT_TRUE(approved.ok()) << Explain(approved);
      EXPECT_TRUE(invalid(by_seller)) << Explain(by_seller);
      EXPECT_TRUE(invalid(by_admin)) << Explain(by_admin);
      EXPECT_EQ(BalanceOf(SellerAccount(seller())),
                seller_before + kPrice - FeeOf(kPrice));
    } else {
      ASSERT_EQ(m.state, State::kCancelled) << MilestoneStateName(m.state);
      ++refunds;
      EXPECT_NE(by_seller.ok(), by_admin.ok())
          << "one cancel: " << Explain(by_seller) << " / " << Explain(by_admin);
      EXPECT_TRUE(invalid(by_seller.ok() ? by_admin : by_seller));
      EXPECT_TRUE(invalid(submitted)) << Explain(submitted);
      EXPECT_TRUE(invalid(approved)) << Explain(approved);
      EXPECT_EQ(m.refunded_minor, kPrice);
      EXPECT_EQ(BalanceOf(SellerAccount(seller())), seller_before);
    }
    EXPECT_EQ(BalanceOf(EscrowAccount(booking_id_)), 0);
    EXPECT_EQ(ReconciledTransactions(), transactions + 1) << "exactly one money step";
  }
  std::cout << "approve against cancel: " << releases << " releases, " << refunds
            << " refunds" << std::endl;
}

// A SUBMITTED milestone past its auto-release time: the buyer approves, the
// seller disputes and the scheduler runs at once. Either it is released
// once (by the buyer or the scheduler) or it is disputed with its money
// still in escrow.
TEST_F(MoneyRaceTest, ApproveRacingDisputeAndAutoReleaseReleasesAtMostOnce) {
  int by_buyer = 0, by_scheduler = 0, disputed = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string id = NewMilestone();
    FundAndConfirm(buyer(), id);
    Submit(seller(), id);
    ASSERT_FALSE(HasFatalFailure());
    clock_.Advance(kAutoRelease + absl::Minutes(1));
    const int64_t transactions = ReconciledTransactions();
    const std::string buyer_token = Token(buyer()), seller_token = Token(seller());
    grpc::Status approved, opened;
    absl::Status scheduled;
    pb::OpenDisputeRequest open;
    open.set_milestone_id(id);
    open.set_reason("the files are empty");
    pb::Milestone approved_milestone;
    pb::Dispute dispute;
    const absl::Time now = clock_.Now();
    const int first = round % 3;  // 0: the scheduler, 1: the dispute, 2: the approval
    RunTogether({
        [&] {
          if (first != 2) ReadFirst(buyer_token, id);
          approved = CallWith(buyer_token, &pb::MilestoneService::Stub::ApproveMilestone,
                              WithId<pb::ApproveMilestoneRequest>(id), &approved_milestone);
        },
        [&] {
          if (first != 1) ReadFirst(seller_token, id);
          opened = CallWith(seller_token, &pb::DisputeService::Stub::OpenDispute, open, &dispute);
        },
        [&] {
          if (first != 0) ReadFirst(seller_token, id, 2);
          scheduled = backend().scheduler.RunOnce(now);
        },
    });
    EXPECT_TRUE(scheduled.ok()) << scheduled;
    const auto invalid = [](const grpc::Status& s) {
      return Refused(s, grpc::StatusCode::FAILED_PRECONDITION, pb::INVALID_STATE);
    };
    const Milestone m = MilestoneNow(id);
    if (m.state == State::kDisputed) {
      ++disputed;
      EXPECT_TRUE(opened.ok()) << Explain(opened);
      EXPECT_TRUE(invalid(approved)) << Explain(approved);
      EXPECT_EQ(BalanceOf(EscrowAccount(booking_id_)), kPrice);
      EXPECT_EQ(ReconciledTransactions(), transactions) << "a dispute moves no money";
      // Settle it so that the next rounds' bookings start clean.
      pb::ResolveDisputeRequest resolve = WithId<pb::ResolveDisputeRequest>(dispute.id());
      *resolve.mutable_to_seller() = UsdOf(kPrice);
      *resolve.mutable_refunded() = UsdOf(0);
      resolve.set_note("delivered after all");
      Call(admin_.id, &pb::DisputeService::Stub::ResolveDispute, resolve);
    } else {
      ASSERT_EQ(m.state, State::kReleased) << MilestoneStateName(m.state);
      EXPECT_TRUE(invalid(opened)) << Explain(opened);
      if (approved.ok()) {
        ++by_buyer;
      } else {
        ++by_scheduler;
        EXPECT_TRUE(invalid(approved)) << Explain(approved);
      }
      EXPECT_EQ(BalanceOf(EscrowAccount(booking_id_)), 0);
      EXPECT_EQ(ReconciledTransactions(), transactions + 1) << "exactly one release";
    }
  }
  std::cout << "approve/dispute/auto-release: " << by_buyer << " approved, " << by_scheduler
            << " auto-released, " << disputed << " disputed" << std::endl;
}

// Two admins resolve one dispute with different splits: one split is paid.
TEST_F(MoneyRaceTest, TwoResolvesOfOneDisputePayOneSplit) {
  const std::vector<std::pair<int64_t, int64_t>> splits = {
      {kPrice * 7 / 10, kPrice - kPrice * 7 / 10}, {kPrice / 5, kPrice - kPrice / 5}};
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string id = NewMilestone();
    FundAndConfirm(buyer(), id);
    ASSERT_FALSE(HasFatalFailure());
    absl::StatusOr<Dispute> dispute = backend().disputes.Open(
        buyer().principal, id, "not delivered", "", KeyOf(buyer(), "OpenDispute"));
    ASSERT_TRUE(dispute.ok()) << dispute.status();
    const int64_t transactions = ReconciledTransactions();
    const int64_t seller_before = BalanceOf(SellerAccount(seller()));
    const std::string tokens[2] = {Token(admin_), Token(second_admin_)};
    grpc::Status status[2];
    pb::Dispute resolved[2];
    std::vector<std::function<void()>> tasks;
    for (int i = 0; i < 2; ++i) {
      tasks.push_back([&, i] {
        pb::ResolveDisputeRequest resolve = WithId<pb::ResolveDisputeRequest>(dispute->id);
        *resolve.mutable_to_seller() = UsdOf(splits[i].first);
        *resolve.mutable_refunded() = UsdOf(splits[i].second);
        resolve.set_note(absl::StrCat("split ", i));
        status[i] = CallWith(tokens[i], &pb::DisputeService::Stub::ResolveDispute, resolve,
                             &resolved[i]);
      });
    }
    RunTogether(std::move(tasks));
    ASSERT_NE(status[0].ok(), status[1].ok())
        << "one resolve: " << Explain(status[0]) << " / " << Explain(status[1]);
    const int won = status[0].ok() ? 0 : 1;
    EXPECT_TRUE(Refused(status[1 - won], grpc::StatusCode::FAILED_PRECONDITION,
                        pb::INVALID_STATE))
        << Explain(status[1 - won]);
    const Milestone m = MilestoneNow(id);
    EXPECT_EQ(m.state, State::kResolved);
    EXPECT_EQ(m.released_minor, splits[won].first);
    EXPECT_EQ(m.refunded_minor, splits[won].second);
    EXPECT_EQ(resolved[won].to_seller().amount_minor(), splits[won].first);
    EXPECT_EQ(BalanceOf(SellerAccount(seller())),
              seller_before + splits[won].first - FeeOf(splits[won].first));
    EXPECT_EQ(BalanceOf(EscrowAccount(booking_id_)), 0);
    EXPECT_EQ(ReconciledTransactions(), transactions + 1) << "exactly one resolution";
  }
}

// The buyer funds one milestone twice at once (one payment), then two admins
// confirm it while the buyer cancels it: it is funded once, or cancelled
// with no money moved.
TEST_F(MoneyRaceTest, TwoFundsThenTwoConfirmsAgainstACancelMoveMoneyOnce) {
  int funded = 0, cancelled = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string id = NewMilestone();
    const std::string buyer_token = Token(buyer());
    grpc::Status fund_status[2];
    pb::FundMilestoneResponse fund[2];
    RunTogether({
        [&] {
          fund_status[0] = CallWith(buyer_token, &pb::MilestoneService::Stub::FundMilestone,
                                    WithId<pb::FundMilestoneRequest>(id), &fund[0]);
        },
        [&] {
          fund_status[1] = CallWith(buyer_token, &pb::MilestoneService::Stub::FundMilestone,
                                    WithId<pb::FundMilestoneRequest>(id), &fund[1]);
        },
    });
    ASSERT_NE(fund_status[0].ok(), fund_status[1].ok())
        << "one payment: " << Explain(fund_status[0]) << " / " << Explain(fund_status[1]);
    const int paid = fund_status[0].ok() ? 0 : 1;
    EXPECT_TRUE(Refused(fund_status[1 - paid], grpc::StatusCode::FAILED_PRECONDITION,
                        pb::PAYMENT_PENDING))
        << Explain(fund_status[1 - paid]);
    const std::string payment_id = fund[paid].payment().id();
    absl::StatusOr<PaymentPage> listed = backend().payments.List(
        admin_.principal, PaymentFilter{std::nullopt, "", id, ""}, 50, "");
    ASSERT_TRUE(listed.ok()) << listed.status();
    ASSERT_EQ(listed->payments.size(), 1u) << "one payment for the milestone";

    const int64_t transactions = ReconciledTransactions();
    const std::string admin_tokens[2] = {Token(admin_), Token(second_admin_)};
    grpc::Status confirmed[2], cancel_status;
    pb::Payment ignored[3];
    std::vector<std::function<void()>> tasks;
    for (int i = 0; i < 2; ++i) {
      tasks.push_back([&, i] {
        pb::ConfirmPaymentRequest confirm = WithId<pb::ConfirmPaymentRequest>(payment_id);
        confirm.set_note(absl::StrCat("bank statement line ", i));
        confirmed[i] = CallWith(admin_tokens[i], &pb::PaymentService::Stub::ConfirmPayment,
                                confirm, &ignored[i]);
      });
    }
    tasks.push_back([&] {
      cancel_status = CallWith(buyer_token, &pb::PaymentService::Stub::CancelPayment,
                               WithId<pb::CancelPaymentRequest>(payment_id), &ignored[2]);
    });
    RunTogether(std::move(tasks));
    const auto invalid = [](const grpc::Status& s) {
      return Refused(s, grpc::StatusCode::FAILED_PRECONDITION, pb::INVALID_STATE);
    };
    const Milestone m = MilestoneNow(id);
    if (m.state == State::kFunded) {
      ++funded;
      ASSERT_NE(confirmed[0].ok(), confirmed[1].ok())
          << "one confirm: " << Explain(confirmed[0]) << " / " << Explain(confirmed[1]);
      EXPECT_TRUE(invalid(confirmed[0].ok() ? confirmed[1] : confirmed[0]));
      EXPECT_TRUE(invalid(cancel_status)) << Explain(cancel_status);
      EXPECT_EQ(BalanceOf(EscrowAccount(booking_id_)), kPrice);
      EXPECT_EQ(ReconciledTransactions(), transactions + 1) << "funded exactly once";
    } else {
      ASSERT_EQ(m.state, State::kPending) << MilestoneStateName(m.state);
      ++cancelled;
      EXPECT_TRUE(cancel_status.ok()) << Explain(cancel_status);
      EXPECT_TRUE(invalid(confirmed[0])) << Explain(confirmed[0]);
      EXPECT_TRUE(invalid(confirmed[1])) << Explain(confirmed[1]);
      EXPECT_EQ(BalanceOf(EscrowAccount(booking_id_)), 0);
      EXPECT_EQ(ReconciledTransactions(), transactions) << "a cancelled payment moves nothing";
    }
  }
  std::cout << "confirm twice against cancel: " << funded << " funded, " << cancelled
            << " cancelled" << std::endl;
}

// The seller asks for two payouts that together exceed what it may
// withdraw (one is refused), then two admins mark the granted one paid
// while the seller cancels it: it is paid once, or cancelled.
TEST_F(MoneyRaceTest, PayoutsOverTheBalanceAndMarkPaidTwicePayOnce) {
  int paid = 0, cancelled = 0;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    const std::string id = NewMilestone();
    FundAndConfirm(buyer(), id);
    Submit(seller(), id);
    ASSERT_FALSE(HasFatalFailure());
    absl::StatusOr<Milestone> approved =
        backend().milestones.Approve(buyer().principal, id, KeyOf(buyer(), "ApproveMilestone"));
    ASSERT_TRUE(approved.ok()) << approved.status();
    const int64_t available = BalanceOf(SellerAccount(seller()));
    ASSERT_GT(available, 0);
    const int64_t each = available / 2 + 1;  // two of them are over the balance
    const std::string seller_token = Token(seller());
    grpc::Status requested[2];
    pb::Payout payout[2];
    RunTogether({
        [&] {
          pb::RequestPayoutRequest r;
          *r.mutable_amount() = UsdOf(each);
          requested[0] =
              CallWith(seller_token, &pb::PayoutService::Stub::RequestPayout, r, &payout[0]);
        },
        [&] {
          pb::RequestPayoutRequest r;
          *r.mutable_amount() = UsdOf(each);
          requested[1] =
              CallWith(seller_token, &pb::PayoutService::Stub::RequestPayout, r, &payout[1]);
        },
    });
    ASSERT_NE(requested[0].ok(), requested[1].ok())
        << "one payout: " << Explain(requested[0]) << " / " << Explain(requested[1]);
    const int granted = requested[0].ok() ? 0 : 1;
    EXPECT_TRUE(Refused(requested[1 - granted], grpc::StatusCode::FAILED_PRECONDITION,
                        pb::INSUFFICIENT_FUNDS))
        << Explain(requested[1 - granted]);

    const int64_t transactions = ReconciledTransactions();
    const std::string payout_id = payout[granted].id();
    const std::string admin_tokens[2] = {Token(admin_), Token(second_admin_)};
    grpc::Status marked[2], cancel_status;
    pb::Payout ignored[3];
    std::vector<std::function<void()>> tasks;
    for (int i = 0; i < 2; ++i) {
      tasks.push_back([&, i] {
        pb::MarkPayoutPaidRequest mark = WithId<pb::MarkPayoutPaidRequest>(payout_id);
        mark.set_reference(absl::StrCat("transfer ", i));
        marked[i] = CallWith(admin_tokens[i], &pb::PayoutService::Stub::MarkPayoutPaid, mark,
                             &ignored[i]);
      });
    }
    tasks.push_back([&] {
      pb::CancelPayoutRequest cancel = WithId<pb::CancelPayoutRequest>(payout_id);
      cancel.set_reason("wrong bank account");
      cancel_status =
          CallWith(seller_token, &pb::PayoutService::Stub::CancelPayout, cancel, &ignored[2]);
    });
    RunTogether(std::move(tasks));
    const auto invalid = [](const grpc::Status& s) {
      return Refused(s, grpc::StatusCode::FAILED_PRECONDITION, pb::INVALID_STATE);
    };
    const int64_t after = BalanceOf(SellerAccount(seller()));
    EXPECT_GE(after, 0);
    if (cancel_status.ok()) {
      ++cancelled;
      EXPECT_TRUE(invalid(marked[0])) << Explain(marked[0]);
      EXPECT_TRUE(invalid(marked[1])) << Explain(marked[1]);
      EXPECT_EQ(after, available);
      EXPECT_EQ(ReconciledTransactions(), transactions) << "a cancelled payout moves nothing";
    } else {
      ++paid;
      EXPECT_TRUE(invalid(cancel_status)) << Explain(cancel_status);
      ASSERT_NE(marked[0].ok(), marked[1].ok())
          << "one mark: " << Explain(marked[0]) << " / " << Explain(marked[1]);
      EXPECT_TRUE(invalid(marked[0].ok() ? marked[1] : marked[0]));
      EXPECT_EQ(after, available - each);
      EXPECT_EQ(ReconciledTransactions(), transactions + 1) << "paid exactly once";
    }
  }
  std::cout << "mark paid twice against cancel: " << paid << " paid, " << cancelled
            << " cancelled" << std::endl;
}

}  // namespace
}  // namespace gigwire
