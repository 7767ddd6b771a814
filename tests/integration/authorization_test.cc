// Object-level authorization of every RPC, table-driven: each row calls one
// RPC as anonymous, the buyer who owns the job, another buyer, the seller
// who owns the gig and holds the offer, another seller, and an admin, in
// that order, on a fresh in-process server, and checks each exact code (and
// its reason, where the row states one: the money rows do).
// What a caller may not see is NOT_FOUND; what it sees but may not do is
// PERMISSION_DENIED. Mutations let the allowed persona act last-but-one or
// last, so the expectation after it reflects the changed state.
//
// Each row runs twice, once per credential: with bearer tokens, and with
// API keys (issued by the admin for the buyer, the seller and the admin;
// the other personas call as in the bearer run, so the state evolves the
// same way). A key gets the bearer token's code, except on the RPCs a row
// declares bearer-only (managing API keys and roles), which refuse every key
// PERMISSION_DENIED (BEARER_TOKEN_REQUIRED). Every RPC of every service has
// a row (checked against the protos' descriptors), so a new RPC must state
// its codes and the credentials it takes.
#include <grpcpp/create_channel.h>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor_database.h>

#include <array>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <tuple>

#include "gigwire/v1/api_key.grpc.pb.h"
#include "gigwire/v1/assignment.grpc.pb.h"
#include "gigwire/v1/audit.grpc.pb.h"
#include "gigwire/v1/booking.grpc.pb.h"
#include "gigwire/v1/catalog.grpc.pb.h"
#include "gigwire/v1/conversation.grpc.pb.h"
#include "gigwire/v1/dispute.grpc.pb.h"
#include "gigwire/v1/errors.pb.h"
#include "gigwire/v1/event.grpc.pb.h"
#include "gigwire/v1/file.grpc.pb.h"
#include "gigwire/v1/job.grpc.pb.h"
#include "gigwire/v1/ledger.grpc.pb.h"
#include "gigwire/v1/milestone.grpc.pb.h"
#include "gigwire/v1/notification.grpc.pb.h"
#include "gigwire/v1/offer.grpc.pb.h"
#include "gigwire/v1/payment.grpc.pb.h"
#include "gigwire/v1/portfolio.grpc.pb.h"
#include "gigwire/v1/proposal.grpc.pb.h"
#include "gigwire/v1/review.grpc.pb.h"
#include "gigwire/v1/seller.grpc.pb.h"
#include "gigwire/v1/user.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/api/server.h"
#include "server/auth/crypto.h"

namespace gigwire {
namespace {

using grpc::StatusCode;
namespace pb = ::gigwire::v1;

enum Persona { kAnonymous, kBuyer, kOtherBuyer, kSeller, kOtherSeller, kAdmin, kPersonas };
constexpr std::array<Persona, kPersonas> kCallOrder = {kAnonymous, kOtherBuyer, kOtherSeller,
                                                       kBuyer, kSeller, kAdmin};
constexpr StatusCode OK = StatusCode::OK, NF = StatusCode::NOT_FOUND,
                     PD = StatusCode::PERMISSION_DENIED, UA = StatusCode::UNAUTHENTICATED,
                     FP = StatusCode::FAILED_PRECONDITION, IA = StatusCode::INVALID_ARGUMENT;

// How the personas that have an API key authenticate in a run.
enum class Credential { kBearerToken, kApiKey };

// The credentials a row's RPC takes: managing API keys and roles needs a
// signed-in user's bearer token.
enum class Accepts { kBearerOrApiKey, kBearerOnly };

// What a row needs to exist before its calls.
// kOpenProject: the buyer's approved open project in bidding (open_job_id);
// kProposal: with the seller's SUBMITTED proposal on it (proposal_id).
// kConversation: the buyer opened the conversation about the assigned job
// with the seller (conversation_id), who wrote in it (message_id);
// kHiddenMessage: then an admin hid that message.
// kSellerFile: the seller uploaded a PNG with request_id kSellerUpload
// (seller_file_id), unattached.
// From kActive on there is the ACTIVE booking (booking_id) with its one
// PENDING milestone for the whole price (milestone_id);
// kDeliveredWithFile: delivered with the seller's file (seller_file_id). Money on it (manual
// gateway): kMilestoneProposed, the buyer proposed a second milestone
// (proposed_milestone_id); kPaymentPending, the buyer funds it (payment_id,
// PENDING); kFunded, an admin confirmed the payment; kDisputed, then the
// buyer disputes it (dispute_id); kSubmitted, the seller submitted it
// instead; kReleased, the buyer approved it (the seller's available balance
// is the price); kPayoutRequested, the seller asks for a payout of 100
// minor units of it (payout_id).
enum class Setup {
  kBase, kPendingGig, kPausedGig, kPendingJob, kOpenProject, kProposal, kConversation,
  kHiddenMessage, kSellerFile, kActive, kDelivered, kDeliveredWithFile,
  kCompleted, kMilestoneProposed, kPaymentPending, kFunded, kDisputed, kSubmitted, kReleased,
  kPayoutRequested
};

// A running server with the cast and their resources.
struct World {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<GigwireServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::array<std::string, kPersonas> token;  // empty for anonymous
  std::array<std::string, kPersonas> user_id;
  // Secrets and ids of the keys of the buyer, the seller and the admin.
  std::array<std::string, kPersonas> api_key, api_key_id;
  Credential credential = Credential::kBearerToken;  // the setup uses tokens
  std::string category_id, category_etag, gig_id, draft_gig_id, job_id, pending_job_id,
      offer_id, booking_id;
  std::string open_job_id, proposal_id;
  absl::Time open_job_close;  // the open project's bidding close time
  std::string milestone_id, proposed_milestone_id, payment_id, dispute_id, payout_id;
  std::string seller_file_id;
  std::string conversation_id, message_id;
  pb::Money milestone_amount;

  template <typename Service>
  std::unique_ptr<typename Service::Stub> Stub() {
    return Service::NewStub(channel);
  }
};

// The metadata a call is made with; no header for anonymous.
struct Caller {
  std::string header, value;
};

Caller BearerToken(const std::string& token) {
  if (token.empty()) return {};
  return {"authorization", "Bearer " + token};
}

Caller ApiKey(const std::string& secret) { return {"x-api-key", secret}; }

bool CallsWithApiKey(const World& w, Persona p) {
  return w.credential == Credential::kApiKey && !w.api_key[p].empty();
}

// How `p` authenticates in the current run.
Caller CallerFor(const World& w, Persona p) {
  return CallsWithApiKey(w, p) ? ApiKey(w.api_key[p]) : BearerToken(w.token[p]);
}

// The reason in a status's details (gigwire.v1.RpcStatus), or UNSPECIFIED.
pb::ErrorReason ReasonIn(const grpc::Status& status) {
  pb::RpcStatus envelope;
  pb::ErrorDetails details;
  if (status.ok() || !envelope.ParseFromString(status.error_details()) ||
      envelope.details_size() != 1 || !envelope.details(0).UnpackTo(&details)) {
    return pb::ERROR_REASON_UNSPECIFIED;
  }
  return details.reason();
}

template <typename T>
struct NonDeduced {
  using type = T;
};

// Calls one unary method of a fresh stub as `caller`, returning its status.
template <typename Service, typename Request, typename Response>
grpc::Status Call(World& w, const Caller& caller,
                grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&,
                                                      Response*),
                const typename NonDeduced<Request>::type& request,
                typename NonDeduced<Response>::type* response) {
  auto stub = w.Stub<Service>();
  grpc::ClientContext context;
  if (!caller.header.empty()) context.AddMetadata(caller.header, caller.value);
  Response ignored;
  return ((*stub).*method)(&context, request, response ? response : &ignored);
}

// Opens one server stream as `caller` and reads its first message: OK when
// one arrives (a watch starts with a heartbeat), else the stream's status.
template <typename Service, typename Request, typename Response>
grpc::Status FirstMessage(World& w, const Caller& caller,
                        std::unique_ptr<grpc::ClientReader<Response>> (Service::Stub::*method)(
                            grpc::ClientContext*, const Request&),
                        const typename NonDeduced<Request>::type& request) {
  auto stub = w.Stub<Service>();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  if (!caller.header.empty()) context.AddMetadata(caller.header, caller.value);
  std::unique_ptr<grpc::ClientReader<Response>> reader = ((*stub).*method)(&context, request);
  Response first;
  if (reader->Read(&first)) {
    context.TryCancel();
    return grpc::Status::OK;
  }
  return reader->Finish();
}

#define GW_STREAM(w, persona, Service, Method, request) \
  FirstMessage<pb::Service>(w, CallerFor(w, persona), &pb::Service::Stub::Method, request)

#define GW_CALL(w, persona, Service, Method, request, response) \
  Call<pb::Service>(w, CallerFor(w, persona), &pb::Service::Stub::Method, request, response)

void MustOk(const grpc::Status& status, const char* step) {
  ASSERT_TRUE(status.ok()) << step << ": " << status.error_code() << " "
                           << status.error_message();
}

void CreateCast(World& w) {
  const std::pair<Persona, std::vector<Role>> cast[] = {
      {kBuyer, {Role::kBuyer}},   {kOtherBuyer, {Role::kBuyer}},
      {kSeller, {Role::kSeller}}, {kOtherSeller, {Role::kSeller}}};
  for (const auto& [persona, roles] : cast) {
    RegisterInput in{"p" + std::to_string(persona) + "@example.com", "a-long-enough-password",
                     "Persona", roles};
    absl::StatusOr<User> user = w.backend->accounts.Register(in);
    ASSERT_TRUE(user.ok()) << user.status();
    w.user_id[persona] = user->id;
  }
  absl::StatusOr<User> admin =
      w.backend->accounts.CreateOrPromoteAdmin("root@example.com", "a-long-enough-password");
  ASSERT_TRUE(admin.ok()) << admin.status();
  w.user_id[kAdmin] = admin->id;
  for (int p = kBuyer; p < kPersonas; ++p) w.token[p] = w.backend->tokens.Issue(w.user_id[p]);
}

// A new key acting as `owner`, issued with the admin's bearer token.
pb::CreateApiKeyResponse IssueApiKey(World& w, Persona owner, const std::string& name) {
  pb::CreateApiKeyRequest create;
  create.set_display_name(name);
  create.set_user_id(w.user_id[owner]);
  pb::CreateApiKeyResponse issued;
  MustOk(Call<pb::ApiKeyService>(w, BearerToken(w.token[kAdmin]),
                                 &pb::ApiKeyService::Stub::CreateApiKey, create, &issued),
         "CreateApiKey");
  return issued;
}

void IssuePersonaKeys(World& w) {
  for (Persona p : {kBuyer, kSeller, kAdmin}) {
    pb::CreateApiKeyResponse issued = IssueApiKey(w, p, "key of persona " + std::to_string(p));
    w.api_key[p] = issued.secret();
    w.api_key_id[p] = issued.api_key().id();
  }
}

std::string NewGig(World& w, Persona owner, bool approve) {
  pb::CreateGigRequest create;
  pb::Gig* gig = create.mutable_gig();
  gig->set_title("Logo design, three concepts");
  gig->set_description("Vector logo with revisions.");
  gig->set_category_id(w.category_id);
  gig->mutable_price()->set_currency_code("USD");
  gig->mutable_price()->set_amount_minor(15000);
  gig->set_delivery_days(5);
  pb::Gig made;
  MustOk(GW_CALL(w, owner, CatalogService, CreateGig, create, &made), "CreateGig");
  if (!approve) return made.id();
  pb::GigActionRequest action;
  action.set_id(made.id());
  MustOk(GW_CALL(w, owner, CatalogService, SubmitGig, action, nullptr), "SubmitGig");
  MustOk(GW_CALL(w, kAdmin, CatalogService, ApproveGig, action, nullptr), "ApproveGig");
  return made.id();
}

std::string NewJob(World& w, bool approve) {
  pb::CreateJobRequest create;
  pb::Job* job = create.mutable_job();
  job->set_title("Brand identity for a bakery");
  job->set_description("Logo and colours.");
  job->set_category_id(w.category_id);
  job->mutable_budget()->mutable_min()->set_currency_code("USD");
  job->mutable_budget()->mutable_min()->set_amount_minor(10000);
  job->mutable_budget()->mutable_max()->set_currency_code("USD");
  job->mutable_budget()->mutable_max()->set_amount_minor(50000);
  job->mutable_due_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 7)));
  pb::Job made;
  MustOk(GW_CALL(w, kBuyer, JobService, CreateJob, create, &made), "CreateJob");
  if (approve) {
    pb::ApproveJobRequest approve_request;
    approve_request.set_id(made.id());
    MustOk(GW_CALL(w, kAdmin, JobService, ApproveJob, approve_request, nullptr), "ApproveJob");
  }
  return made.id();
}

