// `gigctl files download`; see download.h.
#include "cmd/gigctl/download.h"

#include <filesystem>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gigwire/files.h"

namespace gigctl {
namespace {

using gigwire::v1::FileInfo;

std::string Mebibytes(int64_t bytes) { return absl::StrFormat("%.1f MiB", bytes / 1048576.0); }

// Where to write, or stdout ("-"); ALREADY_EXISTS without --force.
absl::StatusOr<std::string> TargetPath(const DownloadArgs& args, const FileInfo& info) {
  if (args.out == "-") return args.out;
  std::filesystem::path path = args.out.empty() ? SafeFileName(info.name()) : args.out;
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) path /= SafeFileName(info.name());
  if (!args.force && std::filesystem::exists(path, error)) {
    return absl::AlreadyExistsError(
        absl::StrCat(path.string(), " exists; add --force to replace it, or --out PATH"));
  }
  return path.string();
}

// Shows "\r4.0 MiB of 10.0 MiB (40%)" on `out` when the percentage moves.
gigwire::TransferProgress ProgressLine(std::ostream& out, int& shown_percent) {
  return [&out, &shown_percent](int64_t done, int64_t total) {
    int percent = total > 0 ? static_cast<int>(done * 100 / total) : 100;
    if (percent != shown_percent) {
      shown_percent = percent;
      out << "\r" << ProgressText(done, total) << "   " << std::flush;
    }
    return true;
  };
}

}  // namespace

absl::StatusOr<DownloadArgs> ParseDownloadArgs(const std::vector<std::string>& args) {
  DownloadArgs parsed;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--force") {
      parsed.force = true;
    } else if (arg == "--out" || arg.rfind("--out=", 0) == 0) {
      if (arg == "--out" && i + 1 == args.size()) {
        return absl::InvalidArgumentError("--out needs a value");
      }
      parsed.out = arg == "--out" ? args[++i] : arg.substr(6);
      if (parsed.out.empty()) return absl::InvalidArgumentError("--out needs a value");
    } else if (arg.size() > 1 && arg[0] == '-') {
      return absl::InvalidArgumentError("unknown flag " + arg);
    } else if (parsed.file_id.empty()) {
      parsed.file_id = arg;
    } else {
      return absl::InvalidArgumentError("unexpected argument '" + arg + "'");
    }
  }
  if (parsed.file_id.empty()) return absl::InvalidArgumentError("missing FILE");
  return parsed;
}

std::string DownloadUsage() { return "gigctl files download FILE [--out PATH] [--force]"; }

std::string DownloadSummary() {
  return "saves a file, its size and SHA-256 checked before it is put in place";
}

std::string DownloadHelp() {
  return absl::StrCat(
      DownloadUsage(), "\n\n", DownloadSummary(),
      " (gigwire.v1.FileService.DownloadFile).\n"
      "The bytes go to a temporary file beside PATH, renamed to PATH only once complete\n"
      "and verified; a broken stream resumes where it stopped. Progress on stderr when it\n"
      "is a terminal.\n\n"
      "Arguments:\n"
      "  FILE                the file's id (fil_...)\n"
      "  --out PATH          where to save it: a file, a directory, or - for stdout\n"
      "                      (default: the file's own name in the current directory)\n"
      "  --force             replace PATH if it exists\n"
      "\nExit: 15 (DATA_LOSS) when the bytes do not match (nothing is kept), 6\n"
      "(ALREADY_EXISTS) for an existing PATH without --force.\n"
      "\nExample:\n  gigctl files download fil_31ab --out /tmp/evidence/\n");
}

std::string SafeFileName(const std::string& name) {
  std::string base = name.substr(name.find_last_of("/\\") == std::string::npos
                                     ? 0
                                     : name.find_last_of("/\\") + 1);
  std::string clean;
  for (char c : base) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7F) clean += c;
  }
  if (clean.empty() || clean == "." || clean == "..") return "download";
  return clean;
}

std::string ProgressText(int64_t received, int64_t total) {
  int percent = total > 0 ? static_cast<int>(received * 100 / total) : 100;
  return absl::StrCat(Mebibytes(received), " of ", Mebibytes(total), " (", percent, "%)");
}

absl::Status DownloadFile(gigwire::Client& client, const DownloadArgs& args, Printer& printer,
                          std::ostream& progress, bool show_progress) {
  gigwire::v1::GetFileRequest get;
  get.set_id(args.file_id);
  absl::StatusOr<FileInfo> info = client.Call(&gigwire::v1::FileService::Stub::GetFile, get);
  if (!info.ok()) return info.status();
  absl::StatusOr<std::string> path = TargetPath(args, *info);
  if (!path.ok()) return path.status();
  int shown_percent = -1;
  gigwire::DownloadOptions options;
  if (show_progress) options.on_progress = ProgressLine(progress, shown_percent);
  bool to_stdout = *path == "-";
  absl::StatusOr<FileInfo> got = to_stdout ? client.DownloadFile(args.file_id, std::cout, options)
                                           : client.DownloadFile(args.file_id, *path, options);
  if (shown_percent >= 0) progress << "\n";
  if (!got.ok()) return got.status();
  if (to_stdout) std::cout.flush();
  std::string done = absl::StrCat("downloaded ", got->id(), " (", got->content_type(), ", ",
                                  Mebibytes(got->size_bytes()), ") to ",
                                  to_stdout ? "stdout" : *path, "; SHA-256 ",
                                  got->sha256().substr(0, 12), "... verified");
  if (!to_stdout) {
    printer.Done(done, *got);
  } else {
    Printer report(progress, printer.json(), /*colour=*/false);
    report.Done(done, *got);
  }
  return absl::OkStatus();
}

}  // namespace gigctl
