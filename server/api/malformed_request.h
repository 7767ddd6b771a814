// Requests that do not decode. gRPC answers a request it cannot parse into
// the method's message itself, before any handler runs: INTERNAL with an
// empty message for unary calls, UNIMPLEMENTED for server streams, and no
// log line. This interceptor sees the failed decode and turns the answer
// into INVALID_ARGUMENT with reason MALFORMED_REQUEST and a message naming
// the expected message type (and the offending field when protobuf said
// which), then logs the call as one JSON line like any other. It runs on
// the gigwire.v1 services only (not on health or reflection). On a client
// stream (FileService.UploadFile) a message that did not arrive is also the
// stream's end, so there only protobuf's own complaint marks a request
// malformed; a message that does not decode at all ends the stream early,
// which the handler answers itself.
//
// Thread safety: the factory is stateless; gRPC makes one interceptor per
// call and drives it from one thread at a time.
#ifndef GIGWIRE_SERVER_API_MALFORMED_REQUEST_H_
#define GIGWIRE_SERVER_API_MALFORMED_REQUEST_H_

#include <grpcpp/support/server_interceptor.h>

#include <string>

#include "absl/strings/string_view.h"

namespace gigwire {

class MalformedRequestInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override;
};

// The error message for a request of `method` ("/pkg.Service/Method") that
// did not decode; `problem` is protobuf's own complaint, possibly empty.
std::string MalformedRequestMessage(absl::string_view method, absl::string_view problem);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_MALFORMED_REQUEST_H_
