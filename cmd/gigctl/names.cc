// Names for ids, and ids for names; see names.h.
#include "cmd/gigctl/names.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace gigctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

absl::StatusOr<std::string> Resolve(IdKind kind, const std::string& value, Names& names) {
  if (kind == IdKind::kUser) return names.UserId(value);
  if (kind == IdKind::kCategory) return names.CategoryId(value);
  return value;
}

// Resolves every value of `field` (a string, or repeated strings) in place.
absl::Status ResolveField(IdKind kind, const FieldDescriptor& field, Message& request,
                          Names& names) {
  const auto* reflection = request.GetReflection();
  if (!field.is_repeated()) {
    std::string value = reflection->GetString(request, &field);
    if (value.empty()) return absl::OkStatus();
    absl::StatusOr<std::string> id = Resolve(kind, value, names);
    if (!id.ok()) return id.status();
    reflection->SetString(&request, &field, *id);
    return absl::OkStatus();
  }
  for (int i = 0; i < reflection->FieldSize(request, &field); ++i) {
    absl::StatusOr<std::string> id =
        Resolve(kind, reflection->GetRepeatedString(request, &field, i), names);
    if (!id.ok()) return id.status();
    reflection->SetRepeatedString(&request, &field, i, *id);
  }
  return absl::OkStatus();
}

const FieldDescriptor* FieldWithJsonName(const Message& message, const std::string& json_name) {
  const auto* descriptor = message.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    if (descriptor->field(i)->json_name() == json_name) return descriptor->field(i);
  }
  return nullptr;
}

}  // namespace

absl::Status ResolveIds(const Verb& verb, Message& request, Names& names) {
  std::vector<const Arg*> args;
  for (const Arg& arg : verb.positional) args.push_back(&arg);
  for (const Arg& arg : verb.flags) args.push_back(&arg);
  for (const Arg* arg : args) {
    if (arg->ids == IdKind::kNone) continue;
    const FieldDescriptor* field = FieldWithJsonName(request, arg->field);
    if (field == nullptr || field->cpp_type() != FieldDescriptor::CPPTYPE_STRING) continue;
    if (absl::Status resolved = ResolveField(arg->ids, *field, request, names); !resolved.ok()) {
      return resolved;
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ServerNames::UserId(const std::string& id_or_email) {
  if (!absl::StrContains(id_or_email, '@')) return id_or_email;
  auto known = user_ids_.find(id_or_email);
  if (known != user_ids_.end()) return known->second;
  gigwire::v1::ListUsersRequest request;
  request.set_email(id_or_email);
  absl::StatusOr<gigwire::v1::ListUsersResponse> found = client_.ListUsers(request);
  if (!found.ok()) return found.status();
  if (found->users().empty()) {
    return absl::NotFoundError(absl::StrCat("no account has the email ", id_or_email));
  }
  return user_ids_[id_or_email] = found->users(0).id();
}

absl::StatusOr<std::string> ServerNames::CategoryId(const std::string& id_or_slug) {
  if (absl::StartsWith(id_or_slug, "cat_")) return id_or_slug;
  for (const auto& [id, slug] : CategorySlugs()) {
    if (slug == id_or_slug) return id;
  }
  return absl::NotFoundError(absl::StrCat("no category has the slug '", id_or_slug,
                                          "' (see gigctl categories list)"));
}

std::string ServerNames::Label(IdKind kind, const std::string& id) {
  auto key = std::make_pair(kind, id);
  auto known = labels_.find(key);
  if (known != labels_.end()) return known->second;
  std::string label = id;
  if (kind == IdKind::kUser) label = UserLabel(id);
  if (kind == IdKind::kJob) label = JobLabel(id);
  if (kind == IdKind::kCategory) {
    auto slug = CategorySlugs().find(id);
    if (slug != CategorySlugs().end()) label = slug->second;
  }
  return labels_[key] = label;
}

std::string ServerNames::UserLabel(const std::string& id) {
  absl::StatusOr<gigwire::v1::User> user = client_.GetUser(id);
  if (!user.ok() || user->display_name().empty()) return id;
  if (user->email().empty()) return user->display_name();
  return absl::StrCat(user->display_name(), " <", user->email(), ">");
}

std::string ServerNames::JobLabel(const std::string& id) {
  gigwire::v1::GetJobRequest request;
  request.set_id(id);
  absl::StatusOr<gigwire::v1::Job> job =
      client_.Call(&gigwire::v1::JobService::Stub::GetJob, request);
  return job.ok() ? absl::StrCat("\"", job->title(), "\" (", id, ")") : id;
}

const std::map<std::string, std::string>& ServerNames::CategorySlugs() {
  if (category_slugs_.has_value()) return *category_slugs_;
  category_slugs_.emplace();
  absl::StatusOr<gigwire::v1::ListCategoriesResponse> listed = client_.Call(
      &gigwire::v1::CatalogService::Stub::ListCategories, gigwire::v1::ListCategoriesRequest());
  if (listed.ok()) {
    for (const gigwire::v1::Category& category : listed->categories()) {
      (*category_slugs_)[category.id()] = category.slug();
    }
  }
  return *category_slugs_;
}

}  // namespace gigctl
