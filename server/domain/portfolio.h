// Portfolio rules: the pieces of work a seller shows to buyers and admins
// (PortfolioService), on the seller's profile (UserService.GetUser) and,
// the newest three, in seller search previews (SellerService.SearchSellers).
//
// Who may do what:
// - Create: users holding ROLE_SELLER, into their own portfolio.
// - Update: the item's seller, while holding ROLE_SELLER.
// - Delete: the item's seller (even after losing ROLE_SELLER), or an admin
//   (moderation, written to the audit log in the same transaction).
// - List: any authenticated caller; items are public to signed-in users.
//
// Contracts (every error carries a reason, see errors.proto):
// - Input: INVALID_ARGUMENT (INVALID_FIELDS) listing every bad field with
//   request paths: `item.title` 1..120 characters, `item.description`
//   0..2000, `item.link_url` empty or an http(s) URL of at most 500
//   characters, `item.image_urls` at most 10 such URLs (each required),
//   `item.skills` as a profile's skills (CheckSkills); `update_mask` empty;
//   `item.id`, `id` or `seller_id` missing; `page_size` negative or a
//   `page_token` made for another seller.
// - `booking_id` (optional): must name a COMPLETED booking in which the
//   caller is the seller. A booking the caller may not see (or an unknown
//   id): NOT_FOUND (RESOURCE_NOT_FOUND); one the caller sees but did not
//   sell, or not COMPLETED: FAILED_PRECONDITION (INVALID_STATE, metadata
//   current_state: the booking's state).
// - At most kMaxPortfolioItems items per seller: a create beyond it is
//   RESOURCE_EXHAUSTED (PORTFOLIO_FULL, metadata limit).
// - Create and Update by a caller without ROLE_SELLER (a seller whose role
//   was revoked too): PERMISSION_DENIED (ROLE_REQUIRED), checked before
//   anything is read.
// - Mutations act on the caller's own items (admins: on every item, to
//   delete): another user's item is NOT_FOUND (RESOURCE_NOT_FOUND), exactly
//   as an unknown id, as PortfolioService documents for
//   UpdatePortfolioItem; an admin updating someone else's item:
//   PERMISSION_DENIED (NOT_RESOURCE_OWNER).
// - Update: `etag` optional; set and stale: ABORTED (ETAG_MISMATCH). An
//   update that changes nothing returns the item unchanged (same etag).
// - Every mutation is idempotent per RequestKey (see idempotency.h): a
//   replayed Delete succeeds again without deleting anything.
// - Lists are newest first (create time, then id), keyset page tokens bound
//   to the seller (see pagination.h); page_size 0 means 50, larger is
//   clamped to 50.
//
// Thread safety: thread-safe; the store and clock must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_PORTFOLIO_H_
#define GIGWIRE_SERVER_DOMAIN_PORTFOLIO_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/domain/idempotency.h"
#include "server/model/portfolio.h"
#include "server/model/user.h"
#include "server/store/store.h"

namespace gigwire {

inline constexpr int kMaxPortfolioItems = 50;
// How many of a seller's newest items a seller search preview shows.
inline constexpr int kPortfolioPreviewItems = 3;

// The client-settable fields of a portfolio item.
struct PortfolioDraft {
  std::string title;
  std::string description;
  std::string link_url;
  std::vector<std::string> image_urls;
  std::vector<std::string> skills;
  std::string booking_id;  // empty: none
};

// The fields Update may change; unset members stay as they are.
struct PortfolioPatch {
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<std::string> link_url;
  std::optional<std::vector<std::string>> image_urls;
  std::optional<std::vector<std::string>> skills;
  std::optional<std::string> booking_id;  // empty string: unlink

  bool empty() const {
    return !title && !description && !link_url && !image_urls && !skills && !booking_id;
  }
};

struct PortfolioPage {
  std::vector<PortfolioItem> items;
  std::string next_page_token;
};

// The etag clients see for an item: opaque, changes on every change.
std::string PortfolioEtag(const PortfolioItem& item);

class Portfolio {
 public:
  Portfolio(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  absl::StatusOr<PortfolioItem> Create(const Principal& caller, const PortfolioDraft& draft,
                                       const RequestKey& key);
  absl::StatusOr<PortfolioItem> Update(const Principal& caller, const std::string& id,
                                       const PortfolioPatch& patch, absl::string_view etag,
                                       const RequestKey& key);
  absl::Status Delete(const Principal& caller, const std::string& id, const RequestKey& key);
  // Who may list is the API layer's concern (any authenticated caller):
  // every item is public to signed-in users. An unknown seller has none.
  absl::StatusOr<PortfolioPage> List(const std::string& seller_id, int page_size,
                                     absl::string_view page_token);

  // What a profile shows (UserService.GetUser): the user's items, newest
  // first, all of them (at most kMaxPortfolioItems), when the user holds
  // ROLE_SELLER; none otherwise.
  absl::StatusOr<std::vector<PortfolioItem>> OnProfile(const User& user);

 private:
  Store& store_;
  const Clock& clock_;
};

// The newest `limit` items of `seller_id`, read in `tx` (for previews read
// in the same snapshot as what they preview).
absl::StatusOr<std::vector<PortfolioItem>> NewestPortfolioItems(Tx& tx,
                                                                const std::string& seller_id,
                                                                int limit);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_PORTFOLIO_H_
