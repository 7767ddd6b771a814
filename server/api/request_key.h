// Builds the domain's RequestKey (idempotency) from a call: the principal,
// the method name, the request's `request_id`, and a fingerprint (SHA-256 of
// the deterministic serialization of the request with request_id cleared),
// so a reused id with different parameters can be told apart.
#ifndef GIGWIRE_SERVER_API_REQUEST_KEY_H_
#define GIGWIRE_SERVER_API_REQUEST_KEY_H_

#include <google/protobuf/message.h>

#include "absl/strings/string_view.h"
#include "server/api/rpc_runner.h"
#include "server/domain/idempotency.h"

namespace gigwire {

// `request` must have a string field named `request_id`.
RequestKey MakeRequestKey(const CallInfo& call, absl::string_view method,
                          const google::protobuf::Message& request);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_REQUEST_KEY_H_
