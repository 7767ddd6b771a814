// Partner API key rules: admins issue keys for a user account, list and
// revoke them. Only a hash of each secret is stored.
//
// Errors: PERMISSION_DENIED (ROLE_REQUIRED) for non-admins; INVALID_ARGUMENT
// (INVALID_FIELDS) for bad input; NOT_FOUND (RESOURCE_NOT_FOUND) for an
// unknown user or key.
// Thread safety: thread-safe; dependencies must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_API_KEYS_H_
#define GIGWIRE_SERVER_DOMAIN_API_KEYS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/model/user.h"
#include "server/store/store.h"

namespace gigwire {

struct IssuedApiKey {
  ApiKey key;
  std::string secret;  // shown once
};

struct ApiKeyPage {
  std::vector<ApiKey> keys;
  std::string next_page_token;
};

class ApiKeys {
 public:
  ApiKeys(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  absl::StatusOr<IssuedApiKey> Create(const Principal& caller, const std::string& display_name,
                                      const std::string& user_id);
  absl::StatusOr<ApiKeyPage> List(const Principal& caller, int page_size,
                                  absl::string_view page_token);
  // Idempotent: revoking a revoked key returns it unchanged.
  absl::StatusOr<ApiKey> Revoke(const Principal& caller, const std::string& id);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_API_KEYS_H_
