// The catalog's SQL against a real SQLite file: categories, gigs, seller
// search, and the query plans of the public gig listings.
#include <memory>
#include <string>
#include <vector>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_catalog_sql.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kT0 = absl::FromUnixMicros(1'800'000'000'000'123);
absl::Time At(int seconds) { return kT0 + absl::Seconds(seconds); }

User MakeUser(const std::string& id, std::vector<Role> roles, const std::string& name = "") {
  User user;
  user.id = id;
  user.email = absl::StrCat(id, "@example.com");
  user.password_hash = "$scrypt$ln=10,r=8,p=1$c2FsdA$aGFzaA";
  user.display_name = name.empty() ? absl::StrCat("User ", id) : name;
  for (Role r : roles) user.roles.Add(r);
  user.create_time = user.update_time = kT0;
  return user;
}

Category MakeCategory(const std::string& id, const std::string& slug,
                      const std::string& parent_id = "") {
  return Category{id, slug, absl::StrCat("Name of ", slug), parent_id, 1, kT0};
}

Gig MakeGig(const std::string& id, const std::string& seller_id, const std::string& category_id,
            GigState state, int64_t price_minor, absl::Time created) {
  Gig gig;
  gig.id = id;
  gig.seller_id = seller_id;
  gig.title = absl::StrCat("Gig ", id);
  gig.description = "A service";
  gig.category_id = category_id;
  gig.price = {"USD", price_minor};
  gig.delivery_days = 3;
  gig.state = state;
  gig.create_time = gig.update_time = created;
  return gig;
}

template <typename T>
std::vector<std::string> Ids(const std::vector<T>& rows) {
  std::vector<std::string> ids;
  for (const T& row : rows) ids.push_back(row.id);
  return ids;
}

std::vector<std::string> SellerIds(const std::vector<SellerSummary>& sellers) {
  std::vector<std::string> ids;
  for (const SellerSummary& s : sellers) ids.push_back(s.user_id);
  return ids;
}

class SqliteCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testutil::OpenTestStore(dir_);
    ASSERT_NE(store_, nullptr);
  }

  void Write(absl::FunctionRef<absl::Status(Tx&)> fn) {
    absl::Status status = store_->Write(fn);
    ASSERT_TRUE(status.ok()) << status;
  }

  void AddUser(const User& user) {
    Write([&](Tx& tx) { return tx.users().Insert(user); });
  }
  void AddCategory(const Category& category) {
    Write([&](Tx& tx) { return tx.categories().Insert(category); });
  }
  void AddGig(const Gig& gig) {
    Write([&](Tx& tx) { return tx.gigs().Insert(gig); });
  }
  void Rate(const std::string& user_id, std::vector<int> ratings) {
    Write([&](Tx& tx) -> absl::Status {
      for (int rating : ratings) GW_RETURN_IF_ERROR(tx.users().AddRating(user_id, rating));
      return absl::OkStatus();
    });
  }

  std::vector<Gig> ListGigs(const GigQuery& query) {
    std::vector<Gig> gigs;
    absl::Status status = store_->Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(gigs, tx.gigs().List(query));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return gigs;
  }

  std::vector<SellerSummary> Search(const SellerQuery& query) {
    std::vector<SellerSummary> sellers;
    absl::Status status = store_->Read([&](Tx& tx) -> absl::Status {
      GW_ASSIGN_OR_RETURN(sellers, tx.users().SearchSellers(query));
      return absl::OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status;
    return sellers;
  }

  // One seller, one buyer, categories "design" and "writing".
  void SeedBasics() {
    AddUser(MakeUser("usr_s1", {Role::kSeller}, "Sam Seller"));
    AddUser(MakeUser("usr_b1", {Role::kBuyer}, "Bea Buyer"));
    AddCategory(MakeCategory("cat_design", "design"));
    AddCategory(MakeCategory("cat_writing", "writing"));
  }

  // The plan lines of `bound`'s statement.
  std::vector<std::string> QueryPlan(const sqlite::BoundSql& bound) {
    return sqlite::QueryPlan(path_, bound);
  }

  testutil::TempDir dir_;
  std::string path_ = dir_.Path("gigwire.db");
  std::unique_ptr<SqliteStore> store_;
};

// ---- categories ----

TEST_F(SqliteCatalogTest, CategoryRoundTripsWithAndWithoutParent) {
  AddCategory(MakeCategory("cat_a", "design"));
  AddCategory(MakeCategory("cat_b", "logo-design", "cat_a"));
  Category top, child;
  Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(top, tx.categories().FindById("cat_a"));
    GW_ASSIGN_OR_RETURN(child, tx.categories().FindById("cat_b"));
    return absl::OkStatus();
  });
  EXPECT_EQ(top.slug, "design");
  EXPECT_EQ(top.display_name, "Name of design");
  EXPECT_EQ(top.parent_id, "");
  EXPECT_EQ(top.version, 1);
  EXPECT_EQ(top.create_time, kT0);
  EXPECT_EQ(child.parent_id, "cat_a");
}

