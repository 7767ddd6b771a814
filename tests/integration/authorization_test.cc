// Object-level authorization of every RPC, table-driven: each row calls one
// RPC as anonymous, the buyer who owns the job, another buyer, the seller
// who owns the gig and holds the offer, another seller, and an admin, in
// that order, on a fresh in-process server, and checks each exact code.
// What a caller may not see is NOT_FOUND; what it sees but may not do is
// PERMISSION_DENIED. Mutations let the allowed persona act last-but-one or
// last, so the expectation after it reflects the changed state.
#include <grpcpp/create_channel.h>

#include <array>
#include <filesystem>
#include <functional>
#include <memory>

#include "gigwire/v1/api_key.grpc.pb.h"
#include "gigwire/v1/assignment.grpc.pb.h"
#include "gigwire/v1/audit.grpc.pb.h"
#include "gigwire/v1/booking.grpc.pb.h"
#include "gigwire/v1/catalog.grpc.pb.h"
#include "gigwire/v1/event.grpc.pb.h"
#include "gigwire/v1/job.grpc.pb.h"
#include "gigwire/v1/notification.grpc.pb.h"
#include "gigwire/v1/offer.grpc.pb.h"
#include "gigwire/v1/review.grpc.pb.h"
#include "gigwire/v1/seller.grpc.pb.h"
#include "gigwire/v1/user.grpc.pb.h"
#include "gtest/gtest.h"
#include "server/api/server.h"

namespace gigwire {
namespace {

using grpc::StatusCode;
namespace pb = ::gigwire::v1;

enum Persona { kAnonymous, kBuyer, kOtherBuyer, kSeller, kOtherSeller, kAdmin, kPersonas };
constexpr std::array<Persona, kPersonas> kCallOrder = {kAnonymous, kOtherBuyer, kOtherSeller,
                                                       kBuyer, kSeller, kAdmin};
constexpr StatusCode OK = StatusCode::OK, NF = StatusCode::NOT_FOUND,
                     PD = StatusCode::PERMISSION_DENIED, UA = StatusCode::UNAUTHENTICATED,
                     FP = StatusCode::FAILED_PRECONDITION;

// What a row needs to exist before its calls.
enum class Setup { kBase, kPendingGig, kPausedGig, kPendingJob, kActive, kDelivered, kCompleted };

// A running server with the cast and their resources.
struct World {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<GigwireServer> server;
  std::shared_ptr<grpc::Channel> channel;
  std::array<std::string, kPersonas> token;  // empty for anonymous
  std::array<std::string, kPersonas> user_id;
  std::string category_id, gig_id, draft_gig_id, job_id, pending_job_id, offer_id, booking_id;

