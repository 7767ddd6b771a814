// Catalog rules; see catalog.h.
#include "server/domain/catalog.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/audit.h"
#include "server/domain/money.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

constexpr size_t kMinSlugChars = 2;
constexpr size_t kMaxSlugChars = 60;
constexpr size_t kMaxCategoryNameChars = 80;
constexpr size_t kMinTitleChars = 5;
constexpr size_t kMaxTitleChars = 120;
constexpr size_t kMaxDescriptionChars = 5000;
constexpr int32_t kMaxDeliveryDays = 365;
constexpr size_t kMaxTags = 10;
constexpr size_t kMaxTagChars = 30;
constexpr size_t kMaxReasonChars = 500;
constexpr size_t kMaxSearchTextChars = 100;

constexpr GigAction kAllActions[] = {GigAction::kUpdate,  GigAction::kSubmit,
                                     GigAction::kPause,   GigAction::kResume,
                                     GigAction::kArchive, GigAction::kApprove,
                                     GigAction::kReject};

// ---- input rules ----

void CheckSlug(absl::string_view field, absl::string_view slug, Violations& v) {
  if (slug.size() < kMinSlugChars || slug.size() > kMaxSlugChars) {
    return v.Add(field, "must be 2..60 characters");
  }
  bool charset_ok = std::all_of(slug.begin(), slug.end(), [](char c) {
    return absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-';
  });
  if (!charset_ok) v.Add(field, "may contain only a-z, 0-9 and '-'");
}

void CheckTags(absl::string_view field, const std::vector<std::string>& tags, Violations& v) {
  if (tags.size() > kMaxTags) return v.Add(field, "must hold at most 10 tags");
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < tags.size(); ++i) {
    const std::string item_field = absl::StrCat(field, "[", i, "]");
    CheckText(item_field, tags[i], 1, kMaxTagChars, false, v);
    if (!seen.insert(absl::AsciiStrToLower(tags[i])).second) v.Add(item_field, "is a duplicate");
  }
}

// Checks the values present in `patch` (a whole draft when every member is set).
void CheckGigPatch(const GigPatch& patch, Violations& v) {
  if (patch.title) CheckText("gig.title", *patch.title, kMinTitleChars, kMaxTitleChars, false, v);
  if (patch.description) {
    CheckText("gig.description", *patch.description, 1, kMaxDescriptionChars, true, v);
  }
  if (patch.category_id && patch.category_id->empty()) v.Add("gig.category_id", "is required");
  if (patch.price) CheckMoney("gig.price", *patch.price, v);
  if (patch.delivery_days) {
    const int32_t days = *patch.delivery_days;
    if (days < 1 || days > kMaxDeliveryDays) v.Add("gig.delivery_days", "must be 1..365 days");
  }
  if (patch.tags) CheckTags("gig.tags", *patch.tags, v);
}

GigPatch PatchOf(const GigDraft& draft) {
  return GigPatch{draft.title, draft.description,   draft.category_id,
                  draft.price, draft.delivery_days, draft.tags};
}

void CheckCategoryPatch(const CategoryPatch& patch, Violations& v) {
  if (patch.slug) CheckSlug("category.slug", *patch.slug, v);
  if (patch.display_name) {
    CheckText("category.display_name", *patch.display_name, 1, kMaxCategoryNameChars, false, v);
  }
}

void CheckPriceBounds(const GigFilter& filter, Violations& v) {
  if (filter.price_min && filter.price_max) {
    return CheckMoneyRange("price_range", *filter.price_min, *filter.price_max, v);
  }
  if (filter.price_min) CheckMoney("price_range.min", *filter.price_min, v);
  if (filter.price_max) CheckMoney("price_range.max", *filter.price_max, v);
}

// INVALID_ARGUMENT when empty; NOT_FOUND when it cannot be an id of `prefix`.
absl::Status CheckId(absl::string_view field, const std::string& id, absl::string_view prefix,
                     absl::string_view what) {
  if (id.empty()) return InvalidField(field, "is required");
  if (!HasIdShape(id, prefix)) return NotFound(absl::StrCat(what, " ", id));
  return absl::OkStatus();
}

// INVALID_ARGUMENT (`field`) unless `id` names a category.
absl::Status RequireCategory(Tx& tx, absl::string_view field, const std::string& id) {
  absl::StatusOr<Category> found = tx.categories().FindById(id);
  if (absl::IsNotFound(found.status())) return InvalidField(field, "names no category");
  return found.status();
}

// ---- who may do what ----

