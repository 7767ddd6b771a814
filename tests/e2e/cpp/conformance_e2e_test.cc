// The SDK conformance scenario (tests/conformance/scenario.json; its step
// format in tests/conformance/README.md), run through the C++ SDK against a
// real gigwired. JSON is handled with protobuf's JSON support: the scenario
// and every response are read as google.protobuf.Value trees.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <deque>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gigwire/client.h"
#include "gtest/gtest.h"
#include "tests/testing/server_process.h"

namespace gigwire {
namespace {

using google::protobuf::Message;
using google::protobuf::Value;

constexpr absl::Duration kAwaitTimeout = absl::Seconds(10);

std::string ScenarioPath() {
  if (const char* path = std::getenv("GIGWIRE_CONFORMANCE_SCENARIO")) return path;
#ifdef GIGWIRE_CONFORMANCE_SCENARIO
  return GIGWIRE_CONFORMANCE_SCENARIO;
#else
  return "tests/conformance/scenario.json";
#endif
}

Value ParseJson(const std::string& json) {
  Value value;
  auto status = google::protobuf::util::JsonStringToMessage(json, &value);
  EXPECT_TRUE(status.ok()) << status.ToString() << " in " << json;
  return value;
}

std::string ToJson(const Message& message) {
  std::string json;
  auto status = google::protobuf::util::MessageToJsonString(message, &json);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return json;
}

// The value at a dotted `path` (numbers index lists), or NOT_FOUND.
absl::StatusOr<Value> Lookup(Value value, const std::string& path) {
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    int index = 0;
    if (value.has_list_value() && absl::SimpleAtoi(part, &index) && index >= 0 &&
        index < value.list_value().values_size()) {
      value = Value(value.list_value().values(index));
    } else if (value.has_struct_value() && value.struct_value().fields().contains(std::string(part))) {
      value = Value(value.struct_value().fields().at(std::string(part)));
    } else {
      return absl::NotFoundError(absl::StrCat("no ", path, " in ", ToJson(value)));
    }
  }
  return value;
}

std::string AsText(const Value& value) {
  if (value.has_string_value()) return value.string_value();
  if (value.has_number_value()) return absl::StrCat(value.number_value());
  if (value.has_bool_value()) return value.bool_value() ? "true" : "false";
  return ToJson(value);
}

// The mismatches of `expect` (already substituted) in `actual`; an expected
// "" also matches a missing path (proto3 JSON leaves out empty fields).
std::vector<std::string> Mismatches(const Value& actual, const Value& expect) {
  std::vector<std::string> problems;
  for (const auto& [path, expected] : expect.struct_value().fields()) {
    absl::StatusOr<Value> found = Lookup(actual, path);
    if (!found.ok()) {
      const bool empty = expected.has_string_value() && expected.string_value().empty();
      if (!empty) problems.push_back(std::string(found.status().message()));
      continue;
    }
    double number = 0;
    bool same = false;
    if (expected.has_bool_value()) {
      same = found->has_bool_value() && found->bool_value() == expected.bool_value();
    } else if (expected.has_number_value()) {
      same = absl::SimpleAtod(AsText(*found), &number) && number == expected.number_value();
    } else {
      same = AsText(*found) == expected.string_value();
    }
    if (!same) {
      problems.push_back(absl::StrCat(path, ": expected ", AsText(expected), ", got ", AsText(*found)));
    }
  }
  return problems;
}

// Calls one unary RPC with a JSON request; returns the response as JSON.
using Invoker = std::function<absl::StatusOr<std::string>(Client&, const std::string&)>;

template <typename Stub, typename Request, typename Response>
Invoker MakeInvoker(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*)) {
  return [method](Client& client, const std::string& json) -> absl::StatusOr<std::string> {
    Request request;
    auto parsed = google::protobuf::util::JsonStringToMessage(json, &request);
    if (!parsed.ok()) return absl::InternalError("bad request JSON: " + parsed.ToString());
    absl::StatusOr<Response> response = client.Call(method, request);
    if (!response.ok()) return response.status();
    return ToJson(*response);
  };
}

