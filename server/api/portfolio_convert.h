// Conversions between portfolio items and gigwire.v1 protos, and decoding
// of PortfolioService requests. Decoding errors are INVALID_ARGUMENT
// (INVALID_FIELDS) naming the request field.
#ifndef GIGWIRE_SERVER_API_PORTFOLIO_CONVERT_H_
#define GIGWIRE_SERVER_API_PORTFOLIO_CONVERT_H_

#include "absl/status/statusor.h"
#include "gigwire/v1/portfolio.pb.h"
#include "server/domain/portfolio.h"
#include "server/model/portfolio.h"

namespace gigwire {

void ToProto(const PortfolioItem& item, v1::PortfolioItem* out);

// The client-settable fields of `item` (output-only ones are ignored).
PortfolioDraft PortfolioDraftFromProto(const v1::PortfolioItem& item);

// Reads the masked fields of `request.item` into a patch. An empty mask
// gives an empty patch (the domain refuses it). Errors: INVALID_ARGUMENT
// (update_mask) for a path that is unknown or not client-settable.
absl::StatusOr<PortfolioPatch> PortfolioPatchFromProto(
    const v1::UpdatePortfolioItemRequest& request);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_PORTFOLIO_CONVERT_H_
