// Requests that do not decode; see malformed_request.h.
#include "server/api/malformed_request.h"

#include <google/protobuf/descriptor.h>

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "server/api/library_logs.h"
#include "server/api/rpc_runner.h"
#include "server/api/status_conversion.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

using grpc::experimental::InterceptionHookPoints;
using grpc::experimental::InterceptorBatchMethods;

// The request message type of `method`, or "" for a method not in the pool.
std::string RequestTypeOf(absl::string_view method) {
  absl::ConsumePrefix(&method, "/");
  const std::string dotted = absl::StrReplaceAll(method, {{"/", "."}});
  const google::protobuf::MethodDescriptor* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(dotted);
  return descriptor == nullptr ? "" : descriptor->input_type()->full_name();
}

class MalformedRequestInterceptor final : public grpc::experimental::Interceptor {
 public:
  explicit MalformedRequestInterceptor(grpc::experimental::ServerRpcInfo* info)
      : info_(info), start_(absl::Now()) {}

  void Intercept(InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      // On a client stream no message is also how the stream ends: malformed
      // only when protobuf complained (else the handler's own error stands,
      // e.g. UploadFile's CHECKSUM_MISMATCH after the last chunk).
      std::string problem = TakeRequestDecodeProblem();
      if (!ClientStreaming() || !problem.empty()) {
        malformed_ = true;
        problem_ = std::move(problem);
      }
    }
    if (malformed_ &&
        methods->QueryInterceptionHookPoint(InterceptionHookPoints::PRE_SEND_STATUS) &&
        !methods->GetSendStatus().ok()) {
      Answer(methods);
    }
    methods->Proceed();
  }

 private:
  void Answer(InterceptorBatchMethods* methods) {
    const absl::Status status =
        MalformedRequest(MalformedRequestMessage(info_->method(), problem_));
    methods->ModifySendStatus(ToGrpcStatus(status));
    CallInfo call;
    call.peer_address = ClientAddress(*info_->server_context());
    RpcRunner::LogCallEnd(info_->method(), status, absl::Now() - start_, call);
  }

  bool ClientStreaming() const {
    using Type = grpc::experimental::ServerRpcInfo::Type;
    return info_->type() == Type::CLIENT_STREAMING || info_->type() == Type::BIDI_STREAMING;
  }

  grpc::experimental::ServerRpcInfo* const info_;
  const absl::Time start_;
  bool malformed_ = false;
  std::string problem_;
};

}  // namespace

std::string MalformedRequestMessage(absl::string_view method, absl::string_view problem) {
  const std::string type = RequestTypeOf(method);
  std::string message = absl::StrCat("the request is not a valid ",
                                     type.empty() ? "message for this method" : type);
  if (!problem.empty()) {
    absl::StrAppend(&message, ": ", problem);
  } else {
    absl::StrAppend(&message, " (not protobuf of that type, or a string field that is not UTF-8)");
  }
  return message;
}

grpc::experimental::Interceptor* MalformedRequestInterceptorFactory::CreateServerInterceptor(
    grpc::experimental::ServerRpcInfo* info) {
  // Only the Gigwire API: health and reflection keep gRPC's own answers, and
  // the no-op baseline of the benchmark pays nothing for this.
  if (!absl::StartsWith(info->method(), "/gigwire.")) return nullptr;
  return new MalformedRequestInterceptor(info);
}

}  // namespace gigwire
