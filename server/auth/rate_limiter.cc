// Token buckets; see rate_limiter.h.
#include "server/auth/rate_limiter.h"

#include <algorithm>

#include "absl/hash/hash.h"
#include "server/common/status.h"

namespace gigwire {

RateLimiter::RateLimiter(RateLimit limit, const Clock& clock, size_t max_keys)
    : limit_(limit), clock_(clock), max_keys_per_shard_(std::max<size_t>(1, max_keys / kShards)) {}

double RateLimiter::Refilled(const Bucket& bucket, absl::Time now) const {
  double elapsed = absl::ToDoubleSeconds(now - bucket.updated);
  return std::min(limit_.burst, bucket.tokens + std::max(0.0, elapsed) * limit_.per_second);
}

absl::Status RateLimiter::Acquire(absl::string_view key) {
  Shard& shard = shards_[absl::Hash<absl::string_view>{}(key) % kShards];
  absl::Time now = clock_.Now();
  absl::MutexLock lock(&shard.mu);
  auto it = shard.buckets.find(key);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_keys_per_shard_) EvictIdle(shard, now);
    it = shard.buckets.emplace(std::string(key), Bucket{limit_.burst, now}).first;
  }
  Bucket& bucket = it->second;
  bucket.tokens = Refilled(bucket, now);
  bucket.updated = now;
  if (bucket.tokens >= 1.0) {
    bucket.tokens -= 1.0;
    return absl::OkStatus();
  }
  double missing = 1.0 - bucket.tokens;
  return RateLimited(absl::Seconds(missing / limit_.per_second));
}

void RateLimiter::EvictIdle(Shard& shard, absl::Time now) {
  absl::erase_if(shard.buckets, [&](const auto& entry) {
    return Refilled(entry.second, now) >= limit_.burst;
  });
  if (shard.buckets.size() < max_keys_per_shard_) return;
  // Every bucket is still busy: drop the least recently touched half.
  std::vector<absl::Time> times;
  times.reserve(shard.buckets.size());
  for (const auto& entry : shard.buckets) times.push_back(entry.second.updated);
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  absl::Time cutoff = times[times.size() / 2];
  absl::erase_if(shard.buckets, [&](const auto& entry) { return entry.second.updated <= cutoff; });
}

}  // namespace gigwire