void AssignSeller(World& w) {
  pb::AssignSellersRequest assign;
  assign.set_job_id(w.job_id);
  assign.add_seller_ids(w.user_id[kSeller]);
  assign.set_note("You fit this well");
  pb::AssignSellersResponse assigned;
  MustOk(GW_CALL(w, kAdmin, AssignmentService, AssignSellers, assign, &assigned), "Assign");
  w.offer_id = assigned.assignments(0).offer_id();
}

pb::Money Usd(int64_t amount_minor) {
  pb::Money money;
  money.set_currency_code("USD");
  money.set_amount_minor(amount_minor);
  return money;
}

// Money on the booking's milestone, as far as `setup` says (see Setup).
void AdvanceMoney(World& w, Setup setup) {
  if (setup == Setup::kMilestoneProposed) {
    pb::ProposeMilestoneRequest propose;
    propose.set_booking_id(w.booking_id);
    propose.set_title("A second round of concepts");
    *propose.mutable_amount() = Usd(5000);
    propose.mutable_due_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(240)));
    pb::Milestone proposed;
    MustOk(GW_CALL(w, kBuyer, MilestoneService, ProposeMilestone, propose, &proposed),
           "ProposeMilestone");
    w.proposed_milestone_id = proposed.id();
    return;
  }
  pb::FundMilestoneRequest fund;
  fund.set_id(w.milestone_id);
  pb::FundMilestoneResponse funded;
  MustOk(GW_CALL(w, kBuyer, MilestoneService, FundMilestone, fund, &funded), "FundMilestone");
  w.payment_id = funded.payment().id();
  if (setup == Setup::kPaymentPending) return;
  pb::ConfirmPaymentRequest confirm;
  confirm.set_id(w.payment_id);
  confirm.set_note("Transfer seen on the bank statement");
  MustOk(GW_CALL(w, kAdmin, PaymentService, ConfirmPayment, confirm, nullptr), "ConfirmPayment");
  if (setup == Setup::kFunded) return;
  if (setup == Setup::kDisputed) {
    pb::OpenDisputeRequest open;
    open.set_milestone_id(w.milestone_id);
    open.set_reason("Nothing delivered yet");
    pb::Dispute opened;
    MustOk(GW_CALL(w, kBuyer, DisputeService, OpenDispute, open, &opened), "OpenDispute");
    w.dispute_id = opened.id();
    return;
  }
  pb::SubmitMilestoneRequest submit;
  submit.set_id(w.milestone_id);
  submit.set_note("Three concepts attached");
  MustOk(GW_CALL(w, kSeller, MilestoneService, SubmitMilestone, submit, nullptr),
         "SubmitMilestone");
  if (setup == Setup::kSubmitted) return;
  pb::ApproveMilestoneRequest approve;
  approve.set_id(w.milestone_id);
  MustOk(GW_CALL(w, kBuyer, MilestoneService, ApproveMilestone, approve, nullptr),
         "ApproveMilestone");
  if (setup == Setup::kReleased) return;
  pb::RequestPayoutRequest payout;
  *payout.mutable_amount() = Usd(100);
  pb::Payout requested;
  MustOk(GW_CALL(w, kSeller, PayoutService, RequestPayout, payout, &requested), "RequestPayout");
  w.payout_id = requested.id();
}

void AdvanceBooking(World& w, Setup setup) {
  pb::AcceptOfferRequest accept;
  accept.set_id(w.offer_id);
  pb::Offer accepted;
  MustOk(GW_CALL(w, kSeller, OfferService, AcceptOffer, accept, &accepted), "AcceptOffer");
  w.booking_id = accepted.booking_id();
  pb::ListMilestonesRequest list;
  list.set_booking_id(w.booking_id);
  pb::ListMilestonesResponse listed;
  MustOk(GW_CALL(w, kBuyer, MilestoneService, ListMilestones, list, &listed), "ListMilestones");
  ASSERT_EQ(listed.milestones_size(), 1) << "an offer's booking has one milestone";
  w.milestone_id = listed.milestones(0).id();
  w.milestone_amount = listed.milestones(0).amount();
  if (setup == Setup::kActive) return;
  if (setup > Setup::kCompleted) return AdvanceMoney(w, setup);
  pb::DeliverBookingRequest deliver;
  deliver.set_id(w.booking_id);
  deliver.set_note("Here it is");
  if (setup == Setup::kDeliveredWithFile) deliver.add_attachment_ids(w.seller_file_id);
  MustOk(GW_CALL(w, kSeller, BookingService, DeliverBooking, deliver, nullptr), "Deliver");
  if (setup == Setup::kDelivered || setup == Setup::kDeliveredWithFile) return;
  pb::CompleteBookingRequest complete;
  complete.set_id(w.booking_id);
  MustOk(GW_CALL(w, kBuyer, BookingService, CompleteBooking, complete, nullptr), "Complete");
}

// The buyer's open project, approved: bidding closes in 3 days, due in 7.
void NewOpenProject(World& w) {
  pb::CreateJobRequest create;
  pb::Job* job = create.mutable_job();
  job->set_title("Landing page for a bakery");
  job->set_description("One page with the menu and a contact form.");
  job->set_category_id(w.category_id);
  job->set_sourcing_mode(pb::SOURCING_MODE_OPEN);
  job->mutable_budget()->mutable_min()->set_currency_code("USD");
  job->mutable_budget()->mutable_min()->set_amount_minor(10000);
  job->mutable_budget()->mutable_max()->set_currency_code("USD");
  job->mutable_budget()->mutable_max()->set_amount_minor(50000);
  w.open_job_close = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(72)));
  job->mutable_bidding_close_time()->set_seconds(absl::ToUnixSeconds(w.open_job_close));
  job->mutable_due_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 7)));
  pb::Job made;
  MustOk(GW_CALL(w, kBuyer, JobService, CreateJob, create, &made), "CreateJob open project");
  pb::ApproveJobRequest approve;
  approve.set_id(made.id());
  MustOk(GW_CALL(w, kAdmin, JobService, ApproveJob, approve, nullptr), "ApproveJob open");
  w.open_job_id = made.id();
}

pb::SubmitProposalRequest BidOn(const std::string& job_id) {
  pb::SubmitProposalRequest r;
  r.set_job_id(job_id);
  r.mutable_proposal()->mutable_price()->set_currency_code("USD");
  r.mutable_proposal()->mutable_price()->set_amount_minor(20000);
  r.mutable_proposal()->set_delivery_days(5);
  r.mutable_proposal()->set_cover_letter("I built the sites of three bakeries.");
  return r;
}

void SubmitSellersProposal(World& w) {
  pb::Proposal made;
  MustOk(GW_CALL(w, kSeller, ProposalService, SubmitProposal, BidOn(w.open_job_id), &made),
         "SubmitProposal");
  w.proposal_id = made.id();
}

constexpr char kSecret[] = "My phone is 555-0100, call me off the platform";

// The buyer opens the assigned job's conversation with the seller, who
// writes kSecret in it; an admin hides that message when `hide`.
void StartConversation(World& w, bool hide) {
  pb::OpenConversationRequest open;
  open.set_job_id(w.job_id);
  open.set_seller_id(w.user_id[kSeller]);
  pb::Conversation opened;
  MustOk(GW_CALL(w, kBuyer, ConversationService, OpenConversation, open, &opened),
         "OpenConversation");
  w.conversation_id = opened.id();
  pb::SendMessageRequest send;
  send.set_conversation_id(w.conversation_id);
  send.set_text(kSecret);
  pb::Message sent;
  MustOk(GW_CALL(w, kSeller, ConversationService, SendMessage, send, &sent), "SendMessage");
  w.message_id = sent.id();
  if (!hide) return;
  pb::HideMessageRequest hide_request;
  hide_request.set_id(w.message_id);
  hide_request.set_reason("Contact details outside the platform");
  MustOk(GW_CALL(w, kAdmin, ConversationService, HideMessage, hide_request, nullptr),
         "HideMessage");
}

