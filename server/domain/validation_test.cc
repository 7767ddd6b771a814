#include "server/domain/validation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// "field: description" for each violation, in order.
std::vector<std::string> Describe(const Violations& v) {
  std::vector<std::string> out;
  for (const FieldViolation& f : v.list()) out.push_back(absl::StrCat(f.field, ": ", f.description));
  return out;
}

std::vector<std::string> EmailViolations(const std::string& email) {
  Violations v;
  CheckEmail("email", email, v);
  return Describe(v);
}

std::vector<std::string> PasswordViolations(const std::string& password,
                                            const std::string& email = "alice@example.com") {
  Violations v;
  CheckPassword("password", password, email, v);
  return Describe(v);
}

std::vector<std::string> TextViolations(const std::string& text, size_t min, size_t max,
                                        bool multiline = false) {
  Violations v;
  CheckText("text", text, min, max, multiline, v);
  return Describe(v);
}

std::vector<std::string> UrlViolations(const std::string& url) {
  Violations v;
  CheckAvatarUrl("avatar_url", url, v);
  return Describe(v);
}

std::vector<std::string> SkillViolations(const std::vector<std::string>& skills) {
  Violations v;
  CheckSkills("skills", skills, v);
  return Describe(v);
}

std::string Repeat(const std::string& piece, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += piece;
  return out;
}

// ---- email ----

TEST(NormalizeEmailTest, LowerCasesAndTrims) {
  EXPECT_EQ(NormalizeEmail("  Alice.Smith@Example.COM\t\n"), "alice.smith@example.com");
}

TEST(CheckEmailTest, AcceptsOrdinaryAddresses) {
  EXPECT_THAT(EmailViolations("a@b.co"), IsEmpty());
  EXPECT_THAT(EmailViolations("first.last+tag@mail.example-site.com"), IsEmpty());
}

TEST(CheckEmailTest, RequiresAValue) {
  EXPECT_THAT(EmailViolations(""), ElementsAre("email: is required"));
}

TEST(CheckEmailTest, RequiresExactlyOneAt) {
  EXPECT_THAT(EmailViolations("alice.example.com"),
              ElementsAre("email: must contain exactly one '@'"));
  EXPECT_THAT(EmailViolations("alice@home@example.com"),
              ElementsAre("email: must contain exactly one '@'"));
}

TEST(CheckEmailTest, RequiresADotInsideTheDomain) {
  EXPECT_THAT(EmailViolations("alice@localhost"), ElementsAre("email: is not a valid email address"));
  EXPECT_THAT(EmailViolations("alice@.example.com"), ElementsAre("email: is not a valid email address"));
  EXPECT_THAT(EmailViolations("alice@example.com."), ElementsAre("email: is not a valid email address"));
}

TEST(CheckEmailTest, RejectsEmptyOrOverlongLocalPart) {
  EXPECT_THAT(EmailViolations("@example.com"), ElementsAre("email: is not a valid email address"));
  EXPECT_THAT(EmailViolations(Repeat("a", 64) + "@example.com"), IsEmpty());
  EXPECT_THAT(EmailViolations(Repeat("a", 65) + "@example.com"),
              ElementsAre("email: is not a valid email address"));
}

TEST(CheckEmailTest, RejectsMoreThan254Characters) {
  std::string domain = Repeat("d", 240) + ".com";
  std::string at_limit = Repeat("a", 254 - 1 - domain.size()) + "@" + domain;
  ASSERT_EQ(at_limit.size(), 254u);
  EXPECT_THAT(EmailViolations(at_limit), IsEmpty());
  EXPECT_THAT(EmailViolations("a" + at_limit), ElementsAre("email: must be at most 254 characters"));
}

TEST(CheckEmailTest, RejectsSpacesAndOtherOddCharacters) {
  EXPECT_THAT(EmailViolations("al ice@example.com"), ElementsAre("email: is not a valid email address"));
  EXPECT_THAT(EmailViolations("alice@exa mple.com"), ElementsAre("email: is not a valid email address"));
  EXPECT_THAT(EmailViolations("alice@exa_mple.com"), ElementsAre("email: is not a valid email address"));
  EXPECT_THAT(EmailViolations("\"alice\"@example.com"),
              ElementsAre("email: is not a valid email address"));
}