TEST_F(SqliteCatalogTest, UnknownCategoryIsNotFound) {
  absl::Status status = store_->Read(
      [&](Tx& tx) { return tx.categories().FindById("cat_missing").status(); });
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound) << status;
  EXPECT_EQ(ReasonOf(status), v1::RESOURCE_NOT_FOUND);
}

TEST_F(SqliteCatalogTest, ListPutsParentsBeforeChildrenAndSiblingsBySlug) {
  AddCategory(MakeCategory("cat_w", "writing"));
  AddCategory(MakeCategory("cat_d", "design"));
  AddCategory(MakeCategory("cat_dl", "logo", "cat_d"));
  AddCategory(MakeCategory("cat_dw", "web", "cat_d"));
  AddCategory(MakeCategory("cat_da", "animation", "cat_d"));
  AddCategory(MakeCategory("cat_dla", "abstract-logos", "cat_dl"));
  AddCategory(MakeCategory("cat_wb", "blogs", "cat_w"));
  AddCategory(MakeCategory("cat_dash", "design-tools"));  // '-' sorts before a child path
  std::vector<Category> categories;
  Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(categories, tx.categories().List());
    return absl::OkStatus();
  });
  EXPECT_THAT(Ids(categories), ElementsAre("cat_d", "cat_da", "cat_dl", "cat_dla", "cat_dw",
                                           "cat_dash", "cat_w", "cat_wb"));
}

TEST_F(SqliteCatalogTest, TakenSlugIsAlreadyExistsOnInsertAndUpdate) {
  AddCategory(MakeCategory("cat_a", "design"));
  AddCategory(MakeCategory("cat_b", "writing"));
  absl::Status insert = store_->Write(
      [&](Tx& tx) { return tx.categories().Insert(MakeCategory("cat_c", "design")); });
  EXPECT_EQ(insert.code(), absl::StatusCode::kAlreadyExists) << insert;
  Category renamed = MakeCategory("cat_b", "design");
  renamed.version = 2;
  absl::Status update =
      store_->Write([&](Tx& tx) { return tx.categories().Update(renamed, 1); });
  EXPECT_EQ(update.code(), absl::StatusCode::kAlreadyExists) << update;
}

