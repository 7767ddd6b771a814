// The composition root: builds the backend (store, auth, domain) and serves
// it over gRPC with health checking and server reflection.
//
// Lifecycle: `Backend::Open` -> `GigwireServer::Start` -> ... ->
// `GigwireServer::Shutdown` (stop accepting, let in-flight calls finish until
// the grace period ends, then cancel them) -> destroy the server, then the
// backend (which checkpoints and closes the database).
//
// Thread safety: Start/Shutdown/Wait from one controlling thread; the
// accessors are thread-safe.
#ifndef GIGWIRE_SERVER_API_SERVER_H_
#define GIGWIRE_SERVER_API_SERVER_H_

#include <grpcpp/server.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/api/catalog_services.h"
#include "server/api/conversation_services.h"
#include "server/api/event_convert.h"
#include "server/api/event_services.h"
#include "server/api/file_services.h"
#include "server/api/money_services.h"
#include "server/api/rpc_runner.h"
#include "server/api/services.h"
#include "server/api/work_services.h"
#include "server/auth/authenticator.h"
#include "server/auth/password_hasher.h"
#include "server/auth/rate_limiter.h"
#include "server/auth/tokens.h"
#include "server/common/clock.h"
#include "server/domain/accounts.h"
#include "server/domain/api_keys.h"
#include "server/domain/audit.h"
#include "server/domain/catalog.h"
#include "server/domain/conversations.h"
#include "server/domain/sellers.h"
#include "server/domain/bookings.h"
#include "server/domain/disputes.h"
#include "server/domain/files.h"
#include "server/domain/jobs.h"
#include "server/domain/ledger_reads.h"
#include "server/domain/milestone_moves.h"
#include "server/domain/milestones.h"
#include "server/domain/notifications.h"
#include "server/domain/offers.h"
#include "server/domain/outbox.h"
#include "server/domain/payments.h"
#include "server/domain/payouts.h"
#include "server/domain/portfolio.h"
#include "server/domain/proposals.h"
#include "server/domain/reviews.h"
#include "server/domain/scheduler.h"
#include "server/events/event_hub.h"
#include "server/files/blob_store.h"
#include "server/payments/manual_gateway.h"
#include "server/payments/stripe_gateway.h"
#include "server/payments/stripe_client.h"
#include "server/store/sqlite/sqlite_store.h"

namespace gigwire {

// Uploaded files: where their bytes live and the limits.
struct FileOptions {
  // --files-dir. Empty: "files" beside the database file, or a temporary
  // directory (removed with the backend) for an in-memory database.
  std::string dir;
  FileLimits limits;  // --max-upload-bytes, --storage-quota-bytes
  // Whether Backend::Open removes what a crash left in the directory. Only
  // for the process that owns it (the one serving): the sweep would delete
  // another process's uploads in progress (gigwired --create-admin runs
  // beside a serving gigwired).
  bool recover_at_open = true;
};

struct BackendOptions {
  SqliteStoreOptions store;
  std::vector<TokenKey> token_keys;  // must not be empty
  TokenConfig tokens;
  ScryptParams scrypt = ScryptParams::Owasp();
  int max_concurrent_hashes = 2;
  RateLimitConfig rate_limits;
  SchedulerConfig scheduler;
  EventHubOptions events;
  // The open market: a seller's cap of live proposals, and how long after
  // bidding closes a buyer may still accept one.
  int max_open_proposals = Proposals::kDefaultMaxOpenProposals;
  absl::Duration award_grace = Jobs::kDefaultAwardGrace;
  // Money: the platform fee and auto-release delay, and how payments come
  // in: "manual" (bank transfers an admin confirms) or "stripe".
  MoneySettings money;
  std::string payment_gateway = "manual";
  ManualGatewayOptions manual_gateway;
  StripeOptions stripe;
  FileOptions files;
  const Clock* clock = &SystemClock::Get();  // not owned
};

// Everything below the gRPC layer, wired together.
struct Backend {
  // Opens the store and the files directory, removes what a crash left there
  // (Files::RecoverAfterRestart, before anything is served; unless
  // files.recover_at_open is false), and starts the
  // event hub. Errors: those of SqliteStore::Open, BlobStore::Open, the
  // recovery and EventHub::Start; INVALID_ARGUMENT without token keys.
  // INVALID_ARGUMENT also for an unknown payment gateway or unusable Stripe
  // options.
  static absl::StatusOr<std::unique_ptr<Backend>> Open(const BackendOptions& options);

