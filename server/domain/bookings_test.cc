#include "server/domain/bookings.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/jobs.h"
#include "server/domain/offers.h"
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
using testutil::ViolatedFields;

class BookingsTest : public testutil::MarketplaceTest {
 protected:
  void SetUp() override {
    MarketplaceTest::SetUp();
    booking_ = ActiveBooking(buyer_, seller_);
    ASSERT_TRUE(HasIdShape(booking_.id, "bkg")) << booking_.id;
  }

  Booking Deliver(const std::string& id) {
    return testutil::ValueOrFail(bookings_->Deliver(seller_, id, "Here it is", NoKey()),
                                 "delivering");
  }

  // Cancels without cancelling the job too (the job reopens).
  absl::StatusOr<Booking> Cancel(const Principal& caller, const std::string& id,
                                 const std::string& reason) {
    return bookings_->Cancel(caller, id, reason, /*cancel_job=*/false, NoKey());
  }

  std::vector<std::string> ListedIds(const Principal& caller, const BookingFilter& filter) {
    BookingPage page =
        testutil::ValueOrFail(bookings_->List(caller, filter, 0, ""), "listing bookings");
    std::vector<std::string> ids;
    for (const Booking& b : page.bookings) ids.push_back(b.id);
    return ids;
  }

  Booking booking_;  // ACTIVE, buyer_ and seller_
};

// ---- Get ----

