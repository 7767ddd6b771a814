// StripeGateway against stripe-mock, Stripe's own API simulator, started by
// the test on loopback ports the kernel picks (-http-addr/-https-addr
// 127.0.0.1:0) and always killed afterwards (RAII; SIGKILL also reaches it if
// this test process dies first, through PR_SET_PDEATHSIG).
//
// What stripe-mock really checks, and so what these tests prove: every
// request is validated against Stripe's OpenAPI spec (parameter names, nesting
// such as metadata[...] and automatic_payment_methods[enabled], types,
// required parameters, no unknown ones, the form Content-Type on every POST)
// and needs a test-mode secret key in the Authorization header. What it does
// not simulate: it is stateless and answers from fixtures, so an
// Idempotency-Key is only echoed back (a retry gets a new id), GET returns a
// fixture for any id (never 404 for an unknown intent; its amount is the
// fixture's), cancel does not return a "canceled" intent, and every intent
// carries a fixture last_payment_error (so the gateway maps a fresh intent to
// kFailed; the status table is covered in stripe_gateway_test.cc instead).
// Only the amount, currency, description and the id in the path are echoed.
//
// stripe-mock comes from $STRIPE_MOCK, else $(go env GOPATH)/bin/stripe-mock,
// else ~/go/bin/stripe-mock (tools/setup.sh installs it); its certificate
// from $STRIPE_MOCK_CERT or the Go module cache. Missing, the tests
// FAIL when GIGWIRE_E2E=require (as `make test` sets) and are skipped
// otherwise.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/payments/stripe_client.h"
#include "server/payments/stripe_gateway.h"

