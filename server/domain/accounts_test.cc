#include "server/domain/accounts.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/auth/crypto.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

using ::testing::UnorderedElementsAreArray;

constexpr char kPassword[] = "a long enough secret";

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  for (const v1::FieldViolation& v : details.field_violations()) fields.push_back(v.field());
  return fields;
}

Principal PrincipalOf(const User& user) { return Principal{user.id, user.roles, ""}; }

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testutil::OpenTestStore(dir_);
    ASSERT_NE(store_, nullptr);
    accounts_ = std::make_unique<Accounts>(*store_, hasher_, tokens_, clock_);
  }

  static std::vector<TokenKey> Keys() {
    return ParseTokenKeyFile(Base64UrlEncode(std::string(32, 'k'))).value();
  }

  static RegisterInput Input(const std::string& email, std::vector<Role> roles = {Role::kBuyer}) {
    return RegisterInput{email, kPassword, "Alice Example", std::move(roles)};
  }

  User RegisterOrDie(const std::string& email, std::vector<Role> roles = {Role::kBuyer}) {
    absl::StatusOr<User> user = accounts_->Register(Input(email, std::move(roles)));
    EXPECT_TRUE(user.ok()) << user.status();
    return user.value_or(User{});
  }

  Session LoginOrDie(const std::string& email, const std::string& password = kPassword) {
    absl::StatusOr<Session> session = accounts_->Login(email, password);
    EXPECT_TRUE(session.ok()) << session.status();
    return session.value_or(Session{});
  }

  Principal AdminOrDie() {
    absl::StatusOr<User> admin = accounts_->CreateOrPromoteAdmin("root@example.com", kPassword);
    EXPECT_TRUE(admin.ok()) << admin.status();
    return PrincipalOf(admin.value_or(User{}));
  }

  static void ExpectFailure(const absl::Status& status, absl::StatusCode code,
                            ErrorReason reason) {
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_EQ(ReasonOf(status), reason) << status;
  }

  testutil::TempDir dir_;
  FakeClock clock_;
  PasswordHasher hasher_{ScryptParams::InsecureFastForTests(), 2};
  TokenService tokens_{Keys(), TokenConfig{}, clock_};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Accounts> accounts_;
};

// ---- registration ----

TEST_F(AccountsTest, RegisterCreatesAnAccountWithAHashedPassword) {
  absl::StatusOr<User> user = accounts_->Register(Input("alice@example.com"));
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_TRUE(HasIdShape(user->id, "usr")) << user->id;
  EXPECT_TRUE(user->roles.Has(Role::kBuyer));
  EXPECT_FALSE(user->roles.Has(Role::kAdmin));
  EXPECT_EQ(user->version, 1);
  EXPECT_EQ(user->create_time, clock_.Now());
  EXPECT_TRUE(absl::StartsWith(user->password_hash, "$scrypt$"));
  EXPECT_FALSE(absl::StrContains(user->password_hash, kPassword));
  absl::StatusOr<User> stored = accounts_->GetUser(user->id);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->email, "alice@example.com");
}

TEST_F(AccountsTest, RegisterWithATakenEmailIsEmailTaken) {
  RegisterOrDie("alice@example.com");
  ExpectFailure(accounts_->Register(Input("alice@example.com")).status(),
                absl::StatusCode::kAlreadyExists, v1::EMAIL_TAKEN);
  ExpectFailure(accounts_->Register(Input("ALICE@Example.com")).status(),
                absl::StatusCode::kAlreadyExists, v1::EMAIL_TAKEN);
}

TEST_F(AccountsTest, RegisterRefusesTheAdminRole) {
  absl::Status status =
      accounts_->Register(Input("alice@example.com", {Role::kBuyer, Role::kAdmin})).status();
  ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status), ::testing::ElementsAre("roles"));
}

TEST_F(AccountsTest, RegisterReportsEveryViolationAtOnce) {
  absl::Status status = accounts_->Register(RegisterInput{"not-an-email", "short", "", {}}).status();
  ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAreArray({"email", "password", "display_name", "roles"}));
}

