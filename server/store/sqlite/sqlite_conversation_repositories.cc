// The SQL of messaging and files: conversations and their admins, messages,
// read marks, blocks and file metadata. See
// server/store/conversation_repository.h, file_repository.h and migration v10.
#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_catalog_sql.h"
#include "server/store/sqlite/sqlite_repositories.h"
#include "server/store/sqlite/sqlite_util.h"

namespace gigwire {
namespace {

using sqlite::BindAll;
using sqlite::BindOptionalTime;
using sqlite::BindTime;
using sqlite::BoundSql;
using sqlite::Micros;
using sqlite::OptionalTime;
using sqlite::TimeColumn;
using sqlite::Where;

// Empty ids are stored as NULL, so that job_id and booking_id keep their
// foreign keys.
void BindOptionalId(SQLite::Statement& stmt, int index, const std::string& id) {
  if (id.empty()) {
    stmt.bind(index);  // NULL
  } else {
    stmt.bind(index, id);
  }
}

std::string IdColumn(const SQLite::Column& column) {
  return column.isNull() ? std::string() : column.getString();
}

// Runs an INSERT or UPDATE; a uniqueness clash is ALREADY_EXISTS (DUPLICATE)
// with `what`. Returns the rows changed.
absl::StatusOr<int> ExecUnique(SQLite::Statement& stmt, absl::string_view what) {
  try {
    return stmt.exec();
  } catch (const SQLite::Exception& e) {
    if (sqlite::IsUniqueViolation(e)) return AlreadyExists(v1::DUPLICATE, what);
    throw;
  }
}

template <typename T>
std::vector<T> ReadAll(StatementCache& sql, const BoundSql& bound,
                       T (*from_row)(SQLite::Statement&)) {
  SQLite::Statement& select = sql.Get(bound.sql);
  BindAll(select, bound);
  std::vector<T> rows;
  while (select.executeStep()) rows.push_back(from_row(select));
  return rows;
}

// One value of a single-row, single-column query of `bound`.
int64_t ReadCount(StatementCache& sql, const BoundSql& bound) {
  SQLite::Statement& select = sql.Get(bound.sql);
  BindAll(select, bound);
  if (!select.executeStep()) return 0;
  return select.getColumn(0).getInt64();
}

// ---- conversations ----

constexpr char kConversationColumns[] =
    "id, job_id, booking_id, buyer_id, seller_id, last_message_seq, last_activity_time, "
    "version, create_time, update_time";

Conversation ConversationFromRow(SQLite::Statement& row) {
  Conversation c;
  c.id = row.getColumn(0).getString();
  c.job_id = IdColumn(row.getColumn(1));
  c.booking_id = IdColumn(row.getColumn(2));
  c.buyer_id = row.getColumn(3).getString();
  c.seller_id = row.getColumn(4).getString();
  c.last_message_seq = row.getColumn(5).getInt64();
  c.last_activity_time = TimeColumn(row.getColumn(6));
  c.version = row.getColumn(7).getInt64();
  c.create_time = TimeColumn(row.getColumn(8));
  c.update_time = TimeColumn(row.getColumn(9));
  return c;
}

constexpr char kConversationExists[] =
    "these two already have a conversation about this job or booking";

// ---- messages ----

constexpr char kMessageColumns[] =
    "conversation_id, seq, id, sender_id, text, hidden, hidden_by, hidden_reason, hide_time, "
    "create_time";

Message MessageFromRow(SQLite::Statement& row) {
  Message m;
  m.conversation_id = row.getColumn(0).getString();
  m.seq = row.getColumn(1).getInt64();
  m.id = row.getColumn(2).getString();
  m.sender_id = row.getColumn(3).getString();
  m.text = row.getColumn(4).getString();
  m.hidden = row.getColumn(5).getInt() != 0;
  m.hidden_by = row.getColumn(6).getString();
  m.hidden_reason = row.getColumn(7).getString();
  m.hide_time = OptionalTime(row.getColumn(8));
  m.create_time = TimeColumn(row.getColumn(9));
  return m;
}

// ---- blocks ----

Block BlockFromRow(SQLite::Statement& row) {
  return Block{row.getColumn(0).getString(), row.getColumn(1).getString(),
               TimeColumn(row.getColumn(2))};
}

// ---- files ----

constexpr char kFileColumns[] =
    "id, owner_id, sha256_hex, size_bytes, content_type, name, attached_kind, attached_id, "
    "create_time, attach_time";

StoredFile FileFromRow(SQLite::Statement& row) {
  StoredFile f;
  f.id = row.getColumn(0).getString();
  f.owner_id = row.getColumn(1).getString();
  f.sha256_hex = row.getColumn(2).getString();
  f.size_bytes = row.getColumn(3).getInt64();
  f.content_type = row.getColumn(4).getString();
  f.name = row.getColumn(5).getString();
  f.attached_kind = static_cast<AttachmentKind>(row.getColumn(6).getInt());
  f.attached_to_id = row.getColumn(7).getString();
  f.create_time = TimeColumn(row.getColumn(8));
  f.attach_time = OptionalTime(row.getColumn(9));
  return f;
}

// Attaches an unattached file after those already attached to the target
// (the position is the next after the highest: a deleted file leaves a gap,
// never a clash). Shared by FileRepository::Attach and MessageRepository::Append.
absl::Status AttachFile(StatementCache& sql, const std::string& file_id, AttachmentKind kind,
                        const std::string& attached_to_id, absl::Time when) {
  if (kind == AttachmentKind::kNone || attached_to_id.empty()) {
    return Internal(absl::StrCat("file ", file_id, ": attached to nothing"));
  }
  SQLite::Statement& update = sql.Get(
      "UPDATE files SET attached_kind = ?1, attached_id = ?2, attach_time = ?3, "
      "attach_position = (SELECT COALESCE(MAX(attach_position) + 1, 0) FROM files "
      "WHERE attached_kind = ?1 AND attached_id = ?2) "
      "WHERE id = ?4 AND attached_kind = 0");
  update.bind(1, static_cast<int>(kind));
  update.bind(2, attached_to_id);
  BindTime(update, 3, when);
  update.bind(4, file_id);
  if (update.exec() == 1) return absl::OkStatus();
  BoundSql exists{"SELECT COUNT(*) FROM files WHERE id = ?", {file_id}};
  if (ReadCount(sql, exists) == 0) return NotFound(absl::StrCat("file ", file_id));
  return EtagMismatch(absl::StrCat("file ", file_id, " (attached meanwhile)"));
}

}  // namespace

// ---- conversations ----

absl::StatusOr<Conversation> SqliteConversationRepository::FindById(const std::string& id) {
  BoundSql bound{absl::StrCat("SELECT ", kConversationColumns, " FROM conversations WHERE id = ?"),
                 {id}};
  std::vector<Conversation> found = ReadAll(sql_, bound, &ConversationFromRow);
  if (found.empty()) return NotFound(absl::StrCat("conversation ", id));
  LoadAdmins(found);
  return found.front();
}

absl::StatusOr<Conversation> SqliteConversationRepository::FindFor(
    const std::string& job_id, const std::string& booking_id, const std::string& buyer_id,
    const std::string& seller_id) {
  if (job_id.empty() && booking_id.empty()) {
    return Internal("a conversation is looked up by its job or booking");
  }
  // The same conditions as the unique partial indexes, so each lookup is one.
  BoundSql bound{absl::StrCat("SELECT ", kConversationColumns, " FROM conversations WHERE ",
                              job_id.empty() ? "job_id IS NULL AND booking_id = ?"
                                             : "job_id = ?",
                              " AND buyer_id = ? AND seller_id = ?"),
                 {job_id.empty() ? booking_id : job_id, buyer_id, seller_id}};
  std::vector<Conversation> found = ReadAll(sql_, bound, &ConversationFromRow);
  if (found.empty()) return NotFound("conversation between these two");
  LoadAdmins(found);
  return found.front();
}

absl::Status SqliteConversationRepository::Insert(const Conversation& c) {
  SQLite::Statement& insert = sql_.Get(absl::StrCat(
      "INSERT INTO conversations (", kConversationColumns, ") VALUES (?,?,?,?,?,?,?,?,?,?)"));
  insert.bind(1, c.id);
  BindOptionalId(insert, 2, c.job_id);
  BindOptionalId(insert, 3, c.booking_id);
  insert.bind(4, c.buyer_id);
  insert.bind(5, c.seller_id);
  insert.bind(6, c.last_message_seq);
  BindTime(insert, 7, c.last_activity_time);
  insert.bind(8, c.version);
  BindTime(insert, 9, c.create_time);
  BindTime(insert, 10, c.update_time);
  return ExecUnique(insert, kConversationExists).status();
}

absl::Status SqliteConversationRepository::Update(const Conversation& c,
                                                  int64_t expected_version) {
  SQLite::Statement& update = sql_.Get(
      "UPDATE conversations SET job_id = ?2, booking_id = ?3, version = ?4, update_time = ?5 "
      "WHERE id = ?1 AND version = ?6");
  update.bind(1, c.id);
  BindOptionalId(update, 2, c.job_id);
  BindOptionalId(update, 3, c.booking_id);
  update.bind(4, c.version);
  BindTime(update, 5, c.update_time);
  update.bind(6, expected_version);
  GW_ASSIGN_OR_RETURN(int changed, ExecUnique(update, kConversationExists));
  if (changed == 1) return absl::OkStatus();
  GW_RETURN_IF_ERROR(FindById(c.id).status());
  return EtagMismatch("conversation");
}

absl::Status SqliteConversationRepository::AddAdmin(const std::string& conversation_id,
                                                    const std::string& admin_id,
                                                    absl::Time when) {
  BoundSql exists{"SELECT COUNT(*) FROM conversations WHERE id = ?", {conversation_id}};
  if (ReadCount(sql_, exists) == 0) return NotFound(absl::StrCat("conversation ", conversation_id));
  // ON CONFLICT names the key, so only a second join is ignored (unlike
  // INSERT OR IGNORE, which would also swallow NOT NULL and CHECK failures).
  SQLite::Statement& insert = sql_.Get(
      "INSERT INTO conversation_admins (conversation_id, admin_id, join_time) VALUES (?, ?, ?) "
      "ON CONFLICT (conversation_id, admin_id) DO NOTHING");
  insert.bind(1, conversation_id);
  insert.bind(2, admin_id);
  BindTime(insert, 3, when);
  insert.exec();
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Conversation>> SqliteConversationRepository::ListForUser(
    const ConversationQuery& q) {
  // Each role is its own index range in list order, cut at the cursor and
  // the limit before the union, so a page costs O(limit) however many
  // conversations the user has.
  std::string keyset =
      q.after.has_value() ? " AND (c.last_activity_time, c.id) < (:time, :id)" : "";
  auto part = [&](absl::string_view from_where) {
    return absl::StrCat("SELECT id FROM (SELECT c.id ", from_where, keyset,
                        " ORDER BY c.last_activity_time DESC, c.id DESC LIMIT :limit)");
  };
  std::string sql = absl::StrCat(
      "SELECT ", kConversationColumns, " FROM conversations WHERE id IN (",
      part("FROM conversations c WHERE c.buyer_id = :user"), " UNION ",
      part("FROM conversations c WHERE c.seller_id = :user"), " UNION ",
      part("FROM conversation_admins a JOIN conversations c ON c.id = a.conversation_id "
           "WHERE a.admin_id = :user"),
      ") ORDER BY last_activity_time DESC, id DESC LIMIT :limit");
  SQLite::Statement& select = sql_.Get(sql);
  select.bind(":user", q.user_id);
  select.bind(":limit", static_cast<int64_t>(q.limit));
  if (q.after.has_value()) {
    select.bind(":time", static_cast<int64_t>(Micros(q.after->create_time)));
    select.bind(":id", q.after->id);
  }
  std::vector<Conversation> rows;
  while (select.executeStep()) rows.push_back(ConversationFromRow(select));
  LoadAdmins(rows);
  return rows;
}

void SqliteConversationRepository::LoadAdmins(std::vector<Conversation>& conversations) {
  for (Conversation& c : conversations) {
    SQLite::Statement& select = sql_.Get(
        "SELECT admin_id FROM conversation_admins WHERE conversation_id = ? "
        "ORDER BY join_time, admin_id");
    select.bind(1, c.id);
    while (select.executeStep()) c.admin_ids.push_back(select.getColumn(0).getString());
  }
}

// ---- messages ----

absl::StatusOr<int64_t> SqliteMessageRepository::Append(const Message& m) {
  // The message first, numbered from its conversation's row: a clash leaves
  // the conversation as it was.
  SQLite::Statement& insert = sql_.Get(absl::StrCat(
      "INSERT INTO messages (", kMessageColumns, ") "
      "SELECT id, last_message_seq + 1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM conversations "
      "WHERE id = ?1 RETURNING seq"));
  insert.bind(1, m.conversation_id);
  insert.bind(2, m.id);
  insert.bind(3, m.sender_id);
  insert.bind(4, m.text);
  insert.bind(5, m.hidden ? 1 : 0);
  insert.bind(6, m.hidden_by);
  insert.bind(7, m.hidden_reason);
  BindOptionalTime(insert, 8, m.hide_time);
  BindTime(insert, 9, m.create_time);
  int64_t seq = 0;
  try {
    if (!insert.executeStep()) return NotFound(absl::StrCat("conversation ", m.conversation_id));
    seq = insert.getColumn(0).getInt64();
    insert.executeStep();  // finishes the statement (RETURNING yields one row)
  } catch (const SQLite::Exception& e) {
    if (sqlite::IsUniqueViolation(e)) {
      return AlreadyExists(v1::DUPLICATE, "a message with this id exists");
    }
    throw;
  }
  SQLite::Statement& update = sql_.Get(
      "UPDATE conversations SET last_message_seq = ?2, "
      "last_activity_time = MAX(last_activity_time, ?3), update_time = MAX(update_time, ?3) "
      "WHERE id = ?1");
  update.bind(1, m.conversation_id);
  update.bind(2, seq);
  BindTime(update, 3, m.create_time);
  update.exec();
  for (const std::string& file_id : m.attachment_ids) {
    GW_RETURN_IF_ERROR(AttachFile(sql_, file_id, AttachmentKind::kMessage, m.id, m.create_time));
  }
  return seq;
}

absl::StatusOr<Message> SqliteMessageRepository::FindById(const std::string& id) {
  BoundSql bound{absl::StrCat("SELECT ", kMessageColumns, " FROM messages WHERE id = ?"), {id}};
  std::vector<Message> found = ReadAll(sql_, bound, &MessageFromRow);
  if (found.empty()) return NotFound(absl::StrCat("message ", id));
  LoadAttachments(found);
  return found.front();
}

absl::StatusOr<std::vector<Message>> SqliteMessageRepository::List(const MessageQuery& q) {
  if (q.before_seq > 0 && q.after_seq != 0) {
    return Internal("a message page is either before or after a seq");
  }
  BoundSql bound;
  if (q.before_seq > 0) {
    // The newest `limit` before it, turned back into ascending order.
    bound = {absl::StrCat("SELECT * FROM (SELECT ", kMessageColumns,
                          " FROM messages WHERE conversation_id = ? AND seq < ? "
                          "ORDER BY seq DESC LIMIT ?) ORDER BY seq"),
             {q.conversation_id, q.before_seq, static_cast<int64_t>(q.limit)}};
  } else {
    bound = {absl::StrCat("SELECT ", kMessageColumns,
                          " FROM messages WHERE conversation_id = ? AND seq > ? "
                          "ORDER BY seq LIMIT ?"),
             {q.conversation_id, q.after_seq, static_cast<int64_t>(q.limit)}};
  }
  std::vector<Message> rows = ReadAll(sql_, bound, &MessageFromRow);
  LoadAttachments(rows);
  return rows;
}

void SqliteMessageRepository::LoadAttachments(std::vector<Message>& messages) {
  for (Message& m : messages) {
    SQLite::Statement& select = sql_.Get(
        "SELECT id FROM files WHERE attached_kind = 1 AND attached_id = ? "
        "ORDER BY attach_position");
    select.bind(1, m.id);
    while (select.executeStep()) m.attachment_ids.push_back(select.getColumn(0).getString());
  }
}

absl::Status SqliteMessageRepository::Hide(const std::string& id, const std::string& by,
                                           const std::string& reason, absl::Time when) {
  SQLite::Statement& update = sql_.Get(
      "UPDATE messages SET hidden = 1, hidden_by = ?, hidden_reason = ?, hide_time = ? "
      "WHERE id = ?");
  update.bind(1, by);
  update.bind(2, reason);
  BindTime(update, 3, when);
  update.bind(4, id);
  if (update.exec() == 0) return NotFound(absl::StrCat("message ", id));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SqliteMessageRepository::UnreadCount(const std::string& conversation_id,
                                                             const std::string& user_id) {
  BoundSql bound{
      "SELECT COUNT(*) FROM messages WHERE conversation_id = ?1 AND sender_id != ?2 AND seq > "
      "COALESCE((SELECT last_read_seq FROM read_marks WHERE conversation_id = ?1 "
      "AND user_id = ?2), 0)",
      {conversation_id, user_id}};
  return ReadCount(sql_, bound);
}

absl::StatusOr<ReadMark> SqliteMessageRepository::GetReadMark(const std::string& conversation_id,
                                                              const std::string& user_id) {
  SQLite::Statement& select = sql_.Get(
      "SELECT last_read_seq, update_time FROM read_marks "
      "WHERE conversation_id = ? AND user_id = ?");
  select.bind(1, conversation_id);
  select.bind(2, user_id);
  ReadMark mark{conversation_id, user_id, 0, absl::InfinitePast()};
  if (select.executeStep()) {
    mark.last_read_seq = select.getColumn(0).getInt64();
    mark.update_time = TimeColumn(select.getColumn(1));
  }
  return mark;
}

absl::StatusOr<ReadMark> SqliteMessageRepository::SetReadMark(const ReadMark& mark) {
  // Capped at the conversation's last message, and moved only forward: an
  // older mark arriving late (a slow client, a retry) changes nothing.
  SQLite::Statement& upsert = sql_.Get(
      "INSERT INTO read_marks (conversation_id, user_id, last_read_seq, update_time) "
      "SELECT id, ?2, MIN(MAX(?3, 0), last_message_seq), ?4 FROM conversations WHERE id = ?1 "
      "ON CONFLICT (conversation_id, user_id) DO UPDATE SET "
      "last_read_seq = excluded.last_read_seq, update_time = excluded.update_time "
      "WHERE excluded.last_read_seq > read_marks.last_read_seq");
  upsert.bind(1, mark.conversation_id);
  upsert.bind(2, mark.user_id);
  upsert.bind(3, mark.last_read_seq);
  BindTime(upsert, 4, mark.update_time);
  upsert.exec();
  BoundSql exists{"SELECT COUNT(*) FROM conversations WHERE id = ?", {mark.conversation_id}};
  if (ReadCount(sql_, exists) == 0) {
    return NotFound(absl::StrCat("conversation ", mark.conversation_id));
  }
  return GetReadMark(mark.conversation_id, mark.user_id);
}

// ---- blocks ----

absl::Status SqliteBlockRepository::Block(const std::string& blocker_id,
                                          const std::string& blocked_id, absl::Time when) {
  if (blocker_id == blocked_id) return Internal("a user cannot block themself");
  SQLite::Statement& insert = sql_.Get(
      "INSERT INTO blocks (blocker_id, blocked_id, create_time) VALUES (?, ?, ?) "
      "ON CONFLICT (blocker_id, blocked_id) DO NOTHING");
  insert.bind(1, blocker_id);
  insert.bind(2, blocked_id);
  BindTime(insert, 3, when);
  insert.exec();
  return absl::OkStatus();
}

absl::Status SqliteBlockRepository::Unblock(const std::string& blocker_id,
                                            const std::string& blocked_id) {
  SQLite::Statement& remove =
      sql_.Get("DELETE FROM blocks WHERE blocker_id = ? AND blocked_id = ?");
  remove.bind(1, blocker_id);
  remove.bind(2, blocked_id);
  remove.exec();
  return absl::OkStatus();
}

absl::StatusOr<bool> SqliteBlockRepository::IsBlockedEitherWay(const std::string& a,
                                                               const std::string& b) {
  // Two primary-key lookups.
  BoundSql bound{
      "SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ?1 AND blocked_id = ?2) "
      "OR EXISTS (SELECT 1 FROM blocks WHERE blocker_id = ?2 AND blocked_id = ?1)",
      {a, b}};
  return ReadCount(sql_, bound) != 0;
}

absl::StatusOr<std::vector<gigwire::Block>> SqliteBlockRepository::ListByBlocker(
    const std::string& blocker_id) {
  BoundSql bound{"SELECT blocker_id, blocked_id, create_time FROM blocks WHERE blocker_id = ? "
                 "ORDER BY create_time DESC, blocked_id DESC",
                 {blocker_id}};
  return ReadAll(sql_, bound, &BlockFromRow);
}

// ---- files ----

absl::Status SqliteFileRepository::Insert(const StoredFile& f) {
  SQLite::Statement& insert = sql_.Get(
      "INSERT INTO files (id, owner_id, sha256_hex, size_bytes, content_type, name, create_time) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, f.id);
  insert.bind(2, f.owner_id);
  insert.bind(3, f.sha256_hex);
  insert.bind(4, f.size_bytes);
  insert.bind(5, f.content_type);
  insert.bind(6, f.name);
  BindTime(insert, 7, f.create_time);
  return ExecUnique(insert, "a file with this id exists").status();
}

absl::StatusOr<StoredFile> SqliteFileRepository::FindById(const std::string& id) {
  BoundSql bound{absl::StrCat("SELECT ", kFileColumns, " FROM files WHERE id = ?"), {id}};
  std::vector<StoredFile> found = ReadAll(sql_, bound, &FileFromRow);
  if (found.empty()) return NotFound(absl::StrCat("file ", id));
  return found.front();
}

absl::Status SqliteFileRepository::Attach(const std::string& file_id, AttachmentKind kind,
                                          const std::string& attached_to_id, absl::Time when) {
  return AttachFile(sql_, file_id, kind, attached_to_id, when);
}

absl::StatusOr<std::vector<StoredFile>> SqliteFileRepository::ListAttached(
    AttachmentKind kind, const std::string& attached_to_id) {
  BoundSql bound{absl::StrCat("SELECT ", kFileColumns,
                              " FROM files WHERE attached_kind = ? AND attached_id = ? "
                              "ORDER BY attach_position"),
                 {static_cast<int64_t>(kind), attached_to_id}};
  if (kind == AttachmentKind::kNone) return std::vector<StoredFile>{};
  return ReadAll(sql_, bound, &FileFromRow);
}

absl::StatusOr<int64_t> SqliteFileRepository::TotalBytesOf(const std::string& owner_id) {
  // SUM fails (INTERNAL) rather than overflow.
  BoundSql bound{"SELECT COALESCE(SUM(size_bytes), 0) FROM files WHERE owner_id = ?", {owner_id}};
  return ReadCount(sql_, bound);
}

absl::StatusOr<std::vector<StoredFile>> SqliteFileRepository::ListUnattachedBefore(
    absl::Time cutoff, int limit) {
  BoundSql bound{absl::StrCat("SELECT ", kFileColumns,
                              " FROM files WHERE attached_kind = 0 AND create_time < ? "
                              "ORDER BY create_time, id LIMIT ?"),
                 {Micros(cutoff), static_cast<int64_t>(limit)}};
  return ReadAll(sql_, bound, &FileFromRow);
}

absl::Status SqliteFileRepository::Delete(const std::string& file_id) {
  SQLite::Statement& remove = sql_.Get("DELETE FROM files WHERE id = ?");
  remove.bind(1, file_id);
  if (remove.exec() == 0) return NotFound(absl::StrCat("file ", file_id));
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SqliteFileRepository::CountReferences(const std::string& sha256_hex) {
  BoundSql bound{"SELECT COUNT(*) FROM files WHERE sha256_hex = ?", {sha256_hex}};
  return ReadCount(sql_, bound);
}

}  // namespace gigwire
