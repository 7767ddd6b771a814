// Review rules; see reviews.h.
#include "server/domain/reviews.h"

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/bookings.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"

namespace gigwire {

absl::StatusOr<Review> Reviews::Create(const Principal& caller, const Review& draft,
                                       const RequestKey& key) {
  Violations v;
  if (draft.booking_id.empty()) v.Add("review.booking_id", "is required");
  if (draft.rating < 1 || draft.rating > 5) v.Add("review.rating", "must be 1..5");
  CheckText("review.text", draft.text, 0, 2000, true, v);
  GW_RETURN_IF_ERROR(v.ToStatus());
  const absl::Time now = clock_.Now();
  return IdempotentWrite<Review>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Review> {
        GW_ASSIGN_OR_RETURN(Booking b, LoadVisibleBooking(tx, caller, draft.booking_id));
        const bool buyer = b.buyer_id == caller.user_id;
        if (!buyer && b.seller_id != caller.user_id) {
          return NotOwner("only the booking's buyer or seller may review it");
        }
        GW_RETURN_IF_ERROR(RequireState(b.state, {BookingState::kCompleted}, "booking", "review",
                                        BookingStateName));
        if (buyer ? b.buyer_reviewed : b.seller_reviewed) {
          return AlreadyExists(v1::ALREADY_REVIEWED, "you already reviewed this booking");
        }
        Review review{NewId("rev"), b.id, caller.user_id, buyer ? b.seller_id : b.buyer_id,
                      draft.rating, draft.text, now};
        GW_RETURN_IF_ERROR(tx.reviews().Insert(review));
        GW_RETURN_IF_ERROR(tx.users().AddRating(review.subject_id, review.rating));
        (buyer ? b.buyer_reviewed : b.seller_reviewed) = true;
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.bookings(), b, now));
        GW_RETURN_IF_ERROR(
            outbox_.Record(tx, EventType::kReviewCreated, caller.user_id, now, review));
        return review;
      },
      [&](Tx& tx, const std::string& id) -> absl::StatusOr<Review> {
        // Replays answer from the author's own review of this booking.
        GW_ASSIGN_OR_RETURN(Booking b, tx.bookings().FindById(draft.booking_id));
        const std::string subject = b.buyer_id == caller.user_id ? b.seller_id : b.buyer_id;
        GW_ASSIGN_OR_RETURN(std::vector<Review> all,
                            tx.reviews().ListBySubject(subject, std::nullopt, 1000));
        for (Review& r : all) {
          if (r.id == id) return r;
        }
        return NotFound(absl::StrCat("review ", id));
      },
      [](const Review& r) { return r.id; });
}

absl::StatusOr<ReviewPage> Reviews::List(const std::string& user_id, int page_size,
                                         absl::string_view page_token) {
  if (user_id.empty()) return InvalidField("user_id", "is required");
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  const std::string fingerprint = absl::StrCat("reviews:", user_id);
  GW_ASSIGN_OR_RETURN(std::optional<ListCursor> after, DecodePageToken(page_token, fingerprint));
  ReviewPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    absl::StatusOr<User> user = tx.users().FindById(user_id);
    if (absl::IsNotFound(user.status())) return NotFound(absl::StrCat("user ", user_id));
    GW_RETURN_IF_ERROR(user.status());
    page.rating_milli = RatingMilli(user->rating_sum, user->rating_count);
    page.rating_count = static_cast<int32_t>(user->rating_count);
    GW_ASSIGN_OR_RETURN(page.reviews, tx.reviews().ListBySubject(user_id, after, limit + 1));
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToPage(page.reviews, limit, fingerprint);
  return page;
}

}  // namespace gigwire
