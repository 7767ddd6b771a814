// The one scheduler of time-driven transitions: offers past their ttl expire,
// jobs past their due date expire, submitted milestones the buyer left alone
// past --auto-release-days are released, pending payments of a provider
// gateway are asked about (every `payment_poll_interval`), old idempotency
// records are forgotten, files are swept (every `file_sweep_interval`: idle
// uploads expire, unattached files a day old are deleted, then blobs no row
// names and stale temporary files; see Files::Sweep), and
// outbox events and notifications older than their retention are deleted
// (in transactions of at most `retention_batch` rows each, so the writer is
// never held for long). Expiries are recorded as events with actor "system".
// RunOnce(now) does one pass and is what tests call with a FakeClock; Start()
// runs passes every `interval` on a background thread until Stop().
//
// Thread safety: RunOnce is thread-safe; Start/Stop from one thread.
#ifndef GIGWIRE_SERVER_DOMAIN_SCHEDULER_H_
#define GIGWIRE_SERVER_DOMAIN_SCHEDULER_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/domain/files.h"
#include "server/domain/jobs.h"
#include "server/domain/milestones.h"
#include "server/domain/offers.h"
#include "server/domain/payments.h"
#include "server/store/store.h"

namespace gigwire {

struct SchedulerConfig {
  absl::Duration interval = absl::Seconds(1);
  absl::Duration request_id_retention = absl::Hours(24);
  // How long events stay replayable (older resume cursors are CURSOR_EXPIRED).
  absl::Duration event_retention = absl::Hours(24 * 7);
  absl::Duration notification_retention = absl::Hours(24 * 90);
  int retention_batch = 1000;  // rows deleted per transaction
  absl::Duration payment_poll_interval = absl::Minutes(1);
  absl::Duration file_sweep_interval = absl::Minutes(10);
};

class Scheduler {
 public:
  // `milestones`, `payments` and `files` may be null (no auto-release, no
  // payment polling, no file sweep: tests of other steps).
  Scheduler(Store& store, Jobs& jobs, Offers& offers, const Clock& clock,
            SchedulerConfig config = {}, Milestones* milestones = nullptr,
            Payments* payments = nullptr, Files* files = nullptr)
      : store_(store), jobs_(jobs), offers_(offers), milestones_(milestones),
        payments_(payments), files_(files), clock_(clock), config_(config) {}
  ~Scheduler() { Stop(); }

  // One pass at `now`: returns the first error, after trying every step.
  absl::Status RunOnce(absl::Time now);
  void Start();
  // Idempotent; waits for a running pass to finish.
  void Stop();

 private:
  void Loop();
  // Asks the provider about pending payments, at most every
  // payment_poll_interval; 0 between polls.
  absl::StatusOr<int> PollPayments(absl::Time now);
  // Files::Sweep, at most every file_sweep_interval.
  absl::Status SweepFiles(absl::Time now);
  // Deletes outbox events and notifications past their retention at `now`.
  absl::Status PruneOutbox(absl::Time now);
  // Runs `delete_batch` in one Write after another until it deletes fewer
  // than retention_batch rows; returns the total.
  absl::StatusOr<int> DeleteInBatches(absl::FunctionRef<absl::StatusOr<int>(Tx&)> delete_batch);

  Store& store_;
  Jobs& jobs_;
  Offers& offers_;
  Milestones* const milestones_;
  Payments* const payments_;
  Files* const files_;
  const Clock& clock_;
  const SchedulerConfig config_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_payment_poll_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Time last_file_sweep_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  std::thread thread_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_SCHEDULER_H_
