// Money rules: ISO 4217-shaped currency codes and non-negative minor units.
#ifndef GIGWIRE_SERVER_DOMAIN_MONEY_H_
#define GIGWIRE_SERVER_DOMAIN_MONEY_H_

#include "absl/strings/string_view.h"
#include "server/common/status.h"
#include "server/model/marketplace.h"

namespace gigwire {

// `<field>.currency_code` three upper-case letters; `<field>.amount_minor`
// 0..10^13 (a hundred billion in major units).
void CheckMoney(absl::string_view field, const Money& money, Violations& v);

// Both valid, same currency, min <= max.
void CheckMoneyRange(absl::string_view field, const Money& min, const Money& max, Violations& v);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_MONEY_H_
