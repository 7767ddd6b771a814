// Account field rules; see validation.h.
#include "server/domain/validation.h"

#include <algorithm>
#include <initializer_list>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace gigwire {
namespace {

constexpr size_t kMaxEmailChars = 254;
constexpr size_t kMaxUrlChars = 500;
constexpr size_t kMaxSkills = 30;
constexpr size_t kMaxSkillChars = 40;

// Decodes the UTF-8 sequence at the start of `text`: its length in bytes, or
// 0 when it is malformed, overlong, a surrogate or above U+10FFFF.
size_t DecodeOne(absl::string_view text) {
  unsigned char lead = static_cast<unsigned char>(text[0]);
  size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3
                : (lead >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || length > text.size()) return 0;
  uint32_t code_point = length == 1 ? lead : lead & (0x7f >> length);
  for (size_t k = 1; k < length; ++k) {
    unsigned char c = static_cast<unsigned char>(text[k]);
    if ((c >> 6) != 0x2) return 0;
    code_point = (code_point << 6) | (c & 0x3f);
  }
  static constexpr uint32_t kSmallestOfLength[] = {0, 0, 0x80, 0x800, 0x10000};
  if (code_point < kSmallestOfLength[length]) return 0;  // overlong
  if (code_point >= 0xd800 && code_point <= 0xdfff) return 0;
  if (code_point > 0x10ffff) return 0;
  return length;
}

bool HasControlChars(absl::string_view text, bool multiline) {
  for (unsigned char c : text) {
    if (multiline && (c == '\n' || c == '\t')) continue;
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

bool IsEmailChar(char c) {
  return absl::ascii_isalnum(c) || absl::StrContains("!#$%&'*+-/=?^_`{|}~.", c);
}

// True when `url` starts with `scheme` followed by a host.
bool HasSchemeAndHost(absl::string_view url, absl::string_view scheme) {
  if (!absl::StartsWith(url, scheme) || url.size() == scheme.size()) return false;
  const char first = url[scheme.size()];
  return first != '/' && first != '?' && first != '#';
}

// Empty, or a URL of one of `schemes` (each with its "://") of at most 500
// characters, with a host, without spaces or control characters;
// `must_be` describes the schemes to the client.
void CheckUrl(absl::string_view field, absl::string_view url,
              std::initializer_list<absl::string_view> schemes, absl::string_view must_be,
              Violations& v) {
  if (url.empty()) return;
  if (url.size() > kMaxUrlChars) return v.Add(field, "must be at most 500 characters");
  const bool scheme_ok = std::any_of(schemes.begin(), schemes.end(), [&](absl::string_view s) {
    return HasSchemeAndHost(url, s);
  });
  if (!scheme_ok) return v.Add(field, must_be);
  if (HasControlChars(url, false) || absl::StrContains(url, ' ')) {
    v.Add(field, "must not contain spaces or control characters");
  }
}

}  // namespace

long Utf8Length(absl::string_view text) {
  long count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    size_t length = DecodeOne(text.substr(i));
    if (length == 0) return -1;
    i += length;
  }
  return count;
}

bool IsOneCharacterRepeated(absl::string_view text) {
  if (text.empty()) return false;
  size_t length = DecodeOne(text);
  if (length == 0 || text.size() % length != 0) return false;
  for (size_t i = length; i < text.size(); i += length) {
    if (text.substr(i, length) != text.substr(0, length)) return false;
  }
  return true;
}

std::string NormalizeEmail(absl::string_view email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
}

void CheckEmail(absl::string_view field, absl::string_view email, Violations& v) {
  size_t at = email.find('@');
  if (email.empty()) return v.Add(field, "is required");
  if (email.size() > kMaxEmailChars) return v.Add(field, "must be at most 254 characters");
  bool one_at = at != absl::string_view::npos && email.find('@', at + 1) == absl::string_view::npos;
  if (!one_at) return v.Add(field, "must contain exactly one '@'");
  absl::string_view local = email.substr(0, at), domain = email.substr(at + 1);
  bool local_ok = !local.empty() && local.size() <= 64 &&
                  std::all_of(local.begin(), local.end(), IsEmailChar);
  bool domain_ok = domain.size() >= 3 && absl::StrContains(domain, '.') &&
                   domain.front() != '.' && domain.back() != '.' &&
                   std::all_of(domain.begin(), domain.end(), [](char c) {
                     return absl::ascii_isalnum(c) || c == '-' || c == '.';
                   });
  if (!local_ok || !domain_ok) v.Add(field, "is not a valid email address");
}

void CheckPassword(absl::string_view field, absl::string_view password,
                   absl::string_view email, Violations& v) {
  long length = Utf8Length(password);
  if (length < 0) return v.Add(field, "must be valid UTF-8");
  if (static_cast<size_t>(length) < kMinPasswordChars) {
    return v.Add(field, absl::StrCat("must be at least ", kMinPasswordChars, " characters"));
  }
  if (static_cast<size_t>(length) > kMaxPasswordChars) {
    return v.Add(field, absl::StrCat("must be at most ", kMaxPasswordChars, " characters"));
  }
  if (IsOneCharacterRepeated(password)) {
    return v.Add(field, "must not repeat a single character");
  }
  if (!email.empty() && absl::EqualsIgnoreCase(password, email)) {
    v.Add(field, "must not be the email address");
  }
}

void CheckText(absl::string_view field, absl::string_view text, size_t min, size_t max,
               bool multiline, Violations& v) {
  long length = Utf8Length(text);
  if (length < 0) return v.Add(field, "must be valid UTF-8");
  if (static_cast<size_t>(length) < min) {
    return v.Add(field, min == 1 ? "is required" : absl::StrCat("must be at least ", min, " characters"));
  }
  if (static_cast<size_t>(length) > max) {
    return v.Add(field, absl::StrCat("must be at most ", max, " characters"));
  }
  if (HasControlChars(text, multiline)) v.Add(field, "must not contain control characters");
  if (min > 0 && absl::StripAsciiWhitespace(text).empty()) v.Add(field, "must not be blank");
}

void CheckAvatarUrl(absl::string_view field, absl::string_view url, Violations& v) {
  CheckUrl(field, url, {"https://"}, "must be an https:// URL", v);
}

void CheckWebUrl(absl::string_view field, absl::string_view url, Violations& v) {
  CheckUrl(field, url, {"http://", "https://"}, "must be an http:// or https:// URL", v);
}

void CheckSkills(absl::string_view field, const std::vector<std::string>& skills,
                 Violations& v) {
  if (skills.size() > kMaxSkills) return v.Add(field, "must hold at most 30 skills");
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < skills.size(); ++i) {
    std::string item_field = absl::StrCat(field, "[", i, "]");
    CheckText(item_field, skills[i], 1, kMaxSkillChars, false, v);
    if (!seen.insert(absl::AsciiStrToLower(skills[i])).second) {
      v.Add(item_field, "is a duplicate");
    }
  }
}

}  // namespace gigwire