#define GIGWIRE_RPC(Service, Method) \
  { "gigwire.v1." #Service "/" #Method, MakeInvoker(&v1::Service::Stub::Method) }

// The RPCs the scenario may call (a step naming another fails, saying so).
const std::map<std::string, Invoker>& Invokers() {
  static const auto* invokers = new std::map<std::string, Invoker>{
      GIGWIRE_RPC(AuthService, Register),         GIGWIRE_RPC(AuthService, Login),
      GIGWIRE_RPC(UserService, GetMe),            GIGWIRE_RPC(CatalogService, CreateCategory),
      GIGWIRE_RPC(JobService, CreateJob),         GIGWIRE_RPC(JobService, GetJob),
      GIGWIRE_RPC(JobService, ApproveJob),        GIGWIRE_RPC(AssignmentService, AssignSellers),
      GIGWIRE_RPC(OfferService, AcceptOffer),     GIGWIRE_RPC(OfferService, GetOffer),
      GIGWIRE_RPC(BookingService, DeliverBooking), GIGWIRE_RPC(BookingService, CompleteBooking),
      GIGWIRE_RPC(BookingService, CancelBooking), GIGWIRE_RPC(BookingService, GetBooking),
      GIGWIRE_RPC(ReviewService, CreateReview),   GIGWIRE_RPC(ReviewService, ListReviews),
      GIGWIRE_RPC(JobService, ListOpenJobs),      GIGWIRE_RPC(JobService, ExtendBidding),
      GIGWIRE_RPC(ProposalService, SubmitProposal), GIGWIRE_RPC(ProposalService, UpdateProposal),
      GIGWIRE_RPC(ProposalService, WithdrawProposal), GIGWIRE_RPC(ProposalService, GetProposal),
      GIGWIRE_RPC(ProposalService, ListProposals), GIGWIRE_RPC(ProposalService, ShortlistProposal),
      GIGWIRE_RPC(ProposalService, DeclineProposal), GIGWIRE_RPC(ProposalService, AcceptProposal),
      GIGWIRE_RPC(BookingService, OrderGig),
      GIGWIRE_RPC(MilestoneService, ListMilestones), GIGWIRE_RPC(MilestoneService, GetMilestone),
      GIGWIRE_RPC(MilestoneService, ProposeMilestone), GIGWIRE_RPC(MilestoneService, AcceptMilestone),
      GIGWIRE_RPC(MilestoneService, DeclineMilestone), GIGWIRE_RPC(MilestoneService, FundMilestone),
      GIGWIRE_RPC(MilestoneService, SubmitMilestone),
      GIGWIRE_RPC(MilestoneService, RequestMilestoneRevision),
      GIGWIRE_RPC(MilestoneService, ApproveMilestone), GIGWIRE_RPC(MilestoneService, CancelMilestone),
      GIGWIRE_RPC(PaymentService, GetPayment),     GIGWIRE_RPC(PaymentService, ListPayments),
      GIGWIRE_RPC(PaymentService, ConfirmPayment), GIGWIRE_RPC(PaymentService, RefreshPayment),
      GIGWIRE_RPC(PaymentService, CancelPayment),
      GIGWIRE_RPC(PayoutService, RequestPayout),   GIGWIRE_RPC(PayoutService, ListPayouts),
      GIGWIRE_RPC(PayoutService, MarkPayoutPaid),  GIGWIRE_RPC(PayoutService, CancelPayout),
      GIGWIRE_RPC(DisputeService, OpenDispute),    GIGWIRE_RPC(DisputeService, GetDispute),
      GIGWIRE_RPC(DisputeService, ListDisputes),   GIGWIRE_RPC(DisputeService, AddDisputeNote),
      GIGWIRE_RPC(DisputeService, ResolveDispute),
      GIGWIRE_RPC(LedgerService, GetBalance),      GIGWIRE_RPC(LedgerService, ListLedgerEntries),
      GIGWIRE_RPC(LedgerService, ReconcileLedger),
      GIGWIRE_RPC(ConversationService, OpenConversation),
      GIGWIRE_RPC(ConversationService, GetConversation),
      GIGWIRE_RPC(ConversationService, ListConversations),
      GIGWIRE_RPC(ConversationService, SendMessage),
      GIGWIRE_RPC(ConversationService, ListMessages),
      GIGWIRE_RPC(ConversationService, MarkRead),
      GIGWIRE_RPC(FileService, GetFile),           GIGWIRE_RPC(FileService, ListFiles),
  };
  return *invokers;
}

// One running watch and the events it collected.
struct WatchedEvents {
  std::shared_ptr<WatchStop> stop = std::make_shared<WatchStop>();
  std::thread thread;
  absl::Mutex mu;
  std::deque<Value> events ABSL_GUARDED_BY(mu);
  absl::Status ended ABSL_GUARDED_BY(mu);
  bool done ABSL_GUARDED_BY(mu) = false;
};

// Runs scenario steps through the SDK: one Client per actor, saved responses.
class Runner {
 public:
  explicit Runner(std::string address) : address_(std::move(address)) {
    clients_["anonymous"] = Connect();
  }
  ~Runner() {
    for (auto& [name, watch] : watches_) {
      watch->stop->Stop();
      watch->thread.join();
    }
  }

  // Runs one step; returns what went wrong, or "" when it held.
  std::string Run(const Value& step) {
    const auto& fields = step.struct_value().fields();
    if (fields.contains("login")) return Login(step);
    if (fields.contains("watch_offers")) return WatchOffers(step);
    if (fields.contains("watch_events")) return WatchEvents(step);
    if (fields.contains("await")) return AwaitEvent(step);
    if (fields.contains("upload")) return Upload(step);
    if (fields.contains("download")) return Download(step);
    return CallStep(step);
  }

 private:
  std::unique_ptr<Client> Connect() {
    ClientOptions options;
    options.target = address_;
    return Client::Connect(options);
  }

  static std::string Field(const Value& step, const std::string& name) {
    auto it = step.struct_value().fields().find(name);
    return it == step.struct_value().fields().end() ? "" : it->second.string_value();
  }
  static const Value* Find(const Value& step, const std::string& name) {
    auto it = step.struct_value().fields().find(name);
    return it == step.struct_value().fields().end() ? nullptr : &it->second;
  }

  Value Substitute(const Value& value) {
    Value out = value;
    if (value.has_struct_value()) {
      for (auto& [key, field] : *out.mutable_struct_value()->mutable_fields()) field = Substitute(field);
    } else if (value.has_list_value()) {
      for (Value& item : *out.mutable_list_value()->mutable_values()) item = Substitute(item);
    } else if (value.has_string_value()) {
      out.set_string_value(SubstituteText(value.string_value()));
    }
    return out;
  }

  std::string SubstituteText(const std::string& text) {
    std::string out;
    size_t at = 0;
    for (size_t open; (open = text.find("${", at)) != std::string::npos;) {
      size_t close = text.find('}', open);
      out += text.substr(at, open - at) + Resolve(text.substr(open + 2, close - open - 2));
      at = close + 1;
    }
    return out + text.substr(at);
  }

  std::string Resolve(const std::string& token) {
    if (token == "unique") return unique_;
    if (absl::StartsWith(token, "in_days:")) {
      double days = 0;
      EXPECT_TRUE(absl::SimpleAtod(token.substr(8), &days)) << token;
      absl::Time when = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now())) + absl::Hours(24 * days);
      return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", when, absl::UTCTimeZone());
    }
    std::pair<std::string, std::string> name_path = absl::StrSplit(token, absl::MaxSplits('.', 1));
    absl::StatusOr<Value> found = Lookup(saved_[name_path.first], name_path.second);
    EXPECT_TRUE(found.ok()) << token << ": " << found.status();
    return found.ok() ? AsText(*found) : "";
  }

  std::string Login(const Value& step) {
    std::unique_ptr<Client> client = Connect();
    absl::StatusOr<v1::TokenPair> tokens =
        client->Login(SubstituteText(Field(step, "email")), SubstituteText(Field(step, "password")));
    if (!tokens.ok()) return absl::StrCat("login failed: ", tokens.status().ToString());
    saved_[Field(step, "login")] = ParseJson(ToJson(*tokens));
    clients_[Field(step, "login")] = std::move(client);
    return "";
  }

  std::string CallStep(const Value& step) {
    auto invoker = Invokers().find(Field(step, "rpc"));
    if (invoker == Invokers().end()) return "no invoker for " + Field(step, "rpc") + " in this runner";
    absl::StatusOr<std::string> response =
        invoker->second(*clients_.at(Field(step, "as")), ToJson(Substitute(*Find(step, "request"))));
    if (!response.ok()) return CheckError(step, response.status());
    if (Find(step, "error") != nullptr) return "expected " + ToJson(*Find(step, "error")) + ", got a response";
    return CheckAndSave(step, ParseJson(*response));
  }

  // upload: the SDK's upload helper sends `text` named `name`; the FileInfo is
  // checked and saved under the step's `upload` name.
  std::string Upload(const Value& step) {
    UploadOptions options;
    options.name = SubstituteText(Field(step, "name"));
    absl::StatusOr<v1::FileInfo> file =
        clients_.at(Field(step, "as"))->UploadBytes(SubstituteText(Field(step, "text")), options);
    if (!file.ok()) return CheckError(step, file.status());
    if (Find(step, "error") != nullptr) return "expected " + ToJson(*Find(step, "error")) + ", got a file";
    Value saving = step;
    (*saving.mutable_struct_value()->mutable_fields())["save"].set_string_value(Field(step, "upload"));
    return CheckAndSave(saving, ParseJson(ToJson(*file)));
  }

  // download: the SDK's download helper fetches the file; its bytes must be `text`.
  std::string Download(const Value& step) {
    std::ostringstream bytes;
    absl::StatusOr<v1::FileInfo> file =
        clients_.at(Field(step, "as"))->DownloadFile(SubstituteText(Field(step, "download")), bytes);
    if (!file.ok()) return CheckError(step, file.status());
    if (Find(step, "error") != nullptr) return "expected " + ToJson(*Find(step, "error")) + ", got the file";
    std::string expected = SubstituteText(Field(step, "text"));
    return bytes.str() == expected ? "" : "downloaded " + bytes.str() + ", expected " + expected;
  }

  static std::string CheckError(const Value& step, const absl::Status& status) {
    ApiError error = ApiErrorOf(status);
    std::string got = absl::StrCat(absl::StatusCodeToString(error.code), " (", error.reason_name,
                                   "): ", error.message);
    const Value* expected = Find(step, "error");
    if (expected == nullptr) return "unexpected error " + got;
    std::string code_name = Field(*expected, "code");
    if (absl::StatusCodeToString(error.code) != code_name) return "expected " + code_name + ", got " + got;
    std::string reason = Field(*expected, "reason");
    if (!reason.empty() && reason != error.reason_name) return "expected " + reason + ", got " + got;
    const Value* fields = Find(*expected, "fields");
    for (int i = 0; fields != nullptr && i < fields->list_value().values_size(); ++i) {
      const std::string& field = fields->list_value().values(i).string_value();
      bool violated = false;
      for (const auto& [name, description] : error.field_violations) violated |= name == field;
      if (!violated) return field + " not violated: " + got;
    }
    return "";
  }

  std::string CheckAndSave(const Value& step, const Value& actual) {
    const Value* expect = Find(step, "expect");
    if (expect != nullptr) {
      std::vector<std::string> problems = Mismatches(actual, Substitute(*expect));
      if (!problems.empty()) return absl::StrJoin(problems, "; ");
    }
    if (!Field(step, "save").empty()) saved_[Field(step, "save")] = actual;
    return "";
  }

  // ListOffers, then the offer watch from the list's cursor.
  std::string WatchOffers(const Value& step) {
    Client& client = *clients_.at(Field(step, "as"));
    absl::StatusOr<v1::ListOffersResponse> listed =
        client.Call(&v1::OfferService::Stub::ListOffers, v1::ListOffersRequest());
    if (!listed.ok()) return "ListOffers failed: " + listed.status().ToString();
    v1::WatchOffersRequest request;
    request.set_resume_cursor(listed->event_cursor());
    watches_[Field(step, "watch_offers")] = Collect(client, &Client::WatchOffers, request);
    return "";
  }

  // ListJobs, then the event watch from the list's cursor.
  std::string WatchEvents(const Value& step) {
    Client& client = *clients_.at(Field(step, "as"));
    absl::StatusOr<v1::ListJobsResponse> listed =
        client.Call(&v1::JobService::Stub::ListJobs, v1::ListJobsRequest());
    if (!listed.ok()) return "ListJobs failed: " + listed.status().ToString();
    v1::WatchEventsRequest request;
    request.set_resume_cursor(listed->event_cursor());
    watches_[Field(step, "watch_events")] = Collect(client, &Client::WatchEvents, request);
    return "";
  }

  // Runs `(client.*watch)(request, ...)` on a thread that collects its
  // events as JSON until the runner stops it.
  template <typename Request, typename Event>
  static std::unique_ptr<WatchedEvents> Collect(
      Client& client,
      absl::Status (Client::*watch)(const Request&, std::function<bool(const Event&)>,
                                    const WatchOptions&),
      Request request) {
    auto collected = std::make_unique<WatchedEvents>();
    WatchedEvents* events = collected.get();
    collected->thread = std::thread([&client, watch, events, request] {
      WatchOptions options;
      options.stop = events->stop;
      absl::Status ended = (client.*watch)(
          request,
          [events](const Event& event) {
            Value json = ParseJson(ToJson(event));
            absl::MutexLock lock(&events->mu);
            events->events.push_back(std::move(json));
            return true;
          },
          options);
      absl::MutexLock lock(&events->mu);
      events->ended = ended;
      events->done = true;
    });
    return collected;
  }

  std::string AwaitEvent(const Value& step) {
    WatchedEvents& watch = *watches_.at(Field(step, "await"));
    Value expect = Substitute(*Find(step, "expect"));
    absl::Time deadline = absl::Now() + kAwaitTimeout;
    absl::MutexLock lock(&watch.mu);
    while (true) {
      auto ready = [&watch]() ABSL_SHARED_LOCKS_REQUIRED(watch.mu) {
        return !watch.events.empty() || watch.done;
      };
      if (!watch.mu.AwaitWithDeadline(absl::Condition(&ready), deadline)) {
        return "no event matching " + ToJson(expect) + " within 10 s";
      }
      if (watch.events.empty()) return "the watch ended: " + watch.ended.ToString();
      Value event = std::move(watch.events.front());
      watch.events.pop_front();
      if (Mismatches(event, expect).empty()) return CheckAndSave(step, event);
    }
  }

  std::string address_;
  std::string unique_ = absl::StrCat(std::random_device{}() % 1000000000u, "x");
  std::map<std::string, std::unique_ptr<Client>> clients_;
  std::map<std::string, Value> saved_;
  std::map<std::string, std::unique_ptr<WatchedEvents>> watches_;
};