bool IsAdminOnly(GigAction action) {
  return action == GigAction::kApprove || action == GigAction::kReject;
}

bool StateAllows(GigAction action, GigState state) {
  switch (action) {
    case GigAction::kUpdate:
      return state != GigState::kPendingReview && state != GigState::kArchived;
    case GigAction::kSubmit: return state == GigState::kDraft || state == GigState::kRejected;
    case GigAction::kPause: return state == GigState::kApproved;
    case GigAction::kResume: return state == GigState::kPaused;
    case GigAction::kArchive: return state != GigState::kArchived;
    case GigAction::kApprove:
    case GigAction::kReject: return state == GigState::kPendingReview;
  }
  return false;
}

// Whether `caller` is a party that may take `action` on `gig`, whatever its state.
bool MayAct(const Principal& caller, GigAction action, const Gig& gig) {
  const bool owner = caller.user_id == gig.seller_id;
  switch (action) {
    case GigAction::kUpdate:
    case GigAction::kSubmit:
    case GigAction::kResume: return owner && caller.Has(Role::kSeller);
    case GigAction::kPause: return owner;
    case GigAction::kArchive: return owner || caller.Has(Role::kAdmin);
    case GigAction::kApprove:
    case GigAction::kReject: return caller.Has(Role::kAdmin);
  }
  return false;
}

// The error for a caller who sees `gig` but for whom MayAct is false.
absl::Status Refusal(const Principal& caller, GigAction action, const Gig& gig) {
  if (IsAdminOnly(action)) return RoleRequired(RoleName(Role::kAdmin));
  if (caller.user_id == gig.seller_id) return RoleRequired(RoleName(Role::kSeller));
  const char* who = action == GigAction::kArchive ? "the gig's seller or an admin"
                                                  : "the gig's seller";
  return NotOwner(absl::StrCat("only ", who, " may ", GigActionName(action), " it"));
}

// The audit action name when `caller` taking `action` on `gig` is an admin
// action, else nullptr.
const char* AuditedAction(const Principal& caller, GigAction action, const Gig& gig) {
  switch (action) {
    case GigAction::kApprove: return "ApproveGig";
    case GigAction::kReject: return "RejectGig";
    case GigAction::kArchive: return caller.user_id != gig.seller_id ? "ArchiveGig" : nullptr;
    default: return nullptr;
  }
}

// The event of taking `action` (which changed the gig).
EventType EventOf(GigAction action) {
  switch (action) {
    case GigAction::kUpdate: return EventType::kGigUpdated;
    case GigAction::kSubmit: return EventType::kGigSubmitted;
    case GigAction::kPause: return EventType::kGigPaused;
    case GigAction::kResume: return EventType::kGigResumed;
    case GigAction::kArchive: return EventType::kGigArchived;
    case GigAction::kApprove: return EventType::kGigApproved;
    case GigAction::kReject: return EventType::kGigRejected;
  }
  return EventType::kGigUpdated;
}

GigState StateAfter(GigAction action, GigState state) {
  switch (action) {
    case GigAction::kUpdate:
      return state == GigState::kApproved || state == GigState::kPaused ? GigState::kPendingReview
                                                                         : state;
    case GigAction::kSubmit: return GigState::kPendingReview;
    case GigAction::kPause: return GigState::kPaused;
    case GigAction::kResume:
    case GigAction::kApprove: return GigState::kApproved;
    case GigAction::kArchive: return GigState::kArchived;
    case GigAction::kReject: return GigState::kRejected;
  }
  return state;
}

// ---- reading and writing gigs ----

// The gig, or NOT_FOUND when it does not exist or `viewer` may not see it.
absl::StatusOr<Gig> LoadVisibleGig(Tx& tx, const Principal* viewer, const std::string& id) {
  absl::StatusOr<Gig> gig = tx.gigs().FindById(id);
  if (absl::IsNotFound(gig.status()) || (gig.ok() && !CanSeeGig(viewer, *gig))) {
    return NotFound(absl::StrCat("gig ", id));
  }
  return gig;
}

// The gig `caller` is about to take `action` on, after every check but the
// action's own parameters: visibility, party, etag (when set), state.
absl::StatusOr<Gig> LoadForAction(Tx& tx, const Principal& caller, GigAction action,
                                  const std::string& id, absl::string_view etag) {
  GW_ASSIGN_OR_RETURN(Gig gig, LoadVisibleGig(tx, &caller, id));
  if (!MayAct(caller, action, gig)) return Refusal(caller, action, gig);
  if (!etag.empty() && etag != GigEtag(gig)) return EtagMismatch("gig");
  if (!StateAllows(action, gig.state)) {
    return InvalidState(absl::StrCat("cannot ", GigActionName(action), " a gig in state ",
                                     GigStateName(gig.state)),
                        GigStateName(gig.state));
  }
  return gig;
}

