// Portfolio conversions; see portfolio_convert.h.
#include "server/api/portfolio_convert.h"

#include "absl/strings/str_cat.h"
#include "server/api/convert.h"
#include "server/common/status.h"

namespace gigwire {

void ToProto(const PortfolioItem& item, v1::PortfolioItem* out) {
  out->set_id(item.id);
  out->set_seller_id(item.seller_id);
  out->set_title(item.title);
  out->set_description(item.description);
  out->set_link_url(item.link_url);
  for (const std::string& url : item.image_urls) out->add_image_urls(url);
  for (const std::string& skill : item.skills) out->add_skills(skill);
  out->set_booking_id(item.booking_id);
  out->set_etag(PortfolioEtag(item));
  ToProto(item.create_time, out->mutable_create_time());
  ToProto(item.update_time, out->mutable_update_time());
}

PortfolioDraft PortfolioDraftFromProto(const v1::PortfolioItem& item) {
  PortfolioDraft draft;
  draft.title = item.title();
  draft.description = item.description();
  draft.link_url = item.link_url();
  draft.image_urls.assign(item.image_urls().begin(), item.image_urls().end());
  draft.skills.assign(item.skills().begin(), item.skills().end());
  draft.booking_id = item.booking_id();
  return draft;
}

absl::StatusOr<PortfolioPatch> PortfolioPatchFromProto(
    const v1::UpdatePortfolioItemRequest& request) {
  const v1::PortfolioItem& item = request.item();
  PortfolioPatch patch;
  for (const std::string& path : request.update_mask().paths()) {
    if (path == "title") {
      patch.title = item.title();
    } else if (path == "description") {
      patch.description = item.description();
    } else if (path == "link_url") {
      patch.link_url = item.link_url();
    } else if (path == "image_urls") {
      patch.image_urls.emplace(item.image_urls().begin(), item.image_urls().end());
    } else if (path == "skills") {
      patch.skills.emplace(item.skills().begin(), item.skills().end());
    } else if (path == "booking_id") {
      patch.booking_id = item.booking_id();
    } else {
      return InvalidField("update_mask",
                          absl::StrCat("'", path, "' cannot be updated; settable: title, "
                                       "description, link_url, image_urls, skills, booking_id"));
    }
  }
  return patch;
}

}  // namespace gigwire
