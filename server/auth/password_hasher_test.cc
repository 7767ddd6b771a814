#include "server/auth/password_hasher.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"

namespace gigwire {
namespace {

constexpr char kPassword[] = "correct horse battery staple";

PasswordHasher FastHasher() { return PasswordHasher(ScryptParams::InsecureFastForTests(), 2); }

std::string HashOrDie(PasswordHasher& hasher, const std::string& password) {
  absl::StatusOr<std::string> hash = hasher.Hash(password);
  EXPECT_TRUE(hash.ok()) << hash.status();
  return hash.value_or("");
}

// A well-formed hash of kPassword with its parameter field replaced.
std::string WithParams(const std::string& encoded, const std::string& params) {
  std::vector<std::string> parts = absl::StrSplit(encoded, '$');
  parts[2] = params;
  return absl::StrJoin(parts, "$");
}

TEST(PasswordHasherTest, HashThenVerifySamePasswordSucceeds) {
  PasswordHasher hasher = FastHasher();
  std::string hash = HashOrDie(hasher, kPassword);
  EXPECT_TRUE(hasher.Verify(kPassword, hash));
}

TEST(PasswordHasherTest, WrongPasswordDoesNotVerify) {
  PasswordHasher hasher = FastHasher();
  std::string hash = HashOrDie(hasher, kPassword);
  EXPECT_FALSE(hasher.Verify("correct horse battery stapl", hash));
  EXPECT_FALSE(hasher.Verify("Correct horse battery staple", hash));
  EXPECT_FALSE(hasher.Verify("", hash));
}

TEST(PasswordHasherTest, SamePasswordHashesDifferentlyEachTime) {
  PasswordHasher hasher = FastHasher();
  std::string first = HashOrDie(hasher, kPassword);
  std::string second = HashOrDie(hasher, kPassword);
  EXPECT_NE(first, second);
  std::vector<std::string> a = absl::StrSplit(first, '$');
  std::vector<std::string> b = absl::StrSplit(second, '$');
  ASSERT_EQ(a.size(), 5u);
  ASSERT_EQ(b.size(), 5u);
  EXPECT_NE(a[3], b[3]) << "salts must differ";
  EXPECT_TRUE(hasher.Verify(kPassword, first));
  EXPECT_TRUE(hasher.Verify(kPassword, second));
}

TEST(PasswordHasherTest, EncodingStatesItsParameters) {
  PasswordHasher hasher = FastHasher();
  EXPECT_TRUE(absl::StartsWith(HashOrDie(hasher, kPassword), "$scrypt$ln=10,r=8,p=1$"));
}

TEST(PasswordHasherTest, OwaspParametersAreEncodedAndVerify) {
  PasswordHasher hasher(ScryptParams::Owasp(), 1);
  std::string hash = HashOrDie(hasher, kPassword);
  EXPECT_TRUE(absl::StartsWith(hash, "$scrypt$ln=15,r=8,p=3$")) << hash;
  EXPECT_TRUE(hasher.Verify(kPassword, hash));
}

TEST(PasswordHasherTest, ParametersTravelWithTheHash) {
  PasswordHasher fast = FastHasher();
  PasswordHasher other(ScryptParams{11, 4, 2}, 1);
  std::string hash = HashOrDie(fast, kPassword);
  EXPECT_TRUE(other.Verify(kPassword, hash));
  EXPECT_FALSE(other.Verify("not the password", hash));
  std::string other_hash = HashOrDie(other, kPassword);
  EXPECT_TRUE(absl::StartsWith(other_hash, "$scrypt$ln=11,r=4,p=2$"));
  EXPECT_TRUE(fast.Verify(kPassword, other_hash));
}

TEST(PasswordHasherTest, ChangedParametersDoNotVerify) {
  PasswordHasher hasher = FastHasher();
  std::string hash = HashOrDie(hasher, kPassword);
  EXPECT_FALSE(hasher.Verify(kPassword, WithParams(hash, "ln=11,r=8,p=1")));
}

TEST(PasswordHasherTest, MalformedEncodingsVerifyFalse) {
  PasswordHasher hasher = FastHasher();
  std::string good = HashOrDie(hasher, kPassword);
  std::vector<std::string> parts = absl::StrSplit(good, '$');
  const std::string salt = parts[3], digest = parts[4];
  const std::vector<std::string> malformed = {
      "",
      "plaintext",
      "$bcrypt$ln=10,r=8,p=1$" + salt + "$" + digest,   // wrong scheme
      "scrypt$ln=10,r=8,p=1$" + salt + "$" + digest,    // no leading '$'
      "$scrypt$ln=10,r=8$" + salt + "$" + digest,       // missing p
      "$scrypt$ln=10,r=8,p=1,x=2$" + salt + "$" + digest,
      "$scrypt$n=10,r=8,p=1$" + salt + "$" + digest,    // wrong key
      "$scrypt$ln=ten,r=8,p=1$" + salt + "$" + digest,  // not a number
      "$scrypt$ln=10,r=0,p=1$" + salt + "$" + digest,   // r out of range
      "$scrypt$ln=10,r=8,p=0$" + salt + "$" + digest,   // p out of range
      "$scrypt$ln=10,r=8,p=99$" + salt + "$" + digest,  // p out of range
      "$scrypt$ln=0,r=8,p=1$" + salt + "$" + digest,    // ln out of range
      "$scrypt$ln=21,r=8,p=1$" + salt + "$" + digest,   // ln out of range
      "$scrypt$ln=64,r=8,p=1$" + salt + "$" + digest,   // would shift past 64 bits
      "$scrypt$ln=-1,r=8,p=1$" + salt + "$" + digest,
      "$scrypt$ln=10,r=8,p=1$" + salt + "!$" + digest,  // bad base64 salt
      "$scrypt$ln=10,r=8,p=1$" + salt + "$" + digest + "=",  // padded hash
      "$scrypt$ln=10,r=8,p=1$" + salt + "$" + digest.substr(1),  // truncated hash
      "$scrypt$ln=10,r=8,p=1$" + salt,                  // no hash
      good + "$extra",
  };
  for (const std::string& encoded : malformed) {
    EXPECT_FALSE(hasher.Verify(kPassword, encoded)) << encoded;
  }
  EXPECT_TRUE(hasher.Verify(kPassword, good));
}

// With a single hashing slot, a slot leaked by BurnEquivalentWork or Verify
// would block every later call.
TEST(PasswordHasherTest, EveryCallReleasesItsHashingSlot) {
  PasswordHasher hasher(ScryptParams::InsecureFastForTests(), 1);
  hasher.BurnEquivalentWork(kPassword);
  hasher.BurnEquivalentWork("");
  std::string hash = HashOrDie(hasher, kPassword);
  EXPECT_FALSE(hasher.Verify("wrong password", hash));
  EXPECT_TRUE(hasher.Verify(kPassword, hash));
}

}  // namespace
}  // namespace gigwire
