// Backend wiring and the gRPC server; see server.h.
#include "server/api/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/resource_quota.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server_builder.h>

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"
#include "server/api/library_logs.h"
#include "server/api/malformed_request.h"
#include "server/common/json_log.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

const char* const kServiceNames[] = {
    "gigwire.v1.AuthService",       "gigwire.v1.UserService",    "gigwire.v1.ApiKeyService",
    "gigwire.v1.JobService",        "gigwire.v1.AssignmentService", "gigwire.v1.OfferService",
    "gigwire.v1.BookingService",    "gigwire.v1.ReviewService",
    "gigwire.v1.CatalogService",    "gigwire.v1.SellerService",  "gigwire.v1.AuditService",
    "gigwire.v1.EventService",      "gigwire.v1.NotificationService",
    "gigwire.v1.PortfolioService",  "gigwire.v1.ProposalService",
    "gigwire.v1.MilestoneService",  "gigwire.v1.PaymentService", "gigwire.v1.PayoutService",
    "gigwire.v1.DisputeService",    "gigwire.v1.LedgerService",
    "gigwire.v1.FileService",
    "gigwire.v1.ConversationService",
};

// The payment gateway `options` name.
absl::StatusOr<std::unique_ptr<PaymentGateway>> MakeGateway(const BackendOptions& options) {
  if (options.payment_gateway == "manual") {
    return std::make_unique<ManualGateway>(options.manual_gateway);
  }
  if (options.payment_gateway == "stripe") {
    GW_ASSIGN_OR_RETURN(std::unique_ptr<StripeGateway> stripe,
                        StripeGateway::Create(options.stripe));
    return std::unique_ptr<PaymentGateway>(std::move(stripe));
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown payment gateway \"",
                                                 options.payment_gateway,
                                                 "\" (manual or stripe)"));
}

// Where uploaded files live, and whether the backend made (and removes) it.
struct FilesDir {
  std::string path;
  std::string owned;  // == path when it is a temporary directory
};

absl::StatusOr<FilesDir> ResolveFilesDir(const BackendOptions& options) {
  if (!options.files.dir.empty()) return FilesDir{options.files.dir, ""};
  const std::string& db = options.store.path;
  if (!db.empty() && db != ":memory:" && db.rfind("file::memory:", 0) != 0) {
    std::filesystem::path parent = std::filesystem::path(db).parent_path();
    return FilesDir{(parent.empty() ? std::filesystem::path("files") : parent / "files").string(),
                    ""};
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "gigwire_files_XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Internal("cannot create a temporary files directory");
  }
  return FilesDir{pattern, pattern};
}

void RemoveOwnedDir(const std::string& dir) {
  if (dir.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

// Removes what a crash left in the files directory, before serving.
absl::Status RecoverFiles(Files& files) {
  GW_ASSIGN_OR_RETURN(const FileSweepCounts removed, files.RecoverAfterRestart());
  if (removed.orphan_blobs > 0 || removed.stale_temporaries > 0) {
    JsonLog("files recovered")
        .Int("orphan_blobs", removed.orphan_blobs)
        .Int("stale_temporaries", removed.stale_temporaries)
        .Emit();
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ServerCredentials> Credentials(const ServerOptions& options) {
  if (options.tls_cert_pem.empty()) return grpc::InsecureServerCredentials();
  grpc::SslServerCredentialsOptions ssl;
  ssl.pem_key_cert_pairs.push_back({options.tls_key_pem, options.tls_cert_pem});
  return grpc::SslServerCredentials(ssl);
}

void ApplyTransportPolicy(const ServerOptions& options, grpc::ServerBuilder& builder) {
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, options.max_concurrent_streams);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, 60'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20'000);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10'000);
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MAX_PING_STRIKES, 2);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, 30 * 60'000);
  grpc::ResourceQuota quota("gigwired");
  quota.SetMaxThreads(256);
  builder.SetResourceQuota(quota);
  // Keep enough idle polling threads that a burst of calls does not create
  // and destroy a thread per call (the default keeps at most 2 idle).
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MIN_POLLERS, 2);
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS,
                              options.idle_handler_threads);
}

}  // namespace

