// JSON log lines; see json_log.h.
#include "server/common/json_log.h"

#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "server/common/bounded_text.h"

namespace gigwire {

JsonLog::JsonLog(absl::string_view msg, absl::string_view level) {
  line_ = "{\"time\":";
  AppendQuoted(line_, absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(), absl::UTCTimeZone()));
  Str("level", level);
  Str("msg", msg);
}

void JsonLog::AppendQuoted(std::string& out, absl::string_view text) {
  out.push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          absl::StrAppendFormat(&out, "\\u%04x", c);
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

JsonLog& JsonLog::Str(absl::string_view key, absl::string_view value) {
  line_.push_back(',');
  AppendQuoted(line_, key);
  line_.push_back(':');
  if (value.size() > kMaxLogValueBytes) {
    AppendQuoted(line_, BoundedText(value, kMaxLogValueBytes));
  } else {
    AppendQuoted(line_, value);
  }
  return *this;
}

JsonLog& JsonLog::Num(absl::string_view key, double value) {
  line_.push_back(',');
  AppendQuoted(line_, key);
  absl::StrAppendFormat(&line_, ":%.3f", value);
  return *this;
}

JsonLog& JsonLog::Int(absl::string_view key, long long value) {
  line_.push_back(',');
  AppendQuoted(line_, key);
  absl::StrAppend(&line_, ":", value);
  return *this;
}

void JsonLog::Emit() {
  line_ += "}\n";
  size_t written = 0;
  while (written < line_.size()) {
    ssize_t n = ::write(STDERR_FILENO, line_.data() + written, line_.size() - written);
    if (n <= 0) return;  // stderr closed: nothing sensible left to do
    written += static_cast<size_t>(n);
  }
}

}  // namespace gigwire
