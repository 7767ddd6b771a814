#include "server/domain/sellers.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  for (const v1::FieldViolation& v : details.field_violations()) fields.push_back(v.field());
  return fields;
}

std::vector<std::string> SellerIds(const SellerPage& page) {
  std::vector<std::string> ids;
  for (const SellerSummary& seller : page.sellers) ids.push_back(seller.user_id);
  return ids;
}

std::vector<std::string> GigIds(const std::vector<Gig>& gigs) {
  std::vector<std::string> ids;
  for (const Gig& gig : gigs) ids.push_back(gig.id);
  return ids;
}

User Seller(const std::string& id, const std::string& name) {
  User user;
  user.id = id;
  user.email = absl::StrCat(id, "@example.com");
  user.password_hash = "$scrypt$unused";
  user.display_name = name;
  user.roles.Add(Role::kSeller);
  user.create_time = user.update_time = kT0;
  return user;
}

Gig GigOf(const std::string& id, const std::string& seller_id, GigState state, int age_seconds) {
  Gig gig;
  gig.id = id;
  gig.seller_id = seller_id;
  gig.title = absl::StrCat("Gig ", id);
  gig.description = "A service";
  gig.category_id = "cat_design";
  gig.price = {"USD", 1000};
  gig.delivery_days = 2;
  gig.state = state;
  gig.create_time = gig.update_time = kT0 - absl::Seconds(age_seconds);
  return gig;
}

class SellerSearchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testutil::OpenTestStore(dir_);
    ASSERT_NE(store_, nullptr);
    search_ = std::make_unique<SellerSearch>(*store_);
    Write([](Tx& tx) {
      return tx.categories().Insert(Category{"cat_design", "design", "Design", "", 1, kT0});
    });
  }

  void Write(absl::FunctionRef<absl::Status(Tx&)> fn) {
    absl::Status status = store_->Write(fn);
    ASSERT_TRUE(status.ok()) << status;
  }

  void AddSellers(int count) {
    Write([&](Tx& tx) -> absl::Status {
      for (int i = 0; i < count; ++i) {
        GW_RETURN_IF_ERROR(tx.users().Insert(
            Seller(absl::StrCat("usr_", 1000 + i), absl::StrCat("Seller ", 1000 + i))));
      }
      return absl::OkStatus();
    });
  }

  SellerPage SearchOrDie(const SellerFilter& filter, int page_size = 0,
                         const std::string& token = "") {
    absl::StatusOr<SellerPage> page = search_->Search(filter, page_size, token);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.value_or(SellerPage{});
  }

  testutil::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<SellerSearch> search_;
};

TEST_F(SellerSearchTest, SampleGigsAreTheNewestThreeApprovedOnes) {
  Write([](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.users().Insert(Seller("usr_ada", "Ada")));
    GW_RETURN_IF_ERROR(tx.users().Insert(Seller("usr_bob", "Bob")));
    for (const Gig& gig : {GigOf("gig_old", "usr_ada", GigState::kApproved, 50),
                           GigOf("gig_new", "usr_ada", GigState::kApproved, 10),
                           GigOf("gig_mid", "usr_ada", GigState::kApproved, 30),
                           GigOf("gig_older", "usr_ada", GigState::kApproved, 60),
                           GigOf("gig_draft", "usr_ada", GigState::kDraft, 1),
                           GigOf("gig_paused", "usr_ada", GigState::kPaused, 2)}) {
      GW_RETURN_IF_ERROR(tx.gigs().Insert(gig));
    }
    return absl::OkStatus();
  });
  SellerFilter by_name;
  by_name.order = SellerQuery::Order::kName;
  SellerPage page = SearchOrDie(by_name);
  ASSERT_THAT(SellerIds(page), ElementsAre("usr_ada", "usr_bob"));
  EXPECT_EQ(page.sellers[0].gig_count, 4);
  EXPECT_THAT(GigIds(page.sellers[0].sample_gigs), ElementsAre("gig_new", "gig_mid", "gig_old"));
  EXPECT_EQ(page.sellers[1].gig_count, 0);
  EXPECT_THAT(page.sellers[1].sample_gigs, IsEmpty());
  EXPECT_EQ(page.next_page_token, "");
}

TEST_F(SellerSearchTest, PagesOf20ByDefaultAndAtMost100) {
  AddSellers(101);
  SellerFilter by_name;
  by_name.order = SellerQuery::Order::kName;
  SellerPage first = SearchOrDie(by_name);
  EXPECT_EQ(first.sellers.size(), 20u);
  ASSERT_FALSE(first.next_page_token.empty());
  SellerPage second = SearchOrDie(by_name, 0, first.next_page_token);
  ASSERT_EQ(second.sellers.size(), 20u);
  EXPECT_EQ(second.sellers[0].user_id, "usr_1020");
  SellerPage clamped = SearchOrDie(by_name, 1000);
  EXPECT_EQ(clamped.sellers.size(), 100u);
  SellerPage last = SearchOrDie(by_name, 1000, clamped.next_page_token);
  EXPECT_THAT(SellerIds(last), ElementsAre("usr_1100"));
  EXPECT_EQ(last.next_page_token, "");
}

