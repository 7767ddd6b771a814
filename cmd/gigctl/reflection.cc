// gigctl's server reflection client; see reflection.h.
#include "cmd/gigctl/reflection.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"

namespace gigctl {
namespace {

namespace rpb = ::grpc::reflection::v1alpha;

// One question on a ServerReflectionInfo stream, and its answer.
absl::StatusOr<rpb::ServerReflectionResponse> Ask(gigwire::Client& client,
                                                  const rpb::ServerReflectionRequest& request) {
  auto stub = rpb::ServerReflection::NewStub(client.channel());
  grpc::ClientContext context;
  client.PrepareContext(context);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto stream = stub->ServerReflectionInfo(&context);
  rpb::ServerReflectionResponse response;
  bool answered = stream->Write(request) && stream->WritesDone() && stream->Read(&response);
  grpc::Status status = stream->Finish();
  if (!status.ok()) return gigwire::StatusFromGrpc(status);
  if (!answered) return absl::UnavailableError("the server closed the reflection stream");
  if (response.has_error_response()) {
    const auto& error = response.error_response();
    return absl::Status(static_cast<absl::StatusCode>(error.error_code()),
                        error.error_message());
  }
  return response;
}

// "pkg.Service/Method" -> "pkg.Service.Method".
std::string Dotted(const std::string& name) { return absl::StrReplaceAll(name, {{"/", "."}}); }

}  // namespace

absl::StatusOr<std::vector<std::string>> ReflectionClient::ListServices() {
  rpb::ServerReflectionRequest request;
  request.set_list_services("*");
  absl::StatusOr<rpb::ServerReflectionResponse> response = Ask(client_, request);
  if (!response.ok()) return response.status();
  std::vector<std::string> names;
  for (const auto& service : response->list_services_response().service()) {
    names.push_back(service.name());
  }
  std::sort(names.begin(), names.end());
  return names;
}

absl::Status ReflectionClient::LoadSymbol(const std::string& symbol) {
  rpb::ServerReflectionRequest request;
  request.set_file_containing_symbol(symbol);
  absl::StatusOr<rpb::ServerReflectionResponse> response = Ask(client_, request);
  if (!response.ok()) {
    if (response.status().code() == absl::StatusCode::kNotFound) {
      return absl::NotFoundError(absl::StrCat("the server has no symbol ", symbol));
    }
    return response.status();
  }
  for (const std::string& bytes : response->file_descriptor_response().file_descriptor_proto()) {
    google::protobuf::FileDescriptorProto file;
    if (!file.ParseFromString(bytes)) return absl::InternalError("a bad file descriptor");
    google::protobuf::FileDescriptorProto known;
    if (!database_.FindFileByName(file.name(), &known)) database_.Add(file);
  }
  return absl::OkStatus();
}

absl::StatusOr<const google::protobuf::ServiceDescriptor*> ReflectionClient::FindService(
    const std::string& name) {
  if (const auto* found = pool_.FindServiceByName(name)) return found;
  if (absl::Status loaded = LoadSymbol(name); !loaded.ok()) return loaded;
  if (const auto* found = pool_.FindServiceByName(name)) return found;
  return absl::NotFoundError(absl::StrCat(name, " is not a service"));
}

absl::StatusOr<const google::protobuf::MethodDescriptor*> ReflectionClient::FindMethod(
    const std::string& name) {
  std::string dotted = Dotted(name);
  size_t last_dot = dotted.rfind('.');
  if (last_dot == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat("'", name, "' is not SERVICE/METHOD"));
  }
  absl::StatusOr<const google::protobuf::ServiceDescriptor*> service =
      FindService(dotted.substr(0, last_dot));
  if (!service.ok()) return service.status();
  const auto* method = (*service)->FindMethodByName(dotted.substr(last_dot + 1));
  if (method == nullptr) {
    return absl::NotFoundError(absl::StrCat((*service)->full_name(), " has no method ",
                                            dotted.substr(last_dot + 1)));
  }
  return method;
}

absl::StatusOr<std::string> ReflectionClient::Describe(const std::string& symbol) {
  std::string dotted = Dotted(symbol);
  if (absl::Status loaded = LoadSymbol(dotted); !loaded.ok()) return loaded;
  if (const auto* service = pool_.FindServiceByName(dotted)) {
    return absl::StrCat(dotted, " is a service:\n", service->DebugString());
  }
  if (const auto* method = pool_.FindMethodByName(dotted)) {
    return absl::StrCat(dotted, " is a method:\n", method->DebugString(), "\n");
  }
  if (const auto* message = pool_.FindMessageTypeByName(dotted)) {
    return absl::StrCat(dotted, " is a message:\n", message->DebugString());
  }
  if (const auto* enum_type = pool_.FindEnumTypeByName(dotted)) {
    return absl::StrCat(dotted, " is an enum:\n", enum_type->DebugString());
  }
  return absl::NotFoundError(absl::StrCat("the server has no symbol ", symbol));
}

}  // namespace gigctl
