// Seller search (SellerService.SearchSellers): sellers matching text and
// filters, with their rating, counts, up to three sample gigs and up to
// three portfolio items.
//
// Contracts:
// - Filters: `text` matches the display name or a skill (substring, ASCII
//   letters ignoring case), 0..100 characters; `skill` (0..40 characters)
//   matches a seller with a skill in which it starts a word: at the start of
//   the skill or after a character that is not an ASCII letter or digit,
//   ASCII letters ignoring case, surrounding spaces ignored (SkillMatches:
//   "logo" and "Log" find "logo design", so does "design"; "sign" does not);
//   `min_rating_milli`
//   0..5000 (a seller without reviews rates 0); `category_id`: sellers with
//   an APPROVED gig in that category; `available_only`: availability
//   AVAILABLE. Bad values: INVALID_ARGUMENT (INVALID_FIELDS) naming each.
// - Orders: rating (average desc, then review count desc), name (A to Z,
//   ignoring case), availability (AVAILABLE, BUSY, AWAY, then by rating);
//   ties broken by user id, so pages are stable.
// - Paging: page_size 0 means 20, at most 100 (larger is clamped), negative
//   INVALID_ARGUMENT; offset page tokens bound to the filters
//   (INVALID_ARGUMENT, page_token, when reused with others).
// - `gig_count` counts APPROVED gigs; `sample_gigs` are the newest three
//   APPROVED gigs and `portfolio` the newest three portfolio items
//   (kPortfolioPreviewItems), read in the same snapshot as the page.
// - Who may search is the API layer's concern (any authenticated caller):
//   everything returned here is public.
//
// Thread safety: thread-safe; the store must outlive the object.
#ifndef GIGWIRE_SERVER_DOMAIN_SELLERS_H_
#define GIGWIRE_SERVER_DOMAIN_SELLERS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/model/marketplace.h"
#include "server/store/store.h"

namespace gigwire {

inline constexpr int kDefaultSellerPageSize = 20;
inline constexpr int kMaxSellerPageSize = 100;
inline constexpr int kSampleGigsPerSeller = 3;

// Filters of a seller search; empty members do not filter.
struct SellerFilter {
  std::string text;
  bool available_only = false;
  int32_t min_rating_milli = 0;
  std::string skill;
  std::string category_id;
  SellerQuery::Order order = SellerQuery::Order::kRating;
};

// The `skill` filter's rule for one skill (see the contracts above).
bool SkillMatches(absl::string_view skill, absl::string_view filter);

struct SellerPage {
  std::vector<SellerSummary> sellers;
  std::string next_page_token;
};

class SellerSearch {
 public:
  explicit SellerSearch(Store& store) : store_(store) {}

  absl::StatusOr<SellerPage> Search(const SellerFilter& filter, int page_size,
                                    absl::string_view page_token);

 private:
  Store& store_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_SELLERS_H_
