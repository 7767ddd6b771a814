// DisputeRepository: disputes over milestones and their notes (rules in
// server/domain/disputes.h). See store.h for the transaction, error and
// thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_DISPUTE_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_DISPUTE_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/dispute.h"
#include "server/store/list_cursor.h"

namespace gigwire {

// Which disputes to list, OLDEST first (a queue); empty fields do not filter.
struct DisputeQuery {
  std::optional<DisputeState> state;
  std::string party_id;  // the buyer or the seller is this user
  std::string booking_id;
  // Keyset position of (create_time ASC, id ASC): disputes after it.
  std::optional<ListCursor> after;
  int limit = 50;
};

class DisputeRepository {
 public:
  virtual ~DisputeRepository() = default;
  // The dispute with every note, oldest first.
  virtual absl::StatusOr<Dispute> FindById(const std::string& id) = 0;
  // Inserts the dispute (its notes are ignored). ALREADY_EXISTS when the
  // milestone already has an OPEN dispute.
  virtual absl::Status Insert(const Dispute& dispute) = 0;
  // Saves the dispute's own fields (not its notes). ABORTED (ETAG_MISMATCH)
  // unless the stored version is `expected_version`.
  virtual absl::Status Update(const Dispute& dispute, int64_t expected_version) = 0;
  virtual absl::Status AddNote(const DisputeNote& note) = 0;
  // Without notes.
  virtual absl::StatusOr<std::vector<Dispute>> List(const DisputeQuery& query) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_DISPUTE_REPOSITORY_H_
