// gigctl's admin verbs as data; see verbs.h.
#include "cmd/gigctl/verbs.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "gigwire/v1/api_key.pb.h"
#include "gigwire/v1/assignment.pb.h"
#include "gigwire/v1/audit.pb.h"
#include "gigwire/v1/booking.pb.h"
#include "gigwire/v1/catalog.pb.h"
#include "gigwire/v1/job.pb.h"
#include "gigwire/v1/seller.pb.h"
#include "gigwire/v1/user.pb.h"

namespace gigctl {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

const std::vector<Column> kJobColumns = {
    {"ID", "id"},           {"STATE", "state"},     {"TITLE", "title"},
    {"BUYER", "buyer_id"},  {"BUDGET", "budget"},   {"DUE", "due_time"},
    {"CREATED", "create_time"}};
const std::vector<Column> kGigColumns = {
    {"ID", "id"},       {"STATE", "state"},         {"TITLE", "title"}, {"SELLER", "seller_id"},
    {"PRICE", "price"}, {"CATEGORY", "category_id"}, {"UPDATED", "update_time"}};
const std::vector<Column> kBookingColumns = {
    {"ID", "id"},          {"STATE", "state"},      {"JOB", "job_title"},
    {"BUYER", "buyer_id"}, {"SELLER", "seller_id"}, {"BUDGET", "budget"},
    {"CREATED", "create_time"}};
const std::vector<Column> kUserColumns = {{"ID", "id"},       {"EMAIL", "email"},
                                          {"NAME", "display_name"}, {"ROLES", "roles"},
                                          {"CREATED", "create_time"}};
const std::vector<Column> kApiKeyColumns = {{"ID", "id"},       {"NAME", "display_name"},
                                            {"USER", "user_id"}, {"CREATED", "create_time"},
                                            {"REVOKED", "revoke_time"}};

Arg Id(const std::string& what) { return {"id", "id", ArgKind::kText, "the " + what + "'s id"}; }
Arg Reason(const std::string& why) {
  return {"reason", "reason", ArgKind::kText, why, "", {}, /*required=*/true};
}
Arg PageSize() { return {"page-size", "pageSize", ArgKind::kNumber, "rows per page (default 50)"}; }
Arg PageToken() {
  return {"page-token", "pageToken", ArgKind::kText, "the next page (gigctl prints the token)"};
}
Arg EnumArg(const std::string& name, const std::string& field, const std::string& prefix,
            std::vector<std::string> choices, const std::string& help) {
  return {name, field, ArgKind::kEnum, help, prefix, std::move(choices)};
}

std::vector<Verb> BuildVerbs() {
  const std::vector<std::string> job_states = {"pending-review", "open", "booked", "rejected", "cancelled", "expired"};
  const std::vector<std::string> booking_states = {"active", "delivered", "completed", "cancelled"};
  const std::vector<std::string> roles = {"buyer", "seller", "admin"};
  return {
      {"jobs", "pending", "gigwire.v1.JobService.ListJobs",
       "the review queue: jobs waiting for an admin", {}, {PageSize(), PageToken()},
       R"({"state":"JOB_STATE_PENDING_REVIEW"})", "jobs", kJobColumns, "", false,
       "gigctl jobs pending"},
      {"jobs", "list", "gigwire.v1.JobService.ListJobs", "jobs, newest first", {},
       {EnumArg("state", "state", "JOB_STATE_", job_states, "only jobs in this state"),
        {"buyer", "buyerId", ArgKind::kText, "only this buyer's jobs"}, PageSize(), PageToken()},
       "", "jobs", kJobColumns, "", false, "gigctl jobs list --state open"},
      {"jobs", "show", "gigwire.v1.JobService.GetJob", "one job in full", {Id("job")}, {}, "", "",
       {{"ID", "id"}, {"STATE", "state"}, {"TITLE", "title"}, {"DESCRIPTION", "description"},
        {"BUYER", "buyer_id"}, {"CATEGORY", "category_id"}, {"SKILLS", "skills"},
        {"BUDGET", "budget"}, {"STARTS", "preferred_start_time"}, {"DUE", "due_time"},
        {"BOOKING", "booking_id"}, {"REJECTED", "rejection_reason"}, {"CREATED", "create_time"}},
       "", false, "gigctl jobs show job_4f2a"},
      {"jobs", "approve", "gigwire.v1.JobService.ApproveJob", "opens a pending job to sellers",
       {Id("job")}, {{"note", "note", ArgKind::kText, "a note for the audit log"}}, "", "", {},
       "approved {id}: {state}", false, "gigctl jobs approve job_4f2a --note 'clear brief'"},
      {"jobs", "reject", "gigwire.v1.JobService.RejectJob", "rejects a pending job, telling the buyer why",
       {Id("job")}, {Reason("what the buyer should change")}, "", "", {}, "rejected {id}: {state}",
       false, "gigctl jobs reject job_4f2a --reason 'budget below the minimum'"},
      {"jobs", "assign", "gigwire.v1.AssignmentService.AssignSellers",
       "offers an open job to sellers (all or none, idempotent)",
       {{"job", "jobId", ArgKind::kText, "the open job's id"}},
       {{"seller", "sellerIds", ArgKind::kList, "a seller's user id (repeat, or comma-separate)", "", {}, true},
        {"note", "note", ArgKind::kText, "why these sellers (they see it)"},
        {"ttl", "offerTtl", ArgKind::kDuration, "how long the offers stay open, e.g. 48h"}},
       "", "assignments",
       {{"SELLER", "seller_id"}, {"OFFER", "offer_id"}, {"ASSIGNMENT", "id"}, {"NOTE", "note"}},
       "", true, "gigctl jobs assign job_4f2a --seller usr_1 --seller usr_2 --note 'portfolio fits' --yes"},
      {"sellers", "search", "gigwire.v1.SellerService.SearchSellers",
       "finds sellers to assign: by name or skill, rating, availability", {},
       {{"text", "text", ArgKind::kText, "words in the name, bio or skills"},
        {"available", "availableOnly", ArgKind::kSwitch, "only sellers available now"},
        {"min-rating", "minRatingMilli", ArgKind::kRating, "at least this rating, 1.0..5.0"},
        {"skill", "skill", ArgKind::kText, "with this skill"},
        {"category", "categoryId", ArgKind::kText, "with an approved gig in this category"},
        EnumArg("sort", "orderBy", "SELLER_ORDER_", {"rating", "name", "availability"}, "order"),
        PageSize(), PageToken()},
       "", "sellers",
       {{"ID", "user_id"}, {"NAME", "display_name"}, {"RATING", "rating_milli"},
        {"REVIEWS", "rating_count"}, {"GIGS", "gig_count"}, {"AVAILABILITY", "availability"},
        {"SKILLS", "skills"}},
       "", false, "gigctl sellers search --skill logo --available --min-rating 4.5 --sort rating"},
      {"gigs", "pending", "gigwire.v1.CatalogService.ListGigs", "gigs waiting for review", {},
       {PageSize(), PageToken()}, R"({"state":"GIG_STATE_PENDING_REVIEW"})", "gigs", kGigColumns, "", false,
       "gigctl gigs pending"},
      {"gigs", "approve", "gigwire.v1.CatalogService.ApproveGig", "publishes a pending gig",
       {Id("gig")}, {}, "", "", {}, "approved {id}: {state}", false, "gigctl gigs approve gig_9c1d"},
      {"gigs", "reject", "gigwire.v1.CatalogService.RejectGig", "rejects a pending gig",
       {Id("gig")}, {Reason("what the seller should change")}, "", "", {}, "rejected {id}: {state}",
       false, "gigctl gigs reject gig_9c1d --reason 'no samples'"},
      {"bookings", "list", "gigwire.v1.BookingService.ListBookings", "bookings, newest first", {},
       {EnumArg("state", "state", "BOOKING_STATE_", booking_states, "only bookings in this state"),
        {"buyer", "buyerId", ArgKind::kText, "only this buyer's"},
        {"seller", "sellerId", ArgKind::kText, "only this seller's"}, PageSize(), PageToken()},
       "", "bookings", kBookingColumns, "", false, "gigctl bookings list --state delivered"},
      {"bookings", "complete", "gigwire.v1.BookingService.CompleteBooking",
       "completes a booking (e.g. a delivered one the buyer forgot)", {Id("booking")}, {}, "", "",
       {}, "completed {id}: {state}", false, "gigctl bookings complete bkg_77aa"},
      {"bookings", "cancel", "gigwire.v1.BookingService.CancelBooking", "cancels a booking",
       {Id("booking")}, {Reason("why, for both sides")}, "", "", {}, "cancelled {id}: {state}",
       false, "gigctl bookings cancel bkg_77aa --reason 'buyer unreachable'"},
      {"users", "list", "gigwire.v1.UserService.ListUsers", "accounts, newest first", {},
       {EnumArg("role", "role", "ROLE_", roles, "only accounts with this role"), PageSize(), PageToken()}, "",
       "users", kUserColumns, "", false, "gigctl users list --role seller"},
      {"users", "grant", "gigwire.v1.UserService.GrantRole", "gives an account a role",
       {{"user", "userId", ArgKind::kText, "the account's id"},
        EnumArg("role", "role", "ROLE_", roles, "buyer, seller or admin")},
       {}, "", "", {}, "{id} now has roles {roles}", false, "gigctl users grant usr_5b2 seller"},
      {"users", "revoke", "gigwire.v1.UserService.RevokeRole", "takes a role away",
       {{"user", "userId", ArgKind::kText, "the account's id"},
        EnumArg("role", "role", "ROLE_", roles, "buyer, seller or admin")},
       {}, "", "", {}, "{id} now has roles {roles}", false, "gigctl users revoke usr_5b2 admin"},
      {"api-keys", "create", "gigwire.v1.ApiKeyService.CreateApiKey",
       "issues a partner key (its secret is shown once)", {},
       {{"user", "userId", ArgKind::kText, "the account the key acts as", "", {}, true},
        {"name", "displayName", ArgKind::kText, "what the key is for", "", {}, true}},
       "", "", {{"ID", "api_key.id"}, {"NAME", "api_key.display_name"}, {"SECRET", "secret"}}, "",
       false, "gigctl api-keys create --user usr_5b2 --name 'Acme sync'"},
      {"api-keys", "list", "gigwire.v1.ApiKeyService.ListApiKeys", "partner keys, revoked ones too",
       {}, {PageSize(), PageToken()}, "", "api_keys", kApiKeyColumns, "", false, "gigctl api-keys list"},
      {"api-keys", "revoke", "gigwire.v1.ApiKeyService.RevokeApiKey", "revokes a key at once",
       {Id("key")}, {}, "", "", {}, "revoked {id}", false, "gigctl api-keys revoke key_31c"},
      {"audit", "list", "gigwire.v1.AuditService.ListAuditEntries", "what admins did, newest first",
       {},
       {{"actor", "actorId", ArgKind::kText, "only this admin's actions"},
        {"action", "action", ArgKind::kText, "only this action, e.g. ApproveJob"},
        {"target", "target", ArgKind::kText, "only actions on this id"}, PageSize(), PageToken()},
       "", "entries",
       {{"TIME", "create_time"}, {"ACTOR", "actor_id"}, {"ACTION", "action"},
        {"TARGET", "target"}, {"NOTE", "note"}},
       "", false, "gigctl audit list --target job_4f2a"},
  };
}

// "48h" / "90m" / "45s" / "1h30m" -> "172800s".
absl::StatusOr<std::string> DurationJson(const std::string& text) {
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration) || duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a duration like 48h"));
  }
  return absl::StrCat(absl::ToInt64Seconds(duration), "s");
}

