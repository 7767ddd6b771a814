// Time source for everything time-driven (token expiry, rate limits,
// schedulers), injectable so tests can move time.
//
// Thread safety: implementations are thread-safe.
#ifndef GIGWIRE_SERVER_COMMON_CLOCK_H_
#define GIGWIRE_SERVER_COMMON_CLOCK_H_

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gigwire {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The wall clock. `Get()` returns a process-wide instance (never destroyed).
class SystemClock final : public Clock {
 public:
  static const Clock& Get();
  absl::Time Now() const override { return absl::Now(); }
};

// A clock that only moves when told to; for tests.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start = absl::FromUnixSeconds(1'800'000'000)) : now_(start) {}
  absl::Time Now() const override {
    absl::MutexLock lock(&mu_);
    return now_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock lock(&mu_);
    now_ += d;
  }

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_COMMON_CLOCK_H_
