// Unit tests of gigctl's pieces that need no server: turning a verb's
// arguments into its request, showing fields for humans, tables and JSON
// lines, the saved login file, exit codes and the completion script.
#include <sys/stat.h>

#include <google/protobuf/descriptor.h>
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <memory>
#include <sstream>
#include <tuple>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "cmd/gigctl/commands.h"
#include "cmd/gigctl/connection_notices.h"
#include "cmd/gigctl/download.h"
#include "cmd/gigctl/dynamic_call.h"
#include "cmd/gigctl/money.h"
#include "cmd/gigctl/names.h"
#include "cmd/gigctl/output.h"
#include "cmd/gigctl/session.h"
#include "cmd/gigctl/verb_runner.h"
#include "cmd/gigctl/verbs.h"
#include "gigwire/v1/assignment.pb.h"
#include "gigwire/v1/catalog.pb.h"
#include "gigwire/v1/conversation.pb.h"
#include "gigwire/v1/dispute.pb.h"
#include "gigwire/v1/file.pb.h"
#include "gigwire/v1/job.pb.h"
#include "gigwire/v1/ledger.pb.h"
#include "gigwire/v1/proposal.pb.h"
#include "gigwire/v1/seller.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gigctl {
namespace {

using ::testing::HasSubstr;

// Equal JSON objects, whatever the order of their keys.
bool SameJson(const std::string& a, const std::string& b) {
  google::protobuf::Struct left, right;
  return google::protobuf::util::JsonStringToMessage(a, &left).ok() &&
         google::protobuf::util::JsonStringToMessage(b, &right).ok() &&
         google::protobuf::util::MessageDifferencer::Equals(left, right);
}

gigwire::v1::Job SampleJob();  // below

absl::StatusOr<std::string> Request(const std::string& group, const std::string& name,
                                    std::vector<std::string> args, Switches* switches = nullptr) {
  Switches ignored;
  const Verb* verb = FindVerb(group, name);
  EXPECT_NE(verb, nullptr) << group << " " << name;
  if (verb == nullptr) return absl::NotFoundError(group + " " + name);
  return RequestJson(*verb, args, switches == nullptr ? &ignored : switches);
}

// Names from a table: users "usr_N" <-> "nN@example.com", categories "cat_x" <-> "x".
class FakeNames : public Names {
 public:
  absl::StatusOr<std::string> UserId(const std::string& value) override {
    if (value.find('@') == std::string::npos) return value;
    if (value.rfind("n", 0) != 0) return absl::NotFoundError("no account has the email " + value);
    return "usr_" + value.substr(1, value.find('@') - 1);
  }
  absl::StatusOr<std::string> CategoryId(const std::string& value) override {
    return value.rfind("cat_", 0) == 0 ? value : "cat_" + value;
  }
  std::string Label(IdKind kind, const std::string& id) override {
    if (kind == IdKind::kUser) return "Name " + id.substr(4) + " <n" + id.substr(4) + "@example.com>";
    if (kind == IdKind::kJob) return "\"Logo\" (" + id + ")";
    return id.substr(4);
  }
};

TEST(RequestJsonTest, PositionalFlagsListsAndDurations) {
  Switches switches;
  absl::StatusOr<std::string> json =
      Request("jobs", "assign",
              {"job_1", "--seller", "usr_a,usr_b", "--seller=usr_c", "--note", "fits", "--ttl",
               "36h", "--yes"},
              &switches);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(SameJson(
      *json, R"({"jobId":"job_1","sellerIds":["usr_a","usr_b","usr_c"],"note":"fits","offerTtl":"129600s"})"))
      << *json;
  EXPECT_TRUE(switches.yes);
  EXPECT_FALSE(switches.all);
}

TEST(RequestJsonTest, EnumsRatingsSwitchesAndFixedFields) {
  EXPECT_TRUE(SameJson(
      *Request("sellers", "search",
               {"--available", "--min-rating", "4.5", "--sort", "rating", "--skill", "logo"}),
      R"({"availableOnly":true,"minRatingMilli":4500,"orderBy":"SELLER_ORDER_RATING","skill":"logo"})"));
  EXPECT_TRUE(SameJson(*Request("jobs", "list", {"--state", "pending-review"}),
                       R"({"state":"JOB_STATE_PENDING_REVIEW"})"));
  EXPECT_TRUE(SameJson(*Request("jobs", "pending", {}), R"({"state":"JOB_STATE_PENDING_REVIEW"})"));
  EXPECT_TRUE(SameJson(*Request("users", "grant", {"usr_1", "seller"}),
                       R"({"userId":"usr_1","role":"ROLE_SELLER"})"));
}

TEST(RequestJsonTest, UsageErrorsSayWhatIsWrong) {
  EXPECT_EQ(Request("jobs", "show", {}).status().message(), "missing JOB");
  EXPECT_EQ(Request("jobs", "show", {"a", "b"}).status().message(), "unexpected argument 'b'");
  EXPECT_EQ(Request("jobs", "reject", {"job_1"}).status().message(), "--reason is required");
  EXPECT_EQ(Request("jobs", "list", {"--color"}).status().message(), "unknown flag --color");
  EXPECT_EQ(Request("jobs", "list", {"--buyer"}).status().message(), "--buyer needs a value");
  EXPECT_EQ(Request("jobs", "assign", {"j", "--seller", "s", "--ttl", "soon"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Request("jobs", "list", {"--page-size", "many"}).status().message(),
            "--page-size: 'many' is not a number");
}

TEST(RequestJsonTest, ListFlagsTakeRepeatsCommasAndTheWordsAfterThem) {
  EXPECT_TRUE(SameJson(*Request("jobs", "assign", {"job_1", "--seller", "A", "--seller", "B", "C"}),
                       R"({"jobId":"job_1","sellerIds":["A","B","C"]})"));
  EXPECT_TRUE(SameJson(
      *Request("jobs", "assign", {"job_1", "--seller", "A, B", "C", "--note", "n", "--seller", "D"}),
      R"({"jobId":"job_1","sellerIds":["A","B","C","D"],"note":"n"})"));
  // Before the job is given, the word after a seller is the job.
  EXPECT_TRUE(SameJson(*Request("jobs", "assign", {"--seller", "A", "job_1"}),
                       R"({"jobId":"job_1","sellerIds":["A"]})"));
}

TEST(RequestJsonTest, OpenMarketVerbs) {
  EXPECT_TRUE(SameJson(
      *Request("jobs", "open",
               {"--category", "design", "--skill", "logo", "--currency", "USD", "--order", "closing"}),
      R"({"categoryId":"design","skill":"logo","currencyCode":"USD","orderBy":"OPEN_JOB_ORDER_CLOSING_SOON"})"));
  EXPECT_TRUE(SameJson(*Request("jobs", "open", {"--order", "budget"}),
                       R"({"orderBy":"OPEN_JOB_ORDER_BUDGET"})"));
  EXPECT_TRUE(SameJson(
      *Request("proposals", "list",
               {"--job", "job_1", "--seller", "sam@example.com", "--state", "not-selected",
                "--shortlisted", "--order", "rating"}),
      R"({"jobId":"job_1","sellerId":"sam@example.com","state":"PROPOSAL_STATE_NOT_SELECTED",
          "shortlistedOnly":true,"orderBy":"PROPOSAL_ORDER_SELLER_RATING"})"));
  EXPECT_TRUE(SameJson(*Request("proposals", "list", {"--job", "job_1", "--order", "price"}),
                       R"({"jobId":"job_1","orderBy":"PROPOSAL_ORDER_PRICE"})"));
  EXPECT_TRUE(SameJson(*Request("portfolio", "list", {"--seller", "usr_1"}),
                       R"({"sellerId":"usr_1"})"));
  EXPECT_EQ(Request("portfolio", "list", {}).status().message(), "--seller is required");
  // Every request names real fields and enum values of its method.
  for (const auto& [group, name, args] :
       std::vector<std::tuple<std::string, std::string, std::vector<std::string>>>{
           {"jobs", "open", {"--order", "closing", "--currency", "EUR"}},
           {"proposals", "list", {"--state", "not-selected", "--order", "rating", "--shortlisted"}},
           {"proposals", "show", {"prp_1"}},
           {"portfolio", "list", {"--seller", "usr_1"}}}) {
    const Verb* verb = FindVerb(group, name);
    ASSERT_NE(verb, nullptr) << group << " " << name;
    Switches switches;
    absl::StatusOr<std::string> json = RequestJson(*verb, args, &switches);
    ASSERT_TRUE(json.ok()) << json.status();
    const google::protobuf::Message* prototype =
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(
            VerbMethod(*verb)->input_type());
    std::unique_ptr<google::protobuf::Message> request(prototype->New());
    EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(*json, request.get()).ok())
        << group << " " << name << ": " << *json;
  }
}

TEST(RequestJsonTest, AllWalksPagesOfPagedVerbsOnly) {
  Switches switches;
  EXPECT_TRUE(SameJson(*Request("users", "list", {"--all", "--role", "seller"}, &switches),
                       R"({"role":"ROLE_SELLER"})"));
  EXPECT_TRUE(switches.all);
  EXPECT_EQ(Request("jobs", "show", {"job_1", "--all"}).status().message(), "unknown flag --all");
  EXPECT_EQ(Request("jobs", "list", {"--all", "--page-token", "t"}).status().message(),
            "--all starts at the first page: drop --page-token");
  // A list verb pages exactly when its method does (ListMilestones and
  // ListCategories answer in one go).
  for (const Verb& verb : AdminVerbs()) {
    const google::protobuf::MethodDescriptor* method = VerbMethod(verb);
    ASSERT_NE(method, nullptr) << verb.method;
    bool paged_method = method->input_type()->FindFieldByName("page_token") != nullptr;
    EXPECT_EQ(IsPaged(verb), paged_method && !verb.list_field.empty())
        << verb.group << " " << verb.name;
    if (IsPaged(verb)) {
      EXPECT_THAT(VerbHelp(verb), HasSubstr("--all")) << verb.group << " " << verb.name;
    }
  }
  EXPECT_FALSE(IsPaged(*FindVerb("milestones", "list")));
  EXPECT_TRUE(IsPaged(*FindVerb("ledger", "entries")));
}

// The verb table against the compiled-in descriptors: every method, request
// field, enum value, column, section and `done` placeholder a verb names
// exists, with the type its kind of argument needs.
class VerbTableTest : public ::testing::Test {
 protected:
  using Descriptor = google::protobuf::Descriptor;
  using FieldDescriptor = google::protobuf::FieldDescriptor;

  // The field a dotted path ends at in `type`, or nullptr.
  static const FieldDescriptor* PathField(const Descriptor* type, const std::string& path) {
    const FieldDescriptor* field = nullptr;
    for (absl::string_view part : absl::StrSplit(path, '.')) {
      if (type == nullptr) return nullptr;
      field = type->FindFieldByName(std::string(part));
      if (field == nullptr) return nullptr;
      type = field->message_type();
    }
    return field;
  }

  // The field whose JSON name is `json_name` ("bookingId"), or nullptr.
  static const FieldDescriptor* JsonField(const Descriptor* type, const std::string& json_name) {
    for (int i = 0; i < type->field_count(); ++i) {
      if (type->field(i)->json_name() == json_name) return type->field(i);
    }
    return nullptr;
  }

  // The element type of repeated message field `list_field`, or `type` itself.
  static const Descriptor* RowType(const Descriptor* type, const std::string& list_field) {
    if (list_field.empty()) return type;
    const FieldDescriptor* field = type->FindFieldByName(list_field);
    if (field == nullptr || !field->is_repeated()) return nullptr;
    return field->message_type();
  }

  static void ExpectColumns(const Descriptor* type, const std::vector<Column>& columns,
                            const std::string& where) {
    ASSERT_NE(type, nullptr) << where;
    for (const Column& column : columns) {
      EXPECT_NE(PathField(type, column.path), nullptr)
          << where << ": " << type->full_name() << " has no " << column.path;
    }
  }

  // What a verb's argument of `kind` needs of its request field.
  static void ExpectArgField(const Descriptor* request, const Arg& arg, const std::string& where) {
    const FieldDescriptor* field = JsonField(request, arg.field);
    ASSERT_NE(field, nullptr) << where << ": " << request->full_name() << " has no " << arg.field;
    auto message = [field] {
      return field->message_type() == nullptr ? "" : field->message_type()->full_name();
    };
    switch (arg.kind) {
      case ArgKind::kText:
        EXPECT_EQ(field->type(), FieldDescriptor::TYPE_STRING) << where;
        EXPECT_FALSE(field->is_repeated()) << where;
        break;
      case ArgKind::kList: EXPECT_TRUE(field->is_repeated()) << where; break;
      case ArgKind::kSwitch: EXPECT_EQ(field->type(), FieldDescriptor::TYPE_BOOL) << where; break;
      case ArgKind::kNumber:
        EXPECT_EQ(field->cpp_type(), FieldDescriptor::CPPTYPE_INT32) << where;
        break;
      case ArgKind::kRating:
        EXPECT_TRUE(absl::EndsWith(field->name(), "_milli")) << where;
        break;
      case ArgKind::kDuration: EXPECT_EQ(message(), "google.protobuf.Duration") << where; break;
      case ArgKind::kTime: EXPECT_EQ(message(), "google.protobuf.Timestamp") << where; break;
      case ArgKind::kMoney: EXPECT_EQ(message(), "gigwire.v1.Money") << where; break;
      case ArgKind::kEnum:
        ASSERT_NE(field->enum_type(), nullptr) << where;
        for (const std::string& choice : arg.choices) {
          std::string name = absl::AsciiStrToUpper(absl::StrReplaceAll(choice, {{"-", "_"}}));
          for (const auto& [alias, value] : arg.aliases) {
            if (choice == alias) name = value;
          }
          EXPECT_NE(field->enum_type()->FindValueByName(arg.enum_prefix + name), nullptr)
              << where << ": " << choice;
        }
        break;
    }
  }

  // A value of each kind, as a user would type it.
  static std::vector<std::string> SampleArgs(const Verb& verb) {
    auto sample = [](const Arg& arg) -> std::string {
      switch (arg.kind) {
        case ArgKind::kNumber: return "5";
        case ArgKind::kRating: return "4.5";
        case ArgKind::kDuration: return "48h";
        case ArgKind::kTime: return "2026-05-01";
        case ArgKind::kMoney: return "USD 1.50";
        case ArgKind::kEnum: return arg.choices.front();
        default: return "x_1";
      }
    };
    std::vector<std::string> args;
    for (const Arg& arg : verb.positional) args.push_back(sample(arg));
    for (const Arg& flag : verb.flags) {
      if (flag.name == "page-token") continue;
      args.push_back("--" + flag.name);
      if (flag.kind != ArgKind::kSwitch) args.push_back(sample(flag));
    }
    return args;
  }
};

TEST_F(VerbTableTest, EveryVerbResolvesAgainstTheDescriptors) {
  for (const Verb& verb : AdminVerbs()) {
    std::string where = verb.group + " " + verb.name;
    const google::protobuf::MethodDescriptor* method = VerbMethod(verb);
    ASSERT_NE(method, nullptr) << where << ": " << verb.method;
    const Descriptor* request = method->input_type();
    const Descriptor* response = method->output_type();
    for (const Arg& arg : verb.positional) ExpectArgField(request, arg, where);
    for (const Arg& arg : verb.flags) ExpectArgField(request, arg, where);
    ExpectColumns(RowType(response, verb.list_field), verb.columns, where);
    ExpectColumns(request, verb.confirm, where + " (confirm)");
    for (size_t open = verb.done.find('{'); open != std::string::npos;
         open = verb.done.find('{', open + 1)) {
      std::string field = verb.done.substr(open + 1, verb.done.find('}', open) - open - 1);
      EXPECT_NE(PathField(response, field), nullptr) << where << ": done names " << field;
    }
    if (!verb.ok_field.empty()) {
      const FieldDescriptor* ok = response->FindFieldByName(verb.ok_field);
      ASSERT_NE(ok, nullptr) << where;
      EXPECT_EQ(ok->type(), FieldDescriptor::TYPE_BOOL) << where;
      EXPECT_FALSE(verb.not_ok.empty()) << where;
    }
    for (const Section& section : verb.sections) {
      std::string in = where + " / " + section.title;
      const Descriptor* shown = response;
      if (!section.method.empty()) {
        const google::protobuf::MethodDescriptor* called = FindMethod(section.method);
        ASSERT_NE(called, nullptr) << in << ": " << section.method;
        for (const auto& [request_field, shown_field] : section.request_from) {
          EXPECT_NE(JsonField(called->input_type(), request_field), nullptr)
              << in << ": " << request_field;
          EXPECT_NE(PathField(response, shown_field), nullptr) << in << ": " << shown_field;
        }
        shown = called->output_type();
      } else {
        EXPECT_TRUE(section.request_from.empty()) << in;
      }
      ExpectColumns(shown, section.record, in);
      if (!section.list_field.empty()) {
        ExpectColumns(RowType(shown, section.list_field), section.columns, in);
      }
    }
    // A request with every argument given parses as the method's request
    // (fixed fields included).
    Switches switches;
    absl::StatusOr<std::string> json = RequestJson(verb, SampleArgs(verb), &switches);
    ASSERT_TRUE(json.ok()) << where << ": " << json.status();
    std::unique_ptr<google::protobuf::Message> parsed(
        google::protobuf::MessageFactory::generated_factory()->GetPrototype(request)->New());
    EXPECT_TRUE(MessageFromJson(*json, *parsed).ok()) << where << ": " << *json;
  }
}

TEST(RequestJsonTest, MoneyVerbs) {
  EXPECT_TRUE(
      SameJson(*Request("payments", "pending", {}),
                       R"({"state":"PAYMENT_STATE_PENDING","gateway":"manual"})"));
  EXPECT_TRUE(SameJson(*Request("payments", "confirm", {"pay_1", "--note", "ref 118"}),
                       R"({"id":"pay_1","note":"ref 118"})"));
  EXPECT_EQ(Request("payments", "confirm", {"pay_1"}).status().message(), "--note is required");
  EXPECT_TRUE(SameJson(
      *Request("payments", "list", {"--state", "failed", "--buyer", "n2@example.com", "--booking",
                                    "bkg_1", "--milestone", "mst_1"}),
      R"({"state":"PAYMENT_STATE_FAILED","buyerId":"n2@example.com","bookingId":"bkg_1",
          "milestoneId":"mst_1"})"));
  EXPECT_TRUE(
      SameJson(*Request("payouts", "pending", {}), R"({"state":"PAYOUT_STATE_REQUESTED"})"));
  EXPECT_TRUE(SameJson(*Request("payouts", "mark-paid", {"pyt_1", "--reference", "WIRE-1"}),
                       R"({"id":"pyt_1","reference":"WIRE-1"})"));
  EXPECT_EQ(Request("payouts", "mark-paid", {"pyt_1"}).status().message(),
            "--reference is required");
  EXPECT_TRUE(SameJson(*Request("disputes", "list", {"--state", "open", "--booking", "bkg_1"}),
                       R"({"state":"DISPUTE_STATE_OPEN","bookingId":"bkg_1"})"));
  EXPECT_TRUE(SameJson(*Request("disputes", "note", {"dsp_1", "--text", "seen", "--internal"}),
                       R"({"id":"dsp_1","text":"seen","internal":true})"));
  EXPECT_TRUE(SameJson(*Request("disputes", "note", {"dsp_1", "--text", "seen"}),
                       R"({"id":"dsp_1","text":"seen"})"));
  EXPECT_TRUE(SameJson(*Request("milestones", "list", {"bkg_1"}), R"({"bookingId":"bkg_1"})"));
  EXPECT_TRUE(SameJson(*Request("milestones", "show", {"mst_1"}), R"({"id":"mst_1"})"));
  EXPECT_TRUE(SameJson(*Request("ledger", "balance", {"--user", "n3@example.com"}),
                       R"({"userId":"n3@example.com"})"));
  EXPECT_TRUE(SameJson(*Request("ledger", "balance", {}), "{}"));
  EXPECT_TRUE(SameJson(*Request("ledger", "reconcile", {}), "{}"));
}

TEST(RequestJsonTest, ResolveTakesMoneyAsGigctlPrintsIt) {
  Switches switches;
  absl::StatusOr<std::string> json =
      Request("disputes", "resolve",
              {"dsp_1", "--to-seller", "USD 90.00", "--refunded=60.5usd", "--note", "split",
               "--yes"},
              &switches);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(SameJson(*json, R"({"id":"dsp_1",
      "toSeller":{"currencyCode":"USD","amountMinor":"9000"},
      "refunded":{"currencyCode":"USD","amountMinor":"6050"},"note":"split"})"))
      << *json;
  EXPECT_TRUE(switches.yes);
  EXPECT_TRUE(SameJson(
      *Request("disputes", "resolve",
               {"dsp_1", "--to-seller", "JPY 1500", "--refunded", "JPY 0", "--note", "n"}),
      R"({"id":"dsp_1","toSeller":{"currencyCode":"JPY","amountMinor":"1500"},
          "refunded":{"currencyCode":"JPY","amountMinor":"0"},"note":"n"})"));
  EXPECT_EQ(Request("disputes", "resolve", {"dsp_1", "--to-seller", "90", "--refunded", "USD 0",
                                            "--note", "n"})
                .status()
                .message(),
            "--to-seller: '90' is not an amount of money: it needs its currency "
            "(e.g. 'USD 120.00')");
  EXPECT_EQ(Request("disputes", "resolve", {"dsp_1", "--to-seller", "USD 1", "--note", "n"})
                .status()
                .message(),
            "--refunded is required");
  // The resolution is confirmed first, its amounts as gigctl read them.
  gigwire::v1::ResolveDisputeRequest resolve;
  ASSERT_TRUE(MessageFromJson(*json, resolve).ok());
  FakeNames names;
  EXPECT_EQ(ConfirmationText(*FindVerb("disputes", "resolve"), resolve, names),
            "disputes resolve:\n"
            "DISPUTE:   dsp_1\n"
            "TO SELLER: USD 90.00\n"
            "REFUNDED:  USD 60.50\n"
            "NOTE:      split\n");
}

TEST(RequestJsonTest, LedgerEntriesTakeTimesAndDurationsAgo) {
  EXPECT_TRUE(SameJson(
      *Request("ledger", "entries",
               {"--booking", "bkg_1", "--since", "2026-05-01", "--until", "2026-05-02 12:30"}),
      R"({"bookingId":"bkg_1","since":"2026-05-01T00:00:00Z","until":"2026-05-02T12:30:00Z"})"));
  EXPECT_TRUE(SameJson(*Request("ledger", "entries", {"--since", "2026-05-01T10:00:00+02:00"}),
                       R"({"since":"2026-05-01T08:00:00Z"})"));
  // "48h" and "7d": that long before now.
  for (const auto& [text, ago] : std::vector<std::pair<std::string, absl::Duration>>{
           {"48h", absl::Hours(48)}, {"7d", absl::Hours(24 * 7)}}) {
    absl::Time before = absl::Now() - ago;
    absl::StatusOr<std::string> json = Request("ledger", "entries", {"--since", text});
    ASSERT_TRUE(json.ok()) << json.status();
    gigwire::v1::ListLedgerEntriesRequest request;
    ASSERT_TRUE(MessageFromJson(*json, request).ok()) << *json;
    absl::Time since = absl::FromUnixSeconds(request.since().seconds());
    EXPECT_LE(absl::AbsDuration(since - before), absl::Seconds(5)) << text;
  }
  EXPECT_EQ(Request("ledger", "entries", {"--since", "last week"}).status().message(),
            "--since: 'last week' is not a time like 2026-05-01, '2026-05-01 14:30' (UTC) or "
            "48h (ago)");
}

TEST(RequestJsonTest, SellerVerbsAndShowVerbs) {
  EXPECT_TRUE(SameJson(*Request("offers", "list", {"--state", "pending"}),
                       R"({"state":"OFFER_STATE_PENDING"})"));
  EXPECT_TRUE(SameJson(*Request("offers", "accept", {"off_1"}), R"({"id":"off_1"})"));
  EXPECT_TRUE(SameJson(*Request("offers", "decline", {"off_1", "--reason", "busy"}),
                       R"({"id":"off_1","reason":"busy"})"));
  EXPECT_EQ(Request("bookings", "deliver", {"bkg_1"}).status().message(), "--note is required");
  EXPECT_TRUE(SameJson(*Request("sellers", "show", {"sam@example.com"}),
                       R"({"id":"sam@example.com"})"));
  for (const char* group : {"gigs", "bookings", "users", "jobs", "proposals"}) {
    EXPECT_TRUE(SameJson(*Request(group, "show", {"x_1"}), R"({"id":"x_1"})")) << group;
  }
  EXPECT_TRUE(SameJson(*Request("gigs", "list", {"--category", "logo-design", "--state", "approved"}),
                       R"({"categoryId":"logo-design","state":"GIG_STATE_APPROVED"})"));
  EXPECT_TRUE(SameJson(*Request("categories", "list", {}), "{}"));
}

TEST(ResolveIdsTest, EmailsAndSlugsBecomeIds) {
  FakeNames names;
  gigwire::v1::AssignSellersRequest assign;
  assign.set_job_id("job_1");
  assign.add_seller_ids("n7@example.com");
  assign.add_seller_ids("usr_8");
  ASSERT_TRUE(ResolveIds(*FindVerb("jobs", "assign"), assign, names).ok());
  EXPECT_THAT(assign.seller_ids(), ::testing::ElementsAre("usr_7", "usr_8"));
  EXPECT_EQ(assign.job_id(), "job_1");
  gigwire::v1::ListGigsRequest gigs;
  gigs.set_category_id("logo-design");
  gigs.set_seller_id("n3@example.com");
  ASSERT_TRUE(ResolveIds(*FindVerb("gigs", "list"), gigs, names).ok());
  EXPECT_EQ(gigs.category_id(), "cat_logo-design");
  EXPECT_EQ(gigs.seller_id(), "usr_3");
  assign.add_seller_ids("someone@example.com");
  absl::Status unknown = ResolveIds(*FindVerb("jobs", "assign"), assign, names);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
}

TEST(ConfirmationTest, SummarizesTheAssignmentByName) {
  FakeNames names;
  gigwire::v1::AssignSellersRequest assign;
  assign.set_job_id("job_1");
  assign.add_seller_ids("usr_7");
  assign.add_seller_ids("usr_8");
  assign.set_note("fits");
  EXPECT_EQ(ConfirmationText(*FindVerb("jobs", "assign"), assign, names),
            "jobs assign:\n"
            "JOB:                 \"Logo\" (job_1)\n"
            "SELLERS:             Name 7 <n7@example.com>, Name 8 <n8@example.com>\n"
            "NOTE:                fits\n"
            "OFFERS EXPIRE AFTER: -\n");
  assign.mutable_offer_ttl()->set_seconds(48 * 3600);
  EXPECT_THAT(ConfirmationText(*FindVerb("jobs", "assign"), assign, names),
              HasSubstr("OFFERS EXPIRE AFTER: 48h\n"));
  std::istringstream yes("y\n"), no("\n"), shouted("YES\n");
  std::ostringstream asked;
  EXPECT_TRUE(Confirmed("q?\n", yes, asked));
  EXPECT_FALSE(Confirmed("q?\n", no, asked));
  EXPECT_TRUE(Confirmed("q?\n", shouted, asked));
  EXPECT_EQ(asked.str(), "q?\nGo ahead? [y/N] q?\nGo ahead? [y/N] q?\nGo ahead? [y/N] ");
}

TEST(PrinterTest, TablesShowNamesAndJsonKeepsIds) {
  FakeNames names;
  gigwire::v1::Job job = SampleJob();
  job.set_buyer_id("usr_4");
  job.set_category_id("cat_logos");
  std::vector<Column> columns = {{"ID", "id"}, {"BUYER", "buyer_id", IdKind::kUser},
                                 {"CATEGORY", "category_id", IdKind::kCategory}};
  auto labels = [&names](IdKind kind, const std::string& id) { return names.Label(kind, id); };
  std::ostringstream table, lines;
  Printer tables(table, /*json=*/false, /*colour=*/false);
  tables.set_labeler(labels);
  tables.Table({&job}, columns);
  EXPECT_EQ(table.str(),
            "ID     BUYER                    CATEGORY\njob_1  Name 4 <n4@example.com>  logos\n");
  Printer json(lines, /*json=*/true, /*colour=*/false);
  json.set_labeler(labels);
  json.Table({&job}, columns);
  EXPECT_THAT(lines.str(), HasSubstr("\"buyer_id\":\"usr_4\""));
}

TEST(VerbHelpTest, EveryVerbHasUsageSummaryAndExample) {
  for (const Verb& verb : AdminVerbs()) {
    std::string help = VerbHelp(verb);
    EXPECT_THAT(help, HasSubstr("gigctl " + verb.group + " " + verb.name)) << help;
    EXPECT_THAT(help, HasSubstr("Example:\n  gigctl " + verb.group)) << help;
    EXPECT_FALSE(verb.summary.empty());
    EXPECT_NE(VerbMethod(verb), nullptr) << verb.method;
  }
}

gigwire::v1::Job SampleJob() {
  gigwire::v1::Job job;
  job.set_id("job_1");
  job.set_title("Logo");
  job.set_state(gigwire::v1::JOB_STATE_PENDING_REVIEW);
  job.mutable_budget()->mutable_min()->set_currency_code("USD");
  job.mutable_budget()->mutable_min()->set_amount_minor(20000);
  job.mutable_budget()->mutable_max()->set_currency_code("USD");
  job.mutable_budget()->mutable_max()->set_amount_minor(50050);
  job.mutable_due_time()->set_seconds(1798761600);  // 2027-01-01 00:00 UTC
  job.add_skills("logo");
  job.add_skills("svg");
  return job;
}

TEST(FieldTextTest, FormatsForHumans) {
  gigwire::v1::Job job = SampleJob();
  EXPECT_EQ(FieldText(job, "state"), "PENDING_REVIEW");
  EXPECT_EQ(FieldText(job, "budget"), "USD 200.00-500.50");
  EXPECT_EQ(FieldText(job, "budget.max"), "USD 500.50");
  EXPECT_EQ(FieldText(job, "due_time"), "2027-01-01 00:00");
  EXPECT_EQ(FieldText(job, "skills"), "logo, svg");
  EXPECT_EQ(FieldText(job, "preferred_start_time"), "");
  EXPECT_EQ(FieldText(job, "no_such_field"), "");
  gigwire::v1::SellerPreview seller;
  seller.set_rating_milli(4500);
  EXPECT_EQ(FieldText(seller, "rating_milli"), "4.50");
  EXPECT_EQ(FieldText(job, "sourcing_mode"), "");  // unset: shown as "-" in records
  job.set_sourcing_mode(gigwire::v1::SOURCING_MODE_OPEN);
  EXPECT_EQ(FieldText(job, "sourcing_mode"), "OPEN");
  gigwire::v1::Proposal proposal;
  for (const auto& [title, amount, day] : std::vector<std::tuple<const char*, int, int>>{
           {"Sketches", 15000, 4}, {"Final kit", 30050, 10}}) {
    gigwire::v1::PlannedMilestone* step = proposal.add_milestones();
    step->set_title(title);
    step->mutable_amount()->set_currency_code("USD");
    step->mutable_amount()->set_amount_minor(amount);
    step->set_due_in_days(day);
  }
  EXPECT_EQ(FieldText(proposal, "milestones"),
            "Sketches: USD 150.00 by day 4, Final kit: USD 300.50 by day 10");
}

TEST(MoneyTest, PrintsInTheCurrencysOwnDecimals) {
  EXPECT_EQ(MoneyText("USD", 12050), "USD 120.50");
  EXPECT_EQ(MoneyText("USD", 5), "USD 0.05");
  EXPECT_EQ(MoneyText("USD", -50), "USD -0.50");
  EXPECT_EQ(MoneyText("USD", -15000), "USD -150.00");
  EXPECT_EQ(MoneyText("JPY", 1500), "JPY 1500");
  EXPECT_EQ(MoneyText("KWD", 1500), "KWD 1.500");
  EXPECT_EQ(MoneyText("ZZZ", 1500), "ZZZ 15.00");  // an unknown code: two decimals
  EXPECT_EQ(MoneyText("USD", std::numeric_limits<int64_t>::min()),
            "USD -92233720368547758.08");
}

TEST(MoneyTest, ReadsWhatItPrints) {
  for (const auto& [text, code, minor] :
       std::vector<std::tuple<std::string, std::string, int64_t>>{
           {"USD 120.50", "USD", 12050}, {"120.50 USD", "USD", 12050}, {"usd120.5", "USD", 12050},
           {"120USD", "USD", 12000},     {" EUR 0 ", "EUR", 0},        {"USD 7.", "USD", 700},
           {"JPY 1500", "JPY", 1500},    {"KWD 1.5", "KWD", 1500},
           {"USD 92233720368547758.07", "USD", std::numeric_limits<int64_t>::max()}}) {
    absl::StatusOr<MoneyValue> money = ParseMoney(text);
    ASSERT_TRUE(money.ok()) << text << ": " << money.status();
    EXPECT_EQ(money->currency_code, code) << text;
    EXPECT_EQ(money->amount_minor, minor) << text;
    EXPECT_EQ(ParseMoney(MoneyText(code, minor))->amount_minor, minor) << text;
  }
  for (const auto& [text, why] : std::vector<std::pair<std::string, std::string>>{
           {"120.00", "it needs its currency"},
           {"", "it needs its currency"},
           {"USD", "it has no amount"},
           {"USD -5", "it is negative"},
           {"USD 1,200.00", "the amount is not a number"},
           {"USD 1e3", "the amount is not a number"},
           {"USD 1.005", "USD has 2 decimals"},
           {"JPY 15.5", "JPY has 0 decimals"},
           {"XYZ 10", "XYZ is not an ISO 4217 currency"},
           {"USD 92233720368547758.08", "it is too large"}}) {
    absl::StatusOr<MoneyValue> money = ParseMoney(text);
    EXPECT_EQ(money.status().code(), absl::StatusCode::kInvalidArgument) << text;
    EXPECT_EQ(money.status().message(), "'" + text + "' is not an amount of money: " + why +
                                            " (e.g. 'USD 120.00')");
  }
}

TEST(FieldTextTest, MoneyOfTheMoneyResources) {
  gigwire::v1::LedgerEntry entry;
  entry.set_currency_code("USD");
  entry.set_amount_minor(-15050);
  entry.set_sequence(42);
  EXPECT_EQ(FieldText(entry, "amount_minor"), "USD -150.50");  // signed, with its currency
  EXPECT_EQ(FieldText(entry, "sequence"), "42");
  gigwire::v1::Dispute dispute;
  dispute.mutable_amount()->set_currency_code("JPY");
  dispute.mutable_amount()->set_amount_minor(1500);
  EXPECT_EQ(FieldText(dispute, "amount"), "JPY 1500");
  EXPECT_EQ(FieldText(dispute, "to_seller"), "");  // unset until resolved: "-" in records
  gigwire::v1::ReconcileLedgerResponse reconciled;
  for (const auto& [code, minor] : std::vector<std::pair<std::string, int64_t>>{
           {"EUR", 990}, {"USD", 120000}}) {
    gigwire::v1::Money* fee = reconciled.add_platform_fees();
    fee->set_currency_code(code);
    fee->set_amount_minor(minor);
  }
  EXPECT_EQ(FieldText(reconciled, "platform_fees"), "EUR 9.90, USD 1200.00");
}

TEST(PrinterTest, RecordsPutLongListsOnLinesOfTheirOwn) {
  gigwire::v1::ReconcileLedgerResponse reconciled;
  reconciled.set_transactions(12);
  reconciled.add_violations("escrow:bkg_1:USD is -100, below zero");
  reconciled.add_violations("ltx_9 does not balance in USD");
  std::ostringstream out;
  Printer(out, /*json=*/false, /*colour=*/false)
      .Record(reconciled, FindVerb("ledger", "reconcile")->columns);
  EXPECT_THAT(out.str(), HasSubstr("OK:                no\n"
                                   "TRANSACTIONS:      12\n"));
  EXPECT_THAT(out.str(), HasSubstr("VIOLATIONS:        escrow:bkg_1:USD is -100, below zero\n"
                                   "                   ltx_9 does not balance in USD\n"));
  std::ostringstream clean;
  Printer(clean, /*json=*/false, /*colour=*/false)
      .Record(gigwire::v1::ReconcileLedgerResponse(), FindVerb("ledger", "reconcile")->columns);
  EXPECT_THAT(clean.str(), HasSubstr("VIOLATIONS:        -\n"));
}

TEST(VerbOutcomeTest, ReconcileFailsWithDataLossOnViolations) {
  const Verb& reconcile = *FindVerb("ledger", "reconcile");
  gigwire::v1::ReconcileLedgerResponse response;
  response.add_violations("ltx_9 does not balance in USD");
  absl::Status failed = VerbOutcome(reconcile, response);
  EXPECT_EQ(failed.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ExitCodeFor(failed), 15);
  EXPECT_THAT(failed.message(), HasSubstr("violations"));
  response.set_ok(true);
  response.clear_violations();
  EXPECT_TRUE(VerbOutcome(reconcile, response).ok());
  EXPECT_TRUE(VerbOutcome(*FindVerb("jobs", "show"), gigwire::v1::Job()).ok());
}

TEST(PrinterTest, AlignsTablesAndWritesJsonLines) {
  gigwire::v1::Job a = SampleJob(), b = SampleJob();
  b.set_id("job_22");
  b.set_title("A longer title");
  std::ostringstream table;
  Printer(table, /*json=*/false, /*colour=*/false).Table({&a, &b}, {{"ID", "id"}, {"TITLE", "title"}});
  EXPECT_EQ(table.str(), "ID      TITLE\njob_1   Logo\njob_22  A longer title\n");
  std::ostringstream lines;
  Printer(lines, /*json=*/true, /*colour=*/false).Table({&a, &b}, {{"ID", "id"}});
  std::string text = lines.str();
  EXPECT_THAT(text, HasSubstr("{\"id\":\"job_22\",\"title\":\"A longer title\""));
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
}

TEST(PrinterTest, ColoursHeadersAndStatesOnATerminal) {
  gigwire::v1::Job job = SampleJob();
  std::ostringstream out;
  Printer(out, /*json=*/false, /*colour=*/true).Table({&job}, {{"ID", "id"}, {"STATE", "state"}});
  EXPECT_EQ(out.str(),
            "\033[1mID\033[0m     \033[1mSTATE\033[0m\njob_1  \033[33mPENDING_REVIEW\033[0m\n");
}

TEST(MessageToJsonTest, IndentsLikeGrpcurl) {
  gigwire::v1::Job job;
  job.set_id("job_1");
  job.add_skills("a\"b");
  job.mutable_budget()->mutable_min()->set_currency_code("USD");
  EXPECT_EQ(MessageToJson(job, /*pretty=*/true),
            "{\n  \"id\": \"job_1\",\n  \"skills\": [\n    \"a\\\"b\"\n  ],\n"
            "  \"budget\": {\n    \"min\": {\n      \"currency_code\": \"USD\"\n    }\n  }\n}");
  EXPECT_EQ(MessageToJson(gigwire::v1::Job(), /*pretty=*/true), "{}");
}

TEST(SavedLoginTest, RoundTripsWithPrivateModes) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("gigctl_test_" + std::to_string(getpid()));
  std::string path = (dir / "conf" / "config.json").string();
  SavedLogin login{"127.0.0.1:1", true, "a@example.com", "access", "refresh",
                   absl::FromUnixSeconds(1798761600), "/etc/gigwire/ca.pem"};
  ASSERT_TRUE(SaveLogin(path, login).ok());
  struct stat file {}, folder {};
  ASSERT_EQ(stat(path.c_str(), &file), 0);
  ASSERT_EQ(stat((dir / "conf").c_str(), &folder), 0);
  EXPECT_EQ(file.st_mode & 0777, 0600);
  EXPECT_EQ(folder.st_mode & 0777, 0700);
  absl::StatusOr<SavedLogin> loaded = LoadLogin(path);
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(loaded->server, "127.0.0.1:1");
  EXPECT_TRUE(loaded->insecure);
  EXPECT_EQ(loaded->cacert, "/etc/gigwire/ca.pem");
  EXPECT_EQ(loaded->refresh_token, "refresh");
  EXPECT_EQ(loaded->access_token_expire_time, absl::FromUnixSeconds(1798761600));
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(LoadLogin(path)->access_token.empty());  // no file: no login
}

TEST(HelpTest, TeachesNamesListsPagesSellersSessionsAndWatches) {
  std::string help = MainHelp();
  for (const char* taught :
       {"gigctl sellers show SELLER", "gigctl gigs list", "gigctl categories list",
        "gigctl offers accept OFFER", "gigctl bookings deliver BOOKING --note NOTE",
        "an email works as well as a usr_ id", "a slug works as well as a cat_ id",
        "--seller A,B --seller C D", "every page with --all", "--cacert FILE",
        "Open market (sealed bids):",
        "(remembered by login)", "says it has no login there", "when the connection is lost"}) {
    EXPECT_THAT(help, HasSubstr(taught));
  }
  std::string assign = VerbHelp(*FindVerb("jobs", "assign"));
  EXPECT_THAT(assign, HasSubstr("a seller (user id or email); repeat it, comma-separate, or list"));
  EXPECT_THAT(VerbHelp(*FindVerb("gigs", "list")), HasSubstr("(category id or slug)"));
  EXPECT_THAT(VerbHelp(*FindVerb("sellers", "show")),
              HasSubstr("Then: Rating and recent reviews; Gigs"));
  for (const char* taught :
       {"gigctl jobs open [--category CATEGORY] [--skill SKILL] [--currency CURRENCY] "
        "[--order newest|budget|closing]",
        "gigctl proposals list [--job JOB] [--seller SELLER]", "gigctl proposals show PROPOSAL",
        "gigctl portfolio list --seller SELLER"}) {
    EXPECT_THAT(help, HasSubstr(taught));
  }
  EXPECT_THAT(VerbHelp(*FindVerb("proposals", "show")),
              HasSubstr("Then: Job; Seller's portfolio (newest first)"));
  EXPECT_THAT(VerbHelp(*FindVerb("proposals", "list")),
              HasSubstr("--order newest|price|rating"));
}

TEST(HelpTest, TeachesTheMoneyVerbs) {
  std::string help = MainHelp();
  for (const char* taught :
       {"gigctl payments pending", "gigctl payments confirm PAYMENT --note NOTE",
        "gigctl payouts pending", "gigctl payouts mark-paid PAYOUT --reference REFERENCE",
        "gigctl disputes list [--state open|resolved] [--booking BOOKING]",
        "gigctl disputes show DISPUTE", "gigctl disputes note DISPUTE --text TEXT [--internal]",
        "gigctl disputes resolve DISPUTE --to-seller AMOUNT --refunded AMOUNT --note NOTE [--yes]",
        "gigctl ledger balance [--user USER]",
        "gigctl ledger entries [--user USER] [--booking BOOKING] [--since TIME] [--until TIME]",
        "gigctl ledger reconcile", "gigctl milestones list BOOKING",
        "gigctl milestones show MILESTONE", "'USD 120.50'", "'JPY 1500'",
        "15 (DATA_LOSS) when ledger reconcile\nfinds violations"}) {
    EXPECT_THAT(help, HasSubstr(taught));
  }
  EXPECT_THAT(VerbHelp(*FindVerb("disputes", "resolve")),
              HasSubstr("--to-seller 'USD 90.00' --refunded 'USD 60.00'"));
  EXPECT_THAT(VerbHelp(*FindVerb("disputes", "show")),
              HasSubstr("Then: Notes (oldest first; INTERNAL yes: only admins see it); Milestone"));
  EXPECT_THAT(VerbHelp(*FindVerb("bookings", "show")),
              HasSubstr("Then: Milestones; Delivered files; Job"));
  EXPECT_THAT(VerbHelp(*FindVerb("ledger", "entries")), HasSubstr("48h / 7d ago"));
}

TEST(RequestJsonTest, SupportVerbs) {
  EXPECT_TRUE(SameJson(*Request("conversations", "list", {"--user", "n5@example.com", "--all"}),
                       R"({"userId":"n5@example.com"})"));
  EXPECT_TRUE(SameJson(*Request("conversations", "show", {"cnv_1"}), R"({"id":"cnv_1"})"));
  EXPECT_TRUE(SameJson(*Request("conversations", "join", {"cnv_1"}), R"({"id":"cnv_1"})"));
  EXPECT_TRUE(SameJson(
      *Request("messages", "list", {"cnv_1", "--before", "msg_9", "--page-size", "20"}),
      R"({"conversationId":"cnv_1","beforeMessageId":"msg_9","pageSize":20})"));
  EXPECT_TRUE(SameJson(*Request("messages", "hide", {"msg_9", "--reason", "a phone number"}),
                       R"({"id":"msg_9","reason":"a phone number"})"));
  EXPECT_EQ(Request("messages", "hide", {"msg_9"}).status().message(), "--reason is required");
  EXPECT_EQ(Request("messages", "list", {"cnv_1", "--all"}).status().message(),
            "unknown flag --all");  // no page token: --before / --after instead
  EXPECT_TRUE(SameJson(*Request("files", "info", {"fil_1"}), R"({"id":"fil_1"})"));
  EXPECT_TRUE(SameJson(*Request("files", "list", {"delivery", "bkg_1"}),
                       R"({"attachedKind":"FILE_ATTACHMENT_KIND_DELIVERY","attachedToId":"bkg_1"})"));
  EXPECT_TRUE(SameJson(*Request("files", "list", {"portfolio-item", "pfi_1"}),
                       R"({"attachedKind":"FILE_ATTACHMENT_KIND_PORTFOLIO_ITEM","attachedToId":"pfi_1"})"));
  EXPECT_EQ(Request("files", "list", {"delivery"}).status().message(), "missing ID");
}

TEST(MoreHintTest, TellsHowToPageMessagesBothWays) {
  gigwire::v1::ListMessagesResponse page;
  for (const char* id : {"msg_a", "msg_b", "msg_c"}) {
    gigwire::v1::Message* message = page.add_messages();
    message->set_id(id);
    message->set_conversation_id("cnv_1");
  }
  const Verb& list = *FindVerb("messages", "list");
  EXPECT_TRUE(MoreHintLines(list.more, page, list.list_field).empty());
  page.set_has_older(true);
  page.set_has_newer(true);
  EXPECT_EQ(MoreHintLines(list.more, page, list.list_field),
            (std::vector<std::string>{"older: gigctl messages list cnv_1 --before msg_a",
                                      "newer: gigctl messages list cnv_1 --after msg_c"}));
  // `conversations show` gives the same hint under its messages.
  const Section& messages = FindVerb("conversations", "show")->sections.front();
  EXPECT_EQ(MoreHintLines(messages.more, page, messages.list_field).front(),
            "older: gigctl messages list cnv_1 --before msg_a");
}

gigwire::v1::FileInfo SampleFile() {
  gigwire::v1::FileInfo file;
  file.set_id("fil_1");
  file.set_name("brief.pdf");
  file.set_content_type("application/pdf");
  file.set_size_bytes(1536);
  file.set_attached_kind(gigwire::v1::FILE_ATTACHMENT_KIND_MESSAGE);
  return file;
}

TEST(FieldTextTest, FilesAndMessages) {
  gigwire::v1::FileInfo file = SampleFile();
  EXPECT_EQ(FieldText(file, "size_bytes"), "1536 B (1.5 KiB)");
  EXPECT_EQ(FieldText(file, "attached_kind"), "MESSAGE");
  file.set_size_bytes(512);
  EXPECT_EQ(FieldText(file, "size_bytes"), "512 B");
  file.set_size_bytes(10 * 1048576 + 1);
  EXPECT_EQ(FieldText(file, "size_bytes"), "10485761 B (10.0 MiB)");
  gigwire::v1::Message message;
  message.set_text("see attached");
  *message.add_attachments() = SampleFile();
  *message.add_attachments() = file;
  EXPECT_EQ(FieldText(message, "attachments"),
            "brief.pdf (fil_1, 1.5 KiB), brief.pdf (fil_1, 10.0 MiB)");
  gigwire::v1::Conversation conversation;
  *conversation.mutable_last_message() = message;
  conversation.mutable_last_message()->set_seq(7);
  EXPECT_EQ(FieldText(conversation, "last_message.seq"), "7");
}

TEST(PrinterTest, OthersTextCannotSteerTheTerminal) {
  EXPECT_EQ(Printable("two\nlines\r\nand\ttab"), "two\u23CE lines\u23CE and tab");
  EXPECT_EQ(Printable("\033[2Jcleared\a"), "\uFFFD[2Jcleared\uFFFD");
  EXPECT_EQ(Printable("abc\u202Edcba\u2066x\u2069"), "abc\uFFFDdcba\uFFFDx\uFFFD");
  EXPECT_EQ(Printable("\u0085next \u00e9t\u00e9 \u2014 ok"), "\uFFFDnext \u00e9t\u00e9 \u2014 ok");
  gigwire::v1::Message message;
  message.set_seq(1);
  message.set_text("hi\033]0;owned\a\nthere");
  std::ostringstream table;
  Printer(table, /*json=*/false, /*colour=*/false).Table({&message}, {{"SEQ", "seq"}, {"TEXT", "text"}});
  EXPECT_EQ(table.str(), "SEQ  TEXT\n1    hi\uFFFD]0;owned\uFFFD\u23CE there\n");
  std::ostringstream json;
  Printer(json, /*json=*/true, /*colour=*/false).Table({&message}, {{"TEXT", "text"}});
  EXPECT_THAT(json.str(), HasSubstr(R"("text":"hi\u001b]0;owned\u0007\nthere")"));
}

