// AuditRepository and its query (AuditQuery). See store.h for the transaction,
// error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_AUDIT_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_AUDIT_REPOSITORY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/marketplace.h"
#include "server/store/list_cursor.h"

namespace gigwire {

struct AuditQuery {
  std::string actor_id;
  std::string action;
  std::string target;  // target contains it
  std::optional<ListCursor> after;
  int limit = 50;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  virtual absl::Status Append(const AuditEntry& entry) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<AuditEntry>> List(const AuditQuery& query) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_AUDIT_REPOSITORY_H_
