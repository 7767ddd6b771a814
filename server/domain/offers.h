// Assignment and offer rules. Admins assign sellers to OPEN jobs (one
// atomic, idempotent call creating one PENDING offer per seller); sellers
// accept or decline; admins withdraw; the scheduler expires offers past
// their ttl. First accept wins: in one transaction the accept creates the
// booking, books the job and supersedes the job's other pending offers, and
// the serialized writer makes a second concurrent accept see the job BOOKED.
//
// Visibility: an offer is visible to its seller and to admins (NOT_FOUND to
// everyone else). Errors as in jobs.h, plus INVALID_STATE for an expired offer.
// Accepting needs ROLE_SELLER now (PERMISSION_DENIED, ROLE_REQUIRED): a
// seller whose role was revoked may still decline offers and finish the
// bookings it already has (bookings.h), but takes no new work.
// Events (through the outbox, in the same transaction; none on a replay):
// OFFER_CREATED per assigned seller; OFFER_DECLINED, OFFER_WITHDRAWN,
// OFFER_EXPIRED (actor "system"); an accept records OFFER_ACCEPTED, then
// OFFER_SUPERSEDED for each other pending offer, BOOKING_CREATED, JOB_BOOKED.
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_OFFERS_H_
#define GIGWIRE_SERVER_DOMAIN_OFFERS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/domain/idempotency.h"
#include "server/domain/outbox.h"
#include "server/model/marketplace.h"
#include "server/store/store.h"

namespace gigwire {

struct AssignInput {
  std::string job_id;
  std::vector<std::string> seller_ids;
  std::string note;
  absl::Duration offer_ttl = absl::Hours(48);
};

struct AssignmentPage {
  std::vector<Assignment> assignments;
  std::string next_page_token;
};

struct OfferFilter {
  std::optional<OfferState> state;
  std::string job_id;
  std::string seller_id;  // admins only
};

struct OfferPage {
  std::vector<Offer> offers;
  std::string next_page_token;
  std::string event_cursor;  // the outbox position this page is consistent with
};

class Offers {
 public:
  Offers(Store& store, const Clock& clock, const Outbox& outbox)
      : store_(store), clock_(clock), outbox_(outbox) {}

  absl::StatusOr<std::vector<Assignment>> Assign(const Principal& caller, const AssignInput& in,
                                                 const RequestKey& key);
  // Admins and the job's buyer.
  absl::StatusOr<AssignmentPage> ListAssignments(const Principal& caller,
                                                 const std::string& job_id, int page_size,
                                                 absl::string_view page_token);
  absl::StatusOr<OfferPage> List(const Principal& caller, const OfferFilter& filter,
                                 int page_size, absl::string_view page_token);
  absl::StatusOr<Offer> Get(const Principal& caller, const std::string& id);
  absl::StatusOr<Offer> Accept(const Principal& caller, const std::string& id,
                               const RequestKey& key);
  absl::StatusOr<Offer> Decline(const Principal& caller, const std::string& id,
                                const std::string& reason, const RequestKey& key);
  absl::StatusOr<Offer> Withdraw(const Principal& caller, const std::string& id,
                                 const std::string& reason, const RequestKey& key);
  // Scheduler: expires up to `limit` PENDING offers past their expire time.
  absl::StatusOr<int> ExpireDue(absl::Time now, int limit = 100);

 private:
  absl::StatusOr<Offer> LoadVisible(Tx& tx, const Principal& caller, const std::string& id);
  absl::Status CheckAssignable(Tx& tx, const AssignInput& in);
  // Runs `change` on a visible offer that must be PENDING and unexpired,
  // saves it, records `type`, then runs `after` with the saved offer.
  absl::StatusOr<Offer> Answer(const Principal& caller, const std::string& id,
                               const RequestKey& key, absl::string_view verb, EventType type,
                               absl::FunctionRef<absl::Status(Tx&, Offer&)> change,
                               absl::FunctionRef<absl::Status(Tx&, const Offer&)> after);
  // The rest of an accept: supersedes the job's other pending offers,
  // creates `booking` and books `job`, recording each change.
  absl::Status Book(Tx& tx, const Principal& caller, const Offer& offer, Job& job,
                    const Booking& booking);

  Store& store_;
  const Clock& clock_;
  const Outbox& outbox_;
};

// Actions the viewer may take now: "accept", "decline", "withdraw".
std::vector<std::string> OfferActions(const Principal& viewer, const Offer& offer,
                                      absl::Time now);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_OFFERS_H_
