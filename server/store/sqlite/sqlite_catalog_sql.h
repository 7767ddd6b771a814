// The SQL of the catalog's filtered lists (ListGigs, SearchSellers), built
// from a query with its arguments in placeholder order, and the pieces the
// work flow's lists (sqlite_work_sql.h) share. Exposed so that tests
// can check the query plans (EXPLAIN QUERY PLAN) of exactly the statements
// the repositories run. Internal to server/store/sqlite.
#ifndef GIGWIRE_SERVER_STORE_SQLITE_SQLITE_CATALOG_SQL_H_
#define GIGWIRE_SERVER_STORE_SQLITE_SQLITE_CATALOG_SQL_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/string_view.h"
#include "server/store/store.h"

namespace gigwire::sqlite {

// A statement's text and the values of its `?` placeholders, in order.
struct BoundSql {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> args;
};

// Binds every argument of `bound` to `stmt`, from index 1.
void BindAll(SQLite::Statement& stmt, const BoundSql& bound);

// Appends " AND (<condition>)" and its arguments, in placeholder order.
void Where(BoundSql& bound, absl::string_view condition,
           std::vector<std::variant<int64_t, std::string>> args = {});

// The detail lines of EXPLAIN QUERY PLAN for `bound` on the database at
// `db_path` (opened read-only), for the query plan tests. Throws
// SQLite::Exception on SQL errors.
std::vector<std::string> QueryPlan(const std::string& db_path, const BoundSql& bound);

// SELECT of GigRepository::List: the gig columns followed by the seller's
// rating_sum and rating_count, with LIMIT and OFFSET.
BoundSql GigListSql(const GigQuery& query);

// SELECT of UserRepository::SearchSellers, with LIMIT and OFFSET.
BoundSql SellerSearchSql(const SellerQuery& query);

}  // namespace gigwire::sqlite

#endif  // GIGWIRE_SERVER_STORE_SQLITE_SQLITE_CATALOG_SQL_H_
