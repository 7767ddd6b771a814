// Storage interfaces: what the domain may ask of the database.
//
// All access goes through a transaction: `Store::Write` runs a function in one
// serialized read-write transaction (committed when the function returns OK,
// rolled back otherwise, so nothing half-done is ever visible), `Store::Read`
// in a consistent read-only snapshot that may run concurrently with other
// reads and with the writer. Repositories obtained from a `Tx` are valid only
// inside that function.
//
// Errors: NOT_FOUND from Find* when there is no such row; ALREADY_EXISTS on a
// uniqueness violation; UNAVAILABLE (SERVER_BUSY) when the database stays
// locked past the busy timeout; INTERNAL for anything else (no SQL text in
// messages). Mutators inside `Read` fail with INTERNAL.
//
// Thread safety: `Store` is thread-safe; a `Tx` and its repositories belong to
// the calling thread for the duration of the function.
#ifndef GIGWIRE_SERVER_STORE_STORE_H_
#define GIGWIRE_SERVER_STORE_STORE_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "server/domain/event.h"
#include "server/domain/marketplace.h"
#include "server/domain/user.h"

namespace gigwire {

// Keyset position of a list ordered by (create_time DESC, id DESC).
struct ListCursor {
  absl::Time create_time;
  std::string id;
};

struct UserQuery {
  std::optional<Role> role;          // only users holding this role
  std::optional<ListCursor> after;   // start after this row
  int limit = 50;
};

// Sellers matching a search (see SellerService.SearchSellers).
struct SellerQuery {
  std::string text;         // display name or a skill contains it (any case)
  bool available_only = false;
  int32_t min_rating_milli = 0;
  std::string skill;        // lower-case; a skill has a word starting with it
  std::string category_id;  // has an approved gig in it
  enum class Order { kRating, kName, kAvailability } order = Order::kRating;
  int offset = 0;
  int limit = 20;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual absl::StatusOr<User> FindById(const std::string& id) = 0;
  // `email` must already be lower-cased.
  virtual absl::StatusOr<User> FindByEmail(const std::string& email) = 0;
  // ALREADY_EXISTS (EMAIL_TAKEN) when the email is taken.
  virtual absl::Status Insert(const User& user) = 0;
  // Stores every field of `user` and sets version = user.version, only if
  // the stored version is `expected_version`; ABORTED (ETAG_MISMATCH) if not.
  virtual absl::Status Update(const User& user, int64_t expected_version) = 0;
  virtual absl::StatusOr<std::vector<User>> List(const UserQuery& query) = 0;
  // Adds one rating (1..5) to the user's aggregate.
  virtual absl::Status AddRating(const std::string& user_id, int rating) = 0;
  virtual absl::Status IncrementCompletedBookings(const std::string& user_id) = 0;
  // Sellers with rating, counts and gig count; sample_gigs left empty.
  virtual absl::StatusOr<std::vector<SellerSummary>> SearchSellers(const SellerQuery& query) = 0;
};

class RefreshTokenRepository {
 public:
  virtual ~RefreshTokenRepository() = default;
  virtual absl::StatusOr<RefreshToken> FindByHash(const std::string& token_hash) = 0;
  virtual absl::Status Insert(const RefreshToken& token) = 0;
  virtual absl::Status MarkUsed(const std::string& id, absl::Time when) = 0;
  // Revokes every not yet revoked token of the family.
  virtual absl::Status RevokeFamily(const std::string& family_id, absl::Time when) = 0;
};

struct ApiKeyQuery {
  std::optional<ListCursor> after;
  int limit = 50;
};

class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;
  virtual absl::StatusOr<ApiKey> FindById(const std::string& id) = 0;
  virtual absl::StatusOr<ApiKey> FindBySecretHash(const std::string& secret_hash) = 0;
  virtual absl::Status Insert(const ApiKey& key) = 0;
  virtual absl::Status Revoke(const std::string& id, absl::Time when) = 0;
  virtual absl::StatusOr<std::vector<ApiKey>> List(const ApiKeyQuery& query) = 0;
};

class CategoryRepository {
 public:
  virtual ~CategoryRepository() = default;
  // Every category, parents before children, then by slug.
  virtual absl::StatusOr<std::vector<Category>> List() = 0;
  virtual absl::StatusOr<Category> FindById(const std::string& id) = 0;
  // ALREADY_EXISTS when the slug is taken.
  virtual absl::Status Insert(const Category& category) = 0;
  // ABORTED (ETAG_MISMATCH) unless the stored version is `expected_version`.
  virtual absl::Status Update(const Category& category, int64_t expected_version) = 0;
};