// ---- password ----

TEST(CheckPasswordTest, TwelveCharactersIsEnough) {
  EXPECT_THAT(PasswordViolations("abcdefghijk1"), IsEmpty());
}

TEST(CheckPasswordTest, ElevenCharactersIsTooShort) {
  EXPECT_THAT(PasswordViolations("abcdefghijk"),
              ElementsAre("password: must be at least 12 characters"));
}

TEST(CheckPasswordTest, At128CharactersTheLimitIsReached) {
  EXPECT_THAT(PasswordViolations(Repeat("ab", 64)), IsEmpty());
  EXPECT_THAT(PasswordViolations(Repeat("ab", 64) + "c"),
              ElementsAre("password: must be at most 128 characters"));
}

TEST(CheckPasswordTest, LengthCountsCodePointsNotBytes) {
  // 11 two-byte letters (22 bytes) are still too short; 12 are enough.
  EXPECT_THAT(PasswordViolations("äöüßéèêëïîô"),
              ElementsAre("password: must be at least 12 characters"));
  EXPECT_THAT(PasswordViolations("äöüßéèêëïîôû"), IsEmpty());
  // 128 characters in 256 bytes are within the limit.
  EXPECT_THAT(PasswordViolations(Repeat("€a", 64)), IsEmpty());
}

TEST(CheckPasswordTest, RejectsASingleRepeatedCharacter) {
  EXPECT_THAT(PasswordViolations(Repeat("a", 20)),
              ElementsAre("password: must not repeat a single character"));
}

// The rule is about characters, so a repeated multi-byte character counts too.
TEST(CheckPasswordTest, RejectsASingleRepeatedMultiByteCharacter) {
  EXPECT_THAT(PasswordViolations(Repeat("é", 12)),
              ElementsAre("password: must not repeat a single character"));
}

TEST(CheckPasswordTest, RejectsTheEmailAddressIgnoringCase) {
  EXPECT_THAT(PasswordViolations("Alice.Smith@Example.com", "alice.smith@example.com"),
              ElementsAre("password: must not be the email address"));
}

TEST(CheckPasswordTest, RejectsInvalidUtf8) {
  EXPECT_THAT(PasswordViolations("abcdefghijkl\xff"), ElementsAre("password: must be valid UTF-8"));
}

// ---- UTF-8 ----

TEST(Utf8LengthTest, CountsCodePoints) {
  EXPECT_EQ(Utf8Length(""), 0);
  EXPECT_EQ(Utf8Length("abc"), 3);
  EXPECT_EQ(Utf8Length("é"), 1);       // 2 bytes
  EXPECT_EQ(Utf8Length("€"), 1);       // 3 bytes
  EXPECT_EQ(Utf8Length("😀"), 1);      // 4 bytes
  EXPECT_EQ(Utf8Length("aé€😀"), 4);
}

TEST(Utf8LengthTest, RejectsTruncatedAndStraySequences) {
  EXPECT_EQ(Utf8Length("\xc3"), -1);          // lead byte without continuation
  EXPECT_EQ(Utf8Length("\xe2\x82"), -1);      // 3-byte sequence cut short
  EXPECT_EQ(Utf8Length("a\x80"), -1);         // stray continuation byte
  EXPECT_EQ(Utf8Length("\xc3" "a"), -1);      // lead byte followed by ASCII
  EXPECT_EQ(Utf8Length("\xff"), -1);
}

// RFC 3629: overlong forms, UTF-16 surrogates and code points above
// U+10FFFF are not valid UTF-8. validation.h promises -1 for invalid UTF-8.
TEST(Utf8LengthTest, RejectsOverlongEncodings) {
  EXPECT_EQ(Utf8Length("\xc0\x80"), -1);          // U+0000 in two bytes
  EXPECT_EQ(Utf8Length("\xc1\xbf"), -1);          // U+007F in two bytes
  EXPECT_EQ(Utf8Length("\xe0\x80\xaf"), -1);      // '/' in three bytes
  EXPECT_EQ(Utf8Length("\xf0\x80\x80\x80"), -1);  // U+0000 in four bytes
}

