#include "server/domain/portfolio.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"
#include "server/domain/sellers.h"
#include "server/testing/marketplace_fixture.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testutil::HasError;
using testutil::IsInvalidState;
using testutil::KeyOf;
using testutil::NoKey;
using testutil::ValueOrFail;
using testutil::ViolatedFields;

std::vector<std::string> Ids(const std::vector<PortfolioItem>& items) {
  std::vector<std::string> ids;
  for (const PortfolioItem& item : items) ids.push_back(item.id);
  return ids;
}

std::string Metadata(const absl::Status& status, const std::string& key) {
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  auto it = details.metadata().find(key);
  return it == details.metadata().end() ? "" : it->second;
}

PortfolioDraft ValidItem(const std::string& title = "Bakery rebrand") {
  PortfolioDraft draft;
  draft.title = title;
  draft.description = "Logo, colours and packaging.\nDelivered in two weeks.";
  draft.link_url = "https://example.com/work/bakery";
  draft.image_urls = {"https://cdn.example.com/1.png", "http://cdn.example.com/2.png"};
  draft.skills = {"logo design", "branding"};
  return draft;
}

class PortfolioTest : public testutil::MarketplaceTest {
 protected:
  void SetUp() override {
    MarketplaceTest::SetUp();
    portfolio_ = std::make_unique<Portfolio>(*store_, clock_);
  }

  // A new item of `seller`, one second after the previous one.
  PortfolioItem AddItem(const Principal& seller, const std::string& title = "Bakery rebrand") {
    clock_.Advance(absl::Seconds(1));
    return ValueOrFail(portfolio_->Create(seller, ValidItem(title), NoKey()), "adding an item");
  }

  std::vector<PortfolioItem> ItemsOf(const std::string& seller_id) {
    return ValueOrFail(portfolio_->List(seller_id, 0, ""), "listing items").items;
  }

  int CountOf(const std::string& seller_id) {
    return ReadOrFail<int>([&](Tx& tx) { return tx.portfolio().CountBySeller(seller_id); },
                           "counting items");
  }

  // `principal` as it authenticates after an admin revoked ROLE_SELLER.
  static Principal WithoutSellerRole(Principal principal) {
    principal.roles.Remove(Role::kSeller);
    return principal;
  }

  std::unique_ptr<Portfolio> portfolio_;
};

// ---- create ----

TEST_F(PortfolioTest, CreateStoresTheItemForTheCallingSeller) {
  const absl::Time now = clock_.Now();
  PortfolioItem item = ValueOrFail(portfolio_->Create(seller_, ValidItem(), NoKey()), "create");
  EXPECT_EQ(item.id.rfind("pfi_", 0), 0u) << item.id;
  EXPECT_EQ(item.seller_id, seller_.user_id);
  EXPECT_EQ(item.title, "Bakery rebrand");
  EXPECT_EQ(item.link_url, "https://example.com/work/bakery");
  EXPECT_THAT(item.image_urls,
              ElementsAre("https://cdn.example.com/1.png", "http://cdn.example.com/2.png"));
  EXPECT_THAT(item.skills, ElementsAre("logo design", "branding"));
  EXPECT_EQ(PortfolioEtag(item), "v1");
  EXPECT_EQ(item.create_time, now);
  std::vector<PortfolioItem> stored = ItemsOf(seller_.user_id);
  ASSERT_EQ(stored.size(), 1u);
  EXPECT_EQ(stored[0].id, item.id);
  EXPECT_EQ(stored[0].description, item.description);
  EXPECT_EQ(stored[0].image_urls, item.image_urls);
}