// Stores `gig` as the next version of what was read; ABORTED if another
// write got there first.
absl::Status SaveNextVersion(Tx& tx, Gig& gig, absl::Time now) {
  const int64_t read_version = gig.version;
  gig.version = read_version + 1;
  gig.update_time = now;
  return tx.gigs().Update(gig, read_version);
}

// Applies `patch` to `gig`; true when something changed.
bool ApplyPatch(const GigPatch& patch, Gig& gig) {
  bool changed = AssignIfChanged(patch.title, gig.title);
  changed = AssignIfChanged(patch.description, gig.description) || changed;
  changed = AssignIfChanged(patch.category_id, gig.category_id) || changed;
  changed = AssignIfChanged(patch.price, gig.price) || changed;
  changed = AssignIfChanged(patch.delivery_days, gig.delivery_days) || changed;
  changed = AssignIfChanged(patch.tags, gig.tags) || changed;
  return changed;
}

Gig NewGig(const Principal& seller, const GigDraft& draft, absl::Time now) {
  Gig gig;
  gig.id = NewId("gig");
  gig.seller_id = seller.user_id;
  gig.title = draft.title;
  gig.description = draft.description;
  gig.category_id = draft.category_id;
  gig.price = draft.price;
  gig.delivery_days = draft.delivery_days;
  gig.tags = draft.tags;
  gig.state = GigState::kDraft;
  gig.create_time = gig.update_time = now;
  return gig;
}

absl::StatusOr<Gig> LoadGig(Tx& tx, const std::string& id) { return tx.gigs().FindById(id); }
std::string IdOf(const Gig& gig) { return gig.id; }
absl::StatusOr<Category> LoadCategory(Tx& tx, const std::string& id) {
  return tx.categories().FindById(id);
}
std::string CategoryIdOf(const Category& category) { return category.id; }

// ---- listing ----

// The store query for `filter` as seen by `viewer`: everyone sees APPROVED
// gigs; admins, and sellers listing their own gigs, see every state.
absl::StatusOr<GigQuery> QueryFor(const Principal* viewer, const GigFilter& filter) {
  const bool sees_all = viewer != nullptr &&
                        (viewer->Has(Role::kAdmin) ||
                         (!filter.seller_id.empty() && filter.seller_id == viewer->user_id));
  GigQuery query;
  if (filter.state.has_value()) {
    if (!sees_all && *filter.state != GigState::kApproved) {
      return InvalidField("state", "only APPROVED gigs are listed, except for admins and for "
                                   "sellers listing their own gigs (seller_id)");
    }
    query.states = {*filter.state};
  } else if (!sees_all) {
    query.states = {GigState::kApproved};
  }
  query.category_id = filter.category_id;
  query.seller_id = filter.seller_id;
  query.text = filter.text;
  if (filter.price_min) query.price_min_minor = filter.price_min->amount_minor;
  if (filter.price_max) query.price_max_minor = filter.price_max->amount_minor;
  if (filter.price_min || filter.price_max) {
    query.currency_code = (filter.price_min ? filter.price_min : filter.price_max)->currency_code;
  }
  query.order = filter.order;
  return query;
}

// Client strings are length-prefixed so that no two queries share a print.
std::string Fingerprint(const GigQuery& query) {
  std::vector<int> states;
  for (GigState state : query.states) states.push_back(static_cast<int>(state));
  auto text = [](const std::string& value) { return absl::StrCat(value.size(), ":", value); };
  return absl::StrCat("gigs|", absl::StrJoin(states, ","), "|", text(query.category_id),
                      text(query.seller_id), text(query.currency_code), "|",
                      query.price_min_minor.value_or(-1), "|", query.price_max_minor.value_or(-1),
                      "|", static_cast<int>(query.order), "|", query.text);
}

}  // namespace

const char* GigActionName(GigAction action) {
  switch (action) {
    case GigAction::kUpdate: return "update";
    case GigAction::kSubmit: return "submit";
    case GigAction::kPause: return "pause";
    case GigAction::kResume: return "resume";
    case GigAction::kArchive: return "archive";
    case GigAction::kApprove: return "approve";
    case GigAction::kReject: return "reject";
  }
  return "unknown";
}

