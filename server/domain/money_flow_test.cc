// The money rules of issue 15 end to end in the domain, on the real SQLite
// store with a FakeClock: a milestone funded (manual gateway: an admin
// confirms; a scripted provider: at once, failed, unavailable, settled by a
// refresh, cancelled), submitted, revised, approved or auto-released by the
// scheduler, cancelled with a refund, disputed and resolved in two parts,
// paid out; the bad inputs and the wrong callers that must move no money;
// and retries with the same request_id that must move it once. After every
// scenario that moves money, LedgerReads::Reconcile must find the ledger
// clean with the expected totals.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "server/domain/disputes.h"
#include "server/domain/ledger_reads.h"
#include "server/domain/milestone_moves.h"
#include "server/domain/milestones.h"
#include "server/domain/payments.h"
#include "server/domain/payouts.h"
#include "server/domain/scheduler.h"
#include "server/payments/manual_gateway.h"
#include "server/payments/payment_gateway.h"
#include "server/testing/marketplace_fixture.h"

namespace gigwire {

// Readable failure messages (found by gtest via ADL).
void PrintTo(MilestoneState state, std::ostream* os) { *os << MilestoneStateName(state); }
void PrintTo(PaymentState state, std::ostream* os) { *os << PaymentStateName(state); }
void PrintTo(PayoutState state, std::ostream* os) { *os << PayoutStateName(state); }
void PrintTo(DisputeState state, std::ostream* os) { *os << DisputeStateName(state); }
void PrintTo(LedgerTransactionKind kind, std::ostream* os) {
  *os << LedgerTransactionKindName(kind);
}

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testutil::HasError;
using testutil::IsInvalidState;
using testutil::KeyOf;
using testutil::NoKey;
using testutil::ValueOrFail;
using Kind = LedgerTransactionKind;

constexpr int32_t kFeeBps = 1000;  // 10 %
constexpr int64_t kAmount = 12'345;  // USD minor units: 10 % of it is not whole
constexpr int64_t kFee = 1'234;      // floor(12345 * 1000 / 10000)

// A PaymentGateway that answers what the test tells it to. The real
// providers are covered elsewhere (ManualGateway in
// server/payments/manual_gateway_test.cc, StripeGateway against a local HTTP
// server and stripe-mock in stripe_gateway_test.cc and stripe_mock_test.cc);
// here only what the domain does with each answer matters.
// Thread safety: none (one test thread).
class ScriptedGateway final : public PaymentGateway {
 public:
  absl::string_view name() const override { return "scripted"; }

  absl::StatusOr<ProviderPayment> CreatePayment(const PaymentRequest& request) override {
    ++create_calls;
    create_keys.push_back(request.idempotency_key);
    if (!create_error.ok()) return create_error;
    return Answer(absl::StrCat("sp_", request.idempotency_key), create_status, request.amount);
  }

  absl::StatusOr<ProviderPayment> GetPayment(absl::string_view provider_id) override {
    ++get_calls;
    if (!get_error.ok()) return get_error;
    return Answer(std::string(provider_id), get_status, {});
  }

  absl::StatusOr<ProviderPayment> CancelPayment(absl::string_view provider_id,
                                                absl::string_view idempotency_key) override {
    ++cancel_calls;
    cancel_keys.push_back(std::string(idempotency_key));
    if (!cancel_error.ok()) return cancel_error;
    return Answer(std::string(provider_id), PaymentStatus::kCancelled, {});
  }

  // What the next calls answer.
  PaymentStatus create_status = PaymentStatus::kPending;
  absl::Status create_error;  // OK: answer create_status
  PaymentStatus get_status = PaymentStatus::kPending;
  absl::Status get_error;
  absl::Status cancel_error;

  int create_calls = 0, get_calls = 0, cancel_calls = 0;
  std::vector<std::string> create_keys, cancel_keys;

 private:
  static ProviderPayment Answer(std::string id, PaymentStatus status, Money amount) {
    ProviderPayment p;
    p.client_secret = absl::StrCat(id, "_secret");
    p.provider_id = std::move(id);
    p.status = status;
    p.amount = std::move(amount);
    if (status == PaymentStatus::kFailed) p.failure_reason = "card_declined";
    return p;
  }
};

// Like testutil::TestEventEncoder, plus a dispute's note texts, so a test can
// tell whether an internal note reached the event stream.
class MoneyEventEncoder final : public EventEncoder {
 public:
  std::string Encode(const DomainEvent& event) const override {
    std::string out = encoder_.Encode(event);
    if (const Dispute* d = std::get_if<Dispute>(&event.resource)) {
      for (const DisputeNote& note : d->notes) absl::StrAppend(&out, " note:", note.text);
    }
    return out;
  }

 private:
  testutil::TestEventEncoder encoder_;
};

class MoneyFlowTest : public testutil::MarketplaceTest {
 protected:
  void SetUp() override {
    MarketplaceTest::SetUp();
    ASSERT_NE(store_, nullptr);
    MoneySettings settings;
    settings.platform_fee_bps = kFeeBps;
    settings.auto_release_after = absl::Hours(24 * 14);
    mover_ = std::make_unique<MilestoneMover>(clock_, money_outbox_, settings);
    milestones_ = std::make_unique<Milestones>(*store_, *mover_);
    payments_ = std::make_unique<Payments>(*store_, *mover_, manual_);
    provider_payments_ = std::make_unique<Payments>(*store_, *mover_, scripted_);
    payouts_ = std::make_unique<Payouts>(*store_, *mover_);
    disputes_ = std::make_unique<Disputes>(*store_, *mover_);
    ledger_ = std::make_unique<LedgerReads>(*store_, clock_);
    scheduler_ = std::make_unique<Scheduler>(*store_, *jobs_, *offers_, clock_,
                                             SchedulerConfig{}, milestones_.get());
    stranger_ = NewPrincipal("stranger", {Role::kBuyer, Role::kSeller});
  }

  // ---- bookings ----

  // An ACTIVE offer booking of buyer_ with seller_ for `amount_minor` USD:
  // one PENDING milestone for the whole price.
  Booking OfferBooking(int64_t amount_minor = kAmount) {
    Job draft = ValidDraft();
    draft.budget_min = {"USD", amount_minor};
    draft.budget_max = {"USD", amount_minor};
    Job job = ValueOrFail(jobs_->Create(buyer_, draft, NoKey()), "posting a job");
    ValueOrFail(jobs_->Approve(admin_, job.id, "", NoKey()), "approving the job");
    const std::string offer_id = AssignOne(job.id, seller_);
    Offer offer = ValueOrFail(offers_->Accept(seller_, offer_id, NoKey()), "accepting the offer");
    return StoredBooking(offer.booking_id);
  }

