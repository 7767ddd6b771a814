// Idempotent mutations: a client may send `request_id` with any mutation; a
// retry with the same id returns the first call's resource and changes
// nothing; the same id with different parameters fails INVALID_ARGUMENT
// (field request_id). The record is written in the same transaction as the
// mutation, so "done" and "remembered" can never disagree.
//
// Usage inside a domain method:
//   return IdempotentWrite<Job>(store_, key,
//       [&](Tx& tx) -> absl::StatusOr<Job> { ...mutate...; return job; },
//       [&](Tx& tx, const std::string& id) { return tx.jobs().FindById(id); },
//       [](const Job& job) { return job.id; });
#ifndef GIGWIRE_SERVER_DOMAIN_IDEMPOTENCY_H_
#define GIGWIRE_SERVER_DOMAIN_IDEMPOTENCY_H_

#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "server/common/clock.h"
#include "server/common/status.h"
#include "server/store/store.h"

namespace gigwire {

// Who asked what: filled by the API layer from the call.
struct RequestKey {
  std::string principal_id;
  std::string method;       // e.g. "CreateJob"
  std::string request_id;   // empty: not idempotent
  std::string fingerprint;  // hash of the request without request_id
};

// INVALID_ARGUMENT (request_id) when the id is longer than 100 characters.
absl::Status CheckRequestId(const RequestKey& key);

// Looks the key up in `tx`: nullopt when new (or no request_id), the stored
// resource id when replayed; INVALID_ARGUMENT when reused with other
// parameters.
absl::StatusOr<std::optional<std::string>> FindReplay(Tx& tx, const RequestKey& key);
// Remembers the key with the resource it produced (no-op without request_id).
absl::Status RememberRequest(Tx& tx, const RequestKey& key, const std::string& resource_id,
                             absl::Time now);

template <typename Resource>
absl::StatusOr<Resource> IdempotentWrite(
    Store& store, const RequestKey& key, const Clock& clock,
    absl::FunctionRef<absl::StatusOr<Resource>(Tx&)> mutate,
    absl::FunctionRef<absl::StatusOr<Resource>(Tx&, const std::string&)> load,
    absl::FunctionRef<std::string(const Resource&)> id_of) {
  GW_RETURN_IF_ERROR(CheckRequestId(key));
  Resource result;
  GW_RETURN_IF_ERROR(store.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(std::optional<std::string> replayed, FindReplay(tx, key));
    if (replayed.has_value()) {
      GW_ASSIGN_OR_RETURN(result, load(tx, *replayed));
      return absl::OkStatus();
    }
    GW_ASSIGN_OR_RETURN(result, mutate(tx));
    return RememberRequest(tx, key, id_of(result), clock.Now());
  }));
  return result;
}

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_IDEMPOTENCY_H_
