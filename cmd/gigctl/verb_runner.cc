// Calling a verb and printing what it returns; see verb_runner.h.
#include "cmd/gigctl/verb_runner.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <iostream>
#include <memory>
#include <sstream>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "cmd/gigctl/dynamic_call.h"

namespace gigctl {
namespace {

using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

std::vector<const Message*> Rows(const Message& response, const std::string& list_field) {
  const auto* field = response.GetDescriptor()->FindFieldByName(list_field);
  const auto* reflection = response.GetReflection();
  std::vector<const Message*> rows;
  if (field == nullptr) return rows;
  for (int i = 0; i < reflection->FieldSize(response, field); ++i) {
    rows.push_back(&reflection->GetRepeatedMessage(response, field, i));
  }
  return rows;
}

std::string NextPageToken(const Message& response) {
  const auto* next = response.GetDescriptor()->FindFieldByName("next_page_token");
  return next == nullptr ? "" : response.GetReflection()->GetString(response, next);
}

void SetPageToken(Message& request, const std::string& token) {
  const auto* field = request.GetDescriptor()->FindFieldByName("page_token");
  if (field != nullptr) request.GetReflection()->SetString(&request, field, token);
}

// "approved {id}: {state}" with the response's fields.
std::string DoneText(const std::string& format, const Message& response) {
  std::string text = format;
  for (size_t open; (open = text.find('{')) != std::string::npos;) {
    size_t close = text.find('}', open);
    std::string field = text.substr(open + 1, close - open - 1);
    text.replace(open, close - open + 1, FieldText(response, field));
  }
  return text;
}

bool BoolField(const Message& message, const std::string& name) {
  const auto* field = message.GetDescriptor()->FindFieldByName(name);
  return field != nullptr && field->cpp_type() == google::protobuf::FieldDescriptor::CPPTYPE_BOOL &&
         !field->is_repeated() && message.GetReflection()->GetBool(message, field);
}

// "{first.id}" -> the first row's id; "" for a row that is not there.
std::string HintText(const std::string& format, const std::vector<const Message*>& rows) {
  std::string text = format;
  for (size_t open; (open = text.find('{')) != std::string::npos;) {
    size_t close = text.find('}', open);
    if (close == std::string::npos) break;
    std::string path = text.substr(open + 1, close - open - 1);
    std::string value;
    if (!rows.empty() && path.rfind("first.", 0) == 0) value = FieldText(*rows.front(), path.substr(6));
    if (!rows.empty() && path.rfind("last.", 0) == 0) value = FieldText(*rows.back(), path.substr(5));
    text.replace(open, close - open + 1, value);
  }
  return text;
}

// Calls a list method: one page, or every page when `all`; prints one table.
absl::Status CallList(DynamicCaller& caller, const MethodDescriptor& method, const Verb& verb,
                      Message& request, bool all, Printer& printer) {
  std::vector<std::unique_ptr<Message>> pages;
  std::vector<const Message*> rows;
  std::string token;
  do {
    absl::StatusOr<std::unique_ptr<Message>> page = caller.Unary(method, request);
    if (!page.ok()) return page.status();
    for (const Message* row : Rows(**page, verb.list_field)) rows.push_back(row);
    token = NextPageToken(**page);
    SetPageToken(request, token);
    pages.push_back(*std::move(page));
  } while (all && !token.empty());
  printer.Table(rows, verb.columns);
  if (!token.empty()) std::cerr << "more: add --page-token " << token << " (or --all)\n";
  for (const std::string& line : MoreHintLines(verb.more, *pages.back(), verb.list_field)) {
    std::cerr << line << "\n";
  }
  return absl::OkStatus();
}

// The request of `section`, from the shown response; nullptr when a field it
// needs is empty.
absl::StatusOr<std::unique_ptr<Message>> SectionRequest(const Section& section,
                                                        const MethodDescriptor& method,
                                                        const Message& shown) {
  google::protobuf::Struct fields;
  if (!section.fixed_request.empty()) {
    (void)google::protobuf::util::JsonStringToMessage(section.fixed_request, &fields);
  }
  for (const auto& [request_field, shown_field] : section.request_from) {
    std::string value = FieldText(shown, shown_field);
    if (value.empty()) return nullptr;
    (*fields.mutable_fields())[request_field].set_string_value(value);
  }
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(fields, &json);
  const Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method.input_type());
  std::unique_ptr<Message> request(prototype->New());
  if (absl::Status parsed = MessageFromJson(json, *request); !parsed.ok()) return parsed;
  return request;
}

// The section's record and table of `response`.
void PrintSection(const Section& section, const Message& response, Printer& printer) {
  if (!section.record.empty()) printer.Record(response, section.record);
  if (section.list_field.empty()) return;
  std::vector<const Message*> rows = Rows(response, section.list_field);
  if (rows.empty()) {
    printer.Note("(none)");
  } else {
    printer.Table(rows, section.columns);
  }
  for (const std::string& line : MoreHintLines(section.more, response, section.list_field)) {
    printer.Note(line);
  }
}

void ShowSection(DynamicCaller& caller, const Section& section, const Message& shown,
                 Printer& printer) {
  if (section.method.empty()) {  // more of the verb's own response
    printer.Title(section.title);
    PrintSection(section, shown, printer);
    return;
  }
  const MethodDescriptor* method = FindMethod(section.method);
  if (method == nullptr) return;
  absl::StatusOr<std::unique_ptr<Message>> request = SectionRequest(section, *method, shown);
  if (request.ok() && *request == nullptr) return;
  printer.Title(section.title);
  absl::StatusOr<std::unique_ptr<Message>> response =
      request.ok() ? caller.Unary(*method, **request) : request.status();
  if (!response.ok()) {
    printer.Note(absl::StrCat("(", absl::StatusCodeToString(response.status().code()), ": ",
                              response.status().message(), ")"));
    return;
  }
  PrintSection(section, **response, printer);
}

}  // namespace

