// AssignmentRepository: a job's seller assignments. See store.h for the
// transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_ASSIGNMENT_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_ASSIGNMENT_REPOSITORY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/marketplace.h"
#include "server/store/list_cursor.h"

namespace gigwire {

class AssignmentRepository {
 public:
  virtual ~AssignmentRepository() = default;
  virtual absl::Status Insert(const Assignment& assignment) = 0;
  // Oldest first, after the cursor (ascending keyset).
  virtual absl::StatusOr<std::vector<Assignment>> ListByJob(
      const std::string& job_id, const std::optional<ListCursor>& after, int limit) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_ASSIGNMENT_REPOSITORY_H_