TEST(DownloadTest, ArgumentsNamesAndProgress) {
  absl::StatusOr<DownloadArgs> args = ParseDownloadArgs({"fil_1", "--out", "x.pdf", "--force"});
  ASSERT_TRUE(args.ok()) << args.status();
  EXPECT_EQ(args->file_id, "fil_1");
  EXPECT_EQ(args->out, "x.pdf");
  EXPECT_TRUE(args->force);
  EXPECT_EQ(ParseDownloadArgs({"--out=-", "fil_1"})->out, "-");
  EXPECT_EQ(ParseDownloadArgs({"fil_1"})->out, "");
  EXPECT_EQ(ParseDownloadArgs({}).status().message(), "missing FILE");
  EXPECT_EQ(ParseDownloadArgs({"fil_1", "--out"}).status().message(), "--out needs a value");
  EXPECT_EQ(ParseDownloadArgs({"fil_1", "-o", "x"}).status().message(), "unknown flag -o");
  EXPECT_EQ(ParseDownloadArgs({"fil_1", "fil_2"}).status().message(),
            "unexpected argument 'fil_2'");
  EXPECT_EQ(SafeFileName("brief.pdf"), "brief.pdf");
  EXPECT_EQ(SafeFileName("../../etc/passwd"), "passwd");
  EXPECT_EQ(SafeFileName("C:\\Users\\x\\report.docx"), "report.docx");
  EXPECT_EQ(SafeFileName("a\nb\033c"), "abc");
  EXPECT_EQ(SafeFileName(".."), "download");
  EXPECT_EQ(SafeFileName("dir/"), "download");
  EXPECT_EQ(ProgressText(4 * 1048576, 10 * 1048576), "4.0 MiB of 10.0 MiB (40%)");
  EXPECT_EQ(ProgressText(0, 0), "0.0 MiB of 0.0 MiB (100%)");
}

