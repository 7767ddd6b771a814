// The gRPC-Web wire format: content types, text mode, frames, trailers,
// grpc-timeout and grpc-message encodings.
#include "server/web/grpc_web.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/escaping.h"
#include "server/common/status.h"

namespace gigwire::web {
namespace {

using ::testing::HasSubstr;

std::string Frame(uint8_t flags, absl::string_view payload) {
  std::string header(5, '\0');
  header[0] = static_cast<char>(flags);
  header[4] = static_cast<char>(payload.size());  // payloads here are < 256 bytes
  return header + std::string(payload);
}

TEST(ContentTypeTest, AcceptsTheFourProtobufSpellingsAndNothingElse) {
  EXPECT_EQ(ParseContentType("application/grpc-web"), WireMode::kBinary);
  EXPECT_EQ(ParseContentType("application/grpc-web+proto"), WireMode::kBinary);
  EXPECT_EQ(ParseContentType("Application/GRPC-Web+Proto; charset=x"), WireMode::kBinary);
  EXPECT_EQ(ParseContentType("application/grpc-web-text"), WireMode::kText);
  EXPECT_EQ(ParseContentType("application/grpc-web-text+proto"), WireMode::kText);
  EXPECT_EQ(ParseContentType("application/grpc-web+json"), std::nullopt);
  EXPECT_EQ(ParseContentType("application/grpc"), std::nullopt);
  EXPECT_EQ(ParseContentType(""), std::nullopt);
  EXPECT_EQ(ResponseContentType(WireMode::kText), "application/grpc-web-text+proto");
}

TEST(TextModeTest, DecodesOneOrSeveralPaddedChunks) {
  EXPECT_EQ(*DecodeTextBody(absl::Base64Escape("hello")), "hello");
  const std::string chunks = absl::Base64Escape("ab") + absl::Base64Escape("c") +
                             absl::Base64Escape("def");
  EXPECT_EQ(*DecodeTextBody(chunks), "abcdef");
  EXPECT_EQ(*DecodeTextBody(""), "");
}

TEST(TextModeTest, RefusesWhatIsNotBase64WithMalformedRequest) {
  for (absl::string_view bad : {"!!!!", "aGVsbG8", "a=bc", "aGVs bG8=", "=AAA"}) {
    absl::StatusOr<std::string> decoded = DecodeTextBody(bad);
    ASSERT_FALSE(decoded.ok()) << bad;
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(ReasonOf(decoded.status()), v1::MALFORMED_REQUEST) << bad;
  }
}

TEST(RequestMessageTest, TakesExactlyOneUncompressedDataFrame) {
  EXPECT_EQ(*ParseRequestMessage(Frame(0, "abc"), 100), "abc");
  EXPECT_EQ(*ParseRequestMessage(Frame(0, ""), 100), "");
}

TEST(RequestMessageTest, RefusesEveryOtherShapeWithAReason) {
  struct Case {
    std::string body;
    absl::StatusCode code;
    const char* says;
  };
  const Case cases[] = {
      {"", absl::StatusCode::kInvalidArgument, "no complete frame"},
      {Frame(0, "abc").substr(0, 6), absl::StatusCode::kInvalidArgument, "truncated"},
      {Frame(0, "a") + Frame(0, "b"), absl::StatusCode::kInvalidArgument, "exactly one"},
      {Frame(0x80, "grpc-status:0\r\n"), absl::StatusCode::kInvalidArgument, "trailer"},
      {Frame(0, std::string(101, 'x')), absl::StatusCode::kInvalidArgument, "longer than 100"},
      {Frame(1, "zz"), absl::StatusCode::kUnimplemented, "compressed"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::string> message = ParseRequestMessage(c.body, 100);
    ASSERT_FALSE(message.ok()) << c.says;
    EXPECT_EQ(message.status().code(), c.code) << c.says;
    EXPECT_THAT(std::string(message.status().message()), HasSubstr(c.says));
  }
}

TEST(FramesTest, DataAndTrailerFramesAreLengthPrefixed) {
  EXPECT_EQ(DataFrame("hi"), std::string("\x00\x00\x00\x00\x02hi", 7));
  const std::string trailer = TrailerFrame({{"grpc-status", "0"}, {"x-id", "7"}});
  const std::string text = "grpc-status:0\r\nx-id:7\r\n";
  EXPECT_EQ(trailer, std::string("\x80\x00\x00\x00", 4) + static_cast<char>(text.size()) + text);
  const std::string big(70000, 'x');
  EXPECT_EQ(DataFrame(big).substr(0, 5), std::string("\x00\x00\x01\x11\x70", 5));
}

TEST(GrpcTimeoutTest, ParsesEveryUnitAndRefusesTheRest) {
  EXPECT_EQ(ParseGrpcTimeout("2H"), absl::Hours(2));
  EXPECT_EQ(ParseGrpcTimeout("3M"), absl::Minutes(3));
  EXPECT_EQ(ParseGrpcTimeout("10S"), absl::Seconds(10));
  EXPECT_EQ(ParseGrpcTimeout("1500m"), absl::Milliseconds(1500));
  EXPECT_EQ(ParseGrpcTimeout("7u"), absl::Microseconds(7));
  EXPECT_EQ(ParseGrpcTimeout("99999999n"), absl::Nanoseconds(99999999));
  for (absl::string_view bad : {"", "S", "10", "10s", "-1S", "123456789S", "1.5S", "10 S"}) {
    EXPECT_EQ(ParseGrpcTimeout(bad), std::nullopt) << bad;
  }
}

TEST(GrpcMessageTest, PercentEncodesWhatIsNotPrintableAscii) {
  EXPECT_EQ(PercentEncodeMessage("plain text: ok"), "plain text: ok");
  EXPECT_EQ(PercentEncodeMessage("100%\r\nnaïve"), "100%25%0D%0Ana%C3%AFve");
}

TEST(MetadataKeyTest, OnlyLowercaseTokensThatAreNotReserved) {
  EXPECT_TRUE(IsForwardableMetadataKey("authorization"));
  EXPECT_TRUE(IsForwardableMetadataKey("x-request_id.v2"));
  EXPECT_FALSE(IsForwardableMetadataKey("grpc-timeout"));
  EXPECT_FALSE(IsForwardableMetadataKey("X-Upper"));
  EXPECT_FALSE(IsForwardableMetadataKey("bad key"));
  EXPECT_FALSE(IsForwardableMetadataKey(""));
}

}  // namespace
}  // namespace gigwire::web