TEST_F(AccountsTest, EmailIsStoredLowerCaseAndLoginIgnoresCase) {
  User user = RegisterOrDie("  Alice@Example.COM ");
  EXPECT_EQ(user.email, "alice@example.com");
  EXPECT_EQ(LoginOrDie("ALICE@example.com").user.id, user.id);
  EXPECT_EQ(LoginOrDie("alice@example.com").user.id, user.id);
}

// ---- login ----

TEST_F(AccountsTest, LoginIssuesAVerifiableAccessTokenAndA30DayRefreshToken) {
  User user = RegisterOrDie("alice@example.com");
  Session session = LoginOrDie("alice@example.com");
  absl::StatusOr<AccessClaims> claims = tokens_.Verify(session.access_token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, user.id);
  EXPECT_EQ(session.access_expire_time, claims->expires_at);
  EXPECT_FALSE(session.refresh_token.empty());
  EXPECT_EQ(session.refresh_expire_time, clock_.Now() + absl::Hours(24 * 30));
  EXPECT_EQ(session.user.id, user.id);
}

TEST_F(AccountsTest, WrongPasswordAndUnknownEmailFailIdentically) {
  RegisterOrDie("alice@example.com");
  absl::Status wrong_password = accounts_->Login("alice@example.com", "not the password").status();
  absl::Status unknown_email = accounts_->Login("bob@example.com", kPassword).status();
  ExpectFailure(wrong_password, absl::StatusCode::kUnauthenticated, v1::INVALID_CREDENTIALS);
  EXPECT_EQ(unknown_email.code(), wrong_password.code());
  EXPECT_EQ(ReasonOf(unknown_email), ReasonOf(wrong_password));
  EXPECT_EQ(unknown_email.message(), wrong_password.message());
}

TEST_F(AccountsTest, LoginWithoutEmailOrPasswordIsInvalidArgument) {
  absl::Status status = accounts_->Login("", "").status();
  ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status), ::testing::ElementsAre("email", "password"));
}

// ---- refresh and logout ----

TEST_F(AccountsTest, RefreshRotatesTheRefreshToken) {
  User user = RegisterOrDie("alice@example.com");
  Session first = LoginOrDie("alice@example.com");
  clock_.Advance(absl::Minutes(20));
  absl::StatusOr<Session> second = accounts_->Refresh(first.refresh_token);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_NE(second->refresh_token, first.refresh_token);
  EXPECT_EQ(second->user.id, user.id);
  EXPECT_EQ(second->refresh_expire_time, clock_.Now() + absl::Hours(24 * 30));
  absl::StatusOr<AccessClaims> claims = tokens_.Verify(second->access_token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, user.id);
  EXPECT_TRUE(accounts_->Refresh(second->refresh_token).ok());
}

TEST_F(AccountsTest, ReusingAConsumedTokenRevokesTheWholeFamily) {
  RegisterOrDie("alice@example.com");
  Session first = LoginOrDie("alice@example.com");
  Session other_login = LoginOrDie("alice@example.com");
  absl::StatusOr<Session> second = accounts_->Refresh(first.refresh_token);
  ASSERT_TRUE(second.ok()) << second.status();

  ExpectFailure(accounts_->Refresh(first.refresh_token).status(),
                absl::StatusCode::kUnauthenticated, v1::REFRESH_TOKEN_REUSED);
  ExpectFailure(accounts_->Refresh(second->refresh_token).status(),
                absl::StatusCode::kUnauthenticated, v1::REFRESH_TOKEN_INVALID);
  EXPECT_TRUE(accounts_->Refresh(other_login.refresh_token).ok()) << "other families untouched";
}

TEST_F(AccountsTest, RefreshTokenExpiresAfter30Days) {
  RegisterOrDie("alice@example.com");
  Session fresh = LoginOrDie("alice@example.com");
  Session stale = LoginOrDie("alice@example.com");
  clock_.Advance(absl::Hours(24 * 30) - absl::Seconds(1));
  EXPECT_TRUE(accounts_->Refresh(fresh.refresh_token).ok());
  clock_.Advance(absl::Seconds(1));
  ExpectFailure(accounts_->Refresh(stale.refresh_token).status(),
                absl::StatusCode::kUnauthenticated, v1::REFRESH_TOKEN_INVALID);
}

