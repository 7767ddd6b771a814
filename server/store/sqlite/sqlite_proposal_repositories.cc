// SQL of the open market: proposals with their milestone plans, invitations
// to bid, portfolio items. Schema in migrations.cc (version 6).
#include <string>
#include <vector>

#include "SQLiteCpp/Statement.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_catalog_sql.h"
#include "server/store/sqlite/sqlite_repositories.h"
#include "server/store/sqlite/sqlite_util.h"

namespace gigwire {
namespace {

using sqlite::BindTime;
using sqlite::IsUniqueViolation;
using sqlite::JoinList;
using sqlite::OptionalTime;
using sqlite::SplitList;
using sqlite::TimeColumn;

// ---- proposals ----

// The proposal, its job's display and visibility fields, the seller's name
// and rating, whether the buyer invited the seller; ProposalFromRow's layout.
constexpr char kProposalSelect[] =
    "SELECT p.id, p.job_id, p.seller_id, p.currency_code, p.price_minor, p.delivery_days, "
    "p.cover_letter, p.state, p.decline_reason, p.withdraw_reason, p.booking_id, p.version, "
    "p.create_time, p.update_time, j.title, j.buyer_id, j.state, j.bidding_close_time, "
    "u.display_name, (CASE WHEN u.rating_count > 0 "
    "THEN (u.rating_sum * 1000 + u.rating_count / 2) / u.rating_count ELSE 0 END), "
    "EXISTS (SELECT 1 FROM bid_invitations i WHERE i.job_id = p.job_id "
    "AND i.seller_id = p.seller_id) "
    "FROM proposals p JOIN jobs j ON j.id = p.job_id JOIN users u ON u.id = p.seller_id";

Proposal ProposalFromRow(SQLite::Statement& row) {
  Proposal p;
  p.id = row.getColumn(0).getString();
  p.job_id = row.getColumn(1).getString();
  p.seller_id = row.getColumn(2).getString();
  p.price = {row.getColumn(3).getString(), row.getColumn(4).getInt64()};
  p.delivery_days = row.getColumn(5).getInt();
  p.cover_letter = row.getColumn(6).getString();
  p.state = static_cast<ProposalState>(row.getColumn(7).getInt());
  p.decline_reason = row.getColumn(8).getString();
  p.withdraw_reason = row.getColumn(9).getString();
  p.booking_id = row.getColumn(10).getString();
  p.version = row.getColumn(11).getInt64();
  p.create_time = TimeColumn(row.getColumn(12));
  p.update_time = TimeColumn(row.getColumn(13));
  p.job_title = row.getColumn(14).getString();
  p.buyer_id = row.getColumn(15).getString();
  p.job_state = static_cast<JobState>(row.getColumn(16).getInt());
  p.bidding_close_time = OptionalTime(row.getColumn(17));
  p.seller_display_name = row.getColumn(18).getString();
  p.seller_rating_milli = row.getColumn(19).getInt();
  p.invited = row.getColumn(20).getInt() != 0;
  return p;
}

// The stored columns, in the order BindProposal binds them.
constexpr char kProposalColumns[] =
    "id, job_id, seller_id, currency_code, price_minor, delivery_days, cover_letter, state, "
    "decline_reason, withdraw_reason, booking_id, version, create_time, update_time";

void BindProposal(SQLite::Statement& stmt, const Proposal& p) {
  stmt.bind(1, p.id);
  stmt.bind(2, p.job_id);
  stmt.bind(3, p.seller_id);
  stmt.bind(4, p.price.currency_code);
  stmt.bind(5, static_cast<int64_t>(p.price.amount_minor));
  stmt.bind(6, p.delivery_days);
  stmt.bind(7, p.cover_letter);
  stmt.bind(8, static_cast<int>(p.state));
  stmt.bind(9, p.decline_reason);
  stmt.bind(10, p.withdraw_reason);
  stmt.bind(11, p.booking_id);
  stmt.bind(12, static_cast<int64_t>(p.version));
  BindTime(stmt, 13, p.create_time);
  BindTime(stmt, 14, p.update_time);
}

// The WHERE clause of a proposal query (without order and paging).
sqlite::BoundSql ProposalFilterSql(const ProposalQuery& q, absl::string_view select) {
  sqlite::BoundSql bound;
  bound.sql = absl::StrCat(select, " WHERE 1");
  if (!q.job_id.empty()) sqlite::Where(bound, "p.job_id = ?", {q.job_id});
  if (!q.seller_id.empty()) sqlite::Where(bound, "p.seller_id = ?", {q.seller_id});
  if (!q.states.empty()) {
    std::string in;
    for (ProposalState state : q.states) {
      absl::StrAppend(&in, in.empty() ? "" : ",", static_cast<int>(state));
    }
    sqlite::Where(bound, absl::StrCat("p.state IN (", in, ")"));
  }
  return bound;
}

}  // namespace

namespace sqlite {

absl::StatusOr<std::vector<PlannedMilestone>> LoadMilestonePlan(StatementCache& sql,
                                                                const std::string& owner_id) {
  SQLite::Statement& select = sql.Get(
      "SELECT title, currency_code, amount_minor, due_in_days FROM planned_milestones "
      "WHERE owner_id = ? ORDER BY position");
  select.bind(1, owner_id);
  std::vector<PlannedMilestone> plan;
  while (select.executeStep()) {
    plan.push_back({select.getColumn(0).getString(),
                    {select.getColumn(1).getString(), select.getColumn(2).getInt64()},
                    select.getColumn(3).getInt()});
  }
  return plan;
}

absl::Status SaveMilestonePlan(StatementCache& sql, const std::string& owner_id,
                               const std::vector<PlannedMilestone>& plan) {
  SQLite::Statement& clear = sql.Get("DELETE FROM planned_milestones WHERE owner_id = ?");
  clear.bind(1, owner_id);
  clear.exec();
  for (size_t i = 0; i < plan.size(); ++i) {
    SQLite::Statement& insert = sql.Get(
        "INSERT INTO planned_milestones (owner_id, position, title, currency_code, "
        "amount_minor, due_in_days) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, owner_id);
    insert.bind(2, static_cast<int>(i));
    insert.bind(3, plan[i].title);
    insert.bind(4, plan[i].amount.currency_code);
    insert.bind(5, static_cast<int64_t>(plan[i].amount.amount_minor));
    insert.bind(6, plan[i].due_in_days);
    insert.exec();
  }
  return absl::OkStatus();
}

}  // namespace sqlite

absl::StatusOr<std::vector<Proposal>> SqliteProposalRepository::ReadAll(
    SQLite::Statement& select) {
  std::vector<Proposal> out;
  absl::flat_hash_map<std::string, size_t> index_of;
  std::string ids = "[";  // a JSON array of the ids (ids are [a-z0-9_])
  while (select.executeStep()) {
    out.push_back(ProposalFromRow(select));
    index_of[out.back().id] = out.size() - 1;
    absl::StrAppend(&ids, out.size() > 1 ? "," : "", "\"", out.back().id, "\"");
  }
  select.reset();
  if (out.empty()) return out;
  ids += "]";
  // Every plan of the page in one statement, not one per proposal.
  SQLite::Statement& plans = sql_.Get(
      "SELECT owner_id, title, currency_code, amount_minor, due_in_days FROM planned_milestones "
      "WHERE owner_id IN (SELECT value FROM json_each(?)) ORDER BY owner_id, position");
  plans.bind(1, ids);
  while (plans.executeStep()) {
    Proposal& p = out[index_of.at(plans.getColumn(0).getString())];
    p.milestones.push_back({plans.getColumn(1).getString(),
                            {plans.getColumn(2).getString(), plans.getColumn(3).getInt64()},
                            plans.getColumn(4).getInt()});
  }
  return out;
}

absl::StatusOr<Proposal> SqliteProposalRepository::FindById(const std::string& id) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(kProposalSelect, " WHERE p.id = ?"));
  select.bind(1, id);
  GW_ASSIGN_OR_RETURN(std::vector<Proposal> found, ReadAll(select));
  if (found.empty()) return NotFound(absl::StrCat("proposal ", id));
  return std::move(found.front());
}