constexpr char kSellerUpload[] = "seller-upload";

// A small PNG (its signature and IHDR chunk, then filler).
std::string TinyPng() {
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  png.append(200, '\1');
  return png;
}

pb::UploadHeader HeaderFor(const std::string& bytes, const std::string& request_id) {
  pb::UploadHeader header;
  header.set_name("concept.png");
  header.set_size_bytes(static_cast<int64_t>(bytes.size()));
  header.set_sha256(HexEncode(Sha256(bytes)));
  header.set_request_id(request_id);
  return header;
}

// Uploads TinyPng() through the client-streaming UploadFile as `p`: the
// header, then one chunk.
grpc::Status StreamUpload(World& w, Persona p, const std::string& request_id,
                          pb::FileInfo* info) {
  auto stub = w.Stub<pb::FileService>();
  grpc::ClientContext context;
  const Caller caller = CallerFor(w, p);
  if (!caller.header.empty()) context.AddMetadata(caller.header, caller.value);
  pb::FileInfo ignored;
  std::unique_ptr<grpc::ClientWriter<pb::UploadFileRequest>> writer =
      stub->UploadFile(&context, info != nullptr ? info : &ignored);
  const std::string png = TinyPng();
  pb::UploadFileRequest message;
  *message.mutable_header() = HeaderFor(png, request_id);
  if (writer->Write(message)) {
    message.set_chunk(png);
    writer->Write(message);
  }
  writer->WritesDone();
  return writer->Finish();
}

// The seller's unattached PNG, uploaded with kSellerUpload (kSellerFile and
// kDeliveredWithFile).
void UploadSellersFile(World& w) {
  pb::FileInfo info;
  MustOk(StreamUpload(w, kSeller, kSellerUpload, &info), "UploadFile");
  w.seller_file_id = info.id();
}

void BuildWorld(World& w, const std::filesystem::path& dir, Setup setup) {
  BackendOptions options;
  options.store.path = (dir / "gigwire.db").string();
  options.token_keys = *ParseTokenKeyFile(NewTokenKeyFileText());
  options.scrypt = ScryptParams::InsecureFastForTests();
  options.rate_limits.per_principal = {1e6, 1e6};
  w.backend = *Backend::Open(options);
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  w.server = *GigwireServer::Start(server_options, *w.backend);
  w.channel = grpc::CreateChannel(w.server->address(), grpc::InsecureChannelCredentials());
  CreateCast(w);
  IssuePersonaKeys(w);
  pb::CreateCategoryRequest category;
  category.mutable_category()->set_slug("design");
  category.mutable_category()->set_display_name("Design");
  pb::Category made;
  MustOk(GW_CALL(w, kAdmin, CatalogService, CreateCategory, category, &made), "CreateCategory");
  w.category_id = made.id();
  w.category_etag = made.etag();
  w.gig_id = NewGig(w, kSeller, /*approve=*/true);
  w.draft_gig_id = NewGig(w, kSeller, /*approve=*/false);
  w.job_id = NewJob(w, /*approve=*/true);
  AssignSeller(w);
  if (setup == Setup::kPendingJob) w.pending_job_id = NewJob(w, /*approve=*/false);
  if (setup == Setup::kPendingGig) {
    pb::GigActionRequest submit;
    submit.set_id(w.draft_gig_id);
    MustOk(GW_CALL(w, kSeller, CatalogService, SubmitGig, submit, nullptr), "Submit draft");
  }
  if (setup == Setup::kPausedGig) {
    pb::GigActionRequest pause;
    pause.set_id(w.gig_id);
    MustOk(GW_CALL(w, kSeller, CatalogService, PauseGig, pause, nullptr), "Pause");
  }
  if (setup == Setup::kOpenProject || setup == Setup::kProposal) NewOpenProject(w);
  if (setup == Setup::kProposal) SubmitSellersProposal(w);
  if (setup == Setup::kConversation || setup == Setup::kHiddenMessage) {
    StartConversation(w, setup == Setup::kHiddenMessage);
  }
  if (setup == Setup::kSellerFile || setup == Setup::kDeliveredWithFile) UploadSellersFile(w);
  if (setup >= Setup::kActive) AdvanceBooking(w, setup);
}

// A call's expected code, and its reason where the row states one.
struct Expect {
  constexpr Expect(StatusCode c) : code(c) {}  // NOLINT: a code alone converts
  constexpr Expect(StatusCode c, pb::ErrorReason r) : code(c), reason(r), has_reason(true) {}
  StatusCode code;
  pb::ErrorReason reason = pb::ERROR_REASON_UNSPECIFIED;
  bool has_reason = false;
};

// Codes with their reasons, for the rows that check both (money).
constexpr Expect NOCRED{UA, pb::CREDENTIALS_MISSING}, HIDDEN{NF, pb::RESOURCE_NOT_FOUND},
    OWNER{PD, pb::NOT_RESOURCE_OWNER}, ADMIN{PD, pb::ROLE_REQUIRED},
    STATE{FP, pb::INVALID_STATE}, FUNDS{FP, pb::INSUFFICIENT_FUNDS},
    GATEWAY{FP, pb::WRONG_GATEWAY}, UNLINKED{PD, pb::NOT_CONNECTED},
    FIELDS{IA, pb::INVALID_FIELDS};

struct Row {
  const char* name;  // starts with the RPC's method name
  Setup setup;
  Accepts accepts;
  std::function<grpc::Status(World&, Persona)> call;
  // Expected code (and reason, where given) per persona with a bearer
  // token, indexed by Persona (not by call order). With an API key: the
  // same unless `accepts` is kBearerOnly (then PERMISSION_DENIED,
  // BEARER_TOKEN_REQUIRED).
  std::array<Expect, kPersonas> expected;
};

constexpr Accepts ANY = Accepts::kBearerOrApiKey, BEARER_ONLY = Accepts::kBearerOnly;

// Expected codes listed as {anonymous, buyer, other buyer, seller, other seller, admin}.
#define ROW(name, setup, accepts, expr, ...) \
  Row { name, setup, accepts, [](World& w, Persona p) { return expr; }, { __VA_ARGS__ } }

template <typename Request>
Request WithId(const std::string& id) {
  Request r;
  r.set_id(id);
  return r;
}

pb::CreateJobRequest JobDraft(const World& w) {
  pb::CreateJobRequest create;
  pb::Job* job = create.mutable_job();
  job->set_title("A second job to post");
  job->set_description("Details.");
  job->set_category_id(w.category_id);
  for (auto* m : {job->mutable_budget()->mutable_min(), job->mutable_budget()->mutable_max()}) {
    m->set_currency_code("EUR");
    m->set_amount_minor(1000);
  }
  job->mutable_due_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(48)));
  return create;
}

pb::CreateGigRequest GigDraft(const World& w) {
  pb::CreateGigRequest create;
  create.mutable_gig()->set_title("Another gig title");
  create.mutable_gig()->set_description("Details.");
  create.mutable_gig()->set_category_id(w.category_id);
  create.mutable_gig()->mutable_price()->set_currency_code("EUR");
  create.mutable_gig()->set_delivery_days(3);
  return create;
}

template <typename Request>
Request WithReason(const std::string& id, const char* reason) {
  Request r = WithId<Request>(id);
  r.set_reason(reason);
  return r;
}

template <typename Request>
Request WithNote(const std::string& id, const char* note) {
  Request r = WithId<Request>(id);
  r.set_note(note);
  return r;
}

// A new title for the approved gig, with its etag as the admin reads it now.
pb::UpdateGigRequest GigRetitle(World& w) {
  pb::Gig current;
  MustOk(Call<pb::CatalogService>(w, BearerToken(w.token[kAdmin]),
                                  &pb::CatalogService::Stub::GetGig,
                                  WithId<pb::GetGigRequest>(w.gig_id), &current),
         "GetGig");
  pb::UpdateGigRequest r;
  r.mutable_gig()->set_id(w.gig_id);
  r.mutable_gig()->set_title("A clearer title for the gig");
  r.mutable_update_mask()->add_paths("title");
  r.set_etag(current.etag());
  return r;
}

pb::UpdateCategoryRequest CategoryRename(const World& w) {
  pb::UpdateCategoryRequest r;
  r.mutable_category()->set_id(w.category_id);
  r.mutable_category()->set_display_name("Design and branding");
  r.mutable_update_mask()->add_paths("display_name");
  r.set_etag(w.category_etag);
  return r;
}

pb::UpdateMeRequest Rename() {
  pb::UpdateMeRequest r;
  r.mutable_user()->set_display_name("Renamed persona");
  r.mutable_update_mask()->add_paths("display_name");
  return r;
}

template <typename Request>
Request RoleChange(const std::string& user_id, pb::Role role) {
  Request r;
  r.set_user_id(user_id);
  r.set_role(role);
  return r;
}

pb::OrderGigRequest GigOrder(const std::string& gig_id) {
  pb::OrderGigRequest r;
  r.set_gig_id(gig_id);
  r.set_requirements("A logo for a bakery, warm colours.");
  return r;
}

pb::CreatePortfolioItemRequest NewPortfolioItem() {
  pb::CreatePortfolioItemRequest r;
  r.mutable_item()->set_title("Bakery rebrand");
  r.mutable_item()->set_link_url("https://example.com/work/bakery");
  r.mutable_item()->add_image_urls("http://cdn.example.com/bakery.png");
  return r;
}

