// Time-driven transitions; see scheduler.h.
#include "server/domain/scheduler.h"

#include "server/common/json_log.h"

namespace gigwire {

absl::Status Scheduler::RunOnce(absl::Time now) {
  absl::StatusOr<int> offers = offers_.ExpireDue(now);
  absl::StatusOr<int> jobs = jobs_.ExpireDue(now);
  absl::Status cleanup = store_.Write([&](Tx& tx) {
    return tx.request_ids().DeleteBefore(now - config_.request_id_retention).status();
  });
  if (offers.ok() && jobs.ok() && (*offers > 0 || *jobs > 0)) {
    JsonLog("expired").Int("offers", *offers).Int("jobs", *jobs).Emit();
  }
  if (!offers.ok()) return offers.status();
  if (!jobs.ok()) return jobs.status();
  return cleanup;
}

void Scheduler::Start() {
  absl::MutexLock lock(&mu_);
  stopping_ = false;
  thread_ = std::thread([this] { Loop(); });
}

void Scheduler::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (thread_.joinable()) thread_.join();
}

void Scheduler::Loop() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), config_.interval);
    if (stopping_) break;
    mu_.Unlock();
    absl::Status status = RunOnce(clock_.Now());
    if (!status.ok()) {
      JsonLog("scheduler pass failed", "warn").Str("error", status.message()).Emit();
    }
    mu_.Lock();
  }
}

}  // namespace gigwire
