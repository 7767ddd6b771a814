#include "server/domain/catalog.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/audit.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/marketplace_fixture.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  for (const v1::FieldViolation& v : details.field_violations()) fields.push_back(v.field());
  return fields;
}

std::string CurrentState(const absl::Status& status) {
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  auto it = details.metadata().find("current_state");
  return it == details.metadata().end() ? "" : it->second;
}

void ExpectFailure(const absl::Status& status, absl::StatusCode code, ErrorReason reason) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(ReasonOf(status), reason) << status;
}

void ExpectInvalidState(const absl::Status& status, const std::string& current_state) {
  ExpectFailure(status, absl::StatusCode::kFailedPrecondition, v1::INVALID_STATE);
  EXPECT_EQ(CurrentState(status), current_state) << status;
}

std::vector<std::string> Ids(const std::vector<Gig>& gigs) {
  std::vector<std::string> ids;
  for (const Gig& gig : gigs) ids.push_back(gig.id);
  return ids;
}

GigDraft ValidDraft(const std::string& category_id) {
  GigDraft draft;
  draft.title = "I will design your logo";
  draft.description = "Three concepts,\nunlimited revisions.";
  draft.category_id = category_id;
  draft.price = {"USD", 5000};
  draft.delivery_days = 5;
  draft.tags = {"logo", "branding"};
  return draft;
}

class CatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testutil::OpenTestStore(dir_);
    ASSERT_NE(store_, nullptr);
    catalog_ = std::make_unique<Catalog>(*store_, clock_, outbox_);
    admin_ = AddUser("usr_admin", {Role::kAdmin});
    seller_ = AddUser("usr_seller", {Role::kSeller});
    rival_ = AddUser("usr_rival", {Role::kSeller});
    buyer_ = AddUser("usr_buyer", {Role::kBuyer});
    design_ = CreateCategoryOrDie("design").id;
    clock_.Advance(absl::Seconds(1));  // audit entries below are newer
  }

  Principal AddUser(const std::string& id, std::vector<Role> roles) {
    User user;
    user.id = id;
    user.email = absl::StrCat(id, "@example.com");
    user.password_hash = "$scrypt$unused";
    user.display_name = id;
    for (Role role : roles) user.roles.Add(role);
    user.create_time = user.update_time = clock_.Now();
    absl::Status status = store_->Write([&](Tx& tx) { return tx.users().Insert(user); });
    EXPECT_TRUE(status.ok()) << status;
    return Principal{user.id, user.roles, ""};
  }

  static RequestKey Key(const Principal& who, const std::string& method,
                        const std::string& request_id = "", const std::string& fingerprint = "f") {
    return RequestKey{who.user_id, method, request_id, fingerprint};
  }

  Category CreateCategoryOrDie(const std::string& slug, const std::string& parent_id = "") {
    absl::StatusOr<Category> category = catalog_->CreateCategory(
        admin_, CategoryInput{slug, absl::StrCat("Name ", slug), parent_id},
        Key(admin_, "CreateCategory"));
    EXPECT_TRUE(category.ok()) << category.status();
    return category.value_or(Category{});
  }

  Gig CreateGigOrDie(const Principal& seller) {
    absl::StatusOr<Gig> gig =
        catalog_->CreateGig(seller, ValidDraft(design_), Key(seller, "CreateGig"));
    EXPECT_TRUE(gig.ok()) << gig.status();
    return gig.value_or(Gig{});
  }

  Gig Check(const absl::StatusOr<Gig>& gig) {
    EXPECT_TRUE(gig.ok()) << gig.status();
    return gig.value_or(Gig{});
  }

  // A gig of `seller_` in state APPROVED.
  Gig ApprovedGig() {
    Gig gig = CreateGigOrDie(seller_);
    Check(catalog_->SubmitGig(seller_, gig.id, "", Key(seller_, "SubmitGig")));
    return Check(catalog_->ApproveGig(admin_, gig.id, "", Key(admin_, "ApproveGig")));
  }

  std::vector<AuditEntry> AuditEntries() {
    std::vector<AuditEntry> entries;
    absl::Status status = store_->Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(entries, tx.audit().List(AuditQuery{}));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return entries;
  }

  std::vector<std::string> AuditActions() {
    std::vector<std::string> actions;
    for (const AuditEntry& entry : AuditEntries()) actions.push_back(entry.action);
    return actions;
  }

  testutil::TempDir dir_;
  FakeClock clock_;
  testutil::TestEventEncoder encoder_;
  Outbox outbox_{encoder_};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Catalog> catalog_;
  Principal admin_, seller_, rival_, buyer_;
  std::string design_;
};

