// JWT issue and verification; see tokens.h.
#include "server/auth/tokens.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/auth/crypto.h"
#include "server/common/ids.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr size_t kMinSecretBytes = 32;

absl::Status Invalid(absl::string_view why) {
  return Unauthenticated(v1::TOKEN_INVALID, absl::StrCat("invalid access token: ", why));
}

// Decodes one base64url JSON object segment.
absl::StatusOr<Struct> DecodeJsonSegment(absl::string_view segment) {
  std::optional<std::string> json = Base64UrlDecode(segment);
  Struct object;
  if (!json.has_value() ||
      !google::protobuf::util::JsonStringToMessage(*json, &object).ok()) {
    return Invalid("malformed segment");
  }
  return object;
}

const Value* Field(const Struct& object, const std::string& name) {
  auto it = object.fields().find(name);
  return it == object.fields().end() ? nullptr : &it->second;
}

bool StringFieldEquals(const Struct& object, const std::string& name, absl::string_view want) {
  const Value* v = Field(object, name);
  return v != nullptr && v->kind_case() == Value::kStringValue && v->string_value() == want;
}

bool AudienceMatches(const Struct& claims, absl::string_view audience) {
  const Value* aud = Field(claims, "aud");
  if (aud == nullptr) return false;
  if (aud->kind_case() == Value::kStringValue) return aud->string_value() == audience;
  if (aud->kind_case() != Value::kListValue) return false;
  for (const Value& item : aud->list_value().values()) {
    if (item.kind_case() == Value::kStringValue && item.string_value() == audience) return true;
  }
  return false;
}

// Reads a NumericDate claim (seconds since the epoch).
std::optional<absl::Time> TimeField(const Struct& claims, const std::string& name) {
  const Value* v = Field(claims, name);
  if (v == nullptr || v->kind_case() != Value::kNumberValue || !std::isfinite(v->number_value())) {
    return std::nullopt;
  }
  return absl::FromUnixSeconds(static_cast<int64_t>(v->number_value()));
}

}  // namespace

absl::StatusOr<std::vector<TokenKey>> ParseTokenKeyFile(absl::string_view text) {
  std::vector<TokenKey> keys;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line[0] == '#') continue;
    std::optional<std::string> secret = Base64UrlDecode(line);
    if (!secret.has_value() || secret->size() < kMinSecretBytes) {
      return absl::InvalidArgumentError(
          "token key file: each key must be base64url of at least 32 bytes");
    }
    keys.push_back({HexEncode(Sha256(*secret)).substr(0, 16), *std::move(secret)});
  }
  if (keys.empty()) return absl::InvalidArgumentError("token key file holds no key");
  return keys;
}

std::string NewTokenKeyFileText() {
  return absl::StrCat(
      "# gigwired access-token signing keys: base64url, first line signs, all verify.\n",
      Base64UrlEncode(RandomBytes(kMinSecretBytes)), "\n");
}

TokenService::TokenService(std::vector<TokenKey> keys, TokenConfig config, const Clock& clock)
    : keys_(std::move(keys)), config_(std::move(config)), clock_(clock) {}

std::string TokenService::Issue(absl::string_view subject, AccessClaims* claims_out) const {
  const TokenKey& key = keys_.front();
  absl::Time now = clock_.Now();
  absl::Time expires = now + config_.ttl;
  std::string header = absl::StrCat(R"({"alg":"HS256","typ":"JWT","kid":")", key.kid, R"("})");
  // Subjects are server-made ids ([a-z0-9_]), so no JSON escaping is needed.
  std::string payload = absl::StrCat(
      R"({"iss":")", config_.issuer, R"(","aud":")", config_.audience, R"(","sub":")", subject,
      R"(","iat":)", absl::ToUnixSeconds(now), R"(,"exp":)", absl::ToUnixSeconds(expires),
      R"(,"jti":")", Base64UrlEncode(RandomBytes(12)), R"("})");
  std::string signing_input =
      absl::StrCat(Base64UrlEncode(header), ".", Base64UrlEncode(payload));
  std::string signature = Base64UrlEncode(HmacSha256(key.secret, signing_input));
  if (claims_out != nullptr) {
    *claims_out = {std::string(subject), absl::FromUnixSeconds(absl::ToUnixSeconds(now)),
                   absl::FromUnixSeconds(absl::ToUnixSeconds(expires))};
  }
  return absl::StrCat(signing_input, ".", signature);
}

const TokenKey* TokenService::FindKey(absl::string_view kid) const {
  for (const TokenKey& key : keys_) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

absl::StatusOr<AccessClaims> TokenService::Verify(absl::string_view token) const {
  std::optional<AccessClaims> cached;
  {
    absl::MutexLock lock(&cache_mu_);
    auto it = verified_.find(token);
    if (it != verified_.end()) cached = it->second;
  }
  if (cached.has_value()) {
    if (clock_.Now() >= cached->expires_at) {
      return Unauthenticated(v1::TOKEN_EXPIRED, "access token expired; refresh it");
    }
    return *cached;
  }
  absl::StatusOr<AccessClaims> claims = VerifyUncached(token);
  if (claims.ok()) {
    absl::MutexLock lock(&cache_mu_);
    if (verified_.size() >= kMaxCachedTokens) verified_.clear();
    verified_.emplace(std::string(token), *claims);
  }
  return claims;
}

absl::StatusOr<AccessClaims> TokenService::VerifyUncached(absl::string_view token) const {
  std::vector<absl::string_view> parts = absl::StrSplit(token, '.');
  if (parts.size() != 3) return Invalid("not a compact JWS");
  GW_ASSIGN_OR_RETURN(Struct header, DecodeJsonSegment(parts[0]));
  if (!StringFieldEquals(header, "alg", "HS256")) return Invalid("algorithm not allowed");
  const Value* kid = Field(header, "kid");
  if (kid == nullptr || kid->kind_case() != Value::kStringValue) return Invalid("no key id");
  const TokenKey* key = FindKey(kid->string_value());
  if (key == nullptr) return Invalid("unknown key id");
  std::optional<std::string> signature = Base64UrlDecode(parts[2]);
  std::string expected =
      HmacSha256(key->secret, token.substr(0, parts[0].size() + 1 + parts[1].size()));
  if (!signature.has_value() || !ConstantTimeEquals(*signature, expected)) {
    return Invalid("bad signature");
  }
  GW_ASSIGN_OR_RETURN(Struct claims, DecodeJsonSegment(parts[1]));
  if (!StringFieldEquals(claims, "iss", config_.issuer)) return Invalid("wrong issuer");
  if (!AudienceMatches(claims, config_.audience)) return Invalid("wrong audience");
  const Value* sub = Field(claims, "sub");
  std::optional<absl::Time> exp = TimeField(claims, "exp");
  std::optional<absl::Time> iat = TimeField(claims, "iat");
  if (sub == nullptr || sub->kind_case() != Value::kStringValue || sub->string_value().empty() ||
      !exp.has_value() || !iat.has_value()) {
    return Invalid("missing claims");
  }
  if (clock_.Now() >= *exp) {
    return Unauthenticated(v1::TOKEN_EXPIRED, "access token expired; refresh it");
  }
  return AccessClaims{sub->string_value(), *iat, *exp};
}

}  // namespace gigwire
