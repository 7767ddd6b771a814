// Storage interfaces: what the domain may ask of the database.
//
// All access goes through a transaction: `Store::Write` runs a function in one
// serialized read-write transaction (committed when the function returns OK,
// rolled back otherwise, so nothing half-done is ever visible), `Store::Read`
// in a consistent read-only snapshot that may run concurrently with other
// reads and with the writer. Repositories obtained from a `Tx` are valid only
// inside that function.
//
// Errors: NOT_FOUND from Find* when there is no such row; ALREADY_EXISTS on a
// uniqueness violation; UNAVAILABLE (SERVER_BUSY) when the database stays
// locked past the busy timeout; INTERNAL for anything else (no SQL text in
// messages). Mutators inside `Read` fail with INTERNAL.
//
// Thread safety: `Store` is thread-safe; a `Tx` and its repositories belong to
// the calling thread for the duration of the function.
#ifndef GIGWIRE_SERVER_STORE_STORE_H_
#define GIGWIRE_SERVER_STORE_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/user.h"

namespace gigwire {

// Keyset position of a list ordered by (create_time DESC, id DESC).
struct ListCursor {
  absl::Time create_time;
  std::string id;
};

struct UserQuery {
  std::optional<Role> role;          // only users holding this role
  std::optional<ListCursor> after;   // start after this row
  int limit = 50;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual absl::StatusOr<User> FindById(const std::string& id) = 0;
  // `email` must already be lower-cased.
  virtual absl::StatusOr<User> FindByEmail(const std::string& email) = 0;
  // ALREADY_EXISTS (EMAIL_TAKEN) when the email is taken.
  virtual absl::Status Insert(const User& user) = 0;
  // Stores every field of `user` and sets version = user.version, only if
  // the stored version is `expected_version`; ABORTED (ETAG_MISMATCH) if not.
  virtual absl::Status Update(const User& user, int64_t expected_version) = 0;
  virtual absl::StatusOr<std::vector<User>> List(const UserQuery& query) = 0;
};

class RefreshTokenRepository {
 public:
  virtual ~RefreshTokenRepository() = default;
  virtual absl::StatusOr<RefreshToken> FindByHash(const std::string& token_hash) = 0;
  virtual absl::Status Insert(const RefreshToken& token) = 0;
  virtual absl::Status MarkUsed(const std::string& id, absl::Time when) = 0;
  // Revokes every not yet revoked token of the family.
  virtual absl::Status RevokeFamily(const std::string& family_id, absl::Time when) = 0;
};

struct ApiKeyQuery {
  std::optional<ListCursor> after;
  int limit = 50;
};

class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;
  virtual absl::StatusOr<ApiKey> FindById(const std::string& id) = 0;
  virtual absl::StatusOr<ApiKey> FindBySecretHash(const std::string& secret_hash) = 0;
  virtual absl::Status Insert(const ApiKey& key) = 0;
  virtual absl::Status Revoke(const std::string& id, absl::Time when) = 0;
  virtual absl::StatusOr<std::vector<ApiKey>> List(const ApiKeyQuery& query) = 0;
};

// One transaction's view of every repository.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual UserRepository& users() = 0;
  virtual RefreshTokenRepository& refresh_tokens() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `fn` in the single serialized read-write transaction. Commits when
  // `fn` returns OK; returns `fn`'s error (after rollback) otherwise.
  virtual absl::Status Write(absl::FunctionRef<absl::Status(Tx&)> fn) = 0;
  // Runs `fn` in a read-only snapshot.
  virtual absl::Status Read(absl::FunctionRef<absl::Status(Tx&)> fn) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_STORE_H_
