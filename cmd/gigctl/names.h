// How gigctl names things for people: it shows a user as "Name <email>", a
// category by its slug and a job by its title instead of their ids, and
// accepts an email wherever a user id is expected and a slug wherever a
// category id is (the verb table marks those arguments and columns, see
// IdKind).
//
// ServerNames looks names up through the API (UserService.ListUsers with an
// email and GetUser, CatalogService.ListCategories, JobService.GetJob), once
// per id per command. Showing never fails: what cannot be looked up (not
// found, not visible to the caller) is shown as its id.
//
// Thread safety: not thread-safe (one command, one thread).
#ifndef GIGWIRE_CMD_GIGCTL_NAMES_H_
#define GIGWIRE_CMD_GIGCTL_NAMES_H_

#include <google/protobuf/message.h>

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "cmd/gigctl/output.h"
#include "cmd/gigctl/verbs.h"
#include "gigwire/client.h"

namespace gigctl {

class Names {
 public:
  virtual ~Names() = default;
  // The id of the user given by id, or by email (any value with an '@').
  // NOT_FOUND when no account has that email; the server's error when the
  // caller may not look accounts up (only admins may).
  virtual absl::StatusOr<std::string> UserId(const std::string& id_or_email) = 0;
  // The id of the category given by id (`cat_...`) or slug; NOT_FOUND for
  // an unknown slug.
  virtual absl::StatusOr<std::string> CategoryId(const std::string& id_or_slug) = 0;
  // How to show the id of a `kind` to a person; the id when unknown.
  virtual std::string Label(IdKind kind, const std::string& id) = 0;
};

// Replaces the emails and slugs in the fields of `request` that `verb`'s
// arguments mark (Arg::ids) with the ids they name; errors as Names'.
absl::Status ResolveIds(const Verb& verb, google::protobuf::Message& request, Names& names);

class ServerNames : public Names {
 public:
  // `client` must outlive this object.
  explicit ServerNames(gigwire::Client& client) : client_(client) {}

  absl::StatusOr<std::string> UserId(const std::string& id_or_email) override;
  absl::StatusOr<std::string> CategoryId(const std::string& id_or_slug) override;
  std::string Label(IdKind kind, const std::string& id) override;

 private:
  std::string UserLabel(const std::string& id);
  std::string JobLabel(const std::string& id);
  // Category ids to (slug, id): loaded once.
  const std::map<std::string, std::string>& CategorySlugs();

  gigwire::Client& client_;
  std::map<std::pair<IdKind, std::string>, std::string> labels_;
  std::map<std::string, std::string> user_ids_;  // email -> id
  std::optional<std::map<std::string, std::string>> category_slugs_;  // id -> slug
};

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_NAMES_H_
