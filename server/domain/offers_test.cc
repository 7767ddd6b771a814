#include "server/domain/offers.h"

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/ids.h"
#include "server/common/status.h"
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
using testutil::ViolatedFields;

class OffersTest : public testutil::MarketplaceTest {
 protected:
  void SetUp() override {
    MarketplaceTest::SetUp();
    seller2_ = NewPrincipal("seller2", {Role::kSeller});
    seller3_ = NewPrincipal("seller3", {Role::kSeller});
  }

  AssignInput InputFor(const std::string& job_id, const std::vector<Principal>& sellers) {
    AssignInput in;
    in.job_id = job_id;
    for (const Principal& s : sellers) in.seller_ids.push_back(s.user_id);
    return in;
  }

  static std::vector<std::string> SellersOf(const std::vector<Assignment>& assignments) {
    std::vector<std::string> ids;
    for (const Assignment& a : assignments) ids.push_back(a.seller_id);
    return ids;
  }

  Principal seller2_;
  Principal seller3_;
};

// ---- AssignSellers ----

TEST_F(OffersTest, AssignCreatesOnePendingOfferPerSellerInRequestOrder) {
  Job job = OpenJob(buyer_);
  clock_.Advance(absl::Minutes(1));
  AssignInput in = InputFor(job.id, {seller3_, seller_, seller2_});
  in.note = "Fits your portfolio";
  in.offer_ttl = absl::Hours(2);
  absl::StatusOr<std::vector<Assignment>> assignments = offers_->Assign(admin_, in, NoKey());
  ASSERT_TRUE(assignments.ok()) << assignments.status();
  EXPECT_THAT(SellersOf(*assignments),
              ElementsAre(seller3_.user_id, seller_.user_id, seller2_.user_id));
  absl::Time previous = absl::InfinitePast();
  for (const Assignment& a : *assignments) {
    EXPECT_TRUE(HasIdShape(a.id, "asg")) << a.id;
    EXPECT_EQ(a.job_id, job.id);
    EXPECT_EQ(a.assigner_id, admin_.user_id);
    EXPECT_EQ(a.note, "Fits your portfolio");
    // Made now; one call's assignments keep the request order in time.
    EXPECT_GE(a.create_time, clock_.Now());
    EXPECT_LT(a.create_time, clock_.Now() + absl::Seconds(1));
    EXPECT_GT(a.create_time, previous);
    previous = a.create_time;
    Offer offer = StoredOffer(a.offer_id);
    EXPECT_EQ(offer.seller_id, a.seller_id);
    EXPECT_EQ(offer.assignment_id, a.id);
    EXPECT_EQ(offer.state, OfferState::kPending);
    EXPECT_EQ(offer.create_time, a.create_time);
    EXPECT_EQ(offer.expire_time, offer.create_time + absl::Hours(2));
    EXPECT_EQ(offer.note, "Fits your portfolio");
    EXPECT_EQ(offer.job_title, job.title);
    EXPECT_EQ(offer.budget_max.amount_minor, job.budget_max.amount_minor);
  }
  std::vector<AuditEntry> audit = AuditEntries("AssignSellers");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor_id, admin_.user_id);
  EXPECT_TRUE(absl::StrContains(audit[0].target, job.id)) << audit[0].target;
}

TEST_F(OffersTest, AssignWithOneUnknownSellerCreatesNothing) {
  Job job = OpenJob(buyer_);
  AssignInput in = InputFor(job.id, {seller_, seller2_});
  in.seller_ids.insert(in.seller_ids.begin() + 1, NewId("usr"));
  absl::Status status = offers_->Assign(admin_, in, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("seller_ids"));
  EXPECT_THAT(OffersOfJob(job.id), IsEmpty());
  EXPECT_THAT(testutil::ValueOrFail(offers_->ListAssignments(admin_, job.id, 0, ""), "list")
                  .assignments,
              IsEmpty());
  EXPECT_THAT(AuditEntries("AssignSellers"), IsEmpty());
}

