// gigctl's admin verbs ("jobs pending", "sellers search", ...), each one RPC
// of gigwire.v1 described as data: how its arguments and flags fill the
// request, and which fields of the response to show. Their descriptors are
// compiled in (the generated gigwire.v1 code), so they work without server
// reflection; their help, usage and shell completion come from this table.
#ifndef GIGWIRE_CMD_GIGCTL_VERBS_H_
#define GIGWIRE_CMD_GIGCTL_VERBS_H_

#include <string>
#include <vector>

#include <google/protobuf/descriptor.h>

#include "absl/status/statusor.h"
#include "cmd/gigctl/output.h"

namespace gigctl {

// How an argument's text becomes a JSON request value.
enum class ArgKind {
  kText,      // as is
  kNumber,    // an integer
  kSwitch,    // a flag without value: true
  kEnum,      // "open" -> "<enum_prefix>OPEN"
  kList,      // repeatable (and comma-separated): a JSON list
  kRating,    // "4.5" -> 4500 (a *_milli field)
  kDuration,  // "36h", "90m", "45s" -> "129600s"
};

// A positional argument or a --flag of a verb.
struct Arg {
  std::string name;   // "id", "state", "min-rating"
  std::string field;  // request field, JSON name: "id", "state", "minRatingMilli"
  ArgKind kind = ArgKind::kText;
  std::string help;
  std::string enum_prefix = "";           // for kEnum
  std::vector<std::string> choices = {};  // for kEnum: the values to offer
  bool required = false;                  // positional arguments are always required
};

struct Verb {
  std::string group;               // "jobs"
  std::string name;                // "pending"
  std::string method;              // "gigwire.v1.JobService.ListJobs"
  std::string summary;             // one line for the help
  std::vector<Arg> positional;
  std::vector<Arg> flags;
  std::string fixed_request;       // JSON merged first: {"state":"JOB_STATE_PENDING_REVIEW"}
  std::string list_field;          // tabulate this repeated field of the response ("" : none)
  std::vector<Column> columns;     // of each row, or of the response
  std::string done;                // mutations: "approved job {id}: {state}" (fields of the response)
  bool confirm = false;            // asks before calling unless --yes
  std::string example;
};

// Every admin verb, in help order.
const std::vector<Verb>& AdminVerbs();
// The verb "GROUP NAME", or nullptr.
const Verb* FindVerb(const std::string& group, const std::string& name);
// The compiled-in descriptor of the verb's method (nullptr if unknown).
const google::protobuf::MethodDescriptor* VerbMethod(const Verb& verb);

// Builds the JSON request of `verb` from its arguments (after GROUP NAME),
// e.g. {"job_1", "--note", "fine"}; sets *yes for --yes. INVALID_ARGUMENT
// (a usage error) for a missing, unknown or malformed argument.
absl::StatusOr<std::string> RequestJson(const Verb& verb, const std::vector<std::string>& args,
                                        bool* yes);

// "gigctl jobs assign JOB --seller ID... [--note TEXT]...": usage and help.
std::string VerbUsage(const Verb& verb);
std::string VerbHelp(const Verb& verb);

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_VERBS_H_
