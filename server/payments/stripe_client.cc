// Stripe's REST API over libcurl; see stripe_client.h.
#include "server/payments/stripe_client.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <cstdint>
#include <mutex>

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "google/protobuf/util/json_util.h"
#include "server/common/status.h"
#include "server/payments/payment_checks.h"

namespace gigwire {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr size_t kMaxAnswerBytes = 1 << 20;  // a PaymentIntent is a few KiB
constexpr char kRetryHint[] = "; retry with the same idempotency key";
constexpr char kStripeCodePayloadUrl[] = "type.gigwire.dev/gigwire.payments.StripeErrorCode";
constexpr char kUserAgent[] = "gigwire-payments/1 (libcurl)";

struct CurlCleanup {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistCleanup {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHandle = std::unique_ptr<CURL, CurlCleanup>;
using HeaderList = std::unique_ptr<curl_slist, SlistCleanup>;

absl::Status InitCurlOnce() {
  static std::once_flag once;
  static CURLcode result = CURLE_OK;
  std::call_once(once, [] { result = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (result != CURLE_OK) {
    return Internal(absl::StrCat("curl_global_init: ", curl_easy_strerror(result)));
  }
  return absl::OkStatus();
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~';
}

bool IsLoopbackHost(absl::string_view host) {
  if (host == "localhost" || host == "[::1]") return true;
  in_addr address;
  return inet_pton(AF_INET, std::string(host).c_str(), &address) == 1 &&
         (ntohl(address.s_addr) >> 24) == 127;
}

// "host[:port]" or "[v6][:port]" -> the host part.
absl::string_view HostOf(absl::string_view authority) {
  if (absl::StartsWith(authority, "[")) return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

void CheckApiBase(absl::string_view base, Violations& v) {
  const bool https = absl::StartsWith(base, "https://");
  const bool http = absl::StartsWith(base, "http://");
  absl::string_view authority = https ? base.substr(8) : http ? base.substr(7) : "";
  if (authority.empty() ||
      authority.find_first_of("/?#@ \\") != absl::string_view::npos) {
    v.Add("api_base", "must be http(s)://host[:port] without a path");
  } else if (http && !IsLoopbackHost(HostOf(authority))) {
    v.Add("api_base", "plain http only to a loopback host; use https");
  }
}

void CheckSecretKey(absl::string_view key, Violations& v) {
  if (key.empty()) {
    v.Add("secret_key", "required");
    return;
  }
  for (char c : key) {
    if (c <= 0x20 || c > 0x7e) {
      v.Add("secret_key", "printable ASCII without spaces only");
      return;
    }
  }
}

bool IsHeaderValue(absl::string_view text) {
  for (char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// The same status with every occurrence of `secret` in its message replaced.
absl::Status Redacted(const absl::Status& status, absl::string_view secret) {
  if (status.ok() || !absl::StrContains(status.message(), secret)) return status;
  absl::Status out(status.code(),
                   absl::StrReplaceAll(status.message(), {{secret, "[secret key]"}}));
  status.ForEachPayload([&out](absl::string_view url, const absl::Cord& payload) {
    out.SetPayload(url, payload);
  });
  return out;
}

std::string StringField(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  if (it == object.fields().end() || it->second.kind_case() != Value::kStringValue) return "";
  return it->second.string_value();
}

bool ParseObject(absl::string_view json, Struct* out) {
  return google::protobuf::util::JsonStringToMessage(
             google::protobuf::StringPiece(json.data(), json.size()), out)
      .ok();
}

// The "error" object of a Stripe error answer; all empty when there is none.
struct StripeError {
  std::string type;
  std::string code;
  std::string decline_code;
  std::string param;
  std::string message;
};

StripeError ReadStripeError(absl::string_view body) {
  StripeError out;
  Struct answer;
  if (!ParseObject(body, &answer)) return out;
  auto it = answer.fields().find("error");
  if (it == answer.fields().end() || !it->second.has_struct_value()) return out;
  const Struct& error = it->second.struct_value();
  out.type = StringField(error, "type");
  out.code = StringField(error, "code");
  out.decline_code = StringField(error, "decline_code");
  out.param = StringField(error, "param");
  out.message = StringField(error, "message");
  return out;
}

// "stripe: <message> (HTTP 402, type card_error, code card_declined, ...)".
std::string Describe(long http_status, const StripeError& error) {
  std::string out = absl::StrCat(
      "stripe: ", error.message.empty() ? "no Stripe error in the answer" : error.message,
      " (HTTP ", http_status);
  const std::pair<const char*, const std::string*> parts[] = {
      {"type", &error.type},
      {"code", &error.code},
      {"decline_code", &error.decline_code},
      {"param", &error.param}};
  for (const auto& [name, value] : parts) {
    if (!value->empty()) absl::StrAppend(&out, ", ", name, " ", *value);
  }
  out.push_back(')');
  return out;
}

// The table in stripe_client.h, in its order.
absl::StatusCode StatusCodeFor(long http_status, const StripeError& error) {
  using Code = absl::StatusCode;
  if (http_status == 429 || http_status == 409 || http_status >= 500) return Code::kUnavailable;
  if (http_status == 401) return Code::kUnauthenticated;
  if (http_status == 403) return Code::kPermissionDenied;
  if (http_status == 404) return Code::kNotFound;
  if (http_status == 402 || error.type == "card_error") return Code::kFailedPrecondition;
  if (error.type == "idempotency_error") return Code::kInvalidArgument;
  if (error.code == "payment_intent_unexpected_state") return Code::kFailedPrecondition;
  if (http_status == 400 && error.type == "invalid_request_error") {
    return Code::kInvalidArgument;
  }
  if (http_status >= 400 && http_status < 500) return Code::kFailedPrecondition;
  return Code::kUnavailable;  // 1xx/3xx: not an answer Stripe gives
}

}  // namespace

std::string PercentEncode(absl::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (IsUnreserved(c)) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

std::string FormEncode(const FormFields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    absl::StrAppend(&out, PercentEncode(name), "=", PercentEncode(value));
  }
  return out;
}

std::string StripeErrorCode(const absl::Status& status) {
  auto code = status.GetPayload(kStripeCodePayloadUrl);
  return code.has_value() ? std::string(*code) : "";
}

absl::Status StripeErrorStatus(long http_status, absl::string_view body) {
  const StripeError error = ReadStripeError(body);
  const absl::StatusCode code = StatusCodeFor(http_status, error);
  std::string message = Describe(http_status, error);
  if (code == absl::StatusCode::kUnavailable) absl::StrAppend(&message, kRetryHint);
  if (code == absl::StatusCode::kUnauthenticated) {
    absl::StrAppend(&message, "; check the Stripe secret key");
  }
  absl::Status status(code, message);
  if (!error.code.empty()) status.SetPayload(kStripeCodePayloadUrl, absl::Cord(error.code));
  return status;
}

struct StripeClient::Request {
  bool post = false;
  std::string path;
  std::string body;
  std::string idempotency_key;
};

absl::StatusOr<std::unique_ptr<StripeClient>> StripeClient::Create(StripeOptions options) {
  if (absl::EndsWith(options.api_base, "/")) options.api_base.pop_back();
  Violations v;
  CheckApiBase(options.api_base, v);
  CheckSecretKey(options.secret_key, v);
  if (!IsHeaderValue(options.api_version)) v.Add("api_version", "printable ASCII only");
  if (options.timeout <= absl::ZeroDuration()) v.Add("timeout", "must be positive");
  if (options.connect_timeout <= absl::ZeroDuration()) {
    v.Add("connect_timeout", "must be positive");
  }
  GW_RETURN_IF_ERROR(v.ToStatus());
  GW_RETURN_IF_ERROR(InitCurlOnce());
  return std::unique_ptr<StripeClient>(new StripeClient(std::move(options)));
}

absl::StatusOr<Struct> StripeClient::Post(absl::string_view path, const FormFields& form,
                                          absl::string_view idempotency_key) const {
  Request request;
  request.post = true;
  request.path = std::string(path);
  request.body = FormEncode(form);
  request.idempotency_key = std::string(idempotency_key);
  return Send(request);
}

absl::StatusOr<Struct> StripeClient::Get(absl::string_view path) const {
  Request request;
  request.path = std::string(path);
  return Send(request);
}

namespace {

struct Answer {
  long http_status = 0;
  std::string body;
  bool too_large = false;
};

size_t AppendToAnswer(char* data, size_t size, size_t count, void* user) {
  auto* answer = static_cast<Answer*>(user);
  const size_t bytes = size * count;
  if (answer->body.size() + bytes > kMaxAnswerBytes) {
    answer->too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  answer->body.append(data, bytes);
  return bytes;
}

bool Append(HeaderList& list, const std::string& header) {
  curl_slist* grown = curl_slist_append(list.get(), header.c_str());
  if (grown == nullptr) return false;
  list.release();
  list.reset(grown);
  return true;
}

// The request's headers; nullptr when out of memory.
HeaderList BuildHeaders(const StripeOptions& options, const std::string& idempotency_key,
                        bool post) {
  std::vector<std::string> headers = {
      absl::StrCat("Authorization: Bearer ", options.secret_key),
      "Accept: application/json",
      "Expect:",  // no 100-continue round trip
  };
  if (post) headers.push_back("Content-Type: application/x-www-form-urlencoded");
  if (!idempotency_key.empty()) headers.push_back("Idempotency-Key: " + idempotency_key);
  if (!options.api_version.empty()) headers.push_back("Stripe-Version: " + options.api_version);
  HeaderList list;
  for (const std::string& header : headers) {
    if (!Append(list, header)) return nullptr;
  }
  return list;
}

long Milliseconds(absl::Duration duration) {
  // curl reads 0 as "no limit": never round a positive limit down to it.
  return static_cast<long>(std::max<int64_t>(1, absl::ToInt64Milliseconds(duration)));
}

CURLcode Configure(CURL* curl, const StripeOptions& options, const std::string& url, bool post,
                   const std::string& body, curl_slist* headers, Answer* answer,
                   char* error_buffer) {
  CURLcode rc = CURLE_OK;
  auto set = [&](CURLoption option, auto value) {
    if (rc == CURLE_OK) rc = curl_easy_setopt(curl, option, value);
  };
  set(CURLOPT_URL, url.c_str());
  set(CURLOPT_PROTOCOLS_STR, "http,https");
  set(CURLOPT_NOSIGNAL, 1L);
  set(CURLOPT_FOLLOWLOCATION, 0L);
  set(CURLOPT_TIMEOUT_MS, Milliseconds(options.timeout));
  set(CURLOPT_CONNECTTIMEOUT_MS, Milliseconds(options.connect_timeout));
  set(CURLOPT_HTTPHEADER, headers);
  set(CURLOPT_USERAGENT, kUserAgent);
  set(CURLOPT_ERRORBUFFER, error_buffer);
  set(CURLOPT_WRITEFUNCTION, &AppendToAnswer);
  set(CURLOPT_WRITEDATA, static_cast<void*>(answer));
  if (!options.ca_file.empty()) set(CURLOPT_CAINFO, options.ca_file.c_str());
  if (post) {
    set(CURLOPT_POST, 1L);
    set(CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    set(CURLOPT_POSTFIELDS, body.c_str());
  } else {
    set(CURLOPT_HTTPGET, 1L);
  }
  return rc;
}

absl::Status TransportError(CURLcode code, const Answer& answer, const char* error_buffer,
                            const StripeOptions& options) {
  if (answer.too_large) {
    return absl::UnavailableError(
        absl::StrCat("stripe: answer larger than ", kMaxAnswerBytes, " bytes", kRetryHint));
  }
  if (code == CURLE_OPERATION_TIMEDOUT) {
    return absl::UnavailableError(absl::StrCat("stripe: no answer from ", options.api_base,
                                               " within ", absl::FormatDuration(options.timeout),
                                               kRetryHint));
  }
  return absl::UnavailableError(
      absl::StrCat("stripe: cannot reach ", options.api_base, ": ",
                   error_buffer[0] != '\0' ? error_buffer : curl_easy_strerror(code),
                   kRetryHint));
}

absl::StatusOr<Struct> ReadAnswer(const Answer& answer) {
  if (answer.http_status < 200 || answer.http_status > 299) {
    return StripeErrorStatus(answer.http_status, answer.body);
  }
  Struct object;
  if (!ParseObject(answer.body, &object)) {
    return absl::UnavailableError(absl::StrCat("stripe: unreadable answer (HTTP ",
                                               answer.http_status, ", not a JSON object)",
                                               kRetryHint));
  }
  return object;
}

}  // namespace

absl::StatusOr<Struct> StripeClient::Send(const Request& request) const {
  if (!request.idempotency_key.empty()) {
    GW_RETURN_IF_ERROR(CheckIdempotencyKey(request.idempotency_key));
  }
  CurlHandle curl(curl_easy_init());
  HeaderList headers = BuildHeaders(options_, request.idempotency_key, request.post);
  if (curl == nullptr || headers == nullptr) return Internal("stripe: out of memory");
  Answer answer;
  char error_buffer[CURL_ERROR_SIZE] = {};
  const std::string url = absl::StrCat(options_.api_base, request.path);
  CURLcode rc = Configure(curl.get(), options_, url, request.post, request.body, headers.get(),
                          &answer, error_buffer);
  if (rc != CURLE_OK) {
    return Internal(absl::StrCat("stripe: curl_easy_setopt: ", curl_easy_strerror(rc)));
  }
  rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    return Redacted(TransportError(rc, answer, error_buffer, options_), options_.secret_key);
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &answer.http_status);
  absl::StatusOr<Struct> object = ReadAnswer(answer);
  if (!object.ok()) return Redacted(object.status(), options_.secret_key);
  return object;
}

}  // namespace gigwire