  template <typename Service>
  std::unique_ptr<typename Service::Stub> Stub() {
    return Service::NewStub(channel);
  }
};

template <typename T>
struct NonDeduced {
  using type = T;
};

// Calls one unary method of a fresh stub as `token`, returning the code.
template <typename Service, typename Request, typename Response>
StatusCode Call(World& w, const std::string& token,
                grpc::Status (Service::Stub::*method)(grpc::ClientContext*, const Request&,
                                                      Response*),
                const typename NonDeduced<Request>::type& request,
                typename NonDeduced<Response>::type* response) {
  auto stub = w.Stub<Service>();
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  Response ignored;
  return ((*stub).*method)(&context, request, response ? response : &ignored).error_code();
}

// Opens one server stream as `token` and reads its first message: OK when
// one arrives (a watch starts with a heartbeat), else the stream's code.
template <typename Service, typename Request, typename Response>
StatusCode FirstMessage(World& w, const std::string& token,
                        std::unique_ptr<grpc::ClientReader<Response>> (Service::Stub::*method)(
                            grpc::ClientContext*, const Request&),
                        const typename NonDeduced<Request>::type& request) {
  auto stub = w.Stub<Service>();
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  std::unique_ptr<grpc::ClientReader<Response>> reader = ((*stub).*method)(&context, request);
  Response first;
  if (reader->Read(&first)) {
    context.TryCancel();
    return OK;
  }
  return reader->Finish().error_code();
}

#define GW_STREAM(w, persona, Service, Method, request) \
  FirstMessage<pb::Service>(w, (w).token[persona], &pb::Service::Stub::Method, request)

#define GW_CALL(w, persona, Service, Method, request, response) \
  Call<pb::Service>(w, (w).token[persona], &pb::Service::Stub::Method, request, response)

void MustOk(StatusCode code, const char* step) { ASSERT_EQ(code, OK) << step; }

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

void AdvanceBooking(World& w, Setup setup) {
  pb::AcceptOfferRequest accept;
  accept.set_id(w.offer_id);
  pb::Offer accepted;
  MustOk(GW_CALL(w, kSeller, OfferService, AcceptOffer, accept, &accepted), "AcceptOffer");
  w.booking_id = accepted.booking_id();
  if (setup == Setup::kActive) return;
  pb::DeliverBookingRequest deliver;
  deliver.set_id(w.booking_id);
  deliver.set_note("Here it is");
  MustOk(GW_CALL(w, kSeller, BookingService, DeliverBooking, deliver, nullptr), "Deliver");
  if (setup == Setup::kDelivered) return;
  pb::CompleteBookingRequest complete;
  complete.set_id(w.booking_id);
  MustOk(GW_CALL(w, kBuyer, BookingService, CompleteBooking, complete, nullptr), "Complete");
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
  pb::CreateCategoryRequest category;
  category.mutable_category()->set_slug("design");
  category.mutable_category()->set_display_name("Design");
  pb::Category made;
  MustOk(GW_CALL(w, kAdmin, CatalogService, CreateCategory, category, &made), "CreateCategory");
  w.category_id = made.id();
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
  if (setup >= Setup::kActive) AdvanceBooking(w, setup);
}

struct Row {
  const char* name;
  Setup setup;
  std::function<StatusCode(World&, Persona)> call;
  // Expected code per persona, indexed by Persona (not by call order).
  std::array<StatusCode, kPersonas> expected;
};

// Expected codes listed as {anonymous, buyer, other buyer, seller, other seller, admin}.
#define ROW(name, setup, expr, ...) \
  Row { name, setup, [](World& w, Persona p) { return expr; }, { __VA_ARGS__ } }

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

const std::vector<Row>& Rows() {
  using S = Setup;
  static const auto* const kRows = new std::vector<Row>{
      // ---- reads ----
      ROW("ListCategories", S::kBase,
          GW_CALL(w, p, CatalogService, ListCategories, pb::ListCategoriesRequest(), nullptr),
          OK, OK, OK, OK, OK, OK),
      ROW("GetGig approved", S::kBase,
          GW_CALL(w, p, CatalogService, GetGig, WithId<pb::GetGigRequest>(w.gig_id), nullptr),
          OK, OK, OK, OK, OK, OK),
      ROW("GetGig draft", S::kBase,
          GW_CALL(w, p, CatalogService, GetGig, WithId<pb::GetGigRequest>(w.draft_gig_id),
                  nullptr),
          NF, NF, NF, OK, NF, OK),
      ROW("ListGigs", S::kBase,
          GW_CALL(w, p, CatalogService, ListGigs, pb::ListGigsRequest(), nullptr),
          OK, OK, OK, OK, OK, OK),
      ROW("SearchSellers", S::kBase,
          GW_CALL(w, p, SellerService, SearchSellers, pb::SearchSellersRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("GetJob", S::kBase,
          GW_CALL(w, p, JobService, GetJob, WithId<pb::GetJobRequest>(w.job_id), nullptr),
          UA, OK, NF, OK, NF, OK),
      ROW("ListJobs", S::kBase, GW_CALL(w, p, JobService, ListJobs, pb::ListJobsRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("ListAssignments", S::kBase,
          [&] {
            pb::ListAssignmentsRequest r;
            r.set_job_id(w.job_id);
            return GW_CALL(w, p, AssignmentService, ListAssignments, r, nullptr);
          }(),
          UA, OK, NF, PD, NF, OK),
      ROW("ListOffers", S::kBase,
          GW_CALL(w, p, OfferService, ListOffers, pb::ListOffersRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("GetOffer", S::kBase,
          GW_CALL(w, p, OfferService, GetOffer, WithId<pb::GetOfferRequest>(w.offer_id), nullptr),
          UA, NF, NF, OK, NF, OK),
      ROW("GetBooking", S::kActive,
          GW_CALL(w, p, BookingService, GetBooking, WithId<pb::GetBookingRequest>(w.booking_id),
                  nullptr),
          UA, OK, NF, OK, NF, OK),
      ROW("ListBookings", S::kActive,
          GW_CALL(w, p, BookingService, ListBookings, pb::ListBookingsRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("ListReviews", S::kBase,
          [&] {
            pb::ListReviewsRequest r;
            r.set_user_id(w.user_id[kSeller]);
            return GW_CALL(w, p, ReviewService, ListReviews, r, nullptr);
          }(),
          OK, OK, OK, OK, OK, OK),
      ROW("ListAuditEntries", S::kBase,
          GW_CALL(w, p, AuditService, ListAuditEntries, pb::ListAuditEntriesRequest(), nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("ListUsers", S::kBase,
          GW_CALL(w, p, UserService, ListUsers, pb::ListUsersRequest(), nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("ListApiKeys", S::kBase,
          GW_CALL(w, p, ApiKeyService, ListApiKeys, pb::ListApiKeysRequest(), nullptr),
          UA, PD, PD, PD, PD, OK),
      // ---- real time (each watch sees only the caller's own events) ----
      ROW("WatchEvents", S::kBase,
          GW_STREAM(w, p, EventService, WatchEvents, pb::WatchEventsRequest()),
          UA, OK, OK, OK, OK, OK),
      ROW("WatchOffers", S::kBase,
          GW_STREAM(w, p, OfferService, WatchOffers, pb::WatchOffersRequest()),
          UA, PD, PD, OK, OK, OK),
      ROW("ListNotifications", S::kBase,
          GW_CALL(w, p, NotificationService, ListNotifications,
                  pb::ListNotificationsRequest(), nullptr),
          UA, OK, OK, OK, OK, OK),
      ROW("MarkNotificationsRead", S::kBase,
          [&] {
            pb::MarkNotificationsReadRequest r;
            r.set_up_to_id("999999");
            return GW_CALL(w, p, NotificationService, MarkNotificationsRead, r, nullptr);
          }(),
          UA, OK, OK, OK, OK, OK),
      // ---- catalog mutations ----
      ROW("CreateCategory", S::kBase,
          [&] {
            pb::CreateCategoryRequest r;
            r.mutable_category()->set_slug("dev-" + std::to_string(p));
            r.mutable_category()->set_display_name("Development");
            return GW_CALL(w, p, CatalogService, CreateCategory, r, nullptr);
          }(),
          UA, PD, PD, PD, PD, OK),
      ROW("CreateGig", S::kBase, GW_CALL(w, p, CatalogService, CreateGig, GigDraft(w), nullptr),
          UA, PD, PD, OK, OK, PD),
      ROW("SubmitGig draft", S::kBase,
          GW_CALL(w, p, CatalogService, SubmitGig, WithId<pb::GigActionRequest>(w.draft_gig_id),
                  nullptr),
          UA, NF, NF, OK, NF, PD),
      ROW("PauseGig", S::kBase,
          GW_CALL(w, p, CatalogService, PauseGig, WithId<pb::GigActionRequest>(w.gig_id), nullptr),
          UA, PD, PD, OK, PD, PD),
      ROW("ResumeGig", S::kPausedGig,
          GW_CALL(w, p, CatalogService, ResumeGig, WithId<pb::GigActionRequest>(w.gig_id),
                  nullptr),
          UA, NF, NF, OK, NF, PD),
      ROW("ArchiveGig", S::kBase,
          GW_CALL(w, p, CatalogService, ArchiveGig, WithId<pb::GigActionRequest>(w.gig_id),
                  nullptr),
          UA, PD, PD, OK, PD, FP),
      ROW("ApproveGig", S::kPendingGig,
          GW_CALL(w, p, CatalogService, ApproveGig,
                  WithId<pb::GigActionRequest>(w.draft_gig_id), nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("RejectGig", S::kPendingGig,
          GW_CALL(w, p, CatalogService, RejectGig,
                  WithReason<pb::RejectGigRequest>(w.draft_gig_id, "Blurry images"),
                  nullptr),
          UA, PD, PD, PD, PD, OK),
      // ---- jobs, assignments, offers ----
      ROW("CreateJob", S::kBase, GW_CALL(w, p, JobService, CreateJob, JobDraft(w), nullptr),
          UA, OK, OK, PD, PD, PD),
      ROW("CancelJob", S::kBase,
          GW_CALL(w, p, JobService, CancelJob, WithId<pb::CancelJobRequest>(w.job_id), nullptr),
          UA, OK, NF, PD, NF, PD),
      ROW("ApproveJob", S::kPendingJob,
          GW_CALL(w, p, JobService, ApproveJob, WithId<pb::ApproveJobRequest>(w.pending_job_id),
                  nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("RejectJob", S::kPendingJob,
          GW_CALL(w, p, JobService, RejectJob,
                  WithReason<pb::RejectJobRequest>(w.pending_job_id, "Too vague"),
                  nullptr),
          UA, PD, PD, PD, PD, OK),
      ROW("AssignSellers", S::kBase,
          [&] {
            pb::AssignSellersRequest r;
            r.set_job_id(w.job_id);
            r.add_seller_ids(w.user_id[kOtherSeller]);
            return GW_CALL(w, p, AssignmentService, AssignSellers, r, nullptr);
          }(),
          UA, PD, PD, PD, PD, OK),
      ROW("AcceptOffer", S::kBase,
          GW_CALL(w, p, OfferService, AcceptOffer, WithId<pb::AcceptOfferRequest>(w.offer_id),
                  nullptr),
          UA, NF, NF, OK, NF, FP),
      ROW("DeclineOffer", S::kBase,
          GW_CALL(w, p, OfferService, DeclineOffer, WithId<pb::DeclineOfferRequest>(w.offer_id),
                  nullptr),
          UA, NF, NF, OK, NF, FP),
      ROW("WithdrawOffer", S::kBase,
          GW_CALL(w, p, OfferService, WithdrawOffer,
                  WithReason<pb::WithdrawOfferRequest>(w.offer_id, "Changed plans"),
                  nullptr),
          UA, PD, PD, PD, PD, OK),
      // ---- bookings and reviews ----
      ROW("DeliverBooking", S::kActive,
          GW_CALL(w, p, BookingService, DeliverBooking,
                  WithNote<pb::DeliverBookingRequest>(w.booking_id, "Done"),
                  nullptr),
          UA, PD, NF, OK, NF, PD),
      ROW("RequestRevision", S::kDelivered,
          GW_CALL(w, p, BookingService, RequestRevision,
                  WithNote<pb::RequestRevisionRequest>(w.booking_id, "Bigger font"),
                  nullptr),
          UA, OK, NF, PD, NF, PD),
      ROW("CompleteBooking", S::kDelivered,
          GW_CALL(w, p, BookingService, CompleteBooking,
                  WithId<pb::CompleteBookingRequest>(w.booking_id), nullptr),
          UA, OK, NF, PD, NF, FP),
      ROW("CancelBooking", S::kActive,
          GW_CALL(w, p, BookingService, CancelBooking,
                  WithReason<pb::CancelBookingRequest>(w.booking_id, "No longer needed"),
                  nullptr),
          UA, OK, NF, PD, NF, FP),
      ROW("CreateReview", S::kCompleted,
          [&] {
            pb::CreateReviewRequest r;
            r.mutable_review()->set_booking_id(w.booking_id);
            r.mutable_review()->set_rating(5);
            return GW_CALL(w, p, ReviewService, CreateReview, r, nullptr);
          }(),
          UA, OK, NF, OK, NF, PD),
      // ---- accounts ----
      ROW("GrantRole", S::kBase,
          [&] {
            pb::GrantRoleRequest r;
            r.set_user_id(w.user_id[kBuyer]);
            r.set_role(pb::ROLE_SELLER);
            return GW_CALL(w, p, UserService, GrantRole, r, nullptr);
          }(),
          UA, PD, PD, PD, PD, OK),
  };
  return *kRows;
}

class AuthorizationTest : public ::testing::TestWithParam<size_t> {};

TEST_P(AuthorizationTest, EachPersonaGetsItsCode) {
  const Row& row = Rows()[GetParam()];
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("gigwire-authz-" + std::to_string(::getpid()) + "-" +
                               std::to_string(GetParam()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    World w;
    BuildWorld(w, dir, row.setup);
    ASSERT_FALSE(::testing::Test::HasFatalFailure()) << "world setup failed";
    for (Persona p : kCallOrder) {
      EXPECT_EQ(row.call(w, p), row.expected[p]) << row.name << " as persona " << p;
    }
    w.server->Shutdown(absl::Seconds(1));
  }
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(EveryRpc, AuthorizationTest, ::testing::Range<size_t>(0, Rows().size()),
                         [](const ::testing::TestParamInfo<size_t>& info) {
                           std::string name = Rows()[info.param].name;
                           for (char& c : name) {
                             if (!isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

}  // namespace
}  // namespace gigwire
