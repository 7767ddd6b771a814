#include "server/domain/pagination.h"

#include <string>

#include "gtest/gtest.h"
#include "server/auth/crypto.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

constexpr char kFingerprint[] = "users:role=2";
const ListCursor kCursor{absl::FromUnixMicros(1'800'000'000'123'456), "usr_abc123"};

void ExpectBadToken(const absl::StatusOr<std::optional<ListCursor>>& result) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
  EXPECT_EQ(ReasonOf(result.status()), v1::INVALID_FIELDS);
  v1::ErrorDetails details = ErrorDetailsOf(result.status());
  ASSERT_EQ(details.field_violations_size(), 1);
  EXPECT_EQ(details.field_violations(0).field(), "page_token");
}

TEST(ResolvePageSizeTest, ZeroMeansTheDefault) {
  EXPECT_EQ(ResolvePageSize(0).value_or(-1), 50);
}

TEST(ResolvePageSizeTest, KeepsSizesWithinLimits) {
  EXPECT_EQ(ResolvePageSize(1).value_or(-1), 1);
  EXPECT_EQ(ResolvePageSize(500).value_or(-1), 500);
}

TEST(ResolvePageSizeTest, ClampsLargeSizesToTheMaximum) {
  EXPECT_EQ(ResolvePageSize(501).value_or(-1), 500);
  EXPECT_EQ(ResolvePageSize(600).value_or(-1), 500);
}

TEST(ResolvePageSizeTest, NegativeIsInvalid) {
  absl::StatusOr<int> size = ResolvePageSize(-1);
  EXPECT_EQ(size.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(size.status()), v1::INVALID_FIELDS);
  ASSERT_EQ(ErrorDetailsOf(size.status()).field_violations_size(), 1);
  EXPECT_EQ(ErrorDetailsOf(size.status()).field_violations(0).field(), "page_size");
}

TEST(PageTokenTest, EmptyTokenMeansFirstPage) {
  absl::StatusOr<std::optional<ListCursor>> decoded = DecodePageToken("", kFingerprint);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  EXPECT_FALSE(decoded->has_value());
}

TEST(PageTokenTest, RoundTripsTheCursor) {
  std::string token = EncodePageToken(kFingerprint, kCursor);
  absl::StatusOr<std::optional<ListCursor>> decoded = DecodePageToken(token, kFingerprint);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_TRUE(decoded->has_value());
  EXPECT_EQ((*decoded)->create_time, kCursor.create_time);
  EXPECT_EQ((*decoded)->id, kCursor.id);
}

TEST(PageTokenTest, TokenIsUrlSafe) {
  std::string token = EncodePageToken(kFingerprint, kCursor);
  EXPECT_EQ(token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
}

TEST(PageTokenTest, TokenForOtherFiltersIsInvalid) {
  std::string token = EncodePageToken(kFingerprint, kCursor);
  ExpectBadToken(DecodePageToken(token, "users:role=1"));
  ExpectBadToken(DecodePageToken(token, "api_keys"));
}

TEST(PageTokenTest, GarbageIsInvalid) {
  ExpectBadToken(DecodePageToken("not a token!", kFingerprint));
  ExpectBadToken(DecodePageToken("Z", kFingerprint));
  ExpectBadToken(DecodePageToken(Base64UrlEncode("hello"), kFingerprint));
  ExpectBadToken(DecodePageToken(Base64UrlEncode("v2|users:role=2|1|usr_a"), kFingerprint));
  ExpectBadToken(DecodePageToken(Base64UrlEncode("v1|users:role=2|soon|usr_a"), kFingerprint));
  ExpectBadToken(DecodePageToken(Base64UrlEncode("v1|users:role=2|1|"), kFingerprint));
  ExpectBadToken(DecodePageToken(Base64UrlEncode("v1|users:role=2|1|usr_a|x"), kFingerprint));
}

TEST(PageTokenTest, FingerprintMayContainTheSeparator) {
  const std::string fingerprint = "audit:usr_a|Approve|job_1|x";
  std::string token = EncodePageToken(fingerprint, kCursor);
  absl::StatusOr<std::optional<ListCursor>> decoded = DecodePageToken(token, fingerprint);
  ASSERT_TRUE(decoded.ok()) << decoded.status();
  ASSERT_TRUE(decoded->has_value());
  EXPECT_EQ((*decoded)->id, kCursor.id);
  ExpectBadToken(DecodePageToken(token, "audit:usr_a|Approve|job_1"));
}

void ExpectBadOffsetToken(const absl::StatusOr<int>& result) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << result.status();
  EXPECT_EQ(ReasonOf(result.status()), v1::INVALID_FIELDS);
  v1::ErrorDetails details = ErrorDetailsOf(result.status());
  ASSERT_EQ(details.field_violations_size(), 1);
  EXPECT_EQ(details.field_violations(0).field(), "page_token");
}

TEST(OffsetTokenTest, EmptyTokenMeansOffsetZero) {
  EXPECT_EQ(DecodeOffsetToken("", kFingerprint).value_or(-1), 0);
}

TEST(OffsetTokenTest, RoundTripsTheOffsetForTheSameFilters) {
  const std::string fingerprint = "gigs|3|text with | and unicode \xc3\xa9";
  std::string token = EncodeOffsetToken(fingerprint, 150);
  EXPECT_EQ(DecodeOffsetToken(token, fingerprint).value_or(-1), 150);
  EXPECT_EQ(token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  ExpectBadOffsetToken(DecodeOffsetToken(token, "gigs|3|text with |"));
}

TEST(OffsetTokenTest, GarbageAndKeysetTokensAreInvalid) {
  ExpectBadOffsetToken(DecodeOffsetToken("not a token!", kFingerprint));
  ExpectBadOffsetToken(DecodeOffsetToken(EncodePageToken(kFingerprint, kCursor), kFingerprint));
  std::string negative = EncodeOffsetToken(kFingerprint, -5);
  ExpectBadOffsetToken(DecodeOffsetToken(negative, kFingerprint));
  ExpectBadOffsetToken(DecodeOffsetToken(Base64UrlEncode("o1|abc|x"), kFingerprint));
}

TEST(OffsetTokenTest, TrimToOffsetPageTokensTheNextOffset) {
  std::vector<int> rows = {1, 2, 3};
  std::string token = TrimToOffsetPage(rows, 2, 40, kFingerprint);
  EXPECT_EQ(rows, (std::vector<int>{1, 2}));
  EXPECT_EQ(DecodeOffsetToken(token, kFingerprint).value_or(-1), 42);
  std::vector<int> last = {1, 2};
  EXPECT_EQ(TrimToOffsetPage(last, 2, 40, kFingerprint), "");
  EXPECT_EQ(last.size(), 2u);
}

}  // namespace
}  // namespace gigwire
