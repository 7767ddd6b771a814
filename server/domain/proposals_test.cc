#include "server/domain/proposals.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/jobs.h"
#include "server/domain/work_common.h"
#include "server/testing/marketplace_fixture.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using testutil::HasError;
using testutil::IsInvalidState;
using testutil::KeyOf;
using testutil::NoKey;
using testutil::ValueOrFail;
using testutil::ViolatedFields;

constexpr absl::Duration kDay = absl::Hours(24);

// The value of metadata `key` in `status`'s details ("" when absent).
std::string MetadataOf(const absl::Status& status, const std::string& key) {
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  auto it = details.metadata().find(key);
  return it == details.metadata().end() ? "" : it->second;
}

PlannedMilestone Step(std::string title, int64_t amount_minor, int32_t due_in_days) {
  return PlannedMilestone{std::move(title), {"USD", amount_minor}, due_in_days};
}

std::vector<std::string> IdsOf(const std::vector<Proposal>& proposals) {
  std::vector<std::string> ids;
  for (const Proposal& p : proposals) ids.push_back(p.id);
  return ids;
}

std::vector<std::string> JobIdsOf(const std::vector<Job>& jobs) {
  std::vector<std::string> ids;
  for (const Job& job : jobs) ids.push_back(job.id);
  return ids;
}

void ExpectSamePlan(const std::vector<PlannedMilestone>& got,
                    const std::vector<PlannedMilestone>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(got[i].title, want[i].title) << "step " << i;
    EXPECT_EQ(got[i].amount.currency_code, want[i].amount.currency_code) << "step " << i;
    EXPECT_EQ(got[i].amount.amount_minor, want[i].amount.amount_minor) << "step " << i;
    EXPECT_EQ(got[i].due_in_days, want[i].due_in_days) << "step " << i;
  }
}

class ProposalsTest : public testutil::MarketplaceTest {
 protected:
  void SetUp() override {
    MarketplaceTest::SetUp();
    seller2_ = NewPrincipal("seller2", {Role::kSeller});
    seller3_ = NewPrincipal("seller3", {Role::kSeller});
    other_buyer_ = NewPrincipal("other-buyer", {Role::kBuyer});
  }

  // What a refused call must leave untouched: every proposal row (with its
  // version) and the outbox.
  struct Snapshot {
    std::vector<std::pair<std::string, int64_t>> proposals;
    int64_t latest_event = 0;
    bool operator==(const Snapshot& o) const {
      return proposals == o.proposals && latest_event == o.latest_event;
    }
  };
  Snapshot Take() {
    Snapshot s;
    for (const Proposal& p : StoredProposals()) s.proposals.emplace_back(p.id, p.version);
    s.latest_event = LatestSequence();
    return s;
  }

