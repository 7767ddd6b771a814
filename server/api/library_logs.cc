// Library logs as JSON lines; see library_logs.h.
#include "server/api/library_logs.h"

#include <google/protobuf/stubs/logging.h>
#include <grpc/support/log.h>

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/common/json_log.h"

namespace gigwire {
namespace {

thread_local std::string decode_problem;

// Allows kLibraryLinesPerSecond lines per second (a burst of as many) and
// counts the lines it refuses, to report them with the next allowed one.
class LineBudget {
 public:
  // True when a line may be written now; `dropped` is then the number of
  // lines refused since the last one allowed.
  bool Take(int64_t& dropped) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    const absl::Time now = absl::Now();
    tokens_ = std::min<double>(kLibraryLinesPerSecond,
                               tokens_ + absl::ToDoubleSeconds(now - last_) *
                                             kLibraryLinesPerSecond);
    last_ = now;
    if (tokens_ < 1) {
      ++dropped_;
      return false;
    }
    tokens_ -= 1;
    dropped = dropped_;
    dropped_ = 0;
    return true;
  }

 private:
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_) = kLibraryLinesPerSecond;
  absl::Time last_ ABSL_GUARDED_BY(mu_) = absl::Now();
  int64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

LineBudget& Budget() {
  static LineBudget* const budget = new LineBudget();
  return *budget;
}

void EmitLibraryLine(const char* library, const char* level, const char* file, int line,
                     const char* message) {
  int64_t dropped = 0;
  if (!Budget().Take(dropped)) return;
  JsonLog json(library, level);
  json.Str("file", file).Int("line", line).Str("error", message);
  if (dropped > 0) json.Int("dropped_before", dropped);
  json.Emit();
}

void GrpcLogToJson(gpr_log_func_args* args) {
  const char* level = args->severity == GPR_LOG_SEVERITY_ERROR  ? "error"
                      : args->severity == GPR_LOG_SEVERITY_INFO ? "info"
                                                                : "debug";
  EmitLibraryLine("grpc", level, args->file, args->line, args->message);
}

void ProtobufLogToJson(google::protobuf::LogLevel level, const char* file, int line,
                       const std::string& message) {
  if (absl::StrContains(message, "invalid UTF-8") &&
      absl::StrContains(message, "when parsing")) {
    decode_problem = message;  // reported by the call that sent it
    return;
  }
  const bool error = level >= google::protobuf::LOGLEVEL_ERROR;
  EmitLibraryLine("protobuf", error ? "error" : "warn", file, line, message.c_str());
}

}  // namespace

void RouteLibraryLogsToJson() {
  gpr_set_log_function(GrpcLogToJson);
  google::protobuf::SetLogHandler(ProtobufLogToJson);
}

std::string TakeRequestDecodeProblem() {
  std::string problem;
  problem.swap(decode_problem);
  return problem;
}

}  // namespace gigwire
