// BookingRepository and its query (BookingQuery). See store.h for the
// transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_BOOKING_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_BOOKING_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/marketplace.h"
#include "server/store/list_cursor.h"

namespace gigwire {

struct BookingQuery {
  std::optional<BookingState> state;
  std::string party_id;  // buyer or seller is this user
  std::string buyer_id;
  std::string seller_id;
  std::optional<absl::Time> created_after;   // inclusive
  std::optional<absl::Time> created_before;  // exclusive
  std::optional<ListCursor> after;
  int limit = 50;
};

class BookingRepository {
 public:
  virtual ~BookingRepository() = default;
  virtual absl::StatusOr<Booking> FindById(const std::string& id) = 0;
  virtual absl::Status Insert(const Booking& booking) = 0;
  virtual absl::Status Update(const Booking& booking, int64_t expected_version) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<Booking>> List(const BookingQuery& query) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_BOOKING_REPOSITORY_H_
