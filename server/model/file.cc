#include "server/model/file.h"

namespace gigwire {

const char* AttachmentKindName(AttachmentKind kind) {
  switch (kind) {
    case AttachmentKind::kNone:
      return "NONE";
    case AttachmentKind::kMessage:
      return "MESSAGE";
    case AttachmentKind::kDelivery:
      return "DELIVERY";
    case AttachmentKind::kMilestone:
      return "MILESTONE";
    case AttachmentKind::kGig:
      return "GIG";
    case AttachmentKind::kPortfolioItem:
      return "PORTFOLIO_ITEM";
  }
  return "UNKNOWN";
}

}  // namespace gigwire
