// Catalog conversions; see catalog_convert.h.
#include "server/api/catalog_convert.h"

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/api/portfolio_convert.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

absl::Status UnsettablePath(absl::string_view path, absl::string_view settable) {
  return InvalidField("update_mask",
                      absl::StrCat("'", path, "' cannot be updated; settable: ", settable));
}

absl::StatusOr<std::optional<GigState>> GigStateFromProto(int state) {
  if (state == v1::GIG_STATE_UNSPECIFIED) return std::nullopt;
  if (!v1::GigState_IsValid(state)) {
    return InvalidField("state", absl::StrCat("unknown state ", state));
  }
  return static_cast<GigState>(state);  // same numbers as the proto
}

absl::StatusOr<GigQuery::Order> GigOrderFromProto(int order) {
  switch (order) {
    case v1::GIG_ORDER_UNSPECIFIED:
    case v1::GIG_ORDER_NEWEST: return GigQuery::Order::kNewest;
    case v1::GIG_ORDER_PRICE_ASCENDING: return GigQuery::Order::kPriceAscending;
    case v1::GIG_ORDER_PRICE_DESCENDING: return GigQuery::Order::kPriceDescending;
    case v1::GIG_ORDER_RATING: return GigQuery::Order::kRating;
    default: return InvalidField("order_by", absl::StrCat("unknown order ", order));
  }
}

absl::StatusOr<SellerQuery::Order> SellerOrderFromProto(int order) {
  switch (order) {
    case v1::SELLER_ORDER_UNSPECIFIED:
    case v1::SELLER_ORDER_RATING: return SellerQuery::Order::kRating;
    case v1::SELLER_ORDER_NAME: return SellerQuery::Order::kName;
    case v1::SELLER_ORDER_AVAILABILITY: return SellerQuery::Order::kAvailability;
    default: return InvalidField("order_by", absl::StrCat("unknown order ", order));
  }
}

}  // namespace

void ToProto(const Category& category, v1::Category* out) {
  out->set_id(category.id);
  out->set_slug(category.slug);
  out->set_display_name(category.display_name);
  out->set_parent_id(category.parent_id);
  out->set_etag(CategoryEtag(category));
  ToProto(category.create_time, out->mutable_create_time());
}

void ToProto(const Gig& gig, const Principal* viewer, v1::Gig* out) {
  out->set_id(gig.id);
  out->set_seller_id(gig.seller_id);
  out->set_title(gig.title);
  out->set_description(gig.description);
  out->set_category_id(gig.category_id);
  ToProto(gig.price, out->mutable_price());
  out->set_delivery_days(gig.delivery_days);
  for (const std::string& tag : gig.tags) out->add_tags(tag);
  out->set_state(static_cast<v1::GigState>(gig.state));
  out->set_rejection_reason(gig.rejection_reason);
  out->set_seller_rating_milli(gig.seller_rating_milli);
  out->set_etag(GigEtag(gig));
  for (const std::string& action : GigActions(viewer, gig)) out->add_allowed_actions(action);
  ToProto(gig.create_time, out->mutable_create_time());
  ToProto(gig.update_time, out->mutable_update_time());
}

void ToProto(const SellerSummary& seller, const Principal* viewer, v1::SellerPreview* out) {
  out->set_user_id(seller.user_id);
  out->set_display_name(seller.display_name);
  out->set_avatar_url(seller.avatar_url);
  out->set_bio(seller.bio);
  for (const std::string& skill : seller.skills) out->add_skills(skill);
  out->set_availability(static_cast<v1::Availability>(seller.availability));
  out->set_rating_milli(seller.rating_milli);
  out->set_rating_count(seller.rating_count);
  out->set_completed_bookings(seller.completed_bookings);
  out->set_gig_count(seller.gig_count);
  for (const Gig& gig : seller.sample_gigs) ToProto(gig, viewer, out->add_sample_gigs());
  for (const PortfolioItem& item : seller.portfolio) ToProto(item, out->add_portfolio());
}

void ToProto(const AuditEntry& entry, v1::AuditEntry* out) {
  out->set_id(entry.id);
  out->set_actor_id(entry.actor_id);
  out->set_action(entry.action);
  out->set_target(entry.target);
  out->set_note(entry.note);
  ToProto(entry.create_time, out->mutable_create_time());
}

CategoryInput CategoryInputFromProto(const v1::Category& category) {
  return CategoryInput{category.slug(), category.display_name(), category.parent_id()};
}

GigDraft GigDraftFromProto(const v1::Gig& gig) {
  GigDraft draft;
  draft.title = gig.title();
  draft.description = gig.description();
  draft.category_id = gig.category_id();
  draft.price = MoneyFromProto(gig.price());
  draft.delivery_days = gig.delivery_days();
  draft.tags.assign(gig.tags().begin(), gig.tags().end());
  return draft;
}

absl::StatusOr<CategoryPatch> CategoryPatchFromProto(const v1::UpdateCategoryRequest& request) {
  CategoryPatch patch;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "slug") {
      patch.slug = request.category().slug();
    } else if (path == "display_name") {
      patch.display_name = request.category().display_name();
    } else {
      return UnsettablePath(path, "slug, display_name");
    }
  }
  return patch;
}

absl::StatusOr<GigPatch> GigPatchFromProto(const v1::UpdateGigRequest& request) {
  const v1::Gig& gig = request.gig();
  GigPatch patch;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "title") {
      patch.title = gig.title();
    } else if (path == "description") {
      patch.description = gig.description();
    } else if (path == "category_id") {
      patch.category_id = gig.category_id();
    } else if (path == "price") {
      patch.price = MoneyFromProto(gig.price());
    } else if (path == "delivery_days") {
      patch.delivery_days = gig.delivery_days();
    } else if (path == "tags") {
      patch.tags.emplace(gig.tags().begin(), gig.tags().end());
    } else {
      return UnsettablePath(path, "title, description, category_id, price, delivery_days, tags");
    }
  }
  return patch;
}

absl::StatusOr<GigFilter> GigFilterFromProto(const v1::ListGigsRequest& request) {
  GigFilter filter;
  filter.category_id = request.category_id();
  filter.seller_id = request.seller_id();
  filter.text = request.text();
  const v1::MoneyRange& price = request.price_range();
  if (price.has_min()) filter.price_min = MoneyFromProto(price.min());
  if (price.has_max()) filter.price_max = MoneyFromProto(price.max());
  GW_ASSIGN_OR_RETURN(filter.state, GigStateFromProto(request.state()));
  GW_ASSIGN_OR_RETURN(filter.order, GigOrderFromProto(request.order_by()));
  return filter;
}

absl::StatusOr<SellerFilter> SellerFilterFromProto(const v1::SearchSellersRequest& request) {
  SellerFilter filter;
  filter.text = request.text();
  filter.available_only = request.available_only();
  filter.min_rating_milli = request.min_rating_milli();
  filter.skill = request.skill();
  filter.category_id = request.category_id();
  GW_ASSIGN_OR_RETURN(filter.order, SellerOrderFromProto(request.order_by()));
  return filter;
}

}  // namespace gigwire
