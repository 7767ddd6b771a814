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

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/tokens.h"
#include "server/domain/user.h"
#include "server/store/store.h"

namespace gigwire {

struct Principal {
  std::string user_id;
  RoleSet roles;
  std::string api_key_id;  // set when authenticated by an API key

  bool Has(Role role) const { return roles.Has(role); }
};

// Errors of every function here: UNAUTHENTICATED with reason
// CREDENTIALS_MISSING, TOKEN_INVALID, TOKEN_EXPIRED or API_KEY_INVALID.
class Authenticator {
 public:
  Authenticator(Store& store, const TokenService& tokens) : store_(store), tokens_(tokens) {}

  // `authorization` and `api_key` are the raw metadata values, if present.
  absl::StatusOr<Principal> Authenticate(std::optional<absl::string_view> authorization,
                                         std::optional<absl::string_view> api_key) const;

 private:
  absl::StatusOr<Principal> FromBearer(absl::string_view authorization) const;
  absl::StatusOr<Principal> FromApiKey(absl::string_view api_key) const;

  Store& store_;
  const TokenService& tokens_;
};

// Stored form of an API key secret (SHA-256): also used when issuing keys.
std::string HashApiKeySecret(absl::string_view secret);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_AUTH_AUTHENTICATOR_H_
