// SQL of the account repositories. The only place that knows the account
// tables' columns; see migrations.cc for the schema.
#include "server/store/sqlite/sqlite_repositories.h"

#include <sqlite3.h>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_util.h"

namespace gigwire {
namespace {

using namespace ::gigwire::sqlite;  // NOLINT: small helpers of this layer

// ---- users ----

// The first 12 are written by Insert/Update; the aggregates after them are
// read-only here (AddRating, IncrementCompletedBookings change them).
constexpr char kUserColumns[] =
    "id, email, password_hash, display_name, bio, avatar_url, skills, availability, "
    "roles, version, create_time, update_time";
constexpr char kUserReadColumns[] =
    "id, email, password_hash, display_name, bio, avatar_url, skills, availability, "
    "roles, version, create_time, update_time, rating_sum, rating_count, completed_bookings";

User UserFromRow(SQLite::Statement& row) {
  User user;
  user.id = row.getColumn(0).getString();
  user.email = row.getColumn(1).getString();
  user.password_hash = row.getColumn(2).getString();
  user.display_name = row.getColumn(3).getString();
  user.bio = row.getColumn(4).getString();
  user.avatar_url = row.getColumn(5).getString();
  user.skills = SplitList(row.getColumn(6).getString());
  user.availability = static_cast<Availability>(row.getColumn(7).getInt());
  user.roles = RoleSet::FromBits(static_cast<uint32_t>(row.getColumn(8).getInt()));
  user.version = row.getColumn(9).getInt64();
  user.create_time = TimeFromMicros(row.getColumn(10).getInt64());
  user.update_time = TimeFromMicros(row.getColumn(11).getInt64());
  user.rating_sum = row.getColumn(12).getInt64();
  user.rating_count = row.getColumn(13).getInt64();
  user.completed_bookings = row.getColumn(14).getInt64();
  return user;
}

// Binds every column of kUserColumns, in order, starting at index 1.
void BindUser(SQLite::Statement& stmt, const User& user) {
  stmt.bind(1, user.id);
  stmt.bind(2, user.email);
  stmt.bind(3, user.password_hash);
  stmt.bind(4, user.display_name);
  stmt.bind(5, user.bio);
  stmt.bind(6, user.avatar_url);
  stmt.bind(7, JoinList(user.skills));
  stmt.bind(8, static_cast<int>(user.availability));
  stmt.bind(9, static_cast<int64_t>(user.roles.bits()));
  stmt.bind(10, static_cast<int64_t>(user.version));
  stmt.bind(11, static_cast<int64_t>(Micros(user.create_time)));
  stmt.bind(12, static_cast<int64_t>(Micros(user.update_time)));
}


}  // namespace

absl::StatusOr<User> SqliteUserRepository::FindOne(const char* where_clause,
                                                   const std::string& value) {
  SQLite::Statement& query = sql_.Get(absl::StrCat("SELECT ", kUserReadColumns, " FROM users WHERE ",
                                            where_clause));
  query.bind(1, value);
  if (!query.executeStep()) return NotFound("user");
  return UserFromRow(query);
}

absl::StatusOr<User> SqliteUserRepository::FindById(const std::string& id) {
  return FindOne("id = ?", id);
}

absl::StatusOr<User> SqliteUserRepository::FindByEmail(const std::string& email) {
  return FindOne("email = ?", email);
}

absl::Status SqliteUserRepository::Insert(const User& user) {
  SQLite::Statement& insert = sql_.Get(absl::StrCat("INSERT INTO users (", kUserColumns,
                                             ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"));
  BindUser(insert, user);
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) {
      return AlreadyExists(v1::EMAIL_TAKEN, "an account with this email already exists");
    }
    throw;
  }
  return absl::OkStatus();
}

absl::Status SqliteUserRepository::Update(const User& user, int64_t expected_version) {
  SQLite::Statement& update = sql_.Get("UPDATE users SET id = ?1, email = ?2, password_hash = ?3, display_name = ?4, bio = ?5, "
      "avatar_url = ?6, skills = ?7, availability = ?8, roles = ?9, version = ?10, "
      "create_time = ?11, update_time = ?12 WHERE id = ?1 AND version = ?13");
  BindUser(update, user);
  update.bind(13, static_cast<int64_t>(expected_version));
  if (update.exec() == 0) {
    GW_RETURN_IF_ERROR(FindById(user.id).status());
    return EtagMismatch("user");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<User>> SqliteUserRepository::List(const UserQuery& query) {
  std::string sql = absl::StrCat("SELECT ", kUserReadColumns, " FROM users WHERE 1");
  if (query.role.has_value()) absl::StrAppend(&sql, " AND (roles & ?) != 0");
  AppendAfter(sql, query.after);
  absl::StrAppend(&sql, " ORDER BY create_time DESC, id DESC LIMIT ?");
  SQLite::Statement& select = sql_.Get(sql);
  int index = 1;
  if (query.role.has_value()) select.bind(index++, static_cast<int>(*query.role));
  index = BindAfter(select, index, query.after);
  select.bind(index, query.limit);
  std::vector<User> users;
  while (select.executeStep()) users.push_back(UserFromRow(select));
  return users;
}

absl::Status SqliteUserRepository::AddRating(const std::string& user_id, int rating) {
  SQLite::Statement& update = sql_.Get("UPDATE users SET rating_sum = rating_sum + ?, rating_count = rating_count + 1 "
      "WHERE id = ?");
  update.bind(1, rating);
  update.bind(2, user_id);
  return update.exec() == 1 ? absl::OkStatus() : NotFound("user");
}

absl::Status SqliteUserRepository::IncrementCompletedBookings(const std::string& user_id) {
  SQLite::Statement& update = sql_.Get("UPDATE users SET completed_bookings = completed_bookings + 1 WHERE id = ?");
  update.bind(1, user_id);
  return update.exec() == 1 ? absl::OkStatus() : NotFound("user");
}

// ---- refresh tokens ----

absl::StatusOr<RefreshToken> SqliteRefreshTokenRepository::FindByHash(
    const std::string& token_hash) {
  SQLite::Statement& query = sql_.Get("SELECT id, family_id, user_id, token_hash, create_time, expire_time, used_time, "
      "revoke_time FROM refresh_tokens WHERE token_hash = ?");
  BindBlob(query, 1, token_hash);
  if (!query.executeStep()) return NotFound("refresh token");
  RefreshToken token;
  token.id = query.getColumn(0).getString();
  token.family_id = query.getColumn(1).getString();
  token.user_id = query.getColumn(2).getString();
  token.token_hash = BlobColumn(query.getColumn(3));
  token.create_time = TimeFromMicros(query.getColumn(4).getInt64());
  token.expire_time = TimeFromMicros(query.getColumn(5).getInt64());
  token.used_time = OptionalTime(query.getColumn(6));
  token.revoke_time = OptionalTime(query.getColumn(7));
  return token;
}

absl::Status SqliteRefreshTokenRepository::Insert(const RefreshToken& token) {
  SQLite::Statement& insert = sql_.Get("INSERT INTO refresh_tokens (id, family_id, user_id, token_hash, create_time, "
      "expire_time, used_time, revoke_time) VALUES (?,?,?,?,?,?,?,?)");
  insert.bind(1, token.id);
  insert.bind(2, token.family_id);
  insert.bind(3, token.user_id);
  BindBlob(insert, 4, token.token_hash);
  insert.bind(5, static_cast<int64_t>(Micros(token.create_time)));
  insert.bind(6, static_cast<int64_t>(Micros(token.expire_time)));
  BindOptionalTime(insert, 7, token.used_time);
  BindOptionalTime(insert, 8, token.revoke_time);
  insert.exec();
  return absl::OkStatus();
}

absl::Status SqliteRefreshTokenRepository::MarkUsed(const std::string& id, absl::Time when) {
  SQLite::Statement& update = sql_.Get("UPDATE refresh_tokens SET used_time = ? WHERE id = ?");
  update.bind(1, static_cast<int64_t>(Micros(when)));
  update.bind(2, id);
  return update.exec() == 1 ? absl::OkStatus() : NotFound("refresh token");
}

absl::Status SqliteRefreshTokenRepository::RevokeFamily(const std::string& family_id,
                                                        absl::Time when) {
  SQLite::Statement& update = sql_.Get("UPDATE refresh_tokens SET revoke_time = ? WHERE family_id = ? AND revoke_time IS NULL");
  update.bind(1, static_cast<int64_t>(Micros(when)));
  update.bind(2, family_id);
  update.exec();
  return absl::OkStatus();
}

// ---- API keys ----

namespace {
constexpr char kApiKeyColumns[] =
    "id, display_name, user_id, creator_id, secret_hash, create_time, revoke_time";

ApiKey ApiKeyFromRow(SQLite::Statement& row) {
  ApiKey key;
  key.id = row.getColumn(0).getString();
  key.display_name = row.getColumn(1).getString();
  key.user_id = row.getColumn(2).getString();
  key.creator_id = row.getColumn(3).getString();
  key.secret_hash = BlobColumn(row.getColumn(4));
  key.create_time = TimeFromMicros(row.getColumn(5).getInt64());
  key.revoke_time = OptionalTime(row.getColumn(6));
  return key;
}
}  // namespace

absl::StatusOr<ApiKey> SqliteApiKeyRepository::FindOne(const char* where_clause,
                                                       const std::string& value,
                                                       bool value_is_blob) {
  SQLite::Statement& query = sql_.Get(absl::StrCat("SELECT ", kApiKeyColumns, " FROM api_keys WHERE ",
                                            where_clause));
  if (value_is_blob) {
    BindBlob(query, 1, value);
  } else {
    query.bind(1, value);
  }
  if (!query.executeStep()) return NotFound("API key");
  return ApiKeyFromRow(query);
}

absl::StatusOr<ApiKey> SqliteApiKeyRepository::FindById(const std::string& id) {
  return FindOne("id = ?", id, /*value_is_blob=*/false);
}

absl::StatusOr<ApiKey> SqliteApiKeyRepository::FindBySecretHash(const std::string& secret_hash) {
  return FindOne("secret_hash = ?", secret_hash, /*value_is_blob=*/true);
}

absl::Status SqliteApiKeyRepository::Insert(const ApiKey& key) {
  SQLite::Statement& insert = sql_.Get(absl::StrCat("INSERT INTO api_keys (", kApiKeyColumns,
                                             ") VALUES (?,?,?,?,?,?,?)"));
  insert.bind(1, key.id);
  insert.bind(2, key.display_name);
  insert.bind(3, key.user_id);
  insert.bind(4, key.creator_id);
  BindBlob(insert, 5, key.secret_hash);
  insert.bind(6, static_cast<int64_t>(Micros(key.create_time)));
  BindOptionalTime(insert, 7, key.revoke_time);
  insert.exec();
  return absl::OkStatus();
}

absl::Status SqliteApiKeyRepository::Revoke(const std::string& id, absl::Time when) {
  SQLite::Statement& update = sql_.Get("UPDATE api_keys SET revoke_time = COALESCE(revoke_time, ?) WHERE id = ?");
  update.bind(1, static_cast<int64_t>(Micros(when)));
  update.bind(2, id);
  return update.exec() == 1 ? absl::OkStatus() : NotFound("API key");
}

absl::StatusOr<std::vector<ApiKey>> SqliteApiKeyRepository::List(const ApiKeyQuery& query) {
  std::string sql = absl::StrCat("SELECT ", kApiKeyColumns, " FROM api_keys WHERE 1");
  AppendAfter(sql, query.after);
  absl::StrAppend(&sql, " ORDER BY create_time DESC, id DESC LIMIT ?");
  SQLite::Statement& select = sql_.Get(sql);
  int index = BindAfter(select, 1, query.after);
  select.bind(index, query.limit);
  std::vector<ApiKey> keys;
  while (select.executeStep()) keys.push_back(ApiKeyFromRow(select));
  return keys;
}

}  // namespace gigwire
