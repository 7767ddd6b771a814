// SQL of the catalog: categories, gigs, and seller search. The only place
// that knows the catalog tables' columns; see migrations.cc for the schema
// and store.h for the contracts.
//
// Lists ordered by a computed value (price, rating) page by OFFSET; the
// public gig listings are served by the gigs_by_* indexes (see the query
// plan checks in sqlite_catalog_repositories_test.cc).
#include <sqlite3.h>

#include <algorithm>
#include <utility>

#include "SQLiteCpp/Database.h"
#include "SQLiteCpp/Statement.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_catalog_sql.h"
#include "server/store/sqlite/sqlite_repositories.h"
#include "server/store/sqlite/sqlite_util.h"

namespace gigwire {
namespace sqlite {
namespace {

// Rating average in thousandths of users row `u`, rounded as RatingMilli()
// (marketplace.h) rounds it; 0 without ratings.
constexpr char kRatingMilliSql[] =
    "(CASE WHEN u.rating_count > 0 "
    "THEN (u.rating_sum * 1000 + u.rating_count / 2) / u.rating_count ELSE 0 END)";

constexpr char kLikeEscape[] = " ESCAPE '\\'";

// A GLOB pattern matching text in which `prefix` (lower-case) starts a word:
// after any character but an ASCII letter or digit. GLOB's own special
// characters in `prefix` match themselves.
std::string WordPrefixGlob(const std::string& prefix) {
  std::string pattern = "*[^a-z0-9]";
  for (char c : prefix) {
    if (c == '*' || c == '?' || c == '[') {
      absl::StrAppend(&pattern, "[", std::string(1, c), "]");
    } else {
      pattern.push_back(c);
    }
  }
  return pattern + "*";
}

void WhereStates(BoundSql& bound, const std::vector<GigState>& states) {
  if (states.empty()) return;
  if (states.size() == 1) return Where(bound, "g.state = ?", {static_cast<int64_t>(states[0])});
  std::vector<std::variant<int64_t, std::string>> args;
  for (GigState state : states) args.push_back(static_cast<int64_t>(state));
  std::vector<std::string> marks(states.size(), "?");
  Where(bound, absl::StrCat("g.state IN (", absl::StrJoin(marks, ","), ")"), std::move(args));
}

void WherePrice(BoundSql& bound, const GigQuery& query) {
  if (query.price_min_minor) Where(bound, "g.price_minor >= ?", {*query.price_min_minor});
  if (query.price_max_minor) Where(bound, "g.price_minor <= ?", {*query.price_max_minor});
  if (!query.currency_code.empty()) Where(bound, "g.currency_code = ?", {query.currency_code});
}

const char* GigOrderSql(GigQuery::Order order) {
  switch (order) {
    case GigQuery::Order::kNewest: return "g.create_time DESC, g.id DESC";
    case GigQuery::Order::kPriceAscending: return "g.price_minor ASC, g.id ASC";
    case GigQuery::Order::kPriceDescending: return "g.price_minor DESC, g.id DESC";
    case GigQuery::Order::kRating: break;
  }
  return "rating_milli DESC, g.create_time DESC, g.id DESC";
}

const char* SellerOrderSql(SellerQuery::Order order) {
  switch (order) {
    case SellerQuery::Order::kRating: break;
    case SellerQuery::Order::kName: return "u.display_name COLLATE NOCASE ASC, u.id ASC";
    case SellerQuery::Order::kAvailability:
      return "u.availability ASC, rating_milli DESC, u.rating_count DESC, u.id ASC";
  }
  return "rating_milli DESC, u.rating_count DESC, u.id ASC";
}

// The gig columns (GigFromRow's layout) with the seller's rating, before WHERE.
std::string GigSelectSql() {
  return absl::StrCat(
      "SELECT g.id, g.seller_id, g.title, g.description, g.category_id, g.currency_code, "
      "g.price_minor, g.delivery_days, g.tags, g.state, g.rejection_reason, g.version, "
      "g.create_time, g.update_time, u.rating_sum, u.rating_count, ",
      kRatingMilliSql, " AS rating_milli FROM gigs g JOIN users u ON u.id = g.seller_id");
}

void LimitOffset(BoundSql& bound, int limit, int offset) {
  absl::StrAppend(&bound.sql, " LIMIT ? OFFSET ?");
  bound.args.push_back(static_cast<int64_t>(limit));
  bound.args.push_back(static_cast<int64_t>(offset));
}

}  // namespace

void Where(BoundSql& bound, absl::string_view condition,
           std::vector<std::variant<int64_t, std::string>> args) {
  absl::StrAppend(&bound.sql, " AND (", condition, ")");
  for (auto& arg : args) bound.args.push_back(std::move(arg));
}

std::vector<std::string> QueryPlan(const std::string& db_path, const BoundSql& bound) {
  SQLite::Database db(db_path, SQLite::OPEN_READONLY);
  SQLite::Statement explain(db, "EXPLAIN QUERY PLAN " + bound.sql);
  BindAll(explain, bound);
  std::vector<std::string> lines;
  while (explain.executeStep()) lines.push_back(explain.getColumn(3).getString());
  return lines;
}

void BindAll(SQLite::Statement& stmt, const BoundSql& bound) {
  int index = 1;
  for (const auto& arg : bound.args) {
    if (const int64_t* number = std::get_if<int64_t>(&arg)) {
      stmt.bind(index++, *number);
    } else {
      stmt.bind(index++, std::get<std::string>(arg));
    }
  }
}

BoundSql GigListSql(const GigQuery& query) {
  BoundSql bound;
  bound.sql = GigSelectSql() + " WHERE 1";
  WhereStates(bound, query.states);
  if (!query.category_id.empty()) Where(bound, "g.category_id = ?", {query.category_id});
  if (!query.seller_id.empty()) Where(bound, "g.seller_id = ?", {query.seller_id});
  WherePrice(bound, query);
  if (!query.text.empty()) {
    const std::string pattern = LikeContains(query.text);
    Where(bound,
          absl::StrCat("g.title LIKE ?", kLikeEscape, " OR g.description LIKE ?", kLikeEscape,
                       " OR g.tags LIKE ?", kLikeEscape),
          {pattern, pattern, pattern});
  }
  absl::StrAppend(&bound.sql, " ORDER BY ", GigOrderSql(query.order));
  LimitOffset(bound, query.limit, query.offset);
  return bound;
}

BoundSql SellerSearchSql(const SellerQuery& query) {
  BoundSql bound;
  bound.sql = absl::StrCat(
      "SELECT u.id, u.display_name, u.avatar_url, u.bio, u.skills, u.availability, "
      "u.rating_sum, u.rating_count, u.completed_bookings, "
      "(SELECT COUNT(*) FROM gigs g WHERE g.seller_id = u.id AND g.state = ",
      static_cast<int>(GigState::kApproved), "), ", kRatingMilliSql,
      " AS rating_milli FROM users u WHERE (u.roles & ", static_cast<int>(Role::kSeller),
      ") != 0");
  if (!query.text.empty()) {
    const std::string pattern = LikeContains(query.text);
    Where(bound,
          absl::StrCat("u.display_name LIKE ?", kLikeEscape, " OR u.skills LIKE ?", kLikeEscape),
          {pattern, pattern});
  }
  if (query.available_only) {
    Where(bound, absl::StrCat("u.availability = ", static_cast<int>(Availability::kAvailable)));
  }
  if (query.min_rating_milli > 0) {
    Where(bound, absl::StrCat(kRatingMilliSql, " >= ?"), {int64_t{query.min_rating_milli}});
  }
  if (!query.skill.empty()) {
    // The newline-joined list, each skill preceded by a newline: the skill
    // must follow a character that is not a letter or digit.
    Where(bound, "char(10) || lower(u.skills) GLOB ?", {WordPrefixGlob(query.skill)});
  }
  if (!query.category_id.empty()) {
    Where(bound,
          absl::StrCat("EXISTS (SELECT 1 FROM gigs g WHERE g.seller_id = u.id AND g.state = ",
                       static_cast<int>(GigState::kApproved), " AND g.category_id = ?)"),
          {query.category_id});
  }
  absl::StrAppend(&bound.sql, " ORDER BY ", SellerOrderSql(query.order));
  LimitOffset(bound, query.limit, query.offset);
  return bound;
}

}  // namespace sqlite

namespace {

using namespace ::gigwire::sqlite;  // NOLINT: small helpers of this layer

// ---- categories (parent_id NULL for top level) ----

constexpr char kCategoryColumns[] = "id, slug, display_name, parent_id, version, create_time";

Category CategoryFromRow(SQLite::Statement& row) {
  Category category;
  category.id = row.getColumn(0).getString();
  category.slug = row.getColumn(1).getString();
  category.display_name = row.getColumn(2).getString();
  if (!row.getColumn(3).isNull()) category.parent_id = row.getColumn(3).getString();
  category.version = row.getColumn(4).getInt64();
  category.create_time = TimeColumn(row.getColumn(5));
  return category;
}

absl::Status SlugTaken() {
  return AlreadyExists(v1::SLUG_TAKEN, "a category with this slug already exists");
}

// Orders `by_slug` (sorted by slug) depth first: each category followed by
// its subtree, siblings by slug. A category whose parent is missing counts
// as top level, so no row is ever dropped.
std::vector<Category> DepthFirst(const std::vector<Category>& by_slug) {
  absl::flat_hash_set<std::string> ids;
  for (const Category& c : by_slug) ids.insert(c.id);
  absl::flat_hash_map<std::string, std::vector<const Category*>> children;
  std::vector<const Category*> stack;
  for (const Category& c : by_slug) {
    if (c.parent_id.empty() || !ids.contains(c.parent_id)) {
      stack.push_back(&c);
    } else {
      children[c.parent_id].push_back(&c);
    }
  }
  std::reverse(stack.begin(), stack.end());
  std::vector<Category> ordered;
  ordered.reserve(by_slug.size());
  while (!stack.empty()) {
    const Category* next = stack.back();
    stack.pop_back();
    ordered.push_back(*next);
    auto kids = children.find(next->id);
    if (kids == children.end()) continue;
    stack.insert(stack.end(), kids->second.rbegin(), kids->second.rend());
  }
  return ordered;
}

// ---- gigs ----

constexpr char kGigInsertColumns[] =
    "id, seller_id, title, description, category_id, currency_code, price_minor, "
    "delivery_days, tags, state, rejection_reason, version, create_time, update_time";

// Reads a row of GigListSql's column layout (also used by FindById).
Gig GigFromRow(SQLite::Statement& row) {
  Gig gig;
  gig.id = row.getColumn(0).getString();
  gig.seller_id = row.getColumn(1).getString();
  gig.title = row.getColumn(2).getString();
  gig.description = row.getColumn(3).getString();
  gig.category_id = row.getColumn(4).getString();
  gig.price.currency_code = row.getColumn(5).getString();
  gig.price.amount_minor = row.getColumn(6).getInt64();
  gig.delivery_days = row.getColumn(7).getInt();
  gig.tags = SplitList(row.getColumn(8).getString());
  gig.state = static_cast<GigState>(row.getColumn(9).getInt());
  gig.rejection_reason = row.getColumn(10).getString();
  gig.version = row.getColumn(11).getInt64();
  gig.create_time = TimeColumn(row.getColumn(12));
  gig.update_time = TimeColumn(row.getColumn(13));
  gig.seller_rating_milli = RatingMilli(row.getColumn(14).getInt64(), row.getColumn(15).getInt64());
  return gig;
}

// Binds the 14 columns of kGigInsertColumns, in order, from index 1.
void BindGig(SQLite::Statement& stmt, const Gig& gig) {
  stmt.bind(1, gig.id);
  stmt.bind(2, gig.seller_id);
  stmt.bind(3, gig.title);
  stmt.bind(4, gig.description);
  stmt.bind(5, gig.category_id);
  stmt.bind(6, gig.price.currency_code);
  stmt.bind(7, static_cast<int64_t>(gig.price.amount_minor));
  stmt.bind(8, gig.delivery_days);
  stmt.bind(9, JoinList(gig.tags));
  stmt.bind(10, static_cast<int>(gig.state));
  stmt.bind(11, gig.rejection_reason);
  stmt.bind(12, static_cast<int64_t>(gig.version));
  BindTime(stmt, 13, gig.create_time);
  BindTime(stmt, 14, gig.update_time);
}

// ---- sellers ----

SellerSummary SellerFromRow(SQLite::Statement& row) {
  SellerSummary seller;
  seller.user_id = row.getColumn(0).getString();
  seller.display_name = row.getColumn(1).getString();
  seller.avatar_url = row.getColumn(2).getString();
  seller.bio = row.getColumn(3).getString();
  seller.skills = SplitList(row.getColumn(4).getString());
  seller.availability = row.getColumn(5).getInt();
  seller.rating_milli = RatingMilli(row.getColumn(6).getInt64(), row.getColumn(7).getInt64());
  seller.rating_count = row.getColumn(7).getInt();
  seller.completed_bookings = row.getColumn(8).getInt();
  seller.gig_count = row.getColumn(9).getInt();
  return seller;
}

}  // namespace

absl::StatusOr<std::vector<Category>> SqliteCategoryRepository::List() {
  SQLite::Statement& select = sql_.Get(absl::StrCat("SELECT ", kCategoryColumns,
                                             " FROM categories ORDER BY slug"));
  std::vector<Category> by_slug;
  while (select.executeStep()) by_slug.push_back(CategoryFromRow(select));
  return DepthFirst(by_slug);
}

absl::StatusOr<Category> SqliteCategoryRepository::FindById(const std::string& id) {
  SQLite::Statement& select = sql_.Get(absl::StrCat("SELECT ", kCategoryColumns,
                                             " FROM categories WHERE id = ?"));
  select.bind(1, id);
  if (!select.executeStep()) return NotFound("category");
  return CategoryFromRow(select);
}

absl::Status SqliteCategoryRepository::Insert(const Category& category) {
  SQLite::Statement& insert = sql_.Get(absl::StrCat("INSERT INTO categories (", kCategoryColumns,
                                             ") VALUES (?,?,?,?,?,?)"));
  insert.bind(1, category.id);
  insert.bind(2, category.slug);
  insert.bind(3, category.display_name);
  if (category.parent_id.empty()) {
    insert.bind(4);  // NULL: top level
  } else {
    insert.bind(4, category.parent_id);
  }
  insert.bind(5, static_cast<int64_t>(category.version));
  BindTime(insert, 6, category.create_time);
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) return SlugTaken();
    throw;
  }
  return absl::OkStatus();
}

