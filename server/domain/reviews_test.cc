#include "server/domain/reviews.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/testing/marketplace_fixture.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testutil::HasError;
using testutil::IsInvalidState;
using testutil::KeyOf;
using testutil::NoKey;
using testutil::ViolatedFields;

class ReviewsTest : public testutil::MarketplaceTest {
 protected:
  static Review Draft(const std::string& booking_id, int rating, std::string text = "") {
    Review draft;
    draft.booking_id = booking_id;
    draft.rating = rating;
    draft.text = std::move(text);
    return draft;
  }

  ReviewPage ReviewsOf(const Principal& user) {
    return testutil::ValueOrFail(reviews_->List(user.user_id, 0, ""), "listing reviews");
  }
};

TEST_F(ReviewsTest, TheBuyerRatesTheSellerOfACompletedBooking) {
  Booking booking = CompletedBooking(buyer_, seller_);
  clock_.Advance(absl::Hours(2));
  absl::StatusOr<Review> review =
      reviews_->Create(buyer_, Draft(booking.id, 5, "Great work"), NoKey());
  ASSERT_TRUE(review.ok()) << review.status();
  EXPECT_TRUE(HasIdShape(review->id, "rev")) << review->id;
  EXPECT_EQ(review->booking_id, booking.id);
  EXPECT_EQ(review->author_id, buyer_.user_id);
  EXPECT_EQ(review->subject_id, seller_.user_id);
  EXPECT_EQ(review->rating, 5);
  EXPECT_EQ(review->create_time, clock_.Now());

  Booking stored = StoredBooking(booking.id);
  EXPECT_TRUE(stored.buyer_reviewed);
  EXPECT_FALSE(stored.seller_reviewed);
  User seller = StoredUser(seller_.user_id);
  EXPECT_EQ(seller.rating_sum, 5);
  EXPECT_EQ(seller.rating_count, 1);
  EXPECT_EQ(StoredUser(buyer_.user_id).rating_count, 0);

  ReviewPage page = ReviewsOf(seller_);
  ASSERT_EQ(page.reviews.size(), 1u);
  EXPECT_EQ(page.reviews[0].id, review->id);
  EXPECT_EQ(page.reviews[0].text, "Great work");
  EXPECT_EQ(page.rating_milli, 5000);
  EXPECT_EQ(page.rating_count, 1);
}

TEST_F(ReviewsTest, EachSideReviewsOnce) {
  Booking booking = CompletedBooking(buyer_, seller_);
  ASSERT_TRUE(reviews_->Create(buyer_, Draft(booking.id, 4), NoKey()).ok());
  absl::StatusOr<Review> back = reviews_->Create(seller_, Draft(booking.id, 3), NoKey());
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->subject_id, buyer_.user_id);

  for (const Principal& author : {buyer_, seller_}) {
    EXPECT_TRUE(HasError(reviews_->Create(author, Draft(booking.id, 1), NoKey()).status(),
                         absl::StatusCode::kAlreadyExists, v1::ALREADY_REVIEWED));
  }
  EXPECT_EQ(ReviewsOf(seller_).rating_milli, 4000) << "the refused review changed nothing";
  EXPECT_EQ(ReviewsOf(seller_).rating_count, 1);
  EXPECT_EQ(ReviewsOf(buyer_).rating_milli, 3000);
  EXPECT_EQ(ReviewsOf(buyer_).rating_count, 1);
  Booking stored = StoredBooking(booking.id);
  EXPECT_TRUE(stored.buyer_reviewed);
  EXPECT_TRUE(stored.seller_reviewed);
}

TEST_F(ReviewsTest, OnlyCompletedBookingsCanBeReviewed) {
  Booking active = ActiveBooking(buyer_, seller_);
  EXPECT_TRUE(
      IsInvalidState(reviews_->Create(buyer_, Draft(active.id, 5), NoKey()).status(), "ACTIVE"));

  ASSERT_TRUE(bookings_->Deliver(seller_, active.id, "done", NoKey()).ok());
  EXPECT_TRUE(IsInvalidState(reviews_->Create(seller_, Draft(active.id, 5), NoKey()).status(),
                             "DELIVERED"));

  Booking cancelled = ActiveBooking(buyer_, seller_);
  ASSERT_TRUE(
      bookings_->Cancel(buyer_, cancelled.id, "no", /*cancel_job=*/false, NoKey()).ok());
  EXPECT_TRUE(IsInvalidState(reviews_->Create(buyer_, Draft(cancelled.id, 1), NoKey()).status(),
                             "CANCELLED"));

  EXPECT_THAT(ReviewsOf(seller_).reviews, IsEmpty());
  EXPECT_EQ(StoredUser(seller_.user_id).rating_count, 0);
}