absl::StatusOr<Proposal> SqliteProposalRepository::FindLive(const std::string& job_id,
                                                            const std::string& seller_id) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      kProposalSelect, " WHERE p.job_id = ? AND p.seller_id = ? AND p.state IN (1, 2)"));
  select.bind(1, job_id);
  select.bind(2, seller_id);
  GW_ASSIGN_OR_RETURN(std::vector<Proposal> found, ReadAll(select));
  if (found.empty()) return NotFound("live proposal");
  return std::move(found.front());
}

absl::Status SqliteProposalRepository::Insert(const Proposal& proposal) {
  SQLite::Statement& insert = sql_.Get(absl::StrCat(
      "INSERT INTO proposals (", kProposalColumns, ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"));
  BindProposal(insert, proposal);
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) {
      return AlreadyExists(v1::DUPLICATE, "the seller already has a live proposal on the job");
    }
    throw;
  }
  return sqlite::SaveMilestonePlan(sql_, proposal.id, proposal.milestones);
}

absl::Status SqliteProposalRepository::Update(const Proposal& proposal,
                                              int64_t expected_version) {
  SQLite::Statement& update = sql_.Get(
      "UPDATE proposals SET id = ?1, job_id = ?2, seller_id = ?3, currency_code = ?4, "
      "price_minor = ?5, delivery_days = ?6, cover_letter = ?7, state = ?8, "
      "decline_reason = ?9, withdraw_reason = ?10, booking_id = ?11, version = ?12, "
      "create_time = ?13, update_time = ?14 WHERE id = ?1 AND version = ?15");
  BindProposal(update, proposal);
  update.bind(15, static_cast<int64_t>(expected_version));
  if (update.exec() != 1) return EtagMismatch("proposal");
  // Most updates change the state only: rewrite the plan when it changed.
  GW_ASSIGN_OR_RETURN(std::vector<PlannedMilestone> stored,
                      sqlite::LoadMilestonePlan(sql_, proposal.id));
  if (stored == proposal.milestones) return absl::OkStatus();
  return sqlite::SaveMilestonePlan(sql_, proposal.id, proposal.milestones);
}

