// Bookings' milestones (issue 15, in progress): what a new booking starts
// with. Every way of booking (an accepted offer, an accepted proposal, a gig
// order) calls InsertInitialMilestones in the transaction that inserts the
// booking, so no booking exists without its milestones. The lifecycle rules
// are in milestone_rules.h; funding, release and disputes come next.
//
// Thread safety: stateless.
#ifndef GIGWIRE_SERVER_DOMAIN_MILESTONES_H_
#define GIGWIRE_SERVER_DOMAIN_MILESTONES_H_

#include <vector>

#include "absl/status/status.h"
#include "server/model/marketplace.h"
#include "server/model/milestone.h"
#include "server/store/store.h"

namespace gigwire {

// One PENDING milestone per step of the booking's plan (due its due_in_days
// after the booking was made), or one for the whole price (due with the
// booking) when there is no plan; none for a booking priced at zero.
std::vector<Milestone> InitialMilestones(const Booking& booking);

// Inserts InitialMilestones(booking). Errors: the store's.
absl::Status InsertInitialMilestones(Tx& tx, const Booking& booking);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_MILESTONES_H_
