// Domain <-> proto conversions; see convert.h.
#include "server/api/convert.h"

#include "absl/strings/str_cat.h"
#include "server/common/status.h"

namespace gigwire {

void ToProto(absl::Time time, google::protobuf::Timestamp* out) {
  int64_t micros = absl::ToUnixMicros(time);
  int64_t seconds = micros / 1'000'000;
  int64_t rest = micros % 1'000'000;
  if (rest < 0) {
    rest += 1'000'000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(rest * 1000));
}

absl::Time TimeFromProto(const google::protobuf::Timestamp& time) {
  return absl::FromUnixSeconds(time.seconds()) + absl::Nanoseconds(time.nanos());
}

void ToProto(const Money& money, v1::Money* out) {
  out->set_currency_code(money.currency_code);
  out->set_amount_minor(money.amount_minor);
}

Money MoneyFromProto(const v1::Money& money) {
  return {money.currency_code(), money.amount_minor()};
}

void ToProto(const User& user, UserView view, v1::User* out) {
  out->set_id(user.id);
  out->set_display_name(user.display_name);
  out->set_bio(user.bio);
  out->set_avatar_url(user.avatar_url);
  for (const std::string& skill : user.skills) out->add_skills(skill);
  out->set_availability(static_cast<v1::Availability>(user.availability));
  for (Role role : {Role::kBuyer, Role::kSeller, Role::kAdmin}) {
    if (!user.roles.Has(role)) continue;
    out->add_roles(role == Role::kBuyer    ? v1::ROLE_BUYER
                   : role == Role::kSeller ? v1::ROLE_SELLER
                                           : v1::ROLE_ADMIN);
  }
  ToProto(user.create_time, out->mutable_create_time());
  if (view == UserView::kFull) {
    out->set_email(user.email);
    ToProto(user.update_time, out->mutable_update_time());
    out->set_etag(UserEtag(user));
  }
}

void ToProto(const ApiKey& key, v1::ApiKey* out) {
  out->set_id(key.id);
  out->set_display_name(key.display_name);
  out->set_user_id(key.user_id);
  out->set_creator_id(key.creator_id);
  ToProto(key.create_time, out->mutable_create_time());
  if (key.revoke_time.has_value()) ToProto(*key.revoke_time, out->mutable_revoke_time());
}

absl::StatusOr<std::optional<Role>> OptionalRoleFromProto(int role, absl::string_view field) {
  switch (role) {
    case v1::ROLE_UNSPECIFIED: return std::nullopt;
    case v1::ROLE_BUYER: return Role::kBuyer;
    case v1::ROLE_SELLER: return Role::kSeller;
    case v1::ROLE_ADMIN: return Role::kAdmin;
    default: return InvalidField(field, absl::StrCat("unknown role ", role));
  }
}

absl::StatusOr<Role> RoleFromProto(int role, absl::string_view field) {
  GW_ASSIGN_OR_RETURN(std::optional<Role> decoded, OptionalRoleFromProto(role, field));
  if (!decoded.has_value()) return InvalidField(field, "must name a role");
  return *decoded;
}

absl::StatusOr<Availability> AvailabilityFromProto(int availability, absl::string_view field) {
  switch (availability) {
    case v1::AVAILABILITY_UNSPECIFIED:
    case v1::AVAILABILITY_AVAILABLE: return Availability::kAvailable;
    case v1::AVAILABILITY_BUSY: return Availability::kBusy;
    case v1::AVAILABILITY_AWAY: return Availability::kAway;
    default: return InvalidField(field, absl::StrCat("unknown availability ", availability));
  }
}

absl::StatusOr<ProfilePatch> ProfilePatchFromProto(const v1::UpdateMeRequest& request) {
  if (request.update_mask().paths().empty()) {
    return InvalidField("update_mask", "must name at least one field to change");
  }
  const v1::User& user = request.user();
  ProfilePatch patch;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "display_name") {
      patch.display_name = user.display_name();
    } else if (path == "bio") {
      patch.bio = user.bio();
    } else if (path == "avatar_url") {
      patch.avatar_url = user.avatar_url();
    } else if (path == "skills") {
      patch.skills.emplace(user.skills().begin(), user.skills().end());
    } else if (path == "availability") {
      GW_ASSIGN_OR_RETURN(patch.availability,
                          AvailabilityFromProto(user.availability(), "user.availability"));
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("'", path, "' cannot be updated; settable: display_name, "
                                       "bio, avatar_url, skills, availability"));
    }
  }
  return patch;
}

}  // namespace gigwire
