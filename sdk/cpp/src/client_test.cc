// Unit tests of gigwire::Client's call policy against an in-process fake
// server that fails on purpose: the shared service config's retries (with one
// filled-in request_id) and deadlines, and FillRequestId.
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "gigwire/client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gigwire {
namespace {

using ::testing::SizeIs;

// CreateJob fails UNAVAILABLE on the first attempt of each request_id;
// Register always fails UNAVAILABLE; GetJob takes 2 s.
class FlakyServer final : public v1::JobService::Service, public v1::AuthService::Service {
 public:
  grpc::Status CreateJob(grpc::ServerContext*, const v1::CreateJobRequest* request,
                         v1::Job* job) override {
    absl::MutexLock lock(&mu_);
    bool first = std::find(request_ids_.begin(), request_ids_.end(), request->request_id()) ==
                 request_ids_.end();
    request_ids_.push_back(request->request_id());
    if (first) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "try again");
    job->set_id("job_1");
    return grpc::Status::OK;
  }
  grpc::Status GetJob(grpc::ServerContext*, const v1::GetJobRequest*, v1::Job*) override {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    return grpc::Status::OK;
  }
  grpc::Status Login(grpc::ServerContext*, const v1::LoginRequest*, v1::TokenPair* pair) override {
    pair->set_access_token("access-1");
    pair->set_refresh_token("refresh-1");
    return grpc::Status::OK;
  }
  grpc::Status Register(grpc::ServerContext*, const v1::RegisterRequest*, v1::User*) override {
    absl::MutexLock lock(&mu_);
    ++register_attempts_;
    return grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
  }
  std::vector<std::string> request_ids() {
    absl::MutexLock lock(&mu_);
    return request_ids_;
  }
  int register_attempts() {
    absl::MutexLock lock(&mu_);
    return register_attempts_;
  }

 private:
  absl::Mutex mu_;
  std::vector<std::string> request_ids_ ABSL_GUARDED_BY(mu_);
  int register_attempts_ ABSL_GUARDED_BY(mu_) = 0;
};

class ClientPolicyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(static_cast<v1::JobService::Service*>(&fake_));
    builder.RegisterService(static_cast<v1::AuthService::Service*>(&fake_));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
  }
  void TearDown() override { server_->Shutdown(std::chrono::system_clock::now()); }

  std::unique_ptr<Client> Connect(std::string service_config_json = "") {
    ClientOptions options;
    options.target = "127.0.0.1:" + std::to_string(port_);
    options.access_token = "t";
    options.service_config_json = std::move(service_config_json);
    return Client::Connect(options);
  }

  FlakyServer fake_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
};

TEST_F(ClientPolicyTest, RetriesAMutationWithTheSameFilledInRequestId) {
  v1::CreateJobRequest request;
  request.mutable_job()->set_title("T");
  absl::StatusOr<v1::Job> job = Connect()->Call(&v1::JobService::Stub::CreateJob, request);
  ASSERT_TRUE(job.ok()) << job.status();
  EXPECT_EQ(job->id(), "job_1");
  std::vector<std::string> ids = fake_.request_ids();
  ASSERT_THAT(ids, SizeIs(2));
  EXPECT_EQ(ids[0], ids[1]);
  EXPECT_THAT(ids[0], SizeIs(36));
}

TEST_F(ClientPolicyTest, DoesNotRetryAMutationWithoutRequestId) {
  absl::StatusOr<v1::User> user = Connect()->Register(v1::RegisterRequest());
  EXPECT_EQ(user.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(fake_.register_attempts(), 1);
}

TEST_F(ClientPolicyTest, ServiceConfigDeadlineApplies) {
  // A short deadline in place of the shipped 10 s, against a 2 s GetJob.
  std::string config =
      absl::StrReplaceAll(DefaultServiceConfigJson(), {{"\"timeout\": \"10s\"", "\"timeout\": \"0.2s\""}});
  absl::StatusOr<v1::Job> job =
      Connect(config)->Call(&v1::JobService::Stub::GetJob, v1::GetJobRequest());
  EXPECT_EQ(job.status().code(), absl::StatusCode::kDeadlineExceeded);
}

TEST_F(ClientPolicyTest, ReportsEachNewTokenPair) {
  ClientOptions options;
  options.target = "127.0.0.1:" + std::to_string(port_);
  std::vector<std::string> seen;
  options.on_tokens = [&seen](const v1::TokenPair& pair) { seen.push_back(pair.refresh_token()); };
  std::unique_ptr<Client> client = Client::Connect(options);
  ASSERT_TRUE(client->Login("a@example.com", "pw").ok());
  EXPECT_THAT(seen, ::testing::ElementsAre("refresh-1"));
  EXPECT_EQ(client->refresh_token(), "refresh-1");
}

TEST(FillRequestIdTest, FillsOnlyAnEmptyRequestId) {
  v1::CreateJobRequest empty;
  FillRequestId(empty);
  EXPECT_THAT(empty.request_id(), SizeIs(36));
  EXPECT_EQ(empty.request_id()[14], '4');  // a version 4 UUID
  v1::CreateJobRequest given;
  given.set_request_id("mine");
  FillRequestId(given);
  EXPECT_EQ(given.request_id(), "mine");
  v1::CreateJobRequest other;
  FillRequestId(other);
  EXPECT_NE(other.request_id(), empty.request_id());
  v1::GetJobRequest no_field;
  FillRequestId(no_field);
  EXPECT_EQ(no_field.ByteSizeLong(), 0u);
}

// client.h brings every service's stub through the generated
// "gigwire/v1/all.grpc.h", so Call() reaches any RPC, typed by its stub, with
// no include per service (these services' headers were never named by hand).
TEST(ClientCallTest, AnyServiceOfTheProtosIsCallableWithClientHAlone) {
  ClientOptions options;
  options.target = "127.0.0.1:1";  // nothing listens: the calls fail, typed
  options.timeout = absl::Seconds(2);
  std::unique_ptr<Client> client = Client::Connect(options);
  absl::StatusOr<v1::ListReviewsResponse> reviews =
      client->Call(&v1::ReviewService::Stub::ListReviews, v1::ListReviewsRequest());
  absl::StatusOr<v1::ListCategoriesResponse> categories =
      client->Call(&v1::CatalogService::Stub::ListCategories, v1::ListCategoriesRequest());
  absl::StatusOr<v1::ListAuditEntriesResponse> audit =
      client->Call(&v1::AuditService::Stub::ListAuditEntries, v1::ListAuditEntriesRequest());
  for (const absl::Status& status : {reviews.status(), categories.status(), audit.status()}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  }
}

}  // namespace
}  // namespace gigwire
