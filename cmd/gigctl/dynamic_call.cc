// gigctl's stub-less calls; see dynamic_call.h.
#include "cmd/gigctl/dynamic_call.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <grpcpp/impl/codegen/sync_stream.h>
#include <grpcpp/support/byte_buffer.h>

#include "absl/strings/str_cat.h"

namespace gigctl {
namespace {

grpc::ByteBuffer ToBytes(const google::protobuf::Message& message) {
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

bool FromBytes(const grpc::ByteBuffer& buffer, google::protobuf::Message& message) {
  grpc::Slice slice;
  if (!buffer.TrySingleSlice(&slice).ok() && !buffer.DumpToSingleSlice(&slice).ok()) return false;
  return message.ParseFromArray(slice.begin(), static_cast<int>(slice.size()));
}

// Indents compact JSON (no whitespace outside strings) the way grpcurl
// prints it: two spaces per level, "key": value, empty {} and [] kept.
std::string IndentJson(const std::string& compact) {
  std::string out;
  int depth = 0;
  bool in_string = false;
  auto newline = [&out, &depth] { out += '\n'; out.append(2 * depth, ' '); };
  for (size_t i = 0; i < compact.size(); ++i) {
    char c = compact[i];
    if (in_string) {
      out += c;
      if (c == '\\' && i + 1 < compact.size()) out += compact[++i];
      if (c == '"') in_string = false;
      continue;
    }
    bool empty = (c == '{' || c == '[') && i + 1 < compact.size() &&
                 compact[i + 1] == (c == '{' ? '}' : ']');
    if (empty) {
      out += c;
      out += compact[++i];
    } else if (c == '{' || c == '[') {
      out += c;
      ++depth;
      newline();
    } else if (c == '}' || c == ']') {
      --depth;
      newline();
      out += c;
    } else if (c == ',') {
      out += c;
      newline();
    } else {
      out += c == ':' ? ": " : std::string(1, c);
      in_string = c == '"';
    }
  }
  return out;
}

}  // namespace

std::string MethodPath(const google::protobuf::MethodDescriptor& method) {
  return absl::StrCat("/", method.service()->full_name(), "/", method.name());
}

absl::Status MessageFromJson(const std::string& json, google::protobuf::Message& message) {
  auto status = google::protobuf::util::JsonStringToMessage(json, &message);
  if (status.ok()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("the request is not a valid ",
                                                 message.GetDescriptor()->full_name(), " in JSON: ",
                                                 status.message().as_string()));
}

std::string MessageToJson(const google::protobuf::Message& message, bool pretty) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;  // as grpcurl prints them
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return pretty ? IndentJson(json) : json;
}

std::unique_ptr<google::protobuf::Message> DynamicCaller::New(
    const google::protobuf::Descriptor& type) {
  return std::unique_ptr<google::protobuf::Message>(factory_.GetPrototype(&type)->New());
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> DynamicCaller::Unary(
    const google::protobuf::MethodDescriptor& method, google::protobuf::Message& request) {
  gigwire::FillRequestId(request);
  std::string path = MethodPath(method);
  grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
  grpc::ByteBuffer request_bytes = ToBytes(request), response_bytes;
  absl::Status status = client_.CallWithSession([&](grpc::ClientContext& context) {
    return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        client_.channel().get(), rpc, &context, request_bytes, &response_bytes);
  });
  if (!status.ok()) return status;
  std::unique_ptr<google::protobuf::Message> response = New(*method.output_type());
  if (!FromBytes(response_bytes, *response)) {
    return absl::InternalError("the server's response does not parse as " +
                               method.output_type()->full_name());
  }
  return response;
}

absl::Status DynamicCaller::ServerStream(
    const google::protobuf::MethodDescriptor& method, google::protobuf::Message& request,
    const std::function<bool(const google::protobuf::Message&)>& on_response) {
  std::string path = MethodPath(method);
  grpc::internal::RpcMethod rpc(path.c_str(), grpc::internal::RpcMethod::SERVER_STREAMING);
  grpc::ClientContext context;
  client_.PrepareContext(context);
  context.set_deadline(std::chrono::system_clock::time_point::max());
  std::unique_ptr<grpc::ClientReader<grpc::ByteBuffer>> reader(
      grpc::internal::ClientReaderFactory<grpc::ByteBuffer>::Create(
          client_.channel().get(), rpc, &context, ToBytes(request)));
  grpc::ByteBuffer bytes;
  std::unique_ptr<google::protobuf::Message> response = New(*method.output_type());
  while (reader->Read(&bytes)) {
    response->Clear();
    if (!FromBytes(bytes, *response)) {
      context.TryCancel();
      reader->Finish();
      return absl::InternalError("a streamed message does not parse");
    }
    if (!on_response(*response)) {
      context.TryCancel();
      reader->Finish();
      return absl::OkStatus();
    }
  }
  return gigwire::StatusFromGrpc(reader->Finish());
}

}  // namespace gigctl
