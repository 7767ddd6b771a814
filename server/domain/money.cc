// Money rules; see money.h.
#include "server/domain/money.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace gigwire {

namespace {
constexpr int64_t kMaxAmountMinor = 10'000'000'000'000;
}  // namespace

void CheckMoney(absl::string_view field, const Money& money, Violations& v) {
  const std::string& code = money.currency_code;
  bool code_ok = code.size() == 3 && std::all_of(code.begin(), code.end(), absl::ascii_isupper);
  if (!code_ok) {
    v.Add(absl::StrCat(field, ".currency_code"), "must be three upper-case letters (ISO 4217)");
  }
  if (money.amount_minor < 0) {
    v.Add(absl::StrCat(field, ".amount_minor"), "must not be negative");
  } else if (money.amount_minor > kMaxAmountMinor) {
    v.Add(absl::StrCat(field, ".amount_minor"), "is too large");
  }
}

void CheckMoneyRange(absl::string_view field, const Money& min, const Money& max, Violations& v) {
  CheckMoney(absl::StrCat(field, ".min"), min, v);
  CheckMoney(absl::StrCat(field, ".max"), max, v);
  if (min.currency_code != max.currency_code) {
    v.Add(absl::StrCat(field, ".max.currency_code"), "must equal min's currency");
  } else if (min.amount_minor > max.amount_minor) {
    v.Add(absl::StrCat(field, ".max.amount_minor"), "must be at least min");
  }
}

}  // namespace gigwire
