// ProposalRepository (with ProposalQuery) and BidInvitationRepository. See
// store.h for the transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_PROPOSAL_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_PROPOSAL_REPOSITORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/model/proposal.h"

namespace gigwire {

struct ProposalQuery {
  std::string job_id;     // empty: any job
  std::string seller_id;  // empty: any seller
  std::vector<ProposalState> states;  // empty: any state
  enum class Order { kNewest, kPrice, kSellerRating } order = Order::kNewest;
  int offset = 0;
  int limit = 50;
};

class ProposalRepository {
 public:
  virtual ~ProposalRepository() = default;
  // With the milestone plan and the joined display fields.
  virtual absl::StatusOr<Proposal> FindById(const std::string& id) = 0;
  // The seller's live (SUBMITTED or SHORTLISTED) proposal on the job;
  // NOT_FOUND when it has none.
  virtual absl::StatusOr<Proposal> FindLive(const std::string& job_id,
                                            const std::string& seller_id) = 0;
  // Stores the proposal and its plan. ALREADY_EXISTS (DUPLICATE) when the
  // seller already has a live proposal on the job.
  virtual absl::Status Insert(const Proposal& proposal) = 0;
  // Stores every field and the plan, only if the stored version is
  // `expected_version`; ABORTED (ETAG_MISMATCH) if not.
  virtual absl::Status Update(const Proposal& proposal, int64_t expected_version) = 0;
  // One page in the query's order (ties: newest first), with plans.
  virtual absl::StatusOr<std::vector<Proposal>> List(const ProposalQuery& query) = 0;
  // How many proposals match the query's filters (ignoring offset/limit).
  virtual absl::StatusOr<int> Count(const ProposalQuery& query) = 0;
  // How many live proposals the seller has over all jobs.
  virtual absl::StatusOr<int> CountLiveBySeller(const std::string& seller_id) = 0;
};

class BidInvitationRepository {
 public:
  virtual ~BidInvitationRepository() = default;
  virtual absl::StatusOr<BidInvitation> FindById(const std::string& id) = 0;
  // ALREADY_EXISTS (DUPLICATE) when the seller was already invited to the job.
  virtual absl::Status Insert(const BidInvitation& invitation) = 0;
  virtual absl::StatusOr<bool> Exists(const std::string& job_id,
                                      const std::string& seller_id) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_PROPOSAL_REPOSITORY_H_
