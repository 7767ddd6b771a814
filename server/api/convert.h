// Conversions between domain types and gigwire.v1 protos, and decoding of
// request enums and field masks. Decoding errors are INVALID_ARGUMENT
// (INVALID_FIELDS) naming the request field.
#ifndef GIGWIRE_SERVER_API_CONVERT_H_
#define GIGWIRE_SERVER_API_CONVERT_H_

#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <optional>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "gigwire/v1/api_key.pb.h"
#include "gigwire/v1/common.pb.h"
#include "gigwire/v1/user.pb.h"
#include "server/domain/accounts.h"
#include "server/model/marketplace.h"
#include "server/model/user.h"

namespace gigwire {

enum class UserView { kPublic, kFull };

void ToProto(absl::Time time, google::protobuf::Timestamp* out);
absl::Time TimeFromProto(const google::protobuf::Timestamp& time);
void ToProto(const Money& money, v1::Money* out);
Money MoneyFromProto(const v1::Money& money);
void ToProto(const User& user, UserView view, v1::User* out);
void ToProto(const ApiKey& key, v1::ApiKey* out);

// Errors: INVALID_ARGUMENT for ROLE_UNSPECIFIED or an unknown value.
absl::StatusOr<Role> RoleFromProto(int role, absl::string_view field);
// Errors: INVALID_ARGUMENT for an unknown value (unspecified means AVAILABLE).
absl::StatusOr<Availability> AvailabilityFromProto(int availability, absl::string_view field);
// nullopt for ROLE_UNSPECIFIED (no filter).
absl::StatusOr<std::optional<Role>> OptionalRoleFromProto(int role, absl::string_view field);

// Reads the masked fields of `request.user` into a patch.
// Errors: INVALID_ARGUMENT for an empty mask or a path that is unknown or
// not client-settable.
absl::StatusOr<ProfilePatch> ProfilePatchFromProto(const v1::UpdateMeRequest& request);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_CONVERT_H_