TEST(ConformanceE2eTest, RunsEveryStepOfTheScenario) {
  std::ifstream file(ScenarioPath());
  ASSERT_TRUE(file) << "cannot read " << ScenarioPath();
  std::stringstream text;
  text << file.rdbuf();
  Value scenario = ParseJson(text.str());
  absl::StatusOr<Value> steps = Lookup(scenario, "steps");
  ASSERT_TRUE(steps.ok()) << steps.status();
  ASSERT_GT(steps->list_value().values_size(), 0);

  // The scenario's own server flags (e.g. its platform fee) follow the runner's.
  std::vector<std::string> flags = {"--rate-auth-per-second", "1000", "--rate-auth-burst", "1000"};
  absl::StatusOr<Value> server_flags = Lookup(scenario, "server_flags");
  for (int i = 0; server_flags.ok() && i < server_flags->list_value().values_size(); ++i) {
    flags.push_back(server_flags->list_value().values(i).string_value());
  }
  absl::StatusOr<testing::ServerProcess> server = testing::ServerProcess::Start(std::move(flags));
  ASSERT_TRUE(server.ok()) << server.status();
  Runner runner(server->address());
  int number = 0;
  for (const Value& step : steps->list_value().values()) {
    ++number;
    std::string problem = runner.Run(step);
    ASSERT_EQ(problem, "") << "step " << number << " ("
                           << step.struct_value().fields().at("title").string_value() << ")";
  }
}

}  // namespace
}  // namespace gigwire
