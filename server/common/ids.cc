// Random ids; see ids.h.
#include "server/common/ids.h"

#include <openssl/rand.h>

#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace gigwire {
namespace {
constexpr char kBase32[] = "abcdefghijkmnpqrstuvwxyz23456789";  // no l, o, 0, 1
constexpr int kIdChars = 20;
}  // namespace

std::string RandomBytes(size_t size) {
  std::string bytes(size, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()),
                 static_cast<int>(size)) != 1) {
    std::abort();
  }
  return bytes;
}

std::string NewId(absl::string_view prefix) {
  std::string random = RandomBytes(kIdChars);
  std::string suffix(kIdChars, '\0');
  for (int i = 0; i < kIdChars; ++i) {
    suffix[i] = kBase32[static_cast<unsigned char>(random[i]) % 32];
  }
  return absl::StrCat(prefix, "_", suffix);
}

bool HasIdShape(absl::string_view id, absl::string_view prefix) {
  if (id.size() <= prefix.size() + 1 || id.size() > prefix.size() + 65) return false;
  if (id.substr(0, prefix.size()) != prefix || id[prefix.size()] != '_') return false;
  for (char c : id.substr(prefix.size() + 1)) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

}  // namespace gigwire
