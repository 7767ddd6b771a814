// Proposal rules: the open market's bidding. Sellers submit, update and
// withdraw proposals on approved open projects while bidding is open; the
// job's buyer shortlists, declines, accepts, and invites sellers to bid.
//
// Accept creates the booking (source PROPOSAL, the agreed price, due the
// delivery days after acceptance, the milestone plan), marks every other
// live proposal NOT_SELECTED and the job BOOKED, in one transaction; the
// serialized writer makes a second concurrent accept see the job BOOKED
// (FAILED_PRECONDITION, INVALID_STATE). One live proposal per seller and
// job (ALREADY_EXISTS, PROPOSAL_EXISTS) and at most `max_open_proposals`
// live proposals per seller (RESOURCE_EXHAUSTED, TOO_MANY_OPEN_PROPOSALS).
//
// Visibility (sealed bids): a proposal is visible to its seller, to the
// job's buyer and to admins; NOT_FOUND to everyone else, including other
// sellers bidding on the same job. Errors as in jobs.h plus BIDDING_CLOSED,
// SELF_DEALING, SELLER_UNAVAILABLE (status.h).
// Events (outbox, same transaction; none on a replay): PROPOSAL_SUBMITTED,
// _UPDATED, _WITHDRAWN, _SHORTLISTED, _DECLINED; an accept records
// PROPOSAL_ACCEPTED, PROPOSAL_NOT_SELECTED for each other live proposal,
// BOOKING_CREATED, JOB_BOOKED; InviteToBid records INVITED_TO_BID.
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_PROPOSALS_H_
#define GIGWIRE_SERVER_DOMAIN_PROPOSALS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/domain/idempotency.h"
#include "server/domain/outbox.h"
#include "server/model/proposal.h"
#include "server/store/store.h"

namespace gigwire {

// What a seller bids (SubmitProposal) or changes (UpdateProposal).
struct ProposalDraft {
  Money price;
  int32_t delivery_days = 0;
  std::string cover_letter;
  std::vector<PlannedMilestone> milestones;
};

struct ProposalFilter {
  std::string job_id;
  std::string seller_id;  // admins only
  std::optional<ProposalState> state;
  bool shortlisted_only = false;
  ProposalQuery::Order order = ProposalQuery::Order::kNewest;
};

struct ProposalPage {
  std::vector<Proposal> proposals;
  std::string next_page_token;
  int total_size = 0;
};

class Proposals {
 public:
  static constexpr int kDefaultMaxOpenProposals = 50;

  Proposals(Store& store, const Clock& clock, const Outbox& outbox,
            int max_open_proposals = kDefaultMaxOpenProposals)
      : store_(store), clock_(clock), outbox_(outbox), max_open_(max_open_proposals) {}

  // Sellers; the job must be an approved open project in bidding.
  absl::StatusOr<Proposal> Submit(const Principal& caller, const std::string& job_id,
                                  const ProposalDraft& draft, const RequestKey& key);
  // Its seller; `paths` among price, delivery_days, cover_letter, milestones.
  absl::StatusOr<Proposal> Update(const Principal& caller, const std::string& id,
                                  const ProposalDraft& draft,
                                  const std::vector<std::string>& paths,
                                  const std::string& etag, const RequestKey& key);
  absl::StatusOr<Proposal> Withdraw(const Principal& caller, const std::string& id,
                                    const std::string& reason, const RequestKey& key);
  absl::StatusOr<Proposal> Get(const Principal& caller, const std::string& id);
  absl::StatusOr<ProposalPage> List(const Principal& caller, const ProposalFilter& filter,
                                    int page_size, absl::string_view page_token);
  // The job's buyer.
  absl::StatusOr<Proposal> Shortlist(const Principal& caller, const std::string& id,
                                     const RequestKey& key);
  absl::StatusOr<Proposal> Decline(const Principal& caller, const std::string& id,
                                   const std::string& reason, const RequestKey& key);
  absl::StatusOr<Proposal> Accept(const Principal& caller, const std::string& id,
                                  const RequestKey& key);
  absl::StatusOr<BidInvitation> Invite(const Principal& caller, const std::string& job_id,
                                       const std::string& seller_id, const std::string& note,
                                       const RequestKey& key);

 private:
  absl::StatusOr<Proposal> LoadVisible(Tx& tx, const Principal& caller, const std::string& id);
  // The open project `job_id` in bidding that `caller` may bid on.
  absl::StatusOr<Job> LoadBiddable(Tx& tx, const Principal& caller, const std::string& job_id);
  // Loads a visible proposal, runs `change` (which checks who may act and
  // sets the new state), saves it and records `type`.
  absl::StatusOr<Proposal> Change(const Principal& caller, const std::string& id,
                                  const RequestKey& key, EventType type,
                                  absl::FunctionRef<absl::Status(Tx&, Proposal&)> change);
  // The rest of an accept: closes the other proposals, creates the
  // booking, books the job.
  absl::Status Book(Tx& tx, const Principal& caller, Proposal& proposal, absl::Time now);

  Store& store_;
  const Clock& clock_;
  const Outbox& outbox_;
  const int max_open_;
};

// Actions the viewer may take now: "update", "withdraw" (its seller),
// "shortlist", "decline", "accept" (the job's buyer).
std::vector<std::string> ProposalActions(const Principal& viewer, const Proposal& proposal,
                                         absl::Time now);

// Marks every live proposal of `job_id` but `except_id` NOT_SELECTED,
// recording PROPOSAL_NOT_SELECTED for each by `actor_id`.
absl::Status CloseLiveProposals(Tx& tx, const Outbox& outbox, const std::string& actor_id,
                                const std::string& job_id, absl::Time now,
                                const std::string& except_id = "");

// Whether sellers may bid on `job` at `now`: an open project, OPEN, before
// its bidding close time and due time.
bool IsInBidding(const Job& job, absl::Time now);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_PROPOSALS_H_
