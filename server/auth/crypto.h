// Small cryptographic and encoding primitives over OpenSSL.
//
// Thread safety: all functions are thread-safe.
#ifndef GIGWIRE_SERVER_AUTH_CRYPTO_H_
#define GIGWIRE_SERVER_AUTH_CRYPTO_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace gigwire {

// Base64 with the URL-safe alphabet and no padding (RFC 4648 section 5).
std::string Base64UrlEncode(absl::string_view bytes);
// std::nullopt for characters outside the URL-safe alphabet or a bad length.
std::optional<std::string> Base64UrlDecode(absl::string_view text);

// Raw 32-byte SHA-256 digest.
std::string Sha256(absl::string_view data);
// Raw 32-byte HMAC-SHA-256.
std::string HmacSha256(absl::string_view key, absl::string_view data);
// Lower-case hex.
std::string HexEncode(absl::string_view bytes);
// Compares in time independent of where the inputs differ.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

// A random secret of `bytes` bytes, base64url-encoded, prefixed by `prefix`.
std::string NewSecret(absl::string_view prefix, size_t bytes = 32);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_AUTH_CRYPTO_H_