absl::StatusOr<std::vector<Proposal>> SqliteProposalRepository::List(const ProposalQuery& q) {
  sqlite::BoundSql bound = ProposalFilterSql(q, kProposalSelect);
  switch (q.order) {
    case ProposalQuery::Order::kPrice:
      bound.sql += " ORDER BY p.price_minor, p.create_time DESC, p.id DESC";
      break;
    case ProposalQuery::Order::kSellerRating:
      bound.sql += " ORDER BY 20 DESC, p.create_time DESC, p.id DESC";
      break;
    case ProposalQuery::Order::kNewest:
      bound.sql += " ORDER BY p.create_time DESC, p.id DESC";
      break;
  }
  bound.sql += " LIMIT ? OFFSET ?";
  bound.args.push_back(static_cast<int64_t>(q.limit));
  bound.args.push_back(static_cast<int64_t>(q.offset));
  SQLite::Statement& select = sql_.Get(bound.sql);
  sqlite::BindAll(select, bound);
  return ReadAll(select);
}

absl::StatusOr<int> SqliteProposalRepository::Count(const ProposalQuery& q) {
  const sqlite::BoundSql bound = ProposalFilterSql(q, "SELECT COUNT(*) FROM proposals p");
  SQLite::Statement& count = sql_.Get(bound.sql);
  sqlite::BindAll(count, bound);
  count.executeStep();
  return count.getColumn(0).getInt();
}

absl::StatusOr<int> SqliteProposalRepository::CountLiveBySeller(const std::string& seller_id) {
  SQLite::Statement& count =
      sql_.Get("SELECT COUNT(*) FROM proposals WHERE seller_id = ? AND state IN (1, 2)");
  count.bind(1, seller_id);
  count.executeStep();
  return count.getColumn(0).getInt();
}

// ---- invitations ----

namespace {

constexpr char kInvitationSelect[] =
    "SELECT i.id, i.job_id, i.seller_id, i.buyer_id, i.note, i.create_time, j.title "
    "FROM bid_invitations i JOIN jobs j ON j.id = i.job_id";

}  // namespace

absl::StatusOr<BidInvitation> SqliteBidInvitationRepository::FindById(const std::string& id) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(kInvitationSelect, " WHERE i.id = ?"));
  select.bind(1, id);
  if (!select.executeStep()) return NotFound(absl::StrCat("invitation ", id));
  return BidInvitation{select.getColumn(0).getString(), select.getColumn(1).getString(),
                       select.getColumn(2).getString(), select.getColumn(3).getString(),
                       select.getColumn(4).getString(), TimeColumn(select.getColumn(5)),
                       select.getColumn(6).getString()};
}

absl::Status SqliteBidInvitationRepository::Insert(const BidInvitation& invitation) {
  SQLite::Statement& insert = sql_.Get(
      "INSERT INTO bid_invitations (id, job_id, seller_id, buyer_id, note, create_time) "
      "VALUES (?, ?, ?, ?, ?, ?)");
  insert.bind(1, invitation.id);
  insert.bind(2, invitation.job_id);
  insert.bind(3, invitation.seller_id);
  insert.bind(4, invitation.buyer_id);
  insert.bind(5, invitation.note);
  BindTime(insert, 6, invitation.create_time);
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) {
      return AlreadyExists(v1::DUPLICATE, "the seller was already invited to the job");
    }
    throw;
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> SqliteBidInvitationRepository::Exists(const std::string& job_id,
                                                           const std::string& seller_id) {
  SQLite::Statement& select =
      sql_.Get("SELECT 1 FROM bid_invitations WHERE job_id = ? AND seller_id = ?");
  select.bind(1, job_id);
  select.bind(2, seller_id);
  return select.executeStep();
}