struct GigQuery {
  std::vector<GigState> states;  // empty: any state
  std::string category_id;
  std::string seller_id;
  std::string text;  // title, description or tags contain it (any case)
  std::optional<int64_t> price_min_minor;
  std::optional<int64_t> price_max_minor;
  std::string currency_code;  // with a price bound: only this currency
  enum class Order { kNewest, kPriceAscending, kPriceDescending, kRating } order = Order::kNewest;
  int offset = 0;
  int limit = 50;
};

class GigRepository {
 public:
  virtual ~GigRepository() = default;
  virtual absl::StatusOr<Gig> FindById(const std::string& id) = 0;
  virtual absl::Status Insert(const Gig& gig) = 0;
  virtual absl::Status Update(const Gig& gig, int64_t expected_version) = 0;
  virtual absl::StatusOr<std::vector<Gig>> List(const GigQuery& query) = 0;
};

struct JobQuery {
  std::optional<JobState> state;
  std::string buyer_id;  // empty: every buyer
  std::optional<ListCursor> after;
  int limit = 50;
};

class JobRepository {
 public:
  virtual ~JobRepository() = default;
  virtual absl::StatusOr<Job> FindById(const std::string& id) = 0;
  virtual absl::Status Insert(const Job& job) = 0;
  virtual absl::Status Update(const Job& job, int64_t expected_version) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<Job>> List(const JobQuery& query) = 0;
  // Jobs per state, for one buyer or (empty buyer_id) all.
  virtual absl::StatusOr<std::vector<std::pair<JobState, int>>> CountByState(
      const std::string& buyer_id) = 0;
  // PENDING_REVIEW or OPEN jobs whose due time is at or before `now`.
  virtual absl::StatusOr<std::vector<Job>> ListDue(absl::Time now, int limit) = 0;
};

class AssignmentRepository {
 public:
  virtual ~AssignmentRepository() = default;
  virtual absl::Status Insert(const Assignment& assignment) = 0;
  // Oldest first, after the cursor (ascending keyset).
  virtual absl::StatusOr<std::vector<Assignment>> ListByJob(
      const std::string& job_id, const std::optional<ListCursor>& after, int limit) = 0;
};

struct OfferQuery {
  std::optional<OfferState> state;
  std::string job_id;
  std::string seller_id;
  std::optional<ListCursor> after;
  int limit = 50;
};

class OfferRepository {
 public:
  virtual ~OfferRepository() = default;
  virtual absl::StatusOr<Offer> FindById(const std::string& id) = 0;
  // ALREADY_EXISTS when the seller already has an offer for the job.
  virtual absl::Status Insert(const Offer& offer) = 0;
  virtual absl::Status Update(const Offer& offer, int64_t expected_version) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<Offer>> List(const OfferQuery& query) = 0;
  virtual absl::StatusOr<std::vector<Offer>> ListPendingForJob(const std::string& job_id) = 0;
  // PENDING offers whose expire time is at or before `now`.
  virtual absl::StatusOr<std::vector<Offer>> ListExpiredPending(absl::Time now, int limit) = 0;
  virtual absl::StatusOr<bool> SellerHasOffer(const std::string& job_id,
                                              const std::string& seller_id) = 0;
};

struct BookingQuery {
  std::optional<BookingState> state;
  std::string party_id;  // buyer or seller is this user
  std::string buyer_id;
  std::string seller_id;
  std::optional<absl::Time> created_after;   // inclusive
  std::optional<absl::Time> created_before;  // exclusive
  std::optional<ListCursor> after;
  int limit = 50;
};

class BookingRepository {
 public:
  virtual ~BookingRepository() = default;
  virtual absl::StatusOr<Booking> FindById(const std::string& id) = 0;
  virtual absl::Status Insert(const Booking& booking) = 0;
  virtual absl::Status Update(const Booking& booking, int64_t expected_version) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<Booking>> List(const BookingQuery& query) = 0;
};

class ReviewRepository {
 public:
  virtual ~ReviewRepository() = default;
  // NOT_FOUND when there is no review `id`.
  virtual absl::StatusOr<Review> FindById(const std::string& id) = 0;
  // ALREADY_EXISTS when the author already reviewed the booking.
  virtual absl::Status Insert(const Review& review) = 0;
  // Reviews received by `subject_id`, newest first.
  virtual absl::StatusOr<std::vector<Review>> ListBySubject(
      const std::string& subject_id, const std::optional<ListCursor>& after, int limit) = 0;
};

struct AuditQuery {
  std::string actor_id;
  std::string action;
  std::string target;  // target contains it
  std::optional<ListCursor> after;
  int limit = 50;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  virtual absl::Status Append(const AuditEntry& entry) = 0;
  // Newest first.
  virtual absl::StatusOr<std::vector<AuditEntry>> List(const AuditQuery& query) = 0;
};