std::vector<std::string> GigActions(const Principal* viewer, const Gig& gig) {
  std::vector<std::string> actions;
  if (viewer == nullptr) return actions;
  for (GigAction action : kAllActions) {
    if (MayAct(*viewer, action, gig) && StateAllows(action, gig.state)) {
      actions.push_back(GigActionName(action));
    }
  }
  return actions;
}

bool CanSeeGig(const Principal* viewer, const Gig& gig) {
  if (gig.state == GigState::kApproved) return true;
  return viewer != nullptr && (viewer->user_id == gig.seller_id || viewer->Has(Role::kAdmin));
}

std::string CategoryEtag(const Category& category) { return absl::StrCat("v", category.version); }
std::string GigEtag(const Gig& gig) { return absl::StrCat("v", gig.version); }

// ---- categories ----

absl::StatusOr<std::vector<Category>> Catalog::ListCategories() {
  std::vector<Category> categories;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(categories, tx.categories().List());
    return absl::OkStatus();
  }));
  return categories;
}

absl::StatusOr<Category> Catalog::CreateCategory(const Principal& caller,
                                                 const CategoryInput& input,
                                                 const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  Violations violations;
  CheckCategoryPatch(CategoryPatch{input.slug, input.display_name}, violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  return IdempotentWrite<Category>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Category> {
        if (!input.parent_id.empty()) {
          GW_RETURN_IF_ERROR(RequireCategory(tx, "category.parent_id", input.parent_id));
        }
        Category category{NewId("cat"), input.slug, input.display_name, input.parent_id,
                          /*version=*/1, clock_.Now()};
        GW_RETURN_IF_ERROR(tx.categories().Insert(category));
        GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, "CreateCategory", category.id,
                                             category.slug, category.create_time));
        return category;
      },
      LoadCategory, CategoryIdOf);
}

absl::StatusOr<Category> Catalog::UpdateCategory(const Principal& caller, const std::string& id,
                                                 const CategoryPatch& patch,
                                                 absl::string_view etag, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  Violations violations;
  if (!patch.slug && !patch.display_name) {
    violations.Add("update_mask", "must name at least one field to change");
  }
  if (etag.empty()) violations.Add("etag", "is required");
  CheckCategoryPatch(patch, violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  GW_RETURN_IF_ERROR(CheckId("category.id", id, "cat", "category"));
  return IdempotentWrite<Category>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Category> {
        absl::StatusOr<Category> category = tx.categories().FindById(id);
        if (absl::IsNotFound(category.status())) return NotFound(absl::StrCat("category ", id));
        GW_RETURN_IF_ERROR(category.status());
        if (etag != CategoryEtag(*category)) return EtagMismatch("category");
        bool changed = AssignIfChanged(patch.slug, category->slug);
        changed = AssignIfChanged(patch.display_name, category->display_name) || changed;
        if (!changed) return category;
        const int64_t read_version = category->version++;
        GW_RETURN_IF_ERROR(tx.categories().Update(*category, read_version));
        GW_RETURN_IF_ERROR(
            RecordAdminAction(tx, caller, "UpdateCategory", id, category->slug, clock_.Now()));
        return category;
      },
      LoadCategory, CategoryIdOf);
}

// ---- gigs ----

absl::StatusOr<Gig> Catalog::CreateGig(const Principal& caller, const GigDraft& draft,
                                       const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kSeller));
  Violations violations;
  CheckGigPatch(PatchOf(draft), violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  return IdempotentWrite<Gig>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Gig> {
        GW_RETURN_IF_ERROR(RequireCategory(tx, "gig.category_id", draft.category_id));
        const absl::Time now = clock_.Now();
        const Gig created = NewGig(caller, draft, now);
        GW_RETURN_IF_ERROR(tx.gigs().Insert(created));
        GW_ASSIGN_OR_RETURN(Gig gig, tx.gigs().FindById(created.id));  // with the seller's rating
        GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kGigCreated, caller.user_id, now, gig));
        return gig;
      },
      LoadGig, IdOf);
}

