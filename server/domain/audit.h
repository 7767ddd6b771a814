// Writing and reading the admin audit log. Every admin action calls
// RecordAdminAction inside the transaction that performs it, so the log
// never misses a committed action nor shows one that rolled back.
#ifndef GIGWIRE_SERVER_DOMAIN_AUDIT_H_
#define GIGWIRE_SERVER_DOMAIN_AUDIT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/store/store.h"

namespace gigwire {

absl::Status RecordAdminAction(Tx& tx, const Principal& admin, absl::string_view action,
                               absl::string_view target, absl::string_view note,
                               absl::Time now);

struct AuditPage {
  std::vector<AuditEntry> entries;
  std::string next_page_token;
};

// Admins only (PERMISSION_DENIED, ROLE_REQUIRED otherwise).
class AuditLog {
 public:
  explicit AuditLog(Store& store) : store_(store) {}
  absl::StatusOr<AuditPage> List(const Principal& caller, AuditQuery query, int page_size,
                                 absl::string_view page_token);

 private:
  Store& store_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_AUDIT_H_