std::vector<std::string> MoreHintLines(const std::vector<MoreHint>& hints,
                                       const Message& response, const std::string& list_field) {
  std::vector<std::string> lines;
  for (const MoreHint& hint : hints) {
    if (BoolField(response, hint.when)) lines.push_back(HintText(hint.text, Rows(response, list_field)));
  }
  return lines;
}

std::string ConfirmationText(const Verb& verb, const Message& request, Names& names) {
  std::ostringstream text;
  text << verb.group << " " << verb.name << ":\n";
  Printer printer(text, /*json=*/false, /*colour=*/false);
  printer.set_labeler(
      [&names](IdKind kind, const std::string& id) { return names.Label(kind, id); });
  printer.Record(request, verb.confirm);
  return text.str();
}

bool Confirmed(const std::string& question, std::istream& in, std::ostream& out) {
  out << question << "Go ahead? [y/N] " << std::flush;
  std::string answer;
  std::getline(in, answer);
  answer = absl::AsciiStrToLower(absl::StripAsciiWhitespace(answer));
  return answer == "y" || answer == "yes";
}

absl::Status VerbOutcome(const Verb& verb, const Message& response) {
  if (verb.ok_field.empty()) return absl::OkStatus();
  const auto* field = response.GetDescriptor()->FindFieldByName(verb.ok_field);
  if (field == nullptr || field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_BOOL) {
    return absl::InternalError(verb.method + " has no bool field " + verb.ok_field);
  }
  if (response.GetReflection()->GetBool(response, field)) return absl::OkStatus();
  return absl::DataLossError(verb.not_ok);
}

absl::Status CallVerb(gigwire::Client& client, const Verb& verb, Message& request, bool all,
                      Printer& printer) {
  const MethodDescriptor* method = VerbMethod(verb);
  if (method == nullptr) return absl::InternalError("this gigctl does not know " + verb.method);
  DynamicCaller caller(client, *google::protobuf::MessageFactory::generated_factory());
  if (!verb.list_field.empty()) return CallList(caller, *method, verb, request, all, printer);
  absl::StatusOr<std::unique_ptr<Message>> response = caller.Unary(*method, request);
  if (!response.ok()) return response.status();
  if (!verb.done.empty()) {
    printer.Done(DoneText(verb.done, **response), **response);
    return absl::OkStatus();
  }
  printer.Record(**response, verb.columns);
  if (!printer.json()) {
    for (const Section& section : verb.sections) ShowSection(caller, section, **response, printer);
  }
  return VerbOutcome(verb, **response);
}

}  // namespace gigctl
