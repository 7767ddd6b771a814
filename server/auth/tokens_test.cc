#include "server/auth/tokens.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "server/auth/crypto.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

constexpr char kSubject[] = "usr_abc123";

std::vector<TokenKey> KeyRing(const std::vector<std::string>& secrets) {
  std::string text;
  for (const std::string& s : secrets) absl::StrAppend(&text, Base64UrlEncode(s), "\n");
  absl::StatusOr<std::vector<TokenKey>> keys = ParseTokenKeyFile(text);
  EXPECT_TRUE(keys.ok()) << keys.status();
  return keys.value_or(std::vector<TokenKey>{});
}

const std::string kOldSecret(32, 'o');
const std::string kNewSecret(40, 'n');

struct Parts {
  std::string header, payload, signature;  // decoded header and payload JSON
};

Parts Split(const std::string& token) {
  std::vector<std::string> p = absl::StrSplit(token, '.');
  EXPECT_EQ(p.size(), 3u);
  p.resize(3);
  return {Base64UrlDecode(p[0]).value_or(""), Base64UrlDecode(p[1]).value_or(""), p[2]};
}

// A token from raw header and payload JSON, signed with `secret`.
std::string Sign(const std::string& header, const std::string& payload,
                 const std::string& secret) {
  std::string input = absl::StrCat(Base64UrlEncode(header), ".", Base64UrlEncode(payload));
  return absl::StrCat(input, ".", Base64UrlEncode(HmacSha256(secret, input)));
}

void ExpectInvalid(const absl::StatusOr<AccessClaims>& result) {
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnauthenticated) << result.status();
  EXPECT_EQ(ReasonOf(result.status()), v1::TOKEN_INVALID) << result.status();
}

class TokensTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  TokenConfig config_;
  TokenService tokens_{KeyRing({kOldSecret}), config_, clock_};
};

TEST_F(TokensTest, IssuedTokenVerifiesWithSubjectAndExpiry) {
  AccessClaims issued;
  std::string token = tokens_.Issue(kSubject, &issued);
  absl::StatusOr<AccessClaims> claims = tokens_.Verify(token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, kSubject);
  EXPECT_EQ(claims->issued_at, clock_.Now());
  EXPECT_EQ(claims->expires_at, claims->issued_at + config_.ttl);
  EXPECT_EQ(issued.subject, kSubject);
  EXPECT_EQ(issued.expires_at, claims->expires_at);
}

TEST_F(TokensTest, HeaderPinsHs256AndNamesKey) {
  Parts parts = Split(tokens_.Issue(kSubject));
  EXPECT_NE(parts.header.find(R"("alg":"HS256")"), std::string::npos) << parts.header;
  EXPECT_NE(parts.header.find(absl::StrCat(R"("kid":")", KeyRing({kOldSecret})[0].kid, "\"")),
            std::string::npos)
      << parts.header;
}

TEST_F(TokensTest, TamperedSignatureIsInvalid) {
  std::string token = tokens_.Issue(kSubject);
  char& inside = token[token.size() - 10];  // a full 6-bit digit of the signature
  inside = inside == 'A' ? 'B' : 'A';
  ExpectInvalid(tokens_.Verify(token));
}

TEST_F(TokensTest, PayloadWithOtherSubjectUnderOldSignatureIsInvalid) {
  std::string token = tokens_.Issue(kSubject);
  std::vector<std::string> segments = absl::StrSplit(token, '.');
  std::string payload = absl::StrReplaceAll(Base64UrlDecode(segments[1]).value(),
                                            {{kSubject, "usr_attacker"}});
  ExpectInvalid(tokens_.Verify(
      absl::StrCat(segments[0], ".", Base64UrlEncode(payload), ".", segments[2])));
}

