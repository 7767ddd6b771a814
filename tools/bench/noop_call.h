// The baseline call of the benchmarks: grpc.health.v1.Health/Check, a unary
// RPC that does no work, through the full gRPC stack of the same server.
#ifndef GIGWIRE_TOOLS_BENCH_NOOP_CALL_H_
#define GIGWIRE_TOOLS_BENCH_NOOP_CALL_H_

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>

#include "grpc/health/v1/health.pb.h"

namespace gigwire::bench {

// One no-op call on `channel`; true when it succeeded.
inline bool NoOpCall(grpc::Channel& channel) {
  static const grpc::internal::RpcMethod kCheck("/grpc.health.v1.Health/Check",
                                                grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ClientContext context;
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  return grpc::internal::BlockingUnaryCall<grpc::protobuf::MessageLite,
                                           grpc::protobuf::MessageLite>(
             &channel, kCheck, &context, request, &response)
      .ok();
}

}  // namespace gigwire::bench

#endif  // GIGWIRE_TOOLS_BENCH_NOOP_CALL_H_