TEST(HelpTest, TeachesTheSupportVerbs) {
  std::string help = MainHelp();
  for (const char* taught :
       {"gigctl conversations list [--user USER]", "gigctl conversations show CONVERSATION",
        "gigctl conversations join CONVERSATION", "gigctl messages hide MESSAGE --reason REASON",
        "gigctl messages list CONVERSATION [--before BEFORE] [--after AFTER]",
        "gigctl files info FILE", "gigctl files list KIND ID",
        "gigctl files download FILE [--out PATH] [--force]", "conversations list --user USER",
        "or a download's bytes do not match its SHA-256"}) {
    EXPECT_THAT(help, HasSubstr(taught));
  }
  EXPECT_THAT(VerbHelp(*FindVerb("files", "list")),
              HasSubstr("KIND                what they are attached to: "
                        "message|delivery|milestone|gig|portfolio-item"));
  EXPECT_THAT(VerbHelp(*FindVerb("conversations", "show")), HasSubstr("Then: Messages"));
  EXPECT_THAT(VerbHelp(*FindVerb("milestones", "show")),
              HasSubstr("Then: Payment; Submitted files; Dispute"));
  EXPECT_THAT(DownloadHelp(), HasSubstr("renamed to PATH only once complete\nand verified"));
}

TEST(ConnectionNoticeTest, TellsWhenTheConnectionIsLostAndBack) {
  bool lost = false, connected = false;
  auto notice = [&](grpc_connectivity_state state) {
    return ConnectionNotice(state, lost, connected).value_or("");
  };
  EXPECT_EQ(notice(GRPC_CHANNEL_IDLE), "");
  EXPECT_EQ(notice(GRPC_CHANNEL_CONNECTING), "");
  EXPECT_EQ(notice(GRPC_CHANNEL_READY), "");
  EXPECT_THAT(notice(GRPC_CHANNEL_IDLE), HasSubstr("connection lost; reconnecting"));
  EXPECT_EQ(notice(GRPC_CHANNEL_TRANSIENT_FAILURE), "");  // told once
  EXPECT_EQ(notice(GRPC_CHANNEL_CONNECTING), "");
  EXPECT_EQ(notice(GRPC_CHANNEL_READY), "gigctl: reconnected\n");
  bool never_lost = false, never_connected = false;
  EXPECT_THAT(ConnectionNotice(GRPC_CHANNEL_TRANSIENT_FAILURE, never_lost, never_connected)
                  .value_or(""),
              HasSubstr("cannot reach the server; retrying"));
}

