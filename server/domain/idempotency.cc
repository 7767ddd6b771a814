// Request-id bookkeeping; see idempotency.h.
#include "server/domain/idempotency.h"

namespace gigwire {

absl::Status CheckRequestId(const RequestKey& key) {
  if (key.request_id.size() > 100) {
    return InvalidField("request_id", "must be at most 100 characters");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> FindReplay(Tx& tx, const RequestKey& key) {
  if (key.request_id.empty()) return std::nullopt;
  absl::StatusOr<RequestRecord> record =
      tx.request_ids().Find(key.principal_id, key.method, key.request_id);
  if (absl::IsNotFound(record.status())) return std::nullopt;
  GW_RETURN_IF_ERROR(record.status());
  if (record->fingerprint != key.fingerprint) {
    return InvalidField("request_id", "was already used with different parameters");
  }
  return record->resource_id;
}

absl::Status RememberRequest(Tx& tx, const RequestKey& key, const std::string& resource_id,
                             absl::Time now) {
  if (key.request_id.empty()) return absl::OkStatus();
  return tx.request_ids().Insert(
      {key.principal_id, key.method, key.request_id, key.fingerprint, resource_id, now});
}

}  // namespace gigwire
