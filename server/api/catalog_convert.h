// Conversions between the catalog's domain types (categories, gigs, seller
// previews, audit entries) and gigwire.v1 protos, and decoding of their
// request enums, filters and field masks. Decoding errors are
// INVALID_ARGUMENT (INVALID_FIELDS) naming the request field.
#ifndef GIGWIRE_SERVER_API_CATALOG_CONVERT_H_
#define GIGWIRE_SERVER_API_CATALOG_CONVERT_H_

#include "absl/status/statusor.h"
#include "gigwire/v1/audit.pb.h"
#include "gigwire/v1/catalog.pb.h"
#include "gigwire/v1/category.pb.h"
#include "gigwire/v1/gig.pb.h"
#include "gigwire/v1/seller.pb.h"
#include "server/auth/authenticator.h"
#include "server/domain/catalog.h"
#include "server/domain/sellers.h"
#include "server/model/marketplace.h"

namespace gigwire {

void ToProto(const Category& category, v1::Category* out);
// `viewer` (null: anonymous) decides `allowed_actions`.
void ToProto(const Gig& gig, const Principal* viewer, v1::Gig* out);
void ToProto(const SellerSummary& seller, const Principal* viewer, v1::SellerPreview* out);
void ToProto(const AuditEntry& entry, v1::AuditEntry* out);

CategoryInput CategoryInputFromProto(const v1::Category& category);
GigDraft GigDraftFromProto(const v1::Gig& gig);

// Read the masked fields of the request's resource into a patch. An empty
// mask gives an empty patch (the domain refuses it). Errors: INVALID_ARGUMENT
// (update_mask) for a path that is unknown or not client-settable.
absl::StatusOr<CategoryPatch> CategoryPatchFromProto(const v1::UpdateCategoryRequest& request);
absl::StatusOr<GigPatch> GigPatchFromProto(const v1::UpdateGigRequest& request);

// Errors: INVALID_ARGUMENT (state, order_by) for unknown enum values.
absl::StatusOr<GigFilter> GigFilterFromProto(const v1::ListGigsRequest& request);
// Errors: INVALID_ARGUMENT (order_by) for an unknown order.
absl::StatusOr<SellerFilter> SellerFilterFromProto(const v1::SearchSellersRequest& request);

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_CATALOG_CONVERT_H_
