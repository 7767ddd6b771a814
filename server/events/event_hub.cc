// Fan-out hub, subscriber queues and replay; see event_hub.h.
//
// Lock order: EventHub::mu_ -> Subscription::mu_; Subscription::wake_mu_ is
// taken with no other hub or subscription lock held (wakeups call Next()).
#include "server/events/event_hub.h"

#include <algorithm>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "server/common/json_log.h"
#include "server/common/status.h"

namespace gigwire {

bool EventFilter::Matches(const EventRecord& event) const {
  if (!all_users && event.buyer_id != user_id && event.seller_id != user_id) return false;
  if (!job_id.empty() && event.job_id != job_id) return false;
  return types.empty() || std::find(types.begin(), types.end(), event.type) != types.end();
}

// ---- Subscription ----

Subscription::Subscription(EventHub& hub, EventFilter filter, std::function<void()> wakeup)
    : hub_(hub), filter_(std::move(filter)), wakeup_(std::move(wakeup)) {}

std::optional<StreamItem> Subscription::Next() {
  std::optional<StreamItem> item;
  bool resume_replay = false;
  {
    absl::MutexLock lock(&mu_);
    if (mode_ == Mode::kEnded) {
      if (end_sent_) return std::nullopt;
      end_sent_ = true;
      item = StreamItem{StreamItem::Kind::kEnd, nullptr, position_, end_status_};
    } else if (!queue_.empty()) {
      item = StreamItem{StreamItem::Kind::kEvent, std::move(queue_.front()), 0, absl::OkStatus()};
      queue_.pop_front();
      item->cursor = item->event->sequence;
      resume_replay = replay_parked_ &&
                      static_cast<int>(queue_.size()) <= hub_.options_.max_queued_events / 2;
      if (resume_replay) replay_parked_ = false;
    } else if (heartbeat_due_) {
      heartbeat_due_ = false;
      int64_t cursor = position_;
      // Live and drained: everything published was queued (and sent) or skipped.
      if (mode_ == Mode::kLive) cursor = std::max(cursor, hub_.published_through());
      item = StreamItem{StreamItem::Kind::kHeartbeat, nullptr, cursor, absl::OkStatus()};
    }
  }
  if (resume_replay) hub_.ScheduleReplay(shared_from_this());
  return item;
}

void Subscription::Cancel() {
  hub_.Remove(this);
  {
    absl::MutexLock lock(&mu_);
    if (mode_ != Mode::kEnded) {
      mode_ = Mode::kEnded;
      end_status_ = absl::CancelledError("the stream ended");
      queue_.clear();
    }
  }
  absl::MutexLock lock(&wake_mu_);  // waits for a running wakeup
  wakeup_ = nullptr;
}

bool Subscription::OfferLive(const std::shared_ptr<const EventRecord>& event, int max_queued) {
  absl::MutexLock lock(&mu_);
  if (mode_ != Mode::kLive || event->sequence <= position_) return false;
  if (!filter_.Matches(*event)) return false;
  if (static_cast<int>(queue_.size()) >= max_queued) {
    mode_ = Mode::kEnded;
    end_status_ = SlowConsumer(absl::StrCat(
        "the stream fell more than ", max_queued,
        " events behind; reconnect with the last cursor received"));
    queue_.clear();
    return true;
  }
  position_ = event->sequence;
  queue_.push_back(event);
  return queue_.size() == 1;
}

bool Subscription::End(absl::Status status) {
  absl::MutexLock lock(&mu_);
  if (mode_ == Mode::kEnded) return false;
  mode_ = Mode::kEnded;
  end_status_ = std::move(status);
  queue_.clear();
  return true;
}

bool Subscription::RequestHeartbeat() {
  absl::MutexLock lock(&mu_);
  if (mode_ == Mode::kEnded) return false;
  heartbeat_due_ = true;
  return queue_.empty();
}

void Subscription::Wake() {
  absl::MutexLock lock(&wake_mu_);
  if (wakeup_) wakeup_();
}

// ---- EventHub: lifecycle and subscriptions ----

absl::StatusOr<std::unique_ptr<EventHub>> EventHub::Start(Store& store,
                                                         const EventHubOptions& options) {
  int64_t latest = 0;
  GW_RETURN_IF_ERROR(store.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(latest, tx.events().LatestSequence());
    return absl::OkStatus();
  }));
  auto hub = absl::WrapUnique(new EventHub(store, options, latest));
  EventHub* raw = hub.get();
  store.SetEventsCommittedObserver([raw] { raw->OnEventsCommitted(); });
  raw->pump_thread_ = std::thread([raw] { raw->PumpLoop(); });
  raw->replay_thread_ = std::thread([raw] { raw->ReplayLoop(); });
  return hub;
}

EventHub::EventHub(Store& store, const EventHubOptions& options, int64_t published)
    : store_(store), options_(options), published_(published) {}

EventHub::~EventHub() {
  Shutdown();
  store_.SetEventsCommittedObserver(nullptr);
}

