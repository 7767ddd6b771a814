// Token-bucket rate limiting per key (client address, account, principal).
//
// Each key owns a bucket of `burst` tokens refilled at `per_second`; a call
// takes one token. When none is left the call is refused with
// RESOURCE_EXHAUSTED (RATE_LIMITED) and the time until a token is back.
// Memory is bounded: beyond `max_keys` buckets, buckets that have refilled
// completely (idle keys) are dropped; if none has, the oldest-touched go.
//
// Thread safety: thread-safe; buckets are spread over shards, each with its
// own mutex, so unrelated keys rarely contend.
#ifndef GIGWIRE_SERVER_AUTH_RATE_LIMITER_H_
#define GIGWIRE_SERVER_AUTH_RATE_LIMITER_H_

#include <array>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/common/clock.h"

namespace gigwire {

struct RateLimit {
  double per_second = 10;
  double burst = 20;
};

class RateLimiter {
 public:
  // `clock` must outlive the limiter.
  RateLimiter(RateLimit limit, const Clock& clock, size_t max_keys = 100'000);

  // OK and one token taken, or RESOURCE_EXHAUSTED (RATE_LIMITED).
  absl::Status Acquire(absl::string_view key);

 private:
  struct Bucket {
    double tokens;
    absl::Time updated;
  };
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<std::string, Bucket> buckets ABSL_GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;

  void EvictIdle(Shard& shard, absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(shard.mu);
  double Refilled(const Bucket& bucket, absl::Time now) const;

  const RateLimit limit_;
  const Clock& clock_;
  const size_t max_keys_per_shard_;
  std::array<Shard, kShards> shards_;
};

// The server's limits, by what is being protected.
struct RateLimitConfig {
  RateLimit per_address_auth{1.0, 30};   // Register/Login/Refresh per client address
  RateLimit per_account_auth{0.2, 10};  // Login and Register per email
  RateLimit per_principal{50, 200};      // every authenticated call per user
  RateLimit per_address_browse{20, 100}; // anonymous catalog browsing per address
  RateLimit per_sender_message{1.0, 20}; // SendMessage per sender, on top of per_principal
};

class RateLimits {
 public:
  RateLimits(const RateLimitConfig& config, const Clock& clock)
      : per_address_auth_(config.per_address_auth, clock),
        per_account_auth_(config.per_account_auth, clock),
        per_principal_(config.per_principal, clock),
        per_address_browse_(config.per_address_browse, clock),
        per_sender_message_(config.per_sender_message, clock) {}
  RateLimiter& per_address_auth() { return per_address_auth_; }
  RateLimiter& per_account_auth() { return per_account_auth_; }
  RateLimiter& per_principal() { return per_principal_; }
  RateLimiter& per_address_browse() { return per_address_browse_; }
  RateLimiter& per_sender_message() { return per_sender_message_; }

 private:
  RateLimiter per_address_auth_;
  RateLimiter per_account_auth_;
  RateLimiter per_principal_;
  RateLimiter per_address_browse_;
  RateLimiter per_sender_message_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_AUTH_RATE_LIMITER_H_
