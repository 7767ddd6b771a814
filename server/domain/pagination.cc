// Page tokens; see pagination.h. Format before base64url:
// "v1|<fingerprint>|<create_time micros>|<id>" (keyset) and
// "o1|<fingerprint hash>|<offset>" (offset).
#include "server/domain/pagination.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/auth/crypto.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

// "v1|<fingerprint>|<micros>|<id>" -> its four parts; the fingerprint may
// itself contain '|' (filters are free text), the other parts cannot.
std::vector<std::string> SplitAroundFingerprint(absl::string_view raw) {
  size_t first = raw.find('|');
  size_t last = raw.rfind('|');
  size_t middle = last == absl::string_view::npos || last == 0 ? absl::string_view::npos
                                                               : raw.rfind('|', last - 1);
  if (first == absl::string_view::npos || middle == absl::string_view::npos || middle <= first) {
    return {};
  }
  return {std::string(raw.substr(0, first)),
          std::string(raw.substr(first + 1, middle - first - 1)),
          std::string(raw.substr(middle + 1, last - middle - 1)),
          std::string(raw.substr(last + 1))};
}

std::string FingerprintHash(absl::string_view query_fingerprint) {
  return HexEncode(Sha256(query_fingerprint)).substr(0, 16);
}

}  // namespace

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
  if (raw.has_value()) parts = SplitAroundFingerprint(*raw);
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

std::string EncodeOffsetToken(absl::string_view query_fingerprint, int offset) {
  return Base64UrlEncode(absl::StrCat("o1|", FingerprintHash(query_fingerprint), "|", offset));
}

absl::StatusOr<int> DecodeOffsetToken(absl::string_view token,
                                      absl::string_view query_fingerprint) {
  if (token.empty()) return 0;
  std::optional<std::string> raw = Base64UrlDecode(token);
  std::vector<std::string> parts;
  if (raw.has_value()) parts = absl::StrSplit(*raw, '|');
  int offset = -1;
  if (parts.size() != 3 || parts[0] != "o1" || !absl::SimpleAtoi(parts[2], &offset) ||
      offset < 0) {
    return InvalidField("page_token", "is not a token returned by this list");
  }
  if (parts[1] != FingerprintHash(query_fingerprint)) {
    return InvalidField("page_token", "was issued for different filters");
  }
  return offset;
}

}  // namespace gigwire