TEST_F(BookingsTest, GetShowsTheBookingToItsPartiesAndAdminsOnly) {
  for (const Principal& viewer : {buyer_, seller_, admin_}) {
    absl::StatusOr<Booking> seen = bookings_->Get(viewer, booking_.id);
    ASSERT_TRUE(seen.ok()) << seen.status();
    EXPECT_EQ(seen->state, BookingState::kActive);
  }
  Principal other_buyer = NewPrincipal("other-buyer", {Role::kBuyer});
  Principal other_seller = NewPrincipal("other-seller", {Role::kSeller});
  for (const Principal& outsider : {other_buyer, other_seller}) {
    EXPECT_TRUE(HasError(bookings_->Get(outsider, booking_.id).status(),
                         absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  }
}

// ---- Deliver ----

TEST_F(BookingsTest, DeliverBySellerMarksItDelivered) {
  clock_.Advance(absl::Hours(5));
  absl::StatusOr<Booking> delivered =
      bookings_->Deliver(seller_, booking_.id, "Files attached", NoKey());
  ASSERT_TRUE(delivered.ok()) << delivered.status();
  EXPECT_EQ(delivered->state, BookingState::kDelivered);
  Booking stored = StoredBooking(booking_.id);
  EXPECT_EQ(stored.state, BookingState::kDelivered);
  EXPECT_EQ(stored.delivery_note, "Files attached");
  EXPECT_EQ(stored.update_time, clock_.Now());
  EXPECT_EQ(stored.version, booking_.version + 1);
}

TEST_F(BookingsTest, DeliverBySomeoneElseThanTheSellerIsRefused) {
  for (const Principal& not_seller : {buyer_, admin_}) {
    EXPECT_TRUE(HasError(bookings_->Deliver(not_seller, booking_.id, "x", NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  }
  Principal other_seller = NewPrincipal("other-seller", {Role::kSeller});
  EXPECT_TRUE(HasError(bookings_->Deliver(other_seller, booking_.id, "x", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_EQ(StoredBooking(booking_.id).state, BookingState::kActive);
}

TEST_F(BookingsTest, DeliverNeedsANoteAndAnActiveBooking) {
  absl::Status status = bookings_->Deliver(seller_, booking_.id, "", NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("note"));
  Deliver(booking_.id);
  EXPECT_TRUE(IsInvalidState(bookings_->Deliver(seller_, booking_.id, "again", NoKey()).status(),
                             "DELIVERED"));
}

TEST_F(BookingsTest, DeliverWithTheSameRequestIdDoesNothingTwice) {
  const RequestKey key = KeyOf(seller_, "DeliverBooking", "deliver-1", "fp");
  ASSERT_TRUE(bookings_->Deliver(seller_, booking_.id, "v1", key).ok());
  ASSERT_TRUE(bookings_->RequestRevision(buyer_, booking_.id, "bigger logo", NoKey()).ok());
  const Booking before = StoredBooking(booking_.id);
  absl::StatusOr<Booking> retry = bookings_->Deliver(seller_, booking_.id, "v1", key);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->id, booking_.id);
  const Booking after = StoredBooking(booking_.id);
  EXPECT_EQ(after.state, BookingState::kActive) << "the retry delivered again";
  EXPECT_EQ(after.version, before.version);
  EXPECT_EQ(after.revision_count, 1);
}

// ---- RequestRevision ----

TEST_F(BookingsTest, RequestRevisionReturnsToActiveAndCountsRevisions) {
  Deliver(booking_.id);
  absl::StatusOr<Booking> revised =
      bookings_->RequestRevision(buyer_, booking_.id, "More contrast please", NoKey());
  ASSERT_TRUE(revised.ok()) << revised.status();
  EXPECT_EQ(revised->state, BookingState::kActive);
  EXPECT_EQ(revised->revision_count, 1);
  EXPECT_EQ(StoredBooking(booking_.id).revision_note, "More contrast please");

  Deliver(booking_.id);
  ASSERT_TRUE(bookings_->RequestRevision(buyer_, booking_.id, "Bigger font", NoKey()).ok());
  Booking stored = StoredBooking(booking_.id);
  EXPECT_EQ(stored.revision_count, 2);
  EXPECT_EQ(stored.revision_note, "Bigger font");
  EXPECT_EQ(stored.state, BookingState::kActive);
}

TEST_F(BookingsTest, RequestRevisionOnlyByTheBuyerOfADeliveredBooking) {
  EXPECT_TRUE(IsInvalidState(
      bookings_->RequestRevision(buyer_, booking_.id, "not yet", NoKey()).status(), "ACTIVE"));
  Deliver(booking_.id);
  for (const Principal& not_buyer : {seller_, admin_}) {
    EXPECT_TRUE(
        HasError(bookings_->RequestRevision(not_buyer, booking_.id, "x", NoKey()).status(),
                 absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  }
  EXPECT_THAT(ViolatedFields(bookings_->RequestRevision(buyer_, booking_.id, "", NoKey()).status()),
              ElementsAre("note"));
  Booking stored = StoredBooking(booking_.id);
  EXPECT_EQ(stored.state, BookingState::kDelivered);
  EXPECT_EQ(stored.revision_count, 0);
}

// ---- Complete ----

TEST_F(BookingsTest, CompleteByTheBuyerNeedsADelivery) {
  EXPECT_TRUE(
      IsInvalidState(bookings_->Complete(buyer_, booking_.id, NoKey()).status(), "ACTIVE"));
  Deliver(booking_.id);
  EXPECT_TRUE(HasError(bookings_->Complete(seller_, booking_.id, NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_EQ(StoredUser(seller_.user_id).completed_bookings, 0);

  clock_.Advance(absl::Hours(1));
  absl::StatusOr<Booking> completed = bookings_->Complete(buyer_, booking_.id, NoKey());
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->state, BookingState::kCompleted);
  Booking stored = StoredBooking(booking_.id);
  EXPECT_EQ(stored.state, BookingState::kCompleted);
  ASSERT_TRUE(stored.complete_time.has_value());
  EXPECT_EQ(*stored.complete_time, clock_.Now());
  EXPECT_EQ(StoredUser(seller_.user_id).completed_bookings, 1);
  EXPECT_EQ(StoredUser(buyer_.user_id).completed_bookings, 0);
  EXPECT_THAT(AuditEntries("CompleteBooking"), IsEmpty()) << "buyers are not audited";

  EXPECT_TRUE(
      IsInvalidState(bookings_->Complete(buyer_, booking_.id, NoKey()).status(), "COMPLETED"));
  EXPECT_TRUE(
      IsInvalidState(bookings_->Complete(admin_, booking_.id, NoKey()).status(), "COMPLETED"));
  EXPECT_EQ(StoredUser(seller_.user_id).completed_bookings, 1) << "counted once";
}

TEST_F(BookingsTest, CompleteByAnAdminWorksFromActiveAndIsAudited) {
  absl::StatusOr<Booking> completed = bookings_->Complete(admin_, booking_.id, NoKey());
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->state, BookingState::kCompleted);
  EXPECT_EQ(StoredUser(seller_.user_id).completed_bookings, 1);
  std::vector<AuditEntry> audit = AuditEntries("CompleteBooking");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor_id, admin_.user_id);
  EXPECT_EQ(audit[0].target, booking_.id);

  Booking second = ActiveBooking(buyer_, seller_);
  Deliver(second.id);
  ASSERT_TRUE(bookings_->Complete(admin_, second.id, NoKey()).ok()) << "and from DELIVERED";
  EXPECT_EQ(StoredUser(seller_.user_id).completed_bookings, 2);
  EXPECT_EQ(AuditEntries("CompleteBooking").size(), 2u);
}

TEST_F(BookingsTest, CompleteOfACancelledBookingIsInvalidState) {
  ASSERT_TRUE(Cancel(buyer_, booking_.id, "No longer needed").ok());
  EXPECT_TRUE(
      IsInvalidState(bookings_->Complete(admin_, booking_.id, NoKey()).status(), "CANCELLED"));
  EXPECT_EQ(StoredUser(seller_.user_id).completed_bookings, 0);
}

// ---- Cancel ----

TEST_F(BookingsTest, CancelByTheBuyerOnlyBeforeDelivery) {
  EXPECT_TRUE(HasError(Cancel(seller_, booking_.id, "can't").status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  absl::Status no_reason = Cancel(buyer_, booking_.id, "").status();
  EXPECT_TRUE(HasError(no_reason, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(no_reason), ElementsAre("reason"));

  absl::StatusOr<Booking> cancelled =
      Cancel(buyer_, booking_.id, "Plans changed");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, BookingState::kCancelled);
  EXPECT_EQ(StoredBooking(booking_.id).cancel_reason, "Plans changed");
  EXPECT_THAT(AuditEntries("CancelBooking"), IsEmpty());

  Booking delivered = ActiveBooking(buyer_, seller_);
  Deliver(delivered.id);
  EXPECT_TRUE(IsInvalidState(
      Cancel(buyer_, delivered.id, "too late").status(), "DELIVERED"));
  EXPECT_EQ(StoredBooking(delivered.id).state, BookingState::kDelivered);
}

TEST_F(BookingsTest, CancelByAnAdminFromAnyNonFinalStateIsAudited) {
  Deliver(booking_.id);
  absl::StatusOr<Booking> cancelled =
      Cancel(admin_, booking_.id, "Dispute settled");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, BookingState::kCancelled);
  std::vector<AuditEntry> audit = AuditEntries("CancelBooking");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].actor_id, admin_.user_id);
  EXPECT_EQ(audit[0].target, booking_.id);
  EXPECT_EQ(audit[0].note, "Dispute settled");

  Booking active = ActiveBooking(buyer_, seller_);
  EXPECT_TRUE(Cancel(admin_, active.id, "Fraud").ok());

  EXPECT_TRUE(IsInvalidState(Cancel(admin_, booking_.id, "again").status(),
                             "CANCELLED"));
  Booking completed = CompletedBooking(buyer_, seller_);
  EXPECT_TRUE(IsInvalidState(Cancel(admin_, completed.id, "late").status(),
                             "COMPLETED"));
  EXPECT_EQ(AuditEntries("CancelBooking").size(), 2u);
}

// ---- Cancel releases the job ----

// The job of booking_, and what cancelling booking_ as `caller` recorded.
struct Released {
  Job job;
  std::vector<EventType> events;
};

class CancelReleasesJobTest : public BookingsTest {
 protected:
  Released CancelBooking(const Principal& caller, const std::string& reason, bool cancel_job) {
    const int64_t before = LatestSequence();
    absl::StatusOr<Booking> cancelled =
        bookings_->Cancel(caller, booking_.id, reason, cancel_job, NoKey());
    EXPECT_TRUE(cancelled.ok()) << cancelled.status();
    return {StoredJob(booking_.job_id), EventTypesAfter(before)};
  }

  // Inserts a booking of booking_'s job behind the services' backs.
  absl::Status InsertBooking(const std::string& offer_id, BookingState state) {
    Booking extra = booking_;
    extra.id = NewId("bkg");
    extra.offer_id = offer_id;
    extra.state = state;
    return store_->Write([&](Tx& tx) { return tx.bookings().Insert(extra); });
  }
};

TEST_F(CancelReleasesJobTest, CancellingTheBookingReopensTheJob) {
  ASSERT_EQ(StoredJob(booking_.job_id).state, JobState::kBooked);
  Released released = CancelBooking(buyer_, "Plans changed", /*cancel_job=*/false);
  EXPECT_EQ(released.job.state, JobState::kOpen);
  EXPECT_THAT(released.job.booking_id, IsEmpty());
  EXPECT_THAT(released.job.cancel_reason, IsEmpty());
  EXPECT_THAT(released.events,
              ElementsAre(EventType::kMilestoneCancelled, EventType::kBookingCancelled,
                          EventType::kJobReopened));
  EXPECT_THAT(JobActions(buyer_, released.job), ElementsAre("cancel"));
  EXPECT_THAT(JobActions(admin_, released.job), ElementsAre("assign"));
}

TEST_F(CancelReleasesJobTest, CancelJobCancelsTheJobWithTheReason) {
  Released released = CancelBooking(admin_, "The buyer closed the project", /*cancel_job=*/true);
  EXPECT_EQ(released.job.state, JobState::kCancelled);
  EXPECT_EQ(released.job.cancel_reason, "The buyer closed the project");
  EXPECT_THAT(released.job.booking_id, IsEmpty());
  EXPECT_THAT(released.events,
              ElementsAre(EventType::kMilestoneCancelled, EventType::kBookingCancelled,
                          EventType::kJobCancelled));
}

TEST_F(CancelReleasesJobTest, CancellingPastTheDueTimeExpiresTheJob) {
  clock_.Advance(absl::Hours(24 * 8));  // the job was due in a week
  Released released = CancelBooking(buyer_, "Too late now", /*cancel_job=*/false);
  EXPECT_EQ(released.job.state, JobState::kExpired);
  EXPECT_THAT(released.job.booking_id, IsEmpty());
  EXPECT_THAT(released.events,
              ElementsAre(EventType::kMilestoneCancelled, EventType::kBookingCancelled,
                          EventType::kJobExpired));
}

TEST_F(CancelReleasesJobTest, AReplayedCancelReleasesTheJobOnce) {
  const RequestKey key = KeyOf(buyer_, "CancelBooking", "req-cancel-1", "fp");
  const int64_t before = LatestSequence();
  ASSERT_TRUE(bookings_->Cancel(buyer_, booking_.id, "Plans changed", false, key).ok());
  ASSERT_TRUE(bookings_->Cancel(buyer_, booking_.id, "Plans changed", false, key).ok());
  EXPECT_THAT(EventTypesAfter(before),
              ElementsAre(EventType::kMilestoneCancelled, EventType::kBookingCancelled,
                          EventType::kJobReopened));
  EXPECT_EQ(StoredJob(booking_.job_id).state, JobState::kOpen);
}

TEST_F(CancelReleasesJobTest, AReopenedJobIsBookedAgainByAnotherSeller) {
  CancelBooking(buyer_, "The seller fell ill", /*cancel_job=*/false);
  Principal second = NewPrincipal("second-seller", {Role::kSeller});
  Principal third = NewPrincipal("third-seller", {Role::kSeller});
  std::vector<Assignment> offers = AssignSellers(booking_.job_id, {second, third});
  ASSERT_EQ(offers.size(), 2u);
  absl::StatusOr<Offer> accepted = offers_->Accept(second, offers[0].offer_id, NoKey());
  ASSERT_TRUE(accepted.ok()) << accepted.status();

  Job job = StoredJob(booking_.job_id);
  EXPECT_EQ(job.state, JobState::kBooked);
  EXPECT_EQ(job.booking_id, accepted->booking_id);
  Booking rebooked = StoredBooking(accepted->booking_id);
  EXPECT_EQ(rebooked.state, BookingState::kActive);
  EXPECT_EQ(rebooked.seller_id, second.user_id);
  EXPECT_EQ(StoredOffer(offers[1].offer_id).state, OfferState::kSuperseded);
  std::set<std::string> ids;
  for (const Booking& b : BookingsOfJob(booking_.job_id)) ids.insert(b.id);
  EXPECT_THAT(ids, UnorderedElementsAre(booking_.id, rebooked.id));
}

TEST_F(CancelReleasesJobTest, AJobNeverHasTwoLiveBookings) {
  CancelBooking(buyer_, "The seller fell ill", /*cancel_job=*/false);
  Principal second = NewPrincipal("second-seller", {Role::kSeller});
  Principal third = NewPrincipal("third-seller", {Role::kSeller});
  std::vector<Assignment> offers = AssignSellers(booking_.job_id, {second, third});
  ASSERT_EQ(offers.size(), 2u);
  ASSERT_TRUE(offers_->Accept(second, offers[0].offer_id, NoKey()).ok());

  EXPECT_TRUE(IsInvalidState(offers_->Accept(third, offers[1].offer_id, NoKey()).status(),
                             "SUPERSEDED"));
  Principal fourth = NewPrincipal("fourth-seller", {Role::kSeller});
  AssignInput more{booking_.job_id, {fourth.user_id}, "late", absl::Hours(48)};
  EXPECT_TRUE(IsInvalidState(offers_->Assign(admin_, more, NoKey()).status(), "BOOKED"));
  // The store refuses a second live booking even behind the services' backs,
  // and still takes a cancelled one.
  EXPECT_TRUE(HasError(InsertBooking(offers[1].offer_id, BookingState::kActive),
                       absl::StatusCode::kAlreadyExists, v1::DUPLICATE));
  EXPECT_TRUE(InsertBooking(offers[1].offer_id, BookingState::kCancelled).ok());
}

// ---- List ----

TEST_F(BookingsTest, ListScopesPartiesToTheirOwnAndLetsAdminsFilter) {
  Principal buyer2 = NewPrincipal("buyer2", {Role::kBuyer});
  Principal seller2 = NewPrincipal("seller2", {Role::kSeller});
  const absl::Time t0 = clock_.Now();  // booking_ (buyer_, seller_) was made at t0
  clock_.Advance(absl::Hours(1));
  Booking b2 = ActiveBooking(buyer2, seller2);  // t0 + 1h
  clock_.Advance(absl::Hours(1));
  Booking b3 = ActiveBooking(buyer_, seller2);  // t0 + 2h
  Deliver(booking_.id);

  EXPECT_THAT(ListedIds(buyer_, {}), ElementsAre(b3.id, booking_.id)) << "newest first";
  EXPECT_THAT(ListedIds(seller2, {}), ElementsAre(b3.id, b2.id));
  EXPECT_THAT(ListedIds(seller_, {}), ElementsAre(booking_.id));
  EXPECT_THAT(ListedIds(admin_, {}), ElementsAre(b3.id, b2.id, booking_.id));

  BookingFilter delivered;
  delivered.state = BookingState::kDelivered;
  EXPECT_THAT(ListedIds(admin_, delivered), ElementsAre(booking_.id));
  EXPECT_THAT(ListedIds(seller2, delivered), IsEmpty());

  BookingFilter of_buyer;
  of_buyer.buyer_id = buyer_.user_id;
  EXPECT_THAT(ListedIds(admin_, of_buyer), ElementsAre(b3.id, booking_.id));
  BookingFilter of_seller;
  of_seller.seller_id = seller2.user_id;
  EXPECT_THAT(ListedIds(admin_, of_seller), ElementsAre(b3.id, b2.id));

  BookingFilter range;
  range.created_after = t0 + absl::Hours(1);   // inclusive
  range.created_before = t0 + absl::Hours(2);  // exclusive
  EXPECT_THAT(ListedIds(admin_, range), ElementsAre(b2.id));
  range.created_before.reset();
  EXPECT_THAT(ListedIds(admin_, range), ElementsAre(b3.id, b2.id));
  EXPECT_THAT(ListedIds(buyer_, range), ElementsAre(b3.id)) << "ranges work for parties too";
}

TEST_F(BookingsTest, ListFilteringByAnotherPartyIsAdminOnly) {
  BookingFilter of_buyer;
  of_buyer.buyer_id = NewPrincipal("buyer2", {Role::kBuyer}).user_id;
  EXPECT_TRUE(HasError(bookings_->List(buyer_, of_buyer, 0, "").status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  BookingFilter of_seller;
  of_seller.seller_id = seller_.user_id;
  EXPECT_TRUE(HasError(bookings_->List(buyer_, of_seller, 0, "").status(),
                       absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
}

TEST_F(BookingsTest, ListRefusesAnEmptyCreatedRange) {
  BookingFilter range;
  range.created_after = clock_.Now();
  range.created_before = clock_.Now();
  absl::Status status = bookings_->List(admin_, range, 0, "").status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status), ElementsAre("created_before"));
}

// A user who buys and sells: its pages interleave both sides newest first,
// each booking once (the store merges one index range per side).
TEST_F(BookingsTest, ListPagesOfABuyerWhoAlsoSellsInterleaveBothSidesNewestFirst) {
  Principal both = NewPrincipal("both", {Role::kBuyer, Role::kSeller});
  std::vector<std::string> newest_first;
  for (int i = 0; i < 5; ++i) {
    clock_.Advance(absl::Seconds(1));
    const bool buys = i % 2 == 0;
    Booking made = buys ? ActiveBooking(both, seller_) : ActiveBooking(buyer_, both);
    newest_first.insert(newest_first.begin(), made.id);
  }
  std::vector<std::string> listed;
  std::string token;
  for (int pages = 0; pages == 0 || !token.empty(); ++pages) {
    ASSERT_LT(pages, 10);
    BookingPage page = testutil::ValueOrFail(bookings_->List(both, {}, 2, token), "page");
    for (const Booking& b : page.bookings) listed.push_back(b.id);
    token = page.next_page_token;
  }
  EXPECT_EQ(listed, newest_first);
}

TEST_F(BookingsTest, ListPagesCoverEveryBookingOnceAndTokensAreBoundToFilters) {
  std::set<std::string> made = {booking_.id};
  for (int i = 0; i < 4; ++i) {
    if (i % 2 == 0) clock_.Advance(absl::Seconds(1));
    made.insert(ActiveBooking(buyer_, seller_).id);
  }
  std::set<std::string> seen;
  std::string token;
  int pages = 0, rows = 0;
  do {
    absl::StatusOr<BookingPage> page = bookings_->List(buyer_, {}, 2, token);
    ASSERT_TRUE(page.ok()) << page.status();
    for (const Booking& b : page->bookings) seen.insert(b.id);
    rows += static_cast<int>(page->bookings.size());
    token = page->next_page_token;
    ASSERT_LT(++pages, 10);
    if (pages == 1) {
      BookingFilter other;
      other.state = BookingState::kActive;
      absl::Status reused = bookings_->List(buyer_, other, 2, token).status();
      EXPECT_TRUE(HasError(reused, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
      EXPECT_THAT(ViolatedFields(reused), ElementsAre("page_token"));
      EXPECT_THAT(ViolatedFields(bookings_->List(seller_, {}, 2, token).status()),
                  ElementsAre("page_token"))
          << "another caller's token";
    }
  } while (!token.empty());
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(rows, 5);
  EXPECT_EQ(seen, made);
}

// ---- allowed actions ----

TEST_F(BookingsTest, BookingActionsFollowTheCallerAndTheState) {
  Booking b = booking_;
  EXPECT_THAT(BookingActions(seller_, b), ElementsAre("deliver"));
  EXPECT_THAT(BookingActions(buyer_, b), ElementsAre("cancel"));
  EXPECT_THAT(BookingActions(admin_, b), UnorderedElementsAre("complete", "cancel"));
  b.state = BookingState::kDelivered;
  EXPECT_THAT(BookingActions(buyer_, b), UnorderedElementsAre("request_revision", "complete"));
  EXPECT_THAT(BookingActions(seller_, b), IsEmpty());
  b.state = BookingState::kCompleted;
  EXPECT_THAT(BookingActions(buyer_, b), ElementsAre("review"));
  b.buyer_reviewed = true;
  EXPECT_THAT(BookingActions(buyer_, b), IsEmpty());
  EXPECT_THAT(BookingActions(seller_, b), ElementsAre("review"));
}


// ---- gig orders ----

std::string MoneyText(const Money& money) {
  return absl::StrCat(money.currency_code, " ", money.amount_minor);
}

class GigOrdersTest : public testutil::MarketplaceTest {
 protected:
  // A gig of `seller` in `state`, inserted straight into the store.
  Gig NewGig(const Principal& seller, GigState state = GigState::kApproved) {
    Gig gig;
    gig.id = NewId("gig");
    gig.seller_id = seller.user_id;
    gig.title = "A logo in three days";
    gig.description = "Three concepts, two rounds of changes.";
    gig.category_id = category_;
    gig.price = {"USD", 30'000};
    gig.delivery_days = 3;
    gig.state = state;
    gig.create_time = gig.update_time = clock_.Now();
    absl::Status inserted = store_->Write([&](Tx& tx) { return tx.gigs().Insert(gig); });
    if (!inserted.ok()) ADD_FAILURE() << "inserting a gig: " << inserted;
    return gig;
  }

  absl::StatusOr<Booking> Order(const Principal& caller, const std::string& gig_id,
                                const std::string& requirements = "Warm colours, please.",
                                const RequestKey& key = NoKey()) {
    return bookings_->OrderGig(caller, gig_id, requirements, key);
  }

  // Every booking in the store.
  std::vector<Booking> AllBookings() {
    BookingQuery query;
    query.limit = 1000;
    return ReadOrFail<std::vector<Booking>>([&](Tx& tx) { return tx.bookings().List(query); },
                                            "listing bookings");
  }

  // Asserts that nothing was created since `sequence`: no booking, no event.
  void ExpectNothingCreatedSince(int64_t sequence) {
    EXPECT_THAT(AllBookings(), IsEmpty());
    EXPECT_THAT(EventTypesAfter(sequence), IsEmpty());
  }

  Review Rate(const Principal& author, const std::string& booking_id, int rating) {
    Review draft;
    draft.booking_id = booking_id;
    draft.rating = rating;
    draft.text = "Good to work with.";
    return testutil::ValueOrFail(reviews_->Create(author, draft, NoKey()), "reviewing");
  }
};

TEST_F(GigOrdersTest, AnOrderIsABookingWithoutAJobAtTheGigsPriceAndDeliveryTime) {
  const Gig gig = NewGig(seller_);
  const int64_t before = LatestSequence();
  absl::StatusOr<Booking> ordered = Order(buyer_, gig.id, "Our name is Bean There.\nWarm colours.");
  ASSERT_TRUE(ordered.ok()) << ordered.status();
  EXPECT_TRUE(HasIdShape(ordered->id, "bkg")) << ordered->id;
  EXPECT_EQ(ordered->source, BookingSource::kGigOrder);
  EXPECT_EQ(ordered->gig_id, gig.id);
  EXPECT_EQ(ordered->job_id, "");
  EXPECT_EQ(ordered->offer_id, "");
  EXPECT_EQ(ordered->proposal_id, "");
  EXPECT_EQ(ordered->buyer_id, buyer_.user_id);
  EXPECT_EQ(ordered->seller_id, seller_.user_id);
  EXPECT_EQ(ordered->state, BookingState::kActive);
  EXPECT_EQ(ordered->job_title, gig.title);
  EXPECT_EQ(MoneyText(ordered->price), "USD 30000");
  EXPECT_EQ(MoneyText(ordered->budget_min), "USD 30000");
  EXPECT_EQ(MoneyText(ordered->budget_max), "USD 30000");
  EXPECT_EQ(ordered->due_time, clock_.Now() + absl::Hours(24 * 3));
  EXPECT_EQ(ordered->requirements, "Our name is Bean There.\nWarm colours.");
  EXPECT_THAT(ordered->milestones, IsEmpty());

  const std::vector<EventRecord> events = EventsAfter(before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kGigOrdered);
  EXPECT_EQ(events[0].resource_id, ordered->id);
  EXPECT_EQ(events[0].job_id, "");
  EXPECT_EQ(events[0].buyer_id, buyer_.user_id);
  EXPECT_EQ(events[0].seller_id, seller_.user_id);
  const std::vector<Notification> seller_inbox = NotificationsOf(seller_.user_id);
  ASSERT_EQ(seller_inbox.size(), 1u);
  EXPECT_EQ(seller_inbox[0].summary, "New gig order: \"A logo in three days\"");
  EXPECT_THAT(NotificationsOf(buyer_.user_id), IsEmpty()) << "the buyer ordered it";

  EXPECT_THAT(BookingActions(seller_, *ordered), ElementsAre("deliver"));
  EXPECT_THAT(BookingActions(buyer_, *ordered), ElementsAre("cancel"));
  EXPECT_THAT(BookingActions(admin_, *ordered), UnorderedElementsAre("complete", "cancel"));
  for (const Principal& party : {buyer_, seller_, admin_}) {
    EXPECT_THAT(testutil::ValueOrFail(bookings_->List(party, {}, 0, ""), "listing").bookings,
                ElementsAre(::testing::Field(&Booking::id, ordered->id)));
  }
}

TEST_F(GigOrdersTest, AnOrderGoesThroughDeliveryAndCompletionToBothReviews) {
  const Gig gig = NewGig(seller_);
  const Booking ordered = testutil::ValueOrFail(Order(buyer_, gig.id), "ordering");
  ASSERT_TRUE(bookings_->Deliver(seller_, ordered.id, "First draft", NoKey()).ok());
  ASSERT_TRUE(bookings_->RequestRevision(buyer_, ordered.id, "Bigger, please", NoKey()).ok());
  ASSERT_TRUE(bookings_->Deliver(seller_, ordered.id, "Bigger", NoKey()).ok());
  absl::StatusOr<Booking> completed = bookings_->Complete(buyer_, ordered.id, NoKey());
  ASSERT_TRUE(completed.ok()) << completed.status();
  EXPECT_EQ(completed->state, BookingState::kCompleted);
  EXPECT_EQ(completed->source, BookingSource::kGigOrder);
  EXPECT_EQ(completed->revision_count, 1);
  EXPECT_EQ(StoredUser(seller_.user_id).completed_bookings, 1);
  EXPECT_THAT(BookingActions(buyer_, *completed), ElementsAre("review"));
  EXPECT_THAT(BookingActions(seller_, *completed), ElementsAre("review"));

  const int64_t before_reviews = LatestSequence();
  EXPECT_EQ(Rate(buyer_, ordered.id, 5).subject_id, seller_.user_id);
  EXPECT_EQ(Rate(seller_, ordered.id, 4).subject_id, buyer_.user_id);
  const Booking reviewed = StoredBooking(ordered.id);
  EXPECT_TRUE(reviewed.buyer_reviewed);
  EXPECT_TRUE(reviewed.seller_reviewed);
  EXPECT_THAT(BookingActions(buyer_, reviewed), IsEmpty());
  EXPECT_EQ(StoredUser(seller_.user_id).rating_count, 1);
  EXPECT_EQ(StoredUser(buyer_.user_id).rating_count, 1);
  const std::vector<EventRecord> events = EventsAfter(before_reviews);
  ASSERT_EQ(events.size(), 2u);
  for (const EventRecord& event : events) {
    EXPECT_EQ(event.type, EventType::kReviewCreated);
    EXPECT_EQ(event.buyer_id, buyer_.user_id);
    EXPECT_EQ(event.seller_id, seller_.user_id);
  }
  EXPECT_EQ(NotificationsOf(seller_.user_id).front().summary,
            "New 5-star review: \"A logo in three days\"")
      << "a gig order's review is titled by the gig";
}

TEST_F(GigOrdersTest, TheBuyerCancelsAnOrderWithoutAJobToRelease) {
  const Gig gig = NewGig(seller_);
  const Booking ordered = testutil::ValueOrFail(Order(buyer_, gig.id), "ordering");
  const int64_t before = LatestSequence();
  absl::StatusOr<Booking> cancelled =
      bookings_->Cancel(buyer_, ordered.id, "Changed my mind", /*cancel_job=*/true, NoKey());
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(cancelled->state, BookingState::kCancelled);
  // Its one unfunded milestone is cancelled with it.
  EXPECT_THAT(EventTypesAfter(before),
              ElementsAre(EventType::kMilestoneCancelled, EventType::kBookingCancelled));
  EXPECT_TRUE(Order(buyer_, gig.id).ok()) << "the gig may be ordered again";
}

TEST_F(GigOrdersTest, AGigThatIsNotApprovedCannotBeOrdered) {
  const Gig paused = NewGig(seller_, GigState::kPaused);
  const Principal admin_buyer = NewPrincipal("admin-buyer", {Role::kAdmin, Role::kBuyer});
  const Gig in_review = NewGig(seller_, GigState::kPendingReview);
  const Gig archived = NewGig(seller_, GigState::kArchived);
  const int64_t before = LatestSequence();
  EXPECT_TRUE(IsInvalidState(Order(buyer_, paused.id).status(), "PAUSED"));
  // Admins see every gig, so they learn its state.
  EXPECT_TRUE(IsInvalidState(Order(admin_buyer, in_review.id).status(), "PENDING_REVIEW"));
  EXPECT_TRUE(IsInvalidState(Order(admin_buyer, archived.id).status(), "ARCHIVED"));
  ExpectNothingCreatedSince(before);
}

TEST_F(GigOrdersTest, AGigTheBuyerMayNotSeeIsNotFound) {
  const int64_t before = LatestSequence();
  for (GigState hidden : {GigState::kDraft, GigState::kPendingReview, GigState::kRejected,
                          GigState::kArchived}) {
    const Gig gig = NewGig(seller_, hidden);
    EXPECT_TRUE(HasError(Order(buyer_, gig.id).status(), absl::StatusCode::kNotFound,
                         v1::RESOURCE_NOT_FOUND))
        << GigStateName(hidden);
  }
  EXPECT_TRUE(HasError(Order(buyer_, NewId("gig")).status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(Order(buyer_, "job_123").status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  absl::Status no_id = Order(buyer_, "").status();
  EXPECT_TRUE(HasError(no_id, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(no_id), ElementsAre("gig_id"));
  EXPECT_THAT(AllBookings(), IsEmpty());
  EXPECT_EQ(LatestSequence(), before);
}

TEST_F(GigOrdersTest, OrderingOnesOwnGigIsSelfDealing) {
  const Principal both = NewPrincipal("both", {Role::kBuyer, Role::kSeller});
  const Gig own = NewGig(both);
  const Gig own_paused = NewGig(both, GigState::kPaused);
  const int64_t before = LatestSequence();
  EXPECT_TRUE(HasError(Order(both, own.id).status(), absl::StatusCode::kFailedPrecondition,
                       v1::SELF_DEALING));
  EXPECT_TRUE(HasError(Order(both, own_paused.id).status(),
                       absl::StatusCode::kFailedPrecondition, v1::SELF_DEALING))
      << "resuming it would not help";
  ExpectNothingCreatedSince(before);
}

TEST_F(GigOrdersTest, OnlyBuyersOrder) {
  const Gig gig = NewGig(seller_);
  const Principal other_seller = NewPrincipal("other-seller", {Role::kSeller});
  const int64_t before = LatestSequence();
  for (const Principal& not_buyer : {other_seller, admin_}) {
    EXPECT_TRUE(HasError(Order(not_buyer, gig.id).status(), absl::StatusCode::kPermissionDenied,
                         v1::ROLE_REQUIRED));
  }
  ExpectNothingCreatedSince(before);
}

TEST_F(GigOrdersTest, AGigOfAUserWhoNoLongerSellsCannotBeOrdered) {
  const Gig gig = NewGig(seller_);
  User seller = StoredUser(seller_.user_id);
  seller.roles.Remove(Role::kSeller);
  seller.roles.Add(Role::kBuyer);
  ASSERT_TRUE(store_->Write([&](Tx& tx) {
    return SaveNextVersion(tx.users(), seller, clock_.Now());
  }).ok());
  const int64_t before = LatestSequence();
  EXPECT_TRUE(HasError(Order(buyer_, gig.id).status(), absl::StatusCode::kFailedPrecondition,
                       v1::SELLER_UNAVAILABLE));
  ExpectNothingCreatedSince(before);
}

TEST_F(GigOrdersTest, RequirementsAreRequiredAndAtMost5000Characters) {
  const Gig gig = NewGig(seller_);
  const int64_t before = LatestSequence();
  for (const std::string& bad : {std::string(), std::string(100'000, 'x'),
                                 std::string(5001, 'x')}) {
    absl::Status status = Order(buyer_, gig.id, bad).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
    EXPECT_THAT(ViolatedFields(status), ElementsAre("requirements")) << bad.size();
  }
  ExpectNothingCreatedSince(before);
  EXPECT_TRUE(Order(buyer_, gig.id, std::string(5000, 'x')).ok());
}

TEST_F(GigOrdersTest, AReplayWithTheSameRequestIdReturnsTheSameBooking) {
  const Gig gig = NewGig(seller_);
  const RequestKey key = KeyOf(buyer_, "OrderGig", "order-1", "fp");
  const Booking first = testutil::ValueOrFail(Order(buyer_, gig.id, "A logo", key), "ordering");
  const int64_t after_first = LatestSequence();
  absl::StatusOr<Booking> replay = Order(buyer_, gig.id, "A logo", key);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->id, first.id);
  EXPECT_EQ(replay->requirements, "A logo");
  EXPECT_THAT(AllBookings(), ElementsAre(::testing::Field(&Booking::id, first.id)));
  EXPECT_EQ(LatestSequence(), after_first) << "the replay recorded an event";
  absl::Status other = Order(buyer_, gig.id, "Another logo",
                             KeyOf(buyer_, "OrderGig", "order-1", "other-fp")).status();
  EXPECT_TRUE(HasError(other, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(AllBookings(), ::testing::SizeIs(1));
}

}  // namespace
}  // namespace gigwire