TEST_F(AccountsTest, UnknownOrMissingRefreshTokenIsRefused) {
  ExpectFailure(accounts_->Refresh("gwr_never-issued").status(),
                absl::StatusCode::kUnauthenticated, v1::REFRESH_TOKEN_INVALID);
  ExpectFailure(accounts_->Refresh("").status(), absl::StatusCode::kInvalidArgument,
                v1::INVALID_FIELDS);
}

TEST_F(AccountsTest, LogoutRevokesTheFamilyAndIsIdempotent) {
  RegisterOrDie("alice@example.com");
  Session first = LoginOrDie("alice@example.com");
  absl::StatusOr<Session> second = accounts_->Refresh(first.refresh_token);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_TRUE(accounts_->Logout(second->refresh_token).ok());
  ExpectFailure(accounts_->Refresh(second->refresh_token).status(),
                absl::StatusCode::kUnauthenticated, v1::REFRESH_TOKEN_INVALID);
  EXPECT_TRUE(accounts_->Logout(second->refresh_token).ok());
  EXPECT_TRUE(accounts_->Logout(first.refresh_token).ok());
  EXPECT_TRUE(accounts_->Logout("gwr_never-issued").ok());
}

// ---- profiles ----

TEST_F(AccountsTest, UpdateProfileAppliesThePatchAndChangesTheEtag) {
  User user = RegisterOrDie("alice@example.com", {Role::kSeller});
  ProfilePatch patch;
  patch.display_name = "Alice S.";
  patch.skills = std::vector<std::string>{"C++", "SQL"};
  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<User> updated =
      accounts_->UpdateProfile(PrincipalOf(user), patch, UserEtag(user));
  ASSERT_TRUE(updated.ok()) << updated.status();
  EXPECT_EQ(updated->display_name, "Alice S.");
  EXPECT_EQ(updated->skills, (std::vector<std::string>{"C++", "SQL"}));
  EXPECT_EQ(updated->update_time, clock_.Now());
  EXPECT_NE(UserEtag(*updated), UserEtag(user));
  EXPECT_EQ(accounts_->GetUser(user.id)->display_name, "Alice S.");
}

TEST_F(AccountsTest, UpdateProfileWithAStaleEtagChangesNothing) {
  User user = RegisterOrDie("alice@example.com");
  ProfilePatch first;
  first.bio = "first";
  ASSERT_TRUE(accounts_->UpdateProfile(PrincipalOf(user), first, UserEtag(user)).ok());
  ProfilePatch second;
  second.bio = "second";
  ExpectFailure(accounts_->UpdateProfile(PrincipalOf(user), second, UserEtag(user)).status(),
                absl::StatusCode::kAborted, v1::ETAG_MISMATCH);
  absl::StatusOr<User> stored = accounts_->GetUser(user.id);
  ASSERT_TRUE(stored.ok());
  EXPECT_EQ(stored->bio, "first");
  EXPECT_EQ(stored->version, user.version + 1);
}

TEST_F(AccountsTest, UpdateProfileListsEveryInvalidField) {
  User user = RegisterOrDie("alice@example.com");
  ProfilePatch patch;
  patch.display_name = "";
  patch.avatar_url = "http://insecure.example.com/a.png";
  patch.skills = std::vector<std::string>{"Go", "GO"};
  absl::Status status = accounts_->UpdateProfile(PrincipalOf(user), patch, "").status();
  ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status), UnorderedElementsAreArray({"user.display_name",
                                                                 "user.avatar_url",
                                                                 "user.skills[1]"}));
  EXPECT_EQ(accounts_->GetUser(user.id)->version, 1);
}

TEST_F(AccountsTest, GetUserOfUnknownIdIsNotFound) {
  ExpectFailure(accounts_->GetUser("usr_doesnotexist").status(), absl::StatusCode::kNotFound,
                v1::RESOURCE_NOT_FOUND);
  ExpectFailure(accounts_->GetUser("../etc/passwd").status(), absl::StatusCode::kNotFound,
                v1::RESOURCE_NOT_FOUND);
}

