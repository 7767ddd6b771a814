// Page tokens; see pagination.h. Format before base64url:
// "v1|<fingerprint>|<create_time micros>|<id>".
#include "server/domain/pagination.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/auth/crypto.h"
#include "server/common/status.h"

namespace gigwire {

absl::StatusOr<int> ResolvePageSize(int requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

std::string EncodePageToken(absl::string_view query_fingerprint, const ListCursor& after) {
  return Base64UrlEncode(absl::StrCat("v1|", query_fingerprint, "|",
                                      absl::ToUnixMicros(after.create_time), "|", after.id));
}

absl::StatusOr<std::optional<ListCursor>> DecodePageToken(absl::string_view token,
                                                          absl::string_view query_fingerprint) {
  if (token.empty()) return std::nullopt;
  std::optional<std::string> raw = Base64UrlDecode(token);
  std::vector<std::string> parts;
  if (raw.has_value()) parts = absl::StrSplit(*raw, '|');
  int64_t micros = 0;
  if (parts.size() != 4 || parts[0] != "v1" || !absl::SimpleAtoi(parts[2], &micros) ||
      parts[3].empty()) {
    return InvalidField("page_token", "is not a token returned by this list");
  }
  if (parts[1] != query_fingerprint) {
    return InvalidField("page_token", "was issued for different filters");
  }
  return ListCursor{absl::FromUnixMicros(micros), parts[3]};
}

}  // namespace gigwire
