// Unit tests of the C++ SDK's file helpers (Client::UploadFile, UploadBytes,
// DownloadFile) against an in-process fake FileService that breaks transfers
// on purpose: chunking, SHA-256, progress and cancelling, resuming from
// GetUpload and from UPLOAD_OFFSET_MISMATCH's received_bytes, starting again
// when the server lost the upload, bounded retries, errors returned as is,
// and the integrity check of downloads (path left untouched).
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <openssl/sha.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "gigwire/client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr int64_t kMib = int64_t{1} << 20;
constexpr int64_t kDownloadChunk = 256 * 1024;

std::string Sha256Hex(const std::string& data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  std::string hex;
  for (unsigned char byte : digest) absl::StrAppendFormat(&hex, "%02x", byte);
  return hex;
}

std::string RandomBytes(size_t size) {
  std::mt19937 random(16);
  std::string bytes(size, '\0');
  for (char& byte : bytes) byte = static_cast<char>(random());
  return bytes;
}

// A status as gigwired sends it: code, message and ErrorDetails.
grpc::Status Failure(grpc::StatusCode code, v1::ErrorReason reason,
                     std::map<std::string, std::string> metadata = {}) {
  v1::ErrorDetails details;
  details.set_reason(reason);
  details.mutable_metadata()->insert(metadata.begin(), metadata.end());
  v1::RpcStatus envelope;
  envelope.set_code(code);
  envelope.add_details()->PackFrom(details);
  return grpc::Status(code, "fake", envelope.SerializeAsString());
}

// Keeps uploads by request id and fails the i-th UploadFile stream
// UNAVAILABLE once it holds fail_stream_at[i] bytes; serves stored files in
// 256 KiB chunks, breaking the i-th stream after break_download_after[i].
class FakeFiles final : public v1::FileService::Service {
 public:
  grpc::Status UploadFile(grpc::ServerContext*, grpc::ServerReader<v1::UploadFileRequest>* reader,
                          v1::FileInfo* file) override {
    v1::UploadFileRequest request;
    if (!reader->Read(&request) || !request.has_header()) return grpc::Status::CANCELLED;
    const v1::UploadHeader header = request.header();
    absl::MutexLock lock(&mu);
    size_t attempt = headers.size();
    headers.push_back(header);
    if (refuse.has_value()) return *refuse;
    if (forget) received.erase(header.request_id());
    std::string& upload = received[header.request_id()];
    if (header.offset() != static_cast<int64_t>(upload.size())) {
      return Failure(grpc::StatusCode::FAILED_PRECONDITION, v1::UPLOAD_OFFSET_MISMATCH,
                     {{"received_bytes", absl::StrCat(upload.size())}});
    }
    int64_t fail_at = attempt < fail_stream_at.size() ? fail_stream_at[attempt] : INT64_MAX;
    while (reader->Read(&request)) {
      chunk_sizes.push_back(static_cast<int64_t>(request.chunk().size()));
      upload += request.chunk();
      if (static_cast<int64_t>(upload.size()) >= fail_at) {
        return grpc::Status(grpc::StatusCode::UNAVAILABLE, "cut");
      }
    }
    if (static_cast<int64_t>(upload.size()) != header.size_bytes()) {
      return Failure(grpc::StatusCode::INVALID_ARGUMENT, v1::UPLOAD_SIZE_MISMATCH);
    }
    file->set_id(absl::StrCat("fil_", stored.size() + 1));
    file->set_name(header.name());
    file->set_size_bytes(header.size_bytes());
    file->set_sha256(Sha256Hex(upload));
    stored[file->id()] = upload;
    completed[header.request_id()] = *file;
    return grpc::Status::OK;
  }

  grpc::Status GetUpload(grpc::ServerContext*, const v1::GetUploadRequest* request,
                         v1::UploadStatus* status) override {
    absl::MutexLock lock(&mu);
    ++get_upload_calls;
    if (auto done = completed.find(request->request_id()); done != completed.end()) {
      *status->mutable_file() = done->second;
      return grpc::Status::OK;
    }
    auto upload = received.find(request->request_id());
    if (forget || upload == received.end()) {
      return Failure(grpc::StatusCode::NOT_FOUND, v1::RESOURCE_NOT_FOUND);
    }
    status->set_received_bytes(static_cast<int64_t>(upload->second.size()));
    return grpc::Status::OK;
  }

