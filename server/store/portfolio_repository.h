// PortfolioRepository: sellers' portfolio items. See store.h for the
// transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_PORTFOLIO_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_PORTFOLIO_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/portfolio.h"
#include "server/store/list_cursor.h"

namespace gigwire {

class PortfolioRepository {
 public:
  virtual ~PortfolioRepository() = default;
  virtual absl::StatusOr<PortfolioItem> FindById(const std::string& id) = 0;
  virtual absl::Status Insert(const PortfolioItem& item) = 0;
  // ABORTED (ETAG_MISMATCH) unless the stored version is `expected_version`.
  virtual absl::Status Update(const PortfolioItem& item, int64_t expected_version) = 0;
  // NOT_FOUND when there is no item `id`.
  virtual absl::Status Delete(const std::string& id) = 0;
  // The seller's items, newest first, after the cursor.
  virtual absl::StatusOr<std::vector<PortfolioItem>> ListBySeller(
      const std::string& seller_id, const std::optional<ListCursor>& after, int limit) = 0;
  virtual absl::StatusOr<int> CountBySeller(const std::string& seller_id) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_PORTFOLIO_REPOSITORY_H_
