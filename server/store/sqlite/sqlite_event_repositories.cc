// SQL of the outbox (events, event_retention) and the inbox (notifications);
// see migrations.cc (v3) for the schema and store.h for the contracts.
#include "server/store/sqlite/sqlite_repositories.h"

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_util.h"

namespace gigwire {
namespace {

using namespace ::gigwire::sqlite;  // NOLINT: small helpers of this layer

constexpr char kEventColumns[] =
    "sequence, type, create_time, actor_id, resource_id, job_id, buyer_id, seller_id, payload";

EventRecord EventFromRow(SQLite::Statement& row) {
  EventRecord event;
  event.sequence = row.getColumn(0).getInt64();
  event.type = static_cast<EventType>(row.getColumn(1).getInt());
  event.create_time = TimeColumn(row.getColumn(2));
  event.actor_id = row.getColumn(3).getString();
  event.resource_id = row.getColumn(4).getString();
  event.job_id = row.getColumn(5).getString();
  event.buyer_id = row.getColumn(6).getString();
  event.seller_id = row.getColumn(7).getString();
  event.payload = BlobColumn(row.getColumn(8));
  return event;
}

constexpr char kNotificationColumns[] =
    "user_id, sequence, type, summary, resource_id, job_id, read, create_time";

Notification NotificationFromRow(SQLite::Statement& row) {
  Notification n;
  n.user_id = row.getColumn(0).getString();
  n.sequence = row.getColumn(1).getInt64();
  n.type = static_cast<EventType>(row.getColumn(2).getInt());
  n.summary = row.getColumn(3).getString();
  n.resource_id = row.getColumn(4).getString();
  n.job_id = row.getColumn(5).getString();
  n.read = row.getColumn(6).getInt() != 0;
  n.create_time = TimeColumn(row.getColumn(7));
  return n;
}

}  // namespace

// ---- events ----

absl::StatusOr<int64_t> SqliteEventRepository::Append(const EventRecord& event) {
  SQLite::Statement& insert = sql_.Get(
      "INSERT INTO events (type, create_time, actor_id, resource_id, job_id, buyer_id, "
      "seller_id, payload) VALUES (?,?,?,?,?,?,?,?)");
  insert.bind(1, static_cast<int>(event.type));
  BindTime(insert, 2, event.create_time);
  insert.bind(3, event.actor_id);
  insert.bind(4, event.resource_id);
  insert.bind(5, event.job_id);
  insert.bind(6, event.buyer_id);
  insert.bind(7, event.seller_id);
  BindBlob(insert, 8, event.payload);
  insert.exec();
  ++appended_;
  return static_cast<int64_t>(sql_.db().getLastInsertRowid());
}

absl::StatusOr<std::vector<EventRecord>> SqliteEventRepository::ListAfter(int64_t after,
                                                                          int limit) {
  SQLite::Statement& select = sql_.Get(absl::StrCat(
      "SELECT ", kEventColumns, " FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?"));
  select.bind(1, after);
  select.bind(2, limit);
  std::vector<EventRecord> events;
  while (select.executeStep()) events.push_back(EventFromRow(select));
  return events;
}

absl::StatusOr<int64_t> SqliteEventRepository::LatestSequence() {
  // AUTOINCREMENT keeps the highest sequence ever used here, even when
  // retention has deleted every event; no row before the first append.
  SQLite::Statement& select = sql_.Get("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
  if (!select.executeStep()) return int64_t{0};
  return select.getColumn(0).getInt64();
}

absl::StatusOr<int64_t> SqliteEventRepository::PrunedThrough() {
  SQLite::Statement& select =
      sql_.Get("SELECT pruned_through FROM event_retention WHERE id = 1");
  if (!select.executeStep()) return Internal("the event retention row is missing");
  return select.getColumn(0).getInt64();
}

// Deletes a prefix of the log in sequence order, so that everything at or
// below PrunedThrough is gone and everything above it is kept: it walks at
// most `limit` of the oldest events and stops at the first one not before
// `cutoff` (an event written under a clock that stepped back waits its turn).
absl::StatusOr<int> SqliteEventRepository::DeleteBefore(absl::Time cutoff, int limit) {
  int64_t last = 0;
  {
    SQLite::Statement& head =
        sql_.Get("SELECT sequence, create_time FROM events ORDER BY sequence LIMIT ?");
    head.bind(1, limit);
    while (head.executeStep() && TimeColumn(head.getColumn(1)) < cutoff) {
      last = head.getColumn(0).getInt64();
    }
    head.tryReset();
  }
  if (last == 0) return 0;
  SQLite::Statement& remove = sql_.Get("DELETE FROM events WHERE sequence <= ?");
  remove.bind(1, last);
  const int deleted = remove.exec();
  SQLite::Statement& raise = sql_.Get(
      "UPDATE event_retention SET pruned_through = MAX(pruned_through, ?) WHERE id = 1");
  raise.bind(1, last);
  raise.exec();
  return deleted;
}

// Reads every event of the resource first (through the events_by_resource
// index), then rewrites them one by one: no update runs under an open read
// of the same table.
absl::StatusOr<int> SqliteEventRepository::RewritePayloads(
    const std::string& resource_id,
    absl::FunctionRef<std::string(const EventRecord&)> payload_of) {
  std::vector<EventRecord> events;
  {
    SQLite::Statement& select = sql_.Get(absl::StrCat(
        "SELECT ", kEventColumns, " FROM events WHERE resource_id = ? ORDER BY sequence"));
    select.bind(1, resource_id);
    while (select.executeStep()) events.push_back(EventFromRow(select));
    select.tryReset();
  }
  SQLite::Statement& update = sql_.Get("UPDATE events SET payload = ? WHERE sequence = ?");
  for (const EventRecord& event : events) {
    BindBlob(update, 1, payload_of(event));
    update.bind(2, event.sequence);
    update.exec();
    update.tryReset();
  }
  return static_cast<int>(events.size());
}

// ---- notifications ----

absl::Status SqliteNotificationRepository::Insert(const Notification& n) {
  SQLite::Statement& insert = sql_.Get(absl::StrCat(
      "INSERT INTO notifications (", kNotificationColumns, ") VALUES (?,?,?,?,?,?,?,?)"));
  insert.bind(1, n.user_id);
  insert.bind(2, n.sequence);
  insert.bind(3, static_cast<int>(n.type));
  insert.bind(4, n.summary);
  insert.bind(5, n.resource_id);
  insert.bind(6, n.job_id);
  insert.bind(7, n.read ? 1 : 0);
  BindTime(insert, 8, n.create_time);
  try {
    insert.exec();
  } catch (const SQLite::Exception& e) {
    if (IsUniqueViolation(e)) {
      return AlreadyExists(v1::DUPLICATE, "the user already has this notification");
    }
    throw;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Notification>> SqliteNotificationRepository::List(
    const NotificationQuery& query) {
  std::string sql =
      absl::StrCat("SELECT ", kNotificationColumns, " FROM notifications WHERE user_id = ?");
  if (query.unread_only) absl::StrAppend(&sql, " AND read = 0");
  if (query.before_sequence.has_value()) absl::StrAppend(&sql, " AND sequence < ?");
  absl::StrAppend(&sql, " ORDER BY sequence DESC LIMIT ?");
  SQLite::Statement& select = sql_.Get(sql);
  int index = 1;
  select.bind(index++, query.user_id);
  if (query.before_sequence.has_value()) select.bind(index++, *query.before_sequence);
  select.bind(index, query.limit);
  std::vector<Notification> notifications;
  while (select.executeStep()) notifications.push_back(NotificationFromRow(select));
  return notifications;
}

absl::StatusOr<int> SqliteNotificationRepository::CountUnread(const std::string& user_id) {
  SQLite::Statement& count =
      sql_.Get("SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read = 0");
  count.bind(1, user_id);
  count.executeStep();
  return count.getColumn(0).getInt();
}

absl::StatusOr<int> SqliteNotificationRepository::MarkRead(
    const std::string& user_id, const std::vector<int64_t>& sequences) {
  int changed = 0;
  for (int64_t sequence : sequences) {
    SQLite::Statement& update = sql_.Get(
        "UPDATE notifications SET read = 1 WHERE user_id = ? AND sequence = ? AND read = 0");
    update.bind(1, user_id);
    update.bind(2, sequence);
    changed += update.exec();
  }
  return changed;
}

absl::StatusOr<int> SqliteNotificationRepository::MarkReadUpTo(const std::string& user_id,
                                                               int64_t up_to) {
  SQLite::Statement& update = sql_.Get(
      "UPDATE notifications SET read = 1 WHERE user_id = ? AND read = 0 AND sequence <= ?");
  update.bind(1, user_id);
  update.bind(2, up_to);
  return update.exec();
}

absl::StatusOr<int> SqliteNotificationRepository::DeleteBefore(absl::Time cutoff, int limit) {
  SQLite::Statement& remove = sql_.Get(
      "DELETE FROM notifications WHERE (user_id, sequence) IN (SELECT user_id, sequence "
      "FROM notifications WHERE create_time < ? ORDER BY create_time LIMIT ?)");
  BindTime(remove, 1, cutoff);
  remove.bind(2, limit);
  return remove.exec();
}

}  // namespace gigwire
