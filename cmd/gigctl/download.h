// `gigctl files download FILE [--out PATH] [--force]`: streams a file
// (FileService.DownloadFile) to disk, checks its size and SHA-256 against the
// file's metadata, and only then puts it in place.
//
// The bytes go to a temporary file next to the target ("PATH.gigctl-part"),
// renamed to PATH once complete and verified, so PATH never holds a partial
// or damaged file; on any failure the temporary file is removed. Without
// --out the file's own name (as the uploader gave it, reduced to a plain file
// name) in the current directory; `--out -` writes to stdout (verified at
// the end: a mismatch then fails after the bytes went out). An existing PATH
// is replaced only with --force. A stream that breaks (UNAVAILABLE) resumes
// from the bytes received, a few times. Progress goes to stderr while stderr
// is a terminal.
//
// (`-o` stays gigctl's global output format, table|json, hence --out.)
//
// Errors: the calls' (NOT_FOUND for a file the caller may not see);
// ALREADY_EXISTS for an existing PATH without --force; DATA_LOSS when the
// bytes do not match the size or SHA-256 (exit 15); INTERNAL when PATH cannot
// be written; INVALID_ARGUMENT (usage) from ParseDownloadArgs.
//
// Thread safety: Sha256 and the functions are not shared between threads.
#ifndef GIGWIRE_CMD_GIGCTL_DOWNLOAD_H_
#define GIGWIRE_CMD_GIGCTL_DOWNLOAD_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "cmd/gigctl/output.h"
#include "gigwire/client.h"
#include "gigwire/v1/file.pb.h"

struct evp_md_ctx_st;

namespace gigctl {

struct DownloadArgs {
  std::string file_id;
  std::string out;     // "" : the file's own name; "-": stdout
  bool force = false;  // replace an existing file
};

// Reads the arguments after "files download"; INVALID_ARGUMENT saying what is
// wrong.
absl::StatusOr<DownloadArgs> ParseDownloadArgs(const std::vector<std::string>& args);

// Usage line, one-line summary and --help text (the verb table's style).
std::string DownloadUsage();
std::string DownloadSummary();
std::string DownloadHelp();

// A name a file can be saved under in the current directory: the last path
// component of `name`, control characters dropped; "download" when nothing
// usable is left (empty, ".", "..").
std::string SafeFileName(const std::string& name);

// "4.0 MiB of 10.0 MiB (40%)".
std::string ProgressText(int64_t received, int64_t total);

// SHA-256 over bytes given piece by piece (OpenSSL).
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view bytes);
  // 64 lower-case hex digits; once, at the end.
  std::string HexDigest();

 private:
  evp_md_ctx_st* context_;  // owned
};

// Downloads as the file comment says; reports to `printer` (a line, or the
// FileInfo as JSON; to `progress` instead when the bytes go to stdout) and
// shows progress on `progress` when `show_progress`.
absl::Status DownloadFile(gigwire::Client& client, const DownloadArgs& args, Printer& printer,
                          std::ostream& progress, bool show_progress);

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_DOWNLOAD_H_