  grpc::Status DownloadFile(grpc::ServerContext*, const v1::DownloadFileRequest* request,
                            grpc::ServerWriter<v1::DownloadFileResponse>* writer) override {
    absl::MutexLock lock(&mu);
    size_t attempt = download_offsets.size();
    download_offsets.push_back(request->offset());
    auto found = stored.find(request->id());
    if (found == stored.end()) return Failure(grpc::StatusCode::NOT_FOUND, v1::RESOURCE_NOT_FOUND);
    const std::string& data = found->second;
    v1::DownloadFileResponse response;
    response.mutable_info()->set_id(request->id());
    response.mutable_info()->set_size_bytes(static_cast<int64_t>(data.size()));
    response.mutable_info()->set_sha256(corrupt_sha256 ? std::string(64, '0') : Sha256Hex(data));
    writer->Write(response);
    size_t limit = always_break_download               ? 0
                   : attempt < break_download_after.size() ? break_download_after[attempt]
                                                           : SIZE_MAX;
    size_t index = 0;
    for (int64_t at = request->offset(); at < static_cast<int64_t>(data.size());
         at += kDownloadChunk, ++index) {
      if (index >= limit) return grpc::Status(grpc::StatusCode::UNAVAILABLE, "cut");
      response.set_chunk(data.substr(at, kDownloadChunk));
      writer->Write(response);
    }
    return grpc::Status::OK;
  }

  absl::Mutex mu;
  std::map<std::string, std::string> received ABSL_GUARDED_BY(mu);
  std::map<std::string, v1::FileInfo> completed ABSL_GUARDED_BY(mu);
  std::map<std::string, std::string> stored ABSL_GUARDED_BY(mu);
  std::vector<v1::UploadHeader> headers ABSL_GUARDED_BY(mu);
  std::vector<int64_t> chunk_sizes ABSL_GUARDED_BY(mu);
  int get_upload_calls ABSL_GUARDED_BY(mu) = 0;
  std::vector<int64_t> fail_stream_at ABSL_GUARDED_BY(mu);
  std::optional<grpc::Status> refuse ABSL_GUARDED_BY(mu);
  bool forget ABSL_GUARDED_BY(mu) = false;
  std::vector<int64_t> download_offsets ABSL_GUARDED_BY(mu);
  std::vector<size_t> break_download_after ABSL_GUARDED_BY(mu);
  bool always_break_download ABSL_GUARDED_BY(mu) = false;
  bool corrupt_sha256 ABSL_GUARDED_BY(mu) = false;
};

class FilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port_);
    builder.RegisterService(&fake_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ClientOptions options;
    options.target = absl::StrCat("127.0.0.1:", port_);
    client_ = Client::Connect(options);
    dir_ = std::filesystem::temp_directory_path() /
           absl::StrCat("gigwire_files_test_", ::getpid(), "_", ++counter_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    server_->Shutdown(std::chrono::system_clock::now());
    std::filesystem::remove_all(dir_);
  }

  std::vector<std::string> Listing() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
      names.push_back(entry.path().filename().string());
    }
    return names;
  }

  static UploadOptions Fast(std::string name) {
    UploadOptions options;
    options.name = std::move(name);
    options.retry = {4, absl::Milliseconds(1), absl::Milliseconds(5)};
    return options;
  }

  const std::string content_ = RandomBytes(3 * kMib + 12345);
  FakeFiles fake_;
  int port_ = 0;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<Client> client_;
  std::filesystem::path dir_;
  static inline int counter_ = 0;
};

TEST_F(FilesTest, UploadSendsTheHeaderThenChunksOfAtMostOneMib) {
  std::vector<int64_t> progress;
  UploadOptions options = Fast("logo.png");
  options.on_progress = [&](int64_t done, int64_t) {
    progress.push_back(done);
    return true;
  };
  absl::StatusOr<v1::FileInfo> file = client_->UploadBytes(content_, options);
  ASSERT_TRUE(file.ok()) << file.status();
  absl::MutexLock lock(&fake_.mu);
  EXPECT_EQ(fake_.stored[file->id()], content_);
  ASSERT_EQ(fake_.headers.size(), 1u);
  EXPECT_EQ(fake_.headers[0].name(), "logo.png");
  EXPECT_EQ(fake_.headers[0].size_bytes(), static_cast<int64_t>(content_.size()));
  EXPECT_EQ(fake_.headers[0].sha256(), Sha256Hex(content_));
  EXPECT_EQ(fake_.headers[0].request_id().size(), 36u);
  EXPECT_THAT(fake_.chunk_sizes, ElementsAre(kMib, kMib, kMib, 12345));
  EXPECT_THAT(progress, ElementsAre(0, kMib, 2 * kMib, 3 * kMib, content_.size()));
}

