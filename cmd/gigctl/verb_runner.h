// Runs one verb of the table (verbs.h) once its request is built and its
// names resolved (names.h): asks for confirmation when the verb wants it,
// calls its method (every page with --all), prints the response as the verb
// says, then a `show` verb's sections.
//
// Output: list verbs print one table of every row they fetched (or a JSON
// line per row with -o json); without --all, the next page's token goes to
// stderr. Mutations print their `done` line, other verbs a record. Sections
// are printed in table mode only (-o json prints the verb's own response):
// a section that fails prints its error under its title and the verb still
// succeeds, since the thing shown was found.
//
// Errors: the call's status (see dynamic_call.h); INTERNAL when the verb
// names a method this gigctl was not built with; DATA_LOSS, after printing,
// when the response says something is wrong (Verb::ok_field, VerbOutcome).
#ifndef GIGWIRE_CMD_GIGCTL_VERB_RUNNER_H_
#define GIGWIRE_CMD_GIGCTL_VERB_RUNNER_H_

#include <google/protobuf/message.h>

#include <istream>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "cmd/gigctl/names.h"
#include "cmd/gigctl/output.h"
#include "cmd/gigctl/verbs.h"
#include "gigwire/client.h"

namespace gigctl {

// What a verb with `confirm` columns asks before calling: its fields of the
// request, ids shown by name ("SELLERS: Sam Rivera <sam@…>, …").
std::string ConfirmationText(const Verb& verb, const google::protobuf::Message& request,
                             Names& names);

// Writes `question` and "Go ahead? [y/N] " to `out`; true when the line read
// from `in` is y or yes (any case).
bool Confirmed(const std::string& question, std::istream& in, std::ostream& out);

// What a verb's (successful) response means for its exit: OK, or DATA_LOSS
// with `verb.not_ok` when its `ok_field` is false; INTERNAL when the response
// has no such bool field.
absl::Status VerbOutcome(const Verb& verb, const google::protobuf::Message& response);

// The lines of `hints` whose bool field is true in `response`, their
// {first.F} / {last.F} filled from the first and last row of `list_field`.
std::vector<std::string> MoreHintLines(const std::vector<MoreHint>& hints,
                                       const google::protobuf::Message& response,
                                       const std::string& list_field);

// Calls `verb` with `request` (every page when `all` and the verb is paged)
// and prints the outcome through `printer`.
absl::Status CallVerb(gigwire::Client& client, const Verb& verb,
                      google::protobuf::Message& request, bool all, Printer& printer);

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_VERB_RUNNER_H_
