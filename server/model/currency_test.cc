// ISO 4217 minor digits and checked minor-unit arithmetic.
#include "server/model/currency.h"

#include <gtest/gtest.h>

#include <limits>

namespace gigwire {
namespace {

TEST(CurrencyTest, KnowsMinorDigitsOfActiveCodes) {
  EXPECT_EQ(CurrencyMinorDigits("USD"), 2);
  EXPECT_EQ(CurrencyMinorDigits("EUR"), 2);
  EXPECT_EQ(CurrencyMinorDigits("JPY"), 0);
  EXPECT_EQ(CurrencyMinorDigits("KRW"), 0);
  EXPECT_EQ(CurrencyMinorDigits("KWD"), 3);
  EXPECT_EQ(CurrencyMinorDigits("CLF"), 4);
  EXPECT_EQ(CurrencyMinorDigits("AED"), 2);  // first
  EXPECT_EQ(CurrencyMinorDigits("ZWG"), 2);  // last
}

TEST(CurrencyTest, RefusesWhatIsNotAnActiveCurrency) {
  for (absl::string_view code : {"usd", "US", "USDX", "", "XAU", "XXX", "ABC", "HRK"}) {
    EXPECT_FALSE(IsKnownCurrency(code)) << code;
  }
}

TEST(CheckedArithmeticTest, ReportsOverflowInsteadOfWrapping) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  EXPECT_EQ(CheckedAdd(2, 3), 5);
  EXPECT_EQ(CheckedAdd(kMax, 1), std::nullopt);
  EXPECT_EQ(CheckedAdd(kMin, -1), std::nullopt);
  EXPECT_EQ(CheckedSub(2, 3), -1);
  EXPECT_EQ(CheckedSub(kMin, 1), std::nullopt);
  EXPECT_EQ(CheckedSub(0, kMin), std::nullopt);
}

TEST(CheckedArithmeticTest, BasisPointsRoundDownWithoutOverflow) {
  EXPECT_EQ(BasisPointsOf(10'000, 1'000), 1'000);  // 10%
  EXPECT_EQ(BasisPointsOf(999, 1'000), 99);        // 99.9 rounds down
  EXPECT_EQ(BasisPointsOf(1, 9'999), 0);
  EXPECT_EQ(BasisPointsOf(12'345, 0), 0);
  EXPECT_EQ(BasisPointsOf(12'345, 10'000), 12'345);
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(BasisPointsOf(kMax, 10'000), kMax);
  EXPECT_EQ(BasisPointsOf(kMax, 5'000), kMax / 2);
}

}  // namespace
}  // namespace gigwire