TEST_F(FilesTest, UploadResumesWhereGetUploadSaysAfterABrokenStream) {
  {
    absl::MutexLock lock(&fake_.mu);
    fake_.fail_stream_at = {kMib + kMib / 2, 2 * kMib};
  }
  absl::StatusOr<v1::FileInfo> file = client_->UploadBytes(content_, Fast("big.bin"));
  ASSERT_TRUE(file.ok()) << file.status();
  absl::MutexLock lock(&fake_.mu);
  EXPECT_EQ(fake_.stored[file->id()], content_);
  std::vector<int64_t> offsets;
  for (const auto& header : fake_.headers) offsets.push_back(header.offset());
  EXPECT_THAT(offsets, ElementsAre(0, 2 * kMib, 3 * kMib));
  EXPECT_EQ(fake_.headers[0].request_id(), fake_.headers[2].request_id());
  EXPECT_EQ(fake_.get_upload_calls, 2);
}

TEST_F(FilesTest, UploadResumesFromTheReceivedBytesOfAnOffsetMismatch) {
  {
    absl::MutexLock lock(&fake_.mu);
    fake_.received["upload-7"] = content_.substr(0, kMib);
  }
  UploadOptions options = Fast("big.bin");
  options.request_id = "upload-7";
  absl::StatusOr<v1::FileInfo> file = client_->UploadBytes(content_, options);
  ASSERT_TRUE(file.ok()) << file.status();
  absl::MutexLock lock(&fake_.mu);
  EXPECT_EQ(fake_.stored[file->id()], content_);
  ASSERT_EQ(fake_.headers.size(), 2u);
  EXPECT_EQ(fake_.headers[1].offset(), kMib);
  EXPECT_EQ(fake_.get_upload_calls, 0);
}

TEST_F(FilesTest, UploadStartsAgainWhenTheServerLostIt) {
  {
    absl::MutexLock lock(&fake_.mu);
    fake_.fail_stream_at = {2 * kMib};
    fake_.forget = true;
  }
  absl::StatusOr<v1::FileInfo> file = client_->UploadBytes(content_, Fast("big.bin"));
  ASSERT_TRUE(file.ok()) << file.status();
  absl::MutexLock lock(&fake_.mu);
  ASSERT_EQ(fake_.headers.size(), 2u);
  EXPECT_EQ(fake_.headers[1].offset(), 0);
  EXPECT_EQ(fake_.stored[file->id()], content_);
}

TEST_F(FilesTest, UploadReturnsTheFileTheServerCompletedBeforeItsAnswerWasLost) {
  {
    absl::MutexLock lock(&fake_.mu);
    fake_.completed["upload-9"].set_id("fil_done");
    fake_.refuse = grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
  }
  UploadOptions options = Fast("x");
  options.request_id = "upload-9";
  absl::StatusOr<v1::FileInfo> file = client_->UploadBytes(content_, options);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->id(), "fil_done");
}

