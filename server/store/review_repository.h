// ReviewRepository: reviews of completed bookings. See store.h for the
// transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_REVIEW_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_REVIEW_REPOSITORY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/marketplace.h"
#include "server/store/list_cursor.h"

namespace gigwire {

class ReviewRepository {
 public:
  virtual ~ReviewRepository() = default;
  // NOT_FOUND when there is no review `id`.
  virtual absl::StatusOr<Review> FindById(const std::string& id) = 0;
  // ALREADY_EXISTS when the author already reviewed the booking.
  virtual absl::Status Insert(const Review& review) = 0;
  // Reviews received by `subject_id`, newest first.
  virtual absl::StatusOr<std::vector<Review>> ListBySubject(
      const std::string& subject_id, const std::optional<ListCursor>& after, int limit) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_REVIEW_REPOSITORY_H_