// ---- listing ----

TEST_F(AccountsTest, ListUsersWithAnEmailFindsThatAccountOnly) {
  Principal admin = AdminOrDie();
  User seller = RegisterOrDie("sam@example.com", {Role::kSeller});
  RegisterOrDie("sammy@example.com", {Role::kSeller});
  auto emails = [&](std::optional<Role> role, const std::string& email) {
    absl::StatusOr<UserPage> page = accounts_->ListUsers(admin, role, 0, "", email);
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    for (const User& u : page.value_or(UserPage{}).users) ids.push_back(u.id);
    return ids;
  };
  EXPECT_THAT(emails(std::nullopt, " SAM@example.com "), ::testing::ElementsAre(seller.id));
  EXPECT_THAT(emails(Role::kSeller, "sam@example.com"), ::testing::ElementsAre(seller.id));
  EXPECT_THAT(emails(Role::kBuyer, "sam@example.com"), ::testing::IsEmpty());
  EXPECT_THAT(emails(std::nullopt, "sa@example.com"), ::testing::IsEmpty());
  Principal buyer = PrincipalOf(RegisterOrDie("bo@example.com"));
  ExpectFailure(accounts_->ListUsers(buyer, std::nullopt, 0, "", "sam@example.com").status(),
                absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
}

TEST_F(AccountsTest, ListUsersPagesCoverEveryMatchingUserExactlyOnce) {
  Principal admin = AdminOrDie();
  std::vector<std::string> sellers;
  for (int i = 0; i < 5; ++i) {
    sellers.push_back(RegisterOrDie(absl::StrCat("seller", i, "@example.com"), {Role::kSeller}).id);
    if (i % 2 == 1) clock_.Advance(absl::Seconds(1));  // some share a create time
  }
  RegisterOrDie("buyer@example.com", {Role::kBuyer});

  std::vector<std::string> seen;
  std::vector<size_t> page_sizes;
  std::string token;
  do {
    absl::StatusOr<UserPage> page = accounts_->ListUsers(admin, Role::kSeller, 2, token);
    ASSERT_TRUE(page.ok()) << page.status();
    page_sizes.push_back(page->users.size());
    for (const User& u : page->users) seen.push_back(u.id);
    token = page->next_page_token;
  } while (!token.empty() && page_sizes.size() < 10);
  EXPECT_THAT(page_sizes, ::testing::ElementsAre(2u, 2u, 1u));
  EXPECT_THAT(seen, UnorderedElementsAreArray(sellers));
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), seen.size());
}

TEST_F(AccountsTest, ListUsersWithoutFilterIncludesEveryone) {
  Principal admin = AdminOrDie();
  RegisterOrDie("a@example.com");
  RegisterOrDie("b@example.com", {Role::kSeller});
  absl::StatusOr<UserPage> page = accounts_->ListUsers(admin, std::nullopt, 0, "");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->users.size(), 3u);
  EXPECT_TRUE(page->next_page_token.empty());
}

TEST_F(AccountsTest, ListUsersTokenReusedWithAnotherFilterIsInvalid) {
  Principal admin = AdminOrDie();
  for (int i = 0; i < 3; ++i) RegisterOrDie(absl::StrCat("s", i, "@example.com"), {Role::kSeller});
  absl::StatusOr<UserPage> page = accounts_->ListUsers(admin, Role::kSeller, 2, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_FALSE(page->next_page_token.empty());
  absl::Status status =
      accounts_->ListUsers(admin, Role::kBuyer, 2, page->next_page_token).status();
  ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status), ::testing::ElementsAre("page_token"));
}

