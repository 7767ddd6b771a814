// Access tokens: compact JWS (JWT) signed with HMAC-SHA-256.
//
// The algorithm is pinned: a token whose header says anything but
// `"alg":"HS256"` (including `none`) is rejected before any key is used.
// Every token names its key in `kid`, so keys can rotate: the key ring signs
// with its first key and verifies with any of them. Claims: `iss`, `aud`,
// `sub` (user id), `iat`, `exp`, `jti`.
//
// Verified tokens are remembered (bounded) so each is parsed once; the
// expiry is still checked on every call.
//
// Thread safety: thread-safe.
#ifndef GIGWIRE_SERVER_AUTH_TOKENS_H_
#define GIGWIRE_SERVER_AUTH_TOKENS_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/common/clock.h"

namespace gigwire {

struct TokenKey {
  std::string kid;     // derived from the secret: 16 hex chars of its SHA-256
  std::string secret;  // at least 32 bytes
};

// Builds the key ring from a key file's text: one base64url secret of at
// least 32 bytes per line; the first line signs, all lines verify; blank
// lines and lines starting with '#' are ignored.
// Errors: INVALID_ARGUMENT for no key, bad encoding or a short secret.
absl::StatusOr<std::vector<TokenKey>> ParseTokenKeyFile(absl::string_view text);

// A new key file's text holding one fresh random key.
std::string NewTokenKeyFileText();

struct AccessClaims {
  std::string subject;  // user id
  absl::Time issued_at;
  absl::Time expires_at;
};

struct TokenConfig {
  std::string issuer = "gigwired";
  std::string audience = "gigwire";
  absl::Duration ttl = absl::Minutes(15);
};

class TokenService {
 public:
  // `keys` must not be empty (ParseTokenKeyFile guarantees it). `clock` must
  // outlive this object.
  TokenService(std::vector<TokenKey> keys, TokenConfig config, const Clock& clock);

  // A signed token for `subject`, expiring config.ttl from now.
  std::string Issue(absl::string_view subject, AccessClaims* claims_out = nullptr) const;

  // Errors: UNAUTHENTICATED with reason TOKEN_EXPIRED for an expired token,
  // TOKEN_INVALID for anything else wrong (shape, alg, kid, signature, iss,
  // aud, missing claims).
  absl::StatusOr<AccessClaims> Verify(absl::string_view token) const;

 private:
  absl::StatusOr<AccessClaims> VerifyUncached(absl::string_view token) const;
  const TokenKey* FindKey(absl::string_view kid) const;
  static constexpr size_t kMaxCachedTokens = 20'000;
  mutable absl::Mutex cache_mu_;
  mutable absl::flat_hash_map<std::string, AccessClaims> verified_ ABSL_GUARDED_BY(cache_mu_);
  std::vector<TokenKey> keys_;
  TokenConfig config_;
  const Clock& clock_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_AUTH_TOKENS_H_
