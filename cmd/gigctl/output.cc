// gigctl's tables, JSON lines, errors and exit codes; see output.h.
#include "cmd/gigctl/output.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/text_format.h>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "cmd/gigctl/dynamic_call.h"
#include "cmd/gigctl/money.h"
#include "gigwire/client.h"

namespace gigctl {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

constexpr char kBold[] = "1";
constexpr char kGreen[] = "32";
constexpr char kYellow[] = "33";
constexpr char kRed[] = "31";

// "JobState" -> "JOB_STATE_": the prefix of its values.
std::string EnumPrefix(const std::string& type_name) {
  std::string prefix;
  for (char c : type_name) {
    if (absl::ascii_isupper(c) && !prefix.empty()) prefix += '_';
    prefix += absl::ascii_toupper(c);
  }
  return prefix + "_";
}

// "OPEN" for JOB_STATE_OPEN; "" for an unset value (*_UNSPECIFIED), which
// records show as "-".
std::string EnumText(const google::protobuf::EnumValueDescriptor* value) {
  std::string name = value->name();
  if (value->number() == 0 && absl::EndsWith(name, "_UNSPECIFIED")) return "";
  std::string prefix = EnumPrefix(value->type()->name());
  return absl::StartsWith(name, prefix) ? name.substr(prefix.size()) : name;
}

std::string Currency(const Message& money) {
  return money.GetReflection()->GetString(money,
                                          money.GetDescriptor()->FindFieldByName("currency_code"));
}

std::string MoneyAmount(const Message& money) {
  const auto* reflection = money.GetReflection();
  int64_t minor =
      reflection->GetInt64(money, money.GetDescriptor()->FindFieldByName("amount_minor"));
  return MajorUnits(Currency(money), minor);
}

// 1536 -> "1536 B (1.5 KiB)"; under a KiB, "512 B".
std::string SizeText(int64_t bytes) {
  if (bytes < 1024) return absl::StrCat(bytes, " B");
  const char* units[] = {"KiB", "MiB", "GiB", "TiB"};
  double value = bytes / 1024.0;
  int unit = 0;
  for (; value >= 1024 && unit < 3; ++unit) value /= 1024;
  return absl::StrFormat("%d B (%.1f %s)", bytes, value, units[unit]);
}

// A file as a cell: "brief.pdf (fil_31ab, 1.2 MiB)".
std::string FileText(const Message& file) {
  const auto* reflection = file.GetReflection();
  const auto* descriptor = file.GetDescriptor();
  int64_t bytes = reflection->GetInt64(file, descriptor->FindFieldByName("size_bytes"));
  std::string size = SizeText(bytes);
  if (size_t open = size.find('('); open != std::string::npos) {
    size = size.substr(open + 1, size.size() - open - 2);
  }
  return absl::StrCat(reflection->GetString(file, descriptor->FindFieldByName("name")), " (",
                      reflection->GetString(file, descriptor->FindFieldByName("id")), ", ", size,
                      ")");
}

std::string MessageText(const Message& message) {
  const std::string& type = message.GetDescriptor()->full_name();
  const auto* reflection = message.GetReflection();
  const auto* descriptor = message.GetDescriptor();
  if (type == "google.protobuf.Timestamp") {
    int64_t seconds = reflection->GetInt64(message, descriptor->FindFieldByName("seconds"));
    return absl::FormatTime("%Y-%m-%d %H:%M", absl::FromUnixSeconds(seconds), absl::UTCTimeZone());
  }
  if (type == "google.protobuf.Duration") {
    int64_t seconds = reflection->GetInt64(message, descriptor->FindFieldByName("seconds"));
    return absl::FormatDuration(absl::Seconds(seconds));
  }
  if (type == "gigwire.v1.Money") return absl::StrCat(Currency(message), " ", MoneyAmount(message));
  if (type == "gigwire.v1.FileInfo") return FileText(message);
  if (type == "gigwire.v1.PlannedMilestone") {  // "Sketches: USD 150.00 by day 4"
    const Message& amount = reflection->GetMessage(message, descriptor->FindFieldByName("amount"));
    return absl::StrCat(
        reflection->GetString(message, descriptor->FindFieldByName("title")), ": ",
        MessageText(amount), " by day ",
        reflection->GetInt32(message, descriptor->FindFieldByName("due_in_days")));
  }
  if (type == "gigwire.v1.MoneyRange") {
    const Message& min = reflection->GetMessage(message, descriptor->FindFieldByName("min"));
    const Message& max = reflection->GetMessage(message, descriptor->FindFieldByName("max"));
    return absl::StrCat(Currency(max), " ", MoneyAmount(min), "-", MoneyAmount(max));
  }
  return MessageToJson(message, /*pretty=*/false);
}

// "4500" -> "4.50": a *_milli value in units.
std::string Thousandths(const std::string& text) {
  int64_t milli = 0;
  return absl::SimpleAtoi(text, &milli) ? absl::StrFormat("%.2f", milli / 1000.0) : text;
}

// The text of field `f` of `m`: element `index` of a repeated field, or the
// singular value when index < 0.
std::string ValueText(const Message& m, const FieldDescriptor* f, int index) {
  const auto* r = m.GetReflection();
  bool repeated = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return repeated ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_ENUM:
      return EnumText(repeated ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return MessageText(repeated ? r->GetRepeatedMessage(m, f, index) : r->GetMessage(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (repeated ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f)) ? "yes" : "no";
    default: {  // numbers
      // A signed amount next to its currency (a ledger entry's): money.
      const FieldDescriptor* currency = m.GetDescriptor()->FindFieldByName("currency_code");
      if (!repeated && absl::EndsWith(f->name(), "_minor") && currency != nullptr &&
          f->cpp_type() == FieldDescriptor::CPPTYPE_INT64 &&
          currency->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
        return MoneyText(r->GetString(m, currency), r->GetInt64(m, f));
      }
      if (!repeated && f->name() == "size_bytes" &&
          f->cpp_type() == FieldDescriptor::CPPTYPE_INT64) {
        return SizeText(r->GetInt64(m, f));
      }
      std::string text;
      google::protobuf::TextFormat::PrintFieldValueToString(m, f, index, &text);
      return absl::EndsWith(f->name(), "_milli") ? Thousandths(text) : text;
    }
  }
}

}  // namespace

int ExitCodeFor(const absl::Status& status) { return static_cast<int>(status.code()); }

int ReportError(const absl::Status& status, std::ostream& err) {
  gigwire::ApiError error = gigwire::ApiErrorOf(status);
  err << "error: " << absl::StatusCodeToString(error.code);
  if (error.reason != gigwire::v1::ERROR_REASON_UNSPECIFIED) err << " (" << error.reason_name << ")";
  err << ": " << error.message << "\n";
  for (const auto& [field, description] : error.field_violations) {
    err << "  " << field << ": " << description << "\n";
  }
  return ExitCodeFor(status);
}

std::vector<std::string> FieldTexts(const Message& message, const std::string& path) {
  const Message* current = &message;
  std::vector<std::string> parts = absl::StrSplit(path, '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    const FieldDescriptor* field = current->GetDescriptor()->FindFieldByName(parts[i]);
    if (field == nullptr) return {};
    const auto* reflection = current->GetReflection();
    if (field->is_repeated()) {
      std::vector<std::string> items;
      for (int j = 0; j < reflection->FieldSize(*current, field); ++j) {
        items.push_back(ValueText(*current, field, j));
      }
      return items;
    }
    bool is_message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE;
    if (is_message && !reflection->HasField(*current, field)) return {};
    if (i + 1 == parts.size()) return {ValueText(*current, field, -1)};
    if (!is_message) return {};
    current = &reflection->GetMessage(*current, field);
  }
  return {};
}

std::string FieldText(const Message& message, const std::string& path) {
  return absl::StrJoin(FieldTexts(message, path), ", ");
}

bool Printer::StdoutWantsColour() {
  const char* no_colour = std::getenv("NO_COLOR");
  return isatty(STDOUT_FILENO) != 0 && (no_colour == nullptr || *no_colour == '\0');
}

std::string Printer::Paint(const std::string& text, const char* code) const {
  return colour_ ? absl::StrCat("\033[", code, "m", text, "\033[0m") : text;
}

std::string Printer::PaintState(const std::string& text) const {
  for (const char* good : {"OPEN", "APPROVED", "ACTIVE", "ACCEPTED", "COMPLETED", "DELIVERED",
                           "FUNDED", "RELEASED", "SUCCEEDED", "PAID", "RESOLVED"}) {
    if (text == good) return Paint(text, kGreen);
  }
  for (const char* waiting : {"PENDING", "PENDING_REVIEW", "DRAFT", "PAUSED", "SUBMITTED",
                              "SHORTLISTED", "BIDDING_CLOSED", "PROPOSED", "REVISION_REQUESTED",
                              "REQUESTED"}) {
    if (text == waiting) return Paint(text, kYellow);
  }
  return text.empty() ? text : Paint(text, kRed);
}

std::string Printable(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    absl::string_view rest = text.substr(i);
    if (c == '\r' && rest.size() > 1 && rest[1] == '\n') continue;  // one mark per line break
    if (c == '\n' || c == '\r') {
      out += "\u23CE ";  // ⏎
    } else if (c == '\t') {
      out += ' ';
    } else if (c < 0x20 || c == 0x7F) {
      out += "\uFFFD";
    } else if (c == 0xC2 && rest.size() > 1 && static_cast<unsigned char>(rest[1]) >= 0x80 &&
               static_cast<unsigned char>(rest[1]) <= 0x9F) {  // C1 controls
      out += "\uFFFD";
      ++i;
    } else if (c == 0xE2 && rest.size() > 2 &&
               ((rest[1] == '\x80' && static_cast<unsigned char>(rest[2]) >= 0xAA &&
                 static_cast<unsigned char>(rest[2]) <= 0xAE) ||
                (rest[1] == '\x81' && static_cast<unsigned char>(rest[2]) >= 0xA6 &&
                 static_cast<unsigned char>(rest[2]) <= 0xA9))) {  // bidi overrides
      out += "\uFFFD";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::vector<std::string> Printer::CellValues(const Message& message, const Column& column) const {
  std::vector<std::string> values = FieldTexts(message, column.path);
  for (std::string& value : values) value = Printable(value);
  if (column.ids == IdKind::kNone || !labeler_) return values;
  for (std::string& id : values) {
    if (!id.empty()) id = labeler_(column.ids, id);
  }
  return values;
}

std::string Printer::Cell(const Message& message, const Column& column) const {
  return absl::StrJoin(CellValues(message, column), ", ");
}

void Printer::Title(const std::string& title) {
  if (!json_) out_ << "\n" << Paint(title, kBold) << "\n";
}

void Printer::Note(const std::string& text) {
  if (!json_) out_ << text << "\n";
}

void Printer::Table(const std::vector<const Message*>& rows, const std::vector<Column>& columns) {
  if (json_) {
    for (const Message* row : rows) out_ << MessageToJson(*row, /*pretty=*/false) << "\n";
    return;
  }
  std::vector<std::vector<std::string>> cells;
  std::vector<size_t> widths;
  for (const Column& column : columns) widths.push_back(column.header.size());
  for (const Message* row : rows) {
    cells.emplace_back();
    for (size_t c = 0; c < columns.size(); ++c) {
      cells.back().push_back(Cell(*row, columns[c]));
      widths[c] = std::max(widths[c], cells.back().back().size());
    }
  }
  std::vector<std::string> headers;
  for (const Column& column : columns) headers.push_back(column.header);
  Line(headers, widths, columns, true);
  for (const auto& row : cells) Line(row, widths, columns, false);
}

void Printer::Line(const std::vector<std::string>& values, const std::vector<size_t>& widths,
                   const std::vector<Column>& columns, bool header) {
  for (size_t c = 0; c < values.size(); ++c) {
    bool last = c + 1 == values.size();
    size_t width = std::max(widths[c], values[c].size());
    std::string padding = last ? "" : std::string(width + 2 - values[c].size(), ' ');
    if (header) {
      out_ << Paint(values[c], kBold) << padding;
    } else if (columns[c].header == "STATE") {
      out_ << PaintState(values[c]) << padding;
    } else {
      out_ << values[c] << padding;
    }
  }
  out_ << "\n";
}

void Printer::StreamRow(const Message& message, const std::vector<Column>& columns) {
  if (json_) {
    out_ << MessageToJson(message, /*pretty=*/false) << std::endl;
    return;
  }
  std::vector<size_t> widths;
  std::vector<std::string> headers, values;
  for (const Column& column : columns) {
    widths.push_back(std::max<size_t>(column.header.size(), 22));
    headers.push_back(column.header);
    values.push_back(Cell(message, column));
  }
  if (!streamed_header_) Line(headers, widths, columns, true);
  streamed_header_ = true;
  Line(values, widths, columns, false);
  out_.flush();
}

void Printer::Record(const Message& message, const std::vector<Column>& columns) {
  if (json_) {
    out_ << MessageToJson(message, /*pretty=*/false) << "\n";
    return;
  }
  size_t width = 0;
  for (const Column& column : columns) width = std::max(width, column.header.size());
  for (const Column& column : columns) {
    std::string value = Cell(message, column);
    if (column.lines) {  // one value a line, under the first
      value = absl::StrJoin(CellValues(message, column), "\n" + std::string(width + 2, ' '));
    }
    if (value.empty()) value = "-";
    std::string label = column.header + ":" + std::string(width - column.header.size() + 1, ' ');
    out_ << Paint(label, kBold) << (column.header == "STATE" ? PaintState(value) : value) << "\n";
  }
}

void Printer::Done(const std::string& text, const Message& resource) {
  if (json_) {
    out_ << MessageToJson(resource, /*pretty=*/false) << "\n";
  } else {
    out_ << text << "\n";
  }
}

}  // namespace gigctl
