// Time-driven transitions; see scheduler.h.
#include "server/domain/scheduler.h"

#include <algorithm>

#include "server/common/json_log.h"
#include "server/common/status.h"

namespace gigwire {

absl::Status Scheduler::RunOnce(absl::Time now) {
  absl::StatusOr<int> offers = offers_.ExpireDue(now);
  absl::StatusOr<int> jobs = jobs_.ExpireDue(now);
  absl::StatusOr<int> released = milestones_ ? milestones_->AutoReleaseDue(now) : 0;
  absl::StatusOr<int> payments = PollPayments(now);
  absl::Status cleanup = store_.Write([&](Tx& tx) {
    return tx.request_ids().DeleteBefore(now - config_.request_id_retention).status();
  });
  absl::Status pruned = PruneOutbox(now);
  absl::Status files = SweepFiles(now);
  if (offers.ok() && jobs.ok() && (*offers > 0 || *jobs > 0)) {
    JsonLog("expired").Int("offers", *offers).Int("jobs", *jobs).Emit();
  }
  if (released.ok() && *released > 0) JsonLog("auto-released").Int("milestones", *released).Emit();
  if (!offers.ok()) return offers.status();
  if (!released.ok()) return released.status();
  if (payments.ok() && *payments > 0) JsonLog("payments settled").Int("payments", *payments).Emit();
  if (!payments.ok()) return payments.status();
  if (!jobs.ok()) return jobs.status();
  if (!cleanup.ok()) return cleanup;
  if (!pruned.ok()) return pruned;
  return files;
}

absl::Status Scheduler::SweepFiles(absl::Time now) {
  if (files_ == nullptr) return absl::OkStatus();
  {
    absl::MutexLock lock(&mu_);
    if (now - last_file_sweep_ < config_.file_sweep_interval) return absl::OkStatus();
    last_file_sweep_ = now;
  }
  GW_ASSIGN_OR_RETURN(const FileSweepCounts swept, files_->Sweep(now));
  if (swept.expired_uploads + swept.unattached_files + swept.orphan_blobs +
          swept.stale_temporaries > 0) {
    JsonLog("files swept")
        .Int("expired_uploads", swept.expired_uploads)
        .Int("unattached_files", swept.unattached_files)
        .Int("orphan_blobs", swept.orphan_blobs)
        .Int("stale_temporaries", swept.stale_temporaries)
        .Emit();
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Scheduler::PollPayments(absl::Time now) {
  if (payments_ == nullptr) return 0;
  {
    absl::MutexLock lock(&mu_);
    if (now - last_payment_poll_ < config_.payment_poll_interval) return 0;
    last_payment_poll_ = now;
  }
  return payments_->RefreshPending(now);
}

absl::Status Scheduler::PruneOutbox(absl::Time now) {
  const int batch = std::max(1, config_.retention_batch);
  const absl::Time event_cutoff = now - config_.event_retention;
  const absl::Time notification_cutoff = now - config_.notification_retention;
  absl::StatusOr<int> events = DeleteInBatches(
      [&](Tx& tx) { return tx.events().DeleteBefore(event_cutoff, batch); });
  absl::StatusOr<int> notifications = DeleteInBatches(
      [&](Tx& tx) { return tx.notifications().DeleteBefore(notification_cutoff, batch); });
  if (events.ok() && notifications.ok() && (*events > 0 || *notifications > 0)) {
    JsonLog("pruned").Int("events", *events).Int("notifications", *notifications).Emit();
  }
  if (!events.ok()) return events.status();
  return notifications.status();
}

absl::StatusOr<int> Scheduler::DeleteInBatches(
    absl::FunctionRef<absl::StatusOr<int>(Tx&)> delete_batch) {
  const int batch = std::max(1, config_.retention_batch);
  int total = 0;
  while (true) {
    int deleted = 0;
    GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(deleted, delete_batch(tx));
      return absl::OkStatus();
    }));
    total += deleted;
    if (deleted < batch) return total;
  }
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