TEST_F(ReviewsTest, RatingMustBeOneToFive) {
  Booking booking = CompletedBooking(buyer_, seller_);
  for (int rating : {0, 6, -1}) {
    absl::Status status = reviews_->Create(buyer_, Draft(booking.id, rating), NoKey()).status();
    EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS))
        << rating;
    EXPECT_THAT(ViolatedFields(status), ElementsAre("review.rating")) << rating;
  }
  absl::Status long_text =
      reviews_->Create(buyer_, Draft(booking.id, 3, std::string(2001, 't')), NoKey()).status();
  EXPECT_THAT(ViolatedFields(long_text), ElementsAre("review.text"));
  EXPECT_FALSE(StoredBooking(booking.id).buyer_reviewed);
  EXPECT_EQ(StoredUser(seller_.user_id).rating_count, 0);

  EXPECT_TRUE(reviews_->Create(buyer_, Draft(booking.id, 1), NoKey()).ok());
  EXPECT_TRUE(reviews_->Create(seller_, Draft(booking.id, 5), NoKey()).ok());
}

TEST_F(ReviewsTest, TheSubjectsRatingAggregateFollowsItsReviews) {
  Principal buyer2 = NewPrincipal("buyer2", {Role::kBuyer});
  Principal buyer3 = NewPrincipal("buyer3", {Role::kBuyer});
  Booking first = CompletedBooking(buyer_, seller_);
  Booking second = CompletedBooking(buyer2, seller_);
  Booking third = CompletedBooking(buyer3, seller_);

  ASSERT_TRUE(reviews_->Create(buyer_, Draft(first.id, 5), NoKey()).ok());
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(reviews_->Create(buyer2, Draft(second.id, 4), NoKey()).ok());
  ReviewPage page = ReviewsOf(seller_);
  EXPECT_EQ(page.rating_milli, 4500);
  EXPECT_EQ(page.rating_count, 2);
  ASSERT_EQ(page.reviews.size(), 2u);
  EXPECT_EQ(page.reviews[0].author_id, buyer2.user_id) << "newest first";

  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(reviews_->Create(buyer3, Draft(third.id, 4), NoKey()).ok());
  EXPECT_EQ(ReviewsOf(seller_).rating_milli, 4333);  // 13 / 3
  EXPECT_EQ(ReviewsOf(seller_).rating_count, 3);
}

TEST_F(ReviewsTest, OutsidersCannotReview) {
  Booking booking = CompletedBooking(buyer_, seller_);
  Principal other_buyer = NewPrincipal("other-buyer", {Role::kBuyer});
  Principal other_seller = NewPrincipal("other-seller", {Role::kSeller});
  for (const Principal& outsider : {other_buyer, other_seller}) {
    EXPECT_TRUE(HasError(reviews_->Create(outsider, Draft(booking.id, 1), NoKey()).status(),
                         absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  }
  // An admin sees the booking but is not a side of it.
  EXPECT_TRUE(HasError(reviews_->Create(admin_, Draft(booking.id, 1), NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  EXPECT_TRUE(HasError(reviews_->Create(buyer_, Draft(NewId("bkg"), 5), NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_THAT(ReviewsOf(seller_).reviews, IsEmpty());
  EXPECT_EQ(StoredUser(seller_.user_id).rating_count, 0);
}

TEST_F(ReviewsTest, CreateWithTheSameRequestIdReplaysTheReview) {
  Booking booking = CompletedBooking(buyer_, seller_);
  const RequestKey key = KeyOf(buyer_, "CreateReview", "review-1", "fp");
  absl::StatusOr<Review> first = reviews_->Create(buyer_, Draft(booking.id, 5), key);
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<Review> retry = reviews_->Create(buyer_, Draft(booking.id, 5), key);
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->id, first->id);
  EXPECT_EQ(ReviewsOf(seller_).rating_count, 1) << "counted once";
}

TEST_F(ReviewsTest, ListOfAnUnknownUserIsNotFound) {
  EXPECT_TRUE(HasError(reviews_->List(NewId("usr"), 0, "").status(), absl::StatusCode::kNotFound,
                       v1::RESOURCE_NOT_FOUND));
  absl::Status empty = reviews_->List("", 0, "").status();
  EXPECT_TRUE(HasError(empty, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(empty), ElementsAre("user_id"));
  ReviewPage none = ReviewsOf(seller_);
  EXPECT_THAT(none.reviews, IsEmpty());
  EXPECT_EQ(none.rating_milli, 0);
  EXPECT_EQ(none.rating_count, 0);
}

}  // namespace
}  // namespace gigwire