TEST_F(TokensTest, AlgNoneIsInvalidWithOrWithoutSignature) {
  std::string token = tokens_.Issue(kSubject);
  std::vector<std::string> segments = absl::StrSplit(token, '.');
  std::string header = absl::StrReplaceAll(Base64UrlDecode(segments[0]).value(),
                                           {{R"("alg":"HS256")", R"("alg":"none")"}});
  std::string unsigned_token = absl::StrCat(Base64UrlEncode(header), ".", segments[1], ".");
  ExpectInvalid(tokens_.Verify(unsigned_token));
  ExpectInvalid(tokens_.Verify(absl::StrCat(unsigned_token, segments[2])));
}

TEST_F(TokensTest, OtherAlgorithmSignedWithTheRealKeyIsInvalid) {
  Parts parts = Split(tokens_.Issue(kSubject));
  for (const char* alg : {"HS512", "hs256", "RS256", "none"}) {
    std::string header =
        absl::StrReplaceAll(parts.header, {{R"("alg":"HS256")", absl::StrCat(R"("alg":")", alg, "\"")}});
    ExpectInvalid(tokens_.Verify(Sign(header, parts.payload, kOldSecret)));
  }
}

TEST_F(TokensTest, CorrectlySignedCraftedTokenVerifies) {
  // Guards the crafting helpers used by the negative tests below.
  Parts parts = Split(tokens_.Issue(kSubject));
  EXPECT_TRUE(tokens_.Verify(Sign(parts.header, parts.payload, kOldSecret)).ok());
}

TEST_F(TokensTest, ExpiresAtTtl) {
  std::string token = tokens_.Issue(kSubject);
  clock_.Advance(config_.ttl - absl::Seconds(1));
  EXPECT_TRUE(tokens_.Verify(token).ok());
  clock_.Advance(absl::Seconds(1));
  absl::StatusOr<AccessClaims> expired = tokens_.Verify(token);
  ASSERT_FALSE(expired.ok());
  EXPECT_EQ(expired.status().code(), absl::StatusCode::kUnauthenticated);
  EXPECT_EQ(ReasonOf(expired.status()), v1::TOKEN_EXPIRED);
}

TEST_F(TokensTest, WrongAudienceIsInvalid) {
  TokenConfig other = config_;
  other.audience = "someone-else";
  TokenService verifier(KeyRing({kOldSecret}), other, clock_);
  ExpectInvalid(verifier.Verify(tokens_.Issue(kSubject)));
}

TEST_F(TokensTest, WrongIssuerIsInvalid) {
  TokenConfig other = config_;
  other.issuer = "evil-issuer";
  TokenService verifier(KeyRing({kOldSecret}), other, clock_);
  ExpectInvalid(verifier.Verify(tokens_.Issue(kSubject)));
}

TEST_F(TokensTest, TokenFromAnotherKeyRingIsInvalid) {
  TokenService foreign(KeyRing({kNewSecret}), config_, clock_);
  ExpectInvalid(tokens_.Verify(foreign.Issue(kSubject)));
}

TEST_F(TokensTest, ForeignKidSignedWithForeignKeyIsInvalid) {
  Parts parts = Split(tokens_.Issue(kSubject));
  std::string header = absl::StrReplaceAll(
      parts.header, {{KeyRing({kOldSecret})[0].kid, KeyRing({kNewSecret})[0].kid}});
  ExpectInvalid(tokens_.Verify(Sign(header, parts.payload, kNewSecret)));
}

TEST_F(TokensTest, MissingKidIsInvalid) {
  Parts parts = Split(tokens_.Issue(kSubject));
  ExpectInvalid(tokens_.Verify(Sign(R"({"alg":"HS256","typ":"JWT"})", parts.payload, kOldSecret)));
}

TEST_F(TokensTest, MissingSubjectOrExpiryIsInvalid) {
  Parts parts = Split(tokens_.Issue(kSubject));
  std::string no_sub = absl::StrReplaceAll(parts.payload, {{R"("sub":)", R"("who":)"}});
  std::string no_exp = absl::StrReplaceAll(parts.payload, {{R"("exp":)", R"("end":)"}});
  ExpectInvalid(tokens_.Verify(Sign(parts.header, no_sub, kOldSecret)));
  ExpectInvalid(tokens_.Verify(Sign(parts.header, no_exp, kOldSecret)));
}