// The seller's newest portfolio item, added first (with the seller's bearer
// token) when the portfolio is empty, so each call finds one to act on.
std::string SellerPortfolioItem(World& w) {
  const Caller seller = BearerToken(w.token[kSeller]);
  using PortfolioStub = pb::PortfolioService::Stub;
  pb::ListPortfolioItemsRequest list;
  list.set_seller_id(w.user_id[kSeller]);
  pb::ListPortfolioItemsResponse listed;
  MustOk(Call<pb::PortfolioService>(w, seller, &PortfolioStub::ListPortfolioItems, list, &listed),
         "ListPortfolioItems");
  if (listed.items_size() > 0) return listed.items(0).id();
  pb::PortfolioItem made;
  MustOk(Call<pb::PortfolioService>(w, seller, &PortfolioStub::CreatePortfolioItem,
                                    NewPortfolioItem(), &made),
         "CreatePortfolioItem");
  return made.id();
}

pb::UpdatePortfolioItemRequest PortfolioRetitle(World& w) {
  pb::UpdatePortfolioItemRequest r;
  r.mutable_item()->set_id(SellerPortfolioItem(w));
  r.mutable_item()->set_title("Bakery rebrand, phase two");
  r.mutable_update_mask()->add_paths("title");
  return r;
}

pb::UpdateProposalRequest ProposalReprice(const World& w) {
  pb::UpdateProposalRequest r;
  r.mutable_proposal()->set_id(w.proposal_id);
  r.mutable_proposal()->mutable_price()->set_currency_code("USD");
  r.mutable_proposal()->mutable_price()->set_amount_minor(18000);
  r.mutable_update_mask()->add_paths("price");
  return r;
}

pb::InviteToBidRequest InviteOtherSeller(const World& w) {
  pb::InviteToBidRequest r;
  r.set_job_id(w.open_job_id);
  r.set_seller_id(w.user_id[kOtherSeller]);
  r.set_note("Your portfolio fits this");
  return r;
}

pb::ExtendBiddingRequest OneDayMore(const World& w) {
  pb::ExtendBiddingRequest r;
  r.set_id(w.open_job_id);
  r.mutable_bidding_close_time()->set_seconds(
      absl::ToUnixSeconds(w.open_job_close + absl::Hours(24)));
  return r;
}

pb::ProposeMilestoneRequest MilestoneProposal(const World& w) {
  pb::ProposeMilestoneRequest r;
  r.set_booking_id(w.booking_id);
  r.set_title("Business cards too");
  *r.mutable_amount() = Usd(2500);
  r.mutable_due_time()->set_seconds(absl::ToUnixSeconds(absl::Now() + absl::Hours(24 * 14)));
  return r;
}

// 70% of the disputed milestone to the seller, the rest back to the buyer.
pb::ResolveDisputeRequest SplitSeventyThirty(const World& w) {
  pb::ResolveDisputeRequest r;
  r.set_id(w.dispute_id);
  const int64_t amount = w.milestone_amount.amount_minor();
  *r.mutable_to_seller() = Usd(amount * 7 / 10);
  *r.mutable_refunded() = Usd(amount - amount * 7 / 10);
  r.set_note("Most of the work was delivered");
  return r;
}