// ---- categories ----

TEST_F(CatalogTest, AdminCreatesCategoriesAndTheAuditLogRecordsIt) {
  Category logo = CreateCategoryOrDie("logo-design", design_);
  EXPECT_TRUE(HasIdShape(logo.id, "cat")) << logo.id;
  EXPECT_EQ(logo.parent_id, design_);
  EXPECT_EQ(CategoryEtag(logo), "v1");
  EXPECT_EQ(logo.create_time, clock_.Now());
  std::vector<AuditEntry> entries = AuditEntries();
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].action, "CreateCategory");
  EXPECT_EQ(entries[0].actor_id, admin_.user_id);
  EXPECT_THAT((std::vector<std::string>{entries[0].target, entries[1].target}),
              UnorderedElementsAre(logo.id, design_));
}

TEST_F(CatalogTest, OnlyAdminsCreateCategories) {
  absl::Status status = catalog_
                            ->CreateCategory(seller_, CategoryInput{"writing", "Writing", ""},
                                             Key(seller_, "CreateCategory"))
                            .status();
  ExpectFailure(status, absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
}

TEST_F(CatalogTest, CategoryInputIsCheckedFieldByField) {
  for (const std::string& bad_slug : {std::string("a"), std::string("Logo"),
                                      std::string("logo design"), std::string(61, 'a')}) {
    absl::Status status = catalog_
                              ->CreateCategory(admin_, CategoryInput{bad_slug, "", ""},
                                               Key(admin_, "CreateCategory"))
                              .status();
    ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
    EXPECT_THAT(ViolatedFields(status),
                UnorderedElementsAre("category.slug", "category.display_name"))
        << bad_slug;
  }
  absl::Status parent = catalog_
                            ->CreateCategory(admin_, CategoryInput{"logo", "Logo", "cat_nothere"},
                                             Key(admin_, "CreateCategory"))
                            .status();
  ExpectFailure(parent, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(parent), ElementsAre("category.parent_id"));
}

TEST_F(CatalogTest, ATakenSlugIsAlreadyExists) {
  absl::Status status = catalog_
                            ->CreateCategory(admin_, CategoryInput{"design", "Design 2", ""},
                                             Key(admin_, "CreateCategory"))
                            .status();
  EXPECT_EQ(status.code(), absl::StatusCode::kAlreadyExists) << status;
  EXPECT_THAT(AuditActions(), ElementsAre("CreateCategory"));  // only the first one
}

TEST_F(CatalogTest, ListCategoriesPutsParentsFirst) {
  Category writing = CreateCategoryOrDie("writing");
  Category logo = CreateCategoryOrDie("logo", design_);
  absl::StatusOr<std::vector<Category>> categories = catalog_->ListCategories();
  ASSERT_TRUE(categories.ok()) << categories.status();
  std::vector<std::string> ids;
  for (const Category& c : *categories) ids.push_back(c.id);
  EXPECT_THAT(ids, ElementsAre(design_, logo.id, writing.id));
}

TEST_F(CatalogTest, UpdateCategoryNeedsTheCurrentEtag) {
  CategoryPatch rename;
  rename.display_name = "Graphic design";
  absl::Status missing =
      catalog_->UpdateCategory(admin_, design_, rename, "", Key(admin_, "UpdateCategory")).status();
  ExpectFailure(missing, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(missing), ElementsAre("etag"));
  absl::StatusOr<Category> renamed =
      catalog_->UpdateCategory(admin_, design_, rename, "v1", Key(admin_, "UpdateCategory"));
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->display_name, "Graphic design");
  EXPECT_EQ(renamed->slug, "design");
  EXPECT_EQ(CategoryEtag(*renamed), "v2");
  absl::Status stale =
      catalog_->UpdateCategory(admin_, design_, rename, "v1", Key(admin_, "UpdateCategory"))
          .status();
  ExpectFailure(stale, absl::StatusCode::kAborted, v1::ETAG_MISMATCH);
  EXPECT_THAT(AuditActions(), ElementsAre("UpdateCategory", "CreateCategory"));
  absl::Status unknown = catalog_
                             ->UpdateCategory(admin_, "cat_nothere", rename, "v1",
                                              Key(admin_, "UpdateCategory"))
                             .status();
  ExpectFailure(unknown, absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND);
}

