// scrypt through EVP_KDF; see password_hasher.h.
#include "server/auth/password_hasher.h"

#include <openssl/core_names.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <memory>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/auth/crypto.h"
#include "server/common/ids.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

constexpr size_t kSaltBytes = 16;
constexpr size_t kHashBytes = 32;

struct KdfDeleter {
  void operator()(EVP_KDF* k) const { EVP_KDF_free(k); }
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};

std::string EncodeParams(const ScryptParams& p) {
  return absl::StrCat("ln=", p.log2_n, ",r=", p.r, ",p=", p.p);
}

// Parses "ln=15,r=8,p=3" with sane bounds.
bool DecodeParams(absl::string_view text, ScryptParams* out) {
  std::vector<absl::string_view> parts = absl::StrSplit(text, ',');
  if (parts.size() != 3) return false;
  int ln = 0;
  uint32_t r = 0, p = 0;
  if (!absl::ConsumePrefix(&parts[0], "ln=") || !absl::SimpleAtoi(parts[0], &ln)) return false;
  if (!absl::ConsumePrefix(&parts[1], "r=") || !absl::SimpleAtoi(parts[1], &r)) return false;
  if (!absl::ConsumePrefix(&parts[2], "p=") || !absl::SimpleAtoi(parts[2], &p)) return false;
  if (ln < 1 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  // Refuse encodings that would make one verify allocate more than 256 MiB.
  if (128 * uint64_t{r} * (uint64_t{1} << ln) > (uint64_t{256} << 20)) return false;
  *out = {ln, r, p};
  return true;
}

}  // namespace

PasswordHasher::PasswordHasher(ScryptParams params, int max_concurrent)
    : params_(params), max_concurrent_(max_concurrent < 1 ? 1 : max_concurrent) {}

absl::StatusOr<std::string> PasswordHasher::Derive(absl::string_view password,
                                                   absl::string_view salt,
                                                   const ScryptParams& params) {
  {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(
        +[](PasswordHasher* h) ABSL_EXCLUSIVE_LOCKS_REQUIRED(h->mu_) {
          return h->running_ < h->max_concurrent_;
        },
        this));
    ++running_;
  }
  uint64_t n = uint64_t{1} << params.log2_n;
  uint32_t r = params.r, p = params.p;
  uint64_t maxmem = 128 * uint64_t{r} * (n + p + 2) + (uint64_t{1} << 20);
  std::unique_ptr<EVP_KDF, KdfDeleter> kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  std::unique_ptr<EVP_KDF_CTX, KdfDeleter> ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  OSSL_PARAM ossl_params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                        const_cast<char*>(password.data()), password.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end()};
  std::string out(kHashBytes, '\0');
  bool ok = ctx != nullptr &&
            EVP_KDF_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), out.size(),
                           ossl_params) == 1;
  {
    absl::MutexLock lock(&mu_);
    --running_;
  }
  if (!ok) return Internal("password hashing failed");
  return out;
}

absl::StatusOr<std::string> PasswordHasher::Hash(absl::string_view password) {
  std::string salt = RandomBytes(kSaltBytes);
  GW_ASSIGN_OR_RETURN(std::string hash, Derive(password, salt, params_));
  return absl::StrCat("$scrypt$", EncodeParams(params_), "$", Base64UrlEncode(salt), "$",
                      Base64UrlEncode(hash));
}

bool PasswordHasher::Verify(absl::string_view password, absl::string_view encoded) {
  std::vector<absl::string_view> parts = absl::StrSplit(encoded, '$');
  // "", "scrypt", params, salt, hash
  ScryptParams params;
  if (parts.size() != 5 || !parts[0].empty() || parts[1] != "scrypt" ||
      !DecodeParams(parts[2], &params)) {
    return false;
  }
  std::optional<std::string> salt = Base64UrlDecode(parts[3]);
  std::optional<std::string> expected = Base64UrlDecode(parts[4]);
  if (!salt.has_value() || !expected.has_value()) return false;
  absl::StatusOr<std::string> actual = Derive(password, *salt, params);
  return actual.ok() && ConstantTimeEquals(*actual, *expected);
}

void PasswordHasher::BurnEquivalentWork(absl::string_view password) {
  static const std::string kFixedSalt(kSaltBytes, 's');
  (void)Derive(password, kFixedSalt, params_);
}

}  // namespace gigwire
