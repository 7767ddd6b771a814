// Portfolio rules; see portfolio.h.
#include "server/domain/portfolio.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/audit.h"
#include "server/domain/bookings.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

constexpr size_t kMaxTitleChars = 120;
constexpr size_t kMaxDescriptionChars = 2000;
constexpr size_t kMaxImages = 10;
constexpr int kMaxPageSize = kMaxPortfolioItems;

// ---- input rules ----

void CheckImageUrls(const std::vector<std::string>& urls, Violations& v) {
  if (urls.size() > kMaxImages) return v.Add("item.image_urls", "must hold at most 10 URLs");
  for (size_t i = 0; i < urls.size(); ++i) {
    const std::string field = absl::StrCat("item.image_urls[", i, "]");
    if (urls[i].empty()) {
      v.Add(field, "is required");
    } else {
      CheckWebUrl(field, urls[i], v);
    }
  }
}

// Checks the values present in `patch` (a whole draft when every member is set).
void CheckPatch(const PortfolioPatch& patch, Violations& v) {
  if (patch.title) CheckText("item.title", *patch.title, 1, kMaxTitleChars, false, v);
  if (patch.description) {
    CheckText("item.description", *patch.description, 0, kMaxDescriptionChars, true, v);
  }
  if (patch.link_url) CheckWebUrl("item.link_url", *patch.link_url, v);
  if (patch.image_urls) CheckImageUrls(*patch.image_urls, v);
  if (patch.skills) CheckSkills("item.skills", *patch.skills, v);
}

PortfolioPatch PatchOf(const PortfolioDraft& draft) {
  return PortfolioPatch{draft.title,      draft.description, draft.link_url,
                        draft.image_urls, draft.skills,      draft.booking_id};
}

// INVALID_ARGUMENT when empty; NOT_FOUND when it cannot be an item id.
absl::Status CheckItemId(absl::string_view field, const std::string& id) {
  if (id.empty()) return InvalidField(field, "is required");
  if (!HasIdShape(id, "pfi")) return NotFound(absl::StrCat("portfolio item ", id));
  return absl::OkStatus();
}

absl::StatusOr<int> ResolvePortfolioPageSize(int requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0 || requested > kMaxPageSize) return kMaxPageSize;
  return requested;
}

// ---- reading and checking ----

// OK when `booking_id` names a COMPLETED booking `caller` sold. NOT_FOUND
// when the caller may not see it; FAILED_PRECONDITION (INVALID_STATE) when
// the caller was not its seller or it is not COMPLETED.
absl::Status RequireOwnCompletedBooking(Tx& tx, const Principal& caller,
                                        const std::string& booking_id) {
  GW_ASSIGN_OR_RETURN(const Booking booking, LoadVisibleBooking(tx, caller, booking_id));
  const char* state = BookingStateName(booking.state);
  if (booking.seller_id != caller.user_id) {
    return InvalidState("item.booking_id must name a booking in which you are the seller",
                        state);
  }
  if (booking.state != BookingState::kCompleted) {
    return InvalidState(absl::StrCat("item.booking_id must name a COMPLETED booking; this one "
                                     "is ",
                                     state),
                        state);
  }
  return absl::OkStatus();
}

// The item `caller` is about to change or delete: NOT_FOUND unless it is
// theirs or `caller` is an admin.
absl::StatusOr<PortfolioItem> LoadOwnItem(Tx& tx, const Principal& caller,
                                          const std::string& id) {
  absl::StatusOr<PortfolioItem> item = tx.portfolio().FindById(id);
  if (absl::IsNotFound(item.status()) ||
      (item.ok() && item->seller_id != caller.user_id && !caller.Has(Role::kAdmin))) {
    return NotFound(absl::StrCat("portfolio item ", id));
  }
  return item;
}

// Applies `patch` to `item`; true when something changed.
bool ApplyPatch(const PortfolioPatch& patch, PortfolioItem& item) {
  bool changed = AssignIfChanged(patch.title, item.title);
  changed = AssignIfChanged(patch.description, item.description) || changed;
  changed = AssignIfChanged(patch.link_url, item.link_url) || changed;
  changed = AssignIfChanged(patch.image_urls, item.image_urls) || changed;
  changed = AssignIfChanged(patch.skills, item.skills) || changed;
  changed = AssignIfChanged(patch.booking_id, item.booking_id) || changed;
  return changed;
}

PortfolioItem NewItem(const Principal& seller, const PortfolioDraft& draft, absl::Time now) {
  PortfolioItem item;
  item.id = NewId("pfi");
  item.seller_id = seller.user_id;
  item.title = draft.title;
  item.description = draft.description;
  item.link_url = draft.link_url;
  item.image_urls = draft.image_urls;
  item.skills = draft.skills;
  item.booking_id = draft.booking_id;
  item.create_time = item.update_time = now;
  return item;
}

absl::StatusOr<PortfolioItem> LoadItem(Tx& tx, const std::string& id) {
  return tx.portfolio().FindById(id);
}
std::string IdOf(const PortfolioItem& item) { return item.id; }