TEST(Utf8LengthTest, RejectsSurrogatesAndCodePointsAboveU10FFFF) {
  EXPECT_EQ(Utf8Length("\xed\xa0\x80"), -1);      // U+D800
  EXPECT_EQ(Utf8Length("\xf4\x90\x80\x80"), -1);  // U+110000
  EXPECT_EQ(Utf8Length("\xf5\x80\x80\x80"), -1);
}

// ---- text ----

TEST(CheckTextTest, AcceptsTextWithinLimits) {
  EXPECT_THAT(TextViolations("Alice", 1, 80), IsEmpty());
  EXPECT_THAT(TextViolations(Repeat("é", 80), 1, 80), IsEmpty());
  EXPECT_THAT(TextViolations("", 0, 10), IsEmpty());
}

TEST(CheckTextTest, EnforcesMinimumAndMaximumInCodePoints) {
  EXPECT_THAT(TextViolations("", 1, 80), ElementsAre("text: is required"));
  EXPECT_THAT(TextViolations("ab", 3, 80), ElementsAre("text: must be at least 3 characters"));
  EXPECT_THAT(TextViolations(Repeat("é", 81), 1, 80),
              ElementsAre("text: must be at most 80 characters"));
}

TEST(CheckTextTest, RejectsBlankRequiredText) {
  EXPECT_THAT(TextViolations("   ", 1, 80), ElementsAre("text: must not be blank"));
}

TEST(CheckTextTest, RejectsControlCharacters) {
  EXPECT_THAT(TextViolations("a\x01z", 1, 80), ElementsAre("text: must not contain control characters"));
  EXPECT_THAT(TextViolations("a\x7fz", 1, 80), ElementsAre("text: must not contain control characters"));
  EXPECT_THAT(TextViolations(std::string("a\0z", 3), 1, 80),
              ElementsAre("text: must not contain control characters"));
}

TEST(CheckTextTest, NewlineAndTabOnlyInMultilineText) {
  EXPECT_THAT(TextViolations("line one\nline\ttwo", 0, 80, /*multiline=*/true), IsEmpty());
  EXPECT_THAT(TextViolations("line one\nline two", 0, 80, /*multiline=*/false),
              ElementsAre("text: must not contain control characters"));
  EXPECT_THAT(TextViolations("a\x1b[31m", 0, 80, /*multiline=*/true),
              ElementsAre("text: must not contain control characters"));
}

TEST(CheckTextTest, RejectsInvalidUtf8) {
  EXPECT_THAT(TextViolations("abc\xfe", 1, 80), ElementsAre("text: must be valid UTF-8"));
}

// ---- avatar URL ----

TEST(CheckAvatarUrlTest, EmptyOrHttpsIsAccepted) {
  EXPECT_THAT(UrlViolations(""), IsEmpty());
  EXPECT_THAT(UrlViolations("https://cdn.example.com/u/1.png?size=64"), IsEmpty());
}

TEST(CheckAvatarUrlTest, RejectsOtherSchemes) {
  EXPECT_THAT(UrlViolations("http://cdn.example.com/a.png"),
              ElementsAre("avatar_url: must be an https:// URL"));
  EXPECT_THAT(UrlViolations("javascript:alert(1)"), ElementsAre("avatar_url: must be an https:// URL"));
  EXPECT_THAT(UrlViolations("https://"), ElementsAre("avatar_url: must be an https:// URL"));
}

TEST(CheckAvatarUrlTest, RejectsSpacesAndControlCharacters) {
  EXPECT_THAT(UrlViolations("https://cdn.example.com/my avatar.png"),
              ElementsAre("avatar_url: must not contain spaces or control characters"));
  EXPECT_THAT(UrlViolations("https://cdn.example.com/a\n.png"),
              ElementsAre("avatar_url: must not contain spaces or control characters"));
}

TEST(CheckAvatarUrlTest, RejectsMoreThan500Characters) {
  std::string url = "https://example.com/";
  url += Repeat("a", 500 - url.size());
  EXPECT_THAT(UrlViolations(url), IsEmpty());
  EXPECT_THAT(UrlViolations(url + "a"), ElementsAre("avatar_url: must be at most 500 characters"));
}