TEST_F(SqliteCatalogTest, CategoryUpdateChecksTheVersion) {
  AddCategory(MakeCategory("cat_a", "design"));
  Category renamed = MakeCategory("cat_a", "graphic-design");
  renamed.version = 2;
  absl::Status stale = store_->Write([&](Tx& tx) { return tx.categories().Update(renamed, 7); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  EXPECT_EQ(ReasonOf(stale), v1::ETAG_MISMATCH);
  Write([&](Tx& tx) { return tx.categories().Update(renamed, 1); });
  absl::Status again = store_->Write([&](Tx& tx) { return tx.categories().Update(renamed, 1); });
  EXPECT_EQ(ReasonOf(again), v1::ETAG_MISMATCH);
  Category missing = MakeCategory("cat_zz", "zz");
  absl::Status unknown = store_->Write([&](Tx& tx) { return tx.categories().Update(missing, 1); });
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound) << unknown;
}

// ---- gigs ----

TEST_F(SqliteCatalogTest, GigRoundTripsWithTheSellersRating) {
  SeedBasics();
  Gig gig = MakeGig("gig_1", "usr_s1", "cat_design", GigState::kRejected, 12345, kT0);
  gig.tags = {"logo", "Brand identity"};
  gig.rejection_reason = "blurry samples";
  AddGig(gig);
  Rate("usr_s1", {5, 4, 4});  // 13 / 3 = 4.333
  Gig stored;
  Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(stored, tx.gigs().FindById("gig_1"));
    return absl::OkStatus();
  });
  EXPECT_EQ(stored.seller_id, "usr_s1");
  EXPECT_EQ(stored.title, gig.title);
  EXPECT_EQ(stored.category_id, "cat_design");
  EXPECT_EQ(stored.price.currency_code, "USD");
  EXPECT_EQ(stored.price.amount_minor, 12345);
  EXPECT_EQ(stored.delivery_days, 3);
  EXPECT_THAT(stored.tags, ElementsAre("logo", "Brand identity"));
  EXPECT_EQ(stored.state, GigState::kRejected);
  EXPECT_EQ(stored.rejection_reason, "blurry samples");
  EXPECT_EQ(stored.seller_rating_milli, 4333);
  EXPECT_EQ(stored.version, 1);
  EXPECT_EQ(stored.create_time, kT0);
}

TEST_F(SqliteCatalogTest, GigUpdateChecksTheVersion) {
  SeedBasics();
  Gig gig = MakeGig("gig_1", "usr_s1", "cat_design", GigState::kDraft, 100, kT0);
  AddGig(gig);
  gig.title = "A better title";
  gig.version = 2;
  absl::Status stale = store_->Write([&](Tx& tx) { return tx.gigs().Update(gig, 5); });
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted) << stale;
  EXPECT_EQ(ReasonOf(stale), v1::ETAG_MISMATCH);
  Write([&](Tx& tx) { return tx.gigs().Update(gig, 1); });
  std::vector<Gig> all = ListGigs(GigQuery{});
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].title, "A better title");
  EXPECT_EQ(all[0].version, 2);
  Gig ghost = MakeGig("gig_none", "usr_s1", "cat_design", GigState::kDraft, 1, kT0);
  absl::Status unknown = store_->Write([&](Tx& tx) { return tx.gigs().Update(ghost, 1); });
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound) << unknown;
}

TEST_F(SqliteCatalogTest, ListFiltersByStateCategorySellerAndPages) {
  SeedBasics();
  AddUser(MakeUser("usr_s2", {Role::kSeller}));
  AddGig(MakeGig("gig_1", "usr_s1", "cat_design", GigState::kApproved, 100, kT0));
  AddGig(MakeGig("gig_2", "usr_s1", "cat_writing", GigState::kApproved, 200, At(1)));
  AddGig(MakeGig("gig_3", "usr_s2", "cat_design", GigState::kApproved, 300, At(2)));
  AddGig(MakeGig("gig_4", "usr_s2", "cat_design", GigState::kDraft, 400, At(3)));
  AddGig(MakeGig("gig_5", "usr_s1", "cat_design", GigState::kPaused, 500, At(4)));
  GigQuery approved;
  approved.states = {GigState::kApproved};
  EXPECT_THAT(Ids(ListGigs(approved)), ElementsAre("gig_3", "gig_2", "gig_1"));
  GigQuery design = approved;
  design.category_id = "cat_design";
  EXPECT_THAT(Ids(ListGigs(design)), ElementsAre("gig_3", "gig_1"));
  GigQuery mine;
  mine.seller_id = "usr_s1";
  EXPECT_THAT(Ids(ListGigs(mine)), ElementsAre("gig_5", "gig_2", "gig_1"));
  mine.states = {GigState::kApproved, GigState::kPaused};
  EXPECT_THAT(Ids(ListGigs(mine)), ElementsAre("gig_5", "gig_2", "gig_1"));
  GigQuery page = approved;
  page.limit = 2;
  page.offset = 1;
  EXPECT_THAT(Ids(ListGigs(page)), ElementsAre("gig_2", "gig_1"));
  page.offset = 3;
  EXPECT_THAT(ListGigs(page), IsEmpty());
}