TEST_F(FilesTest, RefusalsComeBackAtOnceAndFailuresInARowAreBounded) {
  {
    absl::MutexLock lock(&fake_.mu);
    fake_.refuse = Failure(grpc::StatusCode::INVALID_ARGUMENT, v1::FILE_TYPE_NOT_ALLOWED);
  }
  absl::StatusOr<v1::FileInfo> refused = client_->UploadBytes(content_, Fast("x"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ApiErrorOf(refused.status()).reason_name, "FILE_TYPE_NOT_ALLOWED");
  {
    absl::MutexLock lock(&fake_.mu);
    EXPECT_EQ(fake_.headers.size(), 1u);
    fake_.headers.clear();
    fake_.refuse = grpc::Status(grpc::StatusCode::UNAVAILABLE, "down");
  }
  absl::StatusOr<v1::FileInfo> down = client_->UploadBytes(content_, Fast("x"));
  EXPECT_EQ(down.status().code(), absl::StatusCode::kUnavailable);
  absl::MutexLock lock(&fake_.mu);
  EXPECT_EQ(fake_.headers.size(), 4u);
}

TEST_F(FilesTest, UploadFromAPathIsNamedAfterItAndOnProgressCanCancel) {
  std::string path = (dir_ / "brief.txt").string();
  std::ofstream(path, std::ios::binary) << content_;
  UploadOptions options = Fast("");
  options.on_progress = [](int64_t done, int64_t) { return done < 2 * kMib; };
  absl::StatusOr<v1::FileInfo> cancelled = client_->UploadFile(path, options);
  EXPECT_EQ(cancelled.status().code(), absl::StatusCode::kCancelled);
  options.on_progress = nullptr;
  absl::StatusOr<v1::FileInfo> file = client_->UploadFile(path, options);
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->name(), "brief.txt");
  EXPECT_EQ(client_->UploadFile((dir_ / "missing").string()).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(client_->UploadBytes("x", UploadOptions()).status().code(),
            absl::StatusCode::kInvalidArgument);
  absl::MutexLock lock(&fake_.mu);
  EXPECT_EQ(fake_.stored.size(), 1u);
}

TEST_F(FilesTest, DownloadResumesFromTheBytesWrittenIntoAPath) {
  {
    absl::MutexLock lock(&fake_.mu);
    fake_.stored["fil_1"] = content_;
    fake_.break_download_after = {3, 5};
  }
  std::vector<int64_t> progress;
  DownloadOptions options;
  options.retry = {4, absl::Milliseconds(1), absl::Milliseconds(5)};
  options.on_progress = [&](int64_t done, int64_t total) {
    progress.push_back(done);
    return total == static_cast<int64_t>(content_.size());
  };
  std::string path = (dir_ / "out.bin").string();
  absl::StatusOr<v1::FileInfo> info = client_->DownloadFile("fil_1", path, options);
  ASSERT_TRUE(info.ok()) << info.status();
  std::stringstream read;
  read << std::ifstream(path, std::ios::binary).rdbuf();
  EXPECT_EQ(read.str(), content_);
  EXPECT_THAT(Listing(), ElementsAre("out.bin"));
  EXPECT_EQ(progress.front(), 0);
  EXPECT_EQ(progress.back(), static_cast<int64_t>(content_.size()));
  absl::MutexLock lock(&fake_.mu);
  EXPECT_THAT(fake_.download_offsets, ElementsAre(0, 3 * kDownloadChunk, 8 * kDownloadChunk));
}

TEST_F(FilesTest, DownloadChecksTheSha256AndLeavesNoFile) {
  {
    absl::MutexLock lock(&fake_.mu);
    fake_.stored["fil_1"] = content_;
    fake_.corrupt_sha256 = true;
  }
  absl::StatusOr<v1::FileInfo> info = client_->DownloadFile("fil_1", (dir_ / "out.bin").string());
  EXPECT_EQ(info.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ApiErrorOf(info.status()).reason_name, "CHECKSUM_MISMATCH");
  EXPECT_THAT(std::string(info.status().message()), ::testing::StartsWith(kDownloadMismatch));
  EXPECT_THAT(Listing(), IsEmpty());
}

TEST_F(FilesTest, DownloadIntoAStreamAndItsErrors) {
  {
    absl::MutexLock lock(&fake_.mu);
    fake_.stored["fil_1"] = content_;
  }
  std::ostringstream out;
  ASSERT_TRUE(client_->DownloadFile("fil_1", out).ok());
  EXPECT_EQ(out.str(), content_);
  std::ostringstream ignored;
  absl::StatusOr<v1::FileInfo> missing = client_->DownloadFile("fil_missing", ignored);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  {
    absl::MutexLock lock(&fake_.mu);
    fake_.always_break_download = true;
    fake_.download_offsets.clear();
  }
  DownloadOptions options;
  options.retry = {3, absl::Milliseconds(1), absl::Milliseconds(5)};
  absl::StatusOr<v1::FileInfo> broken = client_->DownloadFile("fil_1", (dir_ / "x").string(), options);
  EXPECT_EQ(broken.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(Listing(), IsEmpty());
  absl::MutexLock lock(&fake_.mu);
  EXPECT_THAT(fake_.download_offsets, ElementsAre(0, 0, 0));
}

}  // namespace
}  // namespace gigwire
