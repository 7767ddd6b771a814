// ISO 4217 currencies and their minor units (digits after the decimal
// point), and int64 arithmetic on minor units that reports overflow instead
// of wrapping. Money is always an int64 count of minor units: never a float.
//
// Thread safety: stateless.
#ifndef GIGWIRE_SERVER_MODEL_CURRENCY_H_
#define GIGWIRE_SERVER_MODEL_CURRENCY_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace gigwire {

// The minor digits of an active ISO 4217 currency ("USD" 2, "JPY" 0, "KWD" 3,
// "CLF" 4), or std::nullopt for a code that is not one (including funds and
// metals such as "XAU", which have no minor unit).
std::optional<int> CurrencyMinorDigits(absl::string_view code);

inline bool IsKnownCurrency(absl::string_view code) {
  return CurrencyMinorDigits(code).has_value();
}

// a + b and a - b, or std::nullopt if the result does not fit in int64.
inline std::optional<int64_t> CheckedAdd(int64_t a, int64_t b) {
  int64_t sum;
  if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}
inline std::optional<int64_t> CheckedSub(int64_t a, int64_t b) {
  int64_t difference;
  if (__builtin_sub_overflow(a, b, &difference)) return std::nullopt;
  return difference;
}

// floor(amount * basis_points / 10000) for 0 <= amount and 0 <= basis_points
// <= 10000, computed without overflow (the platform fee of a release).
inline int64_t BasisPointsOf(int64_t amount, int32_t basis_points) {
  return static_cast<int64_t>(static_cast<__int128>(amount) * basis_points / 10000);
}

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_CURRENCY_H_