Backend::Backend(const BackendOptions& options, std::unique_ptr<SqliteStore> opened_store,
                 std::unique_ptr<PaymentGateway> payment_gateway,
                 std::unique_ptr<BlobStore> blob_store)
    : clock(*options.clock),
      store(std::move(opened_store)),
      outbox(event_encoder),
      hasher(options.scrypt, options.max_concurrent_hashes),
      tokens(options.token_keys, options.tokens, clock),
      limits(options.rate_limits, clock),
      authenticator(*store, tokens, &principals),
      accounts(*store, hasher, tokens, clock, AccountsConfig(), &principals),
      api_keys(*store, clock),
      catalog(*store, clock, outbox),
      sellers(*store),
      portfolio(*store, clock),
      audit_log(*store),
      jobs(*store, clock, outbox, options.award_grace),
      offers(*store, clock, outbox),
      proposals(*store, clock, outbox, options.max_open_proposals),
      bookings(*store, clock, outbox),
      reviews(*store, clock, outbox),
      notifications(*store),
      gateway(std::move(payment_gateway)),
      milestone_mover(clock, outbox, options.money),
      milestones(*store, milestone_mover),
      payments(*store, milestone_mover, *gateway),
      payouts(*store, milestone_mover),
      disputes(*store, milestone_mover),
      ledger_reads(*store, clock),
      conversations(*store, clock, outbox),
      blobs(std::move(blob_store)),
      files(*store, *blobs, clock, options.files.limits),
      scheduler(*store, jobs, offers, clock, options.scheduler, &milestones, &payments, &files) {}

absl::StatusOr<std::unique_ptr<Backend>> Backend::Open(const BackendOptions& options) {
  if (options.token_keys.empty()) return absl::InvalidArgumentError("no token signing key");
  if (options.money.platform_fee_bps < 0 || options.money.platform_fee_bps > 10'000) {
    return absl::InvalidArgumentError("the platform fee must be 0..10000 basis points");
  }
  GW_ASSIGN_OR_RETURN(std::unique_ptr<PaymentGateway> gateway, MakeGateway(options));
  GW_ASSIGN_OR_RETURN(std::unique_ptr<SqliteStore> store, SqliteStore::Open(options.store));
  GW_ASSIGN_OR_RETURN(FilesDir files_dir, ResolveFilesDir(options));
  absl::StatusOr<std::unique_ptr<BlobStore>> blobs = BlobStore::Open(files_dir.path);
  if (!blobs.ok()) {
    RemoveOwnedDir(files_dir.owned);
    return blobs.status();
  }
  auto backend = std::make_unique<Backend>(options, std::move(store), std::move(gateway),
                                           *std::move(blobs));
  backend->owned_files_dir = files_dir.owned;
  if (options.files.recover_at_open) GW_RETURN_IF_ERROR(RecoverFiles(backend->files));
  GW_ASSIGN_OR_RETURN(backend->hub, EventHub::Start(*backend->store, options.events));
  return backend;
}


Backend::~Backend() {
  scheduler.Stop();  // no write may run while the hub's store observer goes away
  hub.reset();
  RemoveOwnedDir(owned_files_dir);
}

GigwireServer::GigwireServer(Backend& backend)
    : rpc_(backend.authenticator, backend.limits),
      auth_service_(rpc_, backend.accounts),
      user_service_(rpc_, backend.accounts, *backend.hub, backend.portfolio),
      api_key_service_(rpc_, backend.api_keys, *backend.hub),
      catalog_service_(rpc_, backend.catalog),
      seller_service_(rpc_, backend.sellers),
      portfolio_service_(rpc_, backend.portfolio),
      audit_service_(rpc_, backend.audit_log),
      job_service_(rpc_, backend.jobs),
      assignment_service_(rpc_, backend.offers),
      proposal_service_(rpc_, backend.proposals, backend.clock),
      offer_service_(rpc_, backend.offers, backend.clock, *backend.hub),
      booking_service_(rpc_, backend.bookings),
      review_service_(rpc_, backend.reviews),
      event_service_(rpc_, *backend.hub, backend.clock),
      notification_service_(rpc_, backend.notifications),
      milestone_service_(rpc_, backend.milestones, backend.payments),
      payment_service_(rpc_, backend.payments),
      payout_service_(rpc_, backend.payouts),
      dispute_service_(rpc_, backend.disputes),
      ledger_service_(rpc_, backend.ledger_reads),
      file_service_(rpc_, backend.files),
      conversation_service_(rpc_, backend.conversations),
      hub_(*backend.hub) {}

