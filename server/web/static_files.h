// The web console's files (the build output named by --web-root), read into
// memory once at startup and served at "/" by the web server. Lookups go
// through a table of the files found, so no request path can reach outside
// the directory. A path that names no file and has no extension gets
// index.html (the console routes in the browser).
//
// Thread safety: immutable after Load.
#ifndef GIGWIRE_SERVER_WEB_STATIC_FILES_H_
#define GIGWIRE_SERVER_WEB_STATIC_FILES_H_

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gigwire::web {

struct StaticFile {
  std::string body;
  std::string content_type;
  std::string etag;  // quoted, from the content
};

class StaticFiles {
 public:
  // Reads every regular file under `dir` (symlinks not followed, dotfiles
  // skipped). Errors: NOT_FOUND if `dir` is not a directory; INVALID_ARGUMENT
  // if the files exceed `max_total_bytes`.
  static absl::StatusOr<StaticFiles> Load(const std::string& dir, uint64_t max_total_bytes);

  // The file for a request path ("/", "/app.js", "/jobs/123"), or nullptr.
  const StaticFile* Find(absl::string_view request_path) const;

  size_t size() const { return files_.size(); }

 private:
  absl::flat_hash_map<std::string, StaticFile> files_;  // by "/relative/path"
};

// The Content-Type for a file name, by extension; application/octet-stream
// when unknown.
absl::string_view ContentTypeFor(absl::string_view file_name);

}  // namespace gigwire::web

#endif  // GIGWIRE_SERVER_WEB_STATIC_FILES_H_
