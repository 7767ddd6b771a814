// EventRepository: the event outbox. See store.h for the transaction, error and
// thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_EVENT_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_EVENT_REPOSITORY_H_

#include <cstdint>
#include <vector>

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/event.h"

namespace gigwire {

// The outbox: events in commit order (see server/model/event.h).
class EventRepository {
 public:
  virtual ~EventRepository() = default;
  // Appends `event` and returns its sequence: greater than every committed
  // one, so sequences follow commit order.
  virtual absl::StatusOr<int64_t> Append(const EventRecord& event) = 0;
  // Events with sequence > `after`, ascending, at most `limit`.
  virtual absl::StatusOr<std::vector<EventRecord>> ListAfter(int64_t after, int limit) = 0;
  // The highest sequence ever appended (kept when retention deletes it); 0
  // before the first event.
  virtual absl::StatusOr<int64_t> LatestSequence() = 0;
  // The highest sequence deleted by retention; 0 when none was.
  virtual absl::StatusOr<int64_t> PrunedThrough() = 0;
  // Deletes up to `limit` of the oldest events created before `cutoff` and
  // raises PrunedThrough; returns how many.
  virtual absl::StatusOr<int> DeleteBefore(absl::Time cutoff, int limit) = 0;
  // Replaces the payload of every retained event about `resource_id` with
  // `payload_of(event)` (the event as stored); sequence, type, audience and
  // times stay. Returns how many events it rewrote. For redactions (a
  // message hidden by an admin): a replay then never shows what was removed.
  virtual absl::StatusOr<int> RewritePayloads(
      const std::string& resource_id,
      absl::FunctionRef<std::string(const EventRecord&)> payload_of) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_EVENT_REPOSITORY_H_