TEST_F(SqliteCatalogTest, TextMatchesTitleDescriptionOrTagsIgnoringCaseAndLiterally) {
  SeedBasics();
  Gig by_title = MakeGig("gig_t", "usr_s1", "cat_design", GigState::kApproved, 1, kT0);
  by_title.title = "Minimalist LOGO design";
  Gig by_description = MakeGig("gig_d", "usr_s1", "cat_design", GigState::kApproved, 1, kT0);
  by_description.description = "I draw logos and 100% vector icons";
  Gig by_tag = MakeGig("gig_g", "usr_s1", "cat_design", GigState::kApproved, 1, kT0);
  by_tag.tags = {"branding", "Logo_Pack"};
  for (const Gig& gig : {by_title, by_description, by_tag}) AddGig(gig);
  GigQuery query;
  query.text = "logo";
  // Same create time: by id, descending.
  EXPECT_THAT(Ids(ListGigs(query)), ElementsAre("gig_t", "gig_g", "gig_d"));
  query.text = "100%";
  EXPECT_THAT(Ids(ListGigs(query)), ElementsAre("gig_d"));
  query.text = "%";  // literal, not a wildcard
  EXPECT_THAT(Ids(ListGigs(query)), ElementsAre("gig_d"));
  query.text = "o_p";
  EXPECT_THAT(Ids(ListGigs(query)), ElementsAre("gig_g"));
  query.text = "go_d";  // '_' is literal: "LOGO design" does not match
  EXPECT_THAT(ListGigs(query), IsEmpty());
}

TEST_F(SqliteCatalogTest, PriceRangeOrdersAndCurrency) {
  SeedBasics();
  AddGig(MakeGig("gig_a", "usr_s1", "cat_design", GigState::kApproved, 500, kT0));
  AddGig(MakeGig("gig_b", "usr_s1", "cat_design", GigState::kApproved, 100, At(1)));
  AddGig(MakeGig("gig_c", "usr_s1", "cat_design", GigState::kApproved, 300, At(2)));
  Gig euro = MakeGig("gig_e", "usr_s1", "cat_design", GigState::kApproved, 200, kT0);
  euro.price.currency_code = "EUR";
  AddGig(euro);
  GigQuery query;
  query.states = {GigState::kApproved};
  query.order = GigQuery::Order::kPriceAscending;
  EXPECT_THAT(Ids(ListGigs(query)), ElementsAre("gig_b", "gig_e", "gig_c", "gig_a"));
  query.order = GigQuery::Order::kPriceDescending;
  EXPECT_THAT(Ids(ListGigs(query)), ElementsAre("gig_a", "gig_c", "gig_e", "gig_b"));
  query.currency_code = "USD";
  query.price_min_minor = 100;
  query.price_max_minor = 300;
  EXPECT_THAT(Ids(ListGigs(query)), ElementsAre("gig_c", "gig_b"));
  query.price_max_minor.reset();
  query.price_min_minor = 301;
  EXPECT_THAT(Ids(ListGigs(query)), ElementsAre("gig_a"));
}

TEST_F(SqliteCatalogTest, RatingOrderPutsBestRatedSellersFirst) {
  SeedBasics();
  AddUser(MakeUser("usr_s2", {Role::kSeller}));
  AddUser(MakeUser("usr_s3", {Role::kSeller}));
  Rate("usr_s1", {3});
  Rate("usr_s2", {5, 4});
  AddGig(MakeGig("gig_1", "usr_s1", "cat_design", GigState::kApproved, 1, kT0));
  AddGig(MakeGig("gig_2", "usr_s2", "cat_design", GigState::kApproved, 1, kT0));
  AddGig(MakeGig("gig_3", "usr_s3", "cat_design", GigState::kApproved, 1, kT0));
  AddGig(MakeGig("gig_4", "usr_s2", "cat_design", GigState::kApproved, 1, At(1)));
  GigQuery query;
  query.order = GigQuery::Order::kRating;
  std::vector<Gig> gigs = ListGigs(query);
  EXPECT_THAT(Ids(gigs), ElementsAre("gig_4", "gig_2", "gig_1", "gig_3"));
  EXPECT_EQ(gigs[0].seller_rating_milli, 4500);
  EXPECT_EQ(gigs[3].seller_rating_milli, 0);
}

