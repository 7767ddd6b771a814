// Review rules: once per side of a COMPLETED booking; the subject's rating
// aggregate changes in the same transaction as the review.
//
// Errors: NOT_FOUND for bookings the caller is not part of; INVALID_STATE
// unless COMPLETED; ALREADY_EXISTS (ALREADY_REVIEWED) for a second review by
// the same side; INVALID_FIELDS for a rating outside 1..5 or a long text.
// Events: a review records REVIEW_CREATED in its transaction (not on a replay).
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_REVIEWS_H_
#define GIGWIRE_SERVER_DOMAIN_REVIEWS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/domain/idempotency.h"
#include "server/domain/outbox.h"
#include "server/model/marketplace.h"
#include "server/store/store.h"

namespace gigwire {

struct ReviewPage {
  std::vector<Review> reviews;
  std::string next_page_token;
  int32_t rating_milli = 0;
  int32_t rating_count = 0;
};

class Reviews {
 public:
  Reviews(Store& store, const Clock& clock, const Outbox& outbox)
      : store_(store), clock_(clock), outbox_(outbox) {}

  absl::StatusOr<Review> Create(const Principal& caller, const Review& draft,
                                const RequestKey& key);
  absl::StatusOr<ReviewPage> List(const std::string& user_id, int page_size,
                                  absl::string_view page_token);

 private:
  Store& store_;
  const Clock& clock_;
  const Outbox& outbox_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_REVIEWS_H_