  // A bid with a two-step plan: 250.00 USD in 8 days (100.00 by day 3,
  // 150.00 by day 8).
  static ProposalDraft PlannedBid() {
    ProposalDraft draft = Bid(25'000, 8);
    draft.milestones = {Step("Design", 10'000, 3), Step("Build", 15'000, 8)};
    return draft;
  }

  // The resource ids of the events after `after`, in order.
  std::vector<std::string> EventResourcesAfter(int64_t after) {
    std::vector<std::string> ids;
    for (const EventRecord& e : EventsAfter(after)) ids.push_back(e.resource_id);
    return ids;
  }

  void RemoveSellerRole(const Principal& seller) {
    absl::Status removed = store_->Write([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(User user, tx.users().FindById(seller.user_id));
      user.roles.Remove(Role::kSeller);
      return SaveNextVersion(tx.users(), user, clock_.Now());
    });
    ASSERT_TRUE(removed.ok()) << removed;
  }

  Proposal Withdraw(const Principal& seller, const std::string& id) {
    return ValueOrFail(proposals_->Withdraw(seller, id, "", NoKey()), "withdrawing");
  }

  Principal seller2_;
  Principal seller3_;
  Principal other_buyer_;
};

// ---- Submit ----

TEST_F(ProposalsTest, SubmitStoresASubmittedProposalWithItsPlanAndRecordsAnEvent) {
  Job job = OpenProject(buyer_);
  clock_.Advance(absl::Minutes(5));
  const int64_t before = LatestSequence();
  absl::StatusOr<Proposal> p = proposals_->Submit(seller_, job.id, PlannedBid(), NoKey());
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_TRUE(HasIdShape(p->id, "prp")) << p->id;
  EXPECT_EQ(p->job_id, job.id);
  EXPECT_EQ(p->seller_id, seller_.user_id);
  EXPECT_EQ(p->buyer_id, buyer_.user_id);
  EXPECT_EQ(p->job_title, job.title);
  EXPECT_EQ(p->job_state, JobState::kOpen);
  EXPECT_EQ(p->state, ProposalState::kSubmitted);
  EXPECT_EQ(p->price.currency_code, "USD");
  EXPECT_EQ(p->price.amount_minor, 25'000);
  EXPECT_EQ(p->delivery_days, 8);
  EXPECT_EQ(p->cover_letter, Bid().cover_letter);
  EXPECT_EQ(p->version, 1);
  EXPECT_EQ(p->create_time, clock_.Now());
  EXPECT_FALSE(p->invited);
  ExpectSamePlan(StoredProposal(p->id).milestones, PlannedBid().milestones);
  std::vector<EventRecord> events = EventsAfter(before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kProposalSubmitted);
  EXPECT_EQ(events[0].actor_id, seller_.user_id);
  EXPECT_EQ(events[0].resource_id, p->id);
  EXPECT_EQ(events[0].buyer_id, buyer_.user_id);
  EXPECT_EQ(events[0].seller_id, seller_.user_id);
  EXPECT_EQ(StoredJob(job.id).proposal_count, 1);
}

TEST_F(ProposalsTest, SubmitReplayedWithTheSameRequestIdReturnsTheFirstProposal) {
  Job job = OpenProject(buyer_);
  const RequestKey key = KeyOf(seller_, "SubmitProposal", "req-1", "fp");
  Proposal first = ValueOrFail(proposals_->Submit(seller_, job.id, Bid(), key), "submit");
  const int64_t before = LatestSequence();
  absl::StatusOr<Proposal> replay = proposals_->Submit(seller_, job.id, Bid(), key);
  ASSERT_TRUE(replay.ok()) << replay.status() << " (not PROPOSAL_EXISTS: it is the same call)";
  EXPECT_EQ(replay->id, first.id);
  EXPECT_THAT(EventTypesAfter(before), IsEmpty());
  EXPECT_EQ(StoredProposals(job.id).size(), 1u);
}

struct BadBid {
  const char* name;
  void (*spoil)(ProposalDraft&);
  std::vector<std::string> fields;
};

TEST_F(ProposalsTest, SubmitRefusesBadInputWithFieldViolationsAndChangesNothing) {
  const BadBid cases[] = {
      {"price in another currency",
       [](ProposalDraft& d) {
         d.price.currency_code = "EUR";
         d.milestones.clear();
       },
       {"proposal.price.currency_code"}},
      {"zero price",
       [](ProposalDraft& d) {
         d.price.amount_minor = 0;
         d.milestones.clear();
       },
       {"proposal.price.amount_minor"}},
      {"milestones summing to less than the price",
       [](ProposalDraft& d) { d.milestones[1].amount.amount_minor = 14'999; },
       {"proposal.milestones"}},
      {"milestones summing to more than the price",
       [](ProposalDraft& d) { d.milestones[0].amount.amount_minor = 10'001; },
       {"proposal.milestones"}},
      // Amounts whose int64 sum would wrap around to the price.
      {"milestone amounts over the price",
       [](ProposalDraft& d) {
         d.milestones = {Step("a", INT64_MAX, 3), Step("b", INT64_MAX, 5), Step("c", 25'002, 8)};
       },
       {"proposal.milestones[0].amount.amount_minor",
        "proposal.milestones[1].amount.amount_minor",
        "proposal.milestones[2].amount.amount_minor", "proposal.milestones"}},
      {"milestone due days decreasing",
       [](ProposalDraft& d) {
         d.milestones[0].due_in_days = 6;
         d.milestones[1].due_in_days = 5;
       },
       {"proposal.milestones[1].due_in_days"}},
      {"milestone due after the delivery days",
       [](ProposalDraft& d) { d.milestones[1].due_in_days = 9; },
       {"proposal.milestones[1].due_in_days"}},
      {"milestone in another currency",
       [](ProposalDraft& d) { d.milestones[0].amount.currency_code = "EUR"; },
       {"proposal.milestones[0].amount.currency_code"}},
      {"milestone without a title", [](ProposalDraft& d) { d.milestones[0].title = ""; },
       {"proposal.milestones[0].title"}},
      {"100 kB cover letter",
       [](ProposalDraft& d) { d.cover_letter = std::string(100 * 1024, 'x'); },
       {"proposal.cover_letter"}},
      {"empty cover letter", [](ProposalDraft& d) { d.cover_letter = ""; },
       {"proposal.cover_letter"}},
      {"no delivery days",
       [](ProposalDraft& d) {
         d.delivery_days = 0;
         d.milestones.clear();
       },
       {"proposal.delivery_days"}},
      {"more than a year to deliver",
       [](ProposalDraft& d) {
         d.delivery_days = 366;
         d.milestones.clear();
       },
       {"proposal.delivery_days"}},
  };
  Job job = OpenProject(buyer_);
  const Snapshot before = Take();
  for (const BadBid& c : cases) {
    ProposalDraft draft = PlannedBid();
    c.spoil(draft);
    absl::Status status = proposals_->Submit(seller_, job.id, draft, NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS))
        << c.name;
    EXPECT_EQ(ViolatedFields(status), c.fields) << c.name;
  }
  EXPECT_TRUE(Take() == before) << "a refused bid stores nothing and records no event";
  EXPECT_TRUE(proposals_->Submit(seller_, job.id, PlannedBid(), NoKey()).ok())
      << "the unspoiled bid is valid";
}

TEST_F(ProposalsTest, SubmitReportsEveryViolationAtOnce) {
  Job job = OpenProject(buyer_);
  ProposalDraft draft = PlannedBid();
  draft.price = {"EUR", 25'000};
  draft.cover_letter = std::string(5001, 'x');
  draft.milestones[0].due_in_days = 30;
  absl::Status status = proposals_->Submit(seller_, job.id, draft, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("proposal.price.currency_code", "proposal.cover_letter",
                                   "proposal.milestones[0].amount.currency_code",
                                   "proposal.milestones[0].due_in_days",
                                   "proposal.milestones[1].amount.currency_code"));
}

TEST_F(ProposalsTest, SubmitRefusesJobsNotInBiddingAndChangesNothing) {
  Job assigned = OpenJob(buyer_);
  Job closed_by_time = OpenProject(buyer_, /*bidding_in=*/absl::Hours(1));
  Job cancelled = OpenProject(buyer_);
  ASSERT_TRUE(jobs_->Cancel(buyer_, cancelled.id, "", NoKey()).ok());
  clock_.Advance(absl::Hours(1));  // closed_by_time: past its close, the scheduler not run
  const Snapshot before = Take();
  for (const Job* job : {&assigned, &closed_by_time, &cancelled}) {
    absl::Status status = proposals_->Submit(seller_, job->id, Bid(), NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kFailedPrecondition, v1::BIDDING_CLOSED))
        << JobStateName(job->state) << " " << job->id;
  }
  ASSERT_TRUE(jobs_->ExpireDue(clock_.Now()).ok());
  ASSERT_EQ(StoredJob(closed_by_time.id).state, JobState::kBiddingClosed);
  const Snapshot after_close = Take();
  EXPECT_TRUE(HasError(proposals_->Submit(seller_, closed_by_time.id, Bid(), NoKey()).status(),
                       absl::StatusCode::kFailedPrecondition, v1::BIDDING_CLOSED))
      << "BIDDING_CLOSED by the scheduler";
  EXPECT_TRUE(Take() == after_close);
  EXPECT_EQ(after_close.proposals, before.proposals);
}

TEST_F(ProposalsTest, SubmitOnAJobNotYetApprovedOrUnknownIsNotFound) {
  Job pending = ValueOrFail(jobs_->Create(buyer_, OpenProjectDraft(), NoKey()), "post");
  Job rejected = ValueOrFail(jobs_->Create(buyer_, OpenProjectDraft(), NoKey()), "post");
  ASSERT_TRUE(jobs_->Reject(admin_, rejected.id, "Too vague", NoKey()).ok());
  const Snapshot before = Take();
  for (const std::string& id : {pending.id, rejected.id, NewId("job")}) {
    absl::Status status = proposals_->Submit(seller_, id, Bid(), NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND)) << id;
  }
  EXPECT_TRUE(HasError(proposals_->Submit(seller_, "", Bid(), NoKey()).status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_TRUE(Take() == before);
}

TEST_F(ProposalsTest, SubmitOnOnesOwnJobIsSelfDealingAndNeedsTheSellerRole) {
  Principal both = NewPrincipal("buyer-and-seller", {Role::kBuyer, Role::kSeller});
  Job own = OpenProject(both);
  Job pending_own = ValueOrFail(jobs_->Create(both, OpenProjectDraft(), NoKey()), "post");
  const Snapshot before = Take();
  for (const Job* job : {&own, &pending_own}) {
    EXPECT_TRUE(HasError(proposals_->Submit(both, job->id, Bid(), NoKey()).status(),
                         absl::StatusCode::kFailedPrecondition, v1::SELF_DEALING))
        << JobStateName(job->state);
  }
  Job job = OpenProject(buyer_);
  const Snapshot before_roles = Take();
  for (const Principal* not_seller : {&other_buyer_, &admin_}) {
    EXPECT_TRUE(HasError(proposals_->Submit(*not_seller, job.id, Bid(), NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  }
  EXPECT_TRUE(Take() == before_roles);
  EXPECT_EQ(before_roles.proposals, before.proposals);
}

TEST_F(ProposalsTest, ASecondLiveProposalIsAlreadyExistsNamingTheFirstUntilItIsWithdrawn) {
  Job job = OpenProject(buyer_);
  Proposal first = SubmitBid(seller_, job.id);
  ASSERT_TRUE(proposals_->Shortlist(buyer_, first.id, NoKey()).ok());
  const Snapshot before = Take();
  absl::Status status = proposals_->Submit(seller_, job.id, Bid(30'000), NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kAlreadyExists, v1::PROPOSAL_EXISTS));
  EXPECT_EQ(MetadataOf(status, "proposal_id"), first.id);
  EXPECT_TRUE(Take() == before) << "a SHORTLISTED proposal is live too";

  Withdraw(seller_, first.id);
  absl::StatusOr<Proposal> again = proposals_->Submit(seller_, job.id, Bid(30'000), NoKey());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_NE(again->id, first.id);
  EXPECT_EQ(again->state, ProposalState::kSubmitted);
  EXPECT_EQ(StoredProposal(first.id).state, ProposalState::kWithdrawn);
  EXPECT_EQ(StoredJob(job.id).proposal_count, 1);
}

TEST_F(ProposalsTest, TheCapOfLiveProposalsIsResourceExhaustedUntilOneIsNoLongerLive) {
  Proposals capped(*store_, clock_, outbox_, /*max_open_proposals=*/2);
  Job a = OpenProject(buyer_), b = OpenProject(buyer_), c = OpenProject(buyer_);
  Proposal on_a = ValueOrFail(capped.Submit(seller_, a.id, Bid(), NoKey()), "bid on a");
  ASSERT_TRUE(capped.Submit(seller_, b.id, Bid(), NoKey()).ok());
  const Snapshot before = Take();
  absl::Status status = capped.Submit(seller_, c.id, Bid(), NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kResourceExhausted, v1::TOO_MANY_OPEN_PROPOSALS));
  EXPECT_EQ(MetadataOf(status, "limit"), "2");
  EXPECT_TRUE(Take() == before);
  EXPECT_TRUE(capped.Submit(seller2_, c.id, Bid(), NoKey()).ok()) << "the cap is per seller";

  ASSERT_TRUE(capped.Decline(buyer_, on_a.id, "Over budget", NoKey()).ok());
  EXPECT_TRUE(capped.Submit(seller_, c.id, Bid(), NoKey()).ok())
      << "a declined proposal no longer counts";
}

// ---- Update ----

TEST_F(ProposalsTest, UpdateChangesOnlyTheMaskedFields) {
  Job job = OpenProject(buyer_);
  Proposal p = SubmitBid(seller_, job.id, PlannedBid());
  clock_.Advance(absl::Minutes(10));
  ProposalDraft change = Bid(30'000, 20);
  change.cover_letter = "Not applied: not in the mask";
  change.milestones = {Step("All of it", 30'000, 8)};
  const int64_t before = LatestSequence();
  absl::StatusOr<Proposal> updated = proposals_->Update(
      seller_, p.id, change, {"price", "milestones"}, EtagOf(p.version), NoKey());
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->price.amount_minor, 30'000);
  EXPECT_EQ(updated->delivery_days, 8) << "delivery_days was not in the mask";
  EXPECT_EQ(updated->cover_letter, Bid().cover_letter);
  ExpectSamePlan(updated->milestones, change.milestones);
  EXPECT_EQ(updated->version, p.version + 1);
  EXPECT_EQ(updated->update_time, clock_.Now());
  EXPECT_EQ(updated->state, ProposalState::kSubmitted);
  ExpectSamePlan(StoredProposal(p.id).milestones, change.milestones);
  EXPECT_THAT(EventTypesAfter(before), ElementsAre(EventType::kProposalUpdated));
}

TEST_F(ProposalsTest, UpdateWithAStaleEtagIsAbortedAndChangesNothing) {
  Job job = OpenProject(buyer_);
  Proposal p = SubmitBid(seller_, job.id);
  const std::string stale = EtagOf(p.version);
  ASSERT_TRUE(proposals_->Update(seller_, p.id, Bid(21'000), {"price"}, stale, NoKey()).ok());
  const Snapshot before = Take();
  absl::Status status =
      proposals_->Update(seller_, p.id, Bid(22'000), {"price"}, stale, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kAborted, v1::ETAG_MISMATCH));
  EXPECT_TRUE(Take() == before);
  EXPECT_EQ(StoredProposal(p.id).price.amount_minor, 21'000);
  EXPECT_TRUE(proposals_->Update(seller_, p.id, Bid(22'000), {"price"}, "", NoKey()).ok())
      << "without an etag the last write wins";
}

TEST_F(ProposalsTest, UpdateRefusesBadMasksAndValuesWithFieldViolations) {
  Job job = OpenProject(buyer_);
  Proposal p = SubmitBid(seller_, job.id, PlannedBid());
  const Snapshot before = Take();
  struct Case {
    std::vector<std::string> mask;
    ProposalDraft draft;
    std::vector<std::string> fields;
  };
  ProposalDraft euro = Bid(25'000);
  euro.price.currency_code = "EUR";
  const Case cases[] = {
      {{}, Bid(), {"update_mask"}},
      {{"state"}, Bid(), {"update_mask"}},
      // The plan is in the job's currency, the new price is not.
      {{"price"},
       euro,
       {"proposal.price.currency_code", "proposal.milestones[0].amount.currency_code",
        "proposal.milestones[1].amount.currency_code"}},
      // The plan no longer sums to the new price.
      {{"price"}, Bid(26'000), {"proposal.milestones"}},
      // The plan's last step is due after the new delivery days.
      {{"delivery_days"}, Bid(25'000, 7), {"proposal.milestones[1].due_in_days"}},
  };
  for (const Case& c : cases) {
    absl::Status status = proposals_->Update(seller_, p.id, c.draft, c.mask, "", NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS))
        << ::testing::PrintToString(c.mask);
    EXPECT_EQ(ViolatedFields(status), c.fields) << ::testing::PrintToString(c.mask);
  }
  EXPECT_TRUE(Take() == before);
}

TEST_F(ProposalsTest, OnlyItsSellerUpdatesAndOnlyWhileBiddingIsOpen) {
  Job job = OpenProject(buyer_, /*bidding_in=*/kDay);
  Proposal p = SubmitBid(seller_, job.id);
  const Snapshot before = Take();
  EXPECT_TRUE(HasError(
      proposals_->Update(seller2_, p.id, Bid(1), {"price"}, "", NoKey()).status(),
      absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND))
      << "another seller does not see the bid";
  EXPECT_TRUE(HasError(
      proposals_->Update(buyer_, p.id, Bid(1), {"price"}, "", NoKey()).status(),
      absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  clock_.Advance(kDay);
  EXPECT_TRUE(HasError(
      proposals_->Update(seller_, p.id, Bid(1), {"price"}, "", NoKey()).status(),
      absl::StatusCode::kFailedPrecondition, v1::BIDDING_CLOSED))
      << "the close time passed, even before the scheduler ran";
  EXPECT_TRUE(Take() == before);
}

// ---- Withdraw, Shortlist, Decline ----

TEST_F(ProposalsTest, WithdrawEndsTheProposalWithItsReason) {
  Job job = OpenProject(buyer_);
  Proposal p = SubmitBid(seller_, job.id);
  EXPECT_TRUE(HasError(proposals_->Withdraw(buyer_, p.id, "", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(proposals_->Withdraw(seller_, p.id, std::string(501, 'r'), NoKey())
                           .status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  const int64_t before = LatestSequence();
  absl::StatusOr<Proposal> withdrawn =
      proposals_->Withdraw(seller_, p.id, "Booked elsewhere", NoKey());
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->state, ProposalState::kWithdrawn);
  EXPECT_EQ(withdrawn->withdraw_reason, "Booked elsewhere");
  EXPECT_THAT(EventTypesAfter(before), ElementsAre(EventType::kProposalWithdrawn));
  const Snapshot after = Take();
  EXPECT_TRUE(IsInvalidState(proposals_->Withdraw(seller_, p.id, "", NoKey()).status(),
                             "WITHDRAWN"));
  EXPECT_TRUE(IsInvalidState(
      proposals_->Update(seller_, p.id, Bid(1), {"price"}, "", NoKey()).status(), "WITHDRAWN"));
  EXPECT_TRUE(IsInvalidState(proposals_->Accept(buyer_, p.id, NoKey()).status(), "WITHDRAWN"));
  EXPECT_TRUE(Take() == after);
  EXPECT_EQ(StoredJob(job.id).proposal_count, 0);
}

TEST_F(ProposalsTest, TheBuyerShortlistsThenDeclines) {
  Job job = OpenProject(buyer_);
  Proposal p = SubmitBid(seller_, job.id);
  const Snapshot untouched = Take();
  EXPECT_TRUE(HasError(proposals_->Shortlist(seller_, p.id, NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(proposals_->Shortlist(other_buyer_, p.id, NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(proposals_->Decline(seller2_, p.id, "", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(Take() == untouched);

  const int64_t before = LatestSequence();
  absl::StatusOr<Proposal> shortlisted = proposals_->Shortlist(buyer_, p.id, NoKey());
  ASSERT_TRUE(shortlisted.ok()) << shortlisted.status();
  EXPECT_EQ(shortlisted->state, ProposalState::kShortlisted);
  EXPECT_TRUE(IsInvalidState(proposals_->Shortlist(buyer_, p.id, NoKey()).status(),
                             "SHORTLISTED"));
  absl::StatusOr<Proposal> declined = proposals_->Decline(buyer_, p.id, "Over budget", NoKey());
  ASSERT_TRUE(declined.ok()) << declined.status();
  EXPECT_EQ(declined->state, ProposalState::kDeclined);
  EXPECT_EQ(declined->decline_reason, "Over budget");
  EXPECT_TRUE(IsInvalidState(proposals_->Decline(buyer_, p.id, "", NoKey()).status(),
                             "DECLINED"));
  EXPECT_TRUE(IsInvalidState(proposals_->Withdraw(seller_, p.id, "", NoKey()).status(),
                             "DECLINED"));
  EXPECT_THAT(EventTypesAfter(before),
              ElementsAre(EventType::kProposalShortlisted, EventType::kProposalDeclined));
}

// ---- Accept ----

TEST_F(ProposalsTest, AcceptBooksTheJobAndClosesEveryOtherLiveProposalInOneStep) {
  Principal seller4 = NewPrincipal("seller4", {Role::kSeller});
  Principal seller5 = NewPrincipal("seller5", {Role::kSeller});
  Job job = OpenProject(buyer_);
  Job other_job = OpenProject(buyer_);
  Proposal shortlisted = SubmitBid(seller_, job.id, Bid(30'000));
  Proposal chosen = SubmitBid(seller2_, job.id, PlannedBid());
  Proposal submitted = SubmitBid(seller3_, job.id, Bid(20'000));
  Proposal withdrawn = SubmitBid(seller4, job.id);
  Proposal declined = SubmitBid(seller5, job.id);
  Proposal elsewhere = SubmitBid(seller_, other_job.id);
  ASSERT_TRUE(proposals_->Shortlist(buyer_, shortlisted.id, NoKey()).ok());
  Withdraw(seller4, withdrawn.id);
  ASSERT_TRUE(proposals_->Decline(buyer_, declined.id, "", NoKey()).ok());
  clock_.Advance(absl::Hours(5));
  const absl::Time accepted_at = clock_.Now();
  const int64_t before = LatestSequence();

  absl::StatusOr<Proposal> accepted = proposals_->Accept(buyer_, chosen.id, NoKey());
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state, ProposalState::kAccepted);
  EXPECT_EQ(accepted->job_state, JobState::kBooked);
  ASSERT_TRUE(HasIdShape(accepted->booking_id, "bkg")) << accepted->booking_id;

  Booking booking = StoredBooking(accepted->booking_id);
  EXPECT_EQ(booking.source, BookingSource::kProposal);
  EXPECT_EQ(booking.proposal_id, chosen.id);
  EXPECT_EQ(booking.job_id, job.id);
  EXPECT_EQ(booking.buyer_id, buyer_.user_id);
  EXPECT_EQ(booking.seller_id, seller2_.user_id);
  EXPECT_EQ(booking.state, BookingState::kActive);
  EXPECT_EQ(booking.price.currency_code, "USD");
  EXPECT_EQ(booking.price.amount_minor, 25'000);
  EXPECT_EQ(booking.due_time, accepted_at + 8 * kDay);
  EXPECT_EQ(booking.create_time, accepted_at);
  ExpectSamePlan(booking.milestones, PlannedBid().milestones);
  EXPECT_EQ(BookingsOfJob(job.id).size(), 1u);

  Job booked = StoredJob(job.id);
  EXPECT_EQ(booked.state, JobState::kBooked);
  EXPECT_EQ(booked.booking_id, booking.id);
  EXPECT_EQ(booked.proposal_count, 0);
  EXPECT_EQ(StoredProposal(shortlisted.id).state, ProposalState::kNotSelected);
  EXPECT_EQ(StoredProposal(submitted.id).state, ProposalState::kNotSelected);
  EXPECT_EQ(StoredProposal(withdrawn.id).state, ProposalState::kWithdrawn);
  EXPECT_EQ(StoredProposal(declined.id).state, ProposalState::kDeclined);
  EXPECT_EQ(StoredProposal(elsewhere.id).state, ProposalState::kSubmitted)
      << "proposals on other jobs stay";

  EXPECT_THAT(EventTypesAfter(before),
              ElementsAre(EventType::kProposalAccepted, EventType::kProposalNotSelected,
                          EventType::kProposalNotSelected, EventType::kBookingCreated,
                          EventType::kJobBooked));
  std::vector<std::string> resources = EventResourcesAfter(before);
  ASSERT_EQ(resources.size(), 5u);
  EXPECT_EQ(resources[0], chosen.id);
  EXPECT_THAT((std::vector<std::string>{resources[1], resources[2]}),
              UnorderedElementsAre(shortlisted.id, submitted.id));
  EXPECT_EQ(resources[3], booking.id);
  EXPECT_EQ(resources[4], job.id);
  for (const EventRecord& e : EventsAfter(before)) {
    EXPECT_EQ(e.actor_id, buyer_.user_id);
    EXPECT_EQ(e.create_time, accepted_at);
  }
}

TEST_F(ProposalsTest, AcceptingASecondProposalOfABookedJobIsInvalidStateAndChangesNothing) {
  Job job = OpenProject(buyer_);
  Proposal first = SubmitBid(seller_, job.id);
  Proposal second = SubmitBid(seller2_, job.id);
  ASSERT_TRUE(proposals_->Accept(buyer_, first.id, NoKey()).ok());
  const Snapshot before = Take();
  EXPECT_TRUE(IsInvalidState(proposals_->Accept(buyer_, second.id, NoKey()).status(),
                             "NOT_SELECTED"));
  EXPECT_TRUE(IsInvalidState(proposals_->Accept(buyer_, first.id, NoKey()).status(),
                             "ACCEPTED"));
  EXPECT_TRUE(Take() == before);
  EXPECT_EQ(BookingsOfJob(job.id).size(), 1u);
  // Late bids on the booked job are closed.
  EXPECT_TRUE(HasError(proposals_->Submit(seller3_, job.id, Bid(), NoKey()).status(),
                       absl::StatusCode::kFailedPrecondition, v1::BIDDING_CLOSED));
}

TEST_F(ProposalsTest, AcceptReplayedWithTheSameRequestIdBooksOnce) {
  Job job = OpenProject(buyer_);
  Proposal p = SubmitBid(seller_, job.id);
  const RequestKey key = KeyOf(buyer_, "AcceptProposal", "req-accept", "fp");
  Proposal first = ValueOrFail(proposals_->Accept(buyer_, p.id, key), "accept");
  const int64_t before = LatestSequence();
  absl::StatusOr<Proposal> replay = proposals_->Accept(buyer_, p.id, key);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->booking_id, first.booking_id);
  EXPECT_THAT(EventTypesAfter(before), IsEmpty());
  EXPECT_EQ(BookingsOfJob(job.id).size(), 1u);
}

TEST_F(ProposalsTest, OnlyTheJobsBuyerAccepts) {
  Job job = OpenProject(buyer_);
  Proposal p = SubmitBid(seller_, job.id);
  const Snapshot before = Take();
  EXPECT_TRUE(HasError(proposals_->Accept(seller_, p.id, NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(proposals_->Accept(admin_, p.id, NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(proposals_->Accept(other_buyer_, p.id, NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(proposals_->Accept(seller2_, p.id, NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(proposals_->Accept(buyer_, NewId("prp"), NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(Take() == before);
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);
}

TEST_F(ProposalsTest, AcceptingTheBidOfASellerWhoLostTheRoleIsSellerUnavailable) {
  Job job = OpenProject(buyer_);
  Proposal p = SubmitBid(seller_, job.id);
  RemoveSellerRole(seller_);
  const Snapshot before = Take();
  EXPECT_TRUE(HasError(proposals_->Accept(buyer_, p.id, NoKey()).status(),
                       absl::StatusCode::kFailedPrecondition, v1::SELLER_UNAVAILABLE));
  EXPECT_TRUE(Take() == before);
  EXPECT_THAT(BookingsOfJob(job.id), IsEmpty());
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);
}

// ---- bidding close, award deadline, extension, cancel (jobs.h) ----

TEST_F(ProposalsTest, TheSchedulerClosesBiddingThenExpiresTheJobAtItsAwardDeadline) {
  // Bidding closes in 3 days; the award deadline is 7 days later.
  Job job = OpenProject(buyer_, 3 * kDay, 14 * kDay);
  ASSERT_TRUE(job.award_deadline_time.has_value());
  EXPECT_EQ(*job.award_deadline_time, *job.bidding_close_time + 7 * kDay);
  Proposal p1 = SubmitBid(seller_, job.id);
  Proposal p2 = SubmitBid(seller2_, job.id);
  ASSERT_TRUE(proposals_->Shortlist(buyer_, p2.id, NoKey()).ok());

  clock_.Advance(3 * kDay - absl::Seconds(1));
  ASSERT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "expire"), 0);
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);

  clock_.Advance(absl::Seconds(1));
  int64_t before = LatestSequence();
  EXPECT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "expire"), 1);
  Job closed = StoredJob(job.id);
  EXPECT_EQ(closed.state, JobState::kBiddingClosed);
  std::vector<EventRecord> events = EventsAfter(before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kJobBiddingClosed);
  EXPECT_EQ(events[0].actor_id, kSystemActor);
  EXPECT_EQ(events[0].resource_id, job.id);
  EXPECT_EQ(StoredProposal(p1.id).state, ProposalState::kSubmitted) << "bids stay live";
  EXPECT_EQ(StoredProposal(p2.id).state, ProposalState::kShortlisted);
  EXPECT_EQ(closed.proposal_count, 2);

  // Six days later, still before the award deadline: nothing changes.
  clock_.Advance(7 * kDay - absl::Seconds(1));
  EXPECT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "expire"), 0);
  clock_.Advance(absl::Seconds(1));
  before = LatestSequence();
  EXPECT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "expire"), 1);
  EXPECT_EQ(StoredJob(job.id).state, JobState::kExpired);
  EXPECT_EQ(StoredProposal(p1.id).state, ProposalState::kNotSelected);
  EXPECT_EQ(StoredProposal(p2.id).state, ProposalState::kNotSelected);
  // The job is saved first (the proposals' events show it EXPIRED) and its
  // event recorded last (it shows no live proposal).
  EXPECT_THAT(EventTypesAfter(before),
              ElementsAre(EventType::kProposalNotSelected, EventType::kProposalNotSelected,
                          EventType::kJobExpired));
  EXPECT_EQ(StoredProposal(p1.id).job_state, JobState::kExpired);
  EXPECT_EQ(StoredJob(job.id).proposal_count, 0);
  EXPECT_TRUE(IsInvalidState(proposals_->Accept(buyer_, p1.id, NoKey()).status(),
                             "NOT_SELECTED"));
  EXPECT_THAT(BookingsOfJob(job.id), IsEmpty());
}

TEST_F(ProposalsTest, AfterBiddingClosesTheBuyerMayStillDecideButSellersMayNotBid) {
  Job job = OpenProject(buyer_, 3 * kDay, 14 * kDay);
  Proposal p1 = SubmitBid(seller_, job.id);
  Proposal p2 = SubmitBid(seller2_, job.id);
  clock_.Advance(3 * kDay);
  ASSERT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "close bidding"), 1);
  const Snapshot before = Take();
  EXPECT_TRUE(HasError(proposals_->Submit(seller3_, job.id, Bid(), NoKey()).status(),
                       absl::StatusCode::kFailedPrecondition, v1::BIDDING_CLOSED));
  EXPECT_TRUE(HasError(
      proposals_->Update(seller_, p1.id, Bid(1), {"price"}, "", NoKey()).status(),
      absl::StatusCode::kFailedPrecondition, v1::BIDDING_CLOSED));
  EXPECT_TRUE(Take() == before);
  ASSERT_TRUE(proposals_->Shortlist(buyer_, p1.id, NoKey()).ok());
  clock_.Advance(6 * kDay);  // a day before the award deadline
  absl::StatusOr<Proposal> accepted = proposals_->Accept(buyer_, p1.id, NoKey());
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(StoredJob(job.id).state, JobState::kBooked);
  EXPECT_EQ(StoredProposal(p2.id).state, ProposalState::kNotSelected);
  EXPECT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now() + 30 * kDay), "expire"), 0)
      << "a booked job never expires";
}

TEST_F(ProposalsTest, PastTheAwardDeadlineNoAcceptOrExtensionEvenBeforeTheSchedulerRuns) {
  Job job = OpenProject(buyer_, 3 * kDay, 14 * kDay);
  Proposal p = SubmitBid(seller_, job.id);
  clock_.Advance(3 * kDay);
  ASSERT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "close bidding"), 1);
  clock_.Advance(7 * kDay);  // at the award deadline; the scheduler has not run
  const Snapshot before = Take();
  EXPECT_TRUE(IsInvalidState(proposals_->Accept(buyer_, p.id, NoKey()).status(), "EXPIRED"));
  BiddingExtension revive{clock_.Now() + kDay, std::nullopt};
  EXPECT_TRUE(IsInvalidState(jobs_->ExtendBidding(buyer_, job.id, revive, NoKey()).status(),
                             "EXPIRED"))
      << "too late to extend bidding as well";
  EXPECT_TRUE(Take() == before);
  EXPECT_EQ(StoredJob(job.id).state, JobState::kBiddingClosed);
  EXPECT_THAT(BookingsOfJob(job.id), IsEmpty());
}

TEST_F(ProposalsTest, ExtendBiddingReopensABiddingClosedJob) {
  Job job = OpenProject(buyer_, 3 * kDay, 14 * kDay);
  const absl::Time close = *job.bidding_close_time;
  clock_.Advance(3 * kDay);
  ASSERT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "close bidding"), 1);
  const int64_t before = LatestSequence();
  BiddingExtension extension;
  extension.bidding_close_time = close + 2 * kDay;
  absl::StatusOr<Job> extended = jobs_->ExtendBidding(buyer_, job.id, extension, NoKey());
  ASSERT_TRUE(extended.ok()) << extended.status();
  EXPECT_EQ(extended->state, JobState::kOpen);
  EXPECT_EQ(*extended->bidding_close_time, close + 2 * kDay);
  EXPECT_EQ(*extended->award_deadline_time, close + 9 * kDay)
      << "the deadline moves with the close time";
  EXPECT_THAT(EventTypesAfter(before), ElementsAre(EventType::kJobBiddingExtended));
  EXPECT_TRUE(proposals_->Submit(seller_, job.id, Bid(), NoKey()).ok()) << "bidding again";

  // Only the deadline: the job stays as it is; capped moves are refused.
  BiddingExtension deadline_only;
  deadline_only.award_deadline_time = job.due_time;
  extended = jobs_->ExtendBidding(buyer_, job.id, deadline_only, NoKey());
  ASSERT_TRUE(extended.ok()) << extended.status();
  EXPECT_EQ(extended->state, JobState::kOpen);
  EXPECT_EQ(*extended->bidding_close_time, close + 2 * kDay);
  EXPECT_EQ(*extended->award_deadline_time, job.due_time);
}

TEST_F(ProposalsTest, ExtendBiddingRefusesEarlierOrLateTimesOtherCallersAndOtherJobs) {
  Job job = OpenProject(buyer_, 3 * kDay, 14 * kDay);
  const absl::Time close = *job.bidding_close_time;
  Job assigned = OpenJob(buyer_);
  const Snapshot proposals_before = Take();
  const int64_t version = StoredJob(job.id).version;
  struct Case {
    std::optional<absl::Time> close, deadline;
    std::vector<std::string> fields;
  };
  const Case cases[] = {
      {std::nullopt, std::nullopt, {"bidding_close_time"}},
      {close - absl::Hours(1), std::nullopt, {"bidding_close_time"}},
      {close, std::nullopt, {"bidding_close_time"}},
      {std::nullopt, job.due_time + absl::Seconds(1), {"award_deadline_time"}},
      // A later deadline, but before the new close time.
      {close + 8 * kDay, close + 7 * kDay + absl::Hours(12), {"award_deadline_time"}},
  };
  for (const Case& c : cases) {
    BiddingExtension e{c.close, c.deadline};
    absl::Status status = jobs_->ExtendBidding(buyer_, job.id, e, NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS))
        << status;
    EXPECT_EQ(ViolatedFields(status), c.fields) << status;
  }
  BiddingExtension later{close + kDay, std::nullopt};
  for (const Principal* not_buyer : {&other_buyer_, &seller_, &admin_}) {
    EXPECT_TRUE(HasError(jobs_->ExtendBidding(*not_buyer, job.id, later, NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER))
        << "the open project is public while in bidding";
  }
  EXPECT_TRUE(IsInvalidState(jobs_->ExtendBidding(buyer_, assigned.id, later, NoKey()).status(),
                             "OPEN"));
  EXPECT_EQ(StoredJob(job.id).version, version);
  EXPECT_TRUE(Take() == proposals_before);

  ASSERT_TRUE(jobs_->Cancel(buyer_, job.id, "", NoKey()).ok());
  EXPECT_TRUE(IsInvalidState(jobs_->ExtendBidding(buyer_, job.id, later, NoKey()).status(),
                             "CANCELLED"));
}

TEST_F(ProposalsTest, CancellingAnOpenProjectClosesItsLiveProposals) {
  Job job = OpenProject(buyer_);
  Proposal p1 = SubmitBid(seller_, job.id);
  Proposal p2 = SubmitBid(seller2_, job.id);
  Proposal gone = SubmitBid(seller3_, job.id);
  Withdraw(seller3_, gone.id);
  const int64_t before = LatestSequence();
  absl::StatusOr<Job> cancelled = jobs_->Cancel(buyer_, job.id, "Hired in house", NoKey());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, JobState::kCancelled);
  EXPECT_EQ(cancelled->proposal_count, 0) << "the answer counts the proposals as closed";
  EXPECT_EQ(StoredProposal(p1.id).state, ProposalState::kNotSelected);
  EXPECT_EQ(StoredProposal(p2.id).state, ProposalState::kNotSelected);
  EXPECT_EQ(StoredProposal(p1.id).job_state, JobState::kCancelled);
  EXPECT_EQ(StoredProposal(gone.id).state, ProposalState::kWithdrawn);
  EXPECT_THAT(EventTypesAfter(before),
              ElementsAre(EventType::kProposalNotSelected, EventType::kProposalNotSelected,
                          EventType::kJobCancelled));
}

TEST_F(ProposalsTest, CancellingABiddingClosedProjectClosesItsProposalsToo) {
  Job job = OpenProject(buyer_, kDay, 14 * kDay);
  Proposal p = SubmitBid(seller_, job.id);
  clock_.Advance(kDay);
  ASSERT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "close bidding"), 1);
  ASSERT_TRUE(jobs_->Cancel(buyer_, job.id, "", NoKey()).ok());
  EXPECT_EQ(StoredJob(job.id).state, JobState::kCancelled);
  EXPECT_EQ(StoredProposal(p.id).state, ProposalState::kNotSelected);
}

// ---- Get and List: sealed bids ----

TEST_F(ProposalsTest, ASellerSeesOnlyItsOwnBidsTheBuyerAndAdminsSeeAll) {
  Job job = OpenProject(buyer_);
  Job other_job = OpenProject(other_buyer_);
  Proposal mine = SubmitBid(seller_, job.id, Bid(30'000));
  clock_.Advance(absl::Minutes(1));
  Proposal theirs = SubmitBid(seller2_, job.id, Bid(20'000));
  clock_.Advance(absl::Minutes(1));
  Proposal mine_elsewhere = SubmitBid(seller_, other_job.id);
  ASSERT_TRUE(proposals_->Shortlist(buyer_, mine.id, NoKey()).ok());

  auto list = [&](const Principal& caller, ProposalFilter filter) {
    return ValueOrFail(proposals_->List(caller, filter, 0, ""), "listing proposals");
  };
  ProposalFilter of_job;
  of_job.job_id = job.id;
  EXPECT_THAT(IdsOf(list(seller_, of_job).proposals), ElementsAre(mine.id));
  EXPECT_EQ(list(seller_, of_job).total_size, 1);
  EXPECT_THAT(IdsOf(list(seller_, {}).proposals), ElementsAre(mine_elsewhere.id, mine.id));
  EXPECT_THAT(IdsOf(list(seller2_, of_job).proposals), ElementsAre(theirs.id));
  EXPECT_THAT(IdsOf(list(other_buyer_, of_job).proposals), IsEmpty());
  EXPECT_TRUE(HasError(proposals_->Get(seller_, theirs.id).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(proposals_->Get(other_buyer_, mine.id).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  ProposalFilter by_other_seller;
  by_other_seller.seller_id = seller2_.user_id;
  EXPECT_TRUE(HasError(proposals_->List(seller_, by_other_seller, 0, "").status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));

  ProposalPage buyer_page = list(buyer_, of_job);
  EXPECT_THAT(IdsOf(buyer_page.proposals), ElementsAre(theirs.id, mine.id));
  EXPECT_EQ(buyer_page.total_size, 2);
  EXPECT_TRUE(proposals_->Get(buyer_, theirs.id).ok());
  EXPECT_TRUE(HasError(proposals_->List(buyer_, {}, 0, "").status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS))
      << "a buyer names the job";
  ProposalFilter by_price = of_job;
  by_price.order = ProposalQuery::Order::kPrice;
  EXPECT_THAT(IdsOf(list(buyer_, by_price).proposals), ElementsAre(theirs.id, mine.id));
  ProposalFilter shortlisted = of_job;
  shortlisted.shortlisted_only = true;
  EXPECT_THAT(IdsOf(list(buyer_, shortlisted).proposals), ElementsAre(mine.id));

  EXPECT_THAT(IdsOf(list(admin_, {}).proposals),
              ElementsAre(mine_elsewhere.id, theirs.id, mine.id));
  EXPECT_THAT(IdsOf(list(admin_, by_other_seller).proposals), ElementsAre(theirs.id));
  EXPECT_TRUE(proposals_->Get(admin_, theirs.id).ok());
}

TEST_F(ProposalsTest, ListPagesWithATokenBoundToTheFilters) {
  Job job = OpenProject(buyer_);
  std::vector<std::string> newest_first;
  for (const Principal* s : {&seller_, &seller2_, &seller3_}) {
    clock_.Advance(absl::Minutes(1));
    newest_first.insert(newest_first.begin(), SubmitBid(*s, job.id).id);
  }
  ProposalFilter of_job;
  of_job.job_id = job.id;
  ProposalPage first = ValueOrFail(proposals_->List(buyer_, of_job, 2, ""), "page 1");
  EXPECT_THAT(IdsOf(first.proposals), ElementsAre(newest_first[0], newest_first[1]));
  ASSERT_FALSE(first.next_page_token.empty());
  ProposalPage second =
      ValueOrFail(proposals_->List(buyer_, of_job, 2, first.next_page_token), "page 2");
  EXPECT_THAT(IdsOf(second.proposals), ElementsAre(newest_first[2]));
  EXPECT_TRUE(second.next_page_token.empty());
  ProposalFilter by_price = of_job;
  by_price.order = ProposalQuery::Order::kPrice;
  EXPECT_TRUE(HasError(proposals_->List(buyer_, by_price, 2, first.next_page_token).status(),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS))
      << "a token of another order";
}

// ---- ListOpen (jobs.h) ----

class OpenMarketTest : public ProposalsTest {
 protected:
  std::string NewSubcategory(const std::string& parent_id, absl::string_view slug) {
    Category category;
    category.id = NewId("cat");
    category.slug = std::string(slug);
    category.display_name = std::string(slug);
    category.parent_id = parent_id;
    category.create_time = clock_.Now();
    absl::Status inserted =
        store_->Write([&](Tx& tx) { return tx.categories().Insert(category); });
    EXPECT_TRUE(inserted.ok()) << inserted;
    return category.id;
  }

  // An approved open project with these fields; created a minute after the
  // previous one.
  Job Project(const std::string& category_id, std::vector<std::string> skills,
              Money budget_min, Money budget_max, absl::Duration bidding_in) {
    clock_.Advance(absl::Minutes(1));
    Job draft = OpenProjectDraft(bidding_in, 20 * kDay);
    draft.category_id = category_id;
    draft.skills = std::move(skills);
    draft.budget_min = budget_min;
    draft.budget_max = budget_max;
    Job job = ValueOrFail(jobs_->Create(buyer_, draft, NoKey()), "post");
    return ValueOrFail(jobs_->Approve(admin_, job.id, "", NoKey()), "approve");
  }

  std::vector<std::string> Listed(const OpenJobFilter& filter) {
    return JobIdsOf(ValueOrFail(jobs_->ListOpen(seller_, filter, 0, ""), "list open").jobs);
  }
};

TEST_F(OpenMarketTest, ListOpenFiltersOrdersAndCountsLiveProposals) {
  const std::string child = NewSubcategory(category_, "landing-pages");
  const std::string writing = NewCategory("writing");
  // Not listed: bidding closed by the scheduler, booked, pending, assigned-only.
  Job closed = Project(category_, {"html"}, {"USD", 100}, {"USD", 200}, absl::Hours(1));
  clock_.Advance(absl::Hours(1));
  ASSERT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "close"), 1);
  Job booked = Project(category_, {"html"}, {"USD", 100}, {"USD", 200}, 5 * kDay);
  ASSERT_TRUE(proposals_->Accept(buyer_, SubmitBid(seller2_, booked.id).id, NoKey()).ok());
  ASSERT_TRUE(jobs_->Create(buyer_, OpenProjectDraft(), NoKey()).ok());
  OpenJob(buyer_);

  Job a = Project(child, {"React", "css"}, {"USD", 10'000}, {"USD", 50'000}, 5 * kDay);
  Job b = Project(category_, {"html"}, {"USD", 80'000}, {"USD", 120'000}, 2 * kDay);
  Job c = Project(writing, {"copywriting"}, {"EUR", 10'000}, {"EUR", 50'000}, 4 * kDay);
  SubmitBid(seller_, a.id);
  SubmitBid(seller2_, a.id);
  Withdraw(seller3_, SubmitBid(seller3_, a.id).id);

  EXPECT_THAT(Listed({}), ElementsAre(c.id, b.id, a.id)) << "newest first, only in bidding";
  OpenJobFilter f;
  f.category_id = category_;
  EXPECT_THAT(Listed(f), ElementsAre(b.id, a.id)) << "with its subcategory";
  f = {};
  f.category_id = child;
  EXPECT_THAT(Listed(f), ElementsAre(a.id));
  f = {};
  f.skill = "REACT";
  EXPECT_THAT(Listed(f), ElementsAre(a.id)) << "skills ignore case";
  f.skill = "reac";
  EXPECT_THAT(Listed(f), IsEmpty()) << "whole skills only";
  f = {};
  f.currency_code = "EUR";
  EXPECT_THAT(Listed(f), ElementsAre(c.id));
  f = {};
  f.budget_min = {"USD", 60'000};
  f.has_budget_min = true;
  EXPECT_THAT(Listed(f), ElementsAre(b.id)) << "budgets reaching 600.00 USD";
  f = {};
  f.budget_max = {"USD", 80'000};
  f.has_budget_max = true;
  EXPECT_THAT(Listed(f), ElementsAre(b.id, a.id)) << "budgets starting at 800.00 USD or less";
  f.budget_max = {"USD", 79'999};
  EXPECT_THAT(Listed(f), ElementsAre(a.id));
  f = {};
  f.order = OpenJobQuery::Order::kBudget;
  EXPECT_THAT(Listed(f), ElementsAre(b.id, c.id, a.id)) << "ties: newest first";
  f.order = OpenJobQuery::Order::kClosingSoon;
  EXPECT_THAT(Listed(f), ElementsAre(b.id, c.id, a.id));

  std::vector<Job> listed = ValueOrFail(jobs_->ListOpen(seller_, {}, 0, ""), "list").jobs;
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[2].proposal_count, 2) << "live proposals only";
  EXPECT_EQ(listed[0].proposal_count, 0);
  EXPECT_EQ(StoredJob(closed.id).state, JobState::kBiddingClosed);
}

TEST_F(OpenMarketTest, ListOpenLeavesOutAProjectPastItsCloseTimeBeforeTheSchedulerRan) {
  Job soon = Project(category_, {"html"}, {"USD", 100}, {"USD", 200}, absl::Hours(1));
  Job later = Project(category_, {"html"}, {"USD", 100}, {"USD", 200}, kDay);
  EXPECT_THAT(Listed({}), ElementsAre(later.id, soon.id));
  clock_.Advance(absl::Hours(1));  // no ExpireDue: `soon` is still OPEN in the store
  EXPECT_THAT(Listed({}), ElementsAre(later.id));
}

TEST_F(OpenMarketTest, ListOpenPagesAndRefusesBadFilters) {
  std::vector<std::string> newest_first;
  for (int i = 0; i < 3; ++i) {
    newest_first.insert(newest_first.begin(),
                        Project(category_, {"html"}, {"USD", 100}, {"USD", 200}, kDay).id);
  }
  OpenJobPage first = ValueOrFail(jobs_->ListOpen(buyer_, {}, 2, ""), "page 1");
  EXPECT_THAT(JobIdsOf(first.jobs), ElementsAre(newest_first[0], newest_first[1]));
  ASSERT_FALSE(first.next_page_token.empty());
  OpenJobPage second = ValueOrFail(jobs_->ListOpen(buyer_, {}, 2, first.next_page_token), "2");
  EXPECT_THAT(JobIdsOf(second.jobs), ElementsAre(newest_first[2]));
  EXPECT_TRUE(second.next_page_token.empty());

  struct Case {
    OpenJobFilter filter;
    std::string field;
  };
  std::vector<Case> cases(4);
  cases[0].filter.category_id = NewId("cat");
  cases[0].field = "category_id";
  cases[1].filter.budget_min = {"", 100};
  cases[1].filter.has_budget_min = true;
  cases[1].field = "budget_range";
  cases[2].filter.currency_code = "usd";
  cases[2].field = "currency_code";
  cases[3].filter.currency_code = "USD";
  cases[3].filter.budget_max = {"EUR", 100};
  cases[3].filter.has_budget_max = true;
  cases[3].field = "budget_range";
  for (const Case& c : cases) {
    absl::Status status = jobs_->ListOpen(seller_, c.filter, 0, "").status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS))
        << c.field;
    EXPECT_THAT(ViolatedFields(status), ElementsAre(c.field)) << status;
  }
}

// ---- InviteToBid ----

TEST_F(ProposalsTest, InviteToBidNotifiesTheSellerAndMarksItsProposal) {
  Job job = OpenProject(buyer_);
  clock_.Advance(absl::Minutes(3));
  const int64_t before = LatestSequence();
  absl::StatusOr<BidInvitation> invitation =
      proposals_->Invite(buyer_, job.id, seller_.user_id, "Loved your bakery site", NoKey());
  ASSERT_TRUE(invitation.ok()) << invitation.status();
  EXPECT_TRUE(HasIdShape(invitation->id, "inv")) << invitation->id;
  EXPECT_EQ(invitation->job_id, job.id);
  EXPECT_EQ(invitation->seller_id, seller_.user_id);
  EXPECT_EQ(invitation->buyer_id, buyer_.user_id);
  EXPECT_EQ(invitation->note, "Loved your bakery site");
  EXPECT_EQ(invitation->job_title, job.title);
  EXPECT_EQ(invitation->create_time, clock_.Now());
  std::vector<EventRecord> events = EventsAfter(before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kInvitedToBid);
  EXPECT_EQ(events[0].resource_id, invitation->id);
  EXPECT_EQ(events[0].seller_id, seller_.user_id);
  std::vector<Notification> inbox = NotificationsOf(seller_.user_id);
  ASSERT_FALSE(inbox.empty());
  EXPECT_EQ(inbox[0].type, EventType::kInvitedToBid);

  EXPECT_TRUE(SubmitBid(seller_, job.id).invited);
  EXPECT_FALSE(SubmitBid(seller2_, job.id).invited);
}

TEST_F(ProposalsTest, InviteToBidRefusesDuplicatesNonSellersAndJobsNotInBidding) {
  Principal both = NewPrincipal("buyer-and-seller", {Role::kBuyer, Role::kSeller});
  Job job = OpenProject(buyer_);
  Job own = OpenProject(both);
  Job assigned = OpenJob(buyer_);
  Job cancelled = OpenProject(buyer_);
  ASSERT_TRUE(jobs_->Cancel(buyer_, cancelled.id, "", NoKey()).ok());
  ASSERT_TRUE(proposals_->Invite(buyer_, job.id, seller_.user_id, "", NoKey()).ok());
  const int64_t before = LatestSequence();

  absl::Status status = proposals_->Invite(buyer_, job.id, seller_.user_id, "", NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kAlreadyExists, v1::DUPLICATE));
  status = proposals_->Invite(buyer_, job.id, other_buyer_.user_id, "", NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kFailedPrecondition, v1::SELLER_UNAVAILABLE));
  status = proposals_->Invite(buyer_, job.id, NewId("usr"), "", NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  status = proposals_->Invite(both, own.id, both.user_id, "", NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kFailedPrecondition, v1::SELF_DEALING));
  for (const Job* closed : {&assigned, &cancelled}) {
    status = proposals_->Invite(buyer_, closed->id, seller2_.user_id, "", NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kFailedPrecondition, v1::BIDDING_CLOSED))
        << JobStateName(closed->state);
  }
  for (const Principal* not_buyer : {&other_buyer_, &seller2_, &admin_}) {
    status = proposals_->Invite(*not_buyer, job.id, seller2_.user_id, "", NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER))
        << "everyone sees an open project in bidding; only its buyer invites";
  }
  status = proposals_->Invite(other_buyer_, assigned.id, seller2_.user_id, "", NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND))
      << "an assigned job is not public";
  status = proposals_->Invite(buyer_, job.id, seller2_.user_id, std::string(1001, 'n'), NoKey())
               .status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("note"));
  EXPECT_THAT(EventTypesAfter(before), IsEmpty());
}

// ---- who sees an open project ----

TEST_F(ProposalsTest, AnOpenProjectIsPublicWhileInBiddingThenOnlyToItsBidders) {
  Job job = OpenProject(buyer_);
  Job pending = ValueOrFail(jobs_->Create(buyer_, OpenProjectDraft(), NoKey()), "post");
  EXPECT_TRUE(jobs_->Get(seller3_, job.id).ok());
  EXPECT_TRUE(jobs_->Get(other_buyer_, job.id).ok());
  EXPECT_TRUE(HasError(jobs_->Get(seller3_, pending.id).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  Proposal p = SubmitBid(seller_, job.id);
  SubmitBid(seller2_, job.id);
  ASSERT_TRUE(proposals_->Accept(buyer_, p.id, NoKey()).ok());
  EXPECT_TRUE(jobs_->Get(seller_, job.id).ok());
  EXPECT_TRUE(jobs_->Get(seller2_, job.id).ok()) << "a seller not selected still sees the job";
  EXPECT_TRUE(HasError(jobs_->Get(seller3_, job.id).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
}

TEST_F(ProposalsTest, ProposalActionsFollowTheViewerAndTheJob) {
  Job job = OpenProject(buyer_);
  Proposal p = SubmitBid(seller_, job.id);
  const absl::Time now = clock_.Now();
  EXPECT_THAT(ProposalActions(seller_, p, now), ElementsAre("update", "withdraw"));
  EXPECT_THAT(ProposalActions(buyer_, p, now), ElementsAre("shortlist", "decline", "accept"));
  EXPECT_THAT(ProposalActions(admin_, p, now), IsEmpty());
  EXPECT_THAT(ProposalActions(seller_, p, *job.bidding_close_time), ElementsAre("withdraw"));
  Proposal shortlisted = ValueOrFail(proposals_->Shortlist(buyer_, p.id, NoKey()), "shortlist");
  EXPECT_THAT(ProposalActions(buyer_, shortlisted, now), ElementsAre("decline", "accept"));
  Proposal accepted = ValueOrFail(proposals_->Accept(buyer_, p.id, NoKey()), "accept");
  EXPECT_THAT(ProposalActions(buyer_, accepted, now), IsEmpty());
  EXPECT_THAT(ProposalActions(seller_, accepted, now), IsEmpty());
}

}  // namespace
}  // namespace gigwire

// ---- what the review of issue 13 found ----

namespace gigwire {
namespace {

TEST_F(ProposalsTest, ADeclinedSellerMayNotBidOnThatJobAgain) {
  Job job = OpenProject(buyer_);
  Proposal first = SubmitBid(seller_, job.id);
  ASSERT_TRUE(proposals_->Decline(buyer_, first.id, "Not a fit", NoKey()).ok());
  const Snapshot before = Take();
  absl::StatusOr<Proposal> again = proposals_->Submit(seller_, job.id, Bid(), NoKey());
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(again.status()), v1::INVALID_STATE);
  EXPECT_TRUE(Take() == before);
  Withdraw(seller2_, SubmitBid(seller2_, job.id).id);
  EXPECT_TRUE(proposals_->Submit(seller2_, job.id, Bid(), NoKey()).ok())
      << "a withdrawn bid does not bar its seller";
}

TEST_F(ProposalsTest, AProjectPastItsCloseTimeIsNotApprovedUntilItsBuyerExtendsBidding) {
  Job job = ValueOrFail(jobs_->Create(buyer_, OpenProjectDraft(absl::Hours(2)), NoKey()), "post");
  clock_.Advance(absl::Hours(3));
  absl::StatusOr<Job> approved = jobs_->Approve(admin_, job.id, "", NoKey());
  EXPECT_EQ(approved.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ReasonOf(approved.status()), v1::INVALID_STATE);
  BiddingExtension later;
  later.bidding_close_time = clock_.Now() + absl::Hours(24);
  Job extended = ValueOrFail(jobs_->ExtendBidding(buyer_, job.id, later, NoKey()), "extend");
  EXPECT_EQ(extended.state, JobState::kPendingReview);
  Job open = ValueOrFail(jobs_->Approve(admin_, job.id, "", NoKey()), "approve");
  EXPECT_EQ(open.state, JobState::kOpen);
  EXPECT_TRUE(proposals_->Submit(seller_, job.id, Bid(), NoKey()).ok());
}

TEST_F(ProposalsTest, ACancelledProposalBookingReopensTheProjectForNewBids) {
  Job job = OpenProject(buyer_, /*bidding_in=*/absl::Hours(24 * 3));
  Proposal winner = SubmitBid(seller_, job.id);
  Proposal other = SubmitBid(seller2_, job.id);
  Proposal accepted = ValueOrFail(proposals_->Accept(buyer_, winner.id, NoKey()), "accept");
  clock_.Advance(absl::Hours(24 * 5));  // past the first close time
  ASSERT_TRUE(
      bookings_->Cancel(buyer_, accepted.booking_id, "Went quiet", false, NoKey()).ok());
  Job reopened = ValueOrFail(jobs_->Get(buyer_, job.id), "get");
  EXPECT_EQ(reopened.state, JobState::kOpen);
  ASSERT_TRUE(reopened.bidding_close_time.has_value());
  EXPECT_GT(*reopened.bidding_close_time, clock_.Now());
  EXPECT_LT(*reopened.bidding_close_time, reopened.due_time);
  EXPECT_GE(*reopened.award_deadline_time, *reopened.bidding_close_time);
  EXPECT_EQ(StoredProposal(other.id).state, ProposalState::kNotSelected);
  EXPECT_TRUE(proposals_->Submit(seller2_, job.id, Bid(), NoKey()).ok())
      << "a seller not selected before may bid again";
}

TEST_F(ProposalsTest, AnExpiredProjectTellsItsSellersNotItsBuyer) {
  Job job = OpenProject(buyer_, /*bidding_in=*/absl::Hours(24));
  SubmitBid(seller_, job.id);
  SubmitBid(seller2_, job.id);
  const size_t buyer_inbox = NotificationsOf(buyer_.user_id).size();
  clock_.Advance(absl::Hours(24));
  ASSERT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "close"), 1);
  clock_.Advance(absl::Hours(24 * 8));  // past the award deadline
  ASSERT_EQ(ValueOrFail(jobs_->ExpireDue(clock_.Now()), "expire"), 1);
  std::vector<Notification> inbox = NotificationsOf(buyer_.user_id);
  ASSERT_EQ(inbox.size(), buyer_inbox + 2) << "bidding closed, then expired";
  for (const Notification& n : inbox) EXPECT_NE(n.type, EventType::kProposalNotSelected);
  std::vector<Notification> seller_inbox = NotificationsOf(seller_.user_id);
  ASSERT_FALSE(seller_inbox.empty());
  EXPECT_EQ(seller_inbox.front().type, EventType::kProposalNotSelected);
}

}  // namespace
}  // namespace gigwire
