// What a gRPC-Web request's HTTP headers become on the forwarded gRPC call:
// application metadata (authorization, x-api-key, x-request-id, ...) passes
// through; HTTP plumbing (Host, Origin, Cookie, Content-*, Sec-*, ...) does
// not; "-bin" values arrive base64 and are decoded; grpc-timeout becomes the
// call's deadline. The browser's address is added as x-gigwire-web-client,
// which the gRPC server trusts only on its in-process channel (a client-sent
// one is dropped here), so rate limits per address apply to browsers too.
//
// Errors: INVALID_ARGUMENT (MALFORMED_REQUEST) for a malformed grpc-timeout or
// "-bin" value, or another value with a byte outside printable ASCII (a tab,
// a control character, UTF-8), which gRPC metadata cannot carry. Thread safety: stateless.
#ifndef GIGWIRE_SERVER_WEB_REQUEST_METADATA_H_
#define GIGWIRE_SERVER_WEB_REQUEST_METADATA_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/web/grpc_web.h"

namespace gigwire::web {

inline constexpr char kWebClientAddressKey[] = "x-gigwire-web-client";

struct ForwardedRequest {
  HeaderList metadata;
  absl::Time deadline = absl::InfiniteFuture();
};

// `http_headers` as received (names in any case).
absl::StatusOr<ForwardedRequest> ForwardedRequestOf(const HeaderList& http_headers,
                                                    absl::string_view client_address,
                                                    absl::Time now);

// Whether `value` is a comma-separated list of header names (a preflight's
// Access-Control-Request-Headers); an empty value is one.
bool IsHeaderNameList(absl::string_view value);

}  // namespace gigwire::web

#endif  // GIGWIRE_SERVER_WEB_REQUEST_METADATA_H_
