// The gRPC-Web wire format (https://github.com/grpc/grpc/blob/master/doc/PROTOCOL-WEB.md),
// as pure functions: content types, text mode's base64, length-prefixed
// frames, the trailer frame, and the grpc-timeout and grpc-message encodings.
// No I/O and no gRPC library: the web server (web_server.h) and the forwarded
// call (web_call.h) build on these, and web_codec_test.cc pins them.
//
// Errors: INVALID_ARGUMENT with reason MALFORMED_REQUEST for bytes that do not
// follow the protocol (callers answer them as a gRPC status, never reaching a
// handler); UNIMPLEMENTED for what the protocol allows but Gigwire does not
// (compressed frames). Thread safety: stateless.
#ifndef GIGWIRE_SERVER_WEB_GRPC_WEB_H_
#define GIGWIRE_SERVER_WEB_GRPC_WEB_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace gigwire::web {

// Binary: frames as they are. Text: the body (both ways) is base64 of the
// frames, possibly as several padded base64 chunks one after the other.
enum class WireMode { kBinary, kText };

// The mode of a gRPC-Web request's Content-Type: application/grpc-web,
// application/grpc-web+proto, application/grpc-web-text or
// application/grpc-web-text+proto (parameters after ';' ignored, case
// insensitive). std::nullopt for anything else, including +json (Gigwire
// speaks protobuf only).
std::optional<WireMode> ParseContentType(absl::string_view content_type);

// The Content-Type a response in `mode` carries.
absl::string_view ResponseContentType(WireMode mode);

// Decodes a text-mode body: base64 (standard alphabet) in one or more padded
// chunks. Errors: INVALID_ARGUMENT (MALFORMED_REQUEST) for characters outside
// the alphabet, padding in the middle of a quantum, or a length that does not
// end a quantum.
absl::StatusOr<std::string> DecodeTextBody(absl::string_view body);

// Encodes bytes for a text-mode response (one padded chunk).
std::string EncodeText(absl::string_view bytes);

// The one message of a request body: exactly one uncompressed data frame.
// Errors: INVALID_ARGUMENT (MALFORMED_REQUEST) for an empty body, a truncated
// frame, a trailer frame, more than one frame, or a message longer than
// `max_message_bytes`; UNIMPLEMENTED for a compressed frame.
absl::StatusOr<std::string> ParseRequestMessage(absl::string_view body,
                                                size_t max_message_bytes);

// A data frame carrying `message`.
std::string DataFrame(absl::string_view message);

// The trailer frame: "key:value\r\n" lines (keys lowercase) after the 0x80
// header byte and the length.
using HeaderList = std::vector<std::pair<std::string, std::string>>;
std::string TrailerFrame(const HeaderList& trailers);

// The grpc-timeout header ("1500m", "30S": at most 8 digits and a unit of
// H, M, S, m, u or n). std::nullopt if malformed.
std::optional<absl::Duration> ParseGrpcTimeout(absl::string_view value);

// grpc-message's percent-encoding: bytes outside 0x20..0x7E and '%' become %XX.
std::string PercentEncodeMessage(absl::string_view message);

// Whether `key` may travel as gRPC metadata: lowercase letters, digits and
// "-_." only, not empty, not starting with "grpc-" (reserved for the protocol).
bool IsForwardableMetadataKey(absl::string_view key);

}  // namespace gigwire::web

#endif  // GIGWIRE_SERVER_WEB_GRPC_WEB_H_
