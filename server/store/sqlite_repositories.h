// SQLite repositories bound to one open transaction (see store.h for the
// contracts). Created by SqliteStore for the duration of one Read or Write;
// not for direct use elsewhere.
#ifndef GIGWIRE_SERVER_STORE_SQLITE_REPOSITORIES_H_
#define GIGWIRE_SERVER_STORE_SQLITE_REPOSITORIES_H_

#include "SQLiteCpp/Database.h"
#include "server/store/store.h"

namespace gigwire {

class SqliteUserRepository final : public UserRepository {
 public:
  explicit SqliteUserRepository(SQLite::Database& db) : db_(db) {}
  absl::StatusOr<User> FindById(const std::string& id) override;
  absl::StatusOr<User> FindByEmail(const std::string& email) override;
  absl::Status Insert(const User& user) override;
  absl::Status Update(const User& user, int64_t expected_version) override;
  absl::StatusOr<std::vector<User>> List(const UserQuery& query) override;

 private:
  absl::StatusOr<User> FindOne(const char* where_clause, const std::string& value);
  SQLite::Database& db_;
};

class SqliteRefreshTokenRepository final : public RefreshTokenRepository {
 public:
  explicit SqliteRefreshTokenRepository(SQLite::Database& db) : db_(db) {}
  absl::StatusOr<RefreshToken> FindByHash(const std::string& token_hash) override;
  absl::Status Insert(const RefreshToken& token) override;
  absl::Status MarkUsed(const std::string& id, absl::Time when) override;
  absl::Status RevokeFamily(const std::string& family_id, absl::Time when) override;

 private:
  SQLite::Database& db_;
};

class SqliteApiKeyRepository final : public ApiKeyRepository {
 public:
  explicit SqliteApiKeyRepository(SQLite::Database& db) : db_(db) {}
  absl::StatusOr<ApiKey> FindById(const std::string& id) override;
  absl::StatusOr<ApiKey> FindBySecretHash(const std::string& secret_hash) override;
  absl::Status Insert(const ApiKey& key) override;
  absl::Status Revoke(const std::string& id, absl::Time when) override;
  absl::StatusOr<std::vector<ApiKey>> List(const ApiKeyQuery& query) override;

 private:
  absl::StatusOr<ApiKey> FindOne(const char* where_clause, const std::string& value,
                                 bool value_is_blob);
  SQLite::Database& db_;
};

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(SQLite::Database& db) : users_(db), refresh_tokens_(db), api_keys_(db) {}
  UserRepository& users() override { return users_; }
  RefreshTokenRepository& refresh_tokens() override { return refresh_tokens_; }
  ApiKeyRepository& api_keys() override { return api_keys_; }

 private:
  SqliteUserRepository users_;
  SqliteRefreshTokenRepository refresh_tokens_;
  SqliteApiKeyRepository api_keys_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_SQLITE_REPOSITORIES_H_
