// Money text both ways; see money.h.
#include "cmd/gigctl/money.h"

#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/model/currency.h"

namespace gigctl {
namespace {

constexpr int kUnknownCurrencyDigits = 2;

int Digits(const std::string& currency_code) {
  return gigwire::CurrencyMinorDigits(currency_code).value_or(kUnknownCurrencyDigits);
}

absl::Status Invalid(const std::string& text, const std::string& why) {
  return absl::InvalidArgumentError(
      absl::StrCat("'", text, "' is not an amount of money: ", why, " (e.g. 'USD 120.00')"));
}

}  // namespace

std::string MajorUnits(const std::string& currency_code, int64_t amount_minor) {
  // The magnitude as unsigned, so that INT64_MIN has one too.
  uint64_t magnitude = amount_minor < 0 ? 0 - static_cast<uint64_t>(amount_minor)
                                        : static_cast<uint64_t>(amount_minor);
  std::string digits = absl::StrCat(magnitude);
  int minor_digits = Digits(currency_code);
  if (minor_digits > 0) {
    if (digits.size() <= static_cast<size_t>(minor_digits)) {
      digits.insert(0, minor_digits + 1 - digits.size(), '0');
    }
    digits.insert(digits.size() - minor_digits, ".");
  }
  return amount_minor < 0 ? "-" + digits : digits;
}

std::string MoneyText(const std::string& currency_code, int64_t amount_minor) {
  return absl::StrCat(currency_code, " ", MajorUnits(currency_code, amount_minor));
}

absl::StatusOr<MoneyValue> ParseMoney(const std::string& text) {
  absl::string_view rest = absl::StripAsciiWhitespace(text);
  // The code: three letters before or after the number.
  std::string code;
  if (rest.size() >= 3 && absl::ascii_isalpha(rest[0])) {
    code = std::string(rest.substr(0, 3));
    rest.remove_prefix(3);
  } else if (rest.size() >= 3 && absl::ascii_isalpha(rest.back())) {
    code = std::string(rest.substr(rest.size() - 3));
    rest.remove_suffix(3);
  }
  rest = absl::StripAsciiWhitespace(rest);
  if (code.empty()) return Invalid(text, "it needs its currency");
  for (char c : code) {
    if (!absl::ascii_isalpha(c)) return Invalid(text, "it needs its currency");
  }
  code = absl::AsciiStrToUpper(code);
  std::optional<int> minor_digits = gigwire::CurrencyMinorDigits(code);
  if (!minor_digits) return Invalid(text, code + " is not an ISO 4217 currency");
  if (!rest.empty() && rest[0] == '-') return Invalid(text, "it is negative");
  absl::string_view whole = rest, fraction;
  if (size_t point = rest.find('.'); point != absl::string_view::npos) {
    whole = rest.substr(0, point);
    fraction = rest.substr(point + 1);
  }
  if (whole.empty()) return Invalid(text, "it has no amount");
  for (absl::string_view part : {whole, fraction}) {
    for (char c : part) {
      if (!absl::ascii_isdigit(c)) return Invalid(text, "the amount is not a number");
    }
  }
  if (fraction.size() > static_cast<size_t>(*minor_digits)) {
    return Invalid(text, absl::StrCat(code, " has ", *minor_digits, " decimals"));
  }
  int64_t minor = 0;
  auto append = [&minor](int digit) {
    return !__builtin_mul_overflow(minor, 10, &minor) &&
           !__builtin_add_overflow(minor, digit, &minor);
  };
  bool fits = true;
  for (char c : whole) fits = fits && append(c - '0');
  for (int i = 0; i < *minor_digits; ++i) {
    fits = fits && append(i < static_cast<int>(fraction.size()) ? fraction[i] - '0' : 0);
  }
  if (!fits) return Invalid(text, "it is too large");
  return MoneyValue{code, minor};
}

}  // namespace gigctl
