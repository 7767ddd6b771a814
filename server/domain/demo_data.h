// Demo data for `make run`: a believable small marketplace so a newcomer can
// try every call at once: an admin, buyers and sellers with profiles, a
// category tree, approved and pending gigs, completed bookings with reviews
// both ways, a job whose booking its buyer cancelled and that another seller
// then took (reopened, booked again), an open job with pending offers, jobs
// waiting for review, a seller (Sam) with a portfolio, and an open project
// in bidding with three proposals (one shortlisted, one with a milestone
// plan) and an invited seller, and a gig bought directly (an active gig order).
// Money moves as it would for real (manual gateway, confirmed by the admin):
// the finished bookings were funded and released; the gig order is mid-way
// (a second milestone agreed later, the first released, the second funded);
// and Ada disputes Sam's submitted jar labels (an open dispute with a note).
// People talk: Ada and Sam about the jar labels (Sam's last message still
// unread by Ada), Bo and Raj about Bo's gig order (all read), and Ada asks
// Raj, invited to her open project, about the gift boxes (unread by Raj).
// Never used unless gigwired gets --demo-data.
#ifndef GIGWIRE_SERVER_DOMAIN_DEMO_DATA_H_
#define GIGWIRE_SERVER_DOMAIN_DEMO_DATA_H_

#include "absl/status/statusor.h"
#include "server/common/clock.h"
#include "server/domain/accounts.h"
#include "server/domain/bookings.h"
#include "server/domain/catalog.h"
#include "server/domain/conversations.h"
#include "server/domain/disputes.h"
#include "server/domain/jobs.h"
#include "server/domain/milestones.h"
#include "server/domain/offers.h"
#include "server/domain/payments.h"
#include "server/domain/proposals.h"
#include "server/domain/reviews.h"
#include "server/store/store.h"

namespace gigwire {

// The password of every demo account.
inline constexpr char kDemoPassword[] = "gigwire-demo-password";

struct DemoServices {
  Store& store;
  Accounts& accounts;
  Catalog& catalog;
  Jobs& jobs;
  Offers& offers;
  Proposals& proposals;
  Bookings& bookings;
  Reviews& reviews;
  Milestones& milestones;
  Payments& payments;
  Disputes& disputes;
  Conversations& conversations;
  const Clock& clock;
};

// Seeds the demo marketplace when the database has no user yet. Returns true
// if it seeded, false if the database already had users.
absl::StatusOr<bool> SeedDemoDataIfEmpty(const DemoServices& services);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_DEMO_DATA_H_
