// `gigctl files download`; see download.h.
#include "cmd/gigctl/download.h"

#include <openssl/evp.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace gigctl {
namespace {

using gigwire::v1::DownloadFileRequest;
using gigwire::v1::DownloadFileResponse;
using gigwire::v1::FileInfo;

// Attempts of one download: the first, then resumptions after UNAVAILABLE.
constexpr int kMaxAttempts = 4;
constexpr char kPartSuffix[] = ".gigctl-part";

std::string Mebibytes(int64_t bytes) { return absl::StrFormat("%.1f MiB", bytes / 1048576.0); }

// Where the bytes go: stdout, or a temporary file renamed at the end.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual bool Write(absl::string_view bytes) = 0;
  // Puts the bytes in place (only after they were verified).
  virtual absl::Status Commit() = 0;
};

class StdoutSink : public Sink {
 public:
  bool Write(absl::string_view bytes) override {
    std::cout.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(std::cout);
  }
  absl::Status Commit() override {
    std::cout.flush();
    return std::cout ? absl::OkStatus() : absl::InternalError("cannot write to stdout");
  }
};

// PATH.gigctl-part, renamed to PATH by Commit; removed when not committed.
class FileSink : public Sink {
 public:
  explicit FileSink(std::string path) : path_(std::move(path)), part_(path_ + kPartSuffix) {}
  ~FileSink() override {
    if (!committed_) {
      out_.close();
      std::remove(part_.c_str());
    }
  }
  absl::Status Open() {
    out_.open(part_, std::ios::binary | std::ios::trunc);
    if (!out_) return absl::InternalError(absl::StrCat("cannot write ", part_));
    return absl::OkStatus();
  }
  bool Write(absl::string_view bytes) override {
    out_.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return static_cast<bool>(out_);
  }
  absl::Status Commit() override {
    out_.close();
    if (!out_ || std::rename(part_.c_str(), path_.c_str()) != 0) {
      return absl::InternalError(absl::StrCat("cannot write ", path_));
    }
    committed_ = true;
    return absl::OkStatus();
  }

 private:
  const std::string path_;
  const std::string part_;
  std::ofstream out_;
  bool committed_ = false;
};

// Bytes received so far, hashed and written as they come; progress shown.
struct Transfer {
  Sink& sink;
  Sha256 hash;
  int64_t received = 0;
  int64_t total = 0;
  std::ostream& progress;
  bool show_progress;
  int shown_percent = -1;

  bool Take(absl::string_view bytes) {
    if (!sink.Write(bytes)) return false;
    hash.Update(bytes);
    received += static_cast<int64_t>(bytes.size());
    int percent = total > 0 ? static_cast<int>(received * 100 / total) : 100;
    if (show_progress && percent != shown_percent) {
      shown_percent = percent;
      progress << "\r" << ProgressText(received, total) << "   " << std::flush;
    }
    return true;
  }
};

// One stream from `transfer.received` to the end (or until it breaks).
absl::Status StreamOnce(gigwire::Client& client, const std::string& id, Transfer& transfer) {
  DownloadFileRequest request;
  request.set_id(id);
  request.set_offset(transfer.received);
  grpc::ClientContext context;
  client.PrepareContext(context);
  context.set_deadline(std::chrono::system_clock::time_point::max());
  gigwire::v1::FileService::Stub stub(client.channel());
  std::unique_ptr<grpc::ClientReader<DownloadFileResponse>> reader =
      stub.DownloadFile(&context, request);
  DownloadFileResponse response;
  bool write_failed = false;
  while (reader->Read(&response)) {
    if (response.kind_case() != DownloadFileResponse::kChunk) continue;  // the info
    if (!transfer.Take(response.chunk())) {
      write_failed = true;
      context.TryCancel();
      break;
    }
  }
  absl::Status status = gigwire::StatusFromGrpc(reader->Finish());
  if (write_failed) return absl::InternalError("cannot write the downloaded bytes");
  return status;
}

// Streams until the whole file arrived, resuming after UNAVAILABLE while
// each attempt brought something (or it was the first).
absl::Status StreamAll(gigwire::Client& client, const std::string& id, Transfer& transfer) {
  for (int attempt = 1;; ++attempt) {
    int64_t before = transfer.received;
    absl::Status status = StreamOnce(client, id, transfer);
    if (status.ok() || !absl::IsUnavailable(status) || attempt == kMaxAttempts) return status;
    if (transfer.received == before && attempt > 1) return status;
    absl::SleepFor(absl::Milliseconds(250 * attempt));
  }
}

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

absl::Status Verify(const FileInfo& info, Transfer& transfer) {
  std::string digest = transfer.hash.HexDigest();
  if (transfer.received != info.size_bytes() ||
      digest != absl::AsciiStrToLower(info.sha256())) {
    return absl::DataLossError(absl::StrCat(
        "the downloaded bytes do not match ", info.id(), ": ", transfer.received,
        " bytes with SHA-256 ", digest, ", expected ", info.size_bytes(), " bytes with ",
        info.sha256(), "; nothing was kept"));
  }
  return absl::OkStatus();
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
      "The bytes go to PATH.gigctl-part and are renamed to PATH only once complete and\n"
      "verified; a broken stream resumes where it stopped. Progress on stderr when it is\n"
      "a terminal.\n\n"
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

Sha256::Sha256() : context_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(context_, EVP_sha256(), nullptr);
}

Sha256::~Sha256() { EVP_MD_CTX_free(context_); }

void Sha256::Update(absl::string_view bytes) {
  EVP_DigestUpdate(context_, bytes.data(), bytes.size());
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(context_, digest, &size);
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) absl::StrAppend(&hex, absl::Hex(digest[i], absl::kZeroPad2));
  return hex;
}

absl::Status DownloadFile(gigwire::Client& client, const DownloadArgs& args, Printer& printer,
                          std::ostream& progress, bool show_progress) {
  gigwire::v1::GetFileRequest get;
  get.set_id(args.file_id);
  absl::StatusOr<FileInfo> info = client.Call(&gigwire::v1::FileService::Stub::GetFile, get);
  if (!info.ok()) return info.status();
  absl::StatusOr<std::string> path = TargetPath(args, *info);
  if (!path.ok()) return path.status();
  std::unique_ptr<Sink> sink;
  if (*path == "-") {
    sink = std::make_unique<StdoutSink>();
  } else {
    auto file = std::make_unique<FileSink>(*path);
    if (absl::Status opened = file->Open(); !opened.ok()) return opened;
    sink = std::move(file);
  }
  Transfer transfer{*sink, {}, 0, info->size_bytes(), progress, show_progress};
  absl::Status streamed = StreamAll(client, args.file_id, transfer);
  if (show_progress && transfer.shown_percent >= 0) progress << "\n";
  if (!streamed.ok()) return streamed;
  if (absl::Status verified = Verify(*info, transfer); !verified.ok()) return verified;
  if (absl::Status committed = sink->Commit(); !committed.ok()) return committed;
  std::string done = absl::StrCat("downloaded ", info->id(), " (", info->content_type(), ", ",
                                  Mebibytes(info->size_bytes()), ") to ",
                                  *path == "-" ? "stdout" : *path, "; SHA-256 ",
                                  info->sha256().substr(0, 12), "... verified");
  if (*path != "-") {
    printer.Done(done, *info);
  } else {
    Printer report(progress, printer.json(), /*colour=*/false);
    report.Done(done, *info);
  }
  return absl::OkStatus();
}

}  // namespace gigctl
