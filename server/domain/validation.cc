// Account field rules; see validation.h.
#include "server/domain/validation.h"

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

// Length in bytes of the UTF-8 sequence starting with `lead`, 0 if invalid.
int SequenceLength(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xe) return 3;
  if ((lead >> 3) == 0x1e) return 4;
  return 0;
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

}  // namespace

long Utf8Length(absl::string_view text) {
  long count = 0;
  for (size_t i = 0; i < text.size(); ++count) {
    int len = SequenceLength(static_cast<unsigned char>(text[i]));
    if (len == 0 || i + len > text.size()) return -1;
    for (int k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return -1;
    }
    i += len;
  }
  return count;
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
  if (password.find_first_not_of(password[0]) == absl::string_view::npos) {
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
  if (url.empty()) return;
  if (url.size() > kMaxUrlChars) return v.Add(field, "must be at most 500 characters");
  if (!absl::StartsWith(url, "https://") || url.size() <= 8) {
    return v.Add(field, "must be an https:// URL");
  }
  if (HasControlChars(url, false) || absl::StrContains(url, ' ')) {
    v.Add(field, "must not contain spaces or control characters");
  }
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
