// Input rules for account fields. Each check appends to `Violations` under
// the given field path and never stops early, so a client learns every
// problem of a request at once.
#ifndef GIGWIRE_SERVER_DOMAIN_VALIDATION_H_
#define GIGWIRE_SERVER_DOMAIN_VALIDATION_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/common/status.h"

namespace gigwire {

inline constexpr size_t kMinPasswordChars = 12;
inline constexpr size_t kMaxPasswordChars = 128;

// Lower-cases ASCII letters and trims surrounding white space.
std::string NormalizeEmail(absl::string_view email);

// `email` must already be normalized.
void CheckEmail(absl::string_view field, absl::string_view email, Violations& v);
void CheckPassword(absl::string_view field, absl::string_view password,
                   absl::string_view email, Violations& v);
// Free text of `min..max` characters (UTF-8 code points), valid UTF-8, no
// control characters except (when `multiline`) newline and tab.
void CheckText(absl::string_view field, absl::string_view text, size_t min, size_t max,
               bool multiline, Violations& v);
// Empty, or an https URL of at most 500 characters, with a host, without
// spaces or control characters.
void CheckAvatarUrl(absl::string_view field, absl::string_view url, Violations& v);
// Empty, or an http or https URL, otherwise as CheckAvatarUrl (links and
// images of portfolio items).
void CheckWebUrl(absl::string_view field, absl::string_view url, Violations& v);
// Up to 30 skills of 1..40 characters each, unique ignoring case.
void CheckSkills(absl::string_view field, const std::vector<std::string>& skills, Violations& v);

// Number of UTF-8 code points, or -1 if `text` is not valid UTF-8 (malformed,
// overlong, surrogates and code points above U+10FFFF are invalid).
long Utf8Length(absl::string_view text);

// True when `text` (valid UTF-8) is one character repeated, e.g. "ééé".
bool IsOneCharacterRepeated(absl::string_view text);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_VALIDATION_H_
