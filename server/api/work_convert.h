// Conversions between the work-flow domain types (jobs, assignments, offers,
// bookings, reviews) and their gigwire.v1 protos. `viewer` decides
// allowed_actions. Decoding errors are INVALID_ARGUMENT naming the field.
#ifndef GIGWIRE_SERVER_API_WORK_CONVERT_H_
#define GIGWIRE_SERVER_API_WORK_CONVERT_H_

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "gigwire/v1/assignment.pb.h"
#include "gigwire/v1/booking.pb.h"
#include "gigwire/v1/job.pb.h"
#include "gigwire/v1/offer.pb.h"
#include "gigwire/v1/proposal.pb.h"
#include "gigwire/v1/review.pb.h"
#include "server/auth/authenticator.h"
#include "server/domain/proposals.h"
#include "server/model/marketplace.h"
#include "server/model/proposal.h"

namespace gigwire {

void ToProto(const Job& job, const Principal& viewer, v1::Job* out);
void ToProto(const Assignment& assignment, v1::Assignment* out);
void ToProto(const Offer& offer, const Principal& viewer, absl::Time now, v1::Offer* out);
void ToProto(const Booking& booking, const Principal& viewer, v1::Booking* out);
void ToProto(const Review& review, v1::Review* out);
void ToProto(const PlannedMilestone& step, v1::PlannedMilestone* out);
void ToProto(const Proposal& proposal, const Principal& viewer, absl::Time now,
             v1::Proposal* out);
void ToProto(const BidInvitation& invitation, v1::BidInvitation* out);
ProposalDraft ProposalDraftFromProto(const v1::Proposal& proposal);
absl::StatusOr<std::optional<ProposalState>> ProposalStateFromProto(int state,
                                                                    absl::string_view field);
// The plan as sent; the rules validate it.
std::vector<PlannedMilestone> MilestonePlanFromProto(
    const google::protobuf::RepeatedPtrField<v1::PlannedMilestone>& plan);

// The client-settable fields of CreateJobRequest.job.
Job JobDraftFromProto(const v1::Job& job);

// nullopt for *_UNSPECIFIED; INVALID_ARGUMENT for unknown values.
absl::StatusOr<std::optional<JobState>> JobStateFromProto(int state, absl::string_view field);
absl::StatusOr<std::optional<OfferState>> OfferStateFromProto(int state, absl::string_view field);
absl::StatusOr<std::optional<BookingState>> BookingStateFromProto(int state,
                                                                  absl::string_view field);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_WORK_CONVERT_H_
