// The measuring loop shared by the benchmarks: run an operation on N threads
// for a while and report throughput and latency percentiles.
#ifndef GIGWIRE_TOOLS_BENCH_MEASURE_H_
#define GIGWIRE_TOOLS_BENCH_MEASURE_H_

#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gigwire::bench {

struct Result {
  std::string name;
  int threads = 1;
  double ops_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  long errors = 0;
  double writes_per_commit = 0;  // group commit's batch size; 0 for reads
};

// Runs `op(thread, i)` on `threads` threads until `seconds` pass or
// `max_ops_per_thread` ops each; op returns false on error.
inline Result Measure(const std::string& name, int threads, double seconds, long max_ops_per_thread,
               const std::function<bool(int, long)>& op) {
  std::vector<std::vector<double>> latencies(threads);
  std::atomic<long> errors{0};
  const absl::Time deadline = absl::Now() + absl::Seconds(seconds);
  const absl::Time start = absl::Now();
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (long i = 0; i < max_ops_per_thread && absl::Now() < deadline; ++i) {
        absl::Time before = absl::Now();
        if (!op(t, i)) ++errors;
        latencies[t].push_back(absl::ToDoubleMicroseconds(absl::Now() - before));
      }
    });
  }
  for (std::thread& w : workers) w.join();
  double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  std::vector<double> all;
  for (auto& l : latencies) all.insert(all.end(), l.begin(), l.end());
  std::sort(all.begin(), all.end());
  Result r{name, threads};
  if (all.empty()) return r;
  r.ops_per_second = all.size() / elapsed;
  r.p50_us = all[all.size() / 2];
  r.p99_us = all[std::min(all.size() - 1, all.size() * 99 / 100)];
  r.errors = errors;
  return r;
}

}  // namespace gigwire::bench

#endif  // GIGWIRE_TOOLS_BENCH_MEASURE_H_