absl::Status SqliteCategoryRepository::Update(const Category& category,
                                              int64_t expected_version) {
  SQLite::Statement& update = sql_.Get("UPDATE categories SET slug = ?, display_name = ?, version = ? "
      "WHERE id = ? AND version = ?");
  update.bind(1, category.slug);
  update.bind(2, category.display_name);
  update.bind(3, static_cast<int64_t>(category.version));
  update.bind(4, category.id);
  update.bind(5, static_cast<int64_t>(expected_version));
  int changed = 0;
  try {
    changed = update.exec();
  } catch (const SQLite::Exception& e) {
    if (e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE) return SlugTaken();
    throw;
  }
  if (changed == 0) {
    GW_RETURN_IF_ERROR(FindById(category.id).status());
    return EtagMismatch("category");
  }
  return absl::OkStatus();
}

absl::StatusOr<Gig> SqliteGigRepository::FindById(const std::string& id) {
  SQLite::Statement& select = sql_.Get(GigSelectSql() + " WHERE g.id = ?");
  select.bind(1, id);
  if (!select.executeStep()) return NotFound("gig");
  return GigFromRow(select);
}

absl::Status SqliteGigRepository::Insert(const Gig& gig) {
  SQLite::Statement& insert = sql_.Get(absl::StrCat("INSERT INTO gigs (", kGigInsertColumns,
                                             ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  BindGig(insert, gig);
  insert.exec();
  return absl::OkStatus();
}

absl::Status SqliteGigRepository::Update(const Gig& gig, int64_t expected_version) {
  SQLite::Statement& update = sql_.Get("UPDATE gigs SET seller_id = ?2, title = ?3, description = ?4, category_id = ?5, "
      "currency_code = ?6, price_minor = ?7, delivery_days = ?8, tags = ?9, state = ?10, "
      "rejection_reason = ?11, version = ?12, create_time = ?13, update_time = ?14 "
      "WHERE id = ?1 AND version = ?15");
  BindGig(update, gig);
  update.bind(15, static_cast<int64_t>(expected_version));
  if (update.exec() == 0) {
    GW_RETURN_IF_ERROR(FindById(gig.id).status());
    return EtagMismatch("gig");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Gig>> SqliteGigRepository::List(const GigQuery& query) {
  const BoundSql bound = GigListSql(query);
  SQLite::Statement& select = sql_.Get(bound.sql);
  BindAll(select, bound);
  std::vector<Gig> gigs;
  while (select.executeStep()) gigs.push_back(GigFromRow(select));
  return gigs;
}

absl::StatusOr<std::vector<SellerSummary>> SqliteUserRepository::SearchSellers(
    const SellerQuery& query) {
  const BoundSql bound = SellerSearchSql(query);
  SQLite::Statement& select = sql_.Get(bound.sql);
  BindAll(select, bound);
  std::vector<SellerSummary> sellers;
  while (select.executeStep()) sellers.push_back(SellerFromRow(select));
  return sellers;
}

}  // namespace gigwire
