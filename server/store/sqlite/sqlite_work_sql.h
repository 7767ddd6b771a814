// The SQL of the work flow's filtered lists (ListJobs, ListOffers,
// ListBookings), built from a query with its arguments in placeholder order.
// Exposed so that tests can check the query plans (EXPLAIN QUERY PLAN) of
// exactly the statements the repositories run. Internal to server/store/sqlite.
#ifndef GIGWIRE_SERVER_STORE_SQLITE_SQLITE_WORK_SQL_H_
#define GIGWIRE_SERVER_STORE_SQLITE_SQLITE_WORK_SQL_H_

#include "server/store/sqlite/sqlite_catalog_sql.h"
#include "server/store/store.h"

namespace gigwire::sqlite {

// Each list is newest first, ORDER BY (create_time DESC, id DESC); `after`
// keeps only the rows strictly before the cursor in that order, and the
// statement ends with "LIMIT ?" bound to the query's limit.

// SELECT of JobRepository::List: the jobs columns (JobFromRow's layout).
BoundSql JobListSql(const JobQuery& query);

// SELECT of JobRepository::ListOpen: approved open projects in bidding, in
// the query's order, with LIMIT and OFFSET.
BoundSql OpenJobListSql(const OpenJobQuery& query);

// SELECT of OfferRepository::List: the offer columns joined with the job's
// title and budget (OfferFromRow's layout).
BoundSql OfferListSql(const OfferQuery& query);

// SELECT of BookingRepository::List: the booking columns joined with the
// job's title and budget (BookingFromRow's layout). party_id matches the
// buyer or the seller.
BoundSql BookingListSql(const BookingQuery& query);

}  // namespace gigwire::sqlite

#endif  // GIGWIRE_SERVER_STORE_SQLITE_SQLITE_WORK_SQL_H_