absl::StatusOr<Gig> Catalog::UpdateGig(const Principal& caller, const std::string& id,
                                       const GigPatch& patch, absl::string_view etag,
                                       const RequestKey& key) {
  Violations violations;
  if (patch.empty()) violations.Add("update_mask", "must name at least one field to change");
  if (etag.empty()) violations.Add("etag", "is required");
  CheckGigPatch(patch, violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  GW_RETURN_IF_ERROR(CheckId("gig.id", id, "gig", "gig"));
  return IdempotentWrite<Gig>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Gig> {
        GW_ASSIGN_OR_RETURN(Gig gig, LoadForAction(tx, caller, GigAction::kUpdate, id, etag));
        if (patch.category_id && *patch.category_id != gig.category_id) {
          GW_RETURN_IF_ERROR(RequireCategory(tx, "gig.category_id", *patch.category_id));
        }
        if (!ApplyPatch(patch, gig)) return gig;
        gig.state = StateAfter(GigAction::kUpdate, gig.state);
        const absl::Time now = clock_.Now();
        GW_RETURN_IF_ERROR(SaveNextVersion(tx, gig, now));
        GW_RETURN_IF_ERROR(outbox_.Record(tx, EventType::kGigUpdated, caller.user_id, now, gig));
        return gig;
      },
      LoadGig, IdOf);
}

absl::StatusOr<Gig> Catalog::SubmitGig(const Principal& caller, const std::string& id,
                                       absl::string_view etag, const RequestKey& key) {
  return Transition(caller, GigAction::kSubmit, id, etag, "", key);
}

absl::StatusOr<Gig> Catalog::PauseGig(const Principal& caller, const std::string& id,
                                      absl::string_view etag, const RequestKey& key) {
  return Transition(caller, GigAction::kPause, id, etag, "", key);
}

absl::StatusOr<Gig> Catalog::ResumeGig(const Principal& caller, const std::string& id,
                                       absl::string_view etag, const RequestKey& key) {
  return Transition(caller, GigAction::kResume, id, etag, "", key);
}

absl::StatusOr<Gig> Catalog::ArchiveGig(const Principal& caller, const std::string& id,
                                        absl::string_view etag, const RequestKey& key) {
  return Transition(caller, GigAction::kArchive, id, etag, "", key);
}

absl::StatusOr<Gig> Catalog::ApproveGig(const Principal& caller, const std::string& id,
                                        absl::string_view etag, const RequestKey& key) {
  return Transition(caller, GigAction::kApprove, id, etag, "", key);
}

absl::StatusOr<Gig> Catalog::RejectGig(const Principal& caller, const std::string& id,
                                       absl::string_view reason, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  Violations violations;
  CheckText("reason", reason, 1, kMaxReasonChars, true, violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  return Transition(caller, GigAction::kReject, id, "", reason, key);
}

absl::StatusOr<Gig> Catalog::Transition(const Principal& caller, GigAction action,
                                        const std::string& id, absl::string_view etag,
                                        absl::string_view note, const RequestKey& key) {
  if (IsAdminOnly(action)) GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  GW_RETURN_IF_ERROR(CheckId("id", id, "gig", "gig"));
  return IdempotentWrite<Gig>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Gig> {
        GW_ASSIGN_OR_RETURN(Gig gig, LoadForAction(tx, caller, action, id, etag));
        const absl::Time now = clock_.Now();
        const char* audited = AuditedAction(caller, action, gig);
        gig.state = StateAfter(action, gig.state);
        if (action == GigAction::kSubmit) gig.rejection_reason.clear();
        if (action == GigAction::kReject) gig.rejection_reason = std::string(note);
        GW_RETURN_IF_ERROR(SaveNextVersion(tx, gig, now));
        if (audited != nullptr) {
          GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, audited, gig.id, note, now));
        }
        GW_RETURN_IF_ERROR(outbox_.Record(tx, EventOf(action), caller.user_id, now, gig));
        return gig;
      },
      LoadGig, IdOf);
}

absl::StatusOr<Gig> Catalog::GetGig(const Principal* viewer, const std::string& id) {
  GW_RETURN_IF_ERROR(CheckId("id", id, "gig", "gig"));
  Gig gig;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(gig, LoadVisibleGig(tx, viewer, id));
    return absl::OkStatus();
  }));
  return gig;
}

absl::StatusOr<GigPage> Catalog::ListGigs(const Principal* viewer, const GigFilter& filter,
                                          int page_size, absl::string_view page_token) {
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  Violations violations;
  CheckText("text", filter.text, 0, kMaxSearchTextChars, false, violations);
  CheckPriceBounds(filter, violations);
  GW_RETURN_IF_ERROR(violations.ToStatus());
  GW_ASSIGN_OR_RETURN(GigQuery query, QueryFor(viewer, filter));
  const std::string fingerprint = Fingerprint(query);
  GW_ASSIGN_OR_RETURN(query.offset, DecodeOffsetToken(page_token, fingerprint));
  query.limit = limit + 1;
  GigPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.gigs, tx.gigs().List(query));
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToOffsetPage(page.gigs, limit, query.offset, fingerprint);
  return page;
}

}  // namespace gigwire
