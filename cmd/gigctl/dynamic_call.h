// Calls any gRPC method of a Gigwire server from its descriptors, without
// generated stubs: how gigctl's `call` (descriptors from server reflection)
// and its admin verbs (descriptors compiled in) reach the server.
//
// Requests and responses are google::protobuf::Message objects of the
// method's types, made by a MessageFactory; they travel as bytes over the
// gigwire::Client's channel, with its metadata, deadline and service config.
// An empty `request_id` is filled in first (gigwire::FillRequestId), and a
// unary call refused TOKEN_EXPIRED refreshes the login once and is retried
// (gigwire::Client::CallWithSession), as the SDK's typed calls do.
//
// Errors: the call's status as gigwire::StatusFromGrpc makes it (details via
// gigwire::ApiErrorOf); INTERNAL for a response that does not parse.
// Thread safety: a DynamicCaller may be used from one thread at a time.
#ifndef GIGWIRE_CMD_GIGCTL_DYNAMIC_CALL_H_
#define GIGWIRE_CMD_GIGCTL_DYNAMIC_CALL_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gigwire/client.h"

namespace gigctl {

// "/gigwire.v1.JobService/GetJob" for a method descriptor.
std::string MethodPath(const google::protobuf::MethodDescriptor& method);

// Parses JSON (proto3 canonical form) into `message`; INVALID_ARGUMENT with
// the parser's explanation when it does not fit the message's type.
absl::Status MessageFromJson(const std::string& json, google::protobuf::Message& message);

// The proto3 JSON of `message` with the proto field names, as grpcurl prints
// it (two-space indentation), or on one line.
std::string MessageToJson(const google::protobuf::Message& message, bool pretty);

class DynamicCaller {
 public:
  // `client` and `factory` must outlive the caller.
  DynamicCaller(gigwire::Client& client, google::protobuf::MessageFactory& factory)
      : client_(client), factory_(factory) {}

  // A new, empty message of `type` (owned by the caller).
  std::unique_ptr<google::protobuf::Message> New(const google::protobuf::Descriptor& type);

  // Calls a unary method; returns its response.
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Unary(
      const google::protobuf::MethodDescriptor& method, google::protobuf::Message& request);

  // Calls a server-streaming method and hands each response to `on_response`
  // until the stream ends (OK) or fails, or `on_response` returns false
  // (the call is then cancelled and OK returned). No deadline.
  absl::Status ServerStream(const google::protobuf::MethodDescriptor& method,
                            google::protobuf::Message& request,
                            const std::function<bool(const google::protobuf::Message&)>& on_response);

 private:
  gigwire::Client& client_;
  google::protobuf::MessageFactory& factory_;
};

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_DYNAMIC_CALL_H_
