// Bounded echoes of outside text: what a client sent (an id, a name) may be
// repeated in an error message or a log line, but never at its full length,
// so that a 1 MiB id cannot become a 1 MiB error (which the client's
// metadata limit would reject) or a 1 MiB log line.
//
// Thread safety: pure functions.
#ifndef GIGWIRE_SERVER_COMMON_BOUNDED_TEXT_H_
#define GIGWIRE_SERVER_COMMON_BOUNDED_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace gigwire {

// The most bytes of client text an error message carries, and a log value.
inline constexpr size_t kMaxErrorTextBytes = 512;
inline constexpr size_t kMaxLogValueBytes = 2048;

// `text` itself when it has at most `max_bytes` bytes; else its start, cut
// on a UTF-8 character boundary, followed by "...(N bytes)" naming the
// original size, the whole at most `max_bytes` + 24 bytes.
std::string BoundedText(absl::string_view text, size_t max_bytes);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_COMMON_BOUNDED_TEXT_H_