TEST_F(CatalogTest, CreateCategoryIsIdempotentPerRequestId) {
  CategoryInput input{"writing", "Writing", ""};
  absl::StatusOr<Category> first =
      catalog_->CreateCategory(admin_, input, Key(admin_, "CreateCategory", "req-1", "p1"));
  absl::StatusOr<Category> retry =
      catalog_->CreateCategory(admin_, input, Key(admin_, "CreateCategory", "req-1", "p1"));
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_TRUE(retry.ok()) << retry.status();
  EXPECT_EQ(retry->id, first->id);
  EXPECT_EQ(catalog_->ListCategories()->size(), 2u);
  absl::Status reused =
      catalog_->CreateCategory(admin_, input, Key(admin_, "CreateCategory", "req-1", "p2"))
          .status();
  ExpectFailure(reused, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(reused), ElementsAre("request_id"));
}

TEST_F(CatalogTest, TheAuditLogPagesThroughAdminActions) {
  for (const char* slug : {"writing", "video", "music"}) {
    clock_.Advance(absl::Seconds(1));
    CreateCategoryOrDie(slug);
  }
  AuditLog log(*store_);
  AuditQuery query;
  query.action = "CreateCategory";
  absl::StatusOr<AuditPage> first = log.List(admin_, query, 3, "");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->entries.size(), 3u);
  ASSERT_FALSE(first->next_page_token.empty());
  absl::StatusOr<AuditPage> second = log.List(admin_, query, 3, first->next_page_token);
  ASSERT_TRUE(second.ok()) << second.status();
  ASSERT_EQ(second->entries.size(), 1u);
  EXPECT_EQ(second->entries[0].target, design_);
  EXPECT_EQ(second->next_page_token, "");
  ExpectFailure(log.List(seller_, query, 3, "").status(), absl::StatusCode::kPermissionDenied,
                v1::ROLE_REQUIRED);
}

// ---- creating and editing gigs ----

TEST_F(CatalogTest, SellersCreateDraftGigs) {
  Gig gig = CreateGigOrDie(seller_);
  EXPECT_TRUE(HasIdShape(gig.id, "gig")) << gig.id;
  EXPECT_EQ(gig.seller_id, seller_.user_id);
  EXPECT_EQ(gig.state, GigState::kDraft);
  EXPECT_EQ(gig.price.amount_minor, 5000);
  EXPECT_THAT(gig.tags, ElementsAre("logo", "branding"));
  EXPECT_EQ(GigEtag(gig), "v1");
  EXPECT_EQ(gig.create_time, clock_.Now());
  EXPECT_THAT(GigActions(&seller_, gig), ElementsAre("update", "submit", "archive"));
  ExpectFailure(catalog_->CreateGig(buyer_, ValidDraft(design_), Key(buyer_, "CreateGig")).status(),
                absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
}

TEST_F(CatalogTest, CreateGigReportsEveryBadField) {
  GigDraft draft;
  draft.title = "Logo";
  draft.price = {"usd", -1};
  draft.tags = {"logo", "LOGO", std::string(31, 't')};
  absl::Status status = catalog_->CreateGig(seller_, draft, Key(seller_, "CreateGig")).status();
  ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("gig.title", "gig.description", "gig.category_id",
                                   "gig.price.currency_code", "gig.price.amount_minor",
                                   "gig.delivery_days", "gig.tags[1]", "gig.tags[2]"));
  draft = ValidDraft(design_);
  draft.tags.assign(11, "t");
  draft.delivery_days = 366;
  status = catalog_->CreateGig(seller_, draft, Key(seller_, "CreateGig")).status();
  EXPECT_THAT(ViolatedFields(status), UnorderedElementsAre("gig.tags", "gig.delivery_days"));
  draft = ValidDraft("cat_nothere");
  status = catalog_->CreateGig(seller_, draft, Key(seller_, "CreateGig")).status();
  ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("gig.category_id"));
}

