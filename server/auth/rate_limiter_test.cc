#include "server/auth/rate_limiter.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

// Rates chosen so every expected wait is exact in binary floating point.
constexpr RateLimit kLimit{/*per_second=*/4, /*burst=*/2};

void ExpectLimited(const absl::Status& status, int64_t retry_after_ms) {
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_EQ(ReasonOf(status), v1::RATE_LIMITED) << status;
  EXPECT_EQ(ErrorDetailsOf(status).retry_after_ms(), retry_after_ms) << status;
}

TEST(RateLimiterTest, AllowsBurstThenRefusesWithTimeUntilNextToken) {
  FakeClock clock;
  RateLimiter limiter(kLimit, clock);
  EXPECT_TRUE(limiter.Acquire("k").ok());
  EXPECT_TRUE(limiter.Acquire("k").ok());
  ExpectLimited(limiter.Acquire("k"), 250);  // one token at 4/s
}

TEST(RateLimiterTest, RetryAfterShrinksAsTokensRefill) {
  FakeClock clock;
  RateLimiter limiter(kLimit, clock);
  ASSERT_TRUE(limiter.Acquire("k").ok());
  ASSERT_TRUE(limiter.Acquire("k").ok());
  clock.Advance(absl::Milliseconds(125));
  ExpectLimited(limiter.Acquire("k"), 125);
}

TEST(RateLimiterTest, RefusedCallsDoNotConsumeTokens) {
  FakeClock clock;
  RateLimiter limiter(kLimit, clock);
  ASSERT_TRUE(limiter.Acquire("k").ok());
  ASSERT_TRUE(limiter.Acquire("k").ok());
  for (int i = 0; i < 5; ++i) ExpectLimited(limiter.Acquire("k"), 250);
  clock.Advance(absl::Milliseconds(250));
  EXPECT_TRUE(limiter.Acquire("k").ok());
}

TEST(RateLimiterTest, RefillsAfterWaitingTheAdvisedTime) {
  FakeClock clock;
  RateLimiter limiter(kLimit, clock);
  ASSERT_TRUE(limiter.Acquire("k").ok());
  ASSERT_TRUE(limiter.Acquire("k").ok());
  clock.Advance(absl::Milliseconds(125));
  ExpectLimited(limiter.Acquire("k"), 125);
  clock.Advance(absl::Milliseconds(125));
  EXPECT_TRUE(limiter.Acquire("k").ok());
  ExpectLimited(limiter.Acquire("k"), 250);
}

TEST(RateLimiterTest, RefillIsCappedAtBurst) {
  FakeClock clock;
  RateLimiter limiter(kLimit, clock);
  ASSERT_TRUE(limiter.Acquire("k").ok());
  clock.Advance(absl::Hours(1));
  EXPECT_TRUE(limiter.Acquire("k").ok());
  EXPECT_TRUE(limiter.Acquire("k").ok());
  ExpectLimited(limiter.Acquire("k"), 250);
}

TEST(RateLimiterTest, KeysHaveIndependentBuckets) {
  FakeClock clock;
  RateLimiter limiter(kLimit, clock);
  ASSERT_TRUE(limiter.Acquire("alice").ok());
  ASSERT_TRUE(limiter.Acquire("alice").ok());
  ASSERT_FALSE(limiter.Acquire("alice").ok());
  EXPECT_TRUE(limiter.Acquire("bob").ok());
  EXPECT_TRUE(limiter.Acquire("bob").ok());
  EXPECT_FALSE(limiter.Acquire("bob").ok());
}

TEST(RateLimiterTest, EvictionBeyondMaxKeysKeepsWorkingAndForgetsOldBuckets) {
  FakeClock clock;
  RateLimiter limiter(kLimit, clock, /*max_keys=*/16);
  ASSERT_TRUE(limiter.Acquire("old").ok());
  ASSERT_TRUE(limiter.Acquire("old").ok());
  ASSERT_FALSE(limiter.Acquire("old").ok());
  for (int i = 0; i < 2000; ++i) {
    ASSERT_TRUE(limiter.Acquire(absl::StrCat("key-", i)).ok()) << i;
  }
  // "old" was the least recently used and has been dropped: a fresh full
  // bucket, which itself is limited as usual.
  EXPECT_TRUE(limiter.Acquire("old").ok());
  EXPECT_TRUE(limiter.Acquire("old").ok());
  ExpectLimited(limiter.Acquire("old"), 250);
}

TEST(RateLimitedTest, RoundsRetryAfterUpToAtLeastOneMillisecond) {
  EXPECT_EQ(ErrorDetailsOf(RateLimited(absl::Microseconds(1))).retry_after_ms(), 1);
  EXPECT_EQ(ErrorDetailsOf(RateLimited(absl::Microseconds(1500))).retry_after_ms(), 2);
  EXPECT_EQ(ErrorDetailsOf(RateLimited(absl::ZeroDuration())).retry_after_ms(), 1);
}

}  // namespace
}  // namespace gigwire
