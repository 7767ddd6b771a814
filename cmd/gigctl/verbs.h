// gigctl's verbs ("jobs pending", "sellers show", "offers accept", ...), each
// one RPC of gigwire.v1 described as data: how its arguments and flags fill
// the request, which ids in it may be given by name (an email for a user, a
// slug for a category), which fields of the response to show, and for `show`
// verbs the related things to show after it (sections). Their descriptors are
// compiled in (the generated gigwire.v1 code), so they work without server
// reflection. This table is the one place verbs are described: their help,
// usage and shell completion come from it.
#ifndef GIGWIRE_CMD_GIGCTL_VERBS_H_
#define GIGWIRE_CMD_GIGCTL_VERBS_H_

#include <string>
#include <utility>
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
  kEnum,      // "open" -> "<enum_prefix>OPEN" (or the value of an alias)
  kList,      // a JSON list: repeat the flag, comma-separate, or list values after it
  kRating,    // "4.5" -> 4500 (a *_milli field)
  kDuration,  // "36h", "90m", "45s" -> "129600s"
  kMoney,     // "USD 120.00" -> {"currencyCode":"USD","amountMinor":"12000"} (money.h)
  kTime,      // "2026-05-01", "2026-05-01 14:30" (UTC, as gigctl prints times), RFC 3339,
              // or a duration ago ("48h", "7d") -> "2026-05-01T00:00:00Z"
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
  IdKind ids = IdKind::kNone;             // kUser: an email works too; kCategory: a slug
  // kEnum: choices that stand for another value ("closing" -> "CLOSING_SOON").
  std::vector<std::pair<std::string, std::string>> aliases = {};
};

// How to see more of a list that has flags instead of a page token
// (ListMessages' has_older and has_newer): printed when the response's bool
// field `when` is true (a verb's on stderr, a section's under its table).
// In `text`, {first.F} and {last.F} are field F of the first and last row.
struct MoreHint {
  std::string when;  // "has_older"
  std::string text;  // "older: gigctl messages list {first.conversation_id} --before {first.id}"
};

// Something a `show` verb shows after its record: the response of one more
// call, whose request takes fields of the verb's response, as a titled
// record and/or table. Skipped when a field it needs is empty. Without a
// method, the section shows more of the verb's own response (a dispute's
// notes as a table under its record).
struct Section {
  std::string title;
  std::string method;  // "gigwire.v1.JobService.GetJob", or "" (the verb's response)
  // Request fields (JSON names) set from fields of the verb's response.
  std::vector<std::pair<std::string, std::string>> request_from;
  std::string fixed_request = "";        // JSON merged first
  std::vector<Column> record = {};       // fields of the section's response
  std::string list_field = "";           // and a table of this repeated field
  std::vector<Column> columns = {};
  std::vector<MoreHint> more = {};  // after the table
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
  std::string example;
  // Non-empty: asks before calling (unless --yes), showing these fields of the request.
  std::vector<Column> confirm = {};
  std::vector<Section> sections = {};
  // Non-empty: a bool field of the response that says all is well ("ok").
  // When it is false the verb prints the response as usual, then fails with
  // DATA_LOSS (exit 15) and the message `not_ok`: `ledger reconcile`
  // finding violations, so that scripts and cron notice.
  std::string ok_field = "";
  std::string not_ok = "";
  // How to see more of list_field when the response says there is more.
  std::vector<MoreHint> more = {};
};

// Every verb, in help order.
const std::vector<Verb>& AdminVerbs();
// The verb "GROUP NAME", or nullptr.
const Verb* FindVerb(const std::string& group, const std::string& name);
// The compiled-in descriptor of a method (nullptr if unknown).
const google::protobuf::MethodDescriptor* FindMethod(const std::string& full_name);
const google::protobuf::MethodDescriptor* VerbMethod(const Verb& verb);
// Whether the verb lists pages (it takes --page-token, and so --all).
bool IsPaged(const Verb& verb);

// What a verb's arguments ask of gigctl itself rather than of the server.
struct Switches {
  bool yes = false;  // --yes / -y: do not ask for confirmation
  bool all = false;  // --all: every page (paged verbs)
};

// Builds the JSON request of `verb` from its arguments (after GROUP NAME),
// e.g. {"job_1", "--note", "fine"}; sets `switches`. A list flag takes the
// words after it up to the next flag, once every positional argument is
// given: `--seller a,b --seller c d`. INVALID_ARGUMENT (a usage error) for a
// missing, unknown or malformed argument.
absl::StatusOr<std::string> RequestJson(const Verb& verb, const std::vector<std::string>& args,
                                        Switches* switches);

// "gigctl jobs assign JOB --seller SELLER... [--note TEXT]...": usage and help.
std::string VerbUsage(const Verb& verb);
std::string VerbHelp(const Verb& verb);

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_VERBS_H_
