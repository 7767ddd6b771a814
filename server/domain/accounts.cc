// Account rules; see accounts.h.
#include "server/domain/accounts.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/auth/crypto.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"

namespace gigwire {
namespace {

constexpr size_t kMaxDisplayNameChars = 80;
constexpr size_t kMaxBioChars = 2000;

absl::Status InvalidCredentials() {
  return Unauthenticated(v1::INVALID_CREDENTIALS, "email or password is wrong");
}

absl::Status RefreshInvalid() {
  return Unauthenticated(v1::REFRESH_TOKEN_INVALID,
                         "refresh token is unknown, expired or revoked; log in again");
}

void CheckRegisterInput(const RegisterInput& in, Violations& v) {
  CheckEmail("email", in.email, v);
  CheckPassword("password", in.password, in.email, v);
  CheckText("display_name", in.display_name, 1, kMaxDisplayNameChars, false, v);
  if (in.roles.empty()) v.Add("roles", "must hold ROLE_BUYER and/or ROLE_SELLER");
  for (Role role : in.roles) {
    if (role == Role::kAdmin) v.Add("roles", "ROLE_ADMIN cannot be self-assigned");
  }
}

void CheckPatch(const ProfilePatch& patch, Violations& v) {
  if (patch.display_name) {
    CheckText("user.display_name", *patch.display_name, 1, kMaxDisplayNameChars, false, v);
  }
  if (patch.bio) CheckText("user.bio", *patch.bio, 0, kMaxBioChars, true, v);
  if (patch.avatar_url) CheckAvatarUrl("user.avatar_url", *patch.avatar_url, v);
  if (patch.skills) CheckSkills("user.skills", *patch.skills, v);
}

// Stores `user` as the next version of what was read; ABORTED if another
// write got there first.
absl::Status SaveNextVersion(Tx& tx, User& user, absl::Time now) {
  const int64_t read_version = user.version;
  user.version = read_version + 1;
  user.update_time = now;
  return tx.users().Update(user, read_version);
}

void ApplyPatch(const ProfilePatch& patch, User& user) {
  if (patch.display_name) user.display_name = *patch.display_name;
  if (patch.bio) user.bio = *patch.bio;
  if (patch.avatar_url) user.avatar_url = *patch.avatar_url;
  if (patch.skills) user.skills = *patch.skills;
  if (patch.availability) user.availability = *patch.availability;
}

}  // namespace

absl::Status RequireRole(const Principal& caller, Role role) {
  return caller.Has(role) ? absl::OkStatus() : RoleRequired(RoleName(role));
}

bool CanSeePrivateProfile(const Principal& viewer, const User& user) {
  return viewer.user_id == user.id || viewer.Has(Role::kAdmin);
}

Accounts::Accounts(Store& store, PasswordHasher& hasher, const TokenService& tokens,
                   const Clock& clock, AccountsConfig config, PrincipalCache* principals)
    : store_(store), hasher_(hasher), tokens_(tokens), clock_(clock), config_(config),
      principals_(principals) {}

absl::StatusOr<User> Accounts::Register(const RegisterInput& raw) {
  RegisterInput input = raw;
  input.email = NormalizeEmail(raw.email);
  Violations violations;
  CheckRegisterInput(input, violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  absl::Status taken = store_.Read([&](Tx& tx) { return tx.users().FindByEmail(input.email).status(); });
  if (taken.ok()) return AlreadyExists(v1::EMAIL_TAKEN, "an account with this email already exists");
  if (!absl::IsNotFound(taken)) return taken;

  User user;
  user.id = NewId("usr");
  user.email = input.email;
  GW_ASSIGN_OR_RETURN(user.password_hash, hasher_.Hash(input.password));
  user.display_name = input.display_name;
  for (Role role : input.roles) user.roles.Add(role);
  user.create_time = user.update_time = clock_.Now();
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) { return tx.users().Insert(user); }));
  return user;
}

