// Named error constructors; see status.h.
#include "server/common/status.h"

#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "server/common/bounded_text.h"

namespace gigwire {
namespace {

constexpr char kDetailsPayloadUrl[] = "type.googleapis.com/gigwire.v1.ErrorDetails";

absl::Status WithDetails(absl::StatusCode code, absl::string_view message,
                         const v1::ErrorDetails& details) {
  absl::Status status(code, message);
  status.SetPayload(kDetailsPayloadUrl, absl::Cord(details.SerializeAsString()));
  return status;
}

absl::Status WithReason(absl::StatusCode code, ErrorReason reason,
                        absl::string_view message) {
  v1::ErrorDetails details;
  details.set_reason(reason);
  return WithDetails(code, message, details);
}

}  // namespace

void Violations::Add(absl::string_view field, absl::string_view description) {
  list_.push_back({std::string(field), std::string(description)});
}

absl::Status Violations::ToStatus() const {
  return empty() ? absl::OkStatus() : InvalidFields(list_);
}

absl::Status InvalidFields(std::vector<FieldViolation> violations) {
  v1::ErrorDetails details;
  details.set_reason(v1::INVALID_FIELDS);
  std::string message = "invalid request:";
  for (const FieldViolation& v : violations) {
    v1::FieldViolation* out = details.add_field_violations();
    out->set_field(v.field);
    out->set_description(v.description);
    absl::StrAppend(&message, " ", v.field, ": ", v.description, ";");
  }
  message.pop_back();
  return WithDetails(absl::StatusCode::kInvalidArgument, message, details);
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  return InvalidFields({{std::string(field), std::string(description)}});
}

absl::Status Unauthenticated(ErrorReason reason, absl::string_view message) {
  return WithReason(absl::StatusCode::kUnauthenticated, reason, message);
}

absl::Status RoleRequired(absl::string_view role) {
  return WithReason(absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED,
                    absl::StrCat("this call requires the ", role, " role"));
}

absl::Status NotFound(absl::string_view what) {
  // `what` often quotes the id the client sent: bounded, so the message
  // still ends with "not found" however long that id was.
  return WithReason(absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND,
                    absl::StrCat(BoundedText(what, 256), " not found"));
}

absl::Status NotOwner(absl::string_view message) {
  return WithReason(absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER, message);
}

absl::Status AlreadyExists(ErrorReason reason, absl::string_view message) {
  return WithReason(absl::StatusCode::kAlreadyExists, reason, message);
}

absl::Status EtagMismatch(absl::string_view what) {
  return WithReason(absl::StatusCode::kAborted, v1::ETAG_MISMATCH,
                    absl::StrCat(what, " was changed since it was read; re-read and retry"));
}

absl::Status InvalidState(absl::string_view message, absl::string_view current_state) {
  v1::ErrorDetails details;
  details.set_reason(v1::INVALID_STATE);
  (*details.mutable_metadata())["current_state"] = std::string(current_state);
  return WithDetails(absl::StatusCode::kFailedPrecondition, message, details);
}

absl::Status BiddingClosed(absl::string_view message) {
  return WithReason(absl::StatusCode::kFailedPrecondition, v1::BIDDING_CLOSED, message);
}

absl::Status SelfDealing(absl::string_view message) {
  return WithReason(absl::StatusCode::kFailedPrecondition, v1::SELF_DEALING, message);
}

absl::Status SellerUnavailable(absl::string_view message) {
  return WithReason(absl::StatusCode::kFailedPrecondition, v1::SELLER_UNAVAILABLE, message);
}

absl::Status ProposalExists(absl::string_view proposal_id) {
  v1::ErrorDetails details;
  details.set_reason(v1::PROPOSAL_EXISTS);
  (*details.mutable_metadata())["proposal_id"] = std::string(proposal_id);
  return WithDetails(absl::StatusCode::kAlreadyExists,
                     "you already have a live proposal on this job; update or withdraw it",
                     details);
}

absl::Status TooManyOpenProposals(int limit) {
  v1::ErrorDetails details;
  details.set_reason(v1::TOO_MANY_OPEN_PROPOSALS);
  (*details.mutable_metadata())["limit"] = absl::StrCat(limit);
  return WithDetails(absl::StatusCode::kResourceExhausted,
                     absl::StrCat("at most ", limit,
                                  " live proposals per seller; withdraw one or wait for decisions"),
                     details);
}

absl::Status AmountMismatch(absl::string_view message,
                            std::vector<std::pair<std::string, std::string>> metadata) {
  v1::ErrorDetails details;
  details.set_reason(v1::AMOUNT_MISMATCH);
  for (auto& [key, value] : metadata) (*details.mutable_metadata())[key] = std::move(value);
  return WithDetails(absl::StatusCode::kInvalidArgument, message, details);
}

absl::Status PaymentPending(absl::string_view payment_id) {
  v1::ErrorDetails details;
  details.set_reason(v1::PAYMENT_PENDING);
  (*details.mutable_metadata())["payment_id"] = std::string(payment_id);
  return WithDetails(absl::StatusCode::kFailedPrecondition,
                     absl::StrCat("payment ", payment_id,
                                  " is under way; confirm, refresh or cancel it first"),
                     details);
}

absl::Status WrongGateway(absl::string_view message) {
  return WithReason(absl::StatusCode::kFailedPrecondition, v1::WRONG_GATEWAY, message);
}

absl::Status EscrowHeld(absl::string_view milestone_id, absl::string_view message) {
  v1::ErrorDetails details;
  details.set_reason(v1::ESCROW_HELD);
  (*details.mutable_metadata())["milestone_id"] = std::string(milestone_id);
  return WithDetails(absl::StatusCode::kFailedPrecondition, message, details);
}

absl::Status PaymentProviderUnavailable(absl::string_view message) {
  return WithReason(absl::StatusCode::kUnavailable, v1::PAYMENT_PROVIDER_UNAVAILABLE, message);
}

absl::Status PaymentProviderRefused(absl::string_view message) {
  return WithReason(absl::StatusCode::kFailedPrecondition, v1::PAYMENT_PROVIDER_REFUSED,
                    message);
}

absl::Status NotConnected(absl::string_view message) {
  return WithReason(absl::StatusCode::kPermissionDenied, v1::NOT_CONNECTED, message);
}

absl::Status UserBlocked(absl::string_view message) {
  return WithReason(absl::StatusCode::kPermissionDenied, v1::USER_BLOCKED, message);
}

absl::Status FileTypeNotAllowed(absl::string_view detected, absl::string_view message) {
  v1::ErrorDetails details;
  details.set_reason(v1::FILE_TYPE_NOT_ALLOWED);
  (*details.mutable_metadata())["detected"] = std::string(detected);
  return WithDetails(absl::StatusCode::kInvalidArgument, message, details);
}

absl::Status ChecksumMismatch(absl::string_view message) {
  return WithReason(absl::StatusCode::kInvalidArgument, v1::CHECKSUM_MISMATCH, message);
}

absl::Status FileTooLarge(int64_t limit_bytes) {
  v1::ErrorDetails details;
  details.set_reason(v1::FILE_TOO_LARGE);
  (*details.mutable_metadata())["limit"] = absl::StrCat(limit_bytes);
  return WithDetails(absl::StatusCode::kInvalidArgument,
                     absl::StrCat("a file may have at most ", limit_bytes, " bytes"), details);
}

absl::Status UploadSizeMismatch(absl::string_view message) {
  return WithReason(absl::StatusCode::kInvalidArgument, v1::UPLOAD_SIZE_MISMATCH, message);
}

absl::Status UploadOffsetMismatch(int64_t received_bytes, int64_t offset) {
  v1::ErrorDetails details;
  details.set_reason(v1::UPLOAD_OFFSET_MISMATCH);
  (*details.mutable_metadata())["received_bytes"] = absl::StrCat(received_bytes);
  return WithDetails(absl::StatusCode::kFailedPrecondition,
                     absl::StrCat("the upload stands at byte ", received_bytes,
                                  ", not at offset ", offset, "; resume from there"),
                     details);
}

absl::Status StorageQuotaExceeded(int64_t limit_bytes, int64_t used_bytes) {
  v1::ErrorDetails details;
  details.set_reason(v1::STORAGE_QUOTA_EXCEEDED);
  (*details.mutable_metadata())["limit"] = absl::StrCat(limit_bytes);
  (*details.mutable_metadata())["used"] = absl::StrCat(used_bytes);
  return WithDetails(absl::StatusCode::kResourceExhausted,
                     absl::StrCat("this upload would pass your storage quota of ", limit_bytes,
                                  " bytes (", used_bytes, " used)"),
                     details);
}

absl::Status PortfolioFull(int limit) {
  v1::ErrorDetails details;
  details.set_reason(v1::PORTFOLIO_FULL);
  (*details.mutable_metadata())["limit"] = absl::StrCat(limit);
  return WithDetails(absl::StatusCode::kResourceExhausted,
                     absl::StrCat("a portfolio holds at most ", limit,
                                  " items; delete one first"),
                     details);
}

absl::Status InsufficientFunds(absl::string_view account_key, int64_t balance_minor,
                               int64_t asked_minor) {
  v1::ErrorDetails details;
  details.set_reason(v1::INSUFFICIENT_FUNDS);
  (*details.mutable_metadata())["account"] = std::string(account_key);
  (*details.mutable_metadata())["balance_minor"] = absl::StrCat(balance_minor);
  (*details.mutable_metadata())["asked_minor"] = absl::StrCat(asked_minor);
  return WithDetails(absl::StatusCode::kFailedPrecondition,
                     absl::StrCat(account_key, " holds ", balance_minor,
                                  " minor units, less than the ", asked_minor, " asked"),
                     details);
}

absl::Status TooManyUploads(int limit, absl::Duration retry_after) {
  v1::ErrorDetails details;
  details.set_reason(v1::RATE_LIMITED);
  (*details.mutable_metadata())["limit"] = absl::StrCat(limit);
  int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(retry_after, absl::Milliseconds(1)));
  details.set_retry_after_ms(ms < 1 ? 1 : ms);
  return WithDetails(absl::StatusCode::kResourceExhausted,
                     absl::StrCat("at most ", limit,
                                  " uploads in progress per user; finish one (or let it expire "
                                  "after an hour idle) first"),
                     details);
}

