// UserRepository and its queries (UserQuery, SellerQuery). See store.h for the
// transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_USER_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_USER_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/marketplace.h"
#include "server/model/user.h"
#include "server/store/list_cursor.h"

namespace gigwire {

struct UserQuery {
  std::optional<Role> role;          // only users holding this role
  std::optional<ListCursor> after;   // start after this row
  int limit = 50;
};

// Sellers matching a search (see SellerService.SearchSellers).
struct SellerQuery {
  std::string text;         // display name or a skill contains it (any case)
  bool available_only = false;
  int32_t min_rating_milli = 0;
  std::string skill;        // lower-case; a skill has a word starting with it
  std::string category_id;  // has an approved gig in it
  enum class Order { kRating, kName, kAvailability } order = Order::kRating;
  int offset = 0;
  int limit = 20;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual absl::StatusOr<User> FindById(const std::string& id) = 0;
  // `email` must already be lower-cased.
  virtual absl::StatusOr<User> FindByEmail(const std::string& email) = 0;
  // ALREADY_EXISTS (EMAIL_TAKEN) when the email is taken.
  virtual absl::Status Insert(const User& user) = 0;
  // Stores every field of `user` and sets version = user.version, only if
  // the stored version is `expected_version`; ABORTED (ETAG_MISMATCH) if not.
  virtual absl::Status Update(const User& user, int64_t expected_version) = 0;
  virtual absl::StatusOr<std::vector<User>> List(const UserQuery& query) = 0;
  // Adds one rating (1..5) to the user's aggregate.
  virtual absl::Status AddRating(const std::string& user_id, int rating) = 0;
  virtual absl::Status IncrementCompletedBookings(const std::string& user_id) = 0;
  // Sellers with rating, counts and gig count; sample_gigs left empty.
  virtual absl::StatusOr<std::vector<SellerSummary>> SearchSellers(const SellerQuery& query) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_USER_REPOSITORY_H_
