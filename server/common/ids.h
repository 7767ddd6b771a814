// Opaque, random, non-enumerable resource ids and secrets.
//
// Ids look like `usr_5kq2v8x3m7h1c9rw4tfz` (prefix, underscore, 20 characters
// of lower-case base32 = 100 random bits from OpenSSL's CSPRNG).
//
// Thread safety: all functions are thread-safe.
#ifndef GIGWIRE_SERVER_COMMON_IDS_H_
#define GIGWIRE_SERVER_COMMON_IDS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace gigwire {

// A new id `<prefix>_<20 base32 chars>`. Aborts if the CSPRNG fails (which
// OpenSSL only does when the system has no entropy source at all).
std::string NewId(absl::string_view prefix);

// `size` bytes from OpenSSL's CSPRNG. Aborts on CSPRNG failure.
std::string RandomBytes(size_t size);

// True when `id` is `<prefix>_` followed by 1..64 characters of [a-z0-9].
bool HasIdShape(absl::string_view id, absl::string_view prefix);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_COMMON_IDS_H_
