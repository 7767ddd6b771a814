// Resumable watches of the C++ SDK: WatchStop, Client::WatchEvents and
// Client::WatchOffers (see include/gigwire/client.h, "Real time").
#include <grpcpp/support/sync_stream.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "gigwire/client.h"
#include "gigwire/watch.h"

namespace gigwire {

namespace internal {

// The watch loop's door to WatchStop's private side; a null stop never stops.
class WatchStopAccess {
 public:
  static bool Attach(WatchStop* stop, grpc::ClientContext* context) {
    return stop == nullptr || stop->Attach(context);
  }
  static void Detach(WatchStop* stop) {
    if (stop != nullptr) stop->Detach();
  }
  static bool WaitFor(WatchStop* stop, absl::Duration delay) {
    if (stop != nullptr) return stop->WaitFor(delay);
    absl::SleepFor(delay);
    return false;
  }
};

}  // namespace internal

void WatchStop::Stop() {
  absl::MutexLock lock(&mu_);
  stopped_ = true;
  if (context_ != nullptr) context_->TryCancel();
}

bool WatchStop::stopped() const {
  absl::MutexLock lock(&mu_);
  return stopped_;
}

bool WatchStop::Attach(grpc::ClientContext* context) {
  absl::MutexLock lock(&mu_);
  if (stopped_) return false;
  context_ = context;
  return true;
}

void WatchStop::Detach() {
  absl::MutexLock lock(&mu_);
  context_ = nullptr;
}

bool WatchStop::WaitFor(absl::Duration delay) {
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopped_), delay);
  return stopped_;
}

namespace {

using internal::WatchStopAccess;

// Whether `cursor` comes after `last`: cursors are sequence numbers, compared
// as such (a longer number is larger); anything else counts as after.
bool IsAfter(const std::string& cursor, const std::string& last) {
  auto numeric = [](const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
  };
  if (last.empty() || !numeric(cursor) || !numeric(last)) return true;
  if (cursor.size() != last.size()) return cursor.size() > last.size();
  return cursor > last;
}

// Streams that end this way are resumed: the server went away or is
// stopping (UNAVAILABLE, or CANCELLED for calls it had not started), or the
// reader fell behind (SLOW_CONSUMER) or was rate limited.
bool IsRetryable(const ApiError& error) {
  if (error.code == absl::StatusCode::kUnavailable) return true;
  if (error.code == absl::StatusCode::kCancelled) return true;
  return error.code == absl::StatusCode::kResourceExhausted &&
         (error.reason == v1::SLOW_CONSUMER || error.reason == v1::RATE_LIMITED);
}

// Full jitter: uniform in [0, min(max_backoff, initial_backoff * 2^attempt)].
absl::Duration JitteredDelay(const WatchOptions& options, int attempt) {
  thread_local std::mt19937_64 random{std::random_device{}()};
  absl::Duration ceiling = options.initial_backoff * (int64_t{1} << std::min(attempt, 20));
  ceiling = std::min(ceiling, options.max_backoff);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return ceiling * unit(random);
}

// One watch: reads streams opened by `open` until told to stop or a
// non-retryable error. Response is Watch{Events,Offers}Response.
template <typename Response, typename Event>
class WatchLoop {
 public:
  using Open = std::function<std::unique_ptr<grpc::ClientReader<Response>>(
      grpc::ClientContext*, const std::string& cursor)>;

  WatchLoop(Open open, std::function<bool(const Event&)> on_event, const WatchOptions& options,
            std::function<void(grpc::ClientContext&)> add_metadata,
            std::function<bool()> refresh)
      : open_(std::move(open)),
        on_event_(std::move(on_event)),
        options_(options),
        add_metadata_(std::move(add_metadata)),
        refresh_(std::move(refresh)) {}

  absl::Status Run(std::string cursor) {
    cursor_ = std::move(cursor);
    absl::Status status = Loop();
    if (options_.last_cursor != nullptr) *options_.last_cursor = cursor_;
    return status;
  }

