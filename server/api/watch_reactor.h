// The reactor of a watch stream (EventService.WatchEvents,
// OfferService.WatchOffers): one per call, on gRPC's callback API.
//
// It subscribes to the EventHub and writes what the subscription yields, one
// write in flight at a time: events (encoded by `Codec::FillEvent`),
// heartbeats (`Codec::FillHeartbeat`), and finally the status the hub ended
// the subscription with (SLOW_CONSUMER, CURSOR_EXPIRED, SHUTTING_DOWN...).
// Reactions never block: the hub's wakeup and OnWriteDone only pop the next
// item from memory and start a write. A cancelled call or a failed write
// finishes the stream; OnDone detaches from the hub, logs one JSON line and
// deletes the reactor.
//
// Thread safety: reactions may run concurrently on gRPC and hub threads; the
// reactor's state is guarded by mu_.
#ifndef GIGWIRE_SERVER_API_WATCH_REACTOR_H_
#define GIGWIRE_SERVER_API_WATCH_REACTOR_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/api/rpc_runner.h"
#include "server/api/status_conversion.h"
#include "server/common/clock.h"
#include "server/events/event_hub.h"

namespace gigwire {

// Codec: static absl::Status FillEvent(const EventRecord&, const Principal& viewer,
//                                      absl::Time now, Response*);
//        static void FillHeartbeat(int64_t cursor, absl::Time now, Response*).
template <typename Response, typename Codec>
class WatchReactor final : public grpc::ServerWriteReactor<Response> {
 public:
  // `clock` (the server's, which must outlive the reactor) is the time at
  // which each event's allowed_actions are judged, as its Get would.
  WatchReactor(std::string method, const Clock& clock)
      : method_(std::move(method)), clock_(clock), start_(absl::Now()) {}

  // Authenticates and rate-limits the caller; on error, Reject() with it.
  // The principal lives as long as the reactor.
  absl::StatusOr<const Principal*> Admit(RpcRunner& rpc, grpc::ServerContextBase* context) {
    absl::Status status = rpc.AdmitStream(context, call_, principal_);
    if (!status.ok()) return status;
    admitted_by_ = &rpc;
    return &principal_;
  }

  // Ends the call at once with `status` (admission or request error).
  void Reject(const absl::Status& status) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    FinishLocked(status);
  }

  // Subscribes and starts writing.
  void Start(EventHub& hub, EventFilter filter, std::optional<int64_t> after)
      ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::MutexLock lock(&mu_);  // a wakeup before `subscription_` is set waits here
      subscription_ = hub.Subscribe(std::move(filter), after, [this] { Pump(); });
    }
    Pump();
  }

  void OnWriteDone(bool ok) override ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::MutexLock lock(&mu_);
      writing_ = false;
      if (ok) {
        ++messages_;
      } else {
        FinishLocked(absl::CancelledError("the client went away"));
      }
    }
    Pump();
  }

  void OnCancel() override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    FinishLocked(absl::CancelledError("the client cancelled the stream"));
  }

  void OnDone() override {
    std::shared_ptr<Subscription> subscription;
    absl::Status status;
    int64_t messages;
    {
      absl::MutexLock lock(&mu_);
      subscription = subscription_;
      status = final_status_;
      messages = messages_;
    }
    if (subscription != nullptr) subscription->Cancel();  // no wakeup runs after this
    RpcRunner::LogStreamEnd(method_, status, absl::Now() - start_, call_, messages);
    if (admitted_by_ != nullptr) admitted_by_->EndStream();
    delete this;
  }

 private:
  // Starts the next write, if none is in flight and something is ready.
  void Pump() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (writing_ || finished_ || subscription_ == nullptr) return;
    std::optional<StreamItem> item = subscription_->Next();
    if (!item.has_value()) return;
    response_.Clear();
    if (item->kind == StreamItem::Kind::kEnd) {
      FinishLocked(item->status);
      return;
    }
    if (item->kind == StreamItem::Kind::kHeartbeat) {
      Codec::FillHeartbeat(item->cursor, absl::Now(), &response_);
    } else if (absl::Status status =
                   Codec::FillEvent(*item->event, principal_, clock_.Now(), &response_);
               !status.ok()) {
      FinishLocked(status);
      return;
    }
    writing_ = true;
    this->StartWrite(&response_);
  }

  void FinishLocked(const absl::Status& status) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (finished_) return;
    finished_ = true;
    final_status_ = status;
    this->Finish(ToGrpcStatus(status));
  }

  const std::string method_;
  const Clock& clock_;
  const absl::Time start_;
  Principal principal_;  // set by Admit, before any other thread sees the reactor
  CallInfo call_;
  RpcRunner* admitted_by_ = nullptr;  // set by a successful Admit

  absl::Mutex mu_;
  std::shared_ptr<Subscription> subscription_ ABSL_GUARDED_BY(mu_);
  Response response_ ABSL_GUARDED_BY(mu_);  // the write in flight
  bool writing_ ABSL_GUARDED_BY(mu_) = false;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status final_status_ ABSL_GUARDED_BY(mu_);
  int64_t messages_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_WATCH_REACTOR_H_
