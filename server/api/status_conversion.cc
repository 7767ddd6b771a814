// absl::Status -> grpc::Status; see status_conversion.h.
#include "server/api/status_conversion.h"

#include <string>

#include "gigwire/v1/errors.pb.h"
#include "server/common/status.h"

namespace gigwire {

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  absl::StatusCode code = status.code();
  std::string message(status.message());
  if (code == absl::StatusCode::kUnknown || code == absl::StatusCode::kInternal) {
    code = absl::StatusCode::kInternal;
    message = "internal error; nothing was committed";
  }
  v1::RpcStatus envelope;
  envelope.set_code(static_cast<int>(code));
  envelope.set_message(message);
  envelope.add_details()->PackFrom(ErrorDetailsOf(status));
  return grpc::Status(static_cast<grpc::StatusCode>(code), message,
                      envelope.SerializeAsString());
}

}  // namespace gigwire
