// ApiKeyRepository and its query (ApiKeyQuery). See store.h for the transaction,
// error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_API_KEY_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_API_KEY_REPOSITORY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/user.h"
#include "server/store/list_cursor.h"

namespace gigwire {

struct ApiKeyQuery {
  std::optional<ListCursor> after;
  int limit = 50;
};

class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;
  virtual absl::StatusOr<ApiKey> FindById(const std::string& id) = 0;
  virtual absl::StatusOr<ApiKey> FindBySecretHash(const std::string& secret_hash) = 0;
  virtual absl::Status Insert(const ApiKey& key) = 0;
  virtual absl::Status Revoke(const std::string& id, absl::Time when) = 0;
  virtual absl::StatusOr<std::vector<ApiKey>> List(const ApiKeyQuery& query) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_API_KEY_REPOSITORY_H_