// A replayed Delete: the item is gone; only its id is known.
absl::StatusOr<PortfolioItem> DeletedItem(Tx&, const std::string& id) {
  PortfolioItem gone;
  gone.id = id;
  return gone;
}

// Client strings are length-prefixed so that no two queries share a print.
std::string Fingerprint(const std::string& seller_id) {
  return absl::StrCat("portfolio|", seller_id.size(), ":", seller_id);
}

}  // namespace

std::string PortfolioEtag(const PortfolioItem& item) { return EtagOf(item.version); }

absl::StatusOr<std::vector<PortfolioItem>> NewestPortfolioItems(Tx& tx,
                                                                const std::string& seller_id,
                                                                int limit) {
  return tx.portfolio().ListBySeller(seller_id, std::nullopt, limit);
}

absl::StatusOr<PortfolioItem> Portfolio::Create(const Principal& caller,
                                                const PortfolioDraft& draft,
                                                const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kSeller));
  Violations violations;
  CheckPatch(PatchOf(draft), violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  return IdempotentWrite<PortfolioItem>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<PortfolioItem> {
        GW_ASSIGN_OR_RETURN(const int count, tx.portfolio().CountBySeller(caller.user_id));
        if (count >= kMaxPortfolioItems) return PortfolioFull(kMaxPortfolioItems);
        if (!draft.booking_id.empty()) {
          GW_RETURN_IF_ERROR(RequireOwnCompletedBooking(tx, caller, draft.booking_id));
        }
        PortfolioItem item = NewItem(caller, draft, clock_.Now());
        GW_RETURN_IF_ERROR(tx.portfolio().Insert(item));
        return tx.portfolio().FindById(item.id);  // as stored (time precision)
      },
      LoadItem, IdOf);
}

absl::StatusOr<PortfolioItem> Portfolio::Update(const Principal& caller, const std::string& id,
                                                const PortfolioPatch& patch,
                                                absl::string_view etag, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kSeller));
  Violations violations;
  if (patch.empty()) violations.Add("update_mask", "must name at least one field to change");
  CheckPatch(patch, violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  GW_RETURN_IF_ERROR(CheckItemId("item.id", id));
  return IdempotentWrite<PortfolioItem>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<PortfolioItem> {
        GW_ASSIGN_OR_RETURN(PortfolioItem item, LoadOwnItem(tx, caller, id));
        if (item.seller_id != caller.user_id) {
          return NotOwner("only the item's seller may update it");
        }
        GW_RETURN_IF_ERROR(CheckEtag(etag, item.version, "portfolio item"));
        if (patch.booking_id && !patch.booking_id->empty() &&
            *patch.booking_id != item.booking_id) {
          GW_RETURN_IF_ERROR(RequireOwnCompletedBooking(tx, caller, *patch.booking_id));
        }
        if (!ApplyPatch(patch, item)) return item;
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.portfolio(), item, clock_.Now()));
        return tx.portfolio().FindById(item.id);  // as stored (time precision)
      },
      LoadItem, IdOf);
}

absl::Status Portfolio::Delete(const Principal& caller, const std::string& id,
                               const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckItemId("id", id));
  return IdempotentWrite<PortfolioItem>(
             store_, key, clock_,
             [&](Tx& tx) -> absl::StatusOr<PortfolioItem> {
               GW_ASSIGN_OR_RETURN(PortfolioItem item, LoadOwnItem(tx, caller, id));
               GW_RETURN_IF_ERROR(tx.portfolio().Delete(id));
               if (item.seller_id != caller.user_id) {  // an admin moderating
                 GW_RETURN_IF_ERROR(RecordAdminAction(
                     tx, caller, "DeletePortfolioItem", item.id,
                     absl::StrCat("seller ", item.seller_id, ": ", item.title), clock_.Now()));
               }
               return item;
             },
             DeletedItem, IdOf)
      .status();
}

absl::StatusOr<PortfolioPage> Portfolio::List(const std::string& seller_id, int page_size,
                                              absl::string_view page_token) {
  if (seller_id.empty()) return InvalidField("seller_id", "is required");
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePortfolioPageSize(page_size));
  const std::string fingerprint = Fingerprint(seller_id);
  GW_ASSIGN_OR_RETURN(std::optional<ListCursor> after, DecodePageToken(page_token, fingerprint));
  PortfolioPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.items, tx.portfolio().ListBySeller(seller_id, after, limit + 1));
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToPage(page.items, limit, fingerprint);
  return page;
}

absl::StatusOr<std::vector<PortfolioItem>> Portfolio::OnProfile(const User& user) {
  std::vector<PortfolioItem> items;
  if (!user.roles.Has(Role::kSeller)) return items;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(items, NewestPortfolioItems(tx, user.id, kMaxPortfolioItems));
    return absl::OkStatus();
  }));
  return items;
}

}  // namespace gigwire
