// In-process integration: the real backend (SQLite file, auth, domain) served
// by GigwireServer on a loopback port, called through the C++ SDK. A
// FakeClock lets the tests expire tokens without waiting.
#include <filesystem>
#include <memory>

#include "gigwire/client.h"
#include "gtest/gtest.h"
#include "server/api/server.h"

namespace gigwire {
namespace {

constexpr char kPassword[] = "a-long-enough-password";

class ServerIntegrationTest : public ::testing::Test {
 protected:
  void StartServer(RateLimitConfig limits = {}) {
    dir_ = std::filesystem::temp_directory_path() /
           ("gigwire-it-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    BackendOptions options;
    options.store.path = (dir_ / "gigwire.db").string();
    options.token_keys = *ParseTokenKeyFile(NewTokenKeyFileText());
    options.scrypt = ScryptParams::InsecureFastForTests();
    options.rate_limits = limits;
    options.clock = &clock_;
    backend_ = *Backend::Open(options);
    ServerOptions server_options;
    server_options.listen_address = "127.0.0.1:0";
    server_ = *GigwireServer::Start(server_options, *backend_);
  }

  void TearDown() override {
    if (server_) server_->Shutdown(absl::Seconds(1));
    server_.reset();
    backend_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<Client> NewClient() {
    ClientOptions options;
    options.target = server_->address();
    return Client::Connect(options);
  }

  // Registers `email` with `roles` and returns a client logged in as it.
  std::unique_ptr<Client> SignedIn(const std::string& email, std::vector<v1::Role> roles) {
    auto client = NewClient();
    v1::RegisterRequest request;
    request.set_email(email);
    request.set_password(kPassword);
    request.set_display_name("Test User");
    for (v1::Role role : roles) request.add_roles(role);
    EXPECT_TRUE(client->Register(request).ok());
    EXPECT_TRUE(client->Login(email, kPassword).ok());
    return client;
  }

  std::unique_ptr<Client> SignedInAdmin() {
    EXPECT_TRUE(backend_->accounts.CreateOrPromoteAdmin("root@example.com", kPassword).ok());
    auto client = NewClient();
    EXPECT_TRUE(client->Login("root@example.com", kPassword).ok());
    return client;
  }

  FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<GigwireServer> server_;
};

TEST_F(ServerIntegrationTest, ExpiredTokenIsRejectedWithTokenExpired) {
  StartServer();
  auto client = SignedIn("exp@example.com", {v1::ROLE_BUYER});
  client->SetTokens(client->access_token(), /*refresh_token=*/"");
  clock_.Advance(absl::Minutes(16));
  auto me = client->GetMe();
  EXPECT_EQ(me.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ApiErrorOf(me.status()).reason, v1::TOKEN_EXPIRED);
}

TEST_F(ServerIntegrationTest, SdkRefreshesAnExpiredTokenOnce) {
  StartServer();
  auto client = SignedIn("auto@example.com", {v1::ROLE_BUYER});
  const std::string old_access = client->access_token();
  clock_.Advance(absl::Minutes(16));
  auto me = client->GetMe();
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->email(), "auto@example.com");
  EXPECT_NE(client->access_token(), old_access);
}

TEST_F(ServerIntegrationTest, PerPrincipalRateLimitAnswersResourceExhausted) {
  RateLimitConfig limits;
  limits.per_principal = {0.001, 3};
  StartServer(limits);
  auto client = SignedIn("busy@example.com", {v1::ROLE_BUYER});
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client->GetMe().ok());
  auto refused = client->GetMe();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  ApiError error = ApiErrorOf(refused.status());
  EXPECT_EQ(error.reason, v1::RATE_LIMITED);
  EXPECT_GT(error.retry_after_ms, 0);
  clock_.Advance(absl::Seconds(1000));
  EXPECT_TRUE(client->GetMe().ok());
}

TEST_F(ServerIntegrationTest, LoginAndRegisterShareThePerAccountLimit) {
  RateLimitConfig limits;
  limits.per_account_auth = {0.001, 3};
  StartServer(limits);
  auto client = SignedIn("guarded@example.com", {v1::ROLE_BUYER});  // register + login
  EXPECT_EQ(client->Login("guarded@example.com", "wrong-password-xyz").status().code(),
            absl::StatusCode::kUnauthenticated);
  auto refused = client->Login("GUARDED@example.com", kPassword);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(ApiErrorOf(refused.status()).reason, v1::RATE_LIMITED);
}

TEST_F(ServerIntegrationTest, RevokedRoleTakesEffectWithTheSameToken) {
  StartServer();
  auto admin = SignedInAdmin();
  auto helper = SignedIn("helper@example.com", {v1::ROLE_BUYER});
  std::string helper_id = helper->GetMe()->id();
  ASSERT_TRUE(admin->GrantRole(helper_id, v1::ROLE_ADMIN).ok());
  EXPECT_TRUE(helper->ListUsers({}).ok());
  ASSERT_TRUE(admin->RevokeRole(helper_id, v1::ROLE_ADMIN).ok());
  auto refused = helper->ListUsers({});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ApiErrorOf(refused.status()).reason, v1::ROLE_REQUIRED);
}

TEST_F(ServerIntegrationTest, ErrorTrailerCarriesCodeReasonAndEveryViolation) {
  StartServer();
  auto client = NewClient();
  v1::RegisterRequest request;
  request.set_email("not-an-email");
  request.set_password("short");
  request.add_roles(v1::ROLE_ADMIN);
  auto refused = client->Register(request);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  ApiError error = ApiErrorOf(refused.status());
  EXPECT_EQ(error.reason, v1::INVALID_FIELDS);
  std::vector<std::string> fields;
  for (const auto& [field, description] : error.field_violations) fields.push_back(field);
  EXPECT_EQ(fields, (std::vector<std::string>{"email", "password", "display_name", "roles"}));
}

TEST_F(ServerIntegrationTest, ApiKeyActsAsItsUserUntilRevoked) {
  StartServer();
  auto admin = SignedInAdmin();
  auto partner = SignedIn("partner@example.com", {v1::ROLE_BUYER});
  v1::CreateApiKeyRequest create;
  create.set_display_name("Partner storefront");
  create.set_user_id(partner->GetMe()->id());
  auto issued = admin->CreateApiKey(create);
  ASSERT_TRUE(issued.ok()) << issued.status();
  ClientOptions options;
  options.target = server_->address();
  options.api_key = issued->secret();
  auto keyed = Client::Connect(options);
  EXPECT_EQ(keyed->GetMe()->email(), "partner@example.com");
  ASSERT_TRUE(admin->RevokeApiKey(issued->api_key().id()).ok());
  auto refused = keyed->GetMe();
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ApiErrorOf(refused.status()).reason, v1::API_KEY_INVALID);
}

}  // namespace
}  // namespace gigwire