TEST_F(CatalogTest, UpdateGigAppliesTheMaskAndChecksTheEtag) {
  Gig gig = CreateGigOrDie(seller_);
  Category writing = CreateCategoryOrDie("writing");
  GigPatch patch;
  patch.title = "I will write your blog post";
  patch.category_id = writing.id;
  clock_.Advance(absl::Minutes(1));
  Gig updated = Check(catalog_->UpdateGig(seller_, gig.id, patch, "v1", Key(seller_, "UpdateGig")));
  EXPECT_EQ(updated.title, "I will write your blog post");
  EXPECT_EQ(updated.category_id, writing.id);
  EXPECT_EQ(updated.description, gig.description);
  EXPECT_EQ(updated.state, GigState::kDraft);
  EXPECT_EQ(GigEtag(updated), "v2");
  EXPECT_EQ(updated.update_time, clock_.Now());
  absl::Status stale =
      catalog_->UpdateGig(seller_, gig.id, patch, "v1", Key(seller_, "UpdateGig")).status();
  ExpectFailure(stale, absl::StatusCode::kAborted, v1::ETAG_MISMATCH);
  absl::Status no_etag =
      catalog_->UpdateGig(seller_, gig.id, patch, "", Key(seller_, "UpdateGig")).status();
  EXPECT_THAT(ViolatedFields(no_etag), ElementsAre("etag"));
  absl::Status empty =
      catalog_->UpdateGig(seller_, gig.id, GigPatch{}, "v2", Key(seller_, "UpdateGig")).status();
  EXPECT_THAT(ViolatedFields(empty), ElementsAre("update_mask"));
  GigPatch unknown_category;
  unknown_category.category_id = "cat_nothere";
  absl::Status bad_category =
      catalog_->UpdateGig(seller_, gig.id, unknown_category, "v2", Key(seller_, "UpdateGig"))
          .status();
  EXPECT_THAT(ViolatedFields(bad_category), ElementsAre("gig.category_id"));
}

TEST_F(CatalogTest, EditingAnApprovedGigSendsItBackToReviewButANoOpEditDoesNot) {
  Gig gig = ApprovedGig();
  GigPatch same;
  same.title = gig.title;
  Gig unchanged = Check(
      catalog_->UpdateGig(seller_, gig.id, same, GigEtag(gig), Key(seller_, "UpdateGig")));
  EXPECT_EQ(unchanged.state, GigState::kApproved);
  EXPECT_EQ(unchanged.version, gig.version);
  GigPatch price;
  price.price = Money{"USD", 9900};
  Gig edited = Check(
      catalog_->UpdateGig(seller_, gig.id, price, GigEtag(gig), Key(seller_, "UpdateGig")));
  EXPECT_EQ(edited.state, GigState::kPendingReview);
  EXPECT_EQ(edited.price.amount_minor, 9900);
  ExpectInvalidState(
      catalog_->UpdateGig(seller_, gig.id, price, GigEtag(edited), Key(seller_, "UpdateGig"))
          .status(),
      "PENDING_REVIEW");
}

