// Structured logging: one JSON object per line on stderr.
//
//   JsonLog("rpc").Str("method", m).Num("latency_ms", 1.5).Emit();
//
// Values are escaped as JSON; never pass secrets. A string value longer than
// kMaxLogValueBytes is cut (bounded_text.h), so no client input makes a
// huge line. Emit() writes the whole line with a single write, so lines
// from different threads never interleave.
// Thread safety: a JsonLog object belongs to one thread; Emit is thread-safe.
#ifndef GIGWIRE_SERVER_COMMON_JSON_LOG_H_
#define GIGWIRE_SERVER_COMMON_JSON_LOG_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gigwire {

class JsonLog {
 public:
  // Starts a line with "time", "level" and "msg".
  explicit JsonLog(absl::string_view msg, absl::string_view level = "info");
  JsonLog& Str(absl::string_view key, absl::string_view value);
  JsonLog& Num(absl::string_view key, double value);
  JsonLog& Int(absl::string_view key, long long value);
  void Emit();

  // Appends `text` to `out` as a quoted JSON string.
  static void AppendQuoted(std::string& out, absl::string_view text);

 private:
  std::string line_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_COMMON_JSON_LOG_H_
