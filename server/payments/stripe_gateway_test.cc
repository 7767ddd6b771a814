// StripeGateway and StripeClient over real HTTP, against a tiny HTTP/1.1
// server in this file (a thread with a loopback socket) that answers what
// each test scripts: Stripe's answers, its errors, 500, 429, a slow reply, a
// closed port. libcurl itself is never mocked. stripe_mock_test.cc runs the
// same gateway against Stripe's own simulator.
#include "server/payments/stripe_gateway.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/payments/stripe_client.h"

namespace gigwire {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kKey[] = "sk_test_local51Hq2secret";

struct HttpRequest {
  std::string method;
  std::string path;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

struct HttpReply {
  int status = 200;
  std::string body;
  absl::Duration delay = absl::ZeroDuration();  // before answering
};

// Serves one connection at a time on 127.0.0.1:<ephemeral>, answering each
// request with handler(request) and closing the connection. Records requests.
class LocalHttpServer {
 public:
  using Handler = std::function<HttpReply(const HttpRequest&)>;

  explicit LocalHttpServer(Handler handler) : handler_(std::move(handler)) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        listen(listen_fd_, 16) != 0 ||
        getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot listen on loopback";
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  // Always answering `reply`.
  explicit LocalHttpServer(HttpReply reply)
      : LocalHttpServer([reply](const HttpRequest&) { return reply; }) {}

  ~LocalHttpServer() {
    stopping_.Notify();
    shutdown(listen_fd_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    close(listen_fd_);
  }

  std::string base_url() const { return absl::StrCat("http://127.0.0.1:", port_); }

  std::vector<HttpRequest> requests() const {
    absl::MutexLock lock(&mutex_);
    return requests_;
  }

 private:
  void Serve() {
    while (!stopping_.HasBeenNotified()) {
      int fd = accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) continue;
      timeval timeout{5, 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
      HttpRequest request;
      if (Read(fd, &request)) Answer(fd, request);
      close(fd);
    }
  }

  static bool Read(int fd, HttpRequest* request) {
    std::string data;
    char buffer[4096];
    size_t head_end;
    while ((head_end = data.find("\r\n\r\n")) == std::string::npos) {
      ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return false;
      data.append(buffer, n);
    }
    std::vector<std::string> lines = absl::StrSplit(data.substr(0, head_end), "\r\n");
    std::vector<std::string> start = absl::StrSplit(lines[0], ' ');
    if (start.size() != 3) return false;
    request->method = start[0];
    request->path = start[1];
    for (size_t i = 1; i < lines.size(); ++i) {
      std::pair<std::string, std::string> header = absl::StrSplit(lines[i], absl::MaxSplits(':', 1));
      request->headers[absl::AsciiStrToLower(header.first)] =
          std::string(absl::StripAsciiWhitespace(header.second));
    }
    size_t length = 0;
    if (auto it = request->headers.find("content-length"); it != request->headers.end()) {
      if (!absl::SimpleAtoi(it->second, &length)) return false;
    }
    request->body = data.substr(head_end + 4);
    while (request->body.size() < length) {
      ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
      if (n <= 0) return false;
      request->body.append(buffer, n);
    }
    return true;
  }

  void Answer(int fd, const HttpRequest& request) {
    {
      absl::MutexLock lock(&mutex_);
      requests_.push_back(request);
    }
    HttpReply reply = handler_(request);
    if (stopping_.WaitForNotificationWithTimeout(reply.delay)) return;
    std::string out = absl::StrCat("HTTP/1.1 ", reply.status, " Scripted\r\n",
                                   "Content-Type: application/json\r\n",
                                   "Content-Length: ", reply.body.size(), "\r\n",
                                   "Connection: close\r\n\r\n", reply.body);
    for (size_t sent = 0; sent < out.size();) {
      ssize_t n = send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += n;
    }
  }

  const Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  absl::Notification stopping_;
  std::thread thread_;
  mutable absl::Mutex mutex_;
  std::vector<HttpRequest> requests_ ABSL_GUARDED_BY(mutex_);
};

// A PaymentIntent as Stripe writes it (the fields the gateway reads, and a few more).
std::string Intent(absl::string_view status, absl::string_view last_payment_error = "null",
                   absl::string_view amount = "1234", absl::string_view currency = "eur") {
  return absl::StrCat(R"({"id": "pi_3Abc", "object": "payment_intent", "amount": )", amount,
                      R"(, "currency": ")", currency, R"(", "status": ")", status,
                      R"(", "client_secret": "pi_3Abc_secret_xyz", "livemode": false,)",
                      R"( "metadata": {}, "last_payment_error": )", last_payment_error, "}");
}

std::string StripeErrorBody(absl::string_view type, absl::string_view code,
                            absl::string_view message, absl::string_view extra = "") {
  return absl::StrCat(R"({"error": {"type": ")", type, R"(", "code": ")", code,
                      R"(", "message": ")", message, R"(")", extra, "}}");
}

