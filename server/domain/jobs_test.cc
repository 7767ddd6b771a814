#include "server/domain/jobs.h"

#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/testing/marketplace_fixture.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;
using testutil::HasError;
using testutil::IsInvalidState;
using testutil::KeyOf;
using testutil::NoKey;
using testutil::ViolatedFields;

class JobsTest : public testutil::MarketplaceTest {
 protected:
  std::vector<std::string> IdsOf(const std::vector<Job>& jobs) {
    std::vector<std::string> ids;
    for (const Job& job : jobs) ids.push_back(job.id);
    return ids;
  }

  JobPage ListOrDie(const Principal& caller, const JobFilter& filter = {}, int page_size = 0,
                    const std::string& token = "") {
    return testutil::ValueOrFail(jobs_->List(caller, filter, page_size, token), "listing jobs");
  }
};

// ---- Create ----

TEST_F(JobsTest, CreatePostsAPendingReviewJobOwnedByTheCaller) {
  absl::StatusOr<Job> job = jobs_->Create(buyer_, ValidDraft(), NoKey());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_TRUE(HasIdShape(job->id, "job")) << job->id;
  EXPECT_EQ(job->buyer_id, buyer_.user_id);
  EXPECT_EQ(job->state, JobState::kPendingReview);
  EXPECT_EQ(job->version, 1);
  EXPECT_EQ(job->create_time, clock_.Now());
  Job stored = StoredJob(job->id);
  EXPECT_EQ(stored.title, "Build a landing page");
  EXPECT_EQ(stored.category_id, category_);
  EXPECT_THAT(stored.skills, ElementsAre("html", "css"));
  EXPECT_EQ(stored.budget_min.amount_minor, 10'000);
  EXPECT_EQ(stored.budget_max.currency_code, "USD");
  EXPECT_EQ(stored.state, JobState::kPendingReview);
}

TEST_F(JobsTest, CreateIgnoresServerOwnedFieldsOfTheDraft) {
  Job draft = ValidDraft();
  draft.id = "job_chosenbyclient";
  draft.buyer_id = seller_.user_id;
  draft.state = JobState::kBooked;
  draft.booking_id = "bkg_fake";
  absl::StatusOr<Job> job = jobs_->Create(buyer_, draft, NoKey());
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_NE(job->id, "job_chosenbyclient");
  EXPECT_EQ(job->buyer_id, buyer_.user_id);
  EXPECT_EQ(job->state, JobState::kPendingReview);
  EXPECT_EQ(job->booking_id, "");
}

TEST_F(JobsTest, CreateReportsEveryViolationAtOnce) {
  Job draft = ValidDraft();
  draft.title = "Hi";                        // under 5 characters
  draft.budget_min = {"USD", -5};            // negative
  draft.budget_max = {"EUR", 100};           // another currency
  draft.due_time = clock_.Now() - absl::Hours(1);  // in the past
  draft.preferred_start_time = clock_.Now();       // after due
  absl::Status status = jobs_->Create(buyer_, draft, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("job.title", "job.budget.min.amount_minor",
                                   "job.budget.max.currency_code", "job.due_time",
                                   "job.preferred_start_time"));
  EXPECT_THAT(ListOrDie(admin_).jobs, IsEmpty());
}

TEST_F(JobsTest, CreateRefusesALongTitleAndAMinAboveMax) {
  Job draft = ValidDraft();
  draft.title = std::string(121, 'x');
  draft.budget_min = {"USD", 50'000};
  draft.budget_max = {"USD", 10'000};
  draft.preferred_start_time = draft.due_time;  // must be strictly before
  absl::Status status = jobs_->Create(buyer_, draft, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("job.title", "job.budget.max.amount_minor",
                                   "job.preferred_start_time"));
}

TEST_F(JobsTest, CreateAcceptsTitleLengthBoundsAndRefusesADueTimeOfNow) {
  Job draft = ValidDraft();
  draft.title = std::string(5, 'x');
  EXPECT_TRUE(jobs_->Create(buyer_, draft, NoKey()).ok());
  draft.title = std::string(120, 'x');
  EXPECT_TRUE(jobs_->Create(buyer_, draft, NoKey()).ok());
  draft.due_time = clock_.Now();
  absl::Status status = jobs_->Create(buyer_, draft, NoKey()).status();
  EXPECT_THAT(ViolatedFields(status), ElementsAre("job.due_time"));
}

TEST_F(JobsTest, CreateWithAnUnknownCategoryIsInvalidCategoryId) {
  Job draft = ValidDraft();
  draft.category_id = NewId("cat");
  absl::Status status = jobs_->Create(buyer_, draft, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("job.category_id"));
  EXPECT_THAT(ListOrDie(admin_).jobs, IsEmpty());
}

// validation.h: "a client learns every problem of a request at once". The
// category is request input like the others, so an unknown one is reported
// together with them, not only once everything else has been fixed.
TEST_F(JobsTest, CreateReportsAnUnknownCategoryAlongWithTheOtherViolations) {
  Job draft = ValidDraft();
  draft.title = "Hi";
  draft.category_id = NewId("cat");
  absl::Status status = jobs_->Create(buyer_, draft, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), UnorderedElementsAre("job.title", "job.category_id"));
}

TEST_F(JobsTest, CreateByANonBuyerIsRoleRequired) {
  for (const Principal& caller : {seller_, admin_}) {
    EXPECT_TRUE(HasError(jobs_->Create(caller, ValidDraft(), NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  }
  EXPECT_THAT(ListOrDie(admin_).jobs, IsEmpty());
}

TEST_F(JobsTest, CreateWithTheSameRequestIdReplaysTheFirstJob) {
  const RequestKey key = KeyOf(buyer_, "CreateJob", "req-1", "fp-a");
  absl::StatusOr<Job> first = jobs_->Create(buyer_, ValidDraft(), key);
  ASSERT_TRUE(first.ok()) << first.status();
  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<Job> again = jobs_->Create(buyer_, ValidDraft(), key);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->id, first->id);
  EXPECT_EQ(again->create_time, first->create_time);
  EXPECT_EQ(ListOrDie(buyer_).jobs.size(), 1u);

  absl::Status reused =
      jobs_->Create(buyer_, ValidDraft(), KeyOf(buyer_, "CreateJob", "req-1", "fp-b")).status();
  EXPECT_TRUE(HasError(reused, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(reused), ElementsAre("request_id"));
  EXPECT_EQ(ListOrDie(buyer_).jobs.size(), 1u);
}

// ---- Get ----

TEST_F(JobsTest, GetShowsTheJobToItsBuyerAdminsAndSellersHoldingAnOffer) {
  Job job = OpenJob(buyer_);
  Principal other_buyer = NewPrincipal("other-buyer", {Role::kBuyer});
  Principal other_seller = NewPrincipal("other-seller", {Role::kSeller});

  EXPECT_TRUE(HasError(jobs_->Get(seller_, job.id).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND))
      << "a seller without an offer must not see the job";
  AssignOne(job.id, seller_);

  for (const Principal& viewer : {buyer_, admin_, seller_}) {
    absl::StatusOr<Job> seen = jobs_->Get(viewer, job.id);
    ASSERT_TRUE(seen.ok()) << seen.status();
    EXPECT_EQ(seen->id, job.id);
    EXPECT_EQ(seen->state, JobState::kOpen);
  }
  for (const Principal& outsider : {other_buyer, other_seller}) {
    EXPECT_TRUE(HasError(jobs_->Get(outsider, job.id).status(), absl::StatusCode::kNotFound,
                         v1::RESOURCE_NOT_FOUND));
  }
}

TEST_F(JobsTest, GetOfAnUnknownOrMalformedIdIsNotFound) {
  EXPECT_TRUE(HasError(jobs_->Get(admin_, NewId("job")).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(jobs_->Get(admin_, "bkg_abc").status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  absl::Status empty = jobs_->Get(admin_, "").status();
  EXPECT_TRUE(HasError(empty, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(empty), ElementsAre("id"));
}

// ---- List ----

TEST_F(JobsTest, ListShowsABuyerOnlyItsOwnJobsWithPerStateCounts) {
  Principal other_buyer = NewPrincipal("other-buyer", {Role::kBuyer});
  Job pending = PostJob(buyer_);
  Job open = OpenJob(buyer_);
  Job cancelled = PostJob(buyer_);
  ASSERT_TRUE(jobs_->Cancel(buyer_, cancelled.id, "changed my mind", NoKey()).ok());
  Job open2 = OpenJob(buyer_);
  PostJob(other_buyer);
  OpenJob(other_buyer);

  JobPage page = ListOrDie(buyer_);
  EXPECT_THAT(IdsOf(page.jobs), UnorderedElementsAre(pending.id, open.id, cancelled.id, open2.id));
  EXPECT_THAT(page.state_counts,
              UnorderedElementsAre(Pair(JobState::kPendingReview, 1), Pair(JobState::kOpen, 2),
                                   Pair(JobState::kCancelled, 1)));
  EXPECT_EQ(page.next_page_token, "");

  JobFilter open_only;
  open_only.state = JobState::kOpen;
  JobPage open_page = ListOrDie(buyer_, open_only);
  EXPECT_THAT(IdsOf(open_page.jobs), UnorderedElementsAre(open.id, open2.id));
  EXPECT_THAT(open_page.state_counts, UnorderedElementsAre(Pair(JobState::kPendingReview, 1),
                                                           Pair(JobState::kOpen, 2),
                                                           Pair(JobState::kCancelled, 1)))
      << "counts ignore the state filter";
}

TEST_F(JobsTest, ListShowsAnAdminEveryJobFilteredByStateAndBuyer) {
  Principal other_buyer = NewPrincipal("other-buyer", {Role::kBuyer});
  Job mine_pending = PostJob(buyer_);
  Job mine_open = OpenJob(buyer_);
  Job theirs_pending = PostJob(other_buyer);
  Job theirs_open = OpenJob(other_buyer);

  JobPage all = ListOrDie(admin_);
  EXPECT_THAT(IdsOf(all.jobs), UnorderedElementsAre(mine_pending.id, mine_open.id,
                                                    theirs_pending.id, theirs_open.id));
  EXPECT_THAT(all.state_counts, UnorderedElementsAre(Pair(JobState::kPendingReview, 2),
                                                     Pair(JobState::kOpen, 2)));

  JobFilter queue;
  queue.state = JobState::kPendingReview;
  EXPECT_THAT(IdsOf(ListOrDie(admin_, queue).jobs),
              UnorderedElementsAre(mine_pending.id, theirs_pending.id));

  JobFilter theirs;
  theirs.buyer_id = other_buyer.user_id;
  JobPage their_page = ListOrDie(admin_, theirs);
  EXPECT_THAT(IdsOf(their_page.jobs), UnorderedElementsAre(theirs_pending.id, theirs_open.id));
  EXPECT_THAT(their_page.state_counts, UnorderedElementsAre(Pair(JobState::kPendingReview, 1),
                                                            Pair(JobState::kOpen, 1)));

  theirs.state = JobState::kOpen;
  EXPECT_THAT(IdsOf(ListOrDie(admin_, theirs).jobs), ElementsAre(theirs_open.id));
}

TEST_F(JobsTest, ListByANonAdminFilteringOnAnotherBuyerIsRoleRequired) {
  Principal other_buyer = NewPrincipal("other-buyer", {Role::kBuyer});
  PostJob(other_buyer);
  JobFilter filter;
  filter.buyer_id = other_buyer.user_id;
  EXPECT_TRUE(HasError(jobs_->List(buyer_, filter, 0, "").status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
}

TEST_F(JobsTest, ListPagesCoverEveryJobExactlyOnceNewestFirst) {
  std::set<std::string> posted;
  for (int i = 0; i < 7; ++i) {
    posted.insert(PostJob(buyer_).id);
    if (i % 2 == 1) clock_.Advance(absl::Seconds(1));  // some share a create time
  }
  PostJob(NewPrincipal("other-buyer", {Role::kBuyer}));  // not in the buyer's listing

  std::vector<Job> seen;
  std::string token;
  int pages = 0;
  do {
    JobPage page = ListOrDie(buyer_, {}, 3, token);
    ASSERT_LE(page.jobs.size(), 3u);
    seen.insert(seen.end(), page.jobs.begin(), page.jobs.end());
    token = page.next_page_token;
    ASSERT_LT(++pages, 10) << "pagination does not end";
  } while (!token.empty());

  EXPECT_EQ(pages, 3);
  std::vector<std::string> ids = IdsOf(seen);
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), posted);
  for (size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i - 1].create_time, seen[i].create_time) << "not newest first at " << i;
  }
}

TEST_F(JobsTest, ListPageTokenReusedWithOtherFiltersIsInvalid) {
  for (int i = 0; i < 3; ++i) OpenJob(buyer_);
  JobPage first = ListOrDie(admin_, {}, 2);
  ASSERT_FALSE(first.next_page_token.empty());

  JobFilter open_only;
  open_only.state = JobState::kOpen;
  absl::Status status = jobs_->List(admin_, open_only, 2, first.next_page_token).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));

  JobFilter by_buyer;
  by_buyer.buyer_id = buyer_.user_id;
  status = jobs_->List(admin_, by_buyer, 2, first.next_page_token).status();
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));

  status = jobs_->List(admin_, {}, 2, "garbage").status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
}

// ---- Approve / Reject ----

TEST_F(JobsTest, ApproveOpensTheJobAndWritesTheAuditLog) {
  Job job = PostJob(buyer_);
  clock_.Advance(absl::Minutes(5));
  absl::StatusOr<Job> approved = jobs_->Approve(admin_, job.id, "looks fine", NoKey());
  ASSERT_TRUE(approved.ok()) << approved.status();
  EXPECT_EQ(approved->state, JobState::kOpen);
  EXPECT_EQ(approved->version, 2);
  EXPECT_EQ(approved->update_time, clock_.Now());
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);

  std::vector<AuditEntry> audit = AuditEntries("ApproveJob");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor_id, admin_.user_id);
  EXPECT_EQ(audit[0].target, job.id);
  EXPECT_EQ(audit[0].note, "looks fine");
  EXPECT_EQ(audit[0].create_time, clock_.Now());
}

TEST_F(JobsTest, ApproveWithTheSameRequestIdDoesNothingTwice) {
  Job job = PostJob(buyer_);
  const RequestKey key = KeyOf(admin_, "ApproveJob", "approve-1", "fp");
  ASSERT_TRUE(jobs_->Approve(admin_, job.id, "", key).ok());
  absl::StatusOr<Job> replay = jobs_->Approve(admin_, job.id, "", key);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->state, JobState::kOpen);
  EXPECT_EQ(replay->version, 2);
  EXPECT_EQ(AuditEntries("ApproveJob").size(), 1u);
}

