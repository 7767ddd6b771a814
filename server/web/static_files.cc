// The console's files in memory; see static_files.h.
#include "server/web/static_files.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "absl/hash/hash.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gigwire::web {
namespace {

namespace fs = std::filesystem;

struct Extension {
  const char* suffix;
  const char* type;
};
constexpr Extension kTypes[] = {
    {".html", "text/html; charset=utf-8"},  {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},          {".map", "application/json"},
    {".svg", "image/svg+xml"},              {".png", "image/png"},
    {".ico", "image/x-icon"},               {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},  {".webmanifest", "application/manifest+json"},
};

bool IsHidden(const fs::path& relative) {
  for (const fs::path& part : relative) {
    if (absl::StartsWith(part.string(), ".")) return true;
  }
  return false;
}

absl::StatusOr<std::string> ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  if (!in || !(buffer << in.rdbuf())) {
    return absl::NotFoundError(absl::StrCat("cannot read ", path.string()));
  }
  return buffer.str();
}

}  // namespace

absl::string_view ContentTypeFor(absl::string_view file_name) {
  for (const Extension& extension : kTypes) {
    if (absl::EndsWith(file_name, extension.suffix)) return extension.type;
  }
  return "application/octet-stream";
}

absl::StatusOr<StaticFiles> StaticFiles::Load(const std::string& dir, uint64_t max_total_bytes) {
  std::error_code error;
  if (!fs::is_directory(dir, error)) {
    return absl::NotFoundError(absl::StrCat("--web-root ", dir, " is not a directory"));
  }
  StaticFiles files;
  uint64_t total = 0;
  const fs::recursive_directory_iterator end;
  for (fs::recursive_directory_iterator it(dir, error); !error && it != end; it.increment(error)) {
    const fs::directory_entry& entry = *it;
    if (!entry.is_regular_file(error) || entry.is_symlink(error)) continue;
    const fs::path relative = fs::relative(entry.path(), dir);
    if (IsHidden(relative)) continue;
    absl::StatusOr<std::string> body = ReadWhole(entry.path());
    if (!body.ok()) return body.status();
    total += body->size();
    if (total > max_total_bytes) {
      return absl::InvalidArgumentError(
          absl::StrCat("--web-root ", dir, " holds more than ", max_total_bytes, " bytes"));
    }
    StaticFile file;
    file.content_type = std::string(ContentTypeFor(relative.string()));
    file.etag = absl::StrFormat("\"%016x\"", absl::HashOf(*body));
    file.body = *std::move(body);
    files.files_.emplace(absl::StrCat("/", relative.generic_string()), std::move(file));
  }
  if (error) return absl::NotFoundError(absl::StrCat("cannot list ", dir, ": ", error.message()));
  return files;
}

const StaticFile* StaticFiles::Find(absl::string_view request_path) const {
  std::string path(request_path.substr(0, request_path.find_first_of("?#")));
  if (path.empty() || path == "/") path = "/index.html";
  if (auto it = files_.find(path); it != files_.end()) return &it->second;
  const size_t last_slash = path.rfind('/');
  if (path.find('.', last_slash) != std::string::npos) return nullptr;
  auto index = files_.find("/index.html");
  return index == files_.end() ? nullptr : &index->second;
}

}  // namespace gigwire::web
