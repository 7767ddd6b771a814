// Storage interfaces: what the domain may ask of the database.
//
// All access goes through a transaction: `Store::Write` runs a function in one
// serialized read-write transaction (committed when the function returns OK,
// rolled back otherwise, so nothing half-done is ever visible), `Store::Read`
// in a consistent read-only snapshot that may run concurrently with other
// reads and with the writer. Repositories obtained from a `Tx` are valid only
// inside that function.
//
// Errors: NOT_FOUND from Find* when there is no such row; ALREADY_EXISTS on a
// uniqueness violation; UNAVAILABLE (SERVER_BUSY) when the database stays
// locked past the busy timeout; INTERNAL for anything else (no SQL text in
// messages). Mutators inside `Read` fail with INTERNAL.
//
// Thread safety: `Store` is thread-safe; a `Tx` and its repositories belong to
// the calling thread for the duration of the function.
#ifndef GIGWIRE_SERVER_STORE_STORE_H_
#define GIGWIRE_SERVER_STORE_STORE_H_

#include <functional>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "server/store/api_key_repository.h"
#include "server/store/assignment_repository.h"
#include "server/store/audit_repository.h"
#include "server/store/booking_repository.h"
#include "server/store/category_repository.h"
#include "server/store/conversation_repository.h"
#include "server/store/dispute_repository.h"
#include "server/store/event_repository.h"
#include "server/store/file_repository.h"
#include "server/store/gig_repository.h"
#include "server/store/job_repository.h"
#include "server/store/ledger_repository.h"
#include "server/store/list_cursor.h"
#include "server/store/milestone_repository.h"
#include "server/store/notification_repository.h"
#include "server/store/offer_repository.h"
#include "server/store/payment_repository.h"
#include "server/store/portfolio_repository.h"
#include "server/store/proposal_repository.h"
#include "server/store/refresh_token_repository.h"
#include "server/store/request_id_repository.h"
#include "server/store/review_repository.h"
#include "server/store/user_repository.h"

namespace gigwire {

// One transaction's view of every repository.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual UserRepository& users() = 0;
  virtual RefreshTokenRepository& refresh_tokens() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
  virtual CategoryRepository& categories() = 0;
  virtual GigRepository& gigs() = 0;
  virtual JobRepository& jobs() = 0;
  virtual AssignmentRepository& assignments() = 0;
  virtual OfferRepository& offers() = 0;
  virtual BookingRepository& bookings() = 0;
  virtual ReviewRepository& reviews() = 0;
  virtual AuditRepository& audit() = 0;
  virtual RequestIdRepository& request_ids() = 0;
  virtual EventRepository& events() = 0;
  virtual NotificationRepository& notifications() = 0;
  virtual ProposalRepository& proposals() = 0;
  virtual BidInvitationRepository& bid_invitations() = 0;
  virtual PortfolioRepository& portfolio() = 0;
  virtual LedgerRepository& ledger() = 0;
  virtual MilestoneRepository& milestones() = 0;
  virtual PaymentRepository& payments() = 0;
  virtual PayoutRepository& payouts() = 0;
  virtual DisputeRepository& disputes() = 0;
  virtual ConversationRepository& conversations() = 0;
  virtual MessageRepository& messages() = 0;
  virtual BlockRepository& blocks() = 0;
  virtual FileRepository& files() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `fn` in the single serialized read-write transaction. Commits when
  // `fn` returns OK; returns `fn`'s error (after rollback) otherwise.
  virtual absl::Status Write(absl::FunctionRef<absl::Status(Tx&)> fn) = 0;
  // Runs `fn` in a read-only snapshot.
  virtual absl::Status Read(absl::FunctionRef<absl::Status(Tx&)> fn) = 0;
  // Calls `observer` after every COMMIT of a transaction that appended
  // events, on the committing thread, outside the store's locks; it must be
  // quick and must not call back into the store. Set once, before serving
  // (not thread-safe against concurrent writes); nullptr clears it.
  virtual void SetEventsCommittedObserver(std::function<void()> observer) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_STORE_H_