TEST(ExitCodeTest, FollowsTheGrpcCode) {
  EXPECT_EQ(ExitCodeFor(absl::OkStatus()), 0);
  EXPECT_EQ(ExitCodeFor(absl::NotFoundError("x")), 5);
  EXPECT_EQ(ExitCodeFor(absl::UnauthenticatedError("x")), 16);
  std::ostringstream err;
  EXPECT_EQ(ReportError(absl::PermissionDeniedError("no"), err), 7);
  EXPECT_EQ(err.str(), "error: PERMISSION_DENIED: no\n");
}

TEST(CompletionTest, OffersEveryGroupAndVerb) {
  std::string script = BashCompletion();
  for (const Verb& verb : AdminVerbs()) {
    EXPECT_THAT(script, HasSubstr(verb.group + ") words=\"")) << verb.group;
    EXPECT_THAT(script, HasSubstr(verb.name)) << verb.name;
  }
  EXPECT_THAT(script, HasSubstr("complete -F _gigctl gigctl"));
  EXPECT_THAT(MainHelp(), HasSubstr("gigctl jobs assign JOB --seller SELLER..."));
  EXPECT_THAT(script, HasSubstr("offers) words=\"accept decline list\""));
  EXPECT_THAT(script, HasSubstr("proposals) words=\"list show\""));
  EXPECT_THAT(script, HasSubstr("portfolio) words=\"list\""));
  EXPECT_THAT(script, HasSubstr("jobs) words=\"approve assign list open pending reject show\""));
  EXPECT_THAT(script, HasSubstr("--all"));
  EXPECT_THAT(script, HasSubstr("disputes) words=\"list note resolve show\""));
  EXPECT_THAT(script, HasSubstr("ledger) words=\"balance entries reconcile\""));
  EXPECT_THAT(script, HasSubstr("payments) words=\"confirm list pending show\""));
  EXPECT_THAT(script, HasSubstr("payouts) words=\"list mark-paid pending\""));
  EXPECT_THAT(script, HasSubstr("--to-seller"));
  EXPECT_THAT(script, HasSubstr("conversations) words=\"join list show\""));
  EXPECT_THAT(script, HasSubstr("messages) words=\"hide list\""));
  EXPECT_THAT(script, HasSubstr("files) words=\"download info list\""));
  EXPECT_THAT(script, HasSubstr(" --out "));
  EXPECT_THAT(script, HasSubstr(" --force "));
}

}  // namespace
}  // namespace gigctl