absl::Status OutOfRangeField(absl::string_view field, absl::string_view description) {
  v1::ErrorDetails details;
  details.set_reason(v1::INVALID_FIELDS);
  v1::FieldViolation* violation = details.add_field_violations();
  violation->set_field(std::string(field));
  violation->set_description(std::string(description));
  return WithDetails(absl::StatusCode::kOutOfRange,
                     absl::StrCat("invalid request: ", field, ": ", description), details);
}

absl::Status RateLimited(absl::Duration retry_after) {
  v1::ErrorDetails details;
  details.set_reason(v1::RATE_LIMITED);
  int64_t ms = absl::ToInt64Milliseconds(absl::Ceil(retry_after, absl::Milliseconds(1)));
  details.set_retry_after_ms(ms < 1 ? 1 : ms);
  return WithDetails(absl::StatusCode::kResourceExhausted,
                     absl::StrCat("rate limit exceeded; retry in ", details.retry_after_ms(), " ms"),
                     details);
}

absl::Status ServerBusy(absl::string_view message) {
  return WithReason(absl::StatusCode::kUnavailable, v1::SERVER_BUSY, message);
}

absl::Status CursorExpired(absl::string_view message) {
  return WithReason(absl::StatusCode::kOutOfRange, v1::CURSOR_EXPIRED, message);
}

