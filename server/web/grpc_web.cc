// The gRPC-Web wire format; see grpc_web.h.
#include "server/web/grpc_web.h"


#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"

namespace gigwire::web {
namespace {

constexpr uint8_t kCompressedFlag = 0x01;
constexpr uint8_t kTrailerFlag = 0x80;
constexpr size_t kFrameHeaderBytes = 5;

std::string FrameHeader(uint8_t flags, size_t length) {
  std::string header(kFrameHeaderBytes, '\0');
  header[0] = static_cast<char>(flags);
  for (int i = 0; i < 4; ++i) {
    header[4 - i] = static_cast<char>((length >> (8 * i)) & 0xff);
  }
  return header;
}

// The 6-bit value of a base64 character, or -1.
int Base64Value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decodes one 4-character quantum (padding only at its end) onto `out`.
bool DecodeQuantum(absl::string_view quantum, std::string& out) {
  int padding = 0;
  if (quantum[3] == '=') padding = quantum[2] == '=' ? 2 : 1;
  uint32_t bits = 0;
  for (int i = 0; i < 4; ++i) {
    int value = i < 4 - padding ? Base64Value(quantum[i]) : 0;
    if (value < 0) return false;
    bits = (bits << 6) | static_cast<uint32_t>(value);
  }
  out.push_back(static_cast<char>((bits >> 16) & 0xff));
  if (padding < 2) out.push_back(static_cast<char>((bits >> 8) & 0xff));
  if (padding < 1) out.push_back(static_cast<char>(bits & 0xff));
  return true;
}

absl::Status Malformed(absl::string_view what) {
  return MalformedRequest(absl::StrCat("malformed gRPC-Web request: ", what));
}

}  // namespace

std::optional<WireMode> ParseContentType(absl::string_view content_type) {
  std::string type = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(content_type.substr(0, content_type.find(';'))));
  if (type == "application/grpc-web" || type == "application/grpc-web+proto") {
    return WireMode::kBinary;
  }
  if (type == "application/grpc-web-text" || type == "application/grpc-web-text+proto") {
    return WireMode::kText;
  }
  return std::nullopt;
}

absl::string_view ResponseContentType(WireMode mode) {
  return mode == WireMode::kText ? "application/grpc-web-text+proto"
                                 : "application/grpc-web+proto";
}

absl::StatusOr<std::string> DecodeTextBody(absl::string_view body) {
  if (body.size() % 4 != 0) return Malformed("text-mode body is not whole base64 quanta");
  std::string out;
  out.reserve(body.size() / 4 * 3);
  for (size_t i = 0; i < body.size(); i += 4) {
    if (!DecodeQuantum(body.substr(i, 4), out)) {
      return Malformed(absl::StrCat("invalid base64 at byte ", i, " of the text-mode body"));
    }
  }
  return out;
}

std::string EncodeText(absl::string_view bytes) { return absl::Base64Escape(bytes); }

absl::StatusOr<std::string> ParseRequestMessage(absl::string_view body,
                                                size_t max_message_bytes) {
  if (body.size() < kFrameHeaderBytes) return Malformed("the body holds no complete frame");
  const auto flags = static_cast<uint8_t>(body[0]);
  uint64_t length = 0;
  for (size_t i = 1; i < kFrameHeaderBytes; ++i) {
    length = (length << 8) | static_cast<uint8_t>(body[i]);
  }
  if (flags & kTrailerFlag) return Malformed("a request may not carry a trailer frame");
  if (flags & kCompressedFlag) {
    return absl::UnimplementedError("compressed gRPC-Web frames are not supported");
  }
  if (length > max_message_bytes) {
    return Malformed(absl::StrCat("the message is longer than ", max_message_bytes, " bytes"));
  }
  if (body.size() - kFrameHeaderBytes < length) return Malformed("the frame is truncated");
  if (body.size() - kFrameHeaderBytes > length) {
    return Malformed("a request carries exactly one message");
  }
  return std::string(body.substr(kFrameHeaderBytes));
}

std::string DataFrame(absl::string_view message) {
  return absl::StrCat(FrameHeader(0, message.size()), message);
}

std::string TrailerFrame(const HeaderList& trailers) {
  std::string text;
  for (const auto& [key, value] : trailers) absl::StrAppend(&text, key, ":", value, "\r\n");
  return absl::StrCat(FrameHeader(kTrailerFlag, text.size()), text);
}

std::optional<absl::Duration> ParseGrpcTimeout(absl::string_view value) {
  if (value.size() < 2 || value.size() > 9) return std::nullopt;
  const char unit = value.back();
  absl::string_view digits = value.substr(0, value.size() - 1);
  int64_t amount = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  if (!absl::SimpleAtoi(digits, &amount)) return std::nullopt;
  switch (unit) {
    case 'H': return absl::Hours(amount);
    case 'M': return absl::Minutes(amount);
    case 'S': return absl::Seconds(amount);
    case 'm': return absl::Milliseconds(amount);
    case 'u': return absl::Microseconds(amount);
    case 'n': return absl::Nanoseconds(amount);
    default: return std::nullopt;
  }
}

std::string PercentEncodeMessage(absl::string_view message) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(message.size());
  for (char c : message) {
    const auto byte = static_cast<uint8_t>(c);
    if (byte >= 0x20 && byte <= 0x7e && byte != '%') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(kHex[byte >> 4]);
      out.push_back(kHex[byte & 0xf]);
    }
  }
  return out;
}

bool IsForwardableMetadataKey(absl::string_view key) {
  if (key.empty() || absl::StartsWith(key, "grpc-")) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
                    c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace gigwire::web