TEST_F(JobsTest, RejectRecordsTheReasonAndWritesTheAuditLog) {
  Job job = PostJob(buyer_);
  absl::StatusOr<Job> rejected = jobs_->Reject(admin_, job.id, "Not a real job", NoKey());
  ASSERT_TRUE(rejected.ok()) << rejected.status();
  EXPECT_EQ(rejected->state, JobState::kRejected);
  EXPECT_EQ(StoredJob(job.id).rejection_reason, "Not a real job");

  std::vector<AuditEntry> audit = AuditEntries("RejectJob");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor_id, admin_.user_id);
  EXPECT_EQ(audit[0].target, job.id);
  EXPECT_EQ(audit[0].note, "Not a real job");
}

TEST_F(JobsTest, RejectNeedsAReason) {
  Job job = PostJob(buyer_);
  absl::Status status = jobs_->Reject(admin_, job.id, "", NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("reason"));
  EXPECT_EQ(StoredJob(job.id).state, JobState::kPendingReview);
}

TEST_F(JobsTest, ApproveAndRejectByANonAdminAreRoleRequired) {
  Job job = PostJob(buyer_);
  for (const Principal& caller : {buyer_, seller_}) {
    EXPECT_TRUE(HasError(jobs_->Approve(caller, job.id, "", NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
    EXPECT_TRUE(HasError(jobs_->Reject(caller, job.id, "no", NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  }
  EXPECT_EQ(StoredJob(job.id).state, JobState::kPendingReview);
  EXPECT_THAT(AuditEntries("ApproveJob"), IsEmpty());
  EXPECT_THAT(AuditEntries("RejectJob"), IsEmpty());
}

TEST_F(JobsTest, ApproveOfAnUnknownJobIsNotFound) {
  EXPECT_TRUE(HasError(jobs_->Approve(admin_, NewId("job"), "", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
}

// ---- illegal transitions ----

TEST_F(JobsTest, IllegalTransitionsAreInvalidStateNamingTheCurrentState) {
  Job open = OpenJob(buyer_);
  EXPECT_TRUE(IsInvalidState(jobs_->Approve(admin_, open.id, "", NoKey()).status(), "OPEN"));
  EXPECT_TRUE(IsInvalidState(jobs_->Reject(admin_, open.id, "late", NoKey()).status(), "OPEN"));

  Job rejected = PostJob(buyer_);
  ASSERT_TRUE(jobs_->Reject(admin_, rejected.id, "spam", NoKey()).ok());
  EXPECT_TRUE(IsInvalidState(jobs_->Approve(admin_, rejected.id, "", NoKey()).status(),
                             "REJECTED"));
  EXPECT_TRUE(IsInvalidState(jobs_->Cancel(buyer_, rejected.id, "", NoKey()).status(),
                             "REJECTED"));

  Job cancelled = PostJob(buyer_);
  ASSERT_TRUE(jobs_->Cancel(buyer_, cancelled.id, "", NoKey()).ok());
  EXPECT_TRUE(IsInvalidState(jobs_->Cancel(buyer_, cancelled.id, "", NoKey()).status(),
                             "CANCELLED"));
  EXPECT_TRUE(IsInvalidState(jobs_->Approve(admin_, cancelled.id, "", NoKey()).status(),
                             "CANCELLED"));

  Job booked = OpenJob(buyer_);
  ASSERT_TRUE(offers_->Accept(seller_, AssignOne(booked.id, seller_), NoKey()).ok());
  EXPECT_TRUE(IsInvalidState(jobs_->Cancel(buyer_, booked.id, "", NoKey()).status(), "BOOKED"));

  Job expired = OpenJob(buyer_, absl::Hours(1));
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(jobs_->ExpireDue(clock_.Now()).ok());
  EXPECT_TRUE(IsInvalidState(jobs_->Cancel(buyer_, expired.id, "", NoKey()).status(),
                             "EXPIRED"));

  EXPECT_EQ(AuditEntries("ApproveJob").size(), 3u) << "only the three successful approvals";
}

// ---- Cancel ----

TEST_F(JobsTest, CancelByTheBuyerWithdrawsThePendingOffers) {
  Job job = OpenJob(buyer_);
  Principal seller2 = NewPrincipal("seller2", {Role::kSeller});
  Principal seller3 = NewPrincipal("seller3", {Role::kSeller});
  std::vector<Assignment> assignments = AssignSellers(job.id, {seller_, seller2, seller3});
  ASSERT_EQ(assignments.size(), 3u);
  ASSERT_TRUE(offers_->Decline(seller3, assignments[2].offer_id, "busy", NoKey()).ok());

  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<Job> cancelled = jobs_->Cancel(buyer_, job.id, "found someone", NoKey());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, JobState::kCancelled);
  EXPECT_EQ(StoredJob(job.id).cancel_reason, "found someone");

  for (int i : {0, 1}) {
    Offer offer = StoredOffer(assignments[i].offer_id);
    EXPECT_EQ(offer.state, OfferState::kWithdrawn) << i;
    EXPECT_FALSE(offer.withdraw_reason.empty()) << i;
    EXPECT_EQ(offer.update_time, clock_.Now()) << i;
  }
  EXPECT_EQ(StoredOffer(assignments[2].offer_id).state, OfferState::kDeclined)
      << "an answered offer keeps its state";
}

TEST_F(JobsTest, CancelWorksBeforeReview) {
  Job job = PostJob(buyer_);
  absl::StatusOr<Job> cancelled = jobs_->Cancel(buyer_, job.id, "", NoKey());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, JobState::kCancelled);
}

TEST_F(JobsTest, CancelBySomeoneElseThanTheBuyerIsRefused) {
  Job job = OpenJob(buyer_);
  std::string offer_id = AssignOne(job.id, seller_);
  EXPECT_TRUE(HasError(jobs_->Cancel(seller_, job.id, "", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(jobs_->Cancel(admin_, job.id, "", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  Principal other_buyer = NewPrincipal("other-buyer", {Role::kBuyer});
  EXPECT_TRUE(HasError(jobs_->Cancel(other_buyer, job.id, "", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);
  EXPECT_EQ(StoredOffer(offer_id).state, OfferState::kPending);
}

TEST_F(JobsTest, CancelReasonLongerThan500IsInvalid) {
  Job job = OpenJob(buyer_);
  absl::Status status = jobs_->Cancel(buyer_, job.id, std::string(501, 'r'), NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("reason"));
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);
}

// ---- ExpireDue ----

TEST_F(JobsTest, ExpireDueExpiresUnbookedJobsAndTheirPendingOffers) {
  Job open_due = OpenJob(buyer_, absl::Hours(1));
  std::string pending_offer = AssignOne(open_due.id, seller_, absl::Hours(48));
  Job pending_due = PostJob(buyer_, absl::Hours(1));
  Job later = OpenJob(buyer_, absl::Hours(2));
  Job booked_due = OpenJob(buyer_, absl::Hours(1));
  Principal seller2 = NewPrincipal("seller2", {Role::kSeller});
  std::string accepted_offer = AssignOne(booked_due.id, seller2);
  ASSERT_TRUE(offers_->Accept(seller2, accepted_offer, NoKey()).ok());

  clock_.Advance(absl::Minutes(59));
  absl::StatusOr<int> none = jobs_->ExpireDue(clock_.Now());
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(*none, 0);

  clock_.Advance(absl::Minutes(1));  // exactly at the due time
  absl::StatusOr<int> expired = jobs_->ExpireDue(clock_.Now());
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, 2);
  EXPECT_EQ(StoredJob(open_due.id).state, JobState::kExpired);
  EXPECT_EQ(StoredJob(pending_due.id).state, JobState::kExpired);
  EXPECT_EQ(StoredJob(later.id).state, JobState::kOpen);
  EXPECT_EQ(StoredJob(booked_due.id).state, JobState::kBooked);
  EXPECT_EQ(StoredOffer(pending_offer).state, OfferState::kExpired);
  EXPECT_EQ(StoredOffer(accepted_offer).state, OfferState::kAccepted);

  absl::StatusOr<int> again = jobs_->ExpireDue(clock_.Now());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, 0);
}

TEST_F(JobsTest, ExpireDueHonoursItsLimit) {
  for (int i = 0; i < 3; ++i) OpenJob(buyer_, absl::Hours(1));
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(jobs_->ExpireDue(clock_.Now(), 2).value_or(-1), 2);
  EXPECT_EQ(jobs_->ExpireDue(clock_.Now(), 2).value_or(-1), 1);
}

// ---- allowed actions ----

TEST_F(JobsTest, JobActionsFollowTheCallerAndTheState) {
  Job job = PostJob(buyer_);
  EXPECT_THAT(JobActions(buyer_, job), ElementsAre("cancel"));
  EXPECT_THAT(JobActions(admin_, job), ElementsAre("approve", "reject"));
  EXPECT_THAT(JobActions(seller_, job), IsEmpty());
  job.state = JobState::kOpen;
  EXPECT_THAT(JobActions(admin_, job), ElementsAre("assign"));
  job.state = JobState::kBooked;
  EXPECT_THAT(JobActions(buyer_, job), IsEmpty());
  EXPECT_THAT(JobActions(admin_, job), IsEmpty());
}

}  // namespace
}  // namespace gigwire