const std::vector<Row>& Rows() {
  using S = Setup;
  static const auto* const kRows = new std::vector<Row>{
      // ---- reads ----
      ROW("ListCategories", S::kBase, ANY,
          GW_CALL(w, p, CatalogService, ListCategories, pb::ListCategoriesRequest(), nullptr),
          OK, OK, OK, OK, OK, OK),
      ROW("GetGig approved", S::kBase, ANY,
          GW_CALL(w, p, CatalogService, GetGig, WithId<pb::GetGigRequest>(w.gig_id), nullptr),
          OK, OK, OK, OK, OK, OK),
      ROW("GetGig draft", S::kBase, ANY,
          GW_CALL(w, p, CatalogService, GetGig, WithId<pb::GetGigRequest>(w.draft_gig_id),
                  nullptr),
          NF, NF, NF, OK, NF, OK),
      ROW("ListGigs", S::kBase, ANY,
          GW_CALL(w, p, CatalogService, ListGigs, pb::ListGigsRequest(), nullptr),
          OK, OK, OK, OK, OK, OK),
      ROW("SearchSellers", S::kBase, ANY,
          GW_CALL(w, p, SellerService, SearchSellers, pb::SearchSellersRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("GetJob", S::kBase, ANY,
          GW_CALL(w, p, JobService, GetJob, WithId<pb::GetJobRequest>(w.job_id), nullptr),
          UA, OK, NF, OK, NF, OK),
      ROW("ListJobs", S::kBase, ANY,
          GW_CALL(w, p, JobService, ListJobs, pb::ListJobsRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("ListAssignments", S::kBase, ANY,
          [&] {
            pb::ListAssignmentsRequest r;
            r.set_job_id(w.job_id);
            return GW_CALL(w, p, AssignmentService, ListAssignments, r, nullptr);
          }(),
          UA, OK, NF, PD, NF, OK),
      ROW("ListOffers", S::kBase, ANY,
          GW_CALL(w, p, OfferService, ListOffers, pb::ListOffersRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("GetOffer", S::kBase, ANY,
          GW_CALL(w, p, OfferService, GetOffer, WithId<pb::GetOfferRequest>(w.offer_id), nullptr),
          UA, NF, NF, OK, NF, OK),
      ROW("GetBooking", S::kActive, ANY,
          GW_CALL(w, p, BookingService, GetBooking, WithId<pb::GetBookingRequest>(w.booking_id),
                  nullptr),
          UA, OK, NF, OK, NF, OK),
      ROW("ListBookings", S::kActive, ANY,
          GW_CALL(w, p, BookingService, ListBookings, pb::ListBookingsRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("ListReviews", S::kBase, ANY,
          [&] {
            pb::ListReviewsRequest r;
            r.set_user_id(w.user_id[kSeller]);
            return GW_CALL(w, p, ReviewService, ListReviews, r, nullptr);
          }(),
          OK, OK, OK, OK, OK, OK),
      ROW("ListAuditEntries", S::kBase, ANY,
          GW_CALL(w, p, AuditService, ListAuditEntries, pb::ListAuditEntriesRequest(), nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("ListUsers", S::kBase, ANY,
          GW_CALL(w, p, UserService, ListUsers, pb::ListUsersRequest(), nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("ListApiKeys", S::kBase, BEARER_ONLY,
          GW_CALL(w, p, ApiKeyService, ListApiKeys, pb::ListApiKeysRequest(), nullptr),
          UA, PD, PD, PD, PD, OK),
      // ---- real time (each watch sees only the caller's own events) ----
      ROW("WatchEvents", S::kBase, ANY,
          GW_STREAM(w, p, EventService, WatchEvents, pb::WatchEventsRequest()),
          UA, OK, OK, OK, OK, OK),
      ROW("WatchOffers", S::kBase, ANY,
          GW_STREAM(w, p, OfferService, WatchOffers, pb::WatchOffersRequest()),
          UA, PD, PD, OK, OK, OK),
      ROW("ListNotifications", S::kBase, ANY,
          GW_CALL(w, p, NotificationService, ListNotifications,
                  pb::ListNotificationsRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("MarkNotificationsRead", S::kBase, ANY,
          [&] {
            pb::MarkNotificationsReadRequest r;
            r.set_up_to_id("999999");
            return GW_CALL(w, p, NotificationService, MarkNotificationsRead, r, nullptr);
          }(),
          UA, OK, OK, OK, OK, OK),
      // ---- catalog mutations ----
      ROW("CreateCategory", S::kBase, ANY,
          [&] {
            pb::CreateCategoryRequest r;
            r.mutable_category()->set_slug("dev-" + std::to_string(p));
            r.mutable_category()->set_display_name("Development");
            return GW_CALL(w, p, CatalogService, CreateCategory, r, nullptr);
          }(),
          UA, PD, PD, PD, PD, OK),
      ROW("UpdateCategory", S::kBase, ANY,
          GW_CALL(w, p, CatalogService, UpdateCategory, CategoryRename(w), nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("CreateGig", S::kBase, ANY,
          GW_CALL(w, p, CatalogService, CreateGig, GigDraft(w), nullptr),
          UA, PD, PD, OK, OK, PD),
      ROW("UpdateGig", S::kBase, ANY,
          GW_CALL(w, p, CatalogService, UpdateGig, GigRetitle(w), nullptr),
          UA, PD, PD, OK, PD, PD),
      ROW("SubmitGig draft", S::kBase, ANY,
          GW_CALL(w, p, CatalogService, SubmitGig, WithId<pb::GigActionRequest>(w.draft_gig_id),
                  nullptr),
          UA, NF, NF, OK, NF, PD),
      ROW("PauseGig", S::kBase, ANY,
          GW_CALL(w, p, CatalogService, PauseGig, WithId<pb::GigActionRequest>(w.gig_id), nullptr),
          UA, PD, PD, OK, PD, PD),
      ROW("ResumeGig", S::kPausedGig, ANY,
          GW_CALL(w, p, CatalogService, ResumeGig, WithId<pb::GigActionRequest>(w.gig_id),
                  nullptr),
          UA, NF, NF, OK, NF, PD),
      ROW("ArchiveGig", S::kBase, ANY,
          GW_CALL(w, p, CatalogService, ArchiveGig, WithId<pb::GigActionRequest>(w.gig_id),
                  nullptr),
          UA, PD, PD, OK, PD, FP),
      ROW("ApproveGig", S::kPendingGig, ANY,
          GW_CALL(w, p, CatalogService, ApproveGig,
                  WithId<pb::GigActionRequest>(w.draft_gig_id), nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("RejectGig", S::kPendingGig, ANY,
          GW_CALL(w, p, CatalogService, RejectGig,
                  WithReason<pb::RejectGigRequest>(w.draft_gig_id, "Blurry images"),
                  nullptr),
          UA, PD, PD, PD, PD, OK),
      // ---- jobs, assignments, offers ----
      ROW("CreateJob", S::kBase, ANY,
          GW_CALL(w, p, JobService, CreateJob, JobDraft(w), nullptr),
          UA, OK, OK, PD, PD, PD),
      ROW("CancelJob", S::kBase, ANY,
          GW_CALL(w, p, JobService, CancelJob, WithId<pb::CancelJobRequest>(w.job_id), nullptr),
          UA, OK, NF, PD, NF, PD),
      ROW("ApproveJob", S::kPendingJob, ANY,
          GW_CALL(w, p, JobService, ApproveJob, WithId<pb::ApproveJobRequest>(w.pending_job_id),
                  nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("RejectJob", S::kPendingJob, ANY,
          GW_CALL(w, p, JobService, RejectJob,
                  WithReason<pb::RejectJobRequest>(w.pending_job_id, "Too vague"),
                  nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("AssignSellers", S::kBase, ANY,
          [&] {
            pb::AssignSellersRequest r;
            r.set_job_id(w.job_id);
            r.add_seller_ids(w.user_id[kOtherSeller]);
            return GW_CALL(w, p, AssignmentService, AssignSellers, r, nullptr);
          }(),
          UA, PD, PD, PD, PD, OK),
      ROW("AcceptOffer", S::kBase, ANY,
          GW_CALL(w, p, OfferService, AcceptOffer, WithId<pb::AcceptOfferRequest>(w.offer_id),
                  nullptr),
          UA, NF, NF, OK, NF, FP),
      ROW("DeclineOffer", S::kBase, ANY,
          GW_CALL(w, p, OfferService, DeclineOffer, WithId<pb::DeclineOfferRequest>(w.offer_id),
                  nullptr),
          UA, NF, NF, OK, NF, FP),
      ROW("WithdrawOffer", S::kBase, ANY,
          GW_CALL(w, p, OfferService, WithdrawOffer,
                  WithReason<pb::WithdrawOfferRequest>(w.offer_id, "Changed plans"),
                  nullptr),
          UA, PD, PD, PD, PD, OK),
      // ---- the open market: an open project in bidding is public to every
      // signed-in caller; bids are sealed (NOT_FOUND to everyone but the
      // seller, the job's buyer and admins); only the buyer decides ----
      ROW("GetJob open project", S::kOpenProject, ANY,
          GW_CALL(w, p, JobService, GetJob, WithId<pb::GetJobRequest>(w.open_job_id), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("ListOpenJobs", S::kOpenProject, ANY,
          GW_CALL(w, p, JobService, ListOpenJobs, pb::ListOpenJobsRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("ExtendBidding", S::kOpenProject, ANY,
          GW_CALL(w, p, JobService, ExtendBidding, OneDayMore(w), nullptr),
          UA, OK, PD, PD, PD, PD),
      ROW("SubmitProposal", S::kOpenProject, ANY,
          GW_CALL(w, p, ProposalService, SubmitProposal, BidOn(w.open_job_id), nullptr),
          UA, PD, PD, OK, OK, PD),
      ROW("UpdateProposal", S::kProposal, ANY,
          GW_CALL(w, p, ProposalService, UpdateProposal, ProposalReprice(w), nullptr),
          UA, PD, NF, OK, NF, PD),
      ROW("WithdrawProposal", S::kProposal, ANY,
          GW_CALL(w, p, ProposalService, WithdrawProposal,
                  WithReason<pb::WithdrawProposalRequest>(w.proposal_id, "Booked elsewhere"),
                  nullptr),
          UA, PD, NF, OK, NF, PD),
      ROW("GetProposal", S::kProposal, ANY,
          GW_CALL(w, p, ProposalService, GetProposal,
                  WithId<pb::GetProposalRequest>(w.proposal_id), nullptr),
          UA, OK, NF, OK, NF, OK),
      // Everyone may list: a buyer or seller who may not see the job's bids
      // gets only its own (none).
      ROW("ListProposals", S::kProposal, ANY,
          [&] {
            pb::ListProposalsRequest r;
            r.set_job_id(w.open_job_id);
            return GW_CALL(w, p, ProposalService, ListProposals, r, nullptr);
          }(),
          UA, OK, OK, OK, OK, OK),
      ROW("ShortlistProposal", S::kProposal, ANY,
          GW_CALL(w, p, ProposalService, ShortlistProposal,
                  WithId<pb::ShortlistProposalRequest>(w.proposal_id), nullptr),
          UA, OK, NF, PD, NF, PD),
      ROW("DeclineProposal", S::kProposal, ANY,
          GW_CALL(w, p, ProposalService, DeclineProposal,
                  WithReason<pb::DeclineProposalRequest>(w.proposal_id, "Over budget"),
                  nullptr),
          UA, OK, NF, PD, NF, PD),
      ROW("AcceptProposal", S::kProposal, ANY,
          GW_CALL(w, p, ProposalService, AcceptProposal,
                  WithId<pb::AcceptProposalRequest>(w.proposal_id), nullptr),
          UA, OK, NF, PD, NF, PD),
      ROW("InviteToBid", S::kOpenProject, ANY,
          GW_CALL(w, p, ProposalService, InviteToBid, InviteOtherSeller(w), nullptr),
          UA, OK, PD, PD, PD, PD),
      // ---- bookings and reviews ----
      ROW("DeliverBooking", S::kActive, ANY,
          GW_CALL(w, p, BookingService, DeliverBooking,
                  WithNote<pb::DeliverBookingRequest>(w.booking_id, "Done"),
                  nullptr),
          UA, PD, NF, OK, NF, PD),
      ROW("RequestRevision", S::kDelivered, ANY,
          GW_CALL(w, p, BookingService, RequestRevision,
                  WithNote<pb::RequestRevisionRequest>(w.booking_id, "Bigger font"),
                  nullptr),
          UA, OK, NF, PD, NF, PD),
      ROW("CompleteBooking", S::kDelivered, ANY,
          GW_CALL(w, p, BookingService, CompleteBooking,
                  WithId<pb::CompleteBookingRequest>(w.booking_id), nullptr),
          UA, OK, NF, PD, NF, FP),
      ROW("CancelBooking", S::kActive, ANY,
          GW_CALL(w, p, BookingService, CancelBooking,
                  WithReason<pb::CancelBookingRequest>(w.booking_id, "No longer needed"),
                  nullptr),
          UA, OK, NF, PD, NF, FP),
      // Buyers order any gig they see; a paused one fails on its state.
      ROW("OrderGig approved", S::kBase, ANY,
          GW_CALL(w, p, BookingService, OrderGig, GigOrder(w.gig_id), nullptr),
          UA, OK, OK, PD, PD, PD),
      ROW("OrderGig paused", S::kPausedGig, ANY,
          GW_CALL(w, p, BookingService, OrderGig, GigOrder(w.gig_id), nullptr),
          UA, FP, FP, PD, PD, PD),
      ROW("OrderGig draft", S::kBase, ANY,
          GW_CALL(w, p, BookingService, OrderGig, GigOrder(w.draft_gig_id), nullptr),
          UA, NF, NF, PD, PD, PD),
      ROW("CreateReview", S::kCompleted, ANY,
          [&] {
            pb::CreateReviewRequest r;
            r.mutable_review()->set_booking_id(w.booking_id);
            r.mutable_review()->set_rating(5);
            return GW_CALL(w, p, ReviewService, CreateReview, r, nullptr);
          }(),
          UA, OK, NF, OK, NF, PD),
      // ---- money (issue 15): a booking's milestones are its parties' and
      // admins' (HIDDEN to others); the buyer pays, the seller delivers,
      // admins confirm, resolve and pay out (ADMIN: ROLE_REQUIRED). A party
      // acting out of turn is OWNER (NOT_RESOURCE_OWNER); after the allowed
      // persona acted, those after it find the new state (STATE). ----
      ROW("ListMilestones", S::kActive, ANY,
          [&] {
            pb::ListMilestonesRequest r;
            r.set_booking_id(w.booking_id);
            return GW_CALL(w, p, MilestoneService, ListMilestones, r, nullptr);
          }(),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      ROW("GetMilestone", S::kActive, ANY,
          GW_CALL(w, p, MilestoneService, GetMilestone,
                  WithId<pb::GetMilestoneRequest>(w.milestone_id), nullptr),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      // Either side proposes; an admin is no side.
      ROW("ProposeMilestone", S::kActive, ANY,
          GW_CALL(w, p, MilestoneService, ProposeMilestone, MilestoneProposal(w), nullptr),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OWNER),
      // The buyer proposed it: the seller accepts, not the buyer.
      ROW("AcceptMilestone", S::kMilestoneProposed, ANY,
          GW_CALL(w, p, MilestoneService, AcceptMilestone,
                  WithId<pb::AcceptMilestoneRequest>(w.proposed_milestone_id), nullptr),
          NOCRED, OWNER, HIDDEN, OK, HIDDEN, STATE),
      // The buyer withdraws its own proposal first.
      ROW("DeclineMilestone", S::kMilestoneProposed, ANY,
          GW_CALL(w, p, MilestoneService, DeclineMilestone,
                  WithId<pb::DeclineMilestoneRequest>(w.proposed_milestone_id), nullptr),
          NOCRED, OK, HIDDEN, STATE, HIDDEN, STATE),
      // The buyer's payment is then under way: nobody funds again.
      ROW("FundMilestone", S::kActive, ANY,
          GW_CALL(w, p, MilestoneService, FundMilestone,
                  WithId<pb::FundMilestoneRequest>(w.milestone_id), nullptr),
          NOCRED, OK, HIDDEN, OWNER, HIDDEN, OWNER),
      ROW("SubmitMilestone", S::kFunded, ANY,
          GW_CALL(w, p, MilestoneService, SubmitMilestone,
                  WithNote<pb::SubmitMilestoneRequest>(w.milestone_id, "Concepts attached"),
                  nullptr),
          NOCRED, OWNER, HIDDEN, OK, HIDDEN, STATE),
      ROW("RequestMilestoneRevision", S::kSubmitted, ANY,
          GW_CALL(w, p, MilestoneService, RequestMilestoneRevision,
                  WithNote<pb::RequestMilestoneRevisionRequest>(w.milestone_id, "Warmer red"),
                  nullptr),
          NOCRED, OK, HIDDEN, STATE, HIDDEN, STATE),
      ROW("ApproveMilestone", S::kSubmitted, ANY,
          GW_CALL(w, p, MilestoneService, ApproveMilestone,
                  WithId<pb::ApproveMilestoneRequest>(w.milestone_id), nullptr),
          NOCRED, OK, HIDDEN, STATE, HIDDEN, STATE),
      // Funded money: the seller gives it back (the buyer disputes instead).
      ROW("CancelMilestone funded", S::kFunded, ANY,
          GW_CALL(w, p, MilestoneService, CancelMilestone,
                  WithReason<pb::CancelMilestoneRequest>(w.milestone_id, "Cannot do it"),
                  nullptr),
          NOCRED, OWNER, HIDDEN, OK, HIDDEN, STATE),
      ROW("CancelMilestone pending", S::kActive, ANY,
          GW_CALL(w, p, MilestoneService, CancelMilestone,
                  WithReason<pb::CancelMilestoneRequest>(w.milestone_id, "Not needed"),
                  nullptr),
          NOCRED, OK, HIDDEN, STATE, HIDDEN, STATE),
      // A payment is seen by its buyer, the booking's seller and admins.
      ROW("GetPayment", S::kPaymentPending, ANY,
          GW_CALL(w, p, PaymentService, GetPayment, WithId<pb::GetPaymentRequest>(w.payment_id),
                  nullptr),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      ROW("ListPayments", S::kPaymentPending, ANY,
          GW_CALL(w, p, PaymentService, ListPayments, pb::ListPaymentsRequest(), nullptr),
          NOCRED, OK, OK, OK, OK, OK),
      ROW("ConfirmPayment", S::kPaymentPending, ANY,
          GW_CALL(w, p, PaymentService, ConfirmPayment,
                  WithNote<pb::ConfirmPaymentRequest>(w.payment_id, "Bank reference 77"),
                  nullptr),
          NOCRED, ADMIN, ADMIN, ADMIN, ADMIN, OK),
      // A manual payment is an admin's to confirm, not the provider's to report.
      ROW("RefreshPayment", S::kPaymentPending, ANY,
          GW_CALL(w, p, PaymentService, RefreshPayment,
                  WithId<pb::RefreshPaymentRequest>(w.payment_id), nullptr),
          NOCRED, GATEWAY, HIDDEN, OWNER, HIDDEN, GATEWAY),
      ROW("CancelPayment", S::kPaymentPending, ANY,
          GW_CALL(w, p, PaymentService, CancelPayment,
                  WithId<pb::CancelPaymentRequest>(w.payment_id), nullptr),
          NOCRED, OK, HIDDEN, OWNER, HIDDEN, STATE),
      // Anyone may ask, of a balance of its own: only the seller has one.
      ROW("RequestPayout", S::kReleased, ANY,
          [&] {
            pb::RequestPayoutRequest r;
            *r.mutable_amount() = Usd(100);
            return GW_CALL(w, p, PayoutService, RequestPayout, r, nullptr);
          }(),
          NOCRED, FUNDS, FUNDS, OK, FUNDS, FUNDS),
      ROW("ListPayouts", S::kPayoutRequested, ANY,
          GW_CALL(w, p, PayoutService, ListPayouts, pb::ListPayoutsRequest(), nullptr),
          NOCRED, OK, OK, OK, OK, OK),
      ROW("MarkPayoutPaid", S::kPayoutRequested, ANY,
          [&] {
            pb::MarkPayoutPaidRequest r;
            r.set_id(w.payout_id);
            r.set_reference("Transfer 2026-12-03/1");
            return GW_CALL(w, p, PayoutService, MarkPayoutPaid, r, nullptr);
          }(),
          NOCRED, ADMIN, ADMIN, ADMIN, ADMIN, OK),
      ROW("CancelPayout", S::kPayoutRequested, ANY,
          GW_CALL(w, p, PayoutService, CancelPayout,
                  WithReason<pb::CancelPayoutRequest>(w.payout_id, "Wrong bank account"),
                  nullptr),
          NOCRED, HIDDEN, HIDDEN, OK, HIDDEN, STATE),
      ROW("OpenDispute", S::kFunded, ANY,
          [&] {
            pb::OpenDisputeRequest r;
            r.set_milestone_id(w.milestone_id);
            r.set_reason("Not what we agreed");
            return GW_CALL(w, p, DisputeService, OpenDispute, r, nullptr);
          }(),
          NOCRED, OK, HIDDEN, STATE, HIDDEN, STATE),
      ROW("GetDispute", S::kDisputed, ANY,
          GW_CALL(w, p, DisputeService, GetDispute, WithId<pb::GetDisputeRequest>(w.dispute_id),
                  nullptr),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      ROW("ListDisputes", S::kDisputed, ANY,
          GW_CALL(w, p, DisputeService, ListDisputes, pb::ListDisputesRequest(), nullptr),
          NOCRED, OK, OK, OK, OK, OK),
      ROW("AddDisputeNote", S::kDisputed, ANY,
          [&] {
            pb::AddDisputeNoteRequest r;
            r.set_id(w.dispute_id);
            r.set_text("Here is the brief we agreed on.");
            return GW_CALL(w, p, DisputeService, AddDisputeNote, r, nullptr);
          }(),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      ROW("AddDisputeNote internal", S::kDisputed, ANY,
          [&] {
            pb::AddDisputeNoteRequest r;
            r.set_id(w.dispute_id);
            r.set_text("The seller's files look fine to me.");
            r.set_internal(true);
            return GW_CALL(w, p, DisputeService, AddDisputeNote, r, nullptr);
          }(),
          NOCRED, ADMIN, ADMIN, ADMIN, ADMIN, OK),
      ROW("ResolveDispute", S::kDisputed, ANY,
          GW_CALL(w, p, DisputeService, ResolveDispute, SplitSeventyThirty(w), nullptr),
          NOCRED, ADMIN, ADMIN, ADMIN, ADMIN, OK),
      ROW("GetBalance", S::kReleased, ANY,
          GW_CALL(w, p, LedgerService, GetBalance, pb::GetBalanceRequest(), nullptr),
          NOCRED, OK, OK, OK, OK, OK),
      ROW("GetBalance of the seller", S::kReleased, ANY,
          [&] {
            pb::GetBalanceRequest r;
            r.set_user_id(w.user_id[kSeller]);
            return GW_CALL(w, p, LedgerService, GetBalance, r, nullptr);
          }(),
          NOCRED, ADMIN, ADMIN, OK, ADMIN, OK),
      ROW("ListLedgerEntries", S::kReleased, ANY,
          GW_CALL(w, p, LedgerService, ListLedgerEntries, pb::ListLedgerEntriesRequest(),
                  nullptr),
          NOCRED, OK, OK, OK, OK, OK),
      ROW("ListLedgerEntries of the booking", S::kReleased, ANY,
          [&] {
            pb::ListLedgerEntriesRequest r;
            r.set_booking_id(w.booking_id);
            return GW_CALL(w, p, LedgerService, ListLedgerEntries, r, nullptr);
          }(),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      ROW("ListLedgerEntries of the seller", S::kReleased, ANY,
          [&] {
            pb::ListLedgerEntriesRequest r;
            r.set_user_id(w.user_id[kSeller]);
            return GW_CALL(w, p, LedgerService, ListLedgerEntries, r, nullptr);
          }(),
          NOCRED, ADMIN, ADMIN, OK, ADMIN, OK),
      ROW("ReconcileLedger", S::kReleased, ANY,
          GW_CALL(w, p, LedgerService, ReconcileLedger, pb::ReconcileLedgerRequest(), nullptr),
          NOCRED, ADMIN, ADMIN, ADMIN, ADMIN, OK),
      // ---- conversations (issue 16): the buyer and the seller talk; other
      // users find nothing (HIDDEN), admins read everything and write after
      // joining (OWNER before); nothing links a stranger (UNLINKED). ----
      ROW("OpenConversation", S::kBase, ANY,
          [&] {
            pb::OpenConversationRequest r;
            r.set_job_id(w.job_id);
            r.set_seller_id(w.user_id[kSeller]);
            return GW_CALL(w, p, ConversationService, OpenConversation, r, nullptr);
          }(),
          NOCRED, OK, HIDDEN, OK, HIDDEN, UNLINKED),
      // Everyone sees an open project, so those without a proposal or an
      // invitation on it are told they are not connected; its buyer must
      // name the seller.
      ROW("OpenConversation on an open project", S::kOpenProject, ANY,
          [&] {
            pb::OpenConversationRequest r;
            r.set_job_id(w.open_job_id);
            return GW_CALL(w, p, ConversationService, OpenConversation, r, nullptr);
          }(),
          NOCRED, FIELDS, UNLINKED, UNLINKED, UNLINKED, UNLINKED),
      ROW("GetConversation", S::kConversation, ANY,
          GW_CALL(w, p, ConversationService, GetConversation,
                  WithId<pb::GetConversationRequest>(w.conversation_id), nullptr),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      ROW("ListConversations", S::kConversation, ANY,
          GW_CALL(w, p, ConversationService, ListConversations,
                  pb::ListConversationsRequest(), nullptr),
          NOCRED, OK, OK, OK, OK, OK),
      ROW("ListConversations of the seller", S::kConversation, ANY,
          [&] {
            pb::ListConversationsRequest r;
            r.set_user_id(w.user_id[kSeller]);
            return GW_CALL(w, p, ConversationService, ListConversations, r, nullptr);
          }(),
          NOCRED, ADMIN, ADMIN, OK, ADMIN, OK),
      ROW("SendMessage", S::kConversation, ANY,
          [&] {
            pb::SendMessageRequest r;
            r.set_conversation_id(w.conversation_id);
            r.set_text("When can you start?");
            return GW_CALL(w, p, ConversationService, SendMessage, r, nullptr);
          }(),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OWNER),
      ROW("ListMessages", S::kConversation, ANY,
          [&] {
            pb::ListMessagesRequest r;
            r.set_conversation_id(w.conversation_id);
            return GW_CALL(w, p, ConversationService, ListMessages, r, nullptr);
          }(),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      // Read marks are the participants'.
      ROW("MarkRead", S::kConversation, ANY,
          [&] {
            pb::MarkReadRequest r;
            r.set_conversation_id(w.conversation_id);
            return GW_CALL(w, p, ConversationService, MarkRead, r, nullptr);
          }(),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OWNER),
      ROW("HideMessage", S::kConversation, ANY,
          GW_CALL(w, p, ConversationService, HideMessage,
                  WithReason<pb::HideMessageRequest>(w.message_id, "Contact details"), nullptr),
          NOCRED, ADMIN, ADMIN, ADMIN, ADMIN, OK),
      ROW("HideMessage again", S::kHiddenMessage, ANY,
          GW_CALL(w, p, ConversationService, HideMessage,
                  WithReason<pb::HideMessageRequest>(w.message_id, "Contact details"), nullptr),
          NOCRED, ADMIN, ADMIN, ADMIN, ADMIN, STATE),
      ROW("JoinConversation", S::kConversation, ANY,
          GW_CALL(w, p, ConversationService, JoinConversation,
                  WithId<pb::JoinConversationRequest>(w.conversation_id), nullptr),
          NOCRED, ADMIN, ADMIN, ADMIN, ADMIN, OK),
      // Anyone blocks anyone but itself.
      ROW("BlockUser", S::kBase, ANY,
          [&] {
            pb::BlockUserRequest r;
            r.set_user_id(w.user_id[kOtherSeller]);
            return GW_CALL(w, p, ConversationService, BlockUser, r, nullptr);
          }(),
          NOCRED, OK, OK, OK, FIELDS, OK),
      ROW("UnblockUser", S::kBase, ANY,
          [&] {
            pb::UnblockUserRequest r;
            r.set_user_id(w.user_id[kOtherSeller]);
            return GW_CALL(w, p, ConversationService, UnblockUser, r, nullptr);
          }(),
          NOCRED, OK, OK, OK, OK, OK),
      ROW("ListBlockedUsers", S::kBase, ANY,
          GW_CALL(w, p, ConversationService, ListBlockedUsers, pb::ListBlockedUsersRequest(),
                  nullptr),
          NOCRED, OK, OK, OK, OK, OK),
      // ---- files (issue 16): anyone signed in uploads; a file is its
      // uploader's (and admins') until attached, then whoever sees what it is
      // attached to (a delivery: the booking's parties); anyone else finds
      // nothing (HIDDEN), also for another party's file. ----
      ROW("UploadFile", S::kBase, ANY, StreamUpload(w, p, "", nullptr),
          NOCRED, OK, OK, OK, OK, OK),
      ROW("UploadChunk", S::kBase, ANY,
          [&] {
            pb::UploadChunkRequest r;
            const std::string png = TinyPng();
            *r.mutable_header() = HeaderFor(png, "");
            r.set_data(png);
            return GW_CALL(w, p, FileService, UploadChunk, r, nullptr);
          }(),
          NOCRED, OK, OK, OK, OK, OK),
      // An upload's status is its uploader's alone.
      ROW("GetUpload", S::kSellerFile, ANY,
          [&] {
            pb::GetUploadRequest r;
            r.set_request_id(kSellerUpload);
            return GW_CALL(w, p, FileService, GetUpload, r, nullptr);
          }(),
          NOCRED, HIDDEN, HIDDEN, OK, HIDDEN, HIDDEN),
      ROW("GetFile", S::kSellerFile, ANY,
          GW_CALL(w, p, FileService, GetFile, WithId<pb::GetFileRequest>(w.seller_file_id),
                  nullptr),
          NOCRED, HIDDEN, HIDDEN, OK, HIDDEN, OK),
      ROW("GetFile of a delivery", S::kDeliveredWithFile, ANY,
          GW_CALL(w, p, FileService, GetFile, WithId<pb::GetFileRequest>(w.seller_file_id),
                  nullptr),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      ROW("ListFiles", S::kDeliveredWithFile, ANY,
          [&] {
            pb::ListFilesRequest r;
            r.set_attached_kind(pb::FILE_ATTACHMENT_KIND_DELIVERY);
            r.set_attached_to_id(w.booking_id);
            return GW_CALL(w, p, FileService, ListFiles, r, nullptr);
          }(),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      ROW("DownloadFile", S::kSellerFile, ANY,
          GW_STREAM(w, p, FileService, DownloadFile,
                    WithId<pb::DownloadFileRequest>(w.seller_file_id)),
          NOCRED, HIDDEN, HIDDEN, OK, HIDDEN, OK),
      ROW("DownloadFile of a delivery", S::kDeliveredWithFile, ANY,
          GW_STREAM(w, p, FileService, DownloadFile,
                    WithId<pb::DownloadFileRequest>(w.seller_file_id)),
          NOCRED, OK, HIDDEN, OK, HIDDEN, OK),
      // The seller's own image to the seller's own gig; an admin may not
      // attach another's file.
      ROW("AttachFile", S::kSellerFile, ANY,
          [&] {
            pb::AttachFileRequest r;
            r.set_file_id(w.seller_file_id);
            r.set_attached_kind(pb::FILE_ATTACHMENT_KIND_GIG);
            r.set_attached_to_id(w.gig_id);
            return GW_CALL(w, p, FileService, AttachFile, r, nullptr);
          }(),
          NOCRED, HIDDEN, HIDDEN, OK, HIDDEN, HIDDEN),
      // ---- portfolios (an admin deletes the item the seller adds again) ----
      ROW("CreatePortfolioItem", S::kBase, ANY,
          GW_CALL(w, p, PortfolioService, CreatePortfolioItem, NewPortfolioItem(), nullptr),
          UA, PD, PD, OK, OK, PD),
      ROW("UpdatePortfolioItem", S::kBase, ANY,
          GW_CALL(w, p, PortfolioService, UpdatePortfolioItem, PortfolioRetitle(w), nullptr),
          UA, PD, PD, OK, NF, PD),
      ROW("DeletePortfolioItem", S::kBase, ANY,
          GW_CALL(w, p, PortfolioService, DeletePortfolioItem,
                  WithId<pb::DeletePortfolioItemRequest>(SellerPortfolioItem(w)), nullptr),
          UA, NF, NF, OK, NF, OK),
      ROW("ListPortfolioItems", S::kBase, ANY,
          [&] {
            pb::ListPortfolioItemsRequest r;
            r.set_seller_id(w.user_id[kSeller]);
            return GW_CALL(w, p, PortfolioService, ListPortfolioItems, r, nullptr);
          }(),
          UA, OK, OK, OK, OK, OK),
      // ---- accounts and API keys ----
      ROW("GetMe", S::kBase, ANY,
          GW_CALL(w, p, UserService, GetMe, pb::GetMeRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("GetUser", S::kBase, ANY,
          GW_CALL(w, p, UserService, GetUser, WithId<pb::GetUserRequest>(w.user_id[kSeller]),
                  nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("UpdateMe", S::kBase, ANY, GW_CALL(w, p, UserService, UpdateMe, Rename(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("GrantRole", S::kBase, BEARER_ONLY,
          GW_CALL(w, p, UserService, GrantRole,
                  RoleChange<pb::GrantRoleRequest>(w.user_id[kBuyer], pb::ROLE_SELLER),
                  nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("RevokeRole", S::kBase, BEARER_ONLY,
          GW_CALL(w, p, UserService, RevokeRole,
                  RoleChange<pb::RevokeRoleRequest>(w.user_id[kOtherSeller], pb::ROLE_SELLER),
                  nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("CreateApiKey", S::kBase, BEARER_ONLY,
          [&] {
            pb::CreateApiKeyRequest r;
            r.set_display_name("Partner integration");
            r.set_user_id(w.user_id[kBuyer]);
            return GW_CALL(w, p, ApiKeyService, CreateApiKey, r, nullptr);
          }(),
          UA, PD, PD, PD, PD, OK),
      ROW("RevokeApiKey", S::kBase, BEARER_ONLY,
          GW_CALL(w, p, ApiKeyService, RevokeApiKey,
                  WithId<pb::RevokeApiKeyRequest>(w.api_key_id[kBuyer]), nullptr),
          UA, PD, PD, PD, PD, OK),
  };
  return *kRows;
}

// The code (and, where the credential decides it, the reason) of one call.
void ExpectOutcome(const Row& row, const World& w, Persona p, const grpc::Status& status) {
  const std::string where = std::string(row.name) + " as persona " + std::to_string(p) +
                            (CallsWithApiKey(w, p) ? " with an API key" : "") + ": " +
                            status.error_message();
  if (CallsWithApiKey(w, p) && row.accepts == Accepts::kBearerOnly) {
    EXPECT_EQ(status.error_code(), PD) << where;
    EXPECT_EQ(ReasonIn(status), pb::BEARER_TOKEN_REQUIRED) << where;
    return;
  }
  EXPECT_EQ(status.error_code(), row.expected[p].code) << where;
  if (row.expected[p].has_reason) {
    EXPECT_EQ(ReasonIn(status), row.expected[p].reason)
        << where << " (reason " << pb::ErrorReason_Name(ReasonIn(status)) << ")";
  }
  EXPECT_NE(ReasonIn(status), pb::BEARER_TOKEN_REQUIRED) << where;
}

// A fresh directory for one world, removed with it.
class ScratchDir {
 public:
  explicit ScratchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("gigwire-authz-" + std::to_string(::getpid()) + "-" + name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

void PrintTo(Credential credential, std::ostream* os) {
  *os << (credential == Credential::kApiKey ? "API key" : "bearer token");
}

using RowAndCredential = std::tuple<size_t, Credential>;

std::string ParamName(const ::testing::TestParamInfo<RowAndCredential>& info) {
  const auto& [index, credential] = info.param;
  std::string name = Rows()[index].name;
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name + (credential == Credential::kApiKey ? "_ApiKey" : "_BearerToken");
}

class AuthorizationTest : public ::testing::TestWithParam<RowAndCredential> {};

TEST_P(AuthorizationTest, EachPersonaGetsItsCode) {
  const auto& [index, credential] = GetParam();
  const Row& row = Rows()[index];
  ScratchDir dir(ParamName(::testing::TestParamInfo<RowAndCredential>(GetParam(), 0)));
  World w;
  BuildWorld(w, dir.path(), row.setup);
  ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "world setup failed";
  w.credential = credential;
  for (Persona p : kCallOrder) ExpectOutcome(row, w, p, row.call(w, p));
  w.server->Shutdown(absl::Seconds(1));
}

INSTANTIATE_TEST_SUITE_P(EveryRpc, AuthorizationTest,
                         ::testing::Combine(::testing::Range<size_t>(0, Rows().size()),
                                            ::testing::Values(Credential::kBearerToken,
                                                              Credential::kApiKey)),
                         ParamName);

// Every RPC of every gigwire.v1 service linked into the server has a row,
// except AuthService's: they are public (Access::kPublic) and read no
// credentials.
TEST(AuthorizationTableTest, HasARowForEveryRpc) {
  std::set<std::string> covered;
  for (const Row& row : Rows()) {
    const std::string name = row.name;
    covered.insert(name.substr(0, name.find(' ')));
  }
  std::vector<std::string> files;
  ASSERT_TRUE(google::protobuf::DescriptorPool::internal_generated_database()->FindAllFileNames(
      &files));
  int services = 0;
  for (const std::string& file : files) {
    if (file.rfind("gigwire/v1/", 0) != 0) continue;
    const auto* descriptor = google::protobuf::DescriptorPool::generated_pool()->FindFileByName(file);
    ASSERT_NE(descriptor, nullptr) << file;
    for (int s = 0; s < descriptor->service_count(); ++s, ++services) {
      const google::protobuf::ServiceDescriptor* service = descriptor->service(s);
      if (service->name() == "AuthService") continue;
      for (int m = 0; m < service->method_count(); ++m) {
        EXPECT_EQ(covered.count(service->method(m)->name()), 1u)
            << service->full_name() << "." << service->method(m)->name() << " has no row";
      }
    }
  }
  EXPECT_GT(services, 1) << "the server links every service";
}

void ExpectRefused(const grpc::Status& status, StatusCode code, pb::ErrorReason reason,
                   const char* step) {
  EXPECT_EQ(status.error_code(), code) << step << ": " << status.error_message();
  EXPECT_EQ(ReasonIn(status), reason) << step;
}

// The issue's case: an admin's API key cannot mint or revoke keys (not even
// itself), and once revoked (with a bearer token) it is refused on its next
// call.
TEST(ApiKeyCredentialTest, AnAdminsKeyCannotManageKeysAndDiesWhenRevoked) {
  ScratchDir dir("revoked-key");
  World w;
  BuildWorld(w, dir.path(), Setup::kBase);
  ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "world setup failed";
  const pb::CreateApiKeyResponse key = IssueApiKey(w, kAdmin, "Partner integration");
  const Caller by_key = ApiKey(key.secret()), by_token = BearerToken(w.token[kAdmin]);
  pb::CreateApiKeyRequest mint;
  mint.set_display_name("Minted through a key");
  mint.set_user_id(w.user_id[kAdmin]);
  const auto revoke = WithId<pb::RevokeApiKeyRequest>(key.api_key().id());
  const auto get_job = WithId<pb::GetJobRequest>(w.job_id);
  using Keys = pb::ApiKeyService::Stub;
  ExpectRefused(Call<pb::ApiKeyService>(w, by_key, &Keys::CreateApiKey, mint, nullptr), PD,
                pb::BEARER_TOKEN_REQUIRED, "CreateApiKey with a key");
  ExpectRefused(Call<pb::ApiKeyService>(w, by_key, &Keys::RevokeApiKey, revoke, nullptr), PD,
                pb::BEARER_TOKEN_REQUIRED, "RevokeApiKey with a key");
  MustOk(Call<pb::JobService>(w, by_key, &pb::JobService::Stub::GetJob, get_job, nullptr),
         "GetJob with the key, whose refused revocation changed nothing");
  MustOk(Call<pb::ApiKeyService>(w, by_token, &Keys::RevokeApiKey, revoke, nullptr),
         "RevokeApiKey with the admin's bearer token");
  ExpectRefused(Call<pb::JobService>(w, by_key, &pb::JobService::Stub::GetJob, get_job, nullptr),
                UA, pb::API_KEY_INVALID, "GetJob with the revoked key");
  w.server->Shutdown(absl::Seconds(1));
}

// The events `persona` gets replayed from the start of the log (WatchEvents
// with cursor "0", message types only), up to and including the first
// MESSAGE_HIDDEN.
std::vector<pb::Event> ReplayedMessageEvents(World& w, Persona persona) {
  auto stub = w.Stub<pb::EventService>();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  const Caller caller = CallerFor(w, persona);
  context.AddMetadata(caller.header, caller.value);
  pb::WatchEventsRequest request;
  request.set_resume_cursor("0");
  request.add_types(pb::MESSAGE_SENT);
  request.add_types(pb::MESSAGE_HIDDEN);
  std::unique_ptr<grpc::ClientReader<pb::WatchEventsResponse>> reader =
      stub->WatchEvents(&context, request);
  std::vector<pb::Event> events;
  pb::WatchEventsResponse response;
  while (reader->Read(&response)) {
    if (!response.has_event()) continue;
    events.push_back(response.event());
    if (response.event().type() == pb::MESSAGE_HIDDEN) break;
  }
  context.TryCancel();
  return events;
}

// The issue's case: once an admin hid a message, its text reaches no
// participant: not in ListMessages, GetConversation's last message,
// ListConversations, nor a WatchEvents replay of the events sent before the
// hiding (admins replay the redacted events too, and read the text with
// ListMessages).
TEST(ConversationPrivacyTest, AHiddenMessagesTextReachesNoParticipant) {
  ScratchDir dir("hidden-message");
  World w;
  BuildWorld(w, dir.path(), Setup::kHiddenMessage);
  ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "world setup failed";
  for (Persona p : {kBuyer, kSeller}) {
    SCOPED_TRACE(p == kBuyer ? "buyer" : "seller");
    pb::ListMessagesRequest list;
    list.set_conversation_id(w.conversation_id);
    pb::ListMessagesResponse messages;
    MustOk(GW_CALL(w, p, ConversationService, ListMessages, list, &messages), "ListMessages");
    ASSERT_EQ(messages.messages_size(), 1);
    EXPECT_TRUE(messages.messages(0).hidden());
    EXPECT_EQ(messages.messages(0).text(), "");
    EXPECT_EQ(messages.messages(0).hidden_reason(), "");
    pb::Conversation got;
    MustOk(GW_CALL(w, p, ConversationService, GetConversation,
                   WithId<pb::GetConversationRequest>(w.conversation_id), &got),
           "GetConversation");
    EXPECT_TRUE(got.last_message().hidden());
    EXPECT_EQ(got.last_message().text(), "");
    pb::ListConversationsResponse listed;
    MustOk(GW_CALL(w, p, ConversationService, ListConversations,
                   pb::ListConversationsRequest(), &listed),
           "ListConversations");
    ASSERT_EQ(listed.conversations_size(), 1);
    EXPECT_EQ(listed.conversations(0).last_message().text(), "");
    EXPECT_EQ(listed.conversations(0).last_message().id(), w.message_id);
  }
  for (Persona p : {kBuyer, kSeller, kAdmin}) {
    const std::vector<pb::Event> replayed = ReplayedMessageEvents(w, p);
    ASSERT_EQ(replayed.size(), 2u) << "persona " << p;
    EXPECT_EQ(replayed[0].type(), pb::MESSAGE_SENT);
    EXPECT_EQ(replayed[0].message().id(), w.message_id);
    for (const pb::Event& event : replayed) {
      EXPECT_TRUE(event.message().hidden()) << event.ShortDebugString();
      EXPECT_EQ(event.message().text(), "") << event.ShortDebugString();
      EXPECT_EQ(event.SerializeAsString().find("555-0100"), std::string::npos);
    }
  }
  pb::ListMessagesRequest list;
  list.set_conversation_id(w.conversation_id);
  pb::ListMessagesResponse seen_by_admin;
  MustOk(GW_CALL(w, kAdmin, ConversationService, ListMessages, list, &seen_by_admin),
         "ListMessages as admin");
  EXPECT_EQ(seen_by_admin.messages(0).text(), kSecret);
  EXPECT_EQ(seen_by_admin.messages(0).hidden_reason(), "Contact details outside the platform");
  w.server->Shutdown(absl::Seconds(1));
}

// The file of a message an admin hid reaches no participant either (GetFile,
// ListFiles, DownloadFile: NOT_FOUND, as for a file that does not exist);
// admins still read it.
TEST(FilePrivacyTest, AHiddenMessagesFileReachesNoParticipant) {
  ScratchDir dir("hidden-message-file");
  World w;
  BuildWorld(w, dir.path(), Setup::kConversation);
  ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "world setup failed";
  pb::FileInfo file;
  MustOk(StreamUpload(w, kSeller, "", &file), "UploadFile");
  pb::SendMessageRequest send;
  send.set_conversation_id(w.conversation_id);
  send.set_text("The draft, with my phone number on it");
  send.add_attachment_ids(file.id());
  pb::Message sent;
  MustOk(GW_CALL(w, kSeller, ConversationService, SendMessage, send, &sent), "SendMessage");
  pb::ListFilesRequest list;
  list.set_attached_kind(pb::FILE_ATTACHMENT_KIND_MESSAGE);
  list.set_attached_to_id(sent.id());
  const auto get = WithId<pb::GetFileRequest>(file.id());
  const auto download = WithId<pb::DownloadFileRequest>(file.id());
  MustOk(GW_CALL(w, kBuyer, FileService, GetFile, get, nullptr), "GetFile before hiding");
  ExpectRefused(GW_CALL(w, kOtherBuyer, FileService, GetFile, get, nullptr), NF,
                pb::RESOURCE_NOT_FOUND, "GetFile of a stranger");
  pb::HideMessageRequest hide;
  hide.set_id(sent.id());
  hide.set_reason("Contact details outside the platform");
  MustOk(GW_CALL(w, kAdmin, ConversationService, HideMessage, hide, nullptr), "HideMessage");
  for (Persona p : {kBuyer, kSeller}) {
    ExpectRefused(GW_CALL(w, p, FileService, GetFile, get, nullptr), NF, pb::RESOURCE_NOT_FOUND,
                  "GetFile");
    ExpectRefused(GW_CALL(w, p, FileService, ListFiles, list, nullptr), NF,
                  pb::RESOURCE_NOT_FOUND, "ListFiles");
    ExpectRefused(GW_STREAM(w, p, FileService, DownloadFile, download), NF,
                  pb::RESOURCE_NOT_FOUND, "DownloadFile");
  }
  MustOk(GW_CALL(w, kAdmin, FileService, GetFile, get, nullptr), "GetFile as admin");
  MustOk(GW_STREAM(w, kAdmin, FileService, DownloadFile, download), "DownloadFile as admin");
  w.server->Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace gigwire
