// RequestIdRepository and its RequestRecord: the remembered outcomes of idempotent
// requests. See store.h for the transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_REQUEST_ID_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_REQUEST_ID_REPOSITORY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace gigwire {

// The remembered outcome of one idempotent request.
struct RequestRecord {
  std::string principal_id;
  std::string method;
  std::string request_id;
  std::string fingerprint;  // hash of the request's parameters
  std::string resource_id;  // what the first call produced
  absl::Time create_time;
};

class RequestIdRepository {
 public:
  virtual ~RequestIdRepository() = default;
  // NOT_FOUND when this (principal, method, request_id) is new.
  virtual absl::StatusOr<RequestRecord> Find(const std::string& principal_id,
                                             const std::string& method,
                                             const std::string& request_id) = 0;
  virtual absl::Status Insert(const RequestRecord& record) = 0;
  // Forgets records created before `cutoff`; returns how many.
  virtual absl::StatusOr<int> DeleteBefore(absl::Time cutoff) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_REQUEST_ID_REPOSITORY_H_