  // An ACTIVE proposal booking whose plan has two steps: 5,000 and 15,000 USD.
  Booking TwoStepBooking() {
    Job project = OpenProject(buyer_);
    ProposalDraft draft = Bid(20'000, 10);
    draft.milestones = {{"Design", {"USD", 5'000}, 3}, {"Build", {"USD", 15'000}, 10}};
    Proposal proposal = SubmitBid(seller_, project.id, draft);
    Proposal accepted =
        ValueOrFail(proposals_->Accept(buyer_, proposal.id, NoKey()), "accepting the bid");
    return StoredBooking(accepted.booking_id);
  }

  std::vector<Milestone> MilestonesOf(const std::string& booking_id) {
    return ReadOrFail<std::vector<Milestone>>(
        [&](Tx& tx) { return tx.milestones().ListByBooking(booking_id); }, "listing milestones");
  }

  Milestone OnlyMilestone(const Booking& booking) {
    std::vector<Milestone> all = MilestonesOf(booking.id);
    if (all.size() != 1) {
      ADD_FAILURE() << "booking " << booking.id << " has " << all.size() << " milestones";
      return {};
    }
    return all[0];
  }

  // ---- money steps that must succeed (set-up) ----

  // Funded through the manual gateway: the buyer starts the payment, the
  // admin confirms it.
  Milestone Funded(const Milestone& m) {
    FundResult fund = ValueOrFail(payments_->Fund(buyer_, m.id, NoKey()), "funding");
    ValueOrFail(payments_->Confirm(admin_, fund.payment.id, "transfer arrived", NoKey()),
                "confirming");
    return StoredMilestone(m.id);
  }
  Milestone Submitted(const Milestone& m) {
    return ValueOrFail(milestones_->Submit(seller_, m.id, "done, see the link", NoKey()),
                       "submitting");
  }
  Milestone Disputed(const Milestone& m, std::string* dispute_id) {
    Dispute d = ValueOrFail(
        disputes_->Open(buyer_, m.id, "not what we agreed", "screenshots", NoKey()), "disputing");
    if (dispute_id != nullptr) *dispute_id = d.id;
    return StoredMilestone(m.id);
  }

  // ---- rows read back behind the services' backs ----

  Milestone StoredMilestone(const std::string& id) {
    return ReadOrFail<Milestone>([&](Tx& tx) { return tx.milestones().FindById(id); },
                                 "reading milestone");
  }
  Payment StoredPayment(const std::string& id) {
    return ReadOrFail<Payment>([&](Tx& tx) { return tx.payments().FindById(id); },
                               "reading payment");
  }
  std::vector<Payment> PaymentsOfMilestone(const std::string& milestone_id) {
    PaymentQuery q;
    q.milestone_id = milestone_id;
    q.limit = 1000;
    return ReadOrFail<std::vector<Payment>>([&](Tx& tx) { return tx.payments().List(q); },
                                            "listing payments");
  }
  std::vector<Payout> PayoutsOf(const std::string& seller_id) {
    PayoutQuery q;
    q.seller_id = seller_id;
    q.limit = 1000;
    return ReadOrFail<std::vector<Payout>>([&](Tx& tx) { return tx.payouts().List(q); },
                                           "listing payouts");
  }
  Dispute StoredDispute(const std::string& id) {
    return ReadOrFail<Dispute>([&](Tx& tx) { return tx.disputes().FindById(id); },
                               "reading dispute");
  }

  // ---- the ledger ----

  int64_t BalanceOf(const Account& account) {
    return ReadOrFail<int64_t>([&](Tx& tx) { return tx.ledger().Balance(account); },
                               "reading a balance");
  }
  int64_t World() { return BalanceOf({AccountKind::kWorld, "", "USD"}); }
  int64_t Platform() { return BalanceOf({AccountKind::kPlatformFees, "", "USD"}); }
  int64_t Escrow(const Booking& b) { return BalanceOf({AccountKind::kEscrow, b.id, "USD"}); }
  int64_t SellerAvailable() {
    return BalanceOf({AccountKind::kSellerAvailable, seller_.user_id, "USD"});
  }

  // Every ledger transaction in commit order.
  std::vector<LedgerTransaction> LedgerTransactions() {
    std::vector<LedgerTransaction> all;
    absl::Status read = store_->Read([&](Tx& tx) {
      return tx.ledger().ForEachTransaction(
          [&](const LedgerTransaction& t) { all.push_back(t); });
    });
    EXPECT_TRUE(read.ok()) << read;
    return all;
  }
  std::vector<Kind> LedgerKinds() {
    std::vector<Kind> kinds;
    for (const LedgerTransaction& t : LedgerTransactions()) kinds.push_back(t.kind);
    return kinds;
  }

  static int64_t UsdOf(const std::vector<Money>& totals) {
    for (const Money& m : totals) {
      if (m.currency_code == "USD") return m.amount_minor;
    }
    return 0;
  }

  // The whole ledger reconciles cleanly, with these USD totals.
  ::testing::AssertionResult Reconciled(int64_t platform_fees, int64_t in_escrow,
                                        int64_t seller_available) {
    absl::StatusOr<LedgerCheck> check = ledger_->Reconcile(admin_);
    if (!check.ok()) return ::testing::AssertionFailure() << "reconcile: " << check.status();
    if (!check->report.ok()) {
      auto failure = ::testing::AssertionFailure() << "violations:";
      for (const std::string& v : check->report.violations) failure << "\n  " << v;
      return failure;
    }
    const int64_t fees = UsdOf(check->platform_fees), escrow = UsdOf(check->in_escrow),
                  seller = UsdOf(check->seller_available);
    if (fees != platform_fees || escrow != in_escrow || seller != seller_available) {
      return ::testing::AssertionFailure()
             << "totals platform/escrow/seller " << fees << "/" << escrow << "/" << seller
             << ", expected " << platform_fees << "/" << in_escrow << "/" << seller_available;
    }
    return ::testing::AssertionSuccess() << check->report.transactions << " transactions";
  }

  // ---- events and notifications ----

  // Types of the notifications `user_id` got for events after `after`, oldest first.
  std::vector<EventType> NotifiedAfter(const std::string& user_id, int64_t after) {
    std::vector<EventType> types;
    std::vector<Notification> all = NotificationsOf(user_id);
    for (auto it = all.rbegin(); it != all.rend(); ++it) {
      if (it->sequence > after) types.push_back(it->type);
    }
    return types;
  }

  static std::string MetadataOf(const absl::Status& status, const std::string& key) {
    const v1::ErrorDetails details = ErrorDetailsOf(status);
    auto it = details.metadata().find(key);
    return it == details.metadata().end() ? "<none>" : it->second;
  }

  MoneyEventEncoder money_encoder_;
  Outbox money_outbox_{money_encoder_};
  ManualGateway manual_;
  ScriptedGateway scripted_;
  std::unique_ptr<MilestoneMover> mover_;
  std::unique_ptr<Milestones> milestones_;
  std::unique_ptr<Payments> payments_;           // the manual gateway
  std::unique_ptr<Payments> provider_payments_;  // the scripted gateway
  std::unique_ptr<Payouts> payouts_;
  std::unique_ptr<Disputes> disputes_;
  std::unique_ptr<LedgerReads> ledger_;
  std::unique_ptr<Scheduler> scheduler_;
  Principal stranger_;  // neither party nor admin
};

// ---- 1. fund (manual) -> confirm -> submit -> revision -> submit -> approve ----

TEST_F(MoneyFlowTest, ManualFundingThroughApprovalPaysTheSellerMinusTheFloorFee) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  ASSERT_EQ(m.amount, (Money{"USD", kAmount}));
  const int64_t start = LatestSequence();

  // The buyer starts a bank transfer: nothing is funded until an admin confirms.
  FundResult fund = ValueOrFail(payments_->Fund(buyer_, m.id, NoKey()), "funding");
  EXPECT_EQ(fund.milestone.state, MilestoneState::kPending);
  EXPECT_EQ(fund.payment.state, PaymentState::kPending);
  EXPECT_EQ(fund.payment.gateway, "manual");
  EXPECT_EQ(fund.payment.amount, m.amount);
  EXPECT_TRUE(IsManualPaymentId(fund.payment.provider_id)) << fund.payment.provider_id;
  EXPECT_THAT(fund.payment.instructions, ::testing::HasSubstr("123.45 USD"));
  EXPECT_THAT(LedgerKinds(), IsEmpty());

  absl::StatusOr<Payment> confirmed =
      payments_->Confirm(admin_, fund.payment.id, "transfer arrived", NoKey());
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_EQ(confirmed->state, PaymentState::kSucceeded);
  EXPECT_EQ(confirmed->confirmed_by, admin_.user_id);
  EXPECT_EQ(StoredMilestone(m.id).state, MilestoneState::kFunded);
  EXPECT_EQ(StoredMilestone(m.id).payment_id, fund.payment.id);
  EXPECT_EQ(AuditEntries("ConfirmPayment").size(), 1u);
  EXPECT_EQ(Escrow(booking), kAmount);
  EXPECT_EQ(World(), -kAmount);
  EXPECT_TRUE(Reconciled(0, kAmount, 0));
  std::vector<CurrencyBalance> buyer_balance =
      ValueOrFail(ledger_->Balance(buyer_, ""), "buyer's balance");
  ASSERT_EQ(buyer_balance.size(), 1u);
  EXPECT_EQ(buyer_balance[0].escrow_as_buyer, kAmount);

  Milestone submitted = Submitted(m);
  EXPECT_EQ(submitted.state, MilestoneState::kSubmitted);
  ASSERT_TRUE(submitted.auto_release_time.has_value());
  EXPECT_EQ(*submitted.auto_release_time, clock_.Now() + absl::Hours(24 * 14));

  clock_.Advance(absl::Hours(2));
  absl::StatusOr<Milestone> revision =
      milestones_->RequestRevision(buyer_, m.id, "the logo is too small", NoKey());
  ASSERT_TRUE(revision.ok()) << revision.status();
  EXPECT_EQ(revision->state, MilestoneState::kRevisionRequested);
  EXPECT_EQ(revision->revision_count, 1);
  EXPECT_FALSE(revision->auto_release_time.has_value());
  EXPECT_EQ(Escrow(booking), kAmount) << "a revision moves no money";

  clock_.Advance(absl::Hours(2));
  Submitted(m);
  absl::StatusOr<Milestone> approved = milestones_->Approve(buyer_, m.id, NoKey());
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state, MilestoneState::kReleased);
  EXPECT_EQ(approved->released_minor, kAmount);
  EXPECT_FALSE(approved->auto_release_time.has_value());

  EXPECT_EQ(SellerAvailable(), kAmount - kFee);  // 11,111
  EXPECT_EQ(Platform(), kFee);                   // 1,234 (1,234.5 floored)
  EXPECT_EQ(Escrow(booking), 0);
  EXPECT_EQ(World(), -kAmount);
  EXPECT_TRUE(Reconciled(kFee, 0, kAmount - kFee));
  std::vector<LedgerTransaction> ledger = LedgerTransactions();
  ASSERT_EQ(ledger.size(), 2u);
  EXPECT_EQ(ledger[0].kind, Kind::kFund);
  EXPECT_EQ(ledger[0].actor_id, admin_.user_id);
  EXPECT_EQ(ledger[1].kind, Kind::kRelease);
  EXPECT_EQ(ledger[1].fee_bps, kFeeBps);
  EXPECT_EQ(ledger[1].actor_id, buyer_.user_id);
  EXPECT_EQ(ledger[1].milestone_id, m.id);

