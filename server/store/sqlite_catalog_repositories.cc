// SQL of the catalog: categories, gigs, and seller search.
#include "server/store/sqlite_repositories.h"

namespace gigwire {

absl::StatusOr<std::vector<Category>> SqliteCategoryRepository::List() {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<Category> SqliteCategoryRepository::FindById(const std::string& id) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteCategoryRepository::Insert(const Category& category) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteCategoryRepository::Update(const Category& category, int64_t expected_version) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<Gig> SqliteGigRepository::FindById(const std::string& id) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteGigRepository::Insert(const Gig& gig) {
  return absl::UnimplementedError("not implemented yet");
}

absl::Status SqliteGigRepository::Update(const Gig& gig, int64_t expected_version) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<Gig>> SqliteGigRepository::List(const GigQuery& query) {
  return absl::UnimplementedError("not implemented yet");
}

absl::StatusOr<std::vector<SellerSummary>> SqliteUserRepository::SearchSellers(const SellerQuery& query) {
  return absl::UnimplementedError("not implemented yet");
}

}  // namespace gigwire
