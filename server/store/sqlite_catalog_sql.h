// The SQL of the catalog's filtered lists (ListGigs, SearchSellers), built
// from a query with its arguments in placeholder order. Exposed so that tests
// can check the query plans (EXPLAIN QUERY PLAN) of exactly the statements
// the repositories run. Internal to server/store.
#ifndef GIGWIRE_SERVER_STORE_SQLITE_CATALOG_SQL_H_
#define GIGWIRE_SERVER_STORE_SQLITE_CATALOG_SQL_H_

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "SQLiteCpp/Statement.h"
#include "server/store/store.h"

namespace gigwire::sqlite {

// A statement's text and the values of its `?` placeholders, in order.
struct BoundSql {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> args;
};

// Binds every argument of `bound` to `stmt`, from index 1.
void BindAll(SQLite::Statement& stmt, const BoundSql& bound);

// SELECT of GigRepository::List: the gig columns followed by the seller's
// rating_sum and rating_count, with LIMIT and OFFSET.
BoundSql GigListSql(const GigQuery& query);

// SELECT of UserRepository::SearchSellers, with LIMIT and OFFSET.
BoundSql SellerSearchSql(const SellerQuery& query);

}  // namespace gigwire::sqlite

#endif  // GIGWIRE_SERVER_STORE_SQLITE_CATALOG_SQL_H_