TEST_F(SellerSearchTest, TokensAreBoundToTheFilters) {
  AddSellers(3);
  SellerPage first = SearchOrDie(SellerFilter{}, 2);
  ASSERT_FALSE(first.next_page_token.empty());
  SellerFilter other;
  other.available_only = true;
  absl::Status status = search_->Search(other, 2, first.next_page_token).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(ReasonOf(status), v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status), ElementsAre("page_token"));
  EXPECT_THAT(ViolatedFields(search_->Search(SellerFilter{}, 2, "garbage").status()),
              ElementsAre("page_token"));
}

TEST_F(SellerSearchTest, BadFiltersAreInvalidArguments) {
  SellerFilter filter;
  filter.text = "two\nlines";
  filter.skill = std::string(41, 's');
  filter.min_rating_milli = 5001;
  absl::Status status = search_->Search(filter, 0, "").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(ReasonOf(status), v1::INVALID_FIELDS);
  EXPECT_THAT(ViolatedFields(status), UnorderedElementsAre("text", "skill", "min_rating_milli"));
  filter = SellerFilter{};
  filter.text = std::string(101, 't');
  filter.min_rating_milli = -1;
  EXPECT_THAT(ViolatedFields(search_->Search(filter, 0, "").status()),
              UnorderedElementsAre("text", "min_rating_milli"));
  EXPECT_THAT(ViolatedFields(search_->Search(SellerFilter{}, -1, "").status()),
              ElementsAre("page_size"));
}

TEST_F(SellerSearchTest, FiltersReachTheStore) {
  Write([](Tx& tx) -> absl::Status {
    User ada = Seller("usr_ada", "Ada");
    ada.skills = {"Logo design"};
    User bob = Seller("usr_bob", "Bob");
    bob.availability = Availability::kBusy;
    GW_RETURN_IF_ERROR(tx.users().Insert(ada));
    GW_RETURN_IF_ERROR(tx.users().Insert(bob));
    GW_RETURN_IF_ERROR(tx.users().AddRating("usr_bob", 4));
    return tx.gigs().Insert(GigOf("gig_b", "usr_bob", GigState::kApproved, 1));
  });
  SellerFilter filter;
  filter.skill = "LOGO DESIGN";
  EXPECT_THAT(SellerIds(SearchOrDie(filter)), ElementsAre("usr_ada"));
  filter = SellerFilter{};
  filter.category_id = "cat_design";
  EXPECT_THAT(SellerIds(SearchOrDie(filter)), ElementsAre("usr_bob"));
  filter = SellerFilter{};
  filter.min_rating_milli = 4000;
  EXPECT_THAT(SellerIds(SearchOrDie(filter)), ElementsAre("usr_bob"));
  filter = SellerFilter{};
  filter.available_only = true;
  EXPECT_THAT(SellerIds(SearchOrDie(filter)), ElementsAre("usr_ada"));
  filter.available_only = false;
  filter.order = SellerQuery::Order::kAvailability;
  EXPECT_THAT(SellerIds(SearchOrDie(filter)), ElementsAre("usr_ada", "usr_bob"));
}

TEST(SkillMatchesTest, AWordOrAWordPrefixIgnoringCase) {
  EXPECT_TRUE(SkillMatches("logo design", "logo"));
  EXPECT_TRUE(SkillMatches("logo design", "Log"));
  EXPECT_TRUE(SkillMatches("logo design", "design"));
  EXPECT_TRUE(SkillMatches("Logo Design", " logo des "));
  EXPECT_TRUE(SkillMatches("UI/UX", "ux"));
  EXPECT_TRUE(SkillMatches("C++", "c++"));
  EXPECT_TRUE(SkillMatches("anything", ""));
  EXPECT_FALSE(SkillMatches("logo design", "sign"));
  EXPECT_FALSE(SkillMatches("logo design", "ogo"));
  EXPECT_FALSE(SkillMatches("logo design", "logo designer"));
  EXPECT_FALSE(SkillMatches("golang", "lang"));
}

// The store's SQL and SkillMatches agree on every pair of these skills and
// filters: one seller per skill, searched with each filter.
TEST_F(SellerSearchTest, TheStoreMatchesSkillsAsSkillMatchesDoes) {
  const std::vector<std::string> skills = {"logo design", "Logo-Design", "SVG logos", "UI/UX",
                                           "C++",         "golang",      "3D art",    "ogo"};
  Write([&](Tx& tx) -> absl::Status {
    for (size_t i = 0; i < skills.size(); ++i) {
      User seller = Seller(absl::StrCat("usr_", i), absl::StrCat("Seller ", i));
      seller.skills = {skills[i]};
      GW_RETURN_IF_ERROR(tx.users().Insert(seller));
    }
    return absl::OkStatus();
  });
  for (const char* want : {"logo", "LOG", "design", "sign", "ogo", "x", "ux", "c+", "+", "3d",
                           "d art", "lang", "logo*", "[l]ogo", "%", "_"}) {
    std::vector<std::string> expected;
    for (size_t i = 0; i < skills.size(); ++i) {
      if (SkillMatches(skills[i], want)) expected.push_back(absl::StrCat("usr_", i));
    }
    SellerFilter filter;
    filter.skill = want;
    std::vector<std::string> found = SellerIds(SearchOrDie(filter, 100));
    std::sort(found.begin(), found.end());
    EXPECT_EQ(found, expected) << want;
  }
}

}  // namespace
}  // namespace gigwire
