// OfferRepository and its query (OfferQuery). See store.h for the transaction,
// error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_OFFER_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_OFFER_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/marketplace.h"
#include "server/store/list_cursor.h"

namespace gigwire {

struct OfferQuery {
  std::optional<OfferState> state;
  std::string job_id;
  std::string seller_id;
  std::optional<ListCursor> after;
  int limit = 50;
};

class OfferRepository {
 public:
  virtual ~OfferRepository() = default;
  virtual absl::StatusOr<Offer> FindById(const std::string& id) = 0;
  // ALREADY_EXISTS when the seller already has an offer for the job.
  virtual absl::Status Insert(const Offer& offer) = 0;
  virtual absl::Status Update(const Offer& offer, int64_t expected_version) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<Offer>> List(const OfferQuery& query) = 0;
  virtual absl::StatusOr<std::vector<Offer>> ListPendingForJob(const std::string& job_id) = 0;
  // PENDING offers whose expire time is at or before `now`.
  virtual absl::StatusOr<std::vector<Offer>> ListExpiredPending(absl::Time now, int limit) = 0;
  virtual absl::StatusOr<bool> SellerHasOffer(const std::string& job_id,
                                              const std::string& seller_id) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_OFFER_REPOSITORY_H_
