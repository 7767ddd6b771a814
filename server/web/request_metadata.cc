// HTTP headers to gRPC metadata; see request_metadata.h.
#include "server/web/request_metadata.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/common/status.h"

namespace gigwire::web {
namespace {

// HTTP plumbing that is not the caller's metadata.
constexpr absl::string_view kNotForwarded[] = {
    "host",          "connection",      "keep-alive",   "upgrade",     "te",
    "transfer-encoding", "content-type", "content-length", "accept",    "accept-encoding",
    "accept-language", "origin",        "referer",      "cookie",      "user-agent",
    "expect",        "cache-control",   "pragma",       "dnt",         "priority",
    "forwarded",     "x-forwarded-for", "x-real-ip",    kWebClientAddressKey,
};

bool IsForwarded(absl::string_view key) {
  for (absl::string_view skipped : kNotForwarded) {
    if (key == skipped) return false;
  }
  return !absl::StartsWith(key, "sec-") && !absl::StartsWith(key, "access-control-") &&
         IsForwardableMetadataKey(key);
}

bool IsPrintableAscii(absl::string_view value) {
  for (char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte > 0x7e) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<ForwardedRequest> ForwardedRequestOf(const HeaderList& http_headers,
                                                    absl::string_view client_address,
                                                    absl::Time now) {
  ForwardedRequest forwarded;
  for (const auto& [name, value] : http_headers) {
    const std::string key = absl::AsciiStrToLower(name);
    if (key == "grpc-timeout") {
      std::optional<absl::Duration> timeout = ParseGrpcTimeout(value);
      if (!timeout) return MalformedRequest(absl::StrCat("malformed grpc-timeout: ", value));
      forwarded.deadline = now + *timeout;
      continue;
    }
    if (!IsForwarded(key)) continue;
    std::string decoded = value;
    if (absl::EndsWith(key, "-bin")) {
      if (!absl::Base64Unescape(value, &decoded)) {
        return MalformedRequest(absl::StrCat("header ", key, " is not base64"));
      }
    } else if (!IsPrintableAscii(value)) {
      // gRPC metadata values are printable ASCII; anything else would be
      // refused by the gRPC library itself.
      return MalformedRequest(absl::StrCat("header ", key, " holds a byte gRPC metadata may not"));
    }
    forwarded.metadata.emplace_back(key, std::move(decoded));
  }
  if (!client_address.empty()) {
    forwarded.metadata.emplace_back(kWebClientAddressKey, std::string(client_address));
  }
  return forwarded;
}

bool IsHeaderNameList(absl::string_view value) {
  for (absl::string_view name : absl::StrSplit(value, ',', absl::SkipWhitespace())) {
    name = absl::StripAsciiWhitespace(name);
    for (char c : name) {
      const bool ok = absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
      if (!ok) return false;
    }
  }
  return true;
}

}  // namespace gigwire::web
