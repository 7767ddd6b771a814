// The single conversion of internal absl::Status to grpc::Status.
//
// The code maps one to one (UNKNOWN becomes INTERNAL: the API never answers
// UNKNOWN). The reason and field violations travel in the standard
// `grpc-status-details-bin` trailer as a gigwire.v1.RpcStatus holding one
// gigwire.v1.ErrorDetails. INTERNAL messages are replaced by a generic text
// so storage details never reach clients (they are logged instead). The
// message and every text of the details are bounded (bounded_text.h): an
// error quoting a huge client value stays small enough for any client's
// metadata limit.
#ifndef GIGWIRE_SERVER_API_STATUS_CONVERSION_H_
#define GIGWIRE_SERVER_API_STATUS_CONVERSION_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace gigwire {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_STATUS_CONVERSION_H_
