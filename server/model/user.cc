// Helpers for the account types; see user.h.
#include "server/model/user.h"

#include "absl/strings/str_cat.h"

namespace gigwire {

const char* RoleName(Role role) {
  switch (role) {
    case Role::kBuyer: return "buyer";
    case Role::kSeller: return "seller";
    case Role::kAdmin: return "admin";
  }
  return "unknown";
}

std::string UserEtag(const User& user) { return absl::StrCat("v", user.version); }

}  // namespace gigwire
