// Disputes over milestones (issue 15). Either party opens one on money in
// escrow (the milestone becomes DISPUTED through MilestoneMover: frozen, no
// auto-release); admins add notes (visible to both parties, or internal) and
// resolve it with a split that must add up to the escrowed amount, which
// MilestoneMover posts as one resolution transaction. At most one dispute
// per milestone is open at a time (the store's unique index backs the state
// rule), and a second resolve finds it RESOLVED and moves nothing.
//
// Visibility: a dispute is visible to its booking's parties and admins
// (NOT_FOUND otherwise); internal notes to admins only.
// Events: DISPUTE_OPENED (with MILESTONE_DISPUTED), DISPUTE_NOTE_ADDED (not
// for internal notes), DISPUTE_RESOLVED (with MILESTONE_RESOLVED); each
// notifies both parties. Admins' notes and resolutions are audited.
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_DISPUTES_H_
#define GIGWIRE_SERVER_DOMAIN_DISPUTES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/domain/idempotency.h"
#include "server/domain/milestone_moves.h"
#include "server/model/dispute.h"
#include "server/store/store.h"

namespace gigwire {

struct DisputePage {
  std::vector<Dispute> disputes;
  std::string next_page_token;
};

struct DisputeResolution {
  Money to_seller;
  Money refunded;
  std::string note;
};

class Disputes {
 public:
  Disputes(Store& store, const MilestoneMover& mover) : store_(store), mover_(mover) {}

  // Who: the booking's buyer or seller. Errors: INVALID_ARGUMENT (reason
  // 1..500, evidence up to 10000 characters); NOT_FOUND; PERMISSION_DENIED
  // (NOT_RESOURCE_OWNER) for an admin who is not a party;
  // FAILED_PRECONDITION (INVALID_STATE) unless the money is in escrow and
  // not yet disputed.
  absl::StatusOr<Dispute> Open(const Principal& caller, const std::string& milestone_id,
                               const std::string& reason, const std::string& evidence,
                               const RequestKey& key);
  absl::StatusOr<Dispute> Get(const Principal& caller, const std::string& id);
  // Oldest first. Parties: their own; admins: all.
  absl::StatusOr<DisputePage> List(const Principal& caller, std::optional<DisputeState> state,
                                   const std::string& booking_id, int page_size,
                                   absl::string_view page_token);
  // Errors: INVALID_ARGUMENT (text 1..5000 characters); PERMISSION_DENIED
  // (ROLE_REQUIRED) for an internal note from a party; FAILED_PRECONDITION
  // (INVALID_STATE) unless OPEN.
  absl::StatusOr<Dispute> AddNote(const Principal& caller, const std::string& id,
                                  const std::string& text, bool internal,
                                  const RequestKey& key);
  // Admins. Errors: INVALID_ARGUMENT (AMOUNT_MISMATCH) unless the parts are
  // in the escrowed currency, not negative, and add up to the amount; (note
  // 1..2000 characters); FAILED_PRECONDITION (INVALID_STATE) unless OPEN.
  absl::StatusOr<Dispute> Resolve(const Principal& caller, const std::string& id,
                                  const DisputeResolution& resolution, const RequestKey& key);

 private:
  Store& store_;
  const MilestoneMover& mover_;
};

// NOT_FOUND unless `caller` is a party or an admin; internal notes removed
// for parties.
absl::StatusOr<Dispute> LoadVisibleDispute(Tx& tx, const Principal& caller,
                                           const std::string& id);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_DISPUTES_H_
