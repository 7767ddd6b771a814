// Unit tests of gigctl's pieces that need no server: turning a verb's
// arguments into its request, showing fields for humans, tables and JSON
// lines, the saved login file, exit codes and the completion script.
#include <sys/stat.h>

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/message_differencer.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "cmd/gigctl/commands.h"
#include "cmd/gigctl/dynamic_call.h"
#include "cmd/gigctl/output.h"
#include "cmd/gigctl/session.h"
#include "cmd/gigctl/verbs.h"
#include "gigwire/v1/job.pb.h"
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

absl::StatusOr<std::string> Request(const std::string& group, const std::string& name,
                                    std::vector<std::string> args, bool* yes = nullptr) {
  bool ignored = false;
  const Verb* verb = FindVerb(group, name);
  EXPECT_NE(verb, nullptr) << group << " " << name;
  return RequestJson(*verb, args, yes == nullptr ? &ignored : yes);
}

TEST(RequestJsonTest, PositionalFlagsListsAndDurations) {
  bool yes = false;
  absl::StatusOr<std::string> json =
      Request("jobs", "assign",
              {"job_1", "--seller", "usr_a,usr_b", "--seller=usr_c", "--note", "fits", "--ttl",
               "36h", "--yes"},
              &yes);
  ASSERT_TRUE(json.ok()) << json.status();
  EXPECT_TRUE(SameJson(
      *json, R"({"jobId":"job_1","sellerIds":["usr_a","usr_b","usr_c"],"note":"fits","offerTtl":"129600s"})"))
      << *json;
  EXPECT_TRUE(yes);
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
  EXPECT_EQ(Request("jobs", "show", {}).status().message(), "missing ID");
  EXPECT_EQ(Request("jobs", "show", {"a", "b"}).status().message(), "unexpected argument 'b'");
  EXPECT_EQ(Request("jobs", "reject", {"job_1"}).status().message(), "--reason is required");
  EXPECT_EQ(Request("jobs", "list", {"--color"}).status().message(), "unknown flag --color");
  EXPECT_EQ(Request("jobs", "list", {"--buyer"}).status().message(), "--buyer needs a value");
  EXPECT_EQ(Request("jobs", "assign", {"j", "--seller", "s", "--ttl", "soon"}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Request("jobs", "list", {"--page-size", "many"}).status().message(),
            "--page-size: 'many' is not a number");
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
                   absl::FromUnixSeconds(1798761600)};
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
  EXPECT_EQ(loaded->refresh_token, "refresh");
  EXPECT_EQ(loaded->access_token_expire_time, absl::FromUnixSeconds(1798761600));
  std::filesystem::remove_all(dir);
  EXPECT_TRUE(LoadLogin(path)->access_token.empty());  // no file: no login
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
}

}  // namespace
}  // namespace gigctl