absl::Status CursorAhead(absl::string_view message) {
  return WithReason(absl::StatusCode::kOutOfRange, v1::CURSOR_AHEAD, message);
}

absl::Status BearerTokenRequired(absl::string_view message) {
  return WithReason(absl::StatusCode::kPermissionDenied, v1::BEARER_TOKEN_REQUIRED, message);
}

absl::Status MalformedRequest(absl::string_view message) {
  return WithReason(absl::StatusCode::kInvalidArgument, v1::MALFORMED_REQUEST, message);
}

absl::Status CredentialsChanged(absl::string_view message) {
  return WithReason(absl::StatusCode::kUnavailable, v1::CREDENTIALS_CHANGED, message);
}

absl::Status SlowConsumer(absl::string_view message) {
  return WithReason(absl::StatusCode::kResourceExhausted, v1::SLOW_CONSUMER, message);
}

absl::Status ShuttingDown(absl::string_view message) {
  return WithReason(absl::StatusCode::kUnavailable, v1::SHUTTING_DOWN, message);
}

absl::Status Internal(absl::string_view message) {
  return WithReason(absl::StatusCode::kInternal, v1::INTERNAL_ERROR, message);
}

v1::ErrorDetails ErrorDetailsOf(const absl::Status& status) {
  v1::ErrorDetails details;
  absl::optional<absl::Cord> payload = status.GetPayload(kDetailsPayloadUrl);
  if (payload.has_value() && details.ParseFromString(std::string(*payload))) {
    return details;
  }
  details.Clear();
  if (status.code() == absl::StatusCode::kInternal ||
      status.code() == absl::StatusCode::kUnknown) {
    details.set_reason(v1::INTERNAL_ERROR);
  }
  return details;
}

ErrorReason ReasonOf(const absl::Status& status) {
  return ErrorDetailsOf(status).reason();
}

}  // namespace gigwire
