#include "server/auth/crypto.h"

#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace gigwire {
namespace {

struct Vector {
  const char* bytes;
  const char* encoded;
};

// RFC 4648 section 10, in the URL-safe alphabet without padding.
constexpr Vector kRfc4648Vectors[] = {
    {"", ""},        {"f", "Zg"},         {"fo", "Zm8"},        {"foo", "Zm9v"},
    {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"},
};

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  for (const Vector& v : kRfc4648Vectors) {
    EXPECT_EQ(Base64UrlEncode(v.bytes), v.encoded) << "input: " << v.bytes;
  }
}

TEST(Base64UrlTest, DecodesRfc4648Vectors) {
  for (const Vector& v : kRfc4648Vectors) {
    EXPECT_EQ(Base64UrlDecode(v.encoded), std::optional<std::string>(v.bytes))
        << "input: " << v.encoded;
  }
}

TEST(Base64UrlTest, UsesDashAndUnderscoreInsteadOfPlusAndSlash) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_8"), std::optional<std::string>("\xfb\xff"));
}

TEST(Base64UrlTest, RoundTripsEveryByteValue) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (size_t len = 0; len <= all.size(); len += 37) {
    std::string bytes = all.substr(all.size() - len);
    EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(bytes)), bytes) << "length " << len;
  }
  EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(all)), all);
}

TEST(Base64UrlTest, DecodeRejectsCharactersOutsideTheUrlAlphabet) {
  EXPECT_EQ(Base64UrlDecode("Zm9v+A"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9v/A"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zg=="), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm 9v"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode(std::string("Zm\0v", 4)), std::nullopt);
}

TEST(Base64UrlTest, DecodeRejectsLengthOneMoreThanAMultipleOfFour) {
  EXPECT_EQ(Base64UrlDecode("Z"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9vY"), std::nullopt);
}

TEST(Base64UrlTest, DecodeRejectsNonCanonicalTrailingBits) {
  // "Zg" is the canonical "f"; "Zh" differs only in bits that encode nothing.
  EXPECT_EQ(Base64UrlDecode("Zh"), std::nullopt);
  EXPECT_EQ(Base64UrlDecode("Zm9"), std::nullopt);  // canonical "fo" is "Zm8"
}

TEST(Sha256Test, MatchesKnownDigests) {
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(HmacSha256Test, MatchesRfc4231TestCase1) {
  EXPECT_EQ(HexEncode(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256Test, MatchesRfc4231TestCase2) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HexEncodeTest, WritesLowerCaseTwoDigitsPerByte) {
  EXPECT_EQ(HexEncode(std::string("\x00\x0f\xa0\xff", 4)), "000fa0ff");
  EXPECT_EQ(HexEncode(""), "");
}

TEST(ConstantTimeEqualsTest, EqualOnlyForSameBytesAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "Secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(NewSecretTest, IsPrefixedBase64UrlOfTheRequestedSizeAndRandom) {
  std::string a = NewSecret("gwk_", 32);
  std::string b = NewSecret("gwk_", 32);
  ASSERT_TRUE(absl::StartsWith(a, "gwk_"));
  std::optional<std::string> raw = Base64UrlDecode(a.substr(4));
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->size(), 32u);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace gigwire