// ---- the lifecycle ----

TEST_F(CatalogTest, FullLifecycleWithAllowedActionsAtEachStep) {
  Gig gig = CreateGigOrDie(seller_);
  EXPECT_THAT(GigActions(&admin_, gig), ElementsAre("archive"));
  gig = Check(catalog_->SubmitGig(seller_, gig.id, "v1", Key(seller_, "SubmitGig")));
  EXPECT_EQ(gig.state, GigState::kPendingReview);
  EXPECT_THAT(GigActions(&seller_, gig), ElementsAre("archive"));
  EXPECT_THAT(GigActions(&admin_, gig), ElementsAre("archive", "approve", "reject"));
  gig = Check(catalog_->ApproveGig(admin_, gig.id, "", Key(admin_, "ApproveGig")));
  EXPECT_EQ(gig.state, GigState::kApproved);
  EXPECT_THAT(GigActions(&seller_, gig), ElementsAre("update", "pause", "archive"));
  EXPECT_THAT(GigActions(&rival_, gig), IsEmpty());
  EXPECT_THAT(GigActions(nullptr, gig), IsEmpty());
  gig = Check(catalog_->PauseGig(seller_, gig.id, "", Key(seller_, "PauseGig")));
  EXPECT_EQ(gig.state, GigState::kPaused);
  EXPECT_THAT(GigActions(&seller_, gig), ElementsAre("update", "resume", "archive"));
  gig = Check(catalog_->ResumeGig(seller_, gig.id, "", Key(seller_, "ResumeGig")));
  EXPECT_EQ(gig.state, GigState::kApproved);
  gig = Check(catalog_->ArchiveGig(seller_, gig.id, "", Key(seller_, "ArchiveGig")));
  EXPECT_EQ(gig.state, GigState::kArchived);
  EXPECT_EQ(gig.version, 6);
  EXPECT_THAT(GigActions(&seller_, gig), IsEmpty());
  EXPECT_THAT(GigActions(&admin_, gig), IsEmpty());
  EXPECT_THAT(AuditActions(), ElementsAre("ApproveGig", "CreateCategory"));  // owner archive: none
}

TEST_F(CatalogTest, IllegalTransitionsNameTheCurrentState) {
  Gig gig = CreateGigOrDie(seller_);
  ExpectInvalidState(catalog_->PauseGig(seller_, gig.id, "", Key(seller_, "PauseGig")).status(),
                     "DRAFT");
  ExpectInvalidState(catalog_->ResumeGig(seller_, gig.id, "", Key(seller_, "ResumeGig")).status(),
                     "DRAFT");
  ExpectInvalidState(catalog_->ApproveGig(admin_, gig.id, "", Key(admin_, "ApproveGig")).status(),
                     "DRAFT");
  Check(catalog_->ArchiveGig(seller_, gig.id, "", Key(seller_, "ArchiveGig")));
  ExpectInvalidState(catalog_->ArchiveGig(seller_, gig.id, "", Key(seller_, "ArchiveGig")).status(),
                     "ARCHIVED");
  ExpectInvalidState(catalog_->SubmitGig(seller_, gig.id, "", Key(seller_, "SubmitGig")).status(),
                     "ARCHIVED");
  GigPatch patch;
  patch.title = "Another title";
  ExpectInvalidState(
      catalog_->UpdateGig(seller_, gig.id, patch, "v2", Key(seller_, "UpdateGig")).status(),
      "ARCHIVED");
  EXPECT_THAT(AuditActions(), ElementsAre("CreateCategory"));  // failed approve: no entry
}