TEST_F(AccountsTest, ListUsersNegativePageSizeIsInvalid) {
  ExpectFailure(accounts_->ListUsers(AdminOrDie(), std::nullopt, -1, "").status(),
                absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
}

TEST_F(AccountsTest, ListUsersRequiresAdmin) {
  User user = RegisterOrDie("alice@example.com", {Role::kBuyer, Role::kSeller});
  ExpectFailure(accounts_->ListUsers(PrincipalOf(user), std::nullopt, 10, "").status(),
                absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
}

// ---- roles ----

TEST_F(AccountsTest, AdminGrantsAndRevokesRoles) {
  Principal admin = AdminOrDie();
  User user = RegisterOrDie("alice@example.com");
  absl::StatusOr<User> granted = accounts_->GrantRole(admin, user.id, Role::kSeller);
  ASSERT_TRUE(granted.ok()) << granted.status();
  EXPECT_TRUE(granted->roles.Has(Role::kSeller));
  EXPECT_EQ(granted->version, 2);
  absl::StatusOr<User> again = accounts_->GrantRole(admin, user.id, Role::kSeller);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version, 2) << "granting a held role changes nothing";
  absl::StatusOr<User> revoked = accounts_->RevokeRole(admin, user.id, Role::kSeller);
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_FALSE(revoked->roles.Has(Role::kSeller));
  EXPECT_FALSE(accounts_->GetUser(user.id)->roles.Has(Role::kSeller));
}

TEST_F(AccountsTest, RoleChangesRequireAdmin) {
  User alice = RegisterOrDie("alice@example.com");
  User bob = RegisterOrDie("bob@example.com");
  ExpectFailure(accounts_->GrantRole(PrincipalOf(alice), alice.id, Role::kAdmin).status(),
                absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
  ExpectFailure(accounts_->RevokeRole(PrincipalOf(alice), bob.id, Role::kBuyer).status(),
                absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
  EXPECT_FALSE(accounts_->GetUser(alice.id)->roles.Has(Role::kAdmin));
}

TEST_F(AccountsTest, GrantRoleToUnknownUserIsNotFound) {
  ExpectFailure(accounts_->GrantRole(AdminOrDie(), "usr_missing", Role::kSeller).status(),
                absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND);
}

TEST_F(AccountsTest, AdminCannotRevokeTheirOwnAdminRole) {
  Principal admin = AdminOrDie();
  absl::Status status = accounts_->RevokeRole(admin, admin.user_id, Role::kAdmin).status();
  ExpectFailure(status, absl::StatusCode::kFailedPrecondition, v1::INVALID_STATE);
  EXPECT_TRUE(accounts_->GetUser(admin.user_id)->roles.Has(Role::kAdmin));
}

// ---- admin bootstrap ----

TEST_F(AccountsTest, CreateOrPromoteAdminCreatesANewAdmin) {
  absl::StatusOr<User> admin = accounts_->CreateOrPromoteAdmin("Root@Example.com", kPassword);
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_TRUE(admin->roles.Has(Role::kAdmin));
  EXPECT_EQ(admin->email, "root@example.com");
  EXPECT_EQ(LoginOrDie("root@example.com").user.id, admin->id);
}

TEST_F(AccountsTest, CreateOrPromoteAdminPromotesAnExistingAccountKeepingItsPassword) {
  User user = RegisterOrDie("alice@example.com", {Role::kSeller});
  absl::StatusOr<User> promoted =
      accounts_->CreateOrPromoteAdmin("alice@example.com", "another long password");
  ASSERT_TRUE(promoted.ok()) << promoted.status();
  EXPECT_EQ(promoted->id, user.id);
  EXPECT_TRUE(promoted->roles.Has(Role::kAdmin));
  EXPECT_TRUE(promoted->roles.Has(Role::kSeller));
  EXPECT_TRUE(accounts_->Login("alice@example.com", kPassword).ok());
  ExpectFailure(accounts_->Login("alice@example.com", "another long password").status(),
                absl::StatusCode::kUnauthenticated, v1::INVALID_CREDENTIALS);
}

TEST_F(AccountsTest, CreateOrPromoteAdminValidatesItsInput) {
  absl::Status status = accounts_->CreateOrPromoteAdmin("nope", "short").status();
  ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status), ::testing::ElementsAre("email", "password"));
}

}  // namespace
}  // namespace gigwire