TEST_F(OffersTest, AssignRefusesDuplicatesAndUsersWhoAreNotSellers) {
  Job job = OpenJob(buyer_);
  AssignInput twice = InputFor(job.id, {seller_, seller2_, seller_});
  absl::Status status = offers_->Assign(admin_, twice, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("seller_ids"));

  Principal buyer_only = NewPrincipal("buyer-only", {Role::kBuyer});
  for (const Principal& not_seller : {buyer_only, admin_}) {
    status = offers_->Assign(admin_, InputFor(job.id, {seller_, not_seller}), NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
    EXPECT_THAT(ViolatedFields(status), ElementsAre("seller_ids"));
  }
  EXPECT_THAT(OffersOfJob(job.id), IsEmpty());
}

TEST_F(OffersTest, AssignRefusesASellerAlreadyHoldingAnOffer) {
  Job job = OpenJob(buyer_);
  AssignOne(job.id, seller_);
  absl::Status status =
      offers_->Assign(admin_, InputFor(job.id, {seller2_, seller_}), NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  ASSERT_EQ(ErrorDetailsOf(status).field_violations_size(), 1);
  EXPECT_EQ(ErrorDetailsOf(status).field_violations(0).field(), "seller_ids");
  EXPECT_TRUE(absl::StrContains(ErrorDetailsOf(status).field_violations(0).description(),
                                seller_.user_id))
      << "the violation names the seller";
  std::vector<Offer> offers = OffersOfJob(job.id);
  ASSERT_EQ(offers.size(), 1u) << "seller2 got no offer";
  EXPECT_EQ(offers[0].seller_id, seller_.user_id);
}

TEST_F(OffersTest, AssignReportsEveryInvalidInputAtOnce) {
  Job job = OpenJob(buyer_);
  AssignInput in;
  in.job_id = job.id;
  in.note = std::string(1001, 'n');
  in.offer_ttl = absl::ZeroDuration();
  absl::Status status = offers_->Assign(admin_, in, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), UnorderedElementsAre("seller_ids", "note", "offer_ttl"));

  in = InputFor(job.id, {seller_});
  in.offer_ttl = absl::Hours(24 * 30) + absl::Seconds(1);
  EXPECT_THAT(ViolatedFields(offers_->Assign(admin_, in, NoKey()).status()),
              ElementsAre("offer_ttl"));

  in = InputFor(job.id, {});
  for (int i = 0; i < 51; ++i) in.seller_ids.push_back(NewId("usr"));
  EXPECT_THAT(ViolatedFields(offers_->Assign(admin_, in, NoKey()).status()),
              ElementsAre("seller_ids"));
  EXPECT_THAT(OffersOfJob(job.id), IsEmpty());
}

TEST_F(OffersTest, AssignAcceptsTheTtlBounds) {
  Job job = OpenJob(buyer_);
  AssignInput in = InputFor(job.id, {seller_});
  in.offer_ttl = absl::Seconds(1);
  EXPECT_TRUE(offers_->Assign(admin_, in, NoKey()).ok());
  in = InputFor(job.id, {seller2_});
  in.offer_ttl = absl::Hours(24 * 30);
  EXPECT_TRUE(offers_->Assign(admin_, in, NoKey()).ok());
}

// A user may be buyer and seller, but not on both sides of one job: otherwise
// they could book themselves, then rate themselves and count a completed
// booking (reviews.cc picks the side by buyer_id == caller).
TEST_F(OffersTest, AssignRefusesTheJobsOwnBuyerAsSeller) {
  Principal both = NewPrincipal("buyer-and-seller", {Role::kBuyer, Role::kSeller});
  Job job = OpenJob(both);
  absl::Status status =
      offers_->Assign(admin_, InputFor(job.id, {seller_, both}), NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("seller_ids"));
  EXPECT_THAT(OffersOfJob(job.id), IsEmpty());
}

TEST_F(OffersTest, AssignToAJobThatIsNotOpenIsInvalidState) {
  Job pending = PostJob(buyer_);
  EXPECT_TRUE(IsInvalidState(
      offers_->Assign(admin_, InputFor(pending.id, {seller_}), NoKey()).status(),
      "PENDING_REVIEW"));

  Job booked = OpenJob(buyer_);
  ASSERT_TRUE(offers_->Accept(seller_, AssignOne(booked.id, seller_), NoKey()).ok());
  EXPECT_TRUE(IsInvalidState(
      offers_->Assign(admin_, InputFor(booked.id, {seller2_}), NoKey()).status(), "BOOKED"));
  EXPECT_THAT(OffersOfJob(pending.id), IsEmpty());
  EXPECT_EQ(OffersOfJob(booked.id).size(), 1u);
}

TEST_F(OffersTest, AssignToAnUnknownJobIsNotFound) {
  EXPECT_TRUE(HasError(offers_->Assign(admin_, InputFor(NewId("job"), {seller_}), NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
}

TEST_F(OffersTest, AssignByANonAdminIsRoleRequired) {
  Job job = OpenJob(buyer_);
  for (const Principal& caller : {buyer_, seller_}) {
    EXPECT_TRUE(HasError(offers_->Assign(caller, InputFor(job.id, {seller2_}), NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  }
  EXPECT_THAT(OffersOfJob(job.id), IsEmpty());
}

TEST_F(OffersTest, AssignWithTheSameRequestIdReplaysWithoutNewRows) {
  Job job = OpenJob(buyer_);
  const RequestKey key = KeyOf(admin_, "AssignSellers", "assign-1", "fp-1");
  AssignInput in = InputFor(job.id, {seller2_, seller_});
  absl::StatusOr<std::vector<Assignment>> first = offers_->Assign(admin_, in, key);
  ASSERT_TRUE(first.ok()) << first.status();

  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<std::vector<Assignment>> replay = offers_->Assign(admin_, in, key);
  ASSERT_TRUE(replay.ok()) << replay.status();
  ASSERT_EQ(replay->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*replay)[i].id, (*first)[i].id) << i;
    EXPECT_EQ((*replay)[i].offer_id, (*first)[i].offer_id) << i;
    EXPECT_EQ((*replay)[i].seller_id, (*first)[i].seller_id) << i;
    EXPECT_EQ((*replay)[i].create_time, (*first)[i].create_time) << i;
  }
  EXPECT_EQ(OffersOfJob(job.id).size(), 2u);
  EXPECT_EQ(AuditEntries("AssignSellers").size(), 1u);

  // Still a replay once the job has moved on (a retry after a lost answer).
  ASSERT_TRUE(offers_->Accept(seller_, (*first)[1].offer_id, NoKey()).ok());
  absl::StatusOr<std::vector<Assignment>> late = offers_->Assign(admin_, in, key);
  ASSERT_TRUE(late.ok()) << late.status();
  EXPECT_EQ(late->size(), 2u);
  EXPECT_EQ(OffersOfJob(job.id).size(), 2u);
}

TEST_F(OffersTest, AssignReusingARequestIdWithOtherParametersIsInvalid) {
  Job job = OpenJob(buyer_);
  ASSERT_TRUE(offers_->Assign(admin_, InputFor(job.id, {seller_}),
                              KeyOf(admin_, "AssignSellers", "assign-1", "fp-1"))
                  .ok());
  absl::Status status = offers_->Assign(admin_, InputFor(job.id, {seller2_}),
                                        KeyOf(admin_, "AssignSellers", "assign-1", "fp-2"))
                            .status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("request_id"));
  std::vector<Offer> offers = OffersOfJob(job.id);
  ASSERT_EQ(offers.size(), 1u);
  EXPECT_EQ(offers[0].seller_id, seller_.user_id);
}

// ---- ListAssignments ----

TEST_F(OffersTest, ListAssignmentsShowsWhoAssignedWhomWhenAndWhyOldestFirst) {
  Job job = OpenJob(buyer_);
  Principal admin2 = NewPrincipal("admin2", {Role::kAdmin});
  const absl::Time t0 = clock_.Now();
  AssignInput first = InputFor(job.id, {seller_});
  first.note = "first pick";
  ASSERT_TRUE(offers_->Assign(admin_, first, NoKey()).ok());
  clock_.Advance(absl::Minutes(10));
  AssignInput second = InputFor(job.id, {seller2_});
  second.note = "second pick";
  ASSERT_TRUE(offers_->Assign(admin2, second, NoKey()).ok());

  for (const Principal& viewer : {admin_, buyer_}) {
    absl::StatusOr<AssignmentPage> page = offers_->ListAssignments(viewer, job.id, 0, "");
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->assignments.size(), 2u);
    const Assignment& a = page->assignments[0];
    const Assignment& b = page->assignments[1];
    EXPECT_EQ(a.seller_id, seller_.user_id);
    EXPECT_EQ(a.assigner_id, admin_.user_id);
    EXPECT_EQ(a.note, "first pick");
    EXPECT_EQ(a.create_time, t0);
    EXPECT_EQ(b.seller_id, seller2_.user_id);
    EXPECT_EQ(b.assigner_id, admin2.user_id);
    EXPECT_EQ(b.note, "second pick");
    EXPECT_EQ(b.create_time, t0 + absl::Minutes(10));
    EXPECT_EQ(page->next_page_token, "");
  }
}

TEST_F(OffersTest, ListAssignmentsPagesCoverEveryAssignmentOnce) {
  Job job = OpenJob(buyer_);
  AssignSellers(job.id, {seller2_, seller_});  // one call: kept in request order
  clock_.Advance(absl::Seconds(1));
  AssignSellers(job.id, {seller3_});
  std::vector<std::string> seen;
  std::string token;
  int pages = 0;
  do {
    absl::StatusOr<AssignmentPage> page = offers_->ListAssignments(admin_, job.id, 1, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Assignment& a : page->assignments) seen.push_back(a.seller_id);
    token = page->next_page_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_THAT(seen, ElementsAre(seller2_.user_id, seller_.user_id, seller3_.user_id))
      << "oldest first, one call's sellers in request order";
}

TEST_F(OffersTest, ListAssignmentsIsForAdminsAndTheJobsBuyerOnly) {
  Job job = OpenJob(buyer_);
  AssignOne(job.id, seller_);
  Principal other_buyer = NewPrincipal("other-buyer", {Role::kBuyer});
  for (const Principal& outsider : {seller2_, other_buyer}) {
    EXPECT_TRUE(HasError(offers_->ListAssignments(outsider, job.id, 0, "").status(),
                         absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  }
  // A seller holding an offer sees the job, but not who else was assigned.
  EXPECT_TRUE(HasError(offers_->ListAssignments(seller_, job.id, 0, "").status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(offers_->ListAssignments(admin_, NewId("job"), 0, "").status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
}

// ---- Get / List ----

TEST_F(OffersTest, GetShowsAnOfferToItsSellerAndAdminsOnly) {
  Job job = OpenJob(buyer_);
  std::string offer_id = AssignOne(job.id, seller_);
  for (const Principal& viewer : {seller_, admin_}) {
    absl::StatusOr<Offer> offer = offers_->Get(viewer, offer_id);
    ASSERT_TRUE(offer.ok()) << offer.status();
    EXPECT_EQ(offer->id, offer_id);
  }
  for (const Principal& outsider : {seller2_, buyer_}) {
    EXPECT_TRUE(HasError(offers_->Get(outsider, offer_id).status(), absl::StatusCode::kNotFound,
                         v1::RESOURCE_NOT_FOUND));
  }
}

TEST_F(OffersTest, ListShowsASellerItsOwnOffersAndAnAdminFiltersThem) {
  Job job1 = OpenJob(buyer_);
  Job job2 = OpenJob(buyer_);
  AssignSellers(job1.id, {seller_, seller2_});
  AssignSellers(job2.id, {seller_});

  absl::StatusOr<OfferPage> mine = offers_->List(seller_, {}, 0, "");
  ASSERT_TRUE(mine.ok()) << mine.status();
  EXPECT_EQ(mine->offers.size(), 2u);
  for (const Offer& o : mine->offers) EXPECT_EQ(o.seller_id, seller_.user_id);

  OfferFilter of_job1;
  of_job1.job_id = job1.id;
  absl::StatusOr<OfferPage> admin_view = offers_->List(admin_, of_job1, 0, "");
  ASSERT_TRUE(admin_view.ok()) << admin_view.status();
  EXPECT_EQ(admin_view->offers.size(), 2u);

  OfferFilter by_seller2;
  by_seller2.seller_id = seller2_.user_id;
  EXPECT_EQ(offers_->List(admin_, by_seller2, 0, "")->offers.size(), 1u);
  EXPECT_TRUE(HasError(offers_->List(seller_, by_seller2, 0, "").status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
}

// ---- Accept ----

TEST_F(OffersTest, AcceptCreatesTheBookingBooksTheJobAndSupersedesTheOthers) {
  Job job = OpenJob(buyer_);
  std::vector<Assignment> assignments = AssignSellers(job.id, {seller_, seller2_, seller3_});
  ASSERT_EQ(assignments.size(), 3u);
  ASSERT_TRUE(offers_->Decline(seller3_, assignments[2].offer_id, "", NoKey()).ok());
  clock_.Advance(absl::Minutes(3));

  absl::StatusOr<Offer> accepted = offers_->Accept(seller2_, assignments[1].offer_id, NoKey());
  ASSERT_TRUE(accepted.ok()) << accepted.status();
  EXPECT_EQ(accepted->state, OfferState::kAccepted);
  ASSERT_TRUE(HasIdShape(accepted->booking_id, "bkg")) << accepted->booking_id;

  Booking booking = StoredBooking(accepted->booking_id);
  EXPECT_EQ(booking.state, BookingState::kActive);
  EXPECT_EQ(booking.job_id, job.id);
  EXPECT_EQ(booking.offer_id, accepted->id);
  EXPECT_EQ(booking.buyer_id, buyer_.user_id);
  EXPECT_EQ(booking.seller_id, seller2_.user_id);
  EXPECT_EQ(booking.job_title, job.title);
  EXPECT_EQ(booking.create_time, clock_.Now());

  Job booked = StoredJob(job.id);
  EXPECT_EQ(booked.state, JobState::kBooked);
  EXPECT_EQ(booked.booking_id, booking.id);
  EXPECT_EQ(StoredOffer(assignments[1].offer_id).state, OfferState::kAccepted);
  EXPECT_EQ(StoredOffer(assignments[0].offer_id).state, OfferState::kSuperseded);
  EXPECT_EQ(StoredOffer(assignments[2].offer_id).state, OfferState::kDeclined);
  EXPECT_EQ(BookingsOfJob(job.id).size(), 1u);

  EXPECT_TRUE(IsInvalidState(offers_->Accept(seller_, assignments[0].offer_id, NoKey()).status(),
                             "SUPERSEDED"));
  EXPECT_TRUE(IsInvalidState(offers_->Accept(seller2_, assignments[1].offer_id, NoKey()).status(),
                             "ACCEPTED"));
  EXPECT_EQ(BookingsOfJob(job.id).size(), 1u);
}

TEST_F(OffersTest, AcceptWithTheSameRequestIdReplaysTheAcceptedOffer) {
  Job job = OpenJob(buyer_);
  std::string offer_id = AssignOne(job.id, seller_);
  const RequestKey key = KeyOf(seller_, "AcceptOffer", "accept-1", "fp");
  absl::StatusOr<Offer> first = offers_->Accept(seller_, offer_id, key);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<Offer> retry = offers_->Accept(seller_, offer_id, key);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->booking_id, first->booking_id);
  EXPECT_EQ(BookingsOfJob(job.id).size(), 1u);
}

TEST_F(OffersTest, AcceptBySomeoneElseThanTheOffersSellerIsRefused) {
  Job job = OpenJob(buyer_);
  std::vector<Assignment> assignments = AssignSellers(job.id, {seller_, seller2_});
  ASSERT_EQ(assignments.size(), 2u);
  const std::string& offer_id = assignments[0].offer_id;
  EXPECT_TRUE(HasError(offers_->Accept(seller2_, offer_id, NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND))
      << "another seller, even one with an offer for the same job, cannot see it";
  EXPECT_TRUE(HasError(offers_->Accept(buyer_, offer_id, NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(offers_->Accept(admin_, offer_id, NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_EQ(StoredOffer(offer_id).state, OfferState::kPending);
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);
  EXPECT_THAT(BookingsOfJob(job.id), IsEmpty());
}

TEST_F(OffersTest, ASellerWithoutTheSellerRoleMayDeclineButNotAccept) {
  Job job = OpenJob(buyer_);
  std::vector<Assignment> assignments = AssignSellers(job.id, {seller_, seller2_});
  ASSERT_EQ(assignments.size(), 2u);
  Principal revoked = seller_;
  revoked.roles = RoleSet();  // ROLE_SELLER revoked after the assignment
  const std::string& offer_id = assignments[0].offer_id;
  EXPECT_THAT(OfferActions(revoked, StoredOffer(offer_id), clock_.Now()), ElementsAre("decline"));
  EXPECT_TRUE(HasError(offers_->Accept(revoked, offer_id, NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  EXPECT_EQ(StoredOffer(offer_id).state, OfferState::kPending);
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);
  EXPECT_THAT(BookingsOfJob(job.id), IsEmpty());
  absl::StatusOr<Offer> declined = offers_->Decline(revoked, offer_id, "Stopped selling", NoKey());
  ASSERT_TRUE(declined.ok()) << declined.status();
  EXPECT_EQ(declined->state, OfferState::kDeclined);
}

TEST_F(OffersTest, AcceptAfterTheExpireTimeIsRefused) {
  Job job = OpenJob(buyer_);
  std::vector<Assignment> assignments =
      AssignSellers(job.id, {seller_, seller2_}, absl::Hours(1));
  ASSERT_EQ(assignments.size(), 2u);

  clock_.Advance(absl::Hours(1) - absl::Seconds(1));
  EXPECT_TRUE(offers_->Decline(seller2_, assignments[1].offer_id, "", NoKey()).ok())
      << "still open a second before";
  clock_.Advance(absl::Seconds(1));
  absl::Status status = offers_->Accept(seller_, assignments[0].offer_id, NoKey()).status();
  EXPECT_TRUE(IsInvalidState(status, "EXPIRED")) << "not yet swept by the scheduler";
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);
  EXPECT_THAT(BookingsOfJob(job.id), IsEmpty());
}

// An offer may outlive its job's due time (ttl 48 h on a job due in 1 h).
// Once the due time has passed the job is unbookable (it expires "when the
// due date passed unbooked"); accepting must not depend on whether the
// scheduler has swept it yet, just as the offer's own expiry does not.
TEST_F(OffersTest, AcceptAfterTheJobsDueTimeIsRefused) {
  Job job = OpenJob(buyer_, absl::Hours(1));
  std::string offer_id = AssignOne(job.id, seller_, absl::Hours(48));
  clock_.Advance(absl::Hours(1));  // due now; the scheduler has not run
  absl::Status status = offers_->Accept(seller_, offer_id, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kFailedPrecondition, v1::INVALID_STATE));
  EXPECT_THAT(BookingsOfJob(job.id), IsEmpty());
  EXPECT_NE(StoredJob(job.id).state, JobState::kBooked);
}

// ---- Decline / Withdraw ----

TEST_F(OffersTest, DeclineRecordsTheReasonAndLeavesTheJobOpen) {
  Job job = OpenJob(buyer_);
  std::vector<Assignment> assignments = AssignSellers(job.id, {seller_, seller2_});
  ASSERT_EQ(assignments.size(), 2u);
  const std::string offer_id = assignments[0].offer_id;

  EXPECT_TRUE(HasError(offers_->Decline(seller2_, offer_id, "", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(offers_->Decline(admin_, offer_id, "", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));

  absl::StatusOr<Offer> declined = offers_->Decline(seller_, offer_id, "Too busy", NoKey());
  ASSERT_TRUE(declined.ok()) << declined.status();
  EXPECT_EQ(declined->state, OfferState::kDeclined);
  EXPECT_EQ(StoredOffer(offer_id).decline_reason, "Too busy");
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);
  EXPECT_EQ(StoredOffer(assignments[1].offer_id).state, OfferState::kPending);

  EXPECT_TRUE(IsInvalidState(offers_->Decline(seller_, offer_id, "", NoKey()).status(),
                             "DECLINED"));
  EXPECT_TRUE(IsInvalidState(offers_->Accept(seller_, offer_id, NoKey()).status(), "DECLINED"));
  EXPECT_THAT(ViolatedFields(
                  offers_->Decline(seller2_, assignments[1].offer_id, std::string(501, 'x'),
                                   NoKey()).status()),
              ElementsAre("reason"));
}

TEST_F(OffersTest, WithdrawByAnAdminWritesTheAuditLog) {
  Job job = OpenJob(buyer_);
  std::string offer_id = AssignOne(job.id, seller_);

  EXPECT_TRUE(HasError(offers_->Withdraw(seller_, offer_id, "no", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  EXPECT_TRUE(HasError(offers_->Withdraw(buyer_, offer_id, "no", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  absl::Status no_reason = offers_->Withdraw(admin_, offer_id, "", NoKey()).status();
  EXPECT_TRUE(HasError(no_reason, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(no_reason), ElementsAre("reason"));
  EXPECT_EQ(StoredOffer(offer_id).state, OfferState::kPending);

  absl::StatusOr<Offer> withdrawn = offers_->Withdraw(admin_, offer_id, "Wrong match", NoKey());
  ASSERT_TRUE(withdrawn.ok()) << withdrawn.status();
  EXPECT_EQ(withdrawn->state, OfferState::kWithdrawn);
  EXPECT_EQ(StoredOffer(offer_id).withdraw_reason, "Wrong match");
  std::vector<AuditEntry> audit = AuditEntries("WithdrawOffer");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor_id, admin_.user_id);
  EXPECT_EQ(audit[0].target, offer_id);
  EXPECT_EQ(audit[0].note, "Wrong match");

  EXPECT_TRUE(IsInvalidState(offers_->Accept(seller_, offer_id, NoKey()).status(), "WITHDRAWN"));
  EXPECT_TRUE(IsInvalidState(offers_->Withdraw(admin_, offer_id, "again", NoKey()).status(),
                             "WITHDRAWN"));
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen);
}

// ---- ExpireDue ----

TEST_F(OffersTest, ExpireDueExpiresOnlyPendingOffersPastTheirTtl) {
  Job job = OpenJob(buyer_);
  std::string short_offer = AssignOne(job.id, seller_, absl::Hours(1));
  std::string long_offer = AssignOne(job.id, seller2_, absl::Hours(3));
  std::string declined_offer = AssignOne(job.id, seller3_, absl::Hours(1));
  ASSERT_TRUE(offers_->Decline(seller3_, declined_offer, "", NoKey()).ok());

  clock_.Advance(absl::Hours(1) - absl::Seconds(1));
  EXPECT_EQ(offers_->ExpireDue(clock_.Now()).value_or(-1), 0);
  clock_.Advance(absl::Seconds(1));
  absl::StatusOr<int> expired = offers_->ExpireDue(clock_.Now());
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, 1);
  EXPECT_EQ(StoredOffer(short_offer).state, OfferState::kExpired);
  EXPECT_EQ(StoredOffer(short_offer).update_time, clock_.Now());
  EXPECT_EQ(StoredOffer(long_offer).state, OfferState::kPending);
  EXPECT_EQ(StoredOffer(declined_offer).state, OfferState::kDeclined);
  EXPECT_EQ(StoredJob(job.id).state, JobState::kOpen) << "the job outlives its offers";
  EXPECT_TRUE(IsInvalidState(offers_->Accept(seller_, short_offer, NoKey()).status(), "EXPIRED"));

  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(offers_->ExpireDue(clock_.Now()).value_or(-1), 1);
  EXPECT_EQ(StoredOffer(long_offer).state, OfferState::kExpired);
}

// ---- first accept wins, under contention ----

TEST_F(OffersTest, ConcurrentAcceptsBookTheJobExactlyOnce) {
  constexpr int kSellers = 8;
  constexpr int kRounds = 5;
  std::vector<Principal> sellers;
  for (int i = 0; i < kSellers; ++i) {
    sellers.push_back(NewPrincipal(absl::StrCat("racer", i), {Role::kSeller}));
  }
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE(absl::StrCat("round ", round));
    Job job = OpenJob(buyer_);
    std::vector<Assignment> assignments = AssignSellers(job.id, sellers);
    ASSERT_EQ(assignments.size(), static_cast<size_t>(kSellers));

    absl::Notification start;
    std::vector<absl::StatusOr<Offer>> results(kSellers, absl::UnknownError("not run"));
    std::vector<std::thread> threads;
    for (int i = 0; i < kSellers; ++i) {
      threads.emplace_back([&, i] {
        start.WaitForNotification();
        results[i] = offers_->Accept(sellers[i], assignments[i].offer_id, NoKey());
      });
    }
    start.Notify();
    for (std::thread& t : threads) t.join();

    int winners = 0;
    std::string winning_booking;
    for (int i = 0; i < kSellers; ++i) {
      if (results[i].ok()) {
        ++winners;
        winning_booking = results[i]->booking_id;
        continue;
      }
      EXPECT_TRUE(HasError(results[i].status(), absl::StatusCode::kFailedPrecondition,
                           v1::INVALID_STATE))
          << "seller " << i;
    }
    EXPECT_EQ(winners, 1);
    std::vector<Booking> bookings = BookingsOfJob(job.id);
    ASSERT_EQ(bookings.size(), 1u);
    EXPECT_EQ(bookings[0].id, winning_booking);
    Job booked = StoredJob(job.id);
    EXPECT_EQ(booked.state, JobState::kBooked);
    EXPECT_EQ(booked.booking_id, winning_booking);
    int accepted = 0, superseded = 0;
    for (const Offer& o : OffersOfJob(job.id)) {
      accepted += o.state == OfferState::kAccepted;
      superseded += o.state == OfferState::kSuperseded;
    }
    EXPECT_EQ(accepted, 1);
    EXPECT_EQ(superseded, kSellers - 1);
  }
}

// ---- allowed actions ----

TEST_F(OffersTest, OfferActionsFollowTheCallerTheStateAndTheClock) {
  Offer offer;
  offer.seller_id = seller_.user_id;
  offer.state = OfferState::kPending;
  offer.expire_time = clock_.Now() + absl::Hours(1);
  EXPECT_THAT(OfferActions(seller_, offer, clock_.Now()), ElementsAre("accept", "decline"));
  EXPECT_THAT(OfferActions(admin_, offer, clock_.Now()), ElementsAre("withdraw"));
  EXPECT_THAT(OfferActions(seller2_, offer, clock_.Now()), IsEmpty());
  EXPECT_THAT(OfferActions(seller_, offer, offer.expire_time), IsEmpty());
  offer.state = OfferState::kSuperseded;
  EXPECT_THAT(OfferActions(seller_, offer, clock_.Now()), IsEmpty());
}

}  // namespace
}  // namespace gigwire
