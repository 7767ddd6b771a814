// Allowed browser origins; see origin_policy.h.
#include "server/web/origin_policy.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace gigwire::web {
namespace {

bool LooksLikeOrigin(absl::string_view origin) {
  absl::string_view rest = origin;
  if (!absl::ConsumePrefix(&rest, "http://") && !absl::ConsumePrefix(&rest, "https://")) {
    return false;
  }
  if (rest.empty()) return false;
  for (char c : rest) {
    const bool ok = absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '.' ||
                    c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<OriginPolicy> OriginPolicy::Create(const std::vector<std::string>& allowed) {
  OriginPolicy policy;
  for (const std::string& entry : allowed) {
    std::string origin = absl::AsciiStrToLower(entry);
    if (absl::EndsWith(origin, "/")) origin.pop_back();
    if (!LooksLikeOrigin(origin)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--web-origin ", entry, ": expected scheme://host[:port], e.g. http://localhost:5173"));
    }
    policy.allowed_.insert(origin);
  }
  return policy;
}

bool OriginPolicy::Allows(absl::string_view origin, absl::string_view host, bool tls) const {
  const std::string lower = absl::AsciiStrToLower(origin);
  if (!host.empty() &&
      lower == absl::StrCat(tls ? "https://" : "http://", absl::AsciiStrToLower(host))) {
    return true;
  }
  return allowed_.contains(lower);
}

bool OriginPolicy::IsListed(absl::string_view origin) const {
  return allowed_.contains(absl::AsciiStrToLower(origin));
}

}  // namespace gigwire::web
