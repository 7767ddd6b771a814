// Demo data for `make run`: a few accounts so a newcomer can log in and try
// every call at once. Never used unless gigwired gets --demo-data.
#ifndef GIGWIRE_SERVER_DOMAIN_DEMO_DATA_H_
#define GIGWIRE_SERVER_DOMAIN_DEMO_DATA_H_

#include "absl/status/statusor.h"
#include "server/domain/accounts.h"
#include "server/store/store.h"

namespace gigwire {

// The password of every demo account.
inline constexpr char kDemoPassword[] = "gigwire-demo-password";

// Seeds the demo accounts when the database has no user yet. Returns true if
// it seeded, false if the database already had users.
absl::StatusOr<bool> SeedDemoDataIfEmpty(Store& store, Accounts& accounts);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_DEMO_DATA_H_
