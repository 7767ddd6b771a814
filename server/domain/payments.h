// Payments for milestones (issue 15): the buyer starts one (FundMilestone),
// the payment gateway (server/payments/payment_gateway.h) says how the money
// comes in, and only a succeeded payment funds the milestone, through
// MilestoneMover in the same store transaction as the payment's new state.
//
// Provider calls are never made inside a store transaction: Fund reads, asks
// the gateway with an idempotency key derived from the milestone and its
// version (so a retry after a crash gets the same provider payment), then
// writes, re-checking that the milestone did not change meanwhile (ABORTED
// if it did: retry). Cancel asks the provider first, then records.
//
// Visibility: a payment is visible to its buyer, its booking's seller and
// admins (NOT_FOUND otherwise); its client secret to its buyer only.
// Events: PAYMENT_CREATED, _SUCCEEDED (with MILESTONE_FUNDED), _FAILED,
// _CANCELLED. Admins' confirmations and cancellations are audited.
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_PAYMENTS_H_
#define GIGWIRE_SERVER_DOMAIN_PAYMENTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/domain/idempotency.h"
#include "server/domain/milestone_moves.h"
#include "server/model/payment.h"
#include "server/payments/payment_gateway.h"
#include "server/store/store.h"

namespace gigwire {

struct FundResult {
  Milestone milestone;
  Payment payment;
};

struct PaymentFilter {
  std::optional<PaymentState> state;
  std::string booking_id;
  std::string milestone_id;
  std::string gateway;   // "manual" or "stripe"
  std::string buyer_id;  // admins only
};

struct PaymentPage {
  std::vector<Payment> payments;
  std::string next_page_token;
};

class Payments {
 public:
  Payments(Store& store, const MilestoneMover& mover, PaymentGateway& gateway)
      : store_(store), mover_(mover), gateway_(gateway) {}

  // Starts paying a PENDING milestone (see MilestoneService.FundMilestone).
  // Who: the booking's buyer. Errors: NOT_FOUND; PERMISSION_DENIED
  // (NOT_RESOURCE_OWNER) for anyone else; FAILED_PRECONDITION (INVALID_STATE)
  // unless PENDING, (PAYMENT_PENDING) while another payment is under way;
  // UNAVAILABLE (PAYMENT_PROVIDER_UNAVAILABLE); ABORTED when the milestone
  // changed during the provider call. Idempotent with `key`.
  absl::StatusOr<FundResult> Fund(const Principal& caller, const std::string& milestone_id,
                                  const RequestKey& key);
  absl::StatusOr<Payment> Get(const Principal& caller, const std::string& id);
  // Newest first. Users: the payments they made, or with booking_id every
  // payment of a booking they are a party to (NOT_FOUND for another's);
  // admins: all. Errors: PERMISSION_DENIED (ROLE_REQUIRED) for buyer_id from
  // a non-admin.
  absl::StatusOr<PaymentPage> List(const Principal& caller, const PaymentFilter& filter,
                                   int page_size, absl::string_view page_token);
  // A manual payment's money arrived (admins). Errors: FAILED_PRECONDITION
  // (WRONG_GATEWAY) for another gateway's, (INVALID_STATE) unless PENDING;
  // INVALID_ARGUMENT (note 1..500 characters).
  absl::StatusOr<Payment> Confirm(const Principal& caller, const std::string& id,
                                  const std::string& note, const RequestKey& key);
  // Records the provider's word on a PENDING payment (its buyer, admins);
  // a payment no longer PENDING is returned as it is. Errors:
  // FAILED_PRECONDITION (WRONG_GATEWAY) for a manual payment, or one made
  // through a gateway this server no longer runs; UNAVAILABLE.
  absl::StatusOr<Payment> Refresh(const Principal& caller, const std::string& id);
  // PENDING -> CANCELLED at the provider and here (its buyer, admins).
  // Errors: FAILED_PRECONDITION (INVALID_STATE) unless PENDING, or when the
  // provider says it already succeeded (refresh it instead); UNAVAILABLE.
  absl::StatusOr<Payment> Cancel(const Principal& caller, const std::string& id,
                                 const RequestKey& key);

  // The scheduler's step for provider gateways (a no-op for manual): asks
  // the provider about PENDING payments older than `settle_time` (the buyer's
  // client usually refreshes first) and records the outcome as "system", at
  // most `limit` of them, so a buyer who paid and closed the page is still
  // funded without webhooks. Returns how many changed state, or the first
  // error after trying each.
  absl::StatusOr<int> RefreshPending(absl::Time now, absl::Duration settle_time = absl::Minutes(1),
                                     int limit = 50);

 private:
  absl::StatusOr<Payment> RecordOutcome(const Principal& caller, const std::string& id,
                                        const ProviderPayment& outcome);
  // What to record of a provider's answer: a "failed" payment is first
  // cancelled at the provider (Stripe lets a buyer retry a failed intent with
  // another card, so a payment Gigwire calls FAILED must never take money
  // later); if the provider says it succeeded meanwhile, that stands; if it
  // cannot be reached, the payment stays PENDING for a later refresh.
  ProviderPayment FinalOutcome(ProviderPayment outcome, const std::string& cancel_key);
  // Saves the PENDING `payment` in the provider's final state, funding its
  // milestone when it succeeded (FAILED_PRECONDITION PAYMENT_PROVIDER_REFUSED,
  // nothing saved, when the provider reports another amount), and records the
  // payment's event.
  absl::StatusOr<Payment> Settle(Tx& tx, const std::string& actor_id, Payment payment,
                                 const ProviderPayment& outcome, absl::Time now) const;
  Store& store_;
  const MilestoneMover& mover_;
  PaymentGateway& gateway_;
};

// NOT_FOUND unless `caller` is the payment's buyer, its booking's seller or
// an admin; the client secret is cleared for all but the buyer.
absl::StatusOr<Payment> LoadVisiblePayment(Tx& tx, const Principal& caller,
                                           const std::string& id);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_PAYMENTS_H_