// ---- portfolio ----

namespace {

constexpr char kPortfolioColumns[] =
    "id, seller_id, title, description, link_url, image_urls, skills, booking_id, version, "
    "create_time, update_time";

PortfolioItem PortfolioItemFromRow(SQLite::Statement& row) {
  PortfolioItem item;
  item.id = row.getColumn(0).getString();
  item.seller_id = row.getColumn(1).getString();
  item.title = row.getColumn(2).getString();
  item.description = row.getColumn(3).getString();
  item.link_url = row.getColumn(4).getString();
  item.image_urls = SplitList(row.getColumn(5).getString());
  item.skills = SplitList(row.getColumn(6).getString());
  item.booking_id = row.getColumn(7).getString();
  item.version = row.getColumn(8).getInt64();
  item.create_time = TimeColumn(row.getColumn(9));
  item.update_time = TimeColumn(row.getColumn(10));
  return item;
}

void BindPortfolioItem(SQLite::Statement& stmt, const PortfolioItem& item) {
  stmt.bind(1, item.id);
  stmt.bind(2, item.seller_id);
  stmt.bind(3, item.title);
  stmt.bind(4, item.description);
  stmt.bind(5, item.link_url);
  stmt.bind(6, JoinList(item.image_urls));
  stmt.bind(7, JoinList(item.skills));
  stmt.bind(8, item.booking_id);
  stmt.bind(9, static_cast<int64_t>(item.version));
  BindTime(stmt, 10, item.create_time);
  BindTime(stmt, 11, item.update_time);
}

}  // namespace

absl::StatusOr<PortfolioItem> SqlitePortfolioRepository::FindById(const std::string& id) {
  SQLite::Statement& select =
      sql_.Get(absl::StrCat("SELECT ", kPortfolioColumns, " FROM portfolio_items WHERE id = ?"));
  select.bind(1, id);
  if (!select.executeStep()) return NotFound(absl::StrCat("portfolio item ", id));
  return PortfolioItemFromRow(select);
}

absl::Status SqlitePortfolioRepository::Insert(const PortfolioItem& item) {
  SQLite::Statement& insert = sql_.Get(absl::StrCat(
      "INSERT INTO portfolio_items (", kPortfolioColumns, ") VALUES (?,?,?,?,?,?,?,?,?,?,?)"));
  BindPortfolioItem(insert, item);
  insert.exec();
  return absl::OkStatus();
}

absl::Status SqlitePortfolioRepository::Update(const PortfolioItem& item,
                                               int64_t expected_version) {
  SQLite::Statement& update = sql_.Get(
      "UPDATE portfolio_items SET id = ?1, seller_id = ?2, title = ?3, description = ?4, "
      "link_url = ?5, image_urls = ?6, skills = ?7, booking_id = ?8, version = ?9, "
      "create_time = ?10, update_time = ?11 WHERE id = ?1 AND version = ?12");
  BindPortfolioItem(update, item);
  update.bind(12, static_cast<int64_t>(expected_version));
  return update.exec() == 1 ? absl::OkStatus() : EtagMismatch("portfolio item");
}

absl::Status SqlitePortfolioRepository::Delete(const std::string& id) {
  SQLite::Statement& remove = sql_.Get("DELETE FROM portfolio_items WHERE id = ?");
  remove.bind(1, id);
  if (remove.exec() != 1) return NotFound(absl::StrCat("portfolio item ", id));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<PortfolioItem>> SqlitePortfolioRepository::ListBySeller(
    const std::string& seller_id, const std::optional<ListCursor>& after, int limit) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      "SELECT ", kPortfolioColumns, " FROM portfolio_items WHERE seller_id = ?1 AND (?2 IS NULL "
      "OR (create_time, id) < (?2, ?3)) ORDER BY create_time DESC, id DESC LIMIT ?4"));
  select.bind(1, seller_id);
  if (after.has_value()) {
    BindTime(select, 2, after->create_time);
    select.bind(3, after->id);
  }
  select.bind(4, limit);
  std::vector<PortfolioItem> items;
  while (select.executeStep()) items.push_back(PortfolioItemFromRow(select));
  return items;
}

absl::StatusOr<int> SqlitePortfolioRepository::CountBySeller(const std::string& seller_id) {
  SQLite::Statement& count =
      sql_.Get("SELECT COUNT(*) FROM portfolio_items WHERE seller_id = ?");
  count.bind(1, seller_id);
  count.executeStep();
  return count.getColumn(0).getInt();
}

}  // namespace gigwire
