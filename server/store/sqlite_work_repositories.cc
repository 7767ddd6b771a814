// SQL of the work flow: jobs, assignments, offers, bookings, reviews, audit, request ids.
#include "server/store/sqlite_repositories.h"

namespace gigwire {

absl::StatusOr<Job> SqliteJobRepository::FindById(const std::string& id) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteJobRepository::Insert(const Job& job) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteJobRepository::Update(const Job& job, int64_t expected_version) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<Job>> SqliteJobRepository::List(const JobQuery& query) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<std::pair<JobState, int>>> SqliteJobRepository::CountByState( const std::string& buyer_id) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<Job>> SqliteJobRepository::ListDue(absl::Time now, int limit) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteAssignmentRepository::Insert(const Assignment& assignment) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<Assignment>> SqliteAssignmentRepository::ListByJob(const std::string& job_id, const std::optional<ListCursor>& after, int limit) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<Offer> SqliteOfferRepository::FindById(const std::string& id) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteOfferRepository::Insert(const Offer& offer) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteOfferRepository::Update(const Offer& offer, int64_t expected_version) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<Offer>> SqliteOfferRepository::List(const OfferQuery& query) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<Offer>> SqliteOfferRepository::ListPendingForJob(const std::string& job_id) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<Offer>> SqliteOfferRepository::ListExpiredPending(absl::Time now, int limit) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<bool> SqliteOfferRepository::SellerHasOffer(const std::string& job_id, const std::string& seller_id) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<Booking> SqliteBookingRepository::FindById(const std::string& id) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteBookingRepository::Insert(const Booking& booking) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteBookingRepository::Update(const Booking& booking, int64_t expected_version) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<Booking>> SqliteBookingRepository::List(const BookingQuery& query) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteReviewRepository::Insert(const Review& review) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<Review>> SqliteReviewRepository::ListBySubject(const std::string& subject_id, const std::optional<ListCursor>& after, int limit) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteAuditRepository::Append(const AuditEntry& entry) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<AuditEntry>> SqliteAuditRepository::List(const AuditQuery& query) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<RequestRecord> SqliteRequestIdRepository::Find(const std::string& principal_id, const std::string& method, const std::string& request_id) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteRequestIdRepository::Insert(const RequestRecord& record) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<int> SqliteRequestIdRepository::DeleteBefore(absl::Time cutoff) {
  return absl::UnimplementedError("not implemented yet");
}

}  // namespace gigwire