TEST_F(TokensTest, NotThreeSegmentsIsInvalid) {
  std::string token = tokens_.Issue(kSubject);
  ExpectInvalid(tokens_.Verify(""));
  ExpectInvalid(tokens_.Verify("abc"));
  ExpectInvalid(tokens_.Verify("a.b"));
  ExpectInvalid(tokens_.Verify(absl::StrCat(token, ".extra")));
  ExpectInvalid(tokens_.Verify(token.substr(0, token.rfind('.'))));
}

TEST_F(TokensTest, GarbageBase64IsInvalid) {
  std::vector<std::string> segments = absl::StrSplit(tokens_.Issue(kSubject), '.');
  ExpectInvalid(tokens_.Verify("!!!.???.***"));
  ExpectInvalid(tokens_.Verify(absl::StrCat("*", segments[0], ".", segments[1], ".", segments[2])));
  ExpectInvalid(tokens_.Verify(absl::StrCat(segments[0], ".", segments[1], ".", segments[2], "=")));
  ExpectInvalid(tokens_.Verify(absl::StrCat(Base64UrlEncode("not json"), ".", segments[1], ".",
                                            segments[2])));
}

TEST_F(TokensTest, RotatedRingVerifiesTokensOfTheOldKeyAndSignsWithTheNew) {
  TokenService rotated(KeyRing({kNewSecret, kOldSecret}), config_, clock_);
  std::string old_token = tokens_.Issue(kSubject);
  absl::StatusOr<AccessClaims> claims = rotated.Verify(old_token);
  ASSERT_TRUE(claims.ok()) << claims.status();
  EXPECT_EQ(claims->subject, kSubject);

  std::string new_token = rotated.Issue(kSubject);
  EXPECT_TRUE(rotated.Verify(new_token).ok());
  ExpectInvalid(tokens_.Verify(new_token));  // the old ring does not know the new key
}

TEST(ParseTokenKeyFileTest, SkipsCommentsAndBlankLines) {
  std::string text = absl::StrCat("# signing keys\n\n   \n", Base64UrlEncode(kNewSecret),
                                  "\n# older key\n  ", Base64UrlEncode(kOldSecret), "  \n\n");
  absl::StatusOr<std::vector<TokenKey>> keys = ParseTokenKeyFile(text);
  ASSERT_TRUE(keys.ok()) << keys.status();
  ASSERT_EQ(keys->size(), 2u);
  EXPECT_EQ((*keys)[0].secret, kNewSecret);
  EXPECT_EQ((*keys)[1].secret, kOldSecret);
  EXPECT_EQ((*keys)[0].kid, HexEncode(Sha256(kNewSecret)).substr(0, 16));
  EXPECT_NE((*keys)[0].kid, (*keys)[1].kid);
}

TEST(ParseTokenKeyFileTest, RejectsShortKey) {
  absl::StatusOr<std::vector<TokenKey>> keys =
      ParseTokenKeyFile(absl::StrCat(Base64UrlEncode(std::string(31, 'k')), "\n"));
  EXPECT_EQ(keys.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseTokenKeyFileTest, RejectsBadEncoding) {
  EXPECT_EQ(ParseTokenKeyFile("not base64url!!!\n").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ParseTokenKeyFileTest, RejectsFileWithoutKeys) {
  EXPECT_EQ(ParseTokenKeyFile("").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseTokenKeyFile("# only a comment\n\n").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NewTokenKeyFileTextTest, ParsesToOneFreshKey) {
  absl::StatusOr<std::vector<TokenKey>> a = ParseTokenKeyFile(NewTokenKeyFileText());
  absl::StatusOr<std::vector<TokenKey>> b = ParseTokenKeyFile(NewTokenKeyFileText());
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  ASSERT_EQ(a->size(), 1u);
  EXPECT_GE((*a)[0].secret.size(), 32u);
  EXPECT_NE((*a)[0].secret, (*b)[0].secret);
}

}  // namespace
}  // namespace gigwire
