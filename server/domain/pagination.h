// Page sizes and opaque page tokens shared by every List call.
//
// A page token encodes the keyset position after the last row returned and
// a fingerprint of the query's filters, so a token reused with different
// filters is refused (INVALID_ARGUMENT) instead of silently skipping rows.
#ifndef GIGWIRE_SERVER_DOMAIN_PAGINATION_H_
#define GIGWIRE_SERVER_DOMAIN_PAGINATION_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/store/store.h"

namespace gigwire {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// 0 -> 50; above 500 -> 500. Errors: INVALID_ARGUMENT (page_size) if negative.
absl::StatusOr<int> ResolvePageSize(int requested);

std::string EncodePageToken(absl::string_view query_fingerprint, const ListCursor& after);

// nullopt for an empty token. Errors: INVALID_ARGUMENT (page_token) for a
// malformed token or one made for other filters.
absl::StatusOr<std::optional<ListCursor>> DecodePageToken(absl::string_view token,
                                                          absl::string_view query_fingerprint);

// Offset page tokens, for lists ordered by computed values (price, rating)
// where a keyset position is awkward. The token holds the offset of the next
// page and a hash of the query fingerprint (which may hold any text). Rows
// inserted or removed between pages may shift a row into or out of view.
std::string EncodeOffsetToken(absl::string_view query_fingerprint, int offset);

// 0 for an empty token. Errors: INVALID_ARGUMENT (page_token) for a malformed
// token, a negative offset, or one made for other filters.
absl::StatusOr<int> DecodeOffsetToken(absl::string_view token,
                                      absl::string_view query_fingerprint);

// Like TrimToPage for offset pagination: `rows` were read from `offset`;
// returns the token of the page after them (empty on the last page).
template <typename Row>
std::string TrimToOffsetPage(std::vector<Row>& rows, int page_size, int offset,
                             absl::string_view query_fingerprint) {
  if (rows.size() <= static_cast<size_t>(page_size)) return "";
  rows.resize(page_size);
  return EncodeOffsetToken(query_fingerprint, offset + page_size);
}

// Lists ask the store for page_size + 1 rows; the extra row only tells that
// another page follows. Trims it and returns the token of the next page
// (empty on the last page). `Row` has `create_time` and `id`.
template <typename Row>
std::string TrimToPage(std::vector<Row>& rows, int page_size,
                       absl::string_view query_fingerprint) {
  if (rows.size() <= static_cast<size_t>(page_size)) return "";
  rows.resize(page_size);
  return EncodePageToken(query_fingerprint, {rows.back().create_time, rows.back().id});
}

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_DOMAIN_PAGINATION_H_
