// absl::Status -> grpc::Status; see status_conversion.h.
#include "server/api/status_conversion.h"

#include <string>

#include "gigwire/v1/errors.pb.h"
#include "server/common/bounded_text.h"
#include "server/common/status.h"

namespace gigwire {

namespace {

// The details with every text bounded: violations and metadata may quote
// what the client sent.
v1::ErrorDetails BoundedDetails(const absl::Status& status) {
  v1::ErrorDetails details = ErrorDetailsOf(status);
  for (v1::FieldViolation& violation : *details.mutable_field_violations()) {
    violation.set_field(BoundedText(violation.field(), kMaxErrorTextBytes));
    violation.set_description(BoundedText(violation.description(), kMaxErrorTextBytes));
  }
  for (auto& [key, value] : *details.mutable_metadata()) {
    value = BoundedText(value, kMaxErrorTextBytes);
  }
  return details;
}

}  // namespace

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  absl::StatusCode code = status.code();
  std::string message = BoundedText(status.message(), kMaxErrorTextBytes);
  if (code == absl::StatusCode::kUnknown || code == absl::StatusCode::kInternal) {
    code = absl::StatusCode::kInternal;
    message = "internal error; nothing was committed";
  }
  v1::RpcStatus envelope;
  envelope.set_code(static_cast<int>(code));
  envelope.set_message(message);
  envelope.add_details()->PackFrom(BoundedDetails(status));
  return grpc::Status(static_cast<grpc::StatusCode>(code), message,
                      envelope.SerializeAsString());
}

}  // namespace gigwire
