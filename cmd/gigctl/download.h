// `gigctl files download FILE [--out PATH] [--force]`: saves a file through the
// C++ SDK's Client::DownloadFile (FileService.DownloadFile, resumed after a
// broken stream, its size and SHA-256 checked against the file's metadata).
//
// The bytes go to a temporary file beside the target, renamed to PATH only
// once complete and verified, so PATH never holds a partial or damaged file.
// Without --out: the file's own name (as the uploader gave it, reduced to a
// plain file name) in the current directory; a directory: that name in it;
// `--out -` writes to stdout (verified at the end: a mismatch then fails
// after the bytes went out, and the report goes to stderr). An existing PATH
// is replaced only with --force. Progress goes to stderr while stderr is a
// terminal.
//
// (`-o` stays gigctl's global output format, table|json, hence --out.)
//
// Errors: the SDK's (NOT_FOUND for a file the caller may not see; DATA_LOSS,
// exit 15, when the bytes do not match; INTERNAL when PATH cannot be
// written); ALREADY_EXISTS for an existing PATH without --force;
// INVALID_ARGUMENT (usage) from ParseDownloadArgs.
//
// Thread safety: stateless functions.
#ifndef GIGWIRE_CMD_GIGCTL_DOWNLOAD_H_
#define GIGWIRE_CMD_GIGCTL_DOWNLOAD_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "cmd/gigctl/output.h"
#include "gigwire/client.h"
#include "gigwire/v1/file.pb.h"

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

// Downloads as the file comment says; reports to `printer` (a line, or the
// FileInfo as JSON; to `progress` instead when the bytes go to stdout) and
// shows progress on `progress` when `show_progress`.
absl::Status DownloadFile(gigwire::Client& client, const DownloadArgs& args, Printer& printer,
                          std::ostream& progress, bool show_progress);

}  // namespace gigctl

#endif  // GIGWIRE_CMD_GIGCTL_DOWNLOAD_H_