TEST_F(CatalogTest, RejectedGigsCarryTheReasonAndMayBeResubmitted) {
  Gig gig = CreateGigOrDie(seller_);
  Check(catalog_->SubmitGig(seller_, gig.id, "", Key(seller_, "SubmitGig")));
  absl::Status no_reason =
      catalog_->RejectGig(admin_, gig.id, "", Key(admin_, "RejectGig")).status();
  ExpectFailure(no_reason, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(no_reason), ElementsAre("reason"));
  EXPECT_THAT(ViolatedFields(catalog_
                                 ->RejectGig(admin_, gig.id, std::string(501, 'r'),
                                             Key(admin_, "RejectGig"))
                                 .status()),
              ElementsAre("reason"));
  gig = Check(catalog_->RejectGig(admin_, gig.id, "Samples are blurry", Key(admin_, "RejectGig")));
  EXPECT_EQ(gig.state, GigState::kRejected);
  EXPECT_EQ(gig.rejection_reason, "Samples are blurry");
  EXPECT_THAT(GigActions(&seller_, gig), ElementsAre("update", "submit", "archive"));
  std::vector<AuditEntry> entries = AuditEntries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].action, "RejectGig");
  EXPECT_EQ(entries[0].target, gig.id);
  EXPECT_EQ(entries[0].note, "Samples are blurry");
  GigPatch patch;
  patch.description = "Sharper samples now.";
  gig = Check(catalog_->UpdateGig(seller_, gig.id, patch, GigEtag(gig), Key(seller_, "UpdateGig")));
  EXPECT_EQ(gig.state, GigState::kRejected);
  gig = Check(catalog_->SubmitGig(seller_, gig.id, GigEtag(gig), Key(seller_, "SubmitGig")));
  EXPECT_EQ(gig.state, GigState::kPendingReview);
  EXPECT_EQ(gig.rejection_reason, "");
}

TEST_F(CatalogTest, AStaleEtagOnATransitionIsAborted) {
  Gig gig = CreateGigOrDie(seller_);
  ExpectFailure(catalog_->SubmitGig(seller_, gig.id, "v7", Key(seller_, "SubmitGig")).status(),
                absl::StatusCode::kAborted, v1::ETAG_MISMATCH);
}

// ---- who may see and do what ----

TEST_F(CatalogTest, UnapprovedGigsAreNotFoundForOthers) {
  Gig gig = CreateGigOrDie(seller_);
  ExpectFailure(catalog_->GetGig(nullptr, gig.id).status(), absl::StatusCode::kNotFound,
                v1::RESOURCE_NOT_FOUND);
  ExpectFailure(catalog_->GetGig(&rival_, gig.id).status(), absl::StatusCode::kNotFound,
                v1::RESOURCE_NOT_FOUND);
  ExpectFailure(catalog_->ArchiveGig(rival_, gig.id, "", Key(rival_, "ArchiveGig")).status(),
                absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND);
  EXPECT_TRUE(catalog_->GetGig(&seller_, gig.id).ok());
  EXPECT_TRUE(catalog_->GetGig(&admin_, gig.id).ok());
  ExpectFailure(catalog_->GetGig(nullptr, "gig_doesnotexist").status(),
                absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND);
  ExpectFailure(catalog_->GetGig(nullptr, "usr_seller").status(), absl::StatusCode::kNotFound,
                v1::RESOURCE_NOT_FOUND);
  EXPECT_THAT(ViolatedFields(catalog_->GetGig(nullptr, "").status()), ElementsAre("id"));
}

TEST_F(CatalogTest, OthersMaySeeAnApprovedGigButNotActOnIt) {
  Gig gig = ApprovedGig();
  absl::StatusOr<Gig> seen = catalog_->GetGig(nullptr, gig.id);
  ASSERT_TRUE(seen.ok()) << seen.status();
  EXPECT_EQ(seen->state, GigState::kApproved);
  ExpectFailure(catalog_->PauseGig(rival_, gig.id, "", Key(rival_, "PauseGig")).status(),
                absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER);
  ExpectFailure(catalog_->ArchiveGig(rival_, gig.id, "", Key(rival_, "ArchiveGig")).status(),
                absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER);
  GigPatch patch;
  patch.title = "Hijacked title";
  ExpectFailure(
      catalog_->UpdateGig(rival_, gig.id, patch, GigEtag(gig), Key(rival_, "UpdateGig")).status(),
      absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER);
  ExpectFailure(catalog_->PauseGig(admin_, gig.id, "", Key(admin_, "PauseGig")).status(),
                absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER);
}

