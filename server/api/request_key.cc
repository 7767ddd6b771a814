// Idempotency keys of calls; see request_key.h.
#include "server/api/request_key.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <memory>

#include "server/auth/crypto.h"

namespace gigwire {

RequestKey MakeRequestKey(const CallInfo& call, absl::string_view method,
                          const google::protobuf::Message& request) {
  RequestKey key;
  key.principal_id = call.principal != nullptr ? call.principal->user_id : "";
  key.method = std::string(method);
  std::unique_ptr<google::protobuf::Message> copy(request.New());
  copy->CopyFrom(request);
  const google::protobuf::FieldDescriptor* field =
      copy->GetDescriptor()->FindFieldByName("request_id");
  if (field != nullptr) {
    key.request_id = copy->GetReflection()->GetString(*copy, field);
    copy->GetReflection()->ClearField(copy.get(), field);
  }
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    copy->SerializeToCodedStream(&coded);
  }
  key.fingerprint = Sha256(bytes);
  return key;
}

}  // namespace gigwire
