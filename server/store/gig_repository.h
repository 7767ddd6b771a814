// GigRepository and its query (GigQuery). See store.h for the transaction, error
// and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_GIG_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_GIG_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/marketplace.h"

namespace gigwire {

struct GigQuery {
  std::vector<GigState> states;  // empty: any state
  std::string category_id;
  std::string seller_id;
  std::string text;  // title, description or tags contain it (any case)
  std::optional<int64_t> price_min_minor;
  std::optional<int64_t> price_max_minor;
  std::string currency_code;  // with a price bound: only this currency
  enum class Order { kNewest, kPriceAscending, kPriceDescending, kRating } order = Order::kNewest;
  int offset = 0;
  int limit = 50;
};

class GigRepository {
 public:
  virtual ~GigRepository() = default;
  virtual absl::StatusOr<Gig> FindById(const std::string& id) = 0;
  virtual absl::Status Insert(const Gig& gig) = 0;
  virtual absl::Status Update(const Gig& gig, int64_t expected_version) = 0;
  virtual absl::StatusOr<std::vector<Gig>> List(const GigQuery& query) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_GIG_REPOSITORY_H_
