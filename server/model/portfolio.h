// Plain type of a seller's portfolio item: a piece of work a seller shows
// on their profile and in seller search previews. No gRPC, no SQL.
#ifndef GIGWIRE_SERVER_MODEL_PORTFOLIO_H_
#define GIGWIRE_SERVER_MODEL_PORTFOLIO_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace gigwire {

struct PortfolioItem {
  std::string id;  // "pfi_..."
  std::string seller_id;
  std::string title;
  std::string description;
  std::string link_url;                 // empty, or an http(s) URL
  std::vector<std::string> image_urls;  // http(s) URLs
  std::vector<std::string> skills;
  std::string booking_id;  // empty, or a COMPLETED booking of the seller
  int64_t version = 1;     // bumped on every change; the etag derives from it
  absl::Time create_time;
  absl::Time update_time;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_MODEL_PORTFOLIO_H_