// ---- query plans of the public listings ----

MATCHER(UsesAnIndexForGigs, "reads gigs through an index and sorts nothing") {
  bool searched = false;
  for (const std::string& line : arg) {
    bool on_gigs = absl::StartsWith(line, "SEARCH g ") || absl::StartsWith(line, "SCAN g ");
    if (on_gigs && !absl::StrContains(line, "USING INDEX") &&
        !absl::StrContains(line, "USING COVERING INDEX")) {
      *result_listener << "full scan: " << line;
      return false;
    }
    if (absl::StrContains(line, "TEMP B-TREE")) {
      *result_listener << "sorts: " << line;
      return false;
    }
    searched = searched || (on_gigs && absl::StrContains(line, "gigs_by_"));
  }
  if (!searched) *result_listener << "no gigs_by_* index in " << absl::StrJoin(arg, "; ");
  return searched;
}

TEST_F(SqliteCatalogTest, PublicListingsUseAnIndexInTheirOrder) {
  SeedBasics();
  GigQuery newest;
  newest.states = {GigState::kApproved};
  newest.limit = 51;
  EXPECT_THAT(QueryPlan(sqlite::GigListSql(newest)), UsesAnIndexForGigs());
  GigQuery by_category = newest;
  by_category.category_id = "cat_design";
  std::vector<std::string> category_plan = QueryPlan(sqlite::GigListSql(by_category));
  EXPECT_THAT(category_plan, UsesAnIndexForGigs());
  EXPECT_TRUE(absl::StrContains(absl::StrJoin(category_plan, ";"), "gigs_by_category"));
  GigQuery by_seller = newest;
  by_seller.seller_id = "usr_s1";
  std::vector<std::string> seller_plan = QueryPlan(sqlite::GigListSql(by_seller));
  EXPECT_THAT(seller_plan, UsesAnIndexForGigs());
  EXPECT_TRUE(absl::StrContains(absl::StrJoin(seller_plan, ";"), "gigs_by_seller"));
  for (GigQuery::Order order :
       {GigQuery::Order::kPriceAscending, GigQuery::Order::kPriceDescending}) {
    GigQuery by_price = newest;
    by_price.order = order;
    by_price.currency_code = "USD";
    by_price.price_min_minor = 100;
    std::vector<std::string> price_plan = QueryPlan(sqlite::GigListSql(by_price));
    EXPECT_THAT(price_plan, UsesAnIndexForGigs());
    EXPECT_TRUE(absl::StrContains(absl::StrJoin(price_plan, ";"), "gigs_by_price"));
  }
}

TEST_F(SqliteCatalogTest, ThePlanCheckSeesAFullScan) {
  SeedBasics();
  GigQuery everything;  // no state: no index serves the order
  everything.order = GigQuery::Order::kRating;
  EXPECT_THAT(QueryPlan(sqlite::GigListSql(everything)), ::testing::Not(UsesAnIndexForGigs()));
}

// ---- seller search ----

class SellerSearchSqlTest : public SqliteCatalogTest {
 protected:
  void SetUp() override {
    SqliteCatalogTest::SetUp();
    User ada = MakeUser("usr_ada", {Role::kSeller}, "Ada Lovelace");
    ada.skills = {"C++", "Golang"};
    User bob = MakeUser("usr_bob", {Role::kBuyer, Role::kSeller}, "bob builder");
    bob.skills = {"Go", "logo_design"};
    bob.availability = Availability::kBusy;
    User cy = MakeUser("usr_cy", {Role::kSeller}, "Cy Away");
    cy.availability = Availability::kAway;
    User buyer = MakeUser("usr_dee", {Role::kBuyer}, "Dee Golang Fan");
    buyer.skills = {"Go"};
    for (const User& user : {ada, bob, cy, buyer}) AddUser(user);
    AddCategory(MakeCategory("cat_design", "design"));
    AddCategory(MakeCategory("cat_code", "code"));
    AddGig(MakeGig("gig_a1", "usr_ada", "cat_code", GigState::kApproved, 1, kT0));
    AddGig(MakeGig("gig_a2", "usr_ada", "cat_code", GigState::kApproved, 1, kT0));
    AddGig(MakeGig("gig_a3", "usr_ada", "cat_design", GigState::kDraft, 1, kT0));
    AddGig(MakeGig("gig_b1", "usr_bob", "cat_design", GigState::kApproved, 1, kT0));
    AddGig(MakeGig("gig_c1", "usr_cy", "cat_design", GigState::kPaused, 1, kT0));
    Rate("usr_ada", {4, 5});  // 4500
    Rate("usr_bob", {5, 4, 5, 4});  // 4500, more reviews
    Rate("usr_cy", {5});
  }
};

