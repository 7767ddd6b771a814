// Conversions between the money types (issue 15: milestones, payments,
// payouts, disputes, the ledger) and their gigwire.v1 messages. Stateless.
#ifndef GIGWIRE_SERVER_API_MONEY_CONVERT_H_
#define GIGWIRE_SERVER_API_MONEY_CONVERT_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "gigwire/v1/booking.pb.h"
#include "gigwire/v1/dispute.pb.h"
#include "gigwire/v1/ledger.pb.h"
#include "gigwire/v1/milestone.pb.h"
#include "gigwire/v1/payment.pb.h"
#include "server/auth/authenticator.h"
#include "server/domain/ledger_reads.h"
#include "server/model/dispute.h"
#include "server/model/milestone.h"
#include "server/model/payment.h"
#include "server/store/ledger_repository.h"

namespace gigwire {

// allowed_actions for `viewer` (nullptr: none, as events carry it).
void ToProto(const Milestone& milestone, const Principal* viewer, v1::Milestone* out);
void ToProto(const Payment& payment, v1::Payment* out);
void ToProto(const Payout& payout, v1::Payout* out);
void ToProto(const Dispute& dispute, v1::Dispute* out);
void ToProto(const BookingMoney& money, v1::BookingMoney* out);
void ToProto(const CurrencyBalance& balance, v1::CurrencyBalance* out);
void ToProto(const LedgerEntryRow& row, v1::LedgerEntry* out);

// 0 (unspecified) means no filter; INVALID_ARGUMENT naming `field` for an
// unknown value.
absl::StatusOr<std::optional<PaymentState>> PaymentStateFromProto(int state,
                                                                  absl::string_view field);
absl::StatusOr<std::optional<PayoutState>> PayoutStateFromProto(int state,
                                                                absl::string_view field);
absl::StatusOr<std::optional<DisputeState>> DisputeStateFromProto(int state,
                                                                  absl::string_view field);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_MONEY_CONVERT_H_
