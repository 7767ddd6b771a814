// Password hashing with scrypt (OpenSSL 3 EVP_KDF).
//
// Encoded hashes are self-describing: `$scrypt$ln=15,r=8,p=3$<salt>$<hash>`
// (salt and hash base64url), so parameters can be raised later and old
// hashes still verify. At most `max_concurrent` hashes run at once (each
// takes 128*r*N bytes, 32 MiB at the default), so a login flood queues
// instead of exhausting memory.
//
// Thread safety: thread-safe.
#ifndef GIGWIRE_SERVER_AUTH_PASSWORD_HASHER_H_
#define GIGWIRE_SERVER_AUTH_PASSWORD_HASHER_H_

#include <cstdint>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace gigwire {

struct ScryptParams {
  int log2_n = 15;  // N = 2^15
  uint32_t r = 8;
  uint32_t p = 3;

  // OWASP's scrypt setting of 32 MiB per hash.
  static ScryptParams Owasp() { return {}; }
  // Cheap parameters for tests only (gigwired --insecure-fast-password-hashing).
  static ScryptParams InsecureFastForTests() { return {10, 8, 1}; }
};

class PasswordHasher {
 public:
  PasswordHasher(ScryptParams params, int max_concurrent);

  // A new encoded hash with a random 16-byte salt.
  // Errors: INTERNAL if OpenSSL fails.
  absl::StatusOr<std::string> Hash(absl::string_view password);

  // True when `password` matches `encoded`. False (never an error) for a
  // malformed encoding, so callers answer as for a wrong password.
  bool Verify(absl::string_view password, absl::string_view encoded);

  // Spends the same work as a Verify, for unknown accounts, so timing does
  // not reveal which emails exist.
  void BurnEquivalentWork(absl::string_view password);

 private:
  absl::StatusOr<std::string> Derive(absl::string_view password, absl::string_view salt,
                                     const ScryptParams& params);

  const ScryptParams params_;
  const int max_concurrent_;
  absl::Mutex mu_;
  int running_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_AUTH_PASSWORD_HASHER_H_
