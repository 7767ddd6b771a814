// Catalog rules: the category tree and sellers' gigs (listings), with the
// gig lifecycle of gig.proto:
//
//   DRAFT -> PENDING_REVIEW -> APPROVED | REJECTED(reason)
//   REJECTED -> PENDING_REVIEW (resubmitted, after edits)
//   APPROVED <-> PAUSED; any state but ARCHIVED -> ARCHIVED
//   an edit of an APPROVED or PAUSED gig sends it back to PENDING_REVIEW.
//
// Who may do what (GigActions lists it for one caller and gig):
// - "update", "submit", "resume": the gig's seller, while holding the seller
//   role; "pause", "archive": the gig's seller; "archive", "approve",
//   "reject": admins.
// - Only APPROVED gigs are visible to everyone; other states only to their
//   seller and admins.
//
// Contracts (every error carries a reason, see errors.proto):
// - Input: INVALID_ARGUMENT (INVALID_FIELDS) listing every bad field, with
//   request paths (`category.slug`, `gig.price.amount_minor`, `gig.tags[2]`).
// - A gig the caller may not see: NOT_FOUND (RESOURCE_NOT_FOUND), exactly as
//   for an unknown id. A visible gig the caller may not act on:
//   PERMISSION_DENIED (NOT_RESOURCE_OWNER). Admin-only calls by non-admins:
//   PERMISSION_DENIED (ROLE_REQUIRED), checked before anything is read.
// - Stale etag: ABORTED (ETAG_MISMATCH). Illegal transition:
//   FAILED_PRECONDITION (INVALID_STATE, metadata current_state).
// - Taken category slug: ALREADY_EXISTS.
// - Every mutation is idempotent per RequestKey (see idempotency.h) and every
//   admin action is written to the audit log in the same transaction.
// - Every gig change records GIG_CREATED, _UPDATED, _SUBMITTED, _APPROVED,
//   _REJECTED, _PAUSED, _RESUMED or _ARCHIVED through the outbox in the same
//   transaction; a replay or an update that changes nothing records none.
//
// Thread safety: thread-safe; the store, clock and outbox must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_CATALOG_H_
#define GIGWIRE_SERVER_DOMAIN_CATALOG_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/domain/idempotency.h"
#include "server/domain/outbox.h"
#include "server/model/marketplace.h"
#include "server/store/store.h"

namespace gigwire {

// A new category. `parent_id` empty for a top-level category.
struct CategoryInput {
  std::string slug;
  std::string display_name;
  std::string parent_id;
};

// The fields UpdateCategory may change; unset members stay as they are.
struct CategoryPatch {
  std::optional<std::string> slug;
  std::optional<std::string> display_name;
};

// The client-settable fields of a gig.
struct GigDraft {
  std::string title;
  std::string description;
  std::string category_id;
  Money price;
  int32_t delivery_days = 0;
  std::vector<std::string> tags;
};

// The fields UpdateGig may change; unset members stay as they are.
struct GigPatch {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> category_id;
  std::optional<Money> price;
  std::optional<int32_t> delivery_days;
  std::optional<std::vector<std::string>> tags;

  bool empty() const {
    return !title && !description && !category_id && !price && !delivery_days && !tags;
  }
};

// Filters of ListGigs; empty members do not filter.
struct GigFilter {
  std::string category_id;
  std::string seller_id;
  std::optional<Money> price_min;  // inclusive; same currency as price_max
  std::optional<Money> price_max;  // inclusive
  std::string text;                // title, description or a tag contains it
  std::optional<GigState> state;
  GigQuery::Order order = GigQuery::Order::kNewest;
};

struct GigPage {
  std::vector<Gig> gigs;
  std::string next_page_token;
};

// What a caller may do to a gig; the names are the RPCs without "Gig".
enum class GigAction { kUpdate, kSubmit, kPause, kResume, kArchive, kApprove, kReject };
const char* GigActionName(GigAction action);  // "update", "submit", ...

// The actions `viewer` (null: anonymous) may take on `gig` now, in the
// order of GigAction. Empty for anonymous callers.
std::vector<std::string> GigActions(const Principal* viewer, const Gig& gig);

// True when `viewer` (null: anonymous) may see `gig`.
bool CanSeeGig(const Principal* viewer, const Gig& gig);

// The etags clients see: opaque, changing on every change.
std::string CategoryEtag(const Category& category);
std::string GigEtag(const Gig& gig);

class Catalog {
 public:
  Catalog(Store& store, const Clock& clock, const Outbox& outbox)
      : store_(store), clock_(clock), outbox_(outbox) {}

  // Parents before their children (depth first), siblings by slug.
  absl::StatusOr<std::vector<Category>> ListCategories();
  // Admins only. ALREADY_EXISTS when the slug is taken; INVALID_ARGUMENT
  // (category.parent_id) for an unknown parent.
  absl::StatusOr<Category> CreateCategory(const Principal& caller, const CategoryInput& input,
                                          const RequestKey& key);
  // Admins only. `etag` is required.
  absl::StatusOr<Category> UpdateCategory(const Principal& caller, const std::string& id,
                                          const CategoryPatch& patch, absl::string_view etag,
                                          const RequestKey& key);

  // Sellers only; the gig starts as a DRAFT owned by the caller.
  absl::StatusOr<Gig> CreateGig(const Principal& caller, const GigDraft& draft,
                                const RequestKey& key);
  // The gig's seller. `etag` is required. An edit that changes nothing
  // returns the gig unchanged (and keeps its state).
  absl::StatusOr<Gig> UpdateGig(const Principal& caller, const std::string& id,
                                const GigPatch& patch, absl::string_view etag,
                                const RequestKey& key);
  // The transitions. `etag` is optional: when set and stale, ABORTED.
  absl::StatusOr<Gig> SubmitGig(const Principal& caller, const std::string& id,
                                absl::string_view etag, const RequestKey& key);
  absl::StatusOr<Gig> PauseGig(const Principal& caller, const std::string& id,
                               absl::string_view etag, const RequestKey& key);
  absl::StatusOr<Gig> ResumeGig(const Principal& caller, const std::string& id,
                                absl::string_view etag, const RequestKey& key);
  absl::StatusOr<Gig> ArchiveGig(const Principal& caller, const std::string& id,
                                 absl::string_view etag, const RequestKey& key);
  absl::StatusOr<Gig> ApproveGig(const Principal& caller, const std::string& id,
                                 absl::string_view etag, const RequestKey& key);
  // `reason`: 1..500 characters, shown to the seller.
  absl::StatusOr<Gig> RejectGig(const Principal& caller, const std::string& id,
                                absl::string_view reason, const RequestKey& key);

  // `viewer` null: anonymous.
  absl::StatusOr<Gig> GetGig(const Principal* viewer, const std::string& id);
  // Anonymous callers and other users see APPROVED gigs only (asking for
  // another state is INVALID_ARGUMENT, field state); a seller listing its own
  // gigs (filter.seller_id = itself) and admins see every state. Offset
  // pagination: page_size 0 means 50, at most 500.
  absl::StatusOr<GigPage> ListGigs(const Principal* viewer, const GigFilter& filter,
                                   int page_size, absl::string_view page_token);

 private:
  absl::StatusOr<Gig> Transition(const Principal& caller, GigAction action,
                                 const std::string& id, absl::string_view etag,
                                 absl::string_view note, const RequestKey& key);

  Store& store_;
  const Clock& clock_;
  const Outbox& outbox_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_CATALOG_H_
