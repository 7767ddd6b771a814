// CategoryRepository: the category tree. See store.h for the transaction, error
// and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_CATEGORY_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_CATEGORY_REPOSITORY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/marketplace.h"

namespace gigwire {

class CategoryRepository {
 public:
  virtual ~CategoryRepository() = default;
  // Every category, parents before children, then by slug.
  virtual absl::StatusOr<std::vector<Category>> List() = 0;
  virtual absl::StatusOr<Category> FindById(const std::string& id) = 0;
  // ALREADY_EXISTS when the slug is taken.
  virtual absl::Status Insert(const Category& category) = 0;
  // ABORTED (ETAG_MISMATCH) unless the stored version is `expected_version`.
  virtual absl::Status Update(const Category& category, int64_t expected_version) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_CATEGORY_REPOSITORY_H_
