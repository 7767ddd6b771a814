// Audit log; see audit.h.
#include "server/domain/audit.h"

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/pagination.h"

namespace gigwire {

absl::Status RecordAdminAction(Tx& tx, const Principal& admin, absl::string_view action,
                               absl::string_view target, absl::string_view note,
                               absl::Time now) {
  return tx.audit().Append({NewId("aud"), admin.user_id, std::string(action),
                            std::string(target), std::string(note), now});
}

absl::StatusOr<AuditPage> AuditLog::List(const Principal& caller, AuditQuery query,
                                         int page_size, absl::string_view page_token) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  const std::string fingerprint =
      absl::StrCat("audit:", query.actor_id, "|", query.action, "|", query.target);
  GW_ASSIGN_OR_RETURN(query.after, DecodePageToken(page_token, fingerprint));
  query.limit = limit + 1;
  AuditPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.entries, tx.audit().List(query));
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToPage(page.entries, limit, fingerprint);
  return page;
}

}  // namespace gigwire
