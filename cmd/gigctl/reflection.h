// Server reflection for gigctl (grpc.reflection.v1alpha, what gigwired and
// grpcurl speak): which services a server has, and the proto files defining a
// symbol, kept in a DescriptorPool so gigctl can build requests and print
// responses for methods it was not compiled with.
//
// Errors: the reflection call's status (UNIMPLEMENTED when the server has no
// reflection); NOT_FOUND for a symbol the server does not know.
// Thread safety: one ReflectionClient per command, used from one thread.
#ifndef GIGWIRE_CMD_GIGCTL_REFLECTION_H_
#define GIGWIRE_CMD_GIGCTL_REFLECTION_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor_database.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gigwire/client.h"

namespace gigctl {

class ReflectionClient {
 public:
  // `client` (its channel, credentials and deadline) must outlive this.
  explicit ReflectionClient(gigwire::Client& client) : client_(client), pool_(&database_) {}

  // Fully-qualified names of the server's services, sorted.
  absl::StatusOr<std::vector<std::string>> ListServices();

  // The service, method ("pkg.Service.Method" or "pkg.Service/Method"),
  // message or enum named `symbol`, loading its file (and their imports).
  absl::StatusOr<const google::protobuf::ServiceDescriptor*> FindService(const std::string& name);
  absl::StatusOr<const google::protobuf::MethodDescriptor*> FindMethod(const std::string& name);
  // grpcurl-style description of any symbol: "X is a service:" and its source.
  absl::StatusOr<std::string> Describe(const std::string& symbol);
  // The descriptors loaded so far (for a DynamicMessageFactory).
  const google::protobuf::DescriptorPool& pool() const { return pool_; }

 private:
  // Asks the server for the file defining `symbol` and adds it (with the
  // files it imports, which the server sends along) to the database.
  absl::Status LoadSymbol(const std::string& symbol);

  gigwire::Client& client_;
  google::protobuf::SimpleDescriptorDatabase database_;
  google::protobuf::DescriptorPool pool_;
};

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_REFLECTION_H_