absl::StatusOr<std::unique_ptr<GigwireServer>> GigwireServer::Start(const ServerOptions& options,
                                                                   Backend& backend) {
  grpc::EnableDefaultHealthCheckService(true);
  // Registers grpc.health.v1 in the descriptor pool so reflection serves it.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  std::unique_ptr<GigwireServer> server(new GigwireServer(backend));
  RouteLibraryLogsToJson();
  grpc::ServerBuilder builder;
  std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> interceptors;
  interceptors.push_back(std::make_unique<MalformedRequestInterceptorFactory>());
  builder.experimental().SetInterceptorCreators(std::move(interceptors));
  builder.AddListeningPort(options.listen_address, Credentials(options), &server->port_);
  ApplyTransportPolicy(options, builder);
  builder.RegisterService(&server->auth_service_);
  builder.RegisterService(&server->user_service_);
  builder.RegisterService(&server->api_key_service_);
  builder.RegisterService(&server->catalog_service_);
  builder.RegisterService(&server->seller_service_);
  builder.RegisterService(&server->portfolio_service_);
  builder.RegisterService(&server->audit_service_);
  builder.RegisterService(&server->job_service_);
  builder.RegisterService(&server->assignment_service_);
  builder.RegisterService(&server->proposal_service_);
  builder.RegisterService(&server->offer_service_);
  builder.RegisterService(&server->booking_service_);
  builder.RegisterService(&server->review_service_);
  builder.RegisterService(&server->event_service_);
  builder.RegisterService(&server->notification_service_);
  builder.RegisterService(&server->milestone_service_);
  builder.RegisterService(&server->payment_service_);
  builder.RegisterService(&server->payout_service_);
  builder.RegisterService(&server->dispute_service_);
  builder.RegisterService(&server->ledger_service_);
  builder.RegisterService(&server->file_service_);
  builder.RegisterService(&server->conversation_service_);
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return ServerBusy(absl::StrCat("cannot listen on ", options.listen_address));
  }
  std::string host = options.listen_address.substr(0, options.listen_address.rfind(':'));
  server->address_ = absl::StrCat(host, ":", server->port_);
  grpc::HealthCheckServiceInterface* health = server->server_->GetHealthCheckService();
  for (const char* name : kServiceNames) health->SetServingStatus(name, true);
  return server;
}

void GigwireServer::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  const absl::Time deadline = absl::Now() + grace;
  server_->GetHealthCheckService()->SetServingStatus(false);
  JsonLog("shutting down").Num("grace_s", absl::ToDoubleSeconds(grace)).Emit();
  // Streams never finish by themselves: end them first, so that clients see
  // UNAVAILABLE at once and reconnect from their cursor.
  hub_.Shutdown();
  // New calls are refused UNAVAILABLE (retriable) while the calls already
  // running finish: none ends CANCELLED unless the grace period runs out.
  if (!rpc_.Drain(deadline)) {
    JsonLog("grace period over: cancelling the calls still running", "warn").Emit();
  }
  // Nothing of ours is running now: close every connection at once, idle
  // ones included, instead of waiting the grace period for clients to leave.
  server_->Shutdown(absl::ToChronoTime(absl::Now()));
}

void GigwireServer::Wait() { server_->Wait(); }

std::shared_ptr<grpc::Channel> GigwireServer::InProcessChannel() {
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(-1);  // the server's own limit already applied
  arguments.SetMaxSendMessageSize(-1);
  return server_->InProcessChannel(arguments);
}

GigwireServer::~GigwireServer() {
  if (server_ != nullptr) Shutdown(absl::ZeroDuration());
}

}  // namespace gigwire