namespace gigwire {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

constexpr char kTestKey[] = "sk_test_gigwire";
constexpr absl::Duration kStartTimeout = absl::Seconds(30);

bool E2ERequired() {
  const char* mode = std::getenv("GIGWIRE_E2E");
  return mode != nullptr && std::string(mode) == "require";
}

// stdout of `command` (through sh), without the trailing newline.
std::string Output(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[512];
  size_t n;
  while ((n = fread(buffer, 1, sizeof(buffer), pipe)) > 0) out.append(buffer, n);
  pclose(pipe);
  return std::string(absl::StripTrailingAsciiWhitespace(out));
}

bool IsExecutable(const std::string& path) {
  return !path.empty() && access(path.c_str(), X_OK) == 0;
}

// The stripe-mock binary, or "" with what was looked at in `looked`.
std::string FindStripeMock(std::string* looked) {
  if (const char* env = std::getenv("STRIPE_MOCK"); env != nullptr && *env != '\0') {
    *looked = absl::StrCat("$STRIPE_MOCK=", env);
    return IsExecutable(env) ? env : "";
  }
  std::vector<std::string> candidates;
  const std::string gopath = Output("go env GOPATH 2>/dev/null");
  if (!gopath.empty()) candidates.push_back(gopath + "/bin/stripe-mock");
  if (const char* home = std::getenv("HOME")) {
    candidates.push_back(absl::StrCat(home, "/go/bin/stripe-mock"));
  }
  *looked = absl::StrJoin(candidates, ", ");
  for (const std::string& path : candidates) {
    if (IsExecutable(path)) return path;
  }
  return "";
}

// The certificate stripe-mock serves on HTTPS: $STRIPE_MOCK_CERT, else the
// one in the module cache for the version `binary` was built from.
std::string StripeMockCertificate(const std::string& binary) {
  if (const char* env = std::getenv("STRIPE_MOCK_CERT"); env != nullptr && *env != '\0') {
    return env;
  }
  const std::string version = Output(absl::StrCat(
      "go version -m '", binary, "' 2>/dev/null | awk '$1 == \"mod\" { print $3 }'"));
  const std::string cache = Output("go env GOMODCACHE 2>/dev/null");
  if (version.empty() || cache.empty()) return "";
  return absl::StrCat(cache, "/github.com/stripe/stripe-mock@", version,
                      "/embedded/cert/cert.pem");
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The port after "Listening for <what> at address: 127.0.0.1:" in `log`, or 0.
int ListeningPort(const std::string& log, absl::string_view what) {
  const std::string marker = absl::StrCat("Listening for ", what, " at address: 127.0.0.1:");
  size_t at = log.find(marker);
  if (at == std::string::npos) return 0;
  size_t end = log.find('\n', at);
  if (end == std::string::npos) return 0;  // the line is not complete yet
  int port = 0;
  const size_t start = at + marker.size();
  return absl::SimpleAtoi(log.substr(start, end - start), &port) ? port : 0;
}

// A running stripe-mock; killed (SIGKILL) and reaped by the destructor.
class StripeMock {
 public:
  static absl::StatusOr<std::unique_ptr<StripeMock>> Start(const std::string& binary) {
    const char* tmp = std::getenv("TEST_TMPDIR");
    std::string log_path = absl::StrCat(tmp != nullptr ? tmp : "/tmp", "/stripe-mock-XXXXXX");
    int log_fd = mkstemp(log_path.data());
    if (log_fd < 0) return absl::InternalError("mkstemp failed");
    std::unique_ptr<StripeMock> mock(new StripeMock());
    mock->log_path_ = log_path;
    mock->pid_ = fork();
    if (mock->pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
      execl(binary.c_str(), binary.c_str(), "-http-addr", "127.0.0.1:0", "-https-addr",
            "127.0.0.1:0", static_cast<char*>(nullptr));
      _exit(127);
    }
    close(log_fd);
    if (mock->pid_ < 0) return absl::InternalError("fork failed");
    absl::Status ready = mock->AwaitReady(binary);
    if (!ready.ok()) return ready;
    return mock;
  }

  ~StripeMock() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (!log_path_.empty()) std::remove(log_path_.c_str());
  }

  std::string http_url() const { return absl::StrCat("http://127.0.0.1:", http_port_); }
  int https_port() const { return https_port_; }

 private:
  StripeMock() = default;

  // Waits until it has printed both ports and answers an authenticated GET.
  absl::Status AwaitReady(const std::string& binary) {
    const absl::Time deadline = absl::Now() + kStartTimeout;
    while (absl::Now() < deadline) {
      if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
        pid_ = -1;
        return absl::InternalError(absl::StrCat(binary, " exited at start: ", ReadFile(log_path_)));
      }
      const std::string log = ReadFile(log_path_);
      http_port_ = ListeningPort(log, "HTTP");
      https_port_ = ListeningPort(log, "HTTPS");
      if (http_port_ > 0 && https_port_ > 0 && Answers()) return absl::OkStatus();
      absl::SleepFor(absl::Milliseconds(25));
    }
    return absl::DeadlineExceededError(
        absl::StrCat(binary, " did not answer within ", absl::FormatDuration(kStartTimeout),
                     "; its output: ", ReadFile(log_path_)));
  }

  bool Answers() const {
    StripeOptions options;
    options.api_base = http_url();
    options.secret_key = kTestKey;
    options.timeout = absl::Seconds(2);
    auto client = StripeClient::Create(options);
    return client.ok() && (*client)->Get("/v1/payment_intents/pi_ready").ok();
  }

  pid_t pid_ = -1;
  std::string log_path_;
  int http_port_ = 0;
  int https_port_ = 0;
};

class StripeMockTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string looked;
    const std::string binary = FindStripeMock(&looked);
    if (binary.empty()) {
      *why_not_ = absl::StrCat("stripe-mock not found (looked at ", looked,
                               "); install it with tools/setup.sh or set STRIPE_MOCK");
      return;
    }
    *binary_ = binary;
    absl::StatusOr<std::unique_ptr<StripeMock>> mock = StripeMock::Start(binary);
    if (mock.ok()) {
      mock_ = mock->release();
    } else {
      *why_not_ = mock.status().ToString();
      start_failed_ = true;
    }
  }

  static void TearDownTestSuite() {
    delete mock_;
    mock_ = nullptr;
  }

  void SetUp() override {
    if (mock_ != nullptr) return;
    if (start_failed_ || E2ERequired()) FAIL() << *why_not_;
    GTEST_SKIP() << *why_not_ << " (GIGWIRE_E2E=require makes this a failure)";
  }

  static StripeOptions Options(std::string key = kTestKey) {
    StripeOptions options;
    options.api_base = mock_->http_url();
    options.secret_key = std::move(key);
    options.timeout = absl::Seconds(10);
    return options;
  }

  static std::unique_ptr<StripeGateway> Gateway(std::string key = kTestKey) {
    auto gateway = StripeGateway::Create(Options(std::move(key)));
    EXPECT_TRUE(gateway.ok()) << gateway.status();
    return std::move(gateway).value();
  }

  static std::unique_ptr<StripeClient> Client() {
    return std::move(StripeClient::Create(Options())).value();
  }

  static PaymentRequest Request(std::string key = "fund:mst_1:attempt:1") {
    PaymentRequest request;
    request.idempotency_key = std::move(key);
    request.amount = Money{"EUR", 1234};
    request.booking_id = "bkg_1";
    request.milestone_id = "mst_1";
    request.buyer_id = "usr_1";
    request.description = "Logo & design: 100% / ü";
    return request;
  }

  static inline StripeMock* mock_ = nullptr;
  static inline std::string* why_not_ = new std::string();
  static inline std::string* binary_ = new std::string();
  static inline bool start_failed_ = false;
};

TEST_F(StripeMockTest, CreatesAPaymentIntentStripesSpecAccepts) {
  // Every form field the gateway sends passed stripe-mock's OpenAPI validation.
  absl::StatusOr<ProviderPayment> payment = Gateway()->CreatePayment(Request());
  ASSERT_TRUE(payment.ok()) << payment.status();
  EXPECT_THAT(payment->provider_id, StartsWith("pi_"));
  EXPECT_EQ(payment->amount, (Money{"EUR", 1234}));  // echoed, currency back in upper case
  EXPECT_THAT(payment->client_secret, HasSubstr("_secret_"));
  // Not asserted: the status. stripe-mock's fixture intent carries a
  // last_payment_error, which the gateway rightly reads as kFailed.
}

TEST_F(StripeMockTest, ARetryWithTheSameKeyIsAcceptedThoughNotReplayed) {
  auto gateway = Gateway();
  absl::StatusOr<ProviderPayment> first = gateway->CreatePayment(Request("same-key"));
  absl::StatusOr<ProviderPayment> retry = gateway->CreatePayment(Request("same-key"));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(retry.ok()) << retry.status();
  // Real Stripe would answer the retry with the first intent. stripe-mock only
  // echoes the Idempotency-Key header and makes a new id: the header itself is
  // checked in stripe_gateway_test.cc. Both answers are well-formed intents.
  EXPECT_THAT(retry->provider_id, StartsWith("pi_"));
  EXPECT_EQ(retry->amount, first->amount);
}

TEST_F(StripeMockTest, GetReadsTheIntentBack) {
  absl::StatusOr<ProviderPayment> payment = Gateway()->GetPayment("pi_gigwire123");
  ASSERT_TRUE(payment.ok()) << payment.status();
  EXPECT_EQ(payment->provider_id, "pi_gigwire123");  // from the path
  EXPECT_GT(payment->amount.amount_minor, 0);        // the fixture's
  EXPECT_EQ(payment->amount.currency_code.size(), 3u);
}

TEST_F(StripeMockTest, CancelIsAccepted) {
  // A POST with an empty body: stripe-mock refuses it without the form
  // Content-Type, which the client always sends.
  absl::StatusOr<ProviderPayment> payment = Gateway()->CancelPayment("pi_gigwire123", "cancel:mst_1:1");
  ASSERT_TRUE(payment.ok()) << payment.status();
  EXPECT_EQ(payment->provider_id, "pi_gigwire123");
}

