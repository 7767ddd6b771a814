// The one scheduler of time-driven transitions: offers past their ttl expire,
// jobs past their due date expire, old idempotency records are forgotten.
// RunOnce(now) does one pass and is what tests call with a FakeClock; Start()
// runs passes every `interval` on a background thread until Stop().
//
// Thread safety: RunOnce is thread-safe; Start/Stop from one thread.
#ifndef GIGWIRE_SERVER_DOMAIN_SCHEDULER_H_
#define GIGWIRE_SERVER_DOMAIN_SCHEDULER_H_

#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/common/clock.h"
#include "server/domain/jobs.h"
#include "server/domain/offers.h"
#include "server/store/store.h"

namespace gigwire {

struct SchedulerConfig {
  absl::Duration interval = absl::Seconds(1);
  absl::Duration request_id_retention = absl::Hours(24);
};

class Scheduler {
 public:
  Scheduler(Store& store, Jobs& jobs, Offers& offers, const Clock& clock,
            SchedulerConfig config = {})
      : store_(store), jobs_(jobs), offers_(offers), clock_(clock), config_(config) {}
  ~Scheduler() { Stop(); }

  // One pass at `now`: returns the first error, after trying every step.
  absl::Status RunOnce(absl::Time now);
  void Start();
  // Idempotent; waits for a running pass to finish.
  void Stop();

 private:
  void Loop();

  Store& store_;
  Jobs& jobs_;
  Offers& offers_;
  const Clock& clock_;
  const SchedulerConfig config_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_SCHEDULER_H_