TEST_F(SellerSearchSqlTest, FindsOnlySellersWithTheirAggregates) {
  std::vector<SellerSummary> sellers = Search(SellerQuery{});
  EXPECT_THAT(SellerIds(sellers), ElementsAre("usr_cy", "usr_bob", "usr_ada"));
  const SellerSummary& ada = sellers[2];
  EXPECT_EQ(ada.display_name, "Ada Lovelace");
  EXPECT_THAT(ada.skills, ElementsAre("C++", "Golang"));
  EXPECT_EQ(ada.availability, 1);
  EXPECT_EQ(ada.rating_milli, 4500);
  EXPECT_EQ(ada.rating_count, 2);
  EXPECT_EQ(ada.gig_count, 2);  // approved only
  EXPECT_THAT(ada.sample_gigs, IsEmpty());
  EXPECT_EQ(sellers[0].gig_count, 0);  // paused does not count
}

TEST_F(SellerSearchSqlTest, TextMatchesNameOrAnySkillIgnoringCase) {
  SellerQuery query;
  query.text = "GOLANG";
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_ada"));  // the buyer is no seller
  query.text = "go";
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_bob", "usr_ada"));
  query.text = "builder";
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_bob"));
  query.text = "o_d";  // '_' is literal
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_bob"));
  query.text = "a_a";
  EXPECT_THAT(Search(query), IsEmpty());
}

TEST_F(SellerSearchSqlTest, SkillStartsAWordOfASkill) {
  SellerQuery query;  // skills: ada "C++", "Golang"; bob "Go", "logo_design"
  query.skill = "go";
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_bob", "usr_ada"));
  query.skill = "c++";
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_ada"));
  query.skill = "design";  // after '_'
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_bob"));
  query.skill = "logo_d";
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_bob"));
  for (const char* inside : {"ogo", "lang", "sign", "o_design"}) {
    query.skill = inside;
    EXPECT_THAT(Search(query), IsEmpty()) << inside;
  }
  for (const char* wildcard : {"logo*", "l?go", "[l]ogo", "*", "%"}) {
    query.skill = wildcard;
    EXPECT_THAT(Search(query), IsEmpty()) << wildcard;
  }
}

TEST_F(SellerSearchSqlTest, FiltersAvailabilityRatingAndCategory) {
  SellerQuery query;
  query.available_only = true;
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_ada"));
  query = SellerQuery{};
  query.min_rating_milli = 4500;
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_cy", "usr_bob", "usr_ada"));
  query.min_rating_milli = 4501;
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_cy"));
  query = SellerQuery{};
  query.category_id = "cat_design";  // bob's approved gig; ada's is a draft, cy's paused
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_bob"));
  query.category_id = "cat_code";
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_ada"));
}

TEST_F(SellerSearchSqlTest, OrdersByNameAndAvailabilityAndPages) {
  SellerQuery query;
  query.order = SellerQuery::Order::kName;
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_ada", "usr_bob", "usr_cy"));
  query.order = SellerQuery::Order::kAvailability;
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_ada", "usr_bob", "usr_cy"));
  query.order = SellerQuery::Order::kRating;
  query.limit = 1;
  query.offset = 1;
  EXPECT_THAT(SellerIds(Search(query)), ElementsAre("usr_bob"));
}

}  // namespace
}  // namespace gigwire