absl::StatusOr<Session> Accounts::StartSession(Tx& tx, const User& user,
                                               const std::string& family_id) {
  Session session;
  AccessClaims claims;
  session.access_token = tokens_.Issue(user.id, &claims);
  session.access_expire_time = claims.expires_at;
  session.refresh_token = NewSecret("gwr_");
  RefreshToken stored;
  stored.id = NewId("rtk");
  stored.family_id = family_id;
  stored.user_id = user.id;
  stored.token_hash = Sha256(session.refresh_token);
  stored.create_time = clock_.Now();
  stored.expire_time = stored.create_time + config_.refresh_ttl;
  GW_RETURN_IF_ERROR(tx.refresh_tokens().Insert(stored));
  session.refresh_expire_time = stored.expire_time;
  session.user = user;
  return session;
}

absl::StatusOr<Session> Accounts::Login(absl::string_view raw_email, absl::string_view password) {
  std::string email = NormalizeEmail(raw_email);
  Violations violations;
  if (email.empty()) violations.Add("email", "is required");
  if (password.empty()) violations.Add("password", "is required");
  GW_RETURN_IF_ERROR(violations.ToStatus());
  absl::StatusOr<User> user = absl::NotFoundError("");
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) {
    user = tx.users().FindByEmail(email);
    return absl::IsNotFound(user.status()) ? absl::OkStatus() : user.status();
  }));
  if (!user.ok()) {
    hasher_.BurnEquivalentWork(password);
    return InvalidCredentials();
  }
  if (!hasher_.Verify(password, user->password_hash)) return InvalidCredentials();
  Session session;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(session, StartSession(tx, *user, NewId("fam")));
    return absl::OkStatus();
  }));
  return session;
}

absl::StatusOr<Session> Accounts::Refresh(absl::string_view refresh_token) {
  if (refresh_token.empty()) return InvalidField("refresh_token", "is required");
  const std::string hash = Sha256(refresh_token);
  const absl::Time now = clock_.Now();
  bool reused = false;
  Session session;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    absl::StatusOr<RefreshToken> token = tx.refresh_tokens().FindByHash(hash);
    if (absl::IsNotFound(token.status())) return RefreshInvalid();
    GW_RETURN_IF_ERROR(token.status());
    if (token->revoke_time.has_value() || now >= token->expire_time) return RefreshInvalid();
    if (token->used_time.has_value()) {
      reused = true;  // commit the family's revocation, then refuse
      return tx.refresh_tokens().RevokeFamily(token->family_id, now);
    }
    GW_RETURN_IF_ERROR(tx.refresh_tokens().MarkUsed(token->id, now));
    GW_ASSIGN_OR_RETURN(User user, tx.users().FindById(token->user_id));
    GW_ASSIGN_OR_RETURN(session, StartSession(tx, user, token->family_id));
    return absl::OkStatus();
  }));
  if (reused) {
    return Unauthenticated(v1::REFRESH_TOKEN_REUSED,
                           "refresh token was already used; every session token of this login "
                           "is revoked; log in again");
  }
  return session;
}

absl::Status Accounts::Logout(absl::string_view refresh_token) {
  if (refresh_token.empty()) return InvalidField("refresh_token", "is required");
  const std::string hash = Sha256(refresh_token);
  return store_.Write([&](Tx& tx) -> absl::Status {
    absl::StatusOr<RefreshToken> token = tx.refresh_tokens().FindByHash(hash);
    if (absl::IsNotFound(token.status())) return absl::OkStatus();
    GW_RETURN_IF_ERROR(token.status());
    return tx.refresh_tokens().RevokeFamily(token->family_id, clock_.Now());
  });
}

absl::StatusOr<User> Accounts::GetUser(const std::string& id) {
  if (id.empty()) return InvalidField("id", "is required");
  if (!HasIdShape(id, "usr")) return NotFound(absl::StrCat("user ", id));
  User user;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(user, tx.users().FindById(id));
    return absl::OkStatus();
  }));
  return user;
}