TEST(CheckAvatarUrlTest, RequiresAHost) {
  EXPECT_THAT(UrlViolations("https:///a.png"), ElementsAre("avatar_url: must be an https:// URL"));
  EXPECT_THAT(UrlViolations("https://?x=1"), ElementsAre("avatar_url: must be an https:// URL"));
}

// ---- web URL (http or https) ----

std::vector<std::string> WebUrlViolations(const std::string& url) {
  Violations v;
  CheckWebUrl("link_url", url, v);
  return Describe(v);
}

TEST(CheckWebUrlTest, EmptyHttpOrHttpsIsAccepted) {
  EXPECT_THAT(WebUrlViolations(""), IsEmpty());
  EXPECT_THAT(WebUrlViolations("http://example.com"), IsEmpty());
  EXPECT_THAT(WebUrlViolations("https://example.com/work/1?tab=images#top"), IsEmpty());
}

TEST(CheckWebUrlTest, RejectsOtherSchemesAndMissingHosts) {
  for (const char* url : {"ftp://example.com/a", "javascript:alert(1)", "example.com",
                          "http://", "https://", "http:///path", "HTTP//example.com"}) {
    EXPECT_THAT(WebUrlViolations(url), ElementsAre("link_url: must be an http:// or https:// URL"))
        << url;
  }
}

TEST(CheckWebUrlTest, RejectsSpacesControlCharactersAndMoreThan500Characters) {
  EXPECT_THAT(WebUrlViolations("http://example.com/my work"),
              ElementsAre("link_url: must not contain spaces or control characters"));
  EXPECT_THAT(WebUrlViolations("http://example.com/a\nb"),
              ElementsAre("link_url: must not contain spaces or control characters"));
  std::string url = "http://example.com/";
  url += Repeat("a", 500 - url.size());
  EXPECT_THAT(WebUrlViolations(url), IsEmpty());
  EXPECT_THAT(WebUrlViolations(url + "a"), ElementsAre("link_url: must be at most 500 characters"));
}

// ---- skills ----

TEST(CheckSkillsTest, AcceptsUpToThirtyDistinctSkills) {
  std::vector<std::string> skills;
  for (int i = 0; i < 30; ++i) skills.push_back(absl::StrCat("skill ", i));
  EXPECT_THAT(SkillViolations(skills), IsEmpty());
  skills.push_back("one too many");
  EXPECT_THAT(SkillViolations(skills), ElementsAre("skills: must hold at most 30 skills"));
}

TEST(CheckSkillsTest, RejectsDuplicatesIgnoringCase) {
  EXPECT_THAT(SkillViolations({"Go", "Rust", "go"}), ElementsAre("skills[2]: is a duplicate"));
}

TEST(CheckSkillsTest, EachSkillHasOneToFortyCharacters) {
  EXPECT_THAT(SkillViolations({Repeat("x", 40)}), IsEmpty());
  EXPECT_THAT(SkillViolations({"C++", Repeat("x", 41), ""}),
              ElementsAre("skills[1]: must be at most 40 characters", "skills[2]: is required"));
}

// ---- all at once ----

TEST(ViolationsTest, EveryBadFieldIsReportedTogether) {
  Violations v;
  CheckEmail("email", "not-an-email", v);
  CheckPassword("password", "short", "not-an-email", v);
  CheckText("display_name", "", 1, 80, false, v);
  CheckAvatarUrl("avatar_url", "http://x.example", v);
  CheckSkills("skills", {"a", "A"}, v);
  absl::Status status = v.ToStatus();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReasonOf(status), v1::INVALID_FIELDS);
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  std::vector<std::string> fields;
  for (const v1::FieldViolation& f : details.field_violations()) {
    fields.push_back(f.field());
  }
  EXPECT_THAT(fields, ElementsAre("email", "password", "display_name", "avatar_url", "skills[1]"));
}

TEST(ViolationsTest, NoViolationsIsOk) {
  Violations v;
  CheckEmail("email", "alice@example.com", v);
  CheckPassword("password", "a long enough secret", "alice@example.com", v);
  EXPECT_TRUE(v.ToStatus().ok());
}

}  // namespace
}  // namespace gigwire
