// Helpers shared by the work-flow rules (jobs, offers, bookings, reviews):
// optimistic saves, state guards and visibility checks.
#ifndef GIGWIRE_SERVER_DOMAIN_WORK_COMMON_H_
#define GIGWIRE_SERVER_DOMAIN_WORK_COMMON_H_

#include <initializer_list>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"

namespace gigwire {

// Bumps `resource.version`, sets update_time and stores it through
// `repository.Update(resource, read_version)`: ABORTED if someone else
// changed it since it was read.
template <typename Repository, typename Resource>
absl::Status SaveNextVersion(Repository& repository, Resource& resource, absl::Time now) {
  const int64_t read_version = resource.version;
  resource.version = read_version + 1;
  resource.update_time = now;
  return repository.Update(resource, read_version);
}

// FAILED_PRECONDITION (INVALID_STATE) naming the current state unless
// `current` is one of `allowed`. `state_name` maps a state to its name.
template <typename State, typename NameFn>
absl::Status RequireState(State current, std::initializer_list<State> allowed,
                          absl::string_view what, absl::string_view verb, NameFn state_name) {
  for (State s : allowed) {
    if (s == current) return absl::OkStatus();
  }
  const char* article = absl::string_view("aeiou").find(what[0]) == absl::string_view::npos
                            ? " a " : " an ";
  return InvalidState(absl::StrCat("cannot ", verb, article, what, " in state ",
                                   state_name(current)),
                      state_name(current));
}

// A patch field: sets `field` to `value` when it is given and differs;
// true when it changed something.
template <typename T>
bool AssignIfChanged(const std::optional<T>& value, T& field) {
  if (!value.has_value() || *value == field) return false;
  field = *value;
  return true;
}

// Etag of any versioned resource.
inline std::string EtagOf(int64_t version) { return absl::StrCat("v", version); }

// ABORTED (ETAG_MISMATCH) when `etag` is set and differs from the resource's.
inline absl::Status CheckEtag(absl::string_view etag, int64_t version, absl::string_view what) {
  if (!etag.empty() && etag != EtagOf(version)) return EtagMismatch(what);
  return absl::OkStatus();
}

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_WORK_COMMON_H_
