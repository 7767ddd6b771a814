// Names of payment states; see payment_gateway.h.
#include "server/payments/payment_gateway.h"

namespace gigwire {

const char* PaymentStatusName(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kPending:
      return "PENDING";
    case PaymentStatus::kSucceeded:
      return "SUCCEEDED";
    case PaymentStatus::kFailed:
      return "FAILED";
    case PaymentStatus::kCancelled:
      return "CANCELLED";
  }
  return "UNKNOWN";
}

}  // namespace gigwire