  Booking done = ValueOrFail(bookings_->Get(buyer_, booking.id), "reading the booking");
  EXPECT_EQ(done.state, BookingState::kCompleted);
  ASSERT_TRUE(done.money.has_value());
  EXPECT_EQ(done.money->funded, kAmount);
  EXPECT_EQ(done.money->in_escrow, 0);
  EXPECT_EQ(done.money->released, kAmount);
  EXPECT_EQ(done.money->platform_fees, kFee);
  EXPECT_EQ(done.money->refunded, 0);
  EXPECT_EQ(done.money->milestones_final, 1);
  EXPECT_EQ(StoredUser(seller_.user_id).completed_bookings, 1);

  EXPECT_THAT(EventTypesAfter(start),
              ElementsAre(EventType::kPaymentCreated, EventType::kMilestoneFunded,
                          EventType::kPaymentSucceeded, EventType::kMilestoneSubmitted,
                          EventType::kMilestoneRevisionRequested, EventType::kMilestoneSubmitted,
                          EventType::kMilestoneReleased, EventType::kBookingCompleted));
  // Each step notifies the other party (payments: the buyer only), never the actor.
  EXPECT_THAT(NotifiedAfter(buyer_.user_id, start),
              ElementsAre(EventType::kMilestoneFunded, EventType::kPaymentSucceeded,
                          EventType::kMilestoneSubmitted, EventType::kMilestoneSubmitted));
  EXPECT_THAT(NotifiedAfter(seller_.user_id, start),
              ElementsAre(EventType::kMilestoneFunded, EventType::kMilestoneRevisionRequested,
                          EventType::kMilestoneReleased, EventType::kBookingCompleted));
}

// ---- 2. cancelling funded money refunds it ----

TEST_F(MoneyFlowTest, SellerCancellingTheOnlyFundedMilestoneRefundsAndReopensTheJob) {
  Booking booking = OfferBooking();
  Milestone m = Funded(OnlyMilestone(booking));
  ASSERT_EQ(m.state, MilestoneState::kFunded);
  const int64_t start = LatestSequence();

  absl::StatusOr<Milestone> cancelled =
      milestones_->Cancel(seller_, m.id, "I cannot do it after all", NoKey());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, MilestoneState::kCancelled);
  EXPECT_EQ(cancelled->refunded_minor, kAmount);
  EXPECT_EQ(cancelled->released_minor, 0);
  EXPECT_EQ(cancelled->cancel_reason, "I cannot do it after all");

  EXPECT_EQ(Escrow(booking), 0);
  EXPECT_EQ(World(), 0) << "the buyer got every minor unit back";
  EXPECT_EQ(SellerAvailable(), 0);
  EXPECT_EQ(Platform(), 0);
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kRefund));
  EXPECT_TRUE(Reconciled(0, 0, 0));

  Booking stored = ValueOrFail(bookings_->Get(buyer_, booking.id), "reading the booking");
  EXPECT_EQ(stored.state, BookingState::kCancelled);
  ASSERT_TRUE(stored.money.has_value());
  EXPECT_EQ(stored.money->funded, kAmount);
  EXPECT_EQ(stored.money->refunded, kAmount);
  EXPECT_EQ(stored.money->contract_total, 0);
  EXPECT_EQ(StoredJob(booking.job_id).state, JobState::kOpen);
  EXPECT_EQ(StoredUser(seller_.user_id).completed_bookings, 0);
  EXPECT_THAT(EventTypesAfter(start),
              ElementsAre(EventType::kMilestoneCancelled, EventType::kBookingCancelled,
                          EventType::kJobReopened));
  EXPECT_THAT(NotifiedAfter(buyer_.user_id, start),
              ElementsAre(EventType::kMilestoneCancelled, EventType::kBookingCancelled,
                          EventType::kJobReopened));
}

TEST_F(MoneyFlowTest, CancellingOneOfTwoMilestonesLeavesTheBookingRunning) {
  Booking booking = TwoStepBooking();
  std::vector<Milestone> plan = MilestonesOf(booking.id);
  ASSERT_EQ(plan.size(), 2u);
  Milestone design = Funded(plan[0]);
  Milestone build = Funded(plan[1]);

  // An admin may take funded money back too (audited).
  ASSERT_TRUE(milestones_->Cancel(admin_, design.id, "scope dropped", NoKey()).ok());
  EXPECT_EQ(AuditEntries("Milestone:cancel").size(), 1u);
  EXPECT_EQ(StoredBooking(booking.id).state, BookingState::kActive);
  EXPECT_EQ(Escrow(booking), 15'000);
  EXPECT_TRUE(Reconciled(0, 15'000, 0));

  Submitted(build);
  ASSERT_TRUE(milestones_->Approve(buyer_, build.id, NoKey()).ok());
  // One milestone released: the booking completed, not cancelled.
  EXPECT_EQ(StoredBooking(booking.id).state, BookingState::kCompleted);
  EXPECT_EQ(World(), -15'000);
  EXPECT_EQ(SellerAvailable(), 13'500);
  EXPECT_TRUE(Reconciled(1'500, 0, 13'500));
}

// ---- 3. disputes ----

TEST_F(MoneyFlowTest, ADisputeResolved70To30PaysEachSideExactly) {
  Booking booking = OfferBooking();
  Milestone m = Submitted(Funded(OnlyMilestone(booking)));
  std::string dispute_id;
  ASSERT_EQ(Disputed(m, &dispute_id).state, MilestoneState::kDisputed);
  EXPECT_FALSE(StoredMilestone(m.id).auto_release_time.has_value()) << "frozen";

  ASSERT_TRUE(disputes_->AddNote(seller_, dispute_id, "it matches the brief", false, NoKey()).ok());
  ASSERT_TRUE(
      disputes_->AddNote(admin_, dispute_id, "seller looks right, mostly", true, NoKey()).ok());
  EXPECT_TRUE(HasError(
      disputes_->AddNote(buyer_, dispute_id, "only admins write these", true, NoKey()).status(),
      absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  for (const Principal& party : {buyer_, seller_}) {
    Dispute seen = ValueOrFail(disputes_->Get(party, dispute_id), "a party reads the dispute");
    ASSERT_EQ(seen.notes.size(), 1u);
    EXPECT_EQ(seen.notes[0].text, "it matches the brief");
  }
  EXPECT_EQ(ValueOrFail(disputes_->Get(admin_, dispute_id), "admin reads").notes.size(), 2u);
  EXPECT_TRUE(HasError(disputes_->Get(stranger_, dispute_id).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));

  const int64_t to_seller = 8'641, refunded = 3'704;  // 70/30 of 12,345
  const int64_t fee = 864;                             // floor(864.1)
  const int64_t before_resolve = LatestSequence();
  absl::StatusOr<Dispute> resolved = disputes_->Resolve(
      admin_, dispute_id, {{"USD", to_seller}, {"USD", refunded}, "70/30"}, NoKey());
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->state, DisputeState::kResolved);
  EXPECT_EQ(resolved->to_seller, (Money{"USD", to_seller}));
  EXPECT_EQ(resolved->refunded, (Money{"USD", refunded}));
  EXPECT_EQ(resolved->resolved_by, admin_.user_id);

  Milestone settled = StoredMilestone(m.id);
  EXPECT_EQ(settled.state, MilestoneState::kResolved);
  EXPECT_EQ(settled.released_minor, to_seller);
  EXPECT_EQ(settled.refunded_minor, refunded);
  EXPECT_EQ(SellerAvailable(), to_seller - fee);  // 7,777
  EXPECT_EQ(Platform(), fee);
  EXPECT_EQ(World(), -kAmount + refunded);  // -8,641
  EXPECT_EQ(Escrow(booking), 0);
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kResolution));
  EXPECT_EQ(LedgerTransactions()[1].fee_bps, kFeeBps);
  EXPECT_EQ(StoredBooking(booking.id).state, BookingState::kCompleted);
  EXPECT_EQ(AuditEntries("ResolveDispute").size(), 1u);
  EXPECT_TRUE(Reconciled(fee, 0, to_seller - fee));
  EXPECT_THAT(EventTypesAfter(before_resolve),
              ElementsAre(EventType::kMilestoneResolved, EventType::kBookingCompleted,
                          EventType::kDisputeResolved));
  EXPECT_THAT(NotifiedAfter(buyer_.user_id, before_resolve),
              ElementsAre(EventType::kMilestoneResolved, EventType::kBookingCompleted,
                          EventType::kDisputeResolved));
  EXPECT_THAT(NotifiedAfter(seller_.user_id, before_resolve),
              ElementsAre(EventType::kMilestoneResolved, EventType::kBookingCompleted,
                          EventType::kDisputeResolved));
  // No event (what parties stream) carries the internal note.
  for (const EventRecord& event : EventsAfter(0)) {
    EXPECT_THAT(event.payload, ::testing::Not(::testing::HasSubstr("mostly"))) << event.sequence;
  }
  bool public_note_streamed = false;
  for (const EventRecord& event : EventsAfter(0)) {
    public_note_streamed |= absl::StrContains(event.payload, "it matches the brief");
  }
  EXPECT_TRUE(public_note_streamed);

  // Resolving again moves nothing.
  EXPECT_TRUE(IsInvalidState(
      disputes_->Resolve(admin_, dispute_id, {{"USD", kAmount}, {"USD", 0}, "again"}, NoKey())
          .status(),
      "RESOLVED"));
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kResolution));
  EXPECT_TRUE(IsInvalidState(
      disputes_->AddNote(buyer_, dispute_id, "too late", false, NoKey()).status(), "RESOLVED"));
  EXPECT_TRUE(Reconciled(fee, 0, to_seller - fee));
}

TEST_F(MoneyFlowTest, AResolutionThatDoesNotAddUpMovesNothing) {
  Booking booking = OfferBooking();
  Milestone m = Funded(OnlyMilestone(booking));
  std::string dispute_id;
  Disputed(m, &dispute_id);
  const Milestone before = StoredMilestone(m.id);
  const int64_t sequence = LatestSequence();

  struct Case {
    const char* name;
    Money to_seller, refunded;
  };
  const Case cases[] = {
      {"short", {"USD", 8'000}, {"USD", 3'000}},
      {"over", {"USD", 9'000}, {"USD", 4'000}},
      {"another currency", {"EUR", 8'641}, {"EUR", 3'704}},
      {"mixed currencies", {"USD", 8'641}, {"EUR", 3'704}},
      {"negative seller part", {"USD", -1}, {"USD", kAmount + 1}},
      {"negative refund", {"USD", kAmount + 1}, {"USD", -1}},
      {"overflowing parts", {"USD", INT64_MAX}, {"USD", INT64_MAX}},
      {"a huge part and a negative one summing to the amount", {"USD", INT64_MAX},
       {"USD", INT64_MIN + kAmount + 1}},
  };
  for (const Case& c : cases) {
    absl::Status status =
        disputes_->Resolve(admin_, dispute_id, {c.to_seller, c.refunded, "split"}, NoKey())
            .status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::AMOUNT_MISMATCH))
        << c.name;
  }
  absl::Status short_split =
      disputes_->Resolve(admin_, dispute_id, {{"USD", 1}, {"USD", 1}, "split"}, NoKey()).status();
  EXPECT_EQ(MetadataOf(short_split, "expected_minor"), "12345");
  absl::Status euros =
      disputes_->Resolve(admin_, dispute_id, {{"EUR", 1}, {"EUR", 1}, "split"}, NoKey()).status();
  EXPECT_EQ(MetadataOf(euros, "currency_code"), "USD");
  EXPECT_TRUE(HasError(
      disputes_->Resolve(buyer_, dispute_id, {{"USD", kAmount}, {"USD", 0}, "mine"}, NoKey())
          .status(),
      absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));

  EXPECT_EQ(StoredDispute(dispute_id).state, DisputeState::kOpen);
  EXPECT_EQ(StoredMilestone(m.id).version, before.version);
  EXPECT_EQ(StoredMilestone(m.id).state, MilestoneState::kDisputed);
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));
  EXPECT_THAT(EventTypesAfter(sequence), IsEmpty());
  EXPECT_TRUE(Reconciled(0, kAmount, 0));

  // All to the buyer: nothing reached the seller, so the booking is cancelled.
  ASSERT_TRUE(
      disputes_->Resolve(admin_, dispute_id, {{"USD", 0}, {"USD", kAmount}, "refund"}, NoKey())
          .ok());
  EXPECT_EQ(World(), 0);
  EXPECT_EQ(StoredBooking(booking.id).state, BookingState::kCancelled);
  EXPECT_TRUE(Reconciled(0, 0, 0));
}

