// files_bench: upload and download throughput of one file (10 MiB by default)
// through the real server on a loopback port, each reported against a plain
// local copy of the same bytes measured in the same run (the `cp` baseline:
// read the file, write a new one; and the same with an fsync, which is what
// the blob store does before it renames an upload into place).
//
//   files_bench [--mib 10] [--repeat 5] [--markdown]
//
// The server runs in-process with the code gigwired uses (files directory
// beside the database, default limits but a quota large enough for the
// run); the client uses a real gRPC channel with the SDKs' chunk sizes:
// UploadFile streams 1 MiB chunks, UploadChunk sends 1 MiB per unary call
// (how browsers upload), DownloadFile returns 256 KiB chunks. Every upload
// sends new content (one byte differs), so each one writes, hashes, fsyncs
// and renames a new blob, as a real upload does; the client computes the
// SHA-256 before the timer starts (the SDKs hash first, then send).
// Each figure is the median of --repeat runs, with the slowest and fastest.
#include <fcntl.h>
#include <grpcpp/create_channel.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gigwire/v1/file.grpc.pb.h"
#include "server/api/server.h"
#include "server/auth/crypto.h"

namespace gigwire::bench {
namespace {

namespace pb = ::gigwire::v1;

constexpr size_t kUploadChunk = 1 << 20;

struct Options {
  int mib = 10;
  int repeat = 5;
  bool markdown = false;
};

struct Row {
  std::string name;
  std::vector<double> seconds;  // one per repetition
};

template <typename T>
T Must(absl::StatusOr<T> value, absl::string_view what) {
  if (!value.ok()) {
    std::cerr << "setup failed (" << what << "): " << value.status() << "\n";
    std::abort();
  }
  return *std::move(value);
}

void MustOk(const grpc::Status& status, absl::string_view what) {
  if (status.ok()) return;
  std::cerr << what << " failed: " << status.error_code() << " " << status.error_message()
            << "\n";
  std::abort();
}

// A PNG's first bytes, then filler: an allowed type, `size` bytes.
std::string Content(size_t size) {
  std::string content("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  content.reserve(size);
  for (size_t i = content.size(); i < size; ++i) content.push_back(static_cast<char>(i * 131));
  return content;
}

double Time(const std::function<void()>& run) {
  const absl::Time start = absl::Now();
  run();
  return absl::ToDoubleSeconds(absl::Now() - start);
}

// The baseline: copies `from` to `to` with read(2)/write(2) in 1 MiB blocks
// (as cp does), with an fsync of the copy when `sync`.
void CopyFile(const std::string& from, const std::string& to, bool sync) {
  const int in = open(from.c_str(), O_RDONLY);
  const int out = open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (in < 0 || out < 0) std::abort();
  std::vector<char> buffer(1 << 20);
  ssize_t got;
  while ((got = read(in, buffer.data(), buffer.size())) > 0) {
    if (write(out, buffer.data(), got) != got) std::abort();
  }
  if (sync) fsync(out);
  close(in);
  close(out);
}

pb::UploadHeader HeaderOf(const std::string& content, std::string request_id) {
  pb::UploadHeader header;
  header.set_name("bench.png");
  header.set_size_bytes(static_cast<int64_t>(content.size()));
  header.set_sha256(HexEncode(Sha256(content)));
  header.set_request_id(std::move(request_id));
  return header;
}

void StreamUpload(pb::FileService::Stub& stub, const std::string& token,
                  const std::string& content, const pb::UploadHeader& header) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  pb::FileInfo info;
  auto writer = stub.UploadFile(&context, &info);
  pb::UploadFileRequest message;
  *message.mutable_header() = header;
  writer->Write(message);
  for (size_t offset = 0; offset < content.size(); offset += kUploadChunk) {
    message.set_chunk(content.substr(offset, kUploadChunk));
    if (!writer->Write(message)) break;
  }
  writer->WritesDone();
  MustOk(writer->Finish(), "UploadFile");
}

void ChunkedUpload(pb::FileService::Stub& stub, const std::string& token,
                   const std::string& content, const pb::UploadHeader& header) {
  for (size_t offset = 0; offset < content.size(); offset += kUploadChunk) {
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + token);
    pb::UploadChunkRequest request;
    *request.mutable_header() = header;
    request.set_offset(static_cast<int64_t>(offset));
    request.set_data(content.substr(offset, kUploadChunk));
    pb::UploadStatus status;
    MustOk(stub.UploadChunk(&context, request, &status), "UploadChunk");
  }
}

// Downloads the file; returns its bytes (checked by the caller).
std::string Download(pb::FileService::Stub& stub, const std::string& token,
                     const std::string& id) {
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + token);
  pb::DownloadFileRequest request;
  request.set_id(id);
  auto reader = stub.DownloadFile(&context, request);
  pb::DownloadFileResponse message;
  std::string bytes;
  while (reader->Read(&message)) {
    if (message.has_chunk()) bytes += message.chunk();
  }
  MustOk(reader->Finish(), "DownloadFile");
  return bytes;
}

struct Fixture {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<GigwireServer> server;
  std::unique_ptr<pb::FileService::Stub> stub;
  std::string token;
};

