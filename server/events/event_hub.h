// The fan-out hub: delivers committed outbox events to live subscribers
// (the streams of WatchEvents and WatchOffers), replaying stored events first
// so that a resumed stream has no gap and no duplicate.
//
// How it works. Writers append events to the outbox inside their
// transactions; the store tells the hub after each such COMMIT. One pump
// thread then reads the new events in sequence order and offers each one to
// the subscribers that may see it (found through an index by user, plus the
// admins). A subscriber opened with a cursor starts in replay: a replay thread
// reads the stored events after the cursor in pages and queues the matching
// ones; when it has read up to what the pump has published, the subscriber
// switches to live under the hub's lock, so every event is queued exactly
// once, in order. Each subscriber's queue is bounded (`max_queued_events`):
// a live subscriber whose queue is full is ended with RESOURCE_EXHAUSTED
// (SLOW_CONSUMER) and its queue freed; replay simply pauses until the stream
// drains. A replay from before the retained events fails with OUT_OF_RANGE
// (CURSOR_EXPIRED). Heartbeats are requested every `heartbeat_interval`.
// Nothing here ever runs on the stream's thread except Next(), which only
// pops from memory: no SQLite, no waiting.
//
// Thread safety: EventHub and Subscription are thread-safe. Ownership: the
// hub keeps a reference to the store, which must outlive it; subscriptions
// are shared between the hub and their stream until Cancel().
#ifndef GIGWIRE_SERVER_EVENTS_EVENT_HUB_H_
#define GIGWIRE_SERVER_EVENTS_EVENT_HUB_H_

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/model/event.h"
#include "server/store/store.h"

namespace gigwire {

// Which events a subscriber receives.
struct EventFilter {
  bool all_users = false;         // an admin: every event
  std::string user_id;            // else: events whose buyer or seller this is
  std::vector<EventType> types;   // empty: every type
  std::string job_id;             // non-empty: only this job's events

  bool Matches(const EventRecord& event) const;
};

struct EventHubOptions {
  int max_queued_events = 1024;  // per subscriber
  absl::Duration heartbeat_interval = absl::Seconds(15);
  int read_batch = 512;          // events per outbox read
};

// What a stream should send next.
struct StreamItem {
  enum class Kind { kEvent, kHeartbeat, kEnd };
  Kind kind = Kind::kHeartbeat;
  std::shared_ptr<const EventRecord> event;  // kEvent
  int64_t cursor = 0;                        // kEvent: its sequence; kHeartbeat: position
  absl::Status status;                       // kEnd: why the stream ends
};

class EventHub;

class Subscription : public std::enable_shared_from_this<Subscription> {
 public:
  // The next item to send; nullopt when none is ready (the wakeup runs when
  // one becomes ready). Returns kEnd once, then nullopt forever. Never blocks.
  std::optional<StreamItem> Next() ABSL_LOCKS_EXCLUDED(mu_);
  // Detaches from the hub (the stream is done). Idempotent. When it returns,
  // the wakeup is not running and will never run again.
  void Cancel();

  // Construction is the hub's (see EventHub::Subscribe).
  Subscription(EventHub& hub, EventFilter filter, std::function<void()> wakeup);

 private:
  friend class EventHub;
  enum class Mode { kReplaying, kLive, kEnded };

  // Hub side. Each returns true when the stream should be woken.
  bool OfferLive(const std::shared_ptr<const EventRecord>& event, int max_queued)
      ABSL_LOCKS_EXCLUDED(mu_);
  bool End(absl::Status status) ABSL_LOCKS_EXCLUDED(mu_);
  bool RequestHeartbeat() ABSL_LOCKS_EXCLUDED(mu_);
  void Wake() ABSL_LOCKS_EXCLUDED(wake_mu_);

  EventHub& hub_;
  const EventFilter filter_;

