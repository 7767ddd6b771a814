// Error construction and propagation for the whole server.
//
// Inside the server every failure is an absl::Status. The named constructors
// below attach a machine-readable reason (gigwire.v1.ErrorReason) and, for
// invalid input, the list of field violations, as a status payload. The gRPC
// edge (server/api/status_conversion.h) turns that payload into the
// `grpc-status-details-bin` trailer. Nothing here depends on gRPC.
//
// Thread safety: all functions are pure and thread-safe.
#ifndef GIGWIRE_SERVER_COMMON_STATUS_H_
#define GIGWIRE_SERVER_COMMON_STATUS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gigwire/v1/errors.pb.h"

namespace gigwire {

using ::gigwire::v1::ErrorReason;

// One invalid request field, e.g. {"email", "must contain '@'"}.
struct FieldViolation {
  std::string field;
  std::string description;
};

// Collects field violations while validating a request.
class Violations {
 public:
  void Add(absl::string_view field, absl::string_view description);
  bool empty() const { return list_.empty(); }
  const std::vector<FieldViolation>& list() const { return list_; }
  // OK when nothing was added, else InvalidFields(list()).
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> list_;
};

// INVALID_ARGUMENT, reason INVALID_FIELDS, with every violation attached.
absl::Status InvalidFields(std::vector<FieldViolation> violations);
// INVALID_ARGUMENT with a single violation.
absl::Status InvalidField(absl::string_view field, absl::string_view description);
absl::Status Unauthenticated(ErrorReason reason, absl::string_view message);
// PERMISSION_DENIED, reason ROLE_REQUIRED.
absl::Status RoleRequired(absl::string_view role);
// NOT_FOUND, reason RESOURCE_NOT_FOUND. `what` is e.g. "user usr_123".
absl::Status NotFound(absl::string_view what);
// PERMISSION_DENIED, reason NOT_RESOURCE_OWNER: visible, but not yours to act on.
absl::Status NotOwner(absl::string_view message);
absl::Status AlreadyExists(ErrorReason reason, absl::string_view message);
// ABORTED, reason ETAG_MISMATCH.
absl::Status EtagMismatch(absl::string_view what);
// FAILED_PRECONDITION, reason INVALID_STATE, naming the current state.
absl::Status InvalidState(absl::string_view message, absl::string_view current_state);
// FAILED_PRECONDITION, reason BIDDING_CLOSED: the job takes no proposals.
absl::Status BiddingClosed(absl::string_view message);
// FAILED_PRECONDITION, reason SELF_DEALING: one's own job or gig.
absl::Status SelfDealing(absl::string_view message);
// FAILED_PRECONDITION, reason SELLER_UNAVAILABLE: not (or no longer) a seller.
absl::Status SellerUnavailable(absl::string_view message);
// ALREADY_EXISTS, reason PROPOSAL_EXISTS, metadata proposal_id.
absl::Status ProposalExists(absl::string_view proposal_id);
// RESOURCE_EXHAUSTED, reason TOO_MANY_OPEN_PROPOSALS, metadata limit.
absl::Status TooManyOpenProposals(int limit);
// RESOURCE_EXHAUSTED, reason PORTFOLIO_FULL, metadata limit: a seller's
// portfolio holds `limit` items already.
absl::Status PortfolioFull(int limit);
// FAILED_PRECONDITION, INSUFFICIENT_FUNDS: `account_key` holds `balance_minor`,
// less than `asked_minor`.
absl::Status InsufficientFunds(absl::string_view account_key, int64_t balance_minor,
                               int64_t asked_minor);
// RESOURCE_EXHAUSTED, reason RATE_LIMITED, with the advised wait.
// INVALID_ARGUMENT (AMOUNT_MISMATCH): amounts that must add up do not, or a
// currency other than the booking's. `metadata` pairs go into the details.
absl::Status AmountMismatch(absl::string_view message,
                            std::vector<std::pair<std::string, std::string>> metadata = {});
// FAILED_PRECONDITION (PAYMENT_PENDING) naming the payment under way.
absl::Status PaymentPending(absl::string_view payment_id);
// FAILED_PRECONDITION (WRONG_GATEWAY).
absl::Status WrongGateway(absl::string_view message);
// FAILED_PRECONDITION (ESCROW_HELD) naming the milestone holding money.
absl::Status EscrowHeld(absl::string_view milestone_id, absl::string_view message);
// UNAVAILABLE (PAYMENT_PROVIDER_UNAVAILABLE), keeping the provider's words.
absl::Status PaymentProviderUnavailable(absl::string_view message);
// FAILED_PRECONDITION (PAYMENT_PROVIDER_REFUSED), keeping the provider's words.
absl::Status PaymentProviderRefused(absl::string_view message);
// PERMISSION_DENIED (NOT_CONNECTED): nothing links the two users.
absl::Status NotConnected(absl::string_view message);
// PERMISSION_DENIED (USER_BLOCKED): one of the two blocked the other.
absl::Status UserBlocked(absl::string_view message);
// INVALID_ARGUMENT (FILE_TYPE_NOT_ALLOWED), metadata `detected`.
absl::Status FileTypeNotAllowed(absl::string_view detected, absl::string_view message);
// INVALID_ARGUMENT (CHECKSUM_MISMATCH).
absl::Status ChecksumMismatch(absl::string_view message);
// INVALID_ARGUMENT (FILE_TOO_LARGE), metadata `limit`.
absl::Status FileTooLarge(int64_t limit_bytes);
// INVALID_ARGUMENT (UPLOAD_SIZE_MISMATCH).
absl::Status UploadSizeMismatch(absl::string_view message);
// FAILED_PRECONDITION (UPLOAD_OFFSET_MISMATCH), metadata `received_bytes`.
absl::Status UploadOffsetMismatch(int64_t received_bytes, int64_t offset);
// RESOURCE_EXHAUSTED (STORAGE_QUOTA_EXCEEDED), metadata `limit` and `used`.
absl::Status StorageQuotaExceeded(int64_t limit_bytes, int64_t used_bytes);
// RESOURCE_EXHAUSTED (RATE_LIMITED, metadata `limit`, retry_after_ms):
// the caller already has `limit` uploads in progress.
absl::Status TooManyUploads(int limit, absl::Duration retry_after);
// OUT_OF_RANGE (INVALID_FIELDS) with one violation: a position past the end,
// e.g. a download offset past the file's size.
absl::Status OutOfRangeField(absl::string_view field, absl::string_view description);
absl::Status RateLimited(absl::Duration retry_after);
// UNAVAILABLE, reason SERVER_BUSY.
absl::Status ServerBusy(absl::string_view message);
// OUT_OF_RANGE, reason CURSOR_EXPIRED: a stream's resume cursor is gone.
absl::Status CursorExpired(absl::string_view message);
// OUT_OF_RANGE, reason CURSOR_AHEAD: a resume cursor past the newest event.
absl::Status CursorAhead(absl::string_view message);
// PERMISSION_DENIED, reason BEARER_TOKEN_REQUIRED: not with an API key.
absl::Status BearerTokenRequired(absl::string_view message);
// INVALID_ARGUMENT, reason MALFORMED_REQUEST: the request did not decode.
absl::Status MalformedRequest(absl::string_view message);
// UNAVAILABLE, reason CREDENTIALS_CHANGED: a stream must reconnect to be
// authorized again.
absl::Status CredentialsChanged(absl::string_view message);
// RESOURCE_EXHAUSTED, reason SLOW_CONSUMER: a stream's client read too slowly.
absl::Status SlowConsumer(absl::string_view message);
// UNAVAILABLE, reason SHUTTING_DOWN: reconnect (to this server once it is back).
absl::Status ShuttingDown(absl::string_view message);
// INTERNAL, reason INTERNAL_ERROR. The message must not contain secrets or SQL.
absl::Status Internal(absl::string_view message);

// The details attached by the constructors above; a status without any gets
// a default (reason ERROR_REASON_UNSPECIFIED, or INTERNAL_ERROR for INTERNAL).
gigwire::v1::ErrorDetails ErrorDetailsOf(const absl::Status& status);
// The reason attached to `status`, ERROR_REASON_UNSPECIFIED when none.
ErrorReason ReasonOf(const absl::Status& status);

}  // namespace gigwire

// Returns from the current function when `expr` (an absl::Status) fails.
#define GW_RETURN_IF_ERROR(expr)                 \
  do {                                           \
    ::absl::Status gw_status_ = (expr);          \
    if (!gw_status_.ok()) return gw_status_;     \
  } while (false)

#define GW_STATUS_CONCAT_INNER_(a, b) a##b
#define GW_STATUS_CONCAT_(a, b) GW_STATUS_CONCAT_INNER_(a, b)
// `GW_ASSIGN_OR_RETURN(auto x, F());` declares x from an absl::StatusOr or
// returns its error.
#define GW_ASSIGN_OR_RETURN(lhs, expr) \
  GW_ASSIGN_OR_RETURN_IMPL_(GW_STATUS_CONCAT_(gw_statusor_, __LINE__), lhs, expr)
#define GW_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp.ok()) return tmp.status();             \
  lhs = std::move(tmp).value()

#endif  // GIGWIRE_SERVER_COMMON_STATUS_H_
