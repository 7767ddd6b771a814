// End-to-end through the C++ SDK against a real gigwired process: register,
// login, GetMe, UpdateMe, refresh and logout, with the exact error codes and
// reasons of each failure; then SIGTERM must exit 0 and leave a database that
// passes PRAGMA integrity_check.
#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "gigwire/client.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"

namespace gigwire {
namespace {

using testing::ServerProcess;

constexpr char kPassword[] = "correct-horse-battery";

void ExpectError(const absl::Status& status, absl::StatusCode code, v1::ErrorReason reason) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(ApiErrorOf(status).reason_name, v1::ErrorReason_Name(reason)) << status;
}

class AuthE2eTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = ServerProcess::Start({"--rate-auth-burst", "1000"});
    ASSERT_TRUE(started.ok()) << started.status();
    server_.emplace(*std::move(started));
    ClientOptions options;
    options.target = server_->address();
    client_ = Client::Connect(options);
  }

  v1::RegisterRequest Registration(const std::string& email) {
    v1::RegisterRequest request;
    request.set_email(email);
    request.set_password(kPassword);
    request.set_display_name("Ada");
    request.add_roles(v1::ROLE_BUYER);
    return request;
  }

  std::optional<ServerProcess> server_;
  std::unique_ptr<Client> client_;
};

TEST_F(AuthE2eTest, AccountLifecycleAndCleanShutdown) {
  auto user = client_->Register(Registration("Ada@Example.com"));
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_EQ(user->email(), "ada@example.com");
  ASSERT_TRUE(client_->Login("ada@example.com", kPassword).ok());
  auto me = client_->GetMe();
  ASSERT_TRUE(me.ok()) << me.status();
  EXPECT_EQ(me->id(), user->id());

  v1::UpdateMeRequest update;
  update.mutable_user()->set_bio("Builds things.");
  update.mutable_user()->add_skills("c++");
  update.mutable_update_mask()->add_paths("bio");
  update.mutable_update_mask()->add_paths("skills");
  update.set_etag(me->etag());
  auto updated = client_->UpdateMe(update);
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->bio(), "Builds things.");
  ExpectError(client_->UpdateMe(update).status(), absl::StatusCode::kAborted, v1::ETAG_MISMATCH);

  ASSERT_TRUE(client_->Refresh().ok());
  EXPECT_TRUE(client_->GetMe().ok());
  ASSERT_TRUE(client_->Logout().ok());

  EXPECT_EQ(server_->Stop(), 0) << "gigwired must exit 0 on SIGTERM";
  SQLite::Database db(server_->db_path(), SQLite::OPEN_READONLY);
  SQLite::Statement check(db, "PRAGMA integrity_check");
  ASSERT_TRUE(check.executeStep());
  EXPECT_EQ(check.getColumn(0).getString(), "ok");
  SQLite::Statement count(db, "SELECT COUNT(*) FROM users WHERE email = 'ada@example.com'");
  ASSERT_TRUE(count.executeStep());
  EXPECT_EQ(count.getColumn(0).getInt(), 1);
}

TEST_F(AuthE2eTest, ErrorCodesAndReasons) {
  ASSERT_TRUE(client_->Register(Registration("bo@example.com")).ok());
  ExpectError(client_->Register(Registration("BO@example.com")).status(),
              absl::StatusCode::kAlreadyExists, v1::EMAIL_TAKEN);

  v1::RegisterRequest weak = Registration("no-at-sign");
  weak.set_password("short");
  auto refused = client_->Register(weak);
  ExpectError(refused.status(), absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_EQ(ApiErrorOf(refused.status()).field_violations.size(), 2u);

  auto wrong_password = client_->Login("bo@example.com", "not-the-password");
  auto unknown_email = client_->Login("nobody@example.com", kPassword);
  ExpectError(wrong_password.status(), absl::StatusCode::kUnauthenticated, v1::INVALID_CREDENTIALS);
  ExpectError(unknown_email.status(), absl::StatusCode::kUnauthenticated, v1::INVALID_CREDENTIALS);
  EXPECT_EQ(wrong_password.status().message(), unknown_email.status().message());

  ExpectError(client_->GetMe().status(), absl::StatusCode::kUnauthenticated,
              v1::CREDENTIALS_MISSING);
  client_->SetTokens("eyJhbGciOiJub25lIn0.e30.", "");
  ExpectError(client_->GetMe().status(), absl::StatusCode::kUnauthenticated, v1::TOKEN_INVALID);
}

TEST_F(AuthE2eTest, ReusedRefreshTokenRevokesTheFamily) {
  ASSERT_TRUE(client_->Register(Registration("cy@example.com")).ok());
  ASSERT_TRUE(client_->Login("cy@example.com", kPassword).ok());
  const std::string consumed = client_->refresh_token();
  ASSERT_TRUE(client_->Refresh().ok());
  const std::string newest = client_->refresh_token();

  client_->SetTokens("", consumed);
  ExpectError(client_->Refresh().status(), absl::StatusCode::kUnauthenticated,
              v1::REFRESH_TOKEN_REUSED);
  client_->SetTokens("", newest);
  ExpectError(client_->Refresh().status(), absl::StatusCode::kUnauthenticated,
              v1::REFRESH_TOKEN_INVALID);
}

}  // namespace
}  // namespace gigwire