std::unique_ptr<StripeGateway> GatewayFor(const std::string& base_url,
                                          absl::Duration timeout = absl::Seconds(10)) {
  StripeOptions options;
  options.api_base = base_url;
  options.secret_key = kKey;
  options.timeout = timeout;
  absl::StatusOr<std::unique_ptr<StripeGateway>> gateway = StripeGateway::Create(options);
  EXPECT_TRUE(gateway.ok()) << gateway.status();
  return gateway.ok() ? std::move(*gateway) : nullptr;
}

PaymentRequest Request() {
  PaymentRequest request;
  request.idempotency_key = "fund:mst_1:attempt:1";
  request.amount = Money{"EUR", 1234};
  request.booking_id = "bkg_1";
  request.milestone_id = "mst_1";
  request.buyer_id = "usr_1";
  request.description = "Logo & design: 100% / ü";
  return request;
}

TEST(StripeGatewayTest, CreatePostsTheFormAndHeadersStripeExpects) {
  LocalHttpServer server(HttpReply{200, Intent("requires_payment_method")});
  auto gateway = GatewayFor(server.base_url());
  absl::StatusOr<ProviderPayment> payment = gateway->CreatePayment(Request());
  ASSERT_TRUE(payment.ok()) << payment.status();

  ASSERT_EQ(server.requests().size(), 1u);
  const HttpRequest sent = server.requests()[0];
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.path, "/v1/payment_intents");
  EXPECT_EQ(sent.headers.at("authorization"), absl::StrCat("Bearer ", kKey));
  EXPECT_EQ(sent.headers.at("idempotency-key"), "fund:mst_1:attempt:1");
  EXPECT_EQ(sent.headers.at("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(sent.headers.count("stripe-version"), 0u);
  EXPECT_EQ(sent.body,
            "amount=1234&currency=eur&automatic_payment_methods%5Benabled%5D=true"
            "&description=Logo%20%26%20design%3A%20100%25%20%2F%20%C3%BC"
            "&metadata%5Bbooking_id%5D=bkg_1&metadata%5Bmilestone_id%5D=mst_1"
            "&metadata%5Bbuyer_id%5D=usr_1");

  EXPECT_EQ(payment->provider_id, "pi_3Abc");
  EXPECT_EQ(payment->status, PaymentStatus::kPending);
  EXPECT_EQ(payment->amount, (Money{"EUR", 1234}));
  EXPECT_EQ(payment->client_secret, "pi_3Abc_secret_xyz");
  EXPECT_TRUE(payment->failure_reason.empty());
}

TEST(StripeGatewayTest, EmptyOptionalFieldsAreLeftOutAndTheVersionPinnedWhenAsked) {
  LocalHttpServer server(HttpReply{200, Intent("requires_payment_method")});
  StripeOptions options;
  options.api_base = server.base_url() + "/";  // a trailing slash is fine
  options.secret_key = kKey;
  options.api_version = "2026-08-26.dahlia";
  auto gateway = StripeGateway::Create(options);
  ASSERT_TRUE(gateway.ok()) << gateway.status();
  PaymentRequest request = Request();
  request.description.clear();
  request.buyer_id.clear();
  ASSERT_TRUE((*gateway)->CreatePayment(request).ok());
  const HttpRequest sent = server.requests().at(0);
  EXPECT_EQ(sent.path, "/v1/payment_intents");
  EXPECT_EQ(sent.headers.at("stripe-version"), "2026-08-26.dahlia");
  EXPECT_THAT(sent.body, Not(HasSubstr("description")));
  EXPECT_THAT(sent.body, Not(HasSubstr("buyer_id")));
}

TEST(StripeGatewayTest, GetAndCancelUseTheIntentsPaths) {
  LocalHttpServer server([](const HttpRequest& request) {
    return HttpReply{200, Intent(request.method == "GET" ? "processing" : "canceled")};
  });
  auto gateway = GatewayFor(server.base_url());
  absl::StatusOr<ProviderPayment> got = gateway->GetPayment("pi_3Abc");
  absl::StatusOr<ProviderPayment> cancelled = gateway->CancelPayment("pi_3Abc", "cancel:mst_1:1");
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(cancelled.ok()) << cancelled.status();
  EXPECT_EQ(got->status, PaymentStatus::kPending);
  EXPECT_EQ(cancelled->status, PaymentStatus::kCancelled);

  const std::vector<HttpRequest> sent = server.requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[0].path, "/v1/payment_intents/pi_3Abc");
  EXPECT_EQ(sent[0].headers.count("idempotency-key"), 0u);
  EXPECT_EQ(sent[1].method, "POST");
  EXPECT_EQ(sent[1].path, "/v1/payment_intents/pi_3Abc/cancel");
  EXPECT_EQ(sent[1].headers.at("idempotency-key"), "cancel:mst_1:1");
  // stripe-mock refuses a POST without it, even with an empty body.
  EXPECT_EQ(sent[1].headers.at("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(sent[1].body, "");
}

TEST(StripeGatewayTest, MapsEveryIntentStatus) {
  const std::string card_declined =
      R"({"type": "card_error", "code": "card_declined", "message": "Your card was declined."})";
  struct Case {
    std::string body;
    PaymentStatus want;
    std::string failure_reason;
  };
  const Case cases[] = {
      {Intent("succeeded"), PaymentStatus::kSucceeded, ""},
      {Intent("canceled"), PaymentStatus::kCancelled, ""},
      {Intent("requires_payment_method", card_declined), PaymentStatus::kFailed,
       "Your card was declined."},
      {Intent("requires_payment_method", R"({"type": "card_error", "code": "expired_card"})"),
       PaymentStatus::kFailed, "expired_card"},
      {Intent("requires_payment_method"), PaymentStatus::kPending, ""},
      {Intent("requires_confirmation"), PaymentStatus::kPending, ""},
      {Intent("requires_action"), PaymentStatus::kPending, ""},
      {Intent("processing"), PaymentStatus::kPending, ""},
      {Intent("requires_capture"), PaymentStatus::kPending, ""},
      {Intent("a_state_added_later"), PaymentStatus::kPending, ""},
      // An error left from an earlier attempt says nothing once it succeeded.
      {Intent("succeeded", card_declined), PaymentStatus::kSucceeded, ""},
  };
  for (const Case& c : cases) {
    LocalHttpServer server(HttpReply{200, c.body});
    absl::StatusOr<ProviderPayment> payment = GatewayFor(server.base_url())->GetPayment("pi_3Abc");
    ASSERT_TRUE(payment.ok()) << payment.status();
    EXPECT_EQ(payment->status, c.want) << c.body;
    EXPECT_EQ(payment->failure_reason, c.failure_reason) << c.body;
  }
}

TEST(StripeGatewayTest, MapsStripeErrorsToStatusCodes) {
  struct Case {
    int http;
    std::string body;
    absl::StatusCode want;
    std::string stripe_code;
  };
  const Case cases[] = {
      {500, StripeErrorBody("api_error", "", "Something went wrong on Stripe's end."),
       absl::StatusCode::kUnavailable, ""},
      {503, "<html>Service Unavailable</html>", absl::StatusCode::kUnavailable, ""},
      {429, StripeErrorBody("invalid_request_error", "rate_limit", "Too many requests."),
       absl::StatusCode::kUnavailable, "rate_limit"},
      {409, StripeErrorBody("idempotency_error", "", "A request with this key is in flight."),
       absl::StatusCode::kUnavailable, ""},
      {401, StripeErrorBody("invalid_request_error", "", "Invalid API Key provided: sk_test_****"),
       absl::StatusCode::kUnauthenticated, ""},
      {403, StripeErrorBody("invalid_request_error", "", "The key lacks permission."),
       absl::StatusCode::kPermissionDenied, ""},
      {404, StripeErrorBody("invalid_request_error", "resource_missing",
                            "No such payment_intent: 'pi_3Abc'", R"(, "param": "intent")"),
       absl::StatusCode::kNotFound, "resource_missing"},
      {402, StripeErrorBody("card_error", "card_declined", "Your card was declined.",
                            R"(, "decline_code": "insufficient_funds")"),
       absl::StatusCode::kFailedPrecondition, "card_declined"},
      {400, StripeErrorBody("card_error", "incorrect_cvc", "Your card's CVC is incorrect."),
       absl::StatusCode::kFailedPrecondition, "incorrect_cvc"},
      {400, StripeErrorBody("invalid_request_error", "parameter_missing",
                            "Missing required param: amount.", R"(, "param": "amount")"),
       absl::StatusCode::kInvalidArgument, "parameter_missing"},
      {400, StripeErrorBody("idempotency_error", "",
                            "Keys for idempotent requests can only be used with the same "
                            "parameters they were first used with."),
       absl::StatusCode::kInvalidArgument, ""},
      {400, StripeErrorBody("invalid_request_error", "payment_intent_unexpected_state",
                            "This PaymentIntent's amount could not be updated."),
       absl::StatusCode::kFailedPrecondition, "payment_intent_unexpected_state"},
      {418, "{}", absl::StatusCode::kFailedPrecondition, ""},
  };
  for (const Case& c : cases) {
    LocalHttpServer server(HttpReply{c.http, c.body});
    absl::StatusOr<ProviderPayment> payment = GatewayFor(server.base_url())->CreatePayment(Request());
    const absl::Status& status = payment.status();
    EXPECT_EQ(status.code(), c.want) << c.http << " " << c.body << ": " << status;
    EXPECT_THAT(std::string(status.message()), HasSubstr(absl::StrCat("HTTP ", c.http)));
    EXPECT_EQ(StripeErrorCode(status), c.stripe_code) << c.body;
    if (c.want == absl::StatusCode::kUnavailable) {
      EXPECT_THAT(std::string(status.message()),
                  HasSubstr("retry with the same idempotency key"));
    }
  }
}

TEST(StripeGatewayTest, ErrorMessagesCarryStripesWords) {
  LocalHttpServer server(HttpReply{
      402, StripeErrorBody("card_error", "card_declined", "Your card was declined.",
                           R"(, "decline_code": "insufficient_funds", "param": "payment_method")")});
  absl::Status status = GatewayFor(server.base_url())->CreatePayment(Request()).status();
  EXPECT_EQ(status.message(),
            "stripe: Your card was declined. (HTTP 402, type card_error, code card_declined, "
            "decline_code insufficient_funds, param payment_method)");
}

TEST(StripeGatewayTest, ASlowAnswerTimesOutAsUnavailable) {
  LocalHttpServer server(HttpReply{200, Intent("succeeded"), absl::Seconds(5)});
  auto gateway = GatewayFor(server.base_url(), absl::Milliseconds(300));
  const absl::Time start = absl::Now();
  absl::StatusOr<ProviderPayment> payment = gateway->CreatePayment(Request());
  const absl::Duration took = absl::Now() - start;
  EXPECT_EQ(payment.status().code(), absl::StatusCode::kUnavailable) << payment.status();
  EXPECT_THAT(std::string(payment.status().message()), HasSubstr("no answer"));
  EXPECT_THAT(std::string(payment.status().message()),
              HasSubstr("retry with the same idempotency key"));
  EXPECT_GE(took, absl::Milliseconds(250));
  EXPECT_LT(took, absl::Seconds(3));
}

TEST(StripeGatewayTest, AClosedPortIsUnavailable) {
  std::string base_url;
  {
    LocalHttpServer gone(HttpReply{});
    base_url = gone.base_url();
  }  // its port is closed now
  absl::StatusOr<ProviderPayment> payment = GatewayFor(base_url)->GetPayment("pi_3Abc");
  EXPECT_EQ(payment.status().code(), absl::StatusCode::kUnavailable) << payment.status();
  EXPECT_THAT(std::string(payment.status().message()), HasSubstr("cannot reach"));
}

TEST(StripeGatewayTest, AnswersThatAreNotAPaymentIntentAreUnavailable) {
  const std::string too_large = absl::StrCat(R"({"pad": ")", std::string(2 << 20, 'x'), R"("})");
  for (const std::string& body :
       {std::string("<html>proxy error</html>"), std::string("[1, 2]"),
        std::string(R"({"object": "payment_intent"})"),
        std::string(R"({"id": "pi_1", "status": "succeeded", "amount": 12.5, "currency": "eur"})"),
        too_large}) {
    LocalHttpServer server(HttpReply{200, body});
    absl::StatusOr<ProviderPayment> payment = GatewayFor(server.base_url())->GetPayment("pi_3Abc");
    EXPECT_EQ(payment.status().code(), absl::StatusCode::kUnavailable) << body.substr(0, 80);
  }
}

TEST(StripeGatewayTest, CancellingACancelledIntentReturnsItWhateverTheKey) {
  LocalHttpServer server([](const HttpRequest& request) {
    if (request.method == "POST") {
      return HttpReply{400, StripeErrorBody("invalid_request_error",
                                            "payment_intent_unexpected_state",
                                            "You cannot cancel this PaymentIntent because it "
                                            "has a status of canceled.")};
    }
    return HttpReply{200, Intent("canceled")};
  });
  absl::StatusOr<ProviderPayment> payment =
      GatewayFor(server.base_url())->CancelPayment("pi_3Abc", "cancel:mst_1:2");
  ASSERT_TRUE(payment.ok()) << payment.status();
  EXPECT_EQ(payment->status, PaymentStatus::kCancelled);
  EXPECT_EQ(server.requests().size(), 2u);
}

TEST(StripeGatewayTest, CancellingASucceededIntentIsAFailedPrecondition) {
  LocalHttpServer server([](const HttpRequest& request) {
    if (request.method == "POST") {
      return HttpReply{400, StripeErrorBody("invalid_request_error",
                                            "payment_intent_unexpected_state",
                                            "You cannot cancel this PaymentIntent because it "
                                            "has a status of succeeded.")};
    }
    return HttpReply{200, Intent("succeeded")};
  });
  absl::Status status =
      GatewayFor(server.base_url())->CancelPayment("pi_3Abc", "cancel:mst_1:1").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("status of succeeded"));
}

TEST(StripeGatewayTest, TheSecretKeyNeverReachesAStatusMessage) {
  // stripe-mock's 401 quotes the Authorization header it got; so could a proxy.
  LocalHttpServer server([](const HttpRequest& request) {
    return HttpReply{401, StripeErrorBody("invalid_request_error", "",
                                          "Authorization was '" +
                                              request.headers.at("authorization") + "'.")};
  });
  absl::Status status = GatewayFor(server.base_url())->CreatePayment(Request()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnauthenticated);
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr(kKey)));
  EXPECT_THAT(std::string(status.message()), HasSubstr("Bearer [secret key]"));
}

