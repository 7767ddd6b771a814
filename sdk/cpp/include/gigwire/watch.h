// Options of the C++ SDK's resumable watches (Client::WatchEvents,
// Client::WatchOffers) and the handle that stops one from another thread.
//
//   auto stop = std::make_shared<gigwire::WatchStop>();
//   gigwire::WatchOptions options;
//   options.stop = stop;
//   std::thread watcher([&] {
//     absl::Status done = client->WatchOffers({}, [](const v1::OfferEvent& e) {
//       std::cout << e.offer().id() << "\n";
//       return true;  // false ends the watch
//     }, options);
//   });
//   ...
//   stop->Stop();  // cancels the call in flight; WatchOffers returns OK
//   watcher.join();
#ifndef GIGWIRE_SDK_CPP_WATCH_H_
#define GIGWIRE_SDK_CPP_WATCH_H_

#include <grpcpp/client_context.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "gigwire/v1/event_type.pb.h"

namespace gigwire {

namespace internal {
class WatchStopAccess;
}  // namespace internal

// Ends a running watch from any thread. Thread-safe. Once stopped it stays
// stopped: a watch started with a stopped WatchStop returns OK at once. Use
// one WatchStop per running watch.
class WatchStop {
 public:
  WatchStop() = default;
  WatchStop(const WatchStop&) = delete;
  WatchStop& operator=(const WatchStop&) = delete;

  // Cancels the watch's call in flight and wakes a pending reconnect delay;
  // the watch then returns absl::OkStatus(). Idempotent.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);
  bool stopped() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  friend class internal::WatchStopAccess;
  // Registers the call in flight; false (and nothing registered) if stopped.
  bool Attach(grpc::ClientContext* context) ABSL_LOCKS_EXCLUDED(mu_);
  void Detach() ABSL_LOCKS_EXCLUDED(mu_);
  // Sleeps up to `delay`; true if stopped (before or during the wait).
  bool WaitFor(absl::Duration delay) ABSL_LOCKS_EXCLUDED(mu_);

  mutable absl::Mutex mu_;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
};

// How a watch reconnects, and its optional hooks.
struct WatchOptions {
  // Lets another thread end the watch (see WatchStop). Optional.
  std::shared_ptr<WatchStop> stop;
  // Reconnect delay: uniform in [0, min(max_backoff, initial_backoff * 2^n)]
  // where n counts failed connects since the last message (full jitter).
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(10);
  // Called with every heartbeat, on the watching thread. Optional.
  std::function<void(const v1::Heartbeat&)> on_heartbeat;
  // If set, receives the last cursor seen (event or heartbeat) when the watch
  // returns, whatever the outcome: resume from it to miss nothing.
  std::string* last_cursor = nullptr;
};

}  // namespace gigwire

#endif  // GIGWIRE_SDK_CPP_WATCH_H_