  absl::Mutex mu_;
  Mode mode_ ABSL_GUARDED_BY(mu_) = Mode::kReplaying;
  int64_t position_ ABSL_GUARDED_BY(mu_) = 0;  // every event <= it is queued or skipped
  std::deque<std::shared_ptr<const EventRecord>> queue_ ABSL_GUARDED_BY(mu_);
  bool heartbeat_due_ ABSL_GUARDED_BY(mu_) = false;
  bool replay_parked_ ABSL_GUARDED_BY(mu_) = false;  // replay waits for the queue to drain
  absl::Status end_status_ ABSL_GUARDED_BY(mu_);
  bool end_sent_ ABSL_GUARDED_BY(mu_) = false;

  absl::Mutex wake_mu_;
  std::function<void()> wakeup_ ABSL_GUARDED_BY(wake_mu_);
};

class EventHub {
 public:
  // Errors: the store's, reading where the outbox ends.
  static absl::StatusOr<std::unique_ptr<EventHub>> Start(Store& store,
                                                        const EventHubOptions& options);
  ~EventHub();  // Shutdown(), then joins its threads

  // Opens a subscription. `after`: replay stored events with a greater
  // sequence first; nullopt: start at the newest published event, with a
  // heartbeat as the first item. `wakeup` runs on hub threads whenever Next()
  // may return something new; it must not block (it may call Next()).
  std::shared_ptr<Subscription> Subscribe(EventFilter filter, std::optional<int64_t> after,
                                          std::function<void()> wakeup);

  // Ends every subscription with UNAVAILABLE (new ones end at once) and stops
  // the threads. Idempotent.
  void Shutdown();

  // Ends with `status` the subscriptions opened by `user_id` (their filter's
  // user), e.g. when its roles change: a stream is authorized when it opens,
  // so it must reopen to see what the new roles allow.
  void EndSubscriptionsOf(const std::string& user_id, const absl::Status& status);

  // The highest sequence offered to live subscribers.
  int64_t published_through() const { return published_.load(); }
  int subscriber_count();

 private:
  friend class Subscription;
  EventHub(Store& store, const EventHubOptions& options, int64_t published);

  void OnEventsCommitted();
  void PumpLoop();
  absl::Status PublishNewEvents();
  void Publish(const std::vector<EventRecord>& events);
  void HeartbeatAll();
  void ReplayLoop();
  void ReplayStep(const std::shared_ptr<Subscription>& sub);
  // Switches a replaying subscriber to live when it has read everything the
  // pump published; true when it no longer needs replay (live or ended).
  bool GoLiveIfCaughtUp(Subscription& sub) ABSL_LOCKS_EXCLUDED(mu_);
  void ScheduleReplay(std::shared_ptr<Subscription> sub);
  void Remove(Subscription* sub);
  // Under mu_: the subscribers that may see `event`.
  void CollectAudience(const EventRecord& event, std::vector<Subscription*>& out)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  Store& store_;
  const EventHubOptions options_;
  std::atomic<int64_t> published_;

  absl::Mutex mu_;  // the index; held while publishing a batch (before any Subscription::mu_)
  bool shut_down_ ABSL_GUARDED_BY(mu_) = false;
  absl::flat_hash_map<Subscription*, std::shared_ptr<Subscription>> all_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, absl::flat_hash_set<Subscription*>> by_user_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_set<Subscription*> admins_ ABSL_GUARDED_BY(mu_);

  absl::Mutex pump_mu_;
  bool committed_ ABSL_GUARDED_BY(pump_mu_) = true;  // first pass: anything after Start()'s read
  bool stopping_ ABSL_GUARDED_BY(pump_mu_) = false;

  absl::Mutex replay_mu_;
  std::deque<std::shared_ptr<Subscription>> replay_queue_ ABSL_GUARDED_BY(replay_mu_);
  bool replay_stopping_ ABSL_GUARDED_BY(replay_mu_) = false;

  std::thread pump_thread_;
  std::thread replay_thread_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_EVENTS_EVENT_HUB_H_