  const Clock& clock;
  std::unique_ptr<SqliteStore> store;
  // The outbox every domain service records its changes through; declared
  // before the services, which keep references to it.
  ProtoEventEncoder event_encoder;
  Outbox outbox;
  PasswordHasher hasher;
  TokenService tokens;
  RateLimits limits;
  PrincipalCache principals;
  Authenticator authenticator;
  Accounts accounts;
  ApiKeys api_keys;
  Catalog catalog;
  SellerSearch sellers;
  Portfolio portfolio;
  AuditLog audit_log;
  Jobs jobs;
  Offers offers;
  Proposals proposals;
  Bookings bookings;
  Reviews reviews;
  Notifications notifications;
  // Money: how payments come in, and the services that move it.
  std::unique_ptr<PaymentGateway> gateway;
  MilestoneMover milestone_mover;
  Milestones milestones;
  Payments payments;
  Payouts payouts;
  Disputes disputes;
  LedgerReads ledger_reads;
  // Messaging (issue 16).
  Conversations conversations;
  // Files (issue 16): the blobs under the files directory and the service.
  std::string owned_files_dir;  // a temporary --files-dir, removed with the backend
  std::unique_ptr<BlobStore> blobs;
  Files files;
  // Not started here: gigwired starts it; tests drive RunOnce with a FakeClock.
  Scheduler scheduler;
  // Fans committed events out to the streams; declared last so it stops
  // (ending every stream) before anything it reads is destroyed.
  std::unique_ptr<EventHub> hub;

  Backend(const BackendOptions& options, std::unique_ptr<SqliteStore> opened_store,
          std::unique_ptr<PaymentGateway> payment_gateway,
          std::unique_ptr<BlobStore> blob_store);
  ~Backend();  // stops the scheduler, then the hub, then closes the store
};

struct ServerOptions {
  std::string listen_address = "127.0.0.1:50051";  // port 0 picks a free port
  std::string tls_cert_pem;                          // both empty: plaintext
  std::string tls_key_pem;
  int max_message_bytes = 4 << 20;
  int max_concurrent_streams = 1000;
  int idle_handler_threads = 16;  // idle sync-server threads kept ready for bursts
};

class GigwireServer {
 public:
  // `backend` must outlive the server. Errors: UNAVAILABLE if the address
  // cannot be bound.
  static absl::StatusOr<std::unique_ptr<GigwireServer>> Start(const ServerOptions& options,
                                                             Backend& backend);
  ~GigwireServer();

  // "host:port" actually bound (with the real port when 0 was asked).
  const std::string& address() const { return address_; }
  int port() const { return port_; }

  // A channel to this server that skips the network (the web port forwards
  // gRPC-Web calls through it). Calls on it see the peer "inproc"; see
  // PeerAddress in rpc_runner.h for how their client address is known.
  std::shared_ptr<grpc::Channel> InProcessChannel();

  // Marks health NOT_SERVING, ends every open stream with UNAVAILABLE (so
  // clients reconnect elsewhere at once), refuses new calls with UNAVAILABLE
  // (SHUTTING_DOWN) while in-flight calls finish, up to `grace`, then closes
  // every connection at once (idle ones do not hold it up) and cancels what
  // is left. Idempotent.
  void Shutdown(absl::Duration grace);
  // Blocks until Shutdown has completed.
  void Wait();

 private:
  explicit GigwireServer(Backend& backend);

  RpcRunner rpc_;
  AuthServiceImpl auth_service_;
  UserServiceImpl user_service_;
  ApiKeyServiceImpl api_key_service_;
  CatalogServiceImpl catalog_service_;
  SellerServiceImpl seller_service_;
  PortfolioServiceImpl portfolio_service_;
  AuditServiceImpl audit_service_;
  JobServiceImpl job_service_;
  AssignmentServiceImpl assignment_service_;
  ProposalServiceImpl proposal_service_;
  OfferServiceImpl offer_service_;
  BookingServiceImpl booking_service_;
  ReviewServiceImpl review_service_;
  EventServiceImpl event_service_;
  NotificationServiceImpl notification_service_;
  MilestoneServiceImpl milestone_service_;
  PaymentServiceImpl payment_service_;
  PayoutServiceImpl payout_service_;
  DisputeServiceImpl dispute_service_;
  LedgerServiceImpl ledger_service_;
  FileServiceImpl file_service_;
  ConversationServiceImpl conversation_service_;
  EventHub& hub_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  int port_ = 0;
  bool shut_down_ = false;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_SERVER_H_
