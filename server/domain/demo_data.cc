// Demo accounts; see demo_data.h.
#include "server/domain/demo_data.h"

#include "server/common/status.h"

namespace gigwire {

absl::StatusOr<bool> SeedDemoDataIfEmpty(Store& store, Accounts& accounts) {
  bool empty = false;
  UserQuery first_user;
  first_user.limit = 1;
  GW_RETURN_IF_ERROR(store.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(std::vector<User> users, tx.users().List(first_user));
    empty = users.empty();
    return absl::OkStatus();
  }));
  if (!empty) return false;
  GW_RETURN_IF_ERROR(accounts.CreateOrPromoteAdmin("admin@demo.gigwire.dev", kDemoPassword).status());
  const RegisterInput people[] = {
      {"ada@demo.gigwire.dev", kDemoPassword, "Ada Buyer", {Role::kBuyer}},
      {"sam@demo.gigwire.dev", kDemoPassword, "Sam Seller", {Role::kSeller}},
      {"lee@demo.gigwire.dev", kDemoPassword, "Lee Both", {Role::kBuyer, Role::kSeller}},
  };
  for (const RegisterInput& person : people) {
    GW_RETURN_IF_ERROR(accounts.Register(person).status());
  }
  return true;
}

}  // namespace gigwire