absl::Status SetValue(const Arg& arg, const std::string& text, Struct& request) {
  Value& value = (*request.mutable_fields())[arg.field];
  double number = 0;
  switch (arg.kind) {
    case ArgKind::kText: value.set_string_value(text); return absl::OkStatus();
    case ArgKind::kSwitch: value.set_bool_value(true); return absl::OkStatus();
    case ArgKind::kNumber:
    case ArgKind::kRating:
      if (!absl::SimpleAtod(text, &number)) break;
      value.set_number_value(arg.kind == ArgKind::kRating ? std::round(number * 1000) : number);
      return absl::OkStatus();
    case ArgKind::kEnum:
      value.set_string_value(arg.enum_prefix + absl::AsciiStrToUpper(absl::StrReplaceAll(text, {{"-", "_"}})));
      return absl::OkStatus();
    case ArgKind::kList:
      for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipEmpty())) {
        value.mutable_list_value()->add_values()->set_string_value(std::string(item));
      }
      return absl::OkStatus();
    case ArgKind::kDuration: {
      absl::StatusOr<std::string> json = DurationJson(text);
      if (!json.ok()) return json.status();
      value.set_string_value(*json);
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("--", arg.name, ": '", text, "' is not a number"));
}

std::string ArgUsage(const Arg& arg) {
  std::string value = arg.kind == ArgKind::kSwitch ? "" : " " + absl::AsciiStrToUpper(arg.name);
  if (arg.kind == ArgKind::kEnum) value = " " + absl::StrJoin(arg.choices, "|");
  std::string text = "--" + arg.name + value + (arg.kind == ArgKind::kList ? "..." : "");
  return arg.required ? text : "[" + text + "]";
}

}  // namespace