absl::StatusOr<User> Accounts::UpdateProfile(const Principal& caller, const ProfilePatch& patch,
                                             absl::string_view etag) {
  Violations violations;
  CheckPatch(patch, violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  User user;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(user, tx.users().FindById(caller.user_id));
    if (!etag.empty() && etag != UserEtag(user)) return EtagMismatch("user");
    ApplyPatch(patch, user);
    return SaveNextVersion(tx, user, clock_.Now());
  }));
  return user;
}

absl::StatusOr<UserPage> Accounts::ListUsers(const Principal& caller, std::optional<Role> role,
                                             int page_size, absl::string_view page_token,
                                             absl::string_view email) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  if (!email.empty()) return UserWithEmail(role, email);
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  const std::string fingerprint =
      absl::StrCat("users:role=", role ? static_cast<int>(*role) : 0);
  UserQuery query;
  GW_ASSIGN_OR_RETURN(query.after, DecodePageToken(page_token, fingerprint));
  query.role = role;
  query.limit = limit + 1;
  UserPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.users, tx.users().List(query));
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToPage(page.users, limit, fingerprint);
  return page;
}

absl::StatusOr<UserPage> Accounts::UserWithEmail(std::optional<Role> role,
                                                 absl::string_view email) {
  UserPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    absl::StatusOr<User> user = tx.users().FindByEmail(NormalizeEmail(email));
    if (absl::IsNotFound(user.status())) return absl::OkStatus();
    GW_RETURN_IF_ERROR(user.status());
    if (!role.has_value() || user->roles.Has(*role)) page.users.push_back(*std::move(user));
    return absl::OkStatus();
  }));
  return page;
}

absl::StatusOr<User> Accounts::GrantRole(const Principal& caller, const std::string& user_id,
                                         Role role) {
  return ChangeRoles(caller, user_id, role, /*grant=*/true);
}

absl::StatusOr<User> Accounts::RevokeRole(const Principal& caller, const std::string& user_id,
                                          Role role) {
  return ChangeRoles(caller, user_id, role, /*grant=*/false);
}

absl::StatusOr<User> Accounts::ChangeRoles(const Principal& caller, const std::string& user_id,
                                           Role role, bool grant) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  if (user_id.empty()) return InvalidField("user_id", "is required");
  if (!grant && role == Role::kAdmin && user_id == caller.user_id) {
    return InvalidState("an admin cannot revoke their own admin role", "admin");
  }
  User user;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    absl::StatusOr<User> found = tx.users().FindById(user_id);
    if (absl::IsNotFound(found.status())) return NotFound(absl::StrCat("user ", user_id));
    GW_RETURN_IF_ERROR(found.status());
    user = *std::move(found);
    if (user.roles.Has(role) == grant) return absl::OkStatus();  // already so
    grant ? user.roles.Add(role) : user.roles.Remove(role);
    return SaveNextVersion(tx, user, clock_.Now());
  }));
  if (principals_ != nullptr) principals_->Forget(user_id);
  return user;
}

absl::StatusOr<User> Accounts::CreateOrPromoteAdmin(absl::string_view raw_email,
                                                    absl::string_view password) {
  const std::string email = NormalizeEmail(raw_email);
  Violations violations;
  CheckEmail("email", email, violations);
  CheckPassword("password", password, email, violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  GW_ASSIGN_OR_RETURN(std::string hash, hasher_.Hash(password));
  User user;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    absl::StatusOr<User> existing = tx.users().FindByEmail(email);
    if (existing.ok()) {
      user = *std::move(existing);
      user.roles.Add(Role::kAdmin);
      return SaveNextVersion(tx, user, clock_.Now());
    }
    if (!absl::IsNotFound(existing.status())) return existing.status();
    user.id = NewId("usr");
    user.email = email;
    user.password_hash = hash;
    user.display_name = "Administrator";
    user.roles.Add(Role::kAdmin);
    user.create_time = user.update_time = clock_.Now();
    return tx.users().Insert(user);
  }));
  if (principals_ != nullptr) principals_->Forget(user.id);
  return user;
}

}  // namespace gigwire
