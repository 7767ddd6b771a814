// Money as gigctl writes it and reads it: "USD 120.00", the ISO 4217 code
// and the amount in major units with the currency's own minor digits
// (server/model/currency.h: "JPY 1500", "KWD 1.500"; two digits for a code it
// does not know). Tables, records and arguments (--to-seller 'USD 90.00') use
// the one format, so what gigctl prints can be pasted back. Integers only:
// never a float.
//
// Thread safety: stateless.
#ifndef GIGWIRE_CMD_GIGCTL_MONEY_H_
#define GIGWIRE_CMD_GIGCTL_MONEY_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace gigctl {

// {"USD", 12050} -> "USD 120.50"; {"USD", -50} -> "USD -0.50"; {"JPY", 1500}
// -> "JPY 1500".
std::string MoneyText(const std::string& currency_code, int64_t amount_minor);
// The amount alone: "120.50".
std::string MajorUnits(const std::string& currency_code, int64_t amount_minor);

struct MoneyValue {
  std::string currency_code;
  int64_t amount_minor = 0;
};

// "USD 120.50", "120.50 USD", "usd120.5", "120USD", "JPY 1500" -> the code in
// upper case and the amount in minor units. INVALID_ARGUMENT (the message
// says what is wrong, with an example) without a currency, for a code that is
// not an ISO 4217 currency, a negative amount, more decimals than the
// currency has, or an amount too large for int64.
absl::StatusOr<MoneyValue> ParseMoney(const std::string& text);

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_MONEY_H_