 private:
  absl::Status Loop() {
    WatchStop* stop = options_.stop.get();
    while (true) {
      grpc::ClientContext context;
      add_metadata_(context);
      if (!WatchStopAccess::Attach(stop, &context)) return absl::OkStatus();
      absl::Status ended = ReadOneStream(context);
      WatchStopAccess::Detach(stop);
      if (caller_done_ || (stop != nullptr && stop->stopped())) return absl::OkStatus();
      absl::StatusOr<absl::Duration> delay = DelayAfter(ended);
      if (!delay.ok()) return delay.status();
      if (WatchStopAccess::WaitFor(stop, *delay)) return absl::OkStatus();
    }
  }

  // Reads one stream to its end; returns how it ended.
  absl::Status ReadOneStream(grpc::ClientContext& context) {
    std::unique_ptr<grpc::ClientReader<Response>> reader = open_(&context, cursor_);
    Response response;
    while (reader->Read(&response)) {
      attempt_ = 0;
      refreshed_ = false;
      if (!Handle(response)) {
        caller_done_ = true;
        context.TryCancel();
        while (reader->Read(&response)) {
        }
        break;
      }
    }
    return StatusFromGrpc(reader->Finish());
  }

  // Delivers one message; false when the caller wants no more.
  bool Handle(const Response& response) {
    if (response.has_heartbeat()) {
      if (IsAfter(response.heartbeat().cursor(), cursor_)) cursor_ = response.heartbeat().cursor();
      if (options_.on_heartbeat) options_.on_heartbeat(response.heartbeat());
      return true;
    }
    if (!response.has_event() || !IsAfter(response.event().cursor(), cursor_)) return true;
    cursor_ = response.event().cursor();
    return on_event_(response.event());
  }

  // How long to wait before reconnecting after a stream ended with
  // `ended`, or the error to return instead.
  absl::StatusOr<absl::Duration> DelayAfter(const absl::Status& ended) {
    const ApiError error = ApiErrorOf(ended);
    if (error.code == absl::StatusCode::kUnauthenticated && error.reason == v1::TOKEN_EXPIRED) {
      if (refreshed_ || !refresh_()) return ended;
      refreshed_ = true;
      return absl::ZeroDuration();
    }
    if (!ended.ok() && !IsRetryable(error)) return ended;  // CURSOR_EXPIRED included
    absl::Duration delay = JitteredDelay(options_, attempt_++);
    return std::max(delay, absl::Milliseconds(error.retry_after_ms));
  }

  const Open open_;
  const std::function<bool(const Event&)> on_event_;
  const WatchOptions& options_;
  const std::function<void(grpc::ClientContext&)> add_metadata_;
  const std::function<bool()> refresh_;
  std::string cursor_;
  int attempt_ = 0;
  bool refreshed_ = false;
  bool caller_done_ = false;
};

}  // namespace

bool Client::RefreshForWatch() { return !refresh_token().empty() && Refresh().ok(); }

absl::Status Client::WatchEvents(const v1::WatchEventsRequest& request,
                                 std::function<bool(const v1::Event&)> on_event,
                                 const WatchOptions& options) {
  auto open = [&](grpc::ClientContext* context, const std::string& cursor) {
    v1::WatchEventsRequest resumed = request;
    resumed.set_resume_cursor(cursor);
    return events_->WatchEvents(context, resumed);
  };
  WatchLoop<v1::WatchEventsResponse, v1::Event> loop(
      open, std::move(on_event), options,
      [this](grpc::ClientContext& context) { AddCallMetadata(context); },
      [this] { return RefreshForWatch(); });
  return loop.Run(request.resume_cursor());
}

absl::Status Client::WatchOffers(const v1::WatchOffersRequest& request,
                                 std::function<bool(const v1::OfferEvent&)> on_event,
                                 const WatchOptions& options) {
  auto open = [&](grpc::ClientContext* context, const std::string& cursor) {
    v1::WatchOffersRequest resumed = request;
    resumed.set_resume_cursor(cursor);
    return offers_->WatchOffers(context, resumed);
  };
  WatchLoop<v1::WatchOffersResponse, v1::OfferEvent> loop(
      open, std::move(on_event), options,
      [this](grpc::ClientContext& context) { AddCallMetadata(context); },
      [this] { return RefreshForWatch(); });
  return loop.Run(request.resume_cursor());
}

}  // namespace gigwire
