// Payment, payout and dispute state names; see payment.h and dispute.h.
#include "server/model/payment.h"

#include "server/model/dispute.h"

namespace gigwire {

const char* PaymentStateName(PaymentState state) {
  switch (state) {
    case PaymentState::kPending: return "PENDING";
    case PaymentState::kSucceeded: return "SUCCEEDED";
    case PaymentState::kFailed: return "FAILED";
    case PaymentState::kCancelled: return "CANCELLED";
  }
  return "UNKNOWN";
}

const char* PayoutStateName(PayoutState state) {
  switch (state) {
    case PayoutState::kRequested: return "REQUESTED";
    case PayoutState::kPaid: return "PAID";
    case PayoutState::kCancelled: return "CANCELLED";
  }
  return "UNKNOWN";
}

const char* DisputeStateName(DisputeState state) {
  switch (state) {
    case DisputeState::kOpen: return "OPEN";
    case DisputeState::kResolved: return "RESOLVED";
  }
  return "UNKNOWN";
}

}  // namespace gigwire
