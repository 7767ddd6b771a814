// Credential checks; see authenticator.h.
#include "server/auth/authenticator.h"

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "server/auth/crypto.h"
#include "server/common/status.h"

namespace gigwire {

std::string HashApiKeySecret(absl::string_view secret) { return Sha256(secret); }

std::optional<RoleSet> PrincipalCache::Find(const std::string& user_id) const {
  absl::MutexLock lock(&mu_);
  auto it = roles_.find(user_id);
  if (it == roles_.end()) return std::nullopt;
  return it->second;
}

void PrincipalCache::Put(const std::string& user_id, RoleSet roles) {
  absl::MutexLock lock(&mu_);
  if (roles_.size() >= max_users_) roles_.clear();
  roles_[user_id] = roles;
}

void PrincipalCache::Forget(const std::string& user_id) {
  absl::MutexLock lock(&mu_);
  roles_.erase(user_id);
}

absl::StatusOr<Principal> Authenticator::Authenticate(
    std::optional<absl::string_view> authorization,
    std::optional<absl::string_view> api_key) const {
  if (authorization.has_value()) return FromBearer(*authorization);
  if (api_key.has_value()) return FromApiKey(*api_key);
  return Unauthenticated(v1::CREDENTIALS_MISSING,
                         "this call needs credentials: send 'authorization: Bearer <token>' "
                         "or 'x-api-key' metadata");
}

absl::StatusOr<Principal> Authenticator::FromBearer(absl::string_view authorization) const {
  absl::string_view token = authorization;
  if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
    return Unauthenticated(v1::TOKEN_INVALID, "authorization must be 'Bearer <token>'");
  }
  GW_ASSIGN_OR_RETURN(AccessClaims claims, tokens_.Verify(absl::StripAsciiWhitespace(token)));
  if (cache_ != nullptr) {
    if (std::optional<RoleSet> roles = cache_->Find(claims.subject)) {
      return Principal{claims.subject, *roles, ""};
    }
  }
  Principal principal;
  absl::Status status = store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(User user, tx.users().FindById(claims.subject));
    principal = {user.id, user.roles, ""};
    return absl::OkStatus();
  });
  if (absl::IsNotFound(status)) {
    return Unauthenticated(v1::TOKEN_INVALID, "the token's account no longer exists");
  }
  GW_RETURN_IF_ERROR(status);
  if (cache_ != nullptr) cache_->Put(principal.user_id, principal.roles);
  return principal;
}

absl::StatusOr<Principal> Authenticator::FromApiKey(absl::string_view api_key) const {
  Principal principal;
  absl::Status status = store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(ApiKey key, tx.api_keys().FindBySecretHash(HashApiKeySecret(api_key)));
    if (key.revoke_time.has_value()) return NotFound("API key");
    GW_ASSIGN_OR_RETURN(User user, tx.users().FindById(key.user_id));
    principal = {user.id, user.roles, key.id};
    return absl::OkStatus();
  });
  if (absl::IsNotFound(status)) {
    return Unauthenticated(v1::API_KEY_INVALID, "unknown or revoked API key");
  }
  GW_RETURN_IF_ERROR(status);
  return principal;
}

}  // namespace gigwire
