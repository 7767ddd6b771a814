// How gigctl prints: aligned tables (bold headers and coloured states when
// writing to a terminal, unless $NO_COLOR is set), or JSON lines (-o json);
// errors to stderr with their code, reason and field violations; exit codes
// that follow the gRPC code.
//
// Thread safety: not thread-safe (one command prints from one thread).
#ifndef GIGWIRE_CMD_GIGCTL_OUTPUT_H_
#define GIGWIRE_CMD_GIGCTL_OUTPUT_H_

#include <google/protobuf/message.h>

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gigctl {

// Exit codes: 0 success; 1..16 the gRPC status code of a failed call
// (e.g. 5 NOT_FOUND, 7 PERMISSION_DENIED, 16 UNAUTHENTICATED; a request that
// is not valid JSON for its method is 3 INVALID_ARGUMENT, found before
// sending); 64 a usage error (sysexits' EX_USAGE).
inline constexpr int kExitUsage = 64;
int ExitCodeFor(const absl::Status& status);

// Prints `status` to `err` as "error: CODE (REASON): message" plus one line
// per field violation, and returns ExitCodeFor(status).
int ReportError(const absl::Status& status, std::ostream& err);

// What an id names, when gigctl shows or accepts a name for it (names.h):
// a user ("Sam Rivera <sam@example.com>", or an email as input), a category
// (its slug), a job (its title).
enum class IdKind { kNone, kUser, kCategory, kJob };

// A column: its header, the dotted proto field path it shows ("budget.max",
// "roles", "create_time"), and what the ids in it name (tables and records
// then show names, see Printer::set_labeler; JSON lines keep the ids).
// `lines`: a record shows each value of the (repeated) field on a line of
// its own, for sentences such as a reconciliation's violations; tables still
// join them with ", ".
struct Column {
  std::string header;
  std::string path;
  IdKind ids = IdKind::kNone;
  bool lines = false;
};

// The text of `path` in `message` for humans: enums by name without their
// type's prefix, times in UTC to the minute, Money as "USD 200.00" (the
// currency's own decimals: "JPY 1500", see money.h), a MoneyRange as
// "USD 200.00-500.00", an int64 *_minor field next to a currency_code (a
// ledger entry's signed amount) as money too ("USD -150.00"), *_milli
// integers as thousandths ("4.50"), durations as "48h", a size_bytes field as
// "1536 B (1.5 KiB)", a FileInfo as "brief.pdf (fil_31ab, 1.2 MiB)", repeated
// values joined with ", ".
std::string FieldText(const google::protobuf::Message& message, const std::string& path);
// The same, one string per value of a repeated field; none when unset.
std::vector<std::string> FieldTexts(const google::protobuf::Message& message,
                                    const std::string& path);

// `text` safe to put on a terminal: line breaks as "⏎ ", tabs as spaces,
// other control characters (ESC...), C1 controls and the bidi overrides
// (U+202A..U+202E, U+2066..U+2069) as U+FFFD, so that text someone else
// wrote (a message) cannot move the cursor, recolour or reorder what gigctl
// prints. Tables and records show every value through it; JSON escapes them.
std::string Printable(absl::string_view text);

// How a Printer shows an id of a kind: e.g. a user's name and email.
using Labeler = std::function<std::string(IdKind, const std::string& id)>;

class Printer {
 public:
  // json: JSON lines; otherwise tables, coloured when `colour`.
  Printer(std::ostream& out, bool json, bool colour) : out_(out), json_(json), colour_(colour) {}
  // Whether stdout is a terminal and $NO_COLOR is unset.
  static bool StdoutWantsColour();

  bool json() const { return json_; }
  // Shows the ids of columns with an IdKind through `labeler` (tables and
  // records only). Without one, ids are shown as they are.
  void set_labeler(Labeler labeler) { labeler_ = std::move(labeler); }
  // One table row per message (or one JSON line each).
  void Table(const std::vector<const google::protobuf::Message*>& rows,
             const std::vector<Column>& columns);
  // One row of a table that grows as messages arrive (e.g. a watch): fixed
  // column widths, the header before the first row; one JSON line with -o json.
  void StreamRow(const google::protobuf::Message& message, const std::vector<Column>& columns);
  // One message as "field: value" lines, "-" for an empty value (or one JSON line).
  void Record(const google::protobuf::Message& message, const std::vector<Column>& columns);
  // A section title before more records or tables, and a line of text
  // (nothing with -o json).
  void Title(const std::string& title);
  void Note(const std::string& text);
  // A one-line confirmation for humans ("approved job_1"); nothing with -o json
  // (the JSON line of the resource is printed instead).
  void Done(const std::string& text, const google::protobuf::Message& resource);

 private:
  std::string Paint(const std::string& text, const char* code) const;
  std::string PaintState(const std::string& text) const;
  // The text of `column` in `message`, its ids labelled: one string per
  // value, or joined.
  std::vector<std::string> CellValues(const google::protobuf::Message& message,
                                      const Column& column) const;
  std::string Cell(const google::protobuf::Message& message, const Column& column) const;

  void Line(const std::vector<std::string>& values, const std::vector<size_t>& widths,
            const std::vector<Column>& columns, bool header);

  std::ostream& out_;
  bool json_;
  bool colour_;
  bool streamed_header_ = false;
  Labeler labeler_;
};

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_OUTPUT_H_
