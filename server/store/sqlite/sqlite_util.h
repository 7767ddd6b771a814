// Small helpers shared by the SQLite repositories: time columns (INTEGER
// microseconds), optional columns, blobs, newline-joined string lists and
// keyset cursors. Internal to server/store/sqlite.
#ifndef GIGWIRE_SERVER_STORE_SQLITE_SQLITE_UTIL_H_
#define GIGWIRE_SERVER_STORE_SQLITE_SQLITE_UTIL_H_

#include <sqlite3.h>

#include <optional>
#include <string>
#include <vector>

#include "SQLiteCpp/Statement.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "server/store/store.h"

namespace gigwire::sqlite {

inline int64_t Micros(absl::Time t) { return absl::ToUnixMicros(t); }
inline absl::Time TimeFromMicros(int64_t us) { return absl::FromUnixMicros(us); }

inline absl::Time TimeColumn(const SQLite::Column& column) {
  return TimeFromMicros(column.getInt64());
}

inline std::optional<absl::Time> OptionalTime(const SQLite::Column& column) {
  if (column.isNull()) return std::nullopt;
  return TimeFromMicros(column.getInt64());
}

inline void BindTime(SQLite::Statement& stmt, int index, absl::Time t) {
  stmt.bind(index, static_cast<int64_t>(Micros(t)));
}

inline void BindOptionalTime(SQLite::Statement& stmt, int index,
                             const std::optional<absl::Time>& t) {
  if (t.has_value()) {
    BindTime(stmt, index, *t);
  } else {
    stmt.bind(index);  // NULL
  }
}

inline void BindBlob(SQLite::Statement& stmt, int index, const std::string& bytes) {
  stmt.bind(index, bytes.data(), static_cast<int>(bytes.size()));
}

inline std::string BlobColumn(const SQLite::Column& column) {
  return std::string(static_cast<const char*>(column.getBlob()),
                     static_cast<size_t>(column.getBytes()));
}

// Lists are stored newline-joined (validation forbids newlines in items).
inline std::string JoinList(const std::vector<std::string>& items) {
  return absl::StrJoin(items, "\n");
}

inline std::vector<std::string> SplitList(const std::string& text) {
  if (text.empty()) return {};
  return absl::StrSplit(text, '\n');
}

inline bool IsUniqueViolation(const SQLite::Exception& e) {
  return e.getExtendedErrorCode() == SQLITE_CONSTRAINT_UNIQUE ||
         e.getExtendedErrorCode() == SQLITE_CONSTRAINT_PRIMARYKEY;
}

// Escapes % _ and \ for a LIKE pattern used with ESCAPE '\'.
inline std::string LikeContains(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('%');
  return out;
}

// Keyset condition for lists ordered by (create_time DESC, id DESC), on the
// columns of `table_alias` ("" for none). Append with AppendAfter, then bind
// with BindAfter in the same position order.
inline void AppendAfter(std::string& sql, const std::optional<ListCursor>& after,
                        const std::string& prefix = "") {
  if (after.has_value()) {
    absl::StrAppend(&sql, " AND (", prefix, "create_time < ? OR (", prefix,
                    "create_time = ? AND ", prefix, "id < ?))");
  }
}

inline int BindAfter(SQLite::Statement& stmt, int index, const std::optional<ListCursor>& after) {
  if (!after.has_value()) return index;
  BindTime(stmt, index++, after->create_time);
  BindTime(stmt, index++, after->create_time);
  stmt.bind(index++, after->id);
  return index;
}

}  // namespace gigwire::sqlite

#endif  // GIGWIRE_SERVER_STORE_SQLITE_SQLITE_UTIL_H_