TEST_F(CatalogTest, ReviewIsForAdminsOnly) {
  Gig gig = CreateGigOrDie(seller_);
  Check(catalog_->SubmitGig(seller_, gig.id, "", Key(seller_, "SubmitGig")));
  ExpectFailure(catalog_->ApproveGig(seller_, gig.id, "", Key(seller_, "ApproveGig")).status(),
                absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
  ExpectFailure(catalog_->RejectGig(seller_, gig.id, "no", Key(seller_, "RejectGig")).status(),
                absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
  ExpectFailure(catalog_->ApproveGig(rival_, "gig_doesnotexist", "", Key(rival_, "ApproveGig"))
                    .status(),
                absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
}

TEST_F(CatalogTest, AnAdminArchivingAnotherSellersGigIsAudited) {
  Gig gig = ApprovedGig();
  clock_.Advance(absl::Seconds(1));
  gig = Check(catalog_->ArchiveGig(admin_, gig.id, "", Key(admin_, "ArchiveGig")));
  EXPECT_EQ(gig.state, GigState::kArchived);
  std::vector<AuditEntry> entries = AuditEntries();
  ASSERT_FALSE(entries.empty());
  EXPECT_EQ(entries[0].action, "ArchiveGig");
  EXPECT_EQ(entries[0].actor_id, admin_.user_id);
  EXPECT_EQ(entries[0].target, gig.id);
}

TEST_F(CatalogTest, ASellerWhoLostTheRoleMayOnlyWithdrawGigs) {
  Gig approved = ApprovedGig();
  Gig draft = CreateGigOrDie(seller_);
  Principal former{seller_.user_id, RoleSet::FromBits(static_cast<uint32_t>(Role::kBuyer)), ""};
  EXPECT_THAT(GigActions(&former, draft), ElementsAre("archive"));
  ExpectFailure(catalog_->SubmitGig(former, draft.id, "", Key(former, "SubmitGig")).status(),
                absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
  Gig paused = Check(catalog_->PauseGig(former, approved.id, "", Key(former, "PauseGig")));
  ExpectFailure(catalog_->ResumeGig(former, paused.id, "", Key(former, "ResumeGig")).status(),
                absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED);
}

// ---- idempotency ----

TEST_F(CatalogTest, ARetriedTransitionReturnsTheFirstResult) {
  Gig gig = CreateGigOrDie(seller_);
  Gig first = Check(catalog_->SubmitGig(seller_, gig.id, "", Key(seller_, "SubmitGig", "r1")));
  Gig retry = Check(catalog_->SubmitGig(seller_, gig.id, "", Key(seller_, "SubmitGig", "r1")));
  EXPECT_EQ(retry.state, GigState::kPendingReview);
  EXPECT_EQ(retry.version, first.version);
  ExpectInvalidState(
      catalog_->SubmitGig(seller_, gig.id, "", Key(seller_, "SubmitGig", "r2")).status(),
      "PENDING_REVIEW");
  absl::StatusOr<Gig> a = catalog_->CreateGig(seller_, ValidDraft(design_),
                                              Key(seller_, "CreateGig", "c1", "draft"));
  absl::StatusOr<Gig> b = catalog_->CreateGig(seller_, ValidDraft(design_),
                                              Key(seller_, "CreateGig", "c1", "draft"));
  ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
  EXPECT_EQ(a->id, b->id);
}

// ---- listing ----

class ListGigsTest : public CatalogTest {
 protected:
  void SetUp() override {
    CatalogTest::SetUp();
    approved_ = ApprovedGig();
    clock_.Advance(absl::Seconds(1));
    draft_ = CreateGigOrDie(seller_);
    clock_.Advance(absl::Seconds(1));
    rival_draft_ = CreateGigOrDie(rival_);
  }

  std::vector<std::string> List(const Principal* viewer, const GigFilter& filter) {
    absl::StatusOr<GigPage> page = catalog_->ListGigs(viewer, filter, 0, "");
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? Ids(page->gigs) : std::vector<std::string>{};
  }

  Gig approved_, draft_, rival_draft_;
};

TEST_F(ListGigsTest, OthersSeeOnlyApprovedGigs) {
  EXPECT_THAT(List(nullptr, GigFilter{}), ElementsAre(approved_.id));
  EXPECT_THAT(List(&rival_, GigFilter{}), ElementsAre(approved_.id));
  GigFilter of_seller;
  of_seller.seller_id = seller_.user_id;
  EXPECT_THAT(List(&rival_, of_seller), ElementsAre(approved_.id));
  GigFilter drafts;
  drafts.state = GigState::kDraft;
  absl::Status status = catalog_->ListGigs(nullptr, drafts, 0, "").status();
  ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("state"));
}

TEST_F(ListGigsTest, SellersSeeAllTheirOwnAndAdminsSeeEverything) {
  GigFilter mine;
  mine.seller_id = seller_.user_id;
  EXPECT_THAT(List(&seller_, mine), ElementsAre(draft_.id, approved_.id));
  mine.state = GigState::kDraft;
  EXPECT_THAT(List(&seller_, mine), ElementsAre(draft_.id));
  EXPECT_THAT(List(&admin_, GigFilter{}), ElementsAre(rival_draft_.id, draft_.id, approved_.id));
  GigFilter drafts;
  drafts.state = GigState::kDraft;
  EXPECT_THAT(List(&admin_, drafts), ElementsAre(rival_draft_.id, draft_.id));
}

TEST_F(ListGigsTest, PagesWithTokensBoundToTheFilters) {
  absl::StatusOr<GigPage> first = catalog_->ListGigs(&admin_, GigFilter{}, 2, "");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_THAT(Ids(first->gigs), ElementsAre(rival_draft_.id, draft_.id));
  ASSERT_FALSE(first->next_page_token.empty());
  absl::StatusOr<GigPage> second =
      catalog_->ListGigs(&admin_, GigFilter{}, 2, first->next_page_token);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(Ids(second->gigs), ElementsAre(approved_.id));
  EXPECT_EQ(second->next_page_token, "");
  GigFilter cheaper;
  cheaper.order = GigQuery::Order::kPriceAscending;
  absl::Status other = catalog_->ListGigs(&admin_, cheaper, 2, first->next_page_token).status();
  ExpectFailure(other, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(other), ElementsAre("page_token"));
  // The same filters seen by someone else are another query: the visible
  // states differ.
  absl::Status anonymous = catalog_->ListGigs(nullptr, GigFilter{}, 2, first->next_page_token)
                               .status();
  EXPECT_THAT(ViolatedFields(anonymous), ElementsAre("page_token"));
}

TEST_F(ListGigsTest, FiltersArePassedOnAndChecked) {
  GigFilter filter;
  filter.price_min = Money{"USD", 5000};
  filter.price_max = Money{"USD", 5000};
  filter.text = "LOGO";
  filter.category_id = design_;
  EXPECT_THAT(List(nullptr, filter), ElementsAre(approved_.id));
  filter.price_min = Money{"USD", 5001};
  filter.price_max.reset();
  EXPECT_THAT(List(nullptr, filter), IsEmpty());
  filter.price_min = Money{"EUR", 0};
  filter.price_max = Money{"USD", 10};
  filter.text = std::string(101, 'x');
  absl::Status status = catalog_->ListGigs(nullptr, filter, 0, "").status();
  ExpectFailure(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("text", "price_range.max.currency_code"));
  EXPECT_THAT(ViolatedFields(catalog_->ListGigs(nullptr, GigFilter{}, -1, "").status()),
              ElementsAre("page_size"));
}

}  // namespace
}  // namespace gigwire
