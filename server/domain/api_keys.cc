// Partner API key rules; see api_keys.h.
#include "server/domain/api_keys.h"

#include "absl/strings/str_cat.h"
#include "server/auth/crypto.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"

namespace gigwire {
namespace {
constexpr char kListFingerprint[] = "api_keys";
}  // namespace

absl::StatusOr<IssuedApiKey> ApiKeys::Create(const Principal& caller,
                                             const std::string& display_name,
                                             const std::string& user_id) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  Violations violations;
  CheckText("display_name", display_name, 1, 80, false, violations);
  if (user_id.empty()) violations.Add("user_id", "is required");
  GW_RETURN_IF_ERROR(violations.ToStatus());
  IssuedApiKey issued;
  issued.secret = NewSecret("gwk_");
  ApiKey& key = issued.key;
  key.id = NewId("key");
  key.display_name = display_name;
  key.user_id = user_id;
  key.creator_id = caller.user_id;
  key.secret_hash = HashApiKeySecret(issued.secret);
  key.create_time = clock_.Now();
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    absl::Status user = tx.users().FindById(user_id).status();
    if (absl::IsNotFound(user)) return NotFound(absl::StrCat("user ", user_id));
    GW_RETURN_IF_ERROR(user);
    return tx.api_keys().Insert(key);
  }));
  return issued;
}

absl::StatusOr<ApiKeyPage> ApiKeys::List(const Principal& caller, int page_size,
                                         absl::string_view page_token) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  ApiKeyQuery query;
  GW_ASSIGN_OR_RETURN(query.after, DecodePageToken(page_token, kListFingerprint));
  query.limit = limit + 1;
  ApiKeyPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.keys, tx.api_keys().List(query));
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToPage(page.keys, limit, kListFingerprint);
  return page;
}

absl::StatusOr<ApiKey> ApiKeys::Revoke(const Principal& caller, const std::string& id) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  if (id.empty()) return InvalidField("id", "is required");
  ApiKey key;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.api_keys().Revoke(id, clock_.Now()));
    GW_ASSIGN_OR_RETURN(key, tx.api_keys().FindById(id));
    return absl::OkStatus();
  }));
  return key;
}

}  // namespace gigwire