void SetUp(Fixture& f, const std::filesystem::path& dir) {
  BackendOptions options;
  options.store.path = (dir / "gigwire.db").string();
  options.token_keys = *ParseTokenKeyFile(NewTokenKeyFileText());
  options.scrypt = ScryptParams::InsecureFastForTests();
  options.rate_limits.per_principal = {1e9, 1e9};
  options.files.limits.storage_quota_bytes = int64_t{1} << 40;
  options.files.limits.max_upload_bytes = int64_t{1} << 30;
  f.backend = Must(Backend::Open(options), "open backend");
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  f.server = Must(GigwireServer::Start(server_options, *f.backend), "start server");
  f.stub = pb::FileService::NewStub(
      grpc::CreateChannel(f.server->address(), grpc::InsecureChannelCredentials()));
  const User user = Must(
      f.backend->accounts.Register({"uploader@bench.dev", "bench-password-1", "Up", {Role::kSeller}}),
      "register");
  f.token = f.backend->tokens.Issue(user.id);
}

std::vector<Row> Run(Fixture& f, const std::filesystem::path& dir, const Options& o) {
  std::vector<Row> rows = {{"cp (read + write)"}, {"cp + fsync"}, {"UploadFile (stream)"},
                           {"UploadChunk (unary, as browsers)"}, {"DownloadFile (stream)"}};
  std::string content = Content(static_cast<size_t>(o.mib) << 20);
  const std::string source = (dir / "source.bin").string();
  std::ofstream(source, std::ios::binary) << content;
  std::string file_id;
  for (int r = 0; r < o.repeat; ++r) {
    const std::string copy = (dir / "copy.bin").string();
    rows[0].seconds.push_back(Time([&] { CopyFile(source, copy, false); }));
    std::filesystem::remove(copy);
    rows[1].seconds.push_back(Time([&] { CopyFile(source, copy, true); }));
    std::filesystem::remove(copy);
    content[100] = static_cast<char>(2 * r);  // a new blob each time
    pb::UploadHeader header = HeaderOf(content, "");
    rows[2].seconds.push_back(Time([&] { StreamUpload(*f.stub, f.token, content, header); }));
    content[100] = static_cast<char>(2 * r + 1);
    header = HeaderOf(content, absl::StrCat("bench-", r));
    rows[3].seconds.push_back(Time([&] { ChunkedUpload(*f.stub, f.token, content, header); }));
    pb::GetUploadRequest get;
    get.set_request_id(header.request_id());
    grpc::ClientContext context;
    context.AddMetadata("authorization", "Bearer " + f.token);
    pb::UploadStatus status;
    MustOk(f.stub->GetUpload(&context, get, &status), "GetUpload");
    std::string downloaded;
    rows[4].seconds.push_back(
        Time([&] { downloaded = Download(*f.stub, f.token, status.file().id()); }));
    if (downloaded != content) {
      std::cerr << "the download differs from the upload\n";
      std::abort();
    }
  }
  return rows;
}

void Print(const std::vector<Row>& rows, const Options& o) {
  const double mib = o.mib;
  auto median = [](std::vector<double> s) {
    std::sort(s.begin(), s.end());
    return s[s.size() / 2];
  };
  const double cp_rate = mib / median(rows[0].seconds);
  if (o.markdown) {
    std::cout << "| operation (" << o.mib << " MiB) | MiB/s median | slowest | fastest | ms median"
              << " | vs cp |\n|---|---|---|---|---|---|\n";
  }
  for (const Row& row : rows) {
    const double rate = mib / median(row.seconds);
    const double slowest = mib / *std::max_element(row.seconds.begin(), row.seconds.end());
    const double fastest = mib / *std::min_element(row.seconds.begin(), row.seconds.end());
    const std::string line =
        o.markdown ? absl::StrFormat("| %s | %.0f | %.0f | %.0f | %.1f | %.2f |", row.name, rate,
                                     slowest, fastest, 1000 * median(row.seconds),
                                     rate / cp_rate)
                   : absl::StrFormat("%-34s %8.0f MiB/s (%.0f..%.0f)  %7.1f ms  %.2f of cp",
                                     row.name, rate, slowest, fastest,
                                     1000 * median(row.seconds), rate / cp_rate);
    std::cout << line << "\n";
  }
}

Options Parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--markdown") {
      o.markdown = true;
    } else if (arg == "--mib" && i + 1 < argc) {
      o.mib = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--repeat" && i + 1 < argc) {
      o.repeat = std::max(1, std::atoi(argv[++i]));
    } else {
      std::cerr << "usage: files_bench [--mib 10] [--repeat 5] [--markdown]\n";
      std::exit(2);
    }
  }
  return o;
}

}  // namespace
}  // namespace gigwire::bench

int main(int argc, char** argv) {
  using namespace gigwire::bench;  // NOLINT
  const Options options = Parse(argc, argv);
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              absl::StrCat("files_bench_", getpid());
  std::filesystem::create_directories(dir);
  std::vector<Row> rows;
  {
    Fixture fixture;
    SetUp(fixture, dir);
    rows = Run(fixture, dir, options);
    fixture.server->Shutdown(absl::Seconds(1));
  }
  std::filesystem::remove_all(dir);
  Print(rows, options);
  return 0;
}
