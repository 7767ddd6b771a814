// Account rules: registration, login sessions with rotating refresh tokens,
// profiles, and role administration.
//
// Contracts (every error carries a reason, see errors.proto):
// - Register: INVALID_ARGUMENT (INVALID_FIELDS) listing every bad field;
//   ALREADY_EXISTS (EMAIL_TAKEN).
// - Login: UNAUTHENTICATED (INVALID_CREDENTIALS), identical for an unknown
//   email and a wrong password, after equivalent hashing work.
// - Refresh: UNAUTHENTICATED (REFRESH_TOKEN_INVALID) for unknown, expired or
//   revoked; (REFRESH_TOKEN_REUSED) for a consumed token, after revoking the
//   token's whole family in a committed transaction.
// - Admin calls: PERMISSION_DENIED (ROLE_REQUIRED) for non-admins.
//
// Thread safety: thread-safe; every dependency must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_ACCOUNTS_H_
#define GIGWIRE_SERVER_DOMAIN_ACCOUNTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/auth/password_hasher.h"
#include "server/auth/tokens.h"
#include "server/common/clock.h"
#include "server/model/user.h"
#include "server/store/store.h"

namespace gigwire {

struct RegisterInput {
  std::string email;
  std::string password;
  std::string display_name;
  std::vector<Role> roles;
};

// The fields UpdateProfile may change; unset members stay as they are.
struct ProfilePatch {
  std::optional<std::string> display_name;
  std::optional<std::string> bio;
  std::optional<std::string> avatar_url;
  std::optional<std::vector<std::string>> skills;
  std::optional<Availability> availability;
};

struct Session {
  std::string access_token;
  absl::Time access_expire_time;
  std::string refresh_token;
  absl::Time refresh_expire_time;
  User user;
};

struct UserPage {
  std::vector<User> users;
  std::string next_page_token;
};

struct AccountsConfig {
  absl::Duration refresh_ttl = absl::Hours(24 * 30);
};

class Accounts {
 public:
  // `principals` (may be null) is told about every role change.
  Accounts(Store& store, PasswordHasher& hasher, const TokenService& tokens,
           const Clock& clock, AccountsConfig config = {}, PrincipalCache* principals = nullptr);

  absl::StatusOr<User> Register(const RegisterInput& input);
  absl::StatusOr<Session> Login(absl::string_view email, absl::string_view password);
  absl::StatusOr<Session> Refresh(absl::string_view refresh_token);
  // Idempotent: unknown or revoked tokens succeed too.
  absl::Status Logout(absl::string_view refresh_token);

  // NOT_FOUND (RESOURCE_NOT_FOUND) for an unknown id.
  absl::StatusOr<User> GetUser(const std::string& id);
  // INVALID_ARGUMENT for bad values; ABORTED (ETAG_MISMATCH) for a stale etag.
  absl::StatusOr<User> UpdateProfile(const Principal& caller, const ProfilePatch& patch,
                                     absl::string_view etag);

  // Admin only. With a non-empty `email`: the account with that email (as
  // NormalizeEmail makes it) if any and it has `role`, on one page (page_size
  // and page_token ignored).
  absl::StatusOr<UserPage> ListUsers(const Principal& caller, std::optional<Role> role,
                                     int page_size, absl::string_view page_token,
                                     absl::string_view email = "");
  absl::StatusOr<User> GrantRole(const Principal& caller, const std::string& user_id, Role role);
  // FAILED_PRECONDITION (INVALID_STATE) when an admin revokes their own admin role.
  absl::StatusOr<User> RevokeRole(const Principal& caller, const std::string& user_id, Role role);

  // Bootstrap for `gigwired --create-admin`: creates an admin account, or
  // grants admin to an existing account with that email (password unchanged).
  absl::StatusOr<User> CreateOrPromoteAdmin(absl::string_view email, absl::string_view password);

 private:
  absl::StatusOr<UserPage> UserWithEmail(std::optional<Role> role, absl::string_view email);
  absl::StatusOr<Session> StartSession(Tx& tx, const User& user, const std::string& family_id);
  absl::StatusOr<User> ChangeRoles(const Principal& caller, const std::string& user_id,
                                   Role role, bool grant);

  Store& store_;
  PasswordHasher& hasher_;
  const TokenService& tokens_;
  const Clock& clock_;
  const AccountsConfig config_;
  PrincipalCache* const principals_;
};

// PERMISSION_DENIED (ROLE_REQUIRED) unless `caller` holds `role`.
absl::Status RequireRole(const Principal& caller, Role role);

// True when `viewer` may see `user`'s private fields (self or admin).
bool CanSeePrivateProfile(const Principal& viewer, const User& user);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_ACCOUNTS_H_