TEST_F(PortfolioTest, OnlySellersCreate) {
  for (const Principal& caller : {buyer_, admin_, WithoutSellerRole(seller_)}) {
    EXPECT_TRUE(HasError(portfolio_->Create(caller, ValidItem(), NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  }
  EXPECT_EQ(CountOf(seller_.user_id), 0);
  EXPECT_EQ(CountOf(buyer_.user_id), 0);
}

TEST_F(PortfolioTest, InvalidInputNamesEveryBadField) {
  PortfolioDraft draft = ValidItem();
  draft.title = "";
  draft.description = std::string(2001, 'x');
  draft.link_url = "ftp://example.com/work";
  draft.image_urls = {"", "javascript:alert(1)", "https://cdn.example.com/ok.png"};
  draft.skills = {"Go", "go"};
  absl::Status status = portfolio_->Create(seller_, draft, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("item.title", "item.description", "item.link_url",
                          "item.image_urls[0]", "item.image_urls[1]", "item.skills[1]"));
  EXPECT_EQ(CountOf(seller_.user_id), 0);
}

TEST_F(PortfolioTest, LimitsTitleImagesAndUrlLengths) {
  PortfolioDraft draft = ValidItem();
  draft.title = std::string(121, 't');
  draft.image_urls.assign(11, "https://cdn.example.com/a.png");
  draft.link_url = "https://example.com/" + std::string(481, 'a');  // 501 characters
  absl::Status status = portfolio_->Create(seller_, draft, NoKey()).status();
  EXPECT_TRUE(HasError(status, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(status),
              ElementsAre("item.title", "item.link_url", "item.image_urls"));
}

TEST_F(PortfolioTest, AcceptsTheLimitsAndOptionalFieldsEmpty) {
  PortfolioDraft draft;
  draft.title = std::string(120, 't');
  draft.description = std::string(2000, 'd');
  draft.image_urls.assign(10, "http://cdn.example.com/a.png");
  EXPECT_TRUE(portfolio_->Create(seller_, draft, NoKey()).ok());
  PortfolioDraft minimal;
  minimal.title = "T";
  minimal.link_url = "http://example.com";
  EXPECT_TRUE(portfolio_->Create(seller_, minimal, NoKey()).ok());
}

TEST_F(PortfolioTest, AFullPortfolioIsResourceExhaustedWithTheLimit) {
  for (int i = 0; i < kMaxPortfolioItems; ++i) AddItem(seller_, absl::StrCat("Work ", i));
  absl::Status full = portfolio_->Create(seller_, ValidItem(), NoKey()).status();
  EXPECT_TRUE(HasError(full, absl::StatusCode::kResourceExhausted, v1::PORTFOLIO_FULL));
  EXPECT_EQ(Metadata(full, "limit"), "50");
  EXPECT_EQ(CountOf(seller_.user_id), kMaxPortfolioItems);
  // Another seller's portfolio is not affected; deleting one makes room.
  EXPECT_TRUE(portfolio_->Create(NewPrincipal("other", {Role::kSeller}), ValidItem(), NoKey())
                  .ok());
  ASSERT_TRUE(portfolio_->Delete(seller_, ItemsOf(seller_.user_id)[0].id, NoKey()).ok());
  EXPECT_TRUE(portfolio_->Create(seller_, ValidItem(), NoKey()).ok());
}

// ---- linked bookings ----

TEST_F(PortfolioTest, LinksACompletedBookingOfTheSeller) {
  Booking booking = CompletedBooking(buyer_, seller_);
  PortfolioDraft draft = ValidItem();
  draft.booking_id = booking.id;
  PortfolioItem item = ValueOrFail(portfolio_->Create(seller_, draft, NoKey()), "create");
  EXPECT_EQ(item.booking_id, booking.id);
}

TEST_F(PortfolioTest, RefusesABookingThatIsNotCompleted) {
  Booking booking = ActiveBooking(buyer_, seller_);
  PortfolioDraft draft = ValidItem();
  draft.booking_id = booking.id;
  EXPECT_TRUE(IsInvalidState(portfolio_->Create(seller_, draft, NoKey()).status(), "ACTIVE"));
  EXPECT_EQ(CountOf(seller_.user_id), 0);
}

TEST_F(PortfolioTest, RefusesABookingTheCallerBoughtRatherThanSold) {
  Principal both = NewPrincipal("buyer-and-seller", {Role::kBuyer, Role::kSeller});
  Booking bought = CompletedBooking(both, seller_);
  PortfolioDraft draft = ValidItem();
  draft.booking_id = bought.id;
  EXPECT_TRUE(IsInvalidState(portfolio_->Create(both, draft, NoKey()).status(), "COMPLETED"));
}

TEST_F(PortfolioTest, ABookingTheCallerCannotSeeIsNotFound) {
  Principal other_seller = NewPrincipal("other-seller", {Role::kSeller});
  Booking theirs = CompletedBooking(buyer_, other_seller);
  for (const std::string& id : {theirs.id, std::string("bkg_doesnotexist"), std::string("x")}) {
    PortfolioDraft draft = ValidItem();
    draft.booking_id = id;
    EXPECT_TRUE(HasError(portfolio_->Create(seller_, draft, NoKey()).status(),
                         absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND))
        << id;
  }
  EXPECT_EQ(CountOf(seller_.user_id), 0);
}

// ---- update ----

TEST_F(PortfolioTest, UpdateChangesTheMaskedFieldsAndTheEtag) {
  PortfolioItem item = AddItem(seller_);
  clock_.Advance(absl::Minutes(5));
  PortfolioPatch patch;
  patch.title = "Bakery rebrand, phase two";
  patch.image_urls = std::vector<std::string>{};
  patch.link_url = "";
  PortfolioItem updated =
      ValueOrFail(portfolio_->Update(seller_, item.id, patch, "v1", NoKey()), "update");
  EXPECT_EQ(updated.title, "Bakery rebrand, phase two");
  EXPECT_THAT(updated.image_urls, IsEmpty());
  EXPECT_EQ(updated.link_url, "");
  EXPECT_EQ(updated.description, item.description);  // not in the mask
  EXPECT_EQ(updated.skills, item.skills);
  EXPECT_EQ(PortfolioEtag(updated), "v2");
  EXPECT_EQ(updated.update_time, clock_.Now());
  EXPECT_EQ(updated.create_time, item.create_time);
  EXPECT_EQ(ItemsOf(seller_.user_id)[0].title, "Bakery rebrand, phase two");
}

TEST_F(PortfolioTest, UpdateWithoutEtagOrChangesKeepsTheVersion) {
  PortfolioItem item = AddItem(seller_);
  PortfolioPatch same;
  same.title = item.title;
  PortfolioItem unchanged =
      ValueOrFail(portfolio_->Update(seller_, item.id, same, "", NoKey()), "update");
  EXPECT_EQ(PortfolioEtag(unchanged), "v1");
}

TEST_F(PortfolioTest, UpdateRefusesAStaleEtag) {
  PortfolioItem item = AddItem(seller_);
  PortfolioPatch patch;
  patch.title = "First";
  ASSERT_TRUE(portfolio_->Update(seller_, item.id, patch, "v1", NoKey()).ok());
  patch.title = "Second";
  EXPECT_TRUE(HasError(portfolio_->Update(seller_, item.id, patch, "v1", NoKey()).status(),
                       absl::StatusCode::kAborted, v1::ETAG_MISMATCH));
  EXPECT_EQ(ItemsOf(seller_.user_id)[0].title, "First");
}

TEST_F(PortfolioTest, UpdateChecksTheMaskTheIdAndTheValues) {
  PortfolioItem item = AddItem(seller_);
  absl::Status empty = portfolio_->Update(seller_, item.id, PortfolioPatch{}, "", NoKey()).status();
  EXPECT_TRUE(HasError(empty, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(empty), ElementsAre("update_mask"));
  PortfolioPatch bad;
  bad.link_url = "mailto:me@example.com";
  bad.skills = std::vector<std::string>{""};
  absl::Status invalid = portfolio_->Update(seller_, item.id, bad, "", NoKey()).status();
  EXPECT_THAT(ViolatedFields(invalid), ElementsAre("item.link_url", "item.skills[0]"));
  PortfolioPatch fine;
  fine.title = "New";
  absl::Status no_id = portfolio_->Update(seller_, "", fine, "", NoKey()).status();
  EXPECT_THAT(ViolatedFields(no_id), ElementsAre("item.id"));
  EXPECT_TRUE(HasError(portfolio_->Update(seller_, "pfi_unknown", fine, "", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
}

TEST_F(PortfolioTest, OnlyItsSellerUpdates) {
  PortfolioItem item = AddItem(seller_);
  PortfolioPatch patch;
  patch.title = "Taken over";
  Principal other_seller = NewPrincipal("other-seller", {Role::kSeller});
  Principal selling_admin = NewPrincipal("selling-admin", {Role::kAdmin, Role::kSeller});
  EXPECT_TRUE(HasError(portfolio_->Update(other_seller, item.id, patch, "", NoKey()).status(),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  EXPECT_TRUE(HasError(portfolio_->Update(selling_admin, item.id, patch, "", NoKey()).status(),
                       absl::StatusCode::kPermissionDenied, v1::NOT_RESOURCE_OWNER));
  for (const Principal& caller : {buyer_, admin_, WithoutSellerRole(seller_)}) {
    EXPECT_TRUE(HasError(portfolio_->Update(caller, item.id, patch, "", NoKey()).status(),
                         absl::StatusCode::kPermissionDenied, v1::ROLE_REQUIRED));
  }
  EXPECT_EQ(ItemsOf(seller_.user_id)[0].title, item.title);
}

TEST_F(PortfolioTest, UpdateLinksAndUnlinksBookings) {
  PortfolioItem item = AddItem(seller_);
  Booking active = ActiveBooking(buyer_, seller_);
  PortfolioPatch link;
  link.booking_id = active.id;
  EXPECT_TRUE(IsInvalidState(portfolio_->Update(seller_, item.id, link, "", NoKey()).status(),
                             "ACTIVE"));
  Booking completed = CompletedBooking(buyer_, seller_);
  link.booking_id = completed.id;
  PortfolioItem linked =
      ValueOrFail(portfolio_->Update(seller_, item.id, link, "", NoKey()), "link");
  EXPECT_EQ(linked.booking_id, completed.id);
  PortfolioPatch unlink;
  unlink.booking_id = "";
  PortfolioItem unlinked =
      ValueOrFail(portfolio_->Update(seller_, item.id, unlink, "", NoKey()), "unlink");
  EXPECT_EQ(unlinked.booking_id, "");
}

// ---- delete ----

TEST_F(PortfolioTest, ItsSellerDeletesWithoutAnAuditEntry) {
  PortfolioItem item = AddItem(seller_);
  ASSERT_TRUE(portfolio_->Delete(seller_, item.id, NoKey()).ok());
  EXPECT_THAT(ItemsOf(seller_.user_id), IsEmpty());
  EXPECT_THAT(AuditEntries("DeletePortfolioItem"), IsEmpty());
  EXPECT_TRUE(HasError(portfolio_->Delete(seller_, item.id, NoKey()),
                       absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
}

TEST_F(PortfolioTest, ASellerWhoLostTheRoleStillDeletes) {
  PortfolioItem item = AddItem(seller_);
  EXPECT_TRUE(portfolio_->Delete(WithoutSellerRole(seller_), item.id, NoKey()).ok());
  EXPECT_EQ(CountOf(seller_.user_id), 0);
}

TEST_F(PortfolioTest, OthersCannotDeleteAndSeeNotFound) {
  PortfolioItem item = AddItem(seller_);
  Principal other_seller = NewPrincipal("other-seller", {Role::kSeller});
  for (const Principal& caller : {buyer_, other_seller}) {
    EXPECT_TRUE(HasError(portfolio_->Delete(caller, item.id, NoKey()),
                         absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
  }
  EXPECT_TRUE(HasError(portfolio_->Delete(seller_, "", NoKey()),
                       absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_EQ(CountOf(seller_.user_id), 1);
}

TEST_F(PortfolioTest, AnAdminDeletesAnyItemAndIsAudited) {
  PortfolioItem item = AddItem(seller_, "Offensive work");
  ASSERT_TRUE(portfolio_->Delete(admin_, item.id, NoKey()).ok());
  EXPECT_EQ(CountOf(seller_.user_id), 0);
  std::vector<AuditEntry> entries = AuditEntries("DeletePortfolioItem");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].actor_id, admin_.user_id);
  EXPECT_EQ(entries[0].target, item.id);
  EXPECT_EQ(entries[0].note, absl::StrCat("seller ", seller_.user_id, ": Offensive work"));
}

// ---- idempotency ----

TEST_F(PortfolioTest, ARetriedCreateReturnsTheFirstItem) {
  RequestKey key = KeyOf(seller_, "CreatePortfolioItem", "req-1", "print-1");
  PortfolioItem first = ValueOrFail(portfolio_->Create(seller_, ValidItem(), key), "first");
  PortfolioItem again = ValueOrFail(portfolio_->Create(seller_, ValidItem(), key), "retry");
  EXPECT_EQ(again.id, first.id);
  EXPECT_EQ(CountOf(seller_.user_id), 1);
  RequestKey other = KeyOf(seller_, "CreatePortfolioItem", "req-1", "print-2");
  absl::Status reused = portfolio_->Create(seller_, ValidItem("Other"), other).status();
  EXPECT_TRUE(HasError(reused, absl::StatusCode::kInvalidArgument, v1::INVALID_FIELDS));
  EXPECT_THAT(ViolatedFields(reused), ElementsAre("request_id"));
}

TEST_F(PortfolioTest, ARetriedUpdateOrDeleteChangesNothingTwice) {
  PortfolioItem item = AddItem(seller_);
  PortfolioPatch patch;
  patch.title = "Retitled";
  RequestKey update = KeyOf(seller_, "UpdatePortfolioItem", "req-u", "print-u");
  ASSERT_TRUE(portfolio_->Update(seller_, item.id, patch, "v1", update).ok());
  PortfolioItem again =
      ValueOrFail(portfolio_->Update(seller_, item.id, patch, "v1", update), "retry");
  EXPECT_EQ(PortfolioEtag(again), "v2");  // the stale etag is not checked again
  RequestKey remove = KeyOf(seller_, "DeletePortfolioItem", "req-d", "print-d");
  ASSERT_TRUE(portfolio_->Delete(seller_, item.id, remove).ok());
  EXPECT_TRUE(portfolio_->Delete(seller_, item.id, remove).ok());
  EXPECT_EQ(CountOf(seller_.user_id), 0);
}

// ---- list, profile, previews ----

TEST_F(PortfolioTest, ListsNewestFirstInPages) {
  std::vector<std::string> newest_first;
  for (int i = 0; i < 5; ++i) newest_first.insert(newest_first.begin(), AddItem(seller_).id);
  AddItem(NewPrincipal("other-seller", {Role::kSeller}));
  PortfolioPage first = ValueOrFail(portfolio_->List(seller_.user_id, 2, ""), "page 1");
  EXPECT_THAT(Ids(first.items), ElementsAre(newest_first[0], newest_first[1]));
  ASSERT_FALSE(first.next_page_token.empty());
  PortfolioPage second =
      ValueOrFail(portfolio_->List(seller_.user_id, 2, first.next_page_token), "page 2");
  EXPECT_THAT(Ids(second.items), ElementsAre(newest_first[2], newest_first[3]));
  PortfolioPage last =
      ValueOrFail(portfolio_->List(seller_.user_id, 2, second.next_page_token), "page 3");
  EXPECT_THAT(Ids(last.items), ElementsAre(newest_first[4]));
  EXPECT_EQ(last.next_page_token, "");
  EXPECT_THAT(ItemsOf("usr_nobody"), IsEmpty());
}

TEST_F(PortfolioTest, ListChecksItsArguments) {
  AddItem(seller_);
  AddItem(seller_);
  PortfolioPage first = ValueOrFail(portfolio_->List(seller_.user_id, 1, ""), "page 1");
  const std::string other_seller = NewPrincipal("other", {Role::kSeller}).user_id;
  struct Case {
    absl::StatusOr<PortfolioPage> result;
    const char* field;
  } cases[] = {
      {portfolio_->List("", 0, ""), "seller_id"},
      {portfolio_->List(seller_.user_id, -1, ""), "page_size"},
      {portfolio_->List(seller_.user_id, 0, "garbage"), "page_token"},
      {portfolio_->List(other_seller, 0, first.next_page_token), "page_token"},
  };
  for (const Case& c : cases) {
    EXPECT_TRUE(HasError(c.result.status(), absl::StatusCode::kInvalidArgument,
                         v1::INVALID_FIELDS));
    EXPECT_THAT(ViolatedFields(c.result.status()), ElementsAre(c.field));
  }
  EXPECT_EQ(ValueOrFail(portfolio_->List(seller_.user_id, 500, ""), "clamped").items.size(), 2u);
}

TEST_F(PortfolioTest, AProfileShowsEveryItemOfASellerOnly) {
  std::vector<std::string> newest_first;
  for (int i = 0; i < 4; ++i) newest_first.insert(newest_first.begin(), AddItem(seller_).id);
  User seller = StoredUser(seller_.user_id);
  EXPECT_EQ(Ids(ValueOrFail(portfolio_->OnProfile(seller), "profile")), newest_first);
  seller.roles.Remove(Role::kSeller);  // revoked: the profile no longer shows the work
  EXPECT_THAT(ValueOrFail(portfolio_->OnProfile(seller), "profile"), IsEmpty());
  EXPECT_THAT(ValueOrFail(portfolio_->OnProfile(StoredUser(buyer_.user_id)), "buyer"), IsEmpty());
}

TEST_F(PortfolioTest, AProfileShowsAllFiftyItems) {
  for (int i = 0; i < kMaxPortfolioItems; ++i) AddItem(seller_, absl::StrCat("Work ", i));
  std::vector<PortfolioItem> shown =
      ValueOrFail(portfolio_->OnProfile(StoredUser(seller_.user_id)), "profile");
  ASSERT_EQ(shown.size(), 50u);
  EXPECT_EQ(shown.front().title, "Work 49");
  EXPECT_EQ(shown.back().title, "Work 0");
}

TEST_F(PortfolioTest, SellerSearchPreviewsTheNewestThreeItems) {
  std::vector<std::string> newest_first;
  for (int i = 0; i < 4; ++i) newest_first.insert(newest_first.begin(), AddItem(seller_).id);
  SellerSearch search(*store_);
  SellerPage page = ValueOrFail(search.Search(SellerFilter{}, 0, ""), "search");
  bool found = false;
  for (const SellerSummary& seller : page.sellers) {
    if (seller.user_id != seller_.user_id) {
      EXPECT_THAT(seller.portfolio, IsEmpty()) << seller.user_id;
      continue;
    }
    found = true;
    EXPECT_THAT(Ids(seller.portfolio),
                ElementsAre(newest_first[0], newest_first[1], newest_first[2]));
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace gigwire