const std::vector<Verb>& AdminVerbs() {
  static const auto* verbs = new std::vector<Verb>(BuildVerbs());
  return *verbs;
}

const google::protobuf::MethodDescriptor* VerbMethod(const Verb& verb) {
  // Referencing one message of each proto file the verbs call into keeps that
  // file in the binary (a static library's unused objects are dropped), and
  // so registered in the generated pool.
  for (const google::protobuf::Descriptor* used :
       {gigwire::v1::ListJobsRequest::descriptor(), gigwire::v1::AssignSellersRequest::descriptor(),
        gigwire::v1::SearchSellersRequest::descriptor(), gigwire::v1::ListGigsRequest::descriptor(),
        gigwire::v1::ListBookingsRequest::descriptor(), gigwire::v1::ListUsersRequest::descriptor(),
        gigwire::v1::CreateApiKeyRequest::descriptor(),
        gigwire::v1::ListAuditEntriesRequest::descriptor()}) {
    (void)used;
  }
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(verb.method);
}

const Verb* FindVerb(const std::string& group, const std::string& name) {
  for (const Verb& verb : AdminVerbs()) {
    if (verb.group == group && verb.name == name) return &verb;
  }
  return nullptr;
}

absl::StatusOr<std::string> RequestJson(const Verb& verb, const std::vector<std::string>& args,
                                        bool* yes) {
  Struct request;
  if (!verb.fixed_request.empty()) {
    (void)google::protobuf::util::JsonStringToMessage(verb.fixed_request, &request);
  }
  size_t positional = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--yes" || arg == "-y") {
      *yes = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) {
      if (positional == verb.positional.size()) {
        return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "'"));
      }
      if (absl::Status set = SetValue(verb.positional[positional++], arg, request); !set.ok()) return set;
      continue;
    }
    std::string name = arg.substr(2), value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    auto flag = std::find_if(verb.flags.begin(), verb.flags.end(),
                             [&name](const Arg& f) { return f.name == name; });
    if (flag == verb.flags.end()) return absl::InvalidArgumentError("unknown flag --" + name);
    if (flag->kind != ArgKind::kSwitch && value.empty()) {
      if (i + 1 == args.size()) return absl::InvalidArgumentError("--" + name + " needs a value");
      value = args[++i];
    }
    if (flag->kind == ArgKind::kList && request.fields().contains(flag->field)) {
      Struct more;
      if (absl::Status set = SetValue(*flag, value, more); !set.ok()) return set;
      for (const Value& item : more.fields().at(flag->field).list_value().values()) {
        *(*request.mutable_fields())[flag->field].mutable_list_value()->add_values() = item;
      }
    } else if (absl::Status set = SetValue(*flag, value, request); !set.ok()) {
      return set;
    }
  }
  if (positional < verb.positional.size()) {
    return absl::InvalidArgumentError("missing " + absl::AsciiStrToUpper(verb.positional[positional].name));
  }
  for (const Arg& flag : verb.flags) {
    if (flag.required && !request.fields().contains(flag.field)) {
      return absl::InvalidArgumentError("--" + flag.name + " is required");
    }
  }
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(request, &json);
  return json;
}

