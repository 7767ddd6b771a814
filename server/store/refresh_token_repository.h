// RefreshTokenRepository: refresh tokens and their families. See store.h for the
// transaction, error and thread-safety contract.
#ifndef GIGWIRE_SERVER_STORE_REFRESH_TOKEN_REPOSITORY_H_
#define GIGWIRE_SERVER_STORE_REFRESH_TOKEN_REPOSITORY_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/model/user.h"

namespace gigwire {

class RefreshTokenRepository {
 public:
  virtual ~RefreshTokenRepository() = default;
  virtual absl::StatusOr<RefreshToken> FindByHash(const std::string& token_hash) = 0;
  virtual absl::Status Insert(const RefreshToken& token) = 0;
  virtual absl::Status MarkUsed(const std::string& id, absl::Time when) = 0;
  // Revokes every not yet revoked token of the family.
  virtual absl::Status RevokeFamily(const std::string& family_id, absl::Time when) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_REFRESH_TOKEN_REPOSITORY_H_
