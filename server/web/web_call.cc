// A gRPC-Web request forwarded in-process; see web_call.h.
#include "server/web/web_call.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "gigwire/v1/errors.pb.h"

namespace gigwire::web {
namespace {

// Bytes already written are dropped from the front once this many pile up.
constexpr size_t kCompactAfterBytes = 64 << 10;

std::string ToString(const grpc::string_ref& ref) { return std::string(ref.data(), ref.size()); }

std::string Flatten(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (!buffer.Dump(&slices).ok()) return bytes;
  for (const grpc::Slice& slice : slices) {
    bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  }
  return bytes;
}

// Whole seconds to wait, from the ErrorDetails of a rate-limited call; 0 if none.
int64_t RetryAfterSeconds(const std::string& status_details) {
  v1::RpcStatus envelope;
  if (status_details.empty() || !envelope.ParseFromString(status_details)) return 0;
  for (const google::protobuf::Any& any : envelope.details()) {
    v1::ErrorDetails details;
    if (any.UnpackTo(&details) && details.retry_after_ms() > 0) {
      return (details.retry_after_ms() + 999) / 1000;
    }
  }
  return 0;
}

}  // namespace

HeaderList TrailersOf(const grpc::Status& status,
                      const std::multimap<grpc::string_ref, grpc::string_ref>& trailing) {
  HeaderList trailers;
  trailers.emplace_back("grpc-status", std::to_string(static_cast<int>(status.error_code())));
  if (!status.error_message().empty()) {
    trailers.emplace_back("grpc-message", PercentEncodeMessage(status.error_message()));
  }
  if (!status.error_details().empty()) {
    trailers.emplace_back("grpc-status-details-bin", absl::Base64Escape(status.error_details()));
  }
  if (int64_t seconds = RetryAfterSeconds(status.error_details()); seconds > 0) {
    trailers.emplace_back("retry-after", std::to_string(seconds));
  }
  for (const auto& [key_ref, value_ref] : trailing) {
    std::string key = ToString(key_ref);
    if (absl::StartsWith(key, "grpc-")) continue;
    std::string value = ToString(value_ref);
    if (absl::EndsWith(key, "-bin")) value = absl::Base64Escape(value);
    trailers.emplace_back(std::move(key), std::move(value));
  }
  return trailers;
}

WebCall::WebCall(const WebCallOptions& options, std::function<void()> wake,
                 std::function<void()> done)
    : options_(options), wake_(std::move(wake)), done_(std::move(done)) {}

void WebCall::Start(std::shared_ptr<WebCall> call, grpc::GenericStub& stub,
                    const std::string& method, const HeaderList& metadata, absl::Time deadline,
                    std::string request_message) {
  for (const auto& [key, value] : metadata) call->context_.AddMetadata(key, value);
  if (deadline != absl::Time() && deadline != absl::InfiniteFuture()) {
    call->context_.set_deadline(absl::ToChronoTime(deadline));
  }
  grpc::Slice slice(request_message);
  call->request_ = grpc::ByteBuffer(&slice, 1);
  WebCall* reactor = call.get();
  reactor->self_ = std::move(call);
  stub.PrepareBidiStreamingCall(&reactor->context_, method, grpc::StubOptions(), reactor);
  reactor->StartWriteLast(&reactor->request_, grpc::WriteOptions());
  reactor->StartRead(&reactor->response_);
  reactor->StartCall();
}

void WebCall::Append(std::string frame) {
  if (options_.mode == WireMode::kText) frame = EncodeText(frame);
  output_.append(frame);
}

bool WebCall::ClaimWake() {
  if (!suspended_ || abandoned_) return false;
  suspended_ = false;
  return true;
}

void WebCall::OnWriteDone(bool /*ok*/) {
  request_.Clear();  // sent: do not keep the request for the life of a stream
}

void WebCall::OnReadDone(bool ok) {
  if (!ok) return;  // the stream ended: OnDone follows
  std::string message = Flatten(response_);
  bool wake = false;
  bool read_more = false;
  {
    absl::MutexLock lock(&mu_);
    if (abandoned_) return;  // cancelled: no more reads, OnDone follows
    Append(DataFrame(message));
    ++messages_;
    wake = ClaimWake();
    read_more = !options_.streaming || cancelled_ ||
                output_.size() - taken_ < options_.max_buffered_bytes;
    if (!read_more) {
      read_paused_ = true;
      AddHold();  // no read is pending: keep OnDone from running until TakeOutput resumes
    }
  }
  if (wake) wake_();
  if (read_more) StartRead(&response_);
}

void WebCall::OnDone(const grpc::Status& status) {
  HeaderList trailers = TrailersOf(status, context_.GetServerTrailingMetadata());
  bool wake = false;
  {
    absl::MutexLock lock(&mu_);
    Append(TrailerFrame(trailers));
    trailers_ = std::move(trailers);
    finished_ = true;
    wake = ClaimWake();
  }
  if (wake) wake_();
  // Nothing of `this` is used after the reference is dropped (it may be the
  // last): `done` comes last, from the stack.
  std::function<void()> done = done_;
  { std::shared_ptr<WebCall> last_reference = std::move(self_); }  // may free `this`
  if (done) done();
}

std::optional<WebCall::Outcome> WebCall::WaitForFinish(const std::function<void()>& suspend) {
  absl::MutexLock lock(&mu_);
  if (!finished_) {
    suspended_ = true;
    suspend();
    return std::nullopt;
  }
  Outcome outcome;
  if (messages_ == 0) {
    outcome.trailers_only = true;
    outcome.headers = trailers_;
  } else {
    output_.erase(0, taken_);
    taken_ = 0;
    outcome.body = std::move(output_);
    output_.clear();
  }
  return outcome;
}

size_t WebCall::TakeOutput(char* out, size_t max, bool* ended,
                           const std::function<void()>& suspend) {
  bool resume_reading = false;
  size_t taken = 0;
  {
    absl::MutexLock lock(&mu_);
    const size_t available = output_.size() - taken_;
    if (available == 0) {
      if (finished_) {
        *ended = true;
      } else {
        suspended_ = true;
        suspend();
      }
      return 0;
    }
    taken = std::min(available, max);
    std::memcpy(out, output_.data() + taken_, taken);
    taken_ += taken;
    if (taken_ == output_.size() || taken_ >= kCompactAfterBytes) {
      output_.erase(0, taken_);
      taken_ = 0;
    }
    if (read_paused_ && output_.size() < options_.max_buffered_bytes / 2) {
      read_paused_ = false;
      resume_reading = true;
    }
  }
  if (resume_reading) {
    StartRead(&response_);
    RemoveHold();
  }
  return taken;
}

void WebCall::Cancel() {
  bool release_hold = false;
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
    release_hold = std::exchange(read_paused_, false);
  }
  context_.TryCancel();
  if (release_hold) RemoveHold();  // OnDone no longer waits for the browser to read
}

void WebCall::Abandon() {
  bool release_hold = false;
  {
    absl::MutexLock lock(&mu_);
    abandoned_ = true;
    release_hold = std::exchange(read_paused_, false);
  }
  context_.TryCancel();
  if (release_hold) RemoveHold();
}

}  // namespace gigwire::web