TEST(StripeGatewayTest, IskGoesToStripeInHundredths) {
  LocalHttpServer server(HttpReply{200, Intent("succeeded", "null", "500", "isk")});
  PaymentRequest request = Request();
  request.amount = Money{"ISK", 5};
  absl::StatusOr<ProviderPayment> payment = GatewayFor(server.base_url())->CreatePayment(request);
  ASSERT_TRUE(payment.ok()) << payment.status();
  EXPECT_THAT(server.requests().at(0).body, HasSubstr("amount=500&currency=isk&"));
  EXPECT_EQ(payment->amount, (Money{"ISK", 5}));
  EXPECT_EQ(ToStripeAmount({"JPY", 500}).value(), 500);
  EXPECT_EQ(ToStripeAmount({"EUR", 500}).value(), 500);
  EXPECT_FALSE(ToStripeAmount({"ISK", int64_t{1} << 62}).ok());
}

TEST(StripeGatewayTest, BadInputIsRefusedBeforeAnyCall) {
  LocalHttpServer server(HttpReply{200, Intent("succeeded")});
  auto gateway = GatewayFor(server.base_url());
  PaymentRequest request = Request();
  request.amount.currency_code = "eur";
  EXPECT_EQ(gateway->CreatePayment(request).status().code(), absl::StatusCode::kInvalidArgument);
  for (const char* id : {"", "pi_", "ch_3Abc", "pi_3Abc/../../v1/customers", "pi_3Abc?x=1"}) {
    EXPECT_EQ(gateway->GetPayment(id).status().code(), absl::StatusCode::kNotFound) << id;
    EXPECT_EQ(gateway->CancelPayment(id, "k").status().code(), absl::StatusCode::kNotFound);
  }
  EXPECT_EQ(gateway->CancelPayment("pi_3Abc", "").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(server.requests().empty());
}

TEST(StripeClientTest, RefusesOptionsThatCannotWork) {
  auto create = [](std::string base, std::string key) {
    StripeOptions options;
    options.api_base = std::move(base);
    options.secret_key = std::move(key);
    return StripeClient::Create(options).status();
  };
  EXPECT_TRUE(create("https://api.stripe.com", kKey).ok());
  EXPECT_TRUE(create("http://localhost:12111", kKey).ok());
  EXPECT_TRUE(create("http://[::1]:12111/", kKey).ok());
  for (const char* base : {"http://api.stripe.com", "ftp://api.stripe.com", "api.stripe.com",
                           "https://api.stripe.com/v1", "https://user@api.stripe.com",
                           "https://", "http://127.0.0.1.evil.example", "ftp", ""}) {
    absl::Status status = create(base, kKey);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << base;
  }
  EXPECT_EQ(create("https://api.stripe.com", "").code(), absl::StatusCode::kInvalidArgument);
  absl::Status newline = create("https://api.stripe.com", "sk_test_1\r\nX-Evil: 1");
  EXPECT_EQ(newline.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(newline.message()), Not(HasSubstr("sk_test_1")));
  StripeOptions no_timeout;
  no_timeout.secret_key = kKey;
  no_timeout.timeout = absl::ZeroDuration();
  EXPECT_EQ(StripeClient::Create(no_timeout).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StripeClientTest, PercentEncodesAllButUnreservedBytes) {
  EXPECT_EQ(PercentEncode("AZaz09-._~"), "AZaz09-._~");
  EXPECT_EQ(PercentEncode("a b+c&d=e/f?g#h[i]%"), "a%20b%2Bc%26d%3De%2Ff%3Fg%23h%5Bi%5D%25");
  EXPECT_EQ(PercentEncode("é\n"), "%C3%A9%0A");
  EXPECT_EQ(FormEncode({{"metadata[k]", "v w"}, {"amount", "1"}}),
            "metadata%5Bk%5D=v%20w&amount=1");
  EXPECT_EQ(FormEncode({}), "");
}

}  // namespace
}  // namespace gigwire