// The remembered outcome of one idempotent request.
struct RequestRecord {
  std::string principal_id;
  std::string method;
  std::string request_id;
  std::string fingerprint;  // hash of the request's parameters
  std::string resource_id;  // what the first call produced
  absl::Time create_time;
};

class RequestIdRepository {
 public:
  virtual ~RequestIdRepository() = default;
  // NOT_FOUND when this (principal, method, request_id) is new.
  virtual absl::StatusOr<RequestRecord> Find(const std::string& principal_id,
                                             const std::string& method,
                                             const std::string& request_id) = 0;
  virtual absl::Status Insert(const RequestRecord& record) = 0;
  // Forgets records created before `cutoff`; returns how many.
  virtual absl::StatusOr<int> DeleteBefore(absl::Time cutoff) = 0;
};

// The outbox: events in commit order (see server/domain/event.h).
class EventRepository {
 public:
  virtual ~EventRepository() = default;
  // Appends `event` and returns its sequence: greater than every committed
  // one, so sequences follow commit order.
  virtual absl::StatusOr<int64_t> Append(const EventRecord& event) = 0;
  // Events with sequence > `after`, ascending, at most `limit`.
  virtual absl::StatusOr<std::vector<EventRecord>> ListAfter(int64_t after, int limit) = 0;
  // The highest sequence ever appended (kept when retention deletes it); 0
  // before the first event.
  virtual absl::StatusOr<int64_t> LatestSequence() = 0;
  // The highest sequence deleted by retention; 0 when none was.
  virtual absl::StatusOr<int64_t> PrunedThrough() = 0;
  // Deletes up to `limit` of the oldest events created before `cutoff` and
  // raises PrunedThrough; returns how many.
  virtual absl::StatusOr<int> DeleteBefore(absl::Time cutoff, int limit) = 0;
};

struct NotificationQuery {
  std::string user_id;
  bool unread_only = false;
  std::optional<int64_t> before_sequence;  // keyset: start below this
  int limit = 50;
};

class NotificationRepository {
 public:
  virtual ~NotificationRepository() = default;
  virtual absl::Status Insert(const Notification& notification) = 0;
  // Newest (highest sequence) first.
  virtual absl::StatusOr<std::vector<Notification>> List(const NotificationQuery& query) = 0;
  virtual absl::StatusOr<int> CountUnread(const std::string& user_id) = 0;
  // Marks `user_id`'s listed notifications read; returns how many changed.
  virtual absl::StatusOr<int> MarkRead(const std::string& user_id,
                                       const std::vector<int64_t>& sequences) = 0;
  // Marks every one with sequence <= `up_to` read; returns how many changed.
  virtual absl::StatusOr<int> MarkReadUpTo(const std::string& user_id, int64_t up_to) = 0;
  // Deletes up to `limit` notifications created before `cutoff`; returns how many.
  virtual absl::StatusOr<int> DeleteBefore(absl::Time cutoff, int limit) = 0;
};

// One transaction's view of every repository.
class Tx {
 public:
  virtual ~Tx() = default;
  virtual UserRepository& users() = 0;
  virtual RefreshTokenRepository& refresh_tokens() = 0;
  virtual ApiKeyRepository& api_keys() = 0;
  virtual CategoryRepository& categories() = 0;
  virtual GigRepository& gigs() = 0;
  virtual JobRepository& jobs() = 0;
  virtual AssignmentRepository& assignments() = 0;
  virtual OfferRepository& offers() = 0;
  virtual BookingRepository& bookings() = 0;
  virtual ReviewRepository& reviews() = 0;
  virtual AuditRepository& audit() = 0;
  virtual RequestIdRepository& request_ids() = 0;
  virtual EventRepository& events() = 0;
  virtual NotificationRepository& notifications() = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  // Runs `fn` in the single serialized read-write transaction. Commits when
  // `fn` returns OK; returns `fn`'s error (after rollback) otherwise.
  virtual absl::Status Write(absl::FunctionRef<absl::Status(Tx&)> fn) = 0;
  // Runs `fn` in a read-only snapshot.
  virtual absl::Status Read(absl::FunctionRef<absl::Status(Tx&)> fn) = 0;
  // Calls `observer` after every COMMIT of a transaction that appended
  // events, on the committing thread, outside the store's locks; it must be
  // quick and must not call back into the store. Set once, before serving
  // (not thread-safe against concurrent writes); nullptr clears it.
  virtual void SetEventsCommittedObserver(std::function<void()> observer) = 0;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_STORE_H_
