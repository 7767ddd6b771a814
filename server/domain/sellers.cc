// Seller search; see sellers.h.
#include "server/domain/sellers.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/domain/pagination.h"
#include "server/domain/portfolio.h"
#include "server/domain/validation.h"

namespace gigwire {
namespace {

constexpr size_t kMaxTextChars = 100;
constexpr size_t kMaxSkillChars = 40;
constexpr int32_t kMaxRatingMilli = 5000;

absl::StatusOr<int> ResolveSellerPageSize(int requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return kDefaultSellerPageSize;
  return requested > kMaxSellerPageSize ? kMaxSellerPageSize : requested;
}

absl::Status CheckFilter(const SellerFilter& filter) {
  Violations violations;
  CheckText("text", filter.text, 0, kMaxTextChars, false, violations);
  CheckText("skill", filter.skill, 0, kMaxSkillChars, false, violations);
  if (filter.min_rating_milli < 0 || filter.min_rating_milli > kMaxRatingMilli) {
    violations.Add("min_rating_milli", "must be 0..5000");
  }
  return violations.ToStatus();
}

// The skill filter as the store compares it: trimmed, lower-case.
std::string SkillKey(absl::string_view filter) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(filter));
}

SellerQuery QueryOf(const SellerFilter& filter) {
  SellerQuery query;
  query.text = filter.text;
  query.available_only = filter.available_only;
  query.min_rating_milli = filter.min_rating_milli;
  query.skill = SkillKey(filter.skill);
  query.category_id = filter.category_id;
  query.order = filter.order;
  return query;
}

std::string Fingerprint(const SellerQuery& query) {
  // Client strings are length-prefixed so that no two queries share a print.
  return absl::StrCat("sellers|", query.available_only, "|", query.min_rating_milli, "|",
                      static_cast<int>(query.order), "|", query.category_id.size(), ":",
                      query.category_id, query.skill.size(), ":", query.skill, query.text);
}

// Fills each seller's sample_gigs: the newest APPROVED gigs.
absl::Status AddSampleGigs(Tx& tx, std::vector<SellerSummary>& sellers) {
  GigQuery samples;
  samples.states = {GigState::kApproved};
  samples.order = GigQuery::Order::kNewest;
  samples.limit = kSampleGigsPerSeller;
  for (SellerSummary& seller : sellers) {
    samples.seller_id = seller.user_id;
    GW_ASSIGN_OR_RETURN(seller.sample_gigs, tx.gigs().List(samples));
  }
  return absl::OkStatus();
}

// Fills each seller's portfolio preview: the newest items.
absl::Status AddPortfolioPreviews(Tx& tx, std::vector<SellerSummary>& sellers) {
  for (SellerSummary& seller : sellers) {
    GW_ASSIGN_OR_RETURN(seller.portfolio,
                        NewestPortfolioItems(tx, seller.user_id, kPortfolioPreviewItems));
  }
  return absl::OkStatus();
}

}  // namespace

bool SkillMatches(absl::string_view skill, absl::string_view filter) {
  const std::string want = SkillKey(filter);
  if (want.empty()) return true;
  const std::string have = absl::AsciiStrToLower(skill);
  for (size_t at = have.find(want); at != std::string::npos; at = have.find(want, at + 1)) {
    if (at == 0 || !absl::ascii_isalnum(static_cast<unsigned char>(have[at - 1]))) return true;
  }
  return false;
}

absl::StatusOr<SellerPage> SellerSearch::Search(const SellerFilter& filter, int page_size,
                                                absl::string_view page_token) {
  GW_ASSIGN_OR_RETURN(const int limit, ResolveSellerPageSize(page_size));
  GW_RETURN_IF_ERROR(CheckFilter(filter));
  SellerQuery query = QueryOf(filter);
  const std::string fingerprint = Fingerprint(query);
  GW_ASSIGN_OR_RETURN(query.offset, DecodeOffsetToken(page_token, fingerprint));
  query.limit = limit + 1;
  SellerPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.sellers, tx.users().SearchSellers(query));
    page.next_page_token = TrimToOffsetPage(page.sellers, limit, query.offset, fingerprint);
    GW_RETURN_IF_ERROR(AddSampleGigs(tx, page.sellers));
    return AddPortfolioPreviews(tx, page.sellers);
  }));
  return page;
}

}  // namespace gigwire
