// What a seller may still do once an admin revokes ROLE_SELLER (issue 12,
// defect 5): it takes no new work (AcceptOffer is PERMISSION_DENIED with
// ROLE_REQUIRED, and "accept" leaves the offer's allowed_actions), but it
// may still decline offers and finish the bookings it accepted before.
#include <string>
#include <vector>

#include "gigwire/v1/assignment.grpc.pb.h"
#include "gigwire/v1/booking.grpc.pb.h"
#include "gigwire/v1/catalog.grpc.pb.h"
#include "gigwire/v1/job.grpc.pb.h"
#include "gigwire/v1/offer.grpc.pb.h"
#include "gigwire/v1/user.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/in_process_server.h"

namespace gigwire {
namespace {

namespace pb = ::gigwire::v1;
using ::testing::ElementsAre;
using testutil::ReasonIn;

template <typename Request>
Request WithId(const std::string& id) {
  Request request;
  request.set_id(id);
  return request;
}

class RevokedSellerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    buyer_ = server_.AddUser("buyer@example.com", {Role::kBuyer});
    seller_ = server_.AddUser("seller@example.com", {Role::kSeller});
    admin_ = server_.AddAdmin("admin@example.com");
    pb::CreateCategoryRequest category;
    category.mutable_category()->set_slug("design");
    category.mutable_category()->set_display_name("Design");
    category_id_ =
        server_.Call(admin_, &pb::CatalogService::Stub::CreateCategory, category).id();
  }

  // A PENDING offer to the seller on a fresh OPEN job.
  std::string PendingOffer() {
    pb::CreateJobRequest create;
    pb::Job* job = create.mutable_job();
    job->set_title("Brand identity for a bakery");
    job->set_description("Logo and colours.");
    job->set_category_id(category_id_);
    for (pb::Money* money : {job->mutable_budget()->mutable_min(),
                             job->mutable_budget()->mutable_max()}) {
      money->set_currency_code("USD");
      money->set_amount_minor(20000);
    }
    job->mutable_due_time()->set_seconds(
        absl::ToUnixSeconds(server_.clock().Now() + absl::Hours(24 * 7)));
    const std::string job_id = server_.Call(buyer_, &pb::JobService::Stub::CreateJob, create).id();
    server_.Call(admin_, &pb::JobService::Stub::ApproveJob, WithId<pb::ApproveJobRequest>(job_id));
    pb::AssignSellersRequest assign;
    assign.set_job_id(job_id);
    assign.add_seller_ids(seller_);
    pb::AssignSellersResponse assigned =
        server_.Call(admin_, &pb::AssignmentService::Stub::AssignSellers, assign);
    return assigned.assignments_size() == 1 ? assigned.assignments(0).offer_id() : "";
  }

  pb::Offer GetOffer(const std::string& user_id, const std::string& offer_id) {
    return server_.Call(user_id, &pb::OfferService::Stub::GetOffer,
                        WithId<pb::GetOfferRequest>(offer_id));
  }

  void RevokeSellerRole() {
    pb::RevokeRoleRequest revoke;
    revoke.set_user_id(seller_);
    revoke.set_role(pb::ROLE_SELLER);
    pb::User revoked = server_.Call(admin_, &pb::UserService::Stub::RevokeRole, revoke);
    EXPECT_THAT(revoked.roles(), ::testing::IsEmpty());
  }

  testutil::InProcessServer server_;
  std::string buyer_, seller_, admin_, category_id_;
};

TEST_F(RevokedSellerTest, AcceptsNoNewOfferButDeclinesAndFinishesItsBookings) {
  const std::string booked = PendingOffer();
  const std::string booking_id =
      server_.Call(seller_, &pb::OfferService::Stub::AcceptOffer,
                   WithId<pb::AcceptOfferRequest>(booked)).booking_id();
  const std::string offer = PendingOffer(), other_offer = PendingOffer();
  ASSERT_THAT(GetOffer(seller_, offer).allowed_actions(), ElementsAre("accept", "decline"));

  RevokeSellerRole();

  pb::Offer refused;
  grpc::Status accept = server_.Invoke(seller_, &pb::OfferService::Stub::AcceptOffer,
                                       WithId<pb::AcceptOfferRequest>(offer), &refused);
  EXPECT_EQ(accept.error_code(), grpc::StatusCode::PERMISSION_DENIED) << accept.error_message();
  EXPECT_EQ(ReasonIn(accept), pb::ROLE_REQUIRED);
  const pb::Offer unchanged = GetOffer(seller_, offer);
  EXPECT_EQ(unchanged.state(), pb::OFFER_STATE_PENDING);
  EXPECT_THAT(unchanged.allowed_actions(), ElementsAre("decline"));
  EXPECT_THAT(GetOffer(admin_, offer).allowed_actions(), ElementsAre("withdraw"));

  pb::DeclineOfferRequest decline;
  decline.set_id(other_offer);
  decline.set_reason("No longer selling");
  EXPECT_EQ(server_.Call(seller_, &pb::OfferService::Stub::DeclineOffer, decline).state(),
            pb::OFFER_STATE_DECLINED);

  EXPECT_THAT(server_.Call(seller_, &pb::BookingService::Stub::GetBooking,
                           WithId<pb::GetBookingRequest>(booking_id)).allowed_actions(),
              ElementsAre("deliver"));
  pb::DeliverBookingRequest deliver;
  deliver.set_id(booking_id);
  deliver.set_note("The last files");
  EXPECT_EQ(server_.Call(seller_, &pb::BookingService::Stub::DeliverBooking, deliver).state(),
            pb::BOOKING_STATE_DELIVERED);
}

}  // namespace
}  // namespace gigwire
