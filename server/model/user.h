// Plain domain types for accounts: users, roles, refresh tokens, API keys.
// No gRPC, no SQL; conversion to and from protos lives in server/api.
#ifndef GIGWIRE_SERVER_MODEL_USER_H_
#define GIGWIRE_SERVER_MODEL_USER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace gigwire {

enum class Role : uint8_t { kBuyer = 1, kSeller = 2, kAdmin = 4 };
enum class Availability : uint8_t { kAvailable = 1, kBusy = 2, kAway = 3 };

// A set of roles stored as a bit mask.
class RoleSet {
 public:
  RoleSet() = default;
  static RoleSet FromBits(uint32_t bits) { return RoleSet(bits & 7u); }
  bool Has(Role r) const { return (bits_ & static_cast<uint32_t>(r)) != 0; }
  void Add(Role r) { bits_ |= static_cast<uint32_t>(r); }
  void Remove(Role r) { bits_ &= ~static_cast<uint32_t>(r); }
  bool empty() const { return bits_ == 0; }
  uint32_t bits() const { return bits_; }
  bool operator==(const RoleSet& o) const { return bits_ == o.bits_; }

 private:
  explicit RoleSet(uint32_t bits) : bits_(bits) {}
  uint32_t bits_ = 0;
};

const char* RoleName(Role role);  // "buyer", "seller", "admin"

struct User {
  std::string id;
  std::string email;  // lower-cased
  std::string password_hash;
  std::string display_name;
  std::string bio;
  std::string avatar_url;
  std::vector<std::string> skills;
  Availability availability = Availability::kAvailable;
  RoleSet roles;
  int64_t version = 1;  // bumped on every change; the etag derives from it
  absl::Time create_time;
  absl::Time update_time;
  // Read-only aggregates, maintained by their own repository calls.
  int64_t rating_sum = 0;
  int64_t rating_count = 0;
  int64_t completed_bookings = 0;
};

// The etag clients see for a user: opaque, changes on every update.
std::string UserEtag(const User& user);

// A stored refresh token (only its hash is kept).
struct RefreshToken {
  std::string id;
  std::string family_id;  // all tokens rotated from one login
  std::string user_id;
  std::string token_hash;  // SHA-256 of the token, raw bytes
  absl::Time create_time;
  absl::Time expire_time;
  std::optional<absl::Time> used_time;    // set when rotated
  std::optional<absl::Time> revoke_time;  // set on logout or reuse
};

// A partner API key (only its hash is kept).
struct ApiKey {
  std::string id;
  std::string display_name;
  std::string user_id;
  std::string creator_id;
  std::string secret_hash;  // SHA-256 of the secret, raw bytes
  absl::Time create_time;
  std::optional<absl::Time> revoke_time;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_USER_H_