std::string VerbUsage(const Verb& verb) {
  std::string usage = "gigctl " + verb.group + " " + verb.name;
  for (const Arg& arg : verb.positional) usage += " " + absl::AsciiStrToUpper(arg.name);
  for (const Arg& flag : verb.flags) usage += " " + ArgUsage(flag);
  return verb.confirm ? usage + " [--yes]" : usage;
}

std::string VerbHelp(const Verb& verb) {
  // "  NAME  help" lines, the help aligned at column 22.
  auto line = [](const std::string& name, const std::string& help) {
    std::string padding(name.size() < 20 ? 20 - name.size() : 2, ' ');
    return absl::StrCat("  ", name, padding, help, "\n");
  };
  std::string help = absl::StrCat(VerbUsage(verb), "\n\n", verb.summary, " (", verb.method, ").\n");
  if (!verb.positional.empty() || !verb.flags.empty()) help += "\nArguments:\n";
  for (const Arg& arg : verb.positional) help += line(absl::AsciiStrToUpper(arg.name), arg.help);
  for (const Arg& flag : verb.flags) help += line("--" + flag.name, flag.help);
  if (verb.confirm) help += line("--yes", "do not ask for confirmation");
  return absl::StrCat(help, "\nExample:\n  ", verb.example, "\n");
}

}  // namespace gigctl