std::shared_ptr<Subscription> EventHub::Subscribe(EventFilter filter,
                                                  std::optional<int64_t> after,
                                                  std::function<void()> wakeup) {
  const bool admin = filter.all_users;
  const std::string user_id = filter.user_id;
  auto sub = std::make_shared<Subscription>(*this, std::move(filter), std::move(wakeup));
  bool replay = false;
  {
    absl::MutexLock hub_lock(&mu_);
    absl::MutexLock sub_lock(&sub->mu_);
    if (shut_down_) {
      sub->mode_ = Subscription::Mode::kEnded;
      sub->end_status_ = ShuttingDown("the server is shutting down");
    } else {
      all_[sub.get()] = sub;
      (admin ? admins_ : by_user_[user_id]).insert(sub.get());
      replay = after.has_value();
      sub->mode_ = replay ? Subscription::Mode::kReplaying : Subscription::Mode::kLive;
      sub->position_ = replay ? *after : published_.load();
      sub->heartbeat_due_ = !replay;
    }
  }
  if (replay) ScheduleReplay(sub);
  return sub;
}

void EventHub::Remove(Subscription* sub) {
  absl::MutexLock lock(&mu_);
  auto it = all_.find(sub);
  if (it == all_.end()) return;
  if (sub->filter_.all_users) {
    admins_.erase(sub);
  } else if (auto user = by_user_.find(sub->filter_.user_id); user != by_user_.end()) {
    user->second.erase(sub);
    if (user->second.empty()) by_user_.erase(user);
  }
  all_.erase(it);  // may drop the last reference but one: the caller holds `sub`
}

void EventHub::EndSubscriptionsOf(const std::string& user_id, const absl::Status& status) {
  std::vector<std::shared_ptr<Subscription>> ended;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [raw, sub] : all_) {
      if (sub->filter_.user_id == user_id && sub->End(status)) ended.push_back(sub);
    }
  }
  for (auto& sub : ended) sub->Wake();
}

int EventHub::subscriber_count() {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(all_.size());
}

void EventHub::Shutdown() {
  std::vector<std::shared_ptr<Subscription>> ended;
  {
    absl::MutexLock lock(&mu_);
    if (!shut_down_) {
      shut_down_ = true;
      for (auto& [raw, sub] : all_) {
        if (sub->End(ShuttingDown("the server is shutting down; reconnect with the last "
                                  "cursor received"))) {
          ended.push_back(sub);
        }
      }
    }
  }
  for (auto& sub : ended) sub->Wake();
  {
    absl::MutexLock lock(&pump_mu_);
    stopping_ = true;
  }
  {
    absl::MutexLock lock(&replay_mu_);
    replay_stopping_ = true;
  }
  if (pump_thread_.joinable()) pump_thread_.join();
  if (replay_thread_.joinable()) replay_thread_.join();
}

// ---- EventHub: the pump (live fan-out and heartbeats) ----

void EventHub::OnEventsCommitted() {
  absl::MutexLock lock(&pump_mu_);
  committed_ = true;
}

void EventHub::PumpLoop() {
  absl::Time next_heartbeat = absl::Now() + options_.heartbeat_interval;
  while (true) {
    {
      absl::MutexLock lock(&pump_mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(pump_mu_) {
        return committed_ || stopping_;
      };
      pump_mu_.AwaitWithDeadline(absl::Condition(&ready), next_heartbeat);
      if (stopping_) return;
      committed_ = false;
    }
    // A failed read is retried at the next commit or heartbeat; the events
    // stay in the outbox, so nothing is lost.
    if (absl::Status status = PublishNewEvents(); !status.ok()) {
      JsonLog("event hub: reading the outbox failed; retrying", "warn")
          .Str("error", status.ToString())
          .Emit();
    }
    if (absl::Now() >= next_heartbeat) {
      HeartbeatAll();
      next_heartbeat = absl::Now() + options_.heartbeat_interval;
    }
  }
}

absl::Status EventHub::PublishNewEvents() {
  while (true) {
    std::vector<EventRecord> events;
    GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(events, tx.events().ListAfter(published_.load(), options_.read_batch));
      return absl::OkStatus();
    }));
    if (!events.empty()) Publish(events);
    if (static_cast<int>(events.size()) < options_.read_batch) return absl::OkStatus();
  }
}

void EventHub::CollectAudience(const EventRecord& event, std::vector<Subscription*>& out) {
  out.assign(admins_.begin(), admins_.end());
  for (const std::string* user : {&event.buyer_id, &event.seller_id}) {
    if (user->empty() || (user == &event.seller_id && event.seller_id == event.buyer_id)) continue;
    auto it = by_user_.find(*user);
    if (it != by_user_.end()) out.insert(out.end(), it->second.begin(), it->second.end());
  }
}

