// Turns call credentials into a Principal: who is calling, with which roles.
//
// Credentials are either a bearer access token (`authorization: Bearer ...`)
// or a partner API key (`x-api-key: ...`). Roles are read from the account
// on every call, so a revoked role takes effect at once, not at token expiry.
//
// Thread safety: thread-safe. `store` and `tokens` must outlive it.
#ifndef GIGWIRE_SERVER_AUTH_AUTHENTICATOR_H_
#define GIGWIRE_SERVER_AUTH_AUTHENTICATOR_H_

#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/string_view.h"
#include "server/auth/tokens.h"
#include "server/model/user.h"
#include "server/store/store.h"

namespace gigwire {

struct Principal {
  std::string user_id;
  RoleSet roles;
  std::string api_key_id;  // set when authenticated by an API key

  bool Has(Role role) const { return roles.Has(role); }
};

// Roles of recently seen users, so an authenticated call need not read the
// account. Whoever changes a user's roles must call Forget(user_id) after
// the change commits (Accounts does), so revocation still takes effect at
// once. Bounded: cleared when it reaches `max_users`.
// Thread safety: thread-safe.
class PrincipalCache {
 public:
  explicit PrincipalCache(size_t max_users = 100'000) : max_users_(max_users) {}
  std::optional<RoleSet> Find(const std::string& user_id) const;
  void Put(const std::string& user_id, RoleSet roles);
  void Forget(const std::string& user_id);

 private:
  const size_t max_users_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, RoleSet> roles_ ABSL_GUARDED_BY(mu_);
};

// Errors of every function here: UNAUTHENTICATED with reason
// CREDENTIALS_MISSING, TOKEN_INVALID, TOKEN_EXPIRED or API_KEY_INVALID.
class Authenticator {
 public:
  // `cache` may be null (every call reads the account).
  Authenticator(Store& store, const TokenService& tokens, PrincipalCache* cache = nullptr)
      : store_(store), tokens_(tokens), cache_(cache) {}

  // `authorization` and `api_key` are the raw metadata values, if present.
  absl::StatusOr<Principal> Authenticate(std::optional<absl::string_view> authorization,
                                         std::optional<absl::string_view> api_key) const;

 private:
  absl::StatusOr<Principal> FromBearer(absl::string_view authorization) const;
  absl::StatusOr<Principal> FromApiKey(absl::string_view api_key) const;

  Store& store_;
  const TokenService& tokens_;
  PrincipalCache* const cache_;
};

// Stored form of an API key secret (SHA-256): also used when issuing keys.
std::string HashApiKeySecret(absl::string_view secret);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_AUTH_AUTHENTICATOR_H_
