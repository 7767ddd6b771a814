// How gigctl prints: aligned tables (bold headers and coloured states when
// writing to a terminal, unless $NO_COLOR is set), or JSON lines (-o json);
// errors to stderr with their code, reason and field violations; exit codes
// that follow the gRPC code.
//
// Thread safety: not thread-safe (one command prints from one thread).
#ifndef GIGWIRE_CMD_GIGCTL_OUTPUT_H_
#define GIGWIRE_CMD_GIGCTL_OUTPUT_H_

#include <google/protobuf/message.h>

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

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

// A column: its header and the dotted proto field path it shows
// ("budget.max", "roles", "create_time").
struct Column {
  std::string header;
  std::string path;
};

// The text of `path` in `message` for humans: enums by name without their
// type's prefix, times in UTC to the minute, Money as "USD 200.00", a
// MoneyRange as "USD 200.00-500.00", *_milli integers as thousandths
// ("4.50"), repeated values joined with ", ".
std::string FieldText(const google::protobuf::Message& message, const std::string& path);

class Printer {
 public:
  // json: JSON lines; otherwise tables, coloured when `colour`.
  Printer(std::ostream& out, bool json, bool colour) : out_(out), json_(json), colour_(colour) {}
  // Whether stdout is a terminal and $NO_COLOR is unset.
  static bool StdoutWantsColour();

  bool json() const { return json_; }
  // One table row per message (or one JSON line each).
  void Table(const std::vector<const google::protobuf::Message*>& rows,
             const std::vector<Column>& columns);
  // One row of a table that grows as messages arrive (e.g. a watch): fixed
  // column widths, the header before the first row; one JSON line with -o json.
  void StreamRow(const google::protobuf::Message& message, const std::vector<Column>& columns);
  // One message as "field: value" lines (or one JSON line).
  void Record(const google::protobuf::Message& message, const std::vector<Column>& columns);
  // A one-line confirmation for humans ("approved job_1"); nothing with -o json
  // (the JSON line of the resource is printed instead).
  void Done(const std::string& text, const google::protobuf::Message& resource);

 private:
  std::string Paint(const std::string& text, const char* code) const;
  std::string PaintState(const std::string& text) const;

  void Line(const std::vector<std::string>& values, const std::vector<size_t>& widths,
            const std::vector<Column>& columns, bool header);

  std::ostream& out_;
  bool json_;
  bool colour_;
  bool streamed_header_ = false;
};

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_OUTPUT_H_
