// Booking rules: buyers order approved gigs directly (a booking without a
// job); the seller delivers, the buyer asks for revisions or completes,
// admins complete or cancel; the buyer may cancel before delivery.
// Completing counts a completed booking for the seller in the same
// transaction. Bookings from offers and proposals are made by Offers and
// Proposals; every later rule is the same whatever the source.
//
// Visibility: a booking is visible to its buyer, its seller and admins
// (NOT_FOUND to everyone else); a party acting out of turn gets
// PERMISSION_DENIED (NOT_RESOURCE_OWNER).
// Events: a gig order records GIG_ORDERED; each transition records BOOKING_DELIVERED, _REVISION_REQUESTED,
// _COMPLETED or _CANCELLED in the same transaction (none on a replay).
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_BOOKINGS_H_
#define GIGWIRE_SERVER_DOMAIN_BOOKINGS_H_

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

struct BookingFilter {
  std::optional<BookingState> state;
  std::string buyer_id;   // admins only
  std::string seller_id;  // admins only
  std::optional<absl::Time> created_after;
  std::optional<absl::Time> created_before;
};

struct BookingPage {
  std::vector<Booking> bookings;
  std::string next_page_token;
  std::string event_cursor;  // the outbox position this page is consistent with
};

class Bookings {
 public:
  Bookings(Store& store, const Clock& clock, const Outbox& outbox)
      : store_(store), clock_(clock), outbox_(outbox) {}

  absl::StatusOr<Booking> Get(const Principal& caller, const std::string& id);
  // Orders the APPROVED gig `gig_id` for `caller` (ROLE_BUYER): an ACTIVE
  // booking (source GIG_ORDER, no job) with the gig's seller, title and
  // price, due the gig's delivery days from now, carrying `requirements`;
  // records GIG_ORDERED. Errors: PERMISSION_DENIED (ROLE_REQUIRED);
  // INVALID_ARGUMENT (requirements 1..5000 characters, gig_id required);
  // NOT_FOUND for a gig the caller may not see as in GetGig, except that a
  // PAUSED gig (public until paused) is refused for its state;
  // FAILED_PRECONDITION: SELF_DEALING for one's own gig, INVALID_STATE
  // (with current_state) unless APPROVED, SELLER_UNAVAILABLE when its seller
  // no longer holds ROLE_SELLER. Idempotent with `key`.
  absl::StatusOr<Booking> OrderGig(const Principal& caller, const std::string& gig_id,
                                   const std::string& requirements, const RequestKey& key);
  absl::StatusOr<BookingPage> List(const Principal& caller, const BookingFilter& filter,
                                   int page_size, absl::string_view page_token);
  // ACTIVE -> DELIVERED by the seller, with `attachment_ids` (the seller's
  // own unattached files, at most 10) attached to the booking (kind
  // DELIVERY) in the same transaction. Errors also: INVALID_ARGUMENT
  // (attachment_ids: too many, empty or repeated); NOT_FOUND for a file that
  // is not the caller's; FAILED_PRECONDITION (INVALID_STATE) for one
  // attached already (see file_access.h).
  absl::StatusOr<Booking> Deliver(const Principal& caller, const std::string& id,
                                  const std::string& note, const RequestKey& key,
                                  const std::vector<std::string>& attachment_ids = {});
  absl::StatusOr<Booking> RequestRevision(const Principal& caller, const std::string& id,
                                          const std::string& note, const RequestKey& key);
  absl::StatusOr<Booking> Complete(const Principal& caller, const std::string& id,
                                   const RequestKey& key);
  // Cancels the booking and releases its job in the same transaction: the
  // job goes back to OPEN (JOB_REOPENED) for admins to assign other sellers,
  // or is CANCELLED too when `cancel_job`, or EXPIRED if past its due time.
  absl::StatusOr<Booking> Cancel(const Principal& caller, const std::string& id,
                                 const std::string& reason, bool cancel_job,
                                 const RequestKey& key);

 private:
  // Loads a visible booking, applies `change`, saves it, records `type`,
  // then runs `after` (further changes in the same transaction).
  absl::StatusOr<Booking> Change(
      const Principal& caller, const std::string& id, const RequestKey& key, EventType type,
      absl::FunctionRef<absl::Status(Tx&, Booking&)> change,
      absl::FunctionRef<absl::Status(Tx&, const Booking&)> after = NothingMore);
  static absl::Status NothingMore(Tx&, const Booking&) { return absl::OkStatus(); }
  Store& store_;
  const Clock& clock_;
  const Outbox& outbox_;
};

// NOT_FOUND unless `caller` is the booking's buyer, seller or an admin.
absl::StatusOr<Booking> LoadVisibleBooking(Tx& tx, const Principal& caller,
                                           const std::string& id);

// Frees the job of a just-cancelled booking (see Bookings::Cancel): OPEN
// again (bidding reopened for an open project), CANCELLED with `cancel_job`,
// or EXPIRED past its due time; records the job's event. Nothing for a gig
// order or a job no longer booked by it.
absl::Status ReleaseJobOfBooking(Tx& tx, const Outbox& outbox, absl::Time now,
                                 const std::string& actor_id, const Booking& booking,
                                 const std::string& reason, bool cancel_job);

// Actions the viewer may take now: "deliver", "request_revision",
// "complete", "cancel", "review".
std::vector<std::string> BookingActions(const Principal& viewer, const Booking& booking);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_BOOKINGS_H_
