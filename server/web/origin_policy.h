// Which browser origins may call the web port (CORS): the page's own origin
// (the console served by the same port) always; others only when listed with
// --web-origin. A request from any other origin is refused before it reaches
// the gRPC server, so a foreign page cannot act with a user's token.
//
// Origins are compared as "scheme://host[:port]", lowercase, without a path;
// "*" is not accepted (tokens travel in headers, but a wildcard would still
// let any page drive a signed-in console user's session).
// Thread safety: immutable after construction.
#ifndef GIGWIRE_SERVER_WEB_ORIGIN_POLICY_H_
#define GIGWIRE_SERVER_WEB_ORIGIN_POLICY_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gigwire::web {

class OriginPolicy {
 public:
  // Errors: INVALID_ARGUMENT naming an entry that is not "http(s)://host[:port]".
  static absl::StatusOr<OriginPolicy> Create(const std::vector<std::string>& allowed);

  // Whether a request with this Origin header may be served by a server
  // reached as `host` (the Host header) over TLS or not.
  bool Allows(absl::string_view origin, absl::string_view host, bool tls) const;

  // Whether `origin` is one of the listed (cross-origin) ones.
  bool IsListed(absl::string_view origin) const;

 private:
  absl::flat_hash_set<std::string> allowed_;
};

}  // namespace gigwire::web

#endif  // GIGWIRE_SERVER_WEB_ORIGIN_POLICY_H_