void EventHub::Publish(const std::vector<EventRecord>& events) {
  std::vector<std::shared_ptr<Subscription>> to_wake;
  {
    absl::MutexLock lock(&mu_);
    std::vector<Subscription*> audience;
    for (const EventRecord& record : events) {
      auto event = std::make_shared<const EventRecord>(record);
      CollectAudience(*event, audience);
      for (Subscription* sub : audience) {
        if (sub->OfferLive(event, options_.max_queued_events)) to_wake.push_back(all_.at(sub));
      }
      published_.store(record.sequence);
    }
  }
  for (auto& sub : to_wake) sub->Wake();
}

void EventHub::HeartbeatAll() {
  std::vector<std::shared_ptr<Subscription>> to_wake;
  {
    absl::MutexLock lock(&mu_);
    for (auto& [raw, sub] : all_) {
      if (sub->RequestHeartbeat()) to_wake.push_back(sub);
    }
  }
  for (auto& sub : to_wake) sub->Wake();
}

// ---- EventHub: replay ----

void EventHub::ScheduleReplay(std::shared_ptr<Subscription> sub) {
  absl::MutexLock lock(&replay_mu_);
  replay_queue_.push_back(std::move(sub));
}

void EventHub::ReplayLoop() {
  while (true) {
    std::shared_ptr<Subscription> sub;
    {
      absl::MutexLock lock(&replay_mu_);
      auto ready = [this]() ABSL_SHARED_LOCKS_REQUIRED(replay_mu_) {
        return !replay_queue_.empty() || replay_stopping_;
      };
      replay_mu_.Await(absl::Condition(&ready));
      if (replay_stopping_) return;
      sub = std::move(replay_queue_.front());
      replay_queue_.pop_front();
    }
    ReplayStep(sub);
  }
}

namespace {

// One page of the outbox and where its retained range starts and ends, read
// in one snapshot.
struct OutboxPage {
  std::vector<EventRecord> events;
  int64_t pruned_through = 0;
  int64_t latest = 0;
};

absl::StatusOr<OutboxPage> ReadOutboxPage(Store& store, int64_t after, int limit) {
  OutboxPage page;
  GW_RETURN_IF_ERROR(store.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.pruned_through, tx.events().PrunedThrough());
    GW_ASSIGN_OR_RETURN(page.latest, tx.events().LatestSequence());
    GW_ASSIGN_OR_RETURN(page.events, tx.events().ListAfter(after, limit));
    return absl::OkStatus();
  }));
  return page;
}

// Why a replay from `position` cannot be served by `page`, if it cannot.
absl::Status CheckResumable(int64_t position, const OutboxPage& page) {
  if (position < page.pruned_through) {
    return CursorExpired(absl::StrCat("events after cursor ", position,
                                      " were deleted by retention (kept after ",
                                      page.pruned_through, "); list again"));
  }
  if (position > page.latest) {
    return CursorAhead(absl::StrCat("cursor ", position, " is ahead of the newest event ",
                                      page.latest, "; list again"));
  }
  return absl::OkStatus();
}

}  // namespace

// Queues the matching events of one outbox page after the subscriber's
// position. Then: the next page later (round robin between replays); parked
// when the queue is full (Next() reschedules it once drained); live once it
// has read everything the pump has published; or ended (cursor expired).
void EventHub::ReplayStep(const std::shared_ptr<Subscription>& sub) {
  int64_t position;
  {
    absl::MutexLock lock(&sub->mu_);
    if (sub->mode_ != Subscription::Mode::kReplaying) return;
    position = sub->position_;
  }
  absl::StatusOr<OutboxPage> page = ReadOutboxPage(store_, position, options_.read_batch);
  absl::Status status = page.ok() ? CheckResumable(position, *page) : page.status();
  if (!status.ok()) {
    if (sub->End(status)) sub->Wake();
    return;
  }
  const bool last_page = static_cast<int>(page->events.size()) < options_.read_batch;
  bool wake = false, parked = false;
  {
    absl::MutexLock lock(&sub->mu_);
    if (sub->mode_ != Subscription::Mode::kReplaying) return;
    for (EventRecord& event : page->events) {
      if (static_cast<int>(sub->queue_.size()) >= options_.max_queued_events) {
        parked = sub->replay_parked_ = true;
        break;
      }
      const int64_t sequence = event.sequence;
      if (sub->filter_.Matches(event)) {
        wake = wake || sub->queue_.empty();
        sub->queue_.push_back(std::make_shared<const EventRecord>(std::move(event)));
      }
      sub->position_ = sequence;
    }
    if (!parked && last_page) sub->position_ = std::max(sub->position_, page->latest);
  }
  if (wake) sub->Wake();
  if (parked) return;
  if (last_page && GoLiveIfCaughtUp(*sub)) return;
  ScheduleReplay(sub);
}

bool EventHub::GoLiveIfCaughtUp(Subscription& sub) {
  absl::MutexLock hub_lock(&mu_);  // the pump publishes under it: nothing slips between
  absl::MutexLock sub_lock(&sub.mu_);
  if (sub.mode_ != Subscription::Mode::kReplaying) return true;  // ended meanwhile
  if (sub.position_ < published_.load()) return false;           // the pump moved on: read more
  sub.mode_ = Subscription::Mode::kLive;
  return true;
}

}  // namespace gigwire