TEST_F(StripeMockTest, AMissingAmountIsInvalidArgument) {
  // The gateway never sends this (it checks the amount first): the client can.
  absl::StatusOr<google::protobuf::Struct> answer =
      Client()->Post("/v1/payment_intents", {{"currency", "eur"}}, "missing-amount");
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument) << answer.status();
  EXPECT_THAT(std::string(answer.status().message()), HasSubstr("'amount' is required"));
  EXPECT_THAT(std::string(answer.status().message()), HasSubstr("HTTP 400"));
}

TEST_F(StripeMockTest, AnUnknownParameterOrAWrongTypeIsInvalidArgument) {
  auto client = Client();
  absl::Status unknown = client->Post("/v1/payment_intents",
                                      {{"amount", "100"}, {"currency", "eur"}, {"tip", "5"}}, "k1")
                             .status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kInvalidArgument) << unknown;
  absl::Status not_boolean =
      client
          ->Post("/v1/payment_intents",
                 {{"amount", "100"}, {"currency", "eur"},
                  {"automatic_payment_methods[enabled]", "yes please"}},
                 "k2")
          .status();
  EXPECT_EQ(not_boolean.code(), absl::StatusCode::kInvalidArgument) << not_boolean;
  EXPECT_THAT(std::string(not_boolean.message()), HasSubstr("not a boolean"));
}

TEST_F(StripeMockTest, ALiveKeyIsUnauthenticatedAndNeverQuoted) {
  // stripe-mock accepts only test-mode keys, and its 401 message quotes the
  // Authorization header it received: the client redacts the key.
  const std::string live_key = "sk_live_gigwire4242";
  absl::Status status = Gateway(live_key)->CreatePayment(Request()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated) << status;
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr(live_key)));
  EXPECT_THAT(std::string(status.message()), HasSubstr("[secret key]"));
}

TEST_F(StripeMockTest, AnUnknownRouteIsNotFound) {
  absl::Status status = Client()->Get("/v1/payment_intentz/pi_1").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
}

TEST_F(StripeMockTest, ConcurrentCallsEachGetTheirOwnAnswer) {
  auto gateway = Gateway();
  constexpr int kThreads = 8;
  constexpr int kCallsEach = 5;
  std::vector<std::thread> threads;
  std::vector<int> ok(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCallsEach; ++i) {
        PaymentRequest request = Request(absl::StrCat("concurrent-", t, "-", i));
        request.amount.amount_minor = 100 * t + i + 1;
        absl::StatusOr<ProviderPayment> payment = gateway->CreatePayment(request);
        if (payment.ok() && payment->amount == request.amount) ++ok[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(ok[t], kCallsEach) << "thread " << t;
}

// stripe-mock's HTTPS port serves a self-signed certificate for localhost,
// kept in its module source ($STRIPE_MOCK_CERT, else found through `go`):
// trusted through StripeOptions.ca_file, refused without it.
TEST_F(StripeMockTest, HttpsVerifiesTheServerCertificate) {
  const std::string cert = StripeMockCertificate(*binary_);
  if (!std::filesystem::exists(cert)) {
    GTEST_SKIP() << "stripe-mock's certificate not found at '" << cert
                 << "' (set STRIPE_MOCK_CERT, or put go on PATH)";
  }
  StripeOptions options = Options();
  options.api_base = absl::StrCat("https://localhost:", mock_->https_port());
  options.ca_file = cert;
  absl::StatusOr<ProviderPayment> trusted = StripeGateway::Create(options).value()->GetPayment("pi_tls");
  EXPECT_TRUE(trusted.ok()) << trusted.status();

  options.ca_file.clear();  // the system's CAs do not know it
  absl::Status refused = StripeGateway::Create(options).value()->GetPayment("pi_tls").status();
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable) << refused;
  EXPECT_THAT(std::string(refused.message()), HasSubstr("cannot reach"));
}

}  // namespace
}  // namespace gigwire