TEST_F(MoneyFlowTest, DisputesOnlyOnEscrowedMoneyByAParty) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  EXPECT_TRUE(IsInvalidState(
      disputes_->Open(buyer_, m.id, "nothing paid yet", "", NoKey()).status(), "PENDING"));
  Funded(m);
  EXPECT_TRUE(HasError(disputes_->Open(admin_, m.id, "admins resolve", "", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(disputes_->Open(stranger_, m.id, "not mine", "", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  Disputed(m, nullptr);
  EXPECT_TRUE(IsInvalidState(disputes_->Open(seller_, m.id, "me too", "", NoKey()).status(),
                             "DISPUTED"));
  // Frozen: neither side moves the money while the dispute is open.
  EXPECT_TRUE(IsInvalidState(milestones_->Submit(seller_, m.id, "here", NoKey()).status(),
                             "DISPUTED"));
  EXPECT_TRUE(IsInvalidState(milestones_->Approve(buyer_, m.id, NoKey()).status(), "DISPUTED"));
  EXPECT_TRUE(IsInvalidState(milestones_->Cancel(seller_, m.id, "refund", NoKey()).status(),
                             "DISPUTED"));
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));
  EXPECT_TRUE(Reconciled(0, kAmount, 0));
}

// ---- 4. bad input and authority ----

TEST_F(MoneyFlowTest, OnlyTheRightPartyMovesAMilestone) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  // Someone who is no party to the booking does not even see the milestone.
  EXPECT_TRUE(HasError(payments_->Fund(stranger_, m.id, NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(payments_->Fund(seller_, m.id, NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(payments_->Fund(admin_, m.id, NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_THAT(PaymentsOfMilestone(m.id), IsEmpty());

  Funded(m);
  EXPECT_TRUE(HasError(milestones_->Submit(buyer_, m.id, "I did it", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(milestones_->Submit(stranger_, m.id, "me", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(milestones_->Get(stranger_, m.id).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  // The buyer disputes funded money rather than taking it back.
  EXPECT_TRUE(HasError(milestones_->Cancel(buyer_, m.id, "changed my mind", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));

  Submitted(m);
  for (const Principal& not_buyer : {seller_, admin_}) {
    EXPECT_TRUE(HasError(milestones_->Approve(not_buyer, m.id, NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
    EXPECT_TRUE(
        HasError(milestones_->RequestRevision(not_buyer, m.id, "again", NoKey()).status(),
                 absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  }
  EXPECT_TRUE(HasError(milestones_->Approve(stranger_, m.id, NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));

  ASSERT_TRUE(milestones_->Approve(buyer_, m.id, NoKey()).ok());
  const int64_t sequence = LatestSequence();
  EXPECT_TRUE(IsInvalidState(milestones_->Approve(buyer_, m.id, NoKey()).status(), "RELEASED"));
  EXPECT_TRUE(IsInvalidState(milestones_->Cancel(seller_, m.id, "undo", NoKey()).status(),
                             "RELEASED"));
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kRelease));
  EXPECT_THAT(EventTypesAfter(sequence), IsEmpty());
  EXPECT_TRUE(Reconciled(kFee, 0, kAmount - kFee));
}

TEST_F(MoneyFlowTest, APendingPaymentBlocksCancelAndASecondFunding) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  FundResult fund = ValueOrFail(payments_->Fund(buyer_, m.id, NoKey()), "funding");

  absl::Status again = payments_->Fund(buyer_, m.id, NoKey()).status();
  EXPECT_TRUE(HasError(again, absl::StatusCode::kFailedPrecondition, v1::PAYMENT_PENDING));
  EXPECT_EQ(MetadataOf(again, "payment_id"), fund.payment.id);
  EXPECT_EQ(PaymentsOfMilestone(m.id).size(), 1u);

  for (const Principal& party : {buyer_, seller_, admin_}) {
    absl::Status cancel = milestones_->Cancel(party, m.id, "never mind", NoKey()).status();
    EXPECT_TRUE(HasError(cancel, absl::StatusCode::kFailedPrecondition, v1::PAYMENT_PENDING));
    EXPECT_EQ(MetadataOf(cancel, "payment_id"), fund.payment.id);
  }
  ValueOrFail(bookings_->Deliver(seller_, booking.id, "here", NoKey()), "delivering");
  EXPECT_TRUE(HasError(bookings_->Complete(buyer_, booking.id, NoKey()).status(),
                       absl::StatusCode::kFailedPrecondition, v1::PAYMENT_PENDING));
  EXPECT_EQ(StoredMilestone(m.id).state, MilestoneState::kPending);

  // Cancel the payment first; then the milestone may be cancelled.
  absl::StatusOr<Payment> cancelled = payments_->Cancel(buyer_, fund.payment.id, NoKey());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, PaymentState::kCancelled);
  EXPECT_TRUE(IsInvalidState(
      payments_->Confirm(admin_, fund.payment.id, "late transfer", NoKey()).status(),
      "CANCELLED"));
  ASSERT_TRUE(milestones_->Cancel(buyer_, m.id, "never mind", NoKey()).ok());
  EXPECT_THAT(LedgerKinds(), IsEmpty());
  // Nothing reached the seller: the booking ends cancelled.
  EXPECT_EQ(StoredBooking(booking.id).state, BookingState::kCancelled);
  EXPECT_TRUE(Reconciled(0, 0, 0));
}

TEST_F(MoneyFlowTest, ConfirmIsForAdminsOnceAndOnlyForManualPayments) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  FundResult fund = ValueOrFail(payments_->Fund(buyer_, m.id, NoKey()), "funding");
  for (const Principal& not_admin : {buyer_, seller_}) {
    EXPECT_TRUE(HasError(
        payments_->Confirm(not_admin, fund.payment.id, "it arrived", NoKey()).status(),
        absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  }
  EXPECT_TRUE(HasError(payments_->Confirm(admin_, fund.payment.id, "", NoKey()).status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(LedgerKinds(), IsEmpty());

  ASSERT_TRUE(payments_->Confirm(admin_, fund.payment.id, "it arrived", NoKey()).ok());
  EXPECT_TRUE(IsInvalidState(
      payments_->Confirm(admin_, fund.payment.id, "it arrived", NoKey()).status(), "SUCCEEDED"));
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));
  EXPECT_TRUE(Reconciled(0, kAmount, 0));

  // A provider's payment is settled by the provider, not by an admin.
  Milestone other = OnlyMilestone(OfferBooking());
  FundResult provided = ValueOrFail(provider_payments_->Fund(buyer_, other.id, NoKey()),
                                    "funding through the provider");
  ASSERT_EQ(provided.payment.state, PaymentState::kPending);
  EXPECT_TRUE(HasError(
      provider_payments_->Confirm(admin_, provided.payment.id, "it arrived", NoKey()).status(),
      absl::StatusCode::kFailedPrecondition, v1::WRONG_GATEWAY));
  EXPECT_EQ(StoredPayment(provided.payment.id).state, PaymentState::kPending);
  EXPECT_TRUE(HasError(payments_->Refresh(buyer_, fund.payment.id).status(),
                       absl::StatusCode::kFailedPrecondition, v1::WRONG_GATEWAY));
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));
}

TEST_F(MoneyFlowTest, PayoutsNeverExceedTheWithdrawableBalance) {
  Booking booking = OfferBooking();
  Milestone m = Submitted(Funded(OnlyMilestone(booking)));
  ASSERT_TRUE(milestones_->Approve(buyer_, m.id, NoKey()).ok());
  const int64_t available = kAmount - kFee;  // 11,111
  const std::string account = Account{AccountKind::kSellerAvailable, seller_.user_id, "USD"}.Key();

  absl::Status too_much = payouts_->Request(seller_, {"USD", available + 1}, NoKey()).status();
  EXPECT_TRUE(HasError(too_much, absl::StatusCode::kFailedPrecondition, v1::INSUFFICIENT_FUNDS));
  EXPECT_EQ(MetadataOf(too_much, "account"), account);
  EXPECT_EQ(MetadataOf(too_much, "balance_minor"), "11111");
  EXPECT_EQ(MetadataOf(too_much, "asked_minor"), "11112");
  EXPECT_TRUE(HasError(payouts_->Request(seller_, {"USD", 0}, NoKey()).status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_TRUE(HasError(payouts_->Request(seller_, {"EUR", 1}, NoKey()).status(),
                       absl::StatusCode::kFailedPrecondition, v1::INSUFFICIENT_FUNDS));
  EXPECT_TRUE(HasError(payouts_->Request(buyer_, {"USD", 1}, NoKey()).status(),
                       absl::StatusCode::kFailedPrecondition, v1::INSUFFICIENT_FUNDS));

  // Two requests that each fit but together do not: the second is refused.
  Payout first = ValueOrFail(payouts_->Request(seller_, {"USD", 6'000}, NoKey()), "payout 1");
  EXPECT_EQ(first.state, PayoutState::kRequested);
  absl::Status second = payouts_->Request(seller_, {"USD", 6'000}, NoKey()).status();
  EXPECT_TRUE(HasError(second, absl::StatusCode::kFailedPrecondition, v1::INSUFFICIENT_FUNDS));
  EXPECT_EQ(MetadataOf(second, "balance_minor"), "5111");
  std::vector<CurrencyBalance> balance = ValueOrFail(ledger_->Balance(seller_, ""), "balance");
  ASSERT_EQ(balance.size(), 1u);
  EXPECT_EQ(balance[0].available, available);
  EXPECT_EQ(balance[0].payouts_requested, 6'000);
  EXPECT_EQ(balance[0].withdrawable, 5'111);
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kRelease)) << "requests move nothing";

  EXPECT_TRUE(HasError(payouts_->MarkPaid(seller_, first.id, "ref-1", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  absl::StatusOr<Payout> paid = payouts_->MarkPaid(admin_, first.id, "bank ref 77", NoKey());
  ASSERT_TRUE(paid.ok()) << paid.status();
  EXPECT_EQ(paid->state, PayoutState::kPaid);
  EXPECT_EQ(SellerAvailable(), available - 6'000);
  EXPECT_EQ(World(), -kAmount + 6'000);
  EXPECT_TRUE(IsInvalidState(payouts_->MarkPaid(admin_, first.id, "bank ref 77", NoKey()).status(),
                             "PAID"));
  EXPECT_TRUE(IsInvalidState(payouts_->Cancel(seller_, first.id, "oops", NoKey()).status(),
                             "PAID"));
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kRelease, Kind::kPayout));
  EXPECT_TRUE(Reconciled(kFee, 0, available - 6'000));

  // The rest may be asked for exactly; a cancelled request frees it again.
  Payout rest = ValueOrFail(payouts_->Request(seller_, {"USD", 5'111}, NoKey()), "payout 2");
  EXPECT_TRUE(HasError(payouts_->Request(seller_, {"USD", 1}, NoKey()).status(),
                       absl::StatusCode::kFailedPrecondition, v1::INSUFFICIENT_FUNDS));
  EXPECT_TRUE(HasError(payouts_->Cancel(stranger_, rest.id, "not mine", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  ASSERT_TRUE(payouts_->Cancel(seller_, rest.id, "later", NoKey()).ok());
  EXPECT_TRUE(payouts_->Request(seller_, {"USD", 5'111}, NoKey()).ok());
  EXPECT_TRUE(Reconciled(kFee, 0, available - 6'000));
}

TEST_F(MoneyFlowTest, ProposedMilestonesStayInTheBookingsCurrencyAndNeedTheOtherSide) {
  Booking booking = OfferBooking();
  MilestoneProposal extra{booking.id, "Extra page", {"EUR", 5'000},
                          clock_.Now() + absl::Hours(24 * 5)};
  absl::Status euros = milestones_->Propose(seller_, extra, NoKey()).status();
  EXPECT_TRUE(HasError(euros, absl::StatusCode::kInvalidArgument, v1::AMOUNT_MISMATCH));
  EXPECT_EQ(MetadataOf(euros, "currency_code"), "USD");
  // Amounts are bounded (10^13 minor units) long before a contract's total
  // could overflow; negative ones are refused too.
  for (int64_t bad : {INT64_MAX - 1, int64_t{-5'000}}) {
    extra.amount = {"USD", bad};
    absl::Status status = milestones_->Propose(seller_, extra, NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS)) << bad;
    EXPECT_THAT(testutil::ViolatedFields(status), ::testing::Contains("amount.amount_minor"));
  }
  extra.amount = {"USD", 5'000};
  EXPECT_TRUE(HasError(milestones_->Propose(admin_, extra, NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(milestones_->Propose(stranger_, extra, NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_EQ(MilestonesOf(booking.id).size(), 1u);

  Milestone proposed = ValueOrFail(milestones_->Propose(seller_, extra, NoKey()), "proposing");
  EXPECT_EQ(proposed.state, MilestoneState::kProposed);
  EXPECT_EQ(proposed.position, 1);
  EXPECT_EQ(proposed.proposed_by, seller_.user_id);
  EXPECT_TRUE(IsInvalidState(payments_->Fund(buyer_, proposed.id, NoKey()).status(), "PROPOSED"));
  for (const Principal& not_other_side : {seller_, admin_}) {
    EXPECT_TRUE(HasError(milestones_->Accept(not_other_side, proposed.id, NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  }
  absl::StatusOr<Milestone> accepted = milestones_->Accept(buyer_, proposed.id, NoKey());
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state, MilestoneState::kPending);
  EXPECT_THAT(LedgerKinds(), IsEmpty());
}

TEST_F(MoneyFlowTest, ABookingHoldingEscrowCannotBeCompletedOrCancelledAsAWhole) {
  Booking booking = OfferBooking();
  Milestone m = Funded(OnlyMilestone(booking));
  ValueOrFail(bookings_->Deliver(seller_, booking.id, "here", NoKey()), "delivering");
  for (const Principal& closer : {buyer_, admin_}) {
    absl::Status complete = bookings_->Complete(closer, booking.id, NoKey()).status();
    EXPECT_TRUE(HasError(complete, absl::StatusCode::kFailedPrecondition, v1::ESCROW_HELD));
    EXPECT_EQ(MetadataOf(complete, "milestone_id"), m.id);
  }
  EXPECT_TRUE(HasError(
      bookings_->Cancel(admin_, booking.id, "stop", /*cancel_job=*/false, NoKey()).status(),
      absl::StatusCode::kFailedPrecondition, v1::ESCROW_HELD));
  EXPECT_EQ(StoredBooking(booking.id).state, BookingState::kDelivered);
  EXPECT_EQ(StoredMilestone(m.id).state, MilestoneState::kFunded);
  EXPECT_TRUE(Reconciled(0, kAmount, 0));
}

// ---- 5. provider outcomes (the scripted gateway) ----

// A booking's parties list its payments; the client secret stays the
// buyer's; nobody else learns the booking's payments exist.
TEST_F(MoneyFlowTest, ABookingsPartiesListItsPaymentsAndOthersDoNot) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  FundResult fund = ValueOrFail(provider_payments_->Fund(buyer_, m.id, NoKey()), "fund");
  PaymentFilter of_booking;
  of_booking.booking_id = booking.id;
  PaymentPage seller_view = ValueOrFail(payments_->List(seller_, of_booking, 0, ""), "seller");
  ASSERT_EQ(seller_view.payments.size(), 1u);
  EXPECT_EQ(seller_view.payments[0].id, fund.payment.id);
  EXPECT_TRUE(seller_view.payments[0].client_secret.empty());
  PaymentPage buyer_view = ValueOrFail(payments_->List(buyer_, of_booking, 0, ""), "buyer");
  ASSERT_EQ(buyer_view.payments.size(), 1u);
  EXPECT_FALSE(buyer_view.payments[0].client_secret.empty());
  EXPECT_TRUE(HasError(payments_->List(stranger_, of_booking, 0, "").status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  // Without a booking, a seller has made no payment.
  EXPECT_TRUE(ValueOrFail(payments_->List(seller_, {}, 0, ""), "own").payments.empty());
}

TEST_F(MoneyFlowTest, AProviderThatSucceedsAtOnceFundsWithinFund) {
  scripted_.create_status = PaymentStatus::kSucceeded;
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  const int64_t start = LatestSequence();
  absl::StatusOr<FundResult> fund = provider_payments_->Fund(buyer_, m.id, NoKey());
  ASSERT_TRUE(fund.ok()) << fund.status();
  EXPECT_EQ(fund->milestone.state, MilestoneState::kFunded);
  EXPECT_EQ(fund->milestone.payment_id, fund->payment.id);
  EXPECT_EQ(fund->payment.state, PaymentState::kSucceeded);
  EXPECT_EQ(fund->payment.gateway, "scripted");
  ASSERT_EQ(scripted_.create_keys.size(), 1u);
  EXPECT_EQ(scripted_.create_keys[0], absl::StrCat("fund:", m.id, ":v", m.version));
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));
  EXPECT_EQ(Escrow(booking), kAmount);
  EXPECT_THAT(EventTypesAfter(start),
              ElementsAre(EventType::kPaymentCreated, EventType::kMilestoneFunded,
                          EventType::kPaymentSucceeded));
  EXPECT_TRUE(Reconciled(0, kAmount, 0));
  // The client secret is the buyer's alone.
  EXPECT_FALSE(ValueOrFail(provider_payments_->Get(buyer_, fund->payment.id), "buyer reads")
                   .client_secret.empty());
  EXPECT_TRUE(ValueOrFail(provider_payments_->Get(seller_, fund->payment.id), "seller reads")
                  .client_secret.empty());
}

TEST_F(MoneyFlowTest, AFailedPaymentLeavesTheMilestonePendingAndTheLedgerEmpty) {
  scripted_.create_status = PaymentStatus::kFailed;
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  const int64_t start = LatestSequence();
  absl::StatusOr<FundResult> fund = provider_payments_->Fund(buyer_, m.id, NoKey());
  ASSERT_TRUE(fund.ok()) << fund.status();
  EXPECT_EQ(fund->payment.state, PaymentState::kFailed);
  EXPECT_EQ(fund->payment.failure_reason, "card_declined");
  EXPECT_EQ(fund->milestone.state, MilestoneState::kPending);
  EXPECT_THAT(LedgerKinds(), IsEmpty());
  EXPECT_THAT(EventTypesAfter(start),
              ElementsAre(EventType::kPaymentCreated, EventType::kPaymentFailed));
  EXPECT_TRUE(Reconciled(0, 0, 0));

  // A failed payment is not under way: the buyer may try again.
  scripted_.create_status = PaymentStatus::kPending;
  absl::StatusOr<FundResult> retry = provider_payments_->Fund(buyer_, m.id, NoKey());
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_NE(retry->payment.id, fund->payment.id);
  ASSERT_EQ(scripted_.create_keys.size(), 2u);
  EXPECT_NE(scripted_.create_keys[0], scripted_.create_keys[1]);
}

TEST_F(MoneyFlowTest, AnUnavailableProviderLeavesNoPaymentBehind) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  const int64_t start = LatestSequence();
  for (absl::Status down : {absl::UnavailableError("connection refused"),
                            absl::DeadlineExceededError("slow"),
                            absl::UnauthenticatedError("bad key")}) {
    scripted_.create_error = down;
    absl::Status status = provider_payments_->Fund(buyer_, m.id, NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kUnavailable,
                         v1::PAYMENT_PROVIDER_UNAVAILABLE))
        << down;
  }
  EXPECT_THAT(PaymentsOfMilestone(m.id), IsEmpty());
  EXPECT_EQ(StoredMilestone(m.id).version, m.version);
  EXPECT_THAT(EventTypesAfter(start), IsEmpty());
  EXPECT_THAT(LedgerKinds(), IsEmpty());
  // Every retry asked with the same key: a late success at the provider is
  // found again, not paid twice.
  ASSERT_EQ(scripted_.create_keys.size(), 3u);
  EXPECT_EQ(scripted_.create_keys[0], scripted_.create_keys[2]);
  EXPECT_TRUE(Reconciled(0, 0, 0));
}

TEST_F(MoneyFlowTest, RefreshFundsOnceWhenTheProviderReportsSuccess) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  FundResult fund = ValueOrFail(provider_payments_->Fund(buyer_, m.id, NoKey()), "funding");
  ASSERT_EQ(fund.payment.state, PaymentState::kPending);

  // Still pending at the provider: nothing changes.
  Payment pending = ValueOrFail(provider_payments_->Refresh(buyer_, fund.payment.id), "refresh");
  EXPECT_EQ(pending.state, PaymentState::kPending);
  EXPECT_EQ(StoredPayment(fund.payment.id).version, fund.payment.version);
  // Unreachable: the payment stays pending.
  scripted_.get_error = absl::UnavailableError("503");
  EXPECT_TRUE(HasError(provider_payments_->Refresh(buyer_, fund.payment.id).status(),
                       absl::StatusCode::kUnavailable, v1::PAYMENT_PROVIDER_UNAVAILABLE));
  scripted_.get_error = absl::OkStatus();
  EXPECT_TRUE(HasError(provider_payments_->Refresh(seller_, fund.payment.id).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(provider_payments_->Refresh(stranger_, fund.payment.id).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_THAT(LedgerKinds(), IsEmpty());

  scripted_.get_status = PaymentStatus::kSucceeded;
  const int64_t start = LatestSequence();
  Payment succeeded =
      ValueOrFail(provider_payments_->Refresh(buyer_, fund.payment.id), "refresh: succeeded");
  EXPECT_EQ(succeeded.state, PaymentState::kSucceeded);
  EXPECT_EQ(StoredMilestone(m.id).state, MilestoneState::kFunded);
  const int get_calls = scripted_.get_calls;
  Payment again = ValueOrFail(provider_payments_->Refresh(admin_, fund.payment.id), "again");
  EXPECT_EQ(again.state, PaymentState::kSucceeded);
  EXPECT_EQ(scripted_.get_calls, get_calls) << "a settled payment is not asked about again";
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));
  EXPECT_THAT(EventTypesAfter(start),
              ElementsAre(EventType::kMilestoneFunded, EventType::kPaymentSucceeded));
  EXPECT_TRUE(Reconciled(0, kAmount, 0));
}

// A provider's "failed" is not final there (a buyer may retry the intent with
// another card): Gigwire cancels it at the provider before recording FAILED,
// and when the provider cannot cancel it, it stays PENDING.
TEST_F(MoneyFlowTest, AFailedPaymentIsCancelledAtTheProviderBeforeItIsRecorded) {
  scripted_.create_status = PaymentStatus::kFailed;
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  FundResult failed = ValueOrFail(provider_payments_->Fund(buyer_, m.id, NoKey()), "fund");
  EXPECT_EQ(failed.payment.state, PaymentState::kFailed);
  ASSERT_EQ(scripted_.cancel_keys.size(), 1u);
  EXPECT_EQ(scripted_.cancel_keys[0], absl::StrCat("fund:", m.id, ":v", m.version, ":cancel"));

  // The provider down while cancelling: not recorded as failed.
  scripted_.cancel_error = absl::UnavailableError("503");
  FundResult kept = ValueOrFail(provider_payments_->Fund(buyer_, m.id, NoKey()), "fund again");
  EXPECT_EQ(kept.payment.state, PaymentState::kPending);
  EXPECT_EQ(StoredMilestone(m.id).state, MilestoneState::kPending);
  EXPECT_THAT(LedgerKinds(), IsEmpty());
  EXPECT_TRUE(Reconciled(0, 0, 0));
}

// Without webhooks, the scheduler asks the provider about pending payments
// once they are a minute old, at most every payment_poll_interval.
TEST_F(MoneyFlowTest, TheSchedulerSettlesPendingProviderPayments) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  FundResult fund = ValueOrFail(provider_payments_->Fund(buyer_, m.id, NoKey()), "fund");
  scripted_.get_status = PaymentStatus::kSucceeded;
  EXPECT_EQ(ValueOrFail(provider_payments_->RefreshPending(clock_.Now()), "too young"), 0);
  EXPECT_EQ(scripted_.get_calls, 0);
  clock_.Advance(absl::Minutes(2));
  EXPECT_EQ(ValueOrFail(provider_payments_->RefreshPending(clock_.Now()), "settle"), 1);
  EXPECT_EQ(StoredPayment(fund.payment.id).state, PaymentState::kSucceeded);
  EXPECT_EQ(StoredMilestone(m.id).state, MilestoneState::kFunded);
  EXPECT_EQ(ValueOrFail(provider_payments_->RefreshPending(clock_.Now()), "nothing left"), 0);
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));
  EXPECT_TRUE(Reconciled(0, kAmount, 0));
  // The manual gateway has nothing to ask.
  EXPECT_EQ(ValueOrFail(payments_->RefreshPending(clock_.Now()), "manual"), 0);
}

TEST_F(MoneyFlowTest, CancellingAPaymentAsksTheProviderAndMovesNothing) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  FundResult fund = ValueOrFail(provider_payments_->Fund(buyer_, m.id, NoKey()), "funding");
  EXPECT_TRUE(HasError(provider_payments_->Cancel(seller_, fund.payment.id, NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));

  // The provider refuses (it already took the money): nothing is recorded,
  // and the caller is told to refresh it (as StripeGateway does, the refusal
  // carries no reason of its own).
  scripted_.cancel_error = absl::FailedPreconditionError("payment_intent_unexpected_state");
  EXPECT_TRUE(IsInvalidState(
      provider_payments_->Cancel(buyer_, fund.payment.id, NoKey()).status(), "PENDING"));
  EXPECT_EQ(StoredPayment(fund.payment.id).state, PaymentState::kPending);
  scripted_.cancel_error = absl::UnavailableError("down");
  EXPECT_TRUE(HasError(provider_payments_->Cancel(buyer_, fund.payment.id, NoKey()).status(),
                       absl::StatusCode::kUnavailable, v1::PAYMENT_PROVIDER_UNAVAILABLE));
  scripted_.cancel_error = absl::OkStatus();

  const int64_t start = LatestSequence();
  absl::StatusOr<Payment> cancelled = provider_payments_->Cancel(buyer_, fund.payment.id, NoKey());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, PaymentState::kCancelled);
  ASSERT_FALSE(scripted_.cancel_keys.empty());
  EXPECT_EQ(scripted_.cancel_keys.back(), absl::StrCat("cancel:", fund.payment.id));
  EXPECT_EQ(StoredMilestone(m.id).state, MilestoneState::kPending);
  EXPECT_THAT(EventTypesAfter(start), ElementsAre(EventType::kPaymentCancelled));
  EXPECT_TRUE(IsInvalidState(provider_payments_->Cancel(buyer_, fund.payment.id, NoKey()).status(),
                             "CANCELLED"));
  // A cancelled payment is refreshed as it is, without asking the provider.
  const int get_calls = scripted_.get_calls;
  EXPECT_EQ(ValueOrFail(provider_payments_->Refresh(buyer_, fund.payment.id), "refresh").state,
            PaymentState::kCancelled);
  EXPECT_EQ(scripted_.get_calls, get_calls);
  EXPECT_THAT(LedgerKinds(), IsEmpty());
  EXPECT_TRUE(Reconciled(0, 0, 0));

  // The milestone may be funded again.
  scripted_.create_status = PaymentStatus::kSucceeded;
  EXPECT_EQ(ValueOrFail(provider_payments_->Fund(buyer_, m.id, NoKey()), "funding again")
                .milestone.state,
            MilestoneState::kFunded);
  EXPECT_TRUE(Reconciled(0, kAmount, 0));
}

// ---- 6. auto-release by the scheduler ----

TEST_F(MoneyFlowTest, TheSchedulerReleasesASubmissionLeftAloneFor14Days) {
  Booking booking = OfferBooking();
  Milestone m = Submitted(Funded(OnlyMilestone(booking)));
  ASSERT_TRUE(m.auto_release_time.has_value());
  const absl::Time deadline = *m.auto_release_time;
  const int64_t start = LatestSequence();

  clock_.Advance(deadline - clock_.Now() - absl::Seconds(1));
  ASSERT_TRUE(scheduler_->RunOnce(clock_.Now()).ok());
  EXPECT_EQ(StoredMilestone(m.id).state, MilestoneState::kSubmitted) << "one second early";
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));

  clock_.Advance(absl::Seconds(1));
  ASSERT_TRUE(scheduler_->RunOnce(clock_.Now()).ok());
  Milestone released = StoredMilestone(m.id);
  EXPECT_EQ(released.state, MilestoneState::kReleased);
  EXPECT_EQ(released.released_minor, kAmount);
  EXPECT_EQ(StoredBooking(booking.id).state, BookingState::kCompleted);
  EXPECT_EQ(SellerAvailable(), kAmount - kFee);
  EXPECT_EQ(Platform(), kFee);
  std::vector<EventRecord> events = EventsAfter(start);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].type, EventType::kMilestoneReleased);
  EXPECT_EQ(events[0].actor_id, kSystemActor);
  EXPECT_EQ(events[1].type, EventType::kBookingCompleted);
  EXPECT_EQ(events[1].actor_id, kSystemActor);
  EXPECT_THAT(NotifiedAfter(buyer_.user_id, start),
              ElementsAre(EventType::kMilestoneReleased, EventType::kBookingCompleted));
  EXPECT_THAT(NotifiedAfter(seller_.user_id, start),
              ElementsAre(EventType::kMilestoneReleased, EventType::kBookingCompleted));
  EXPECT_TRUE(Reconciled(kFee, 0, kAmount - kFee));

  // The next pass finds nothing more to do.
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(scheduler_->RunOnce(clock_.Now()).ok());
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kRelease));
}

TEST_F(MoneyFlowTest, TheSchedulerLeavesAloneWhatTheBuyerActedOn) {
  Milestone revised = Submitted(Funded(OnlyMilestone(OfferBooking())));
  Milestone approved = Submitted(Funded(OnlyMilestone(OfferBooking())));
  Milestone disputed = Submitted(Funded(OnlyMilestone(OfferBooking())));
  Milestone resubmitted = Submitted(Funded(OnlyMilestone(OfferBooking())));
  clock_.Advance(absl::Hours(24));
  ASSERT_TRUE(milestones_->RequestRevision(buyer_, revised.id, "more", NoKey()).ok());
  ASSERT_TRUE(milestones_->Approve(buyer_, approved.id, NoKey()).ok());
  Disputed(disputed, nullptr);
  ASSERT_TRUE(milestones_->RequestRevision(buyer_, resubmitted.id, "more", NoKey()).ok());
  clock_.Advance(absl::Hours(24));
  Submitted(resubmitted);  // the 14 days start again
  const Milestone approved_before = StoredMilestone(approved.id);
  const std::vector<Kind> ledger_before = LedgerKinds();
  const int64_t start = LatestSequence();

  clock_.Advance(absl::Hours(24 * 13));  // 15 days after the first submissions
  ASSERT_TRUE(scheduler_->RunOnce(clock_.Now()).ok());
  EXPECT_EQ(StoredMilestone(revised.id).state, MilestoneState::kRevisionRequested);
  EXPECT_EQ(StoredMilestone(disputed.id).state, MilestoneState::kDisputed);
  EXPECT_EQ(StoredMilestone(resubmitted.id).state, MilestoneState::kSubmitted);
  EXPECT_EQ(StoredMilestone(approved.id).version, approved_before.version);
  EXPECT_EQ(LedgerKinds(), ledger_before);
  EXPECT_THAT(EventTypesAfter(start), IsEmpty());
  EXPECT_TRUE(Reconciled(kFee, 3 * kAmount, kAmount - kFee));

  clock_.Advance(absl::Hours(24));  // 14 days after the second submission
  ASSERT_TRUE(scheduler_->RunOnce(clock_.Now()).ok());
  EXPECT_EQ(StoredMilestone(resubmitted.id).state, MilestoneState::kReleased);
  EXPECT_EQ(StoredMilestone(revised.id).state, MilestoneState::kRevisionRequested);
  EXPECT_TRUE(Reconciled(2 * kFee, 2 * kAmount, 2 * (kAmount - kFee)));
}

// ---- 7. the same request_id twice moves money once ----

TEST_F(MoneyFlowTest, RetriedRequestsMoveMoneyOnceAndAnswerTheSame) {
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);

  const RequestKey fund_key = KeyOf(buyer_, "FundMilestone", "fund-1", "fp-fund");
  FundResult fund = ValueOrFail(payments_->Fund(buyer_, m.id, fund_key), "funding");
  FundResult fund_again = ValueOrFail(payments_->Fund(buyer_, m.id, fund_key), "funding again");
  EXPECT_EQ(fund_again.payment.id, fund.payment.id);
  EXPECT_EQ(PaymentsOfMilestone(m.id).size(), 1u);

  const RequestKey confirm_key = KeyOf(admin_, "ConfirmPayment", "confirm-1", "fp-confirm");
  Payment confirmed =
      ValueOrFail(payments_->Confirm(admin_, fund.payment.id, "arrived", confirm_key), "confirm");
  Payment confirmed_again = ValueOrFail(
      payments_->Confirm(admin_, fund.payment.id, "arrived", confirm_key), "confirm again");
  EXPECT_EQ(confirmed_again.id, confirmed.id);
  EXPECT_EQ(confirmed_again.state, PaymentState::kSucceeded);
  EXPECT_EQ(confirmed_again.version, confirmed.version);
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));
  EXPECT_EQ(AuditEntries("ConfirmPayment").size(), 1u);

  Submitted(m);
  const RequestKey approve_key = KeyOf(buyer_, "ApproveMilestone", "approve-1", "fp-approve");
  Milestone approved = ValueOrFail(milestones_->Approve(buyer_, m.id, approve_key), "approve");
  const int64_t after_approve = LatestSequence();
  Milestone approved_again =
      ValueOrFail(milestones_->Approve(buyer_, m.id, approve_key), "approve again");
  EXPECT_EQ(approved_again.state, MilestoneState::kReleased);
  EXPECT_EQ(approved_again.version, approved.version);
  EXPECT_EQ(approved_again.released_minor, approved.released_minor);
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kRelease));
  EXPECT_THAT(EventTypesAfter(after_approve), IsEmpty());
  // The same id with other parameters is a client bug, not a retry.
  EXPECT_TRUE(HasError(
      milestones_->Approve(buyer_, m.id, KeyOf(buyer_, "ApproveMilestone", "approve-1", "other"))
          .status(),
      absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));

  const RequestKey payout_key = KeyOf(seller_, "RequestPayout", "payout-1", "fp-payout");
  Payout payout = ValueOrFail(payouts_->Request(seller_, {"USD", 10'000}, payout_key), "payout");
  Payout payout_again =
      ValueOrFail(payouts_->Request(seller_, {"USD", 10'000}, payout_key), "payout again");
  EXPECT_EQ(payout_again.id, payout.id);
  EXPECT_EQ(PayoutsOf(seller_.user_id).size(), 1u);
  std::vector<CurrencyBalance> balance = ValueOrFail(ledger_->Balance(seller_, ""), "balance");
  ASSERT_EQ(balance.size(), 1u);
  EXPECT_EQ(balance[0].payouts_requested, 10'000);

  const RequestKey paid_key = KeyOf(admin_, "MarkPayoutPaid", "paid-1", "fp-paid");
  ASSERT_TRUE(payouts_->MarkPaid(admin_, payout.id, "ref 1", paid_key).ok());
  EXPECT_EQ(ValueOrFail(payouts_->MarkPaid(admin_, payout.id, "ref 1", paid_key), "paid again")
                .state,
            PayoutState::kPaid);
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kRelease, Kind::kPayout));
  EXPECT_TRUE(Reconciled(kFee, 0, kAmount - kFee - 10'000));

  // A dispute on another booking, resolved twice with one key.
  Booking second = OfferBooking();
  Milestone disputed = Funded(OnlyMilestone(second));
  std::string dispute_id;
  Disputed(disputed, &dispute_id);
  const RequestKey resolve_key = KeyOf(admin_, "ResolveDispute", "resolve-1", "fp-resolve");
  const DisputeResolution half{{"USD", 6'000}, {"USD", kAmount - 6'000}, "half"};
  Dispute resolved = ValueOrFail(disputes_->Resolve(admin_, dispute_id, half, resolve_key),
                                 "resolve");
  Dispute resolved_again =
      ValueOrFail(disputes_->Resolve(admin_, dispute_id, half, resolve_key), "resolve again");
  EXPECT_EQ(resolved_again.id, resolved.id);
  EXPECT_EQ(resolved_again.state, DisputeState::kResolved);
  EXPECT_EQ(resolved_again.version, resolved.version);
  EXPECT_EQ(resolved_again.to_seller, resolved.to_seller);
  EXPECT_EQ(AuditEntries("ResolveDispute").size(), 1u);
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kRelease, Kind::kPayout, Kind::kFund,
                                         Kind::kResolution));
  EXPECT_TRUE(Reconciled(kFee + 600, 0, kAmount - kFee - 10'000 + 6'000 - 600));
}

// Races end with exactly one effect: the store serializes writers and every
// step re-reads its state inside its transaction.
TEST_F(MoneyFlowTest, RacingMoneyStepsEndWithExactlyOneEffect) {
  auto race = [](int n, const std::function<absl::Status()>& step) {
    std::vector<absl::Status> results(n);
    std::vector<std::thread> threads;
    for (int i = 0; i < n; ++i) threads.emplace_back([&, i] { results[i] = step(); });
    for (std::thread& t : threads) t.join();
    return results;
  };
  Booking booking = OfferBooking();
  Milestone m = OnlyMilestone(booking);
  FundResult fund = ValueOrFail(payments_->Fund(buyer_, m.id, NoKey()), "funding");

  std::vector<absl::Status> confirms = race(4, [&] {
    return payments_->Confirm(admin_, fund.payment.id, "arrived", NoKey()).status();
  });
  int confirmed = 0;
  for (const absl::Status& s : confirms) {
    if (s.ok()) {
      ++confirmed;
    } else {
      EXPECT_TRUE(IsInvalidState(s, "SUCCEEDED"));
    }
  }
  EXPECT_EQ(confirmed, 1);
  EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));

  Submitted(m);
  // The buyer approves while the seller opens a dispute: one of them wins.
  absl::Status approve, dispute;
  std::thread buyer([&] { approve = milestones_->Approve(buyer_, m.id, NoKey()).status(); });
  std::thread seller(
      [&] { dispute = disputes_->Open(seller_, m.id, "wrong scope", "", NoKey()).status(); });
  buyer.join();
  seller.join();
  ASSERT_NE(approve.ok(), dispute.ok()) << approve << " / " << dispute;
  if (approve.ok()) {
    EXPECT_TRUE(IsInvalidState(dispute, "RELEASED"));
    EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund, Kind::kRelease));
    EXPECT_TRUE(Reconciled(kFee, 0, kAmount - kFee));
  } else {
    EXPECT_TRUE(IsInvalidState(approve, "DISPUTED"));
    EXPECT_THAT(LedgerKinds(), ElementsAre(Kind::kFund));
    EXPECT_TRUE(Reconciled(0, kAmount, 0));
    // Settled all to the seller, so the seller has the same money either way.
    Dispute open = StoredDispute(StoredMilestone(m.id).dispute_id);
    ASSERT_TRUE(
        disputes_->Resolve(admin_, open.id, {{"USD", kAmount}, {"USD", 0}, "seller"}, NoKey())
            .ok());
    EXPECT_TRUE(Reconciled(kFee, 0, kAmount - kFee));
  }

  // Two payouts that each fit but not together.
  std::vector<absl::Status> payouts = race(2, [&] {
    return payouts_->Request(seller_, {"USD", 6'000}, NoKey()).status();
  });
  int requested = 0;
  for (const absl::Status& s : payouts) {
    if (s.ok()) {
      ++requested;
    } else {
      EXPECT_TRUE(HasError(s, absl::StatusCode::kFailedPrecondition, v1::INSUFFICIENT_FUNDS));
    }
  }
  EXPECT_EQ(requested, 1);
  EXPECT_EQ(PayoutsOf(seller_.user_id).size(), 1u);
}

TEST_F(MoneyFlowTest, ReconcilingIsForAdmins) {
  EXPECT_TRUE(HasError(ledger_->Reconcile(buyer_).status(), absl::StatusCode::kPermissionDenied,
                       v1::ROLE_REQUIRED));
  EXPECT_TRUE(HasError(ledger_->Balance(buyer_, seller_.user_id).status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  EXPECT_TRUE(Reconciled(0, 0, 0));
}

}  // namespace
}  // namespace gigwire
