// The file helpers of the C++ SDK: Client::UploadFile, UploadBytes and
// DownloadFile (see include/gigwire/files.h for the rules).
#include <grpcpp/support/sync_stream.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gigwire/client.h"
#include "gigwire/files.h"

namespace gigwire {
namespace internal {

// Bytes to upload, readable again from any offset (to resume).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual int64_t size() const = 0;
  // Exactly `length` bytes from `offset` into `out` (INTERNAL if fewer).
  virtual absl::Status Read(int64_t offset, int64_t length, std::string* out) = 0;
};

// Where a download goes: written in order, then committed once checked.
// Destroying an uncommitted sink discards what a path sink wrote.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual absl::Status Write(absl::string_view data) = 0;
  virtual absl::Status Commit() = 0;
};

}  // namespace internal

namespace {

using internal::ByteSink;
using internal::ByteSource;

class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(absl::string_view bytes) : bytes_(bytes) {}
  int64_t size() const override { return static_cast<int64_t>(bytes_.size()); }
  absl::Status Read(int64_t offset, int64_t length, std::string* out) override {
    absl::string_view part = bytes_.substr(offset, length);
    out->assign(part.data(), part.size());
    return absl::OkStatus();
  }

 private:
  absl::string_view bytes_;
};

class FileSource final : public ByteSource {
 public:
  static absl::StatusOr<std::unique_ptr<FileSource>> Open(const std::string& path) {
    auto source = std::unique_ptr<FileSource>(new FileSource());
    source->file_.open(path, std::ios::binary | std::ios::ate);
    if (!source->file_) {
      return errno == EACCES ? absl::PermissionDeniedError("cannot read " + path)
                             : absl::NotFoundError("cannot open " + path);
    }
    source->size_ = static_cast<int64_t>(source->file_.tellg());
    if (source->size_ < 0) return absl::InvalidArgumentError(path + " is not a regular file");
    return source;
  }
  int64_t size() const override { return size_; }
  absl::Status Read(int64_t offset, int64_t length, std::string* out) override {
    out->resize(length);
    file_.clear();
    file_.seekg(offset);
    file_.read(out->data(), length);
    if (file_.gcount() != length) return absl::InternalError("the file shrank while uploading");
    return absl::OkStatus();
  }

 private:
  FileSource() = default;
  std::ifstream file_;
  int64_t size_ = 0;
};

class StreamSink final : public ByteSink {
 public:
  explicit StreamSink(std::ostream& out) : out_(out) {}
  absl::Status Write(absl::string_view data) override {
    out_.write(data.data(), static_cast<std::streamsize>(data.size()));
    return out_ ? absl::OkStatus() : absl::InternalError("cannot write the download's stream");
  }
  absl::Status Commit() override {
    out_.flush();
    return out_ ? absl::OkStatus() : absl::InternalError("cannot flush the download's stream");
  }

 private:
  std::ostream& out_;
};

// Writes "<dir>/.<name>.<random>.part", renamed to the path on Commit.
class PathSink final : public ByteSink {
 public:
  static absl::StatusOr<std::unique_ptr<PathSink>> Create(const std::string& path) {
    thread_local std::mt19937_64 random{std::random_device{}()};
    size_t slash = path.find_last_of('/');
    std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    auto sink = std::unique_ptr<PathSink>(new PathSink());
    sink->path_ = path;
    sink->temporary_ = absl::StrFormat("%s.%s.%012x.part", dir, name, random() & 0xffffffffffffULL);
    sink->file_ = std::fopen(sink->temporary_.c_str(), "wbx");
    if (sink->file_ == nullptr) {
      return absl::InternalError(absl::StrCat("cannot create ", sink->temporary_, ": ",
                                              std::strerror(errno)));
    }
    return sink;
  }
  ~PathSink() override {
    if (file_ != nullptr) std::fclose(file_);
    if (!committed_) std::remove(temporary_.c_str());
  }
  absl::Status Write(absl::string_view data) override {
    if (std::fwrite(data.data(), 1, data.size(), file_) != data.size()) {
      return absl::InternalError(absl::StrCat("cannot write ", temporary_, ": ", std::strerror(errno)));
    }
    return absl::OkStatus();
  }
  absl::Status Commit() override {
    bool flushed = std::fflush(file_) == 0 && ::fsync(fileno(file_)) == 0;
    flushed = std::fclose(file_) == 0 && flushed;
    file_ = nullptr;
    if (!flushed || std::rename(temporary_.c_str(), path_.c_str()) != 0) {
      return absl::InternalError(absl::StrCat("cannot put ", path_, " in place: ", std::strerror(errno)));
    }
    committed_ = true;
    return absl::OkStatus();
  }

 private:
  PathSink() = default;
  std::string path_;
  std::string temporary_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
};

// SHA-256 through OpenSSL's EVP interface.
class Sha256 {
 public:
  Sha256() : context_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(context_, EVP_sha256(), nullptr); }
  ~Sha256() { EVP_MD_CTX_free(context_); }
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void Update(absl::string_view data) { EVP_DigestUpdate(context_, data.data(), data.size()); }
  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(context_, digest, &length);
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) absl::StrAppendFormat(&hex, "%02x", digest[i]);
    return hex;
  }

 private:
  EVP_MD_CTX* context_;
};

absl::StatusOr<std::string> HashSource(ByteSource& source) {
  Sha256 hash;
  std::string block;
  for (int64_t offset = 0; offset < source.size(); offset += kUploadChunkBytes) {
    absl::Status read = source.Read(offset, std::min(kUploadChunkBytes, source.size() - offset), &block);
    if (!read.ok()) return read;
    hash.Update(block);
  }
  return hash.HexDigest();
}

// A random (version 4) UUID.
std::string NewRequestId() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  uint64_t high = random(), low = random();
  high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  return absl::StrFormat("%08x-%04x-%04x-%04x-%012x", high >> 32, (high >> 16) & 0xffff,
                         high & 0xffff, low >> 48, low & 0xffffffffffffULL);
}

absl::Status CancelledByCaller() {
  return absl::CancelledError("transfer cancelled by its on_progress callback");
}

// Counts failures in a row; says how long to wait before the next attempt.
class Failures {
 public:
  Failures(const TransferRetry& retry, std::function<bool()> refresh)
      : retry_(retry), refresh_(std::move(refresh)) {}

  void Progressed() {
    count_ = 0;
    refreshed_ = false;
  }

  // The delay before retrying after `failed`, or the status to return.
  absl::StatusOr<absl::Duration> DelayAfter(const absl::Status& failed) {
    const ApiError error = ApiErrorOf(failed);
    if (error.code == absl::StatusCode::kUnauthenticated && error.reason == v1::TOKEN_EXPIRED) {
      if (refreshed_ || !refresh_()) return failed;
      refreshed_ = true;
      return absl::ZeroDuration();
    }
    if (!Retryable(error) || ++count_ >= retry_.max_failures) return failed;
    thread_local std::mt19937_64 random{std::random_device{}()};
    absl::Duration ceiling = std::min(
        retry_.max_backoff, retry_.initial_backoff * (int64_t{1} << std::min(count_ - 1, 20)));
    absl::Duration delay = ceiling * std::uniform_real_distribution<double>(0.0, 1.0)(random);
    return std::max(delay, absl::Milliseconds(error.retry_after_ms));
  }

 private:
  static bool Retryable(const ApiError& error) {
    if (error.code == absl::StatusCode::kUnavailable) return true;
    if (error.code == absl::StatusCode::kCancelled) return true;
    return error.code == absl::StatusCode::kResourceExhausted && error.reason == v1::RATE_LIMITED;
  }

  const TransferRetry retry_;
  const std::function<bool()> refresh_;
  int count_ = 0;
  bool refreshed_ = false;
};

// How an Uploader reaches the server.
struct UploadCalls {
  std::function<void(grpc::ClientContext&)> prepare;
  std::function<std::unique_ptr<grpc::ClientWriter<v1::UploadFileRequest>>(grpc::ClientContext*,
                                                                            v1::FileInfo*)>
      open;
  std::function<absl::StatusOr<v1::UploadStatus>(const std::string& request_id)> get_upload;
  std::function<bool()> refresh;
};

// One resumable upload (see gigwire/files.h).
class Uploader {
 public:
  Uploader(ByteSource& source, v1::UploadHeader header, const UploadOptions& options,
           UploadCalls calls)
      : source_(source),
        header_(std::move(header)),
        options_(options),
        calls_(std::move(calls)),
        failures_(options.retry, calls_.refresh) {}

  absl::StatusOr<v1::FileInfo> Run() {
    if (!Report(0)) return CancelledByCaller();
    while (true) {
      absl::StatusOr<v1::FileInfo> file = SendStream();
      if (file.ok()) return file;
      if (!local_error_.ok()) return local_error_;
      absl::StatusOr<std::optional<v1::FileInfo>> recovered = Recover(file.status());
      if (!recovered.ok()) return recovered.status();
      if (recovered->has_value()) {
        Report(source_.size());
        return **recovered;
      }
      if (!Report(header_.offset())) return CancelledByCaller();
    }
  }

 private:
  // One UploadFile stream from the header's offset.
  absl::StatusOr<v1::FileInfo> SendStream() {
    grpc::ClientContext context;
    calls_.prepare(context);
    v1::FileInfo file;
    std::unique_ptr<grpc::ClientWriter<v1::UploadFileRequest>> writer = calls_.open(&context, &file);
    v1::UploadFileRequest request;
    *request.mutable_header() = header_;
    bool open = writer->Write(request);
    for (int64_t done = header_.offset(); open && done < source_.size();) {
      std::string* chunk = request.mutable_chunk();
      local_error_ = source_.Read(done, std::min(options_.chunk_bytes, source_.size() - done), chunk);
      if (!local_error_.ok()) break;
      open = writer->Write(request);
      done += open ? static_cast<int64_t>(chunk->size()) : 0;
      if (open && !Report(done)) local_error_ = CancelledByCaller();
      if (!local_error_.ok()) break;
    }
    if (!local_error_.ok()) context.TryCancel();
    if (open && local_error_.ok()) writer->WritesDone();
    absl::Status status = StatusFromGrpc(writer->Finish());
    if (!status.ok()) return status;
    return file;
  }

  // After a failed stream: the file when the server completed it, nullopt
  // to send again from the header's (new) offset, or the error to return.
  absl::StatusOr<std::optional<v1::FileInfo>> Recover(absl::Status failed) {
    const ApiError error = ApiErrorOf(failed);
    int64_t received = 0;
    if (error.reason == v1::UPLOAD_OFFSET_MISMATCH && error.metadata.count("received_bytes") &&
        absl::SimpleAtoi(error.metadata.at("received_bytes"), &received)) {
      ResumeAt(received);
      return std::nullopt;
    }
    while (true) {
      absl::StatusOr<absl::Duration> delay = failures_.DelayAfter(failed);
      if (!delay.ok()) return delay.status();
      absl::SleepFor(*delay);
      absl::StatusOr<v1::UploadStatus> status = calls_.get_upload(header_.request_id());
      if (status.ok() && status->has_file()) return status->file();
      if (status.ok()) {
        ResumeAt(status->received_bytes());
        return std::nullopt;
      }
      if (status.status().code() == absl::StatusCode::kNotFound) {
        header_.set_offset(0);  // the server lost it (expired, restarted): start again
        return std::nullopt;
      }
      failed = status.status();
    }
  }

  void ResumeAt(int64_t offset) {
    if (offset > best_) {
      best_ = offset;
      failures_.Progressed();
    }
    header_.set_offset(offset);
  }

  bool Report(int64_t done) {
    if (done == last_reported_ || !options_.on_progress) return true;
    last_reported_ = done;
    return options_.on_progress(done, source_.size());
  }

  ByteSource& source_;
  v1::UploadHeader header_;
  const UploadOptions& options_;
  const UploadCalls calls_;
  Failures failures_;
  absl::Status local_error_;
  int64_t best_ = 0;
  int64_t last_reported_ = -1;
};

absl::Status DownloadMismatch(const std::string& file_id, const v1::FileInfo& info,
                              int64_t written, const std::string& actual_sha256) {
  std::string message = absl::StrCat(kDownloadMismatch, ": ", file_id, " has ", info.size_bytes(),
                                     " bytes with SHA-256 ", info.sha256(), ", got ", written,
                                     " bytes with ", actual_sha256);
  v1::ErrorDetails details;
  details.set_reason(v1::CHECKSUM_MISMATCH);
  v1::RpcStatus envelope;
  envelope.set_code(grpc::StatusCode::DATA_LOSS);
  envelope.set_message(message);
  envelope.add_details()->PackFrom(details);
  return StatusFromGrpc(
      grpc::Status(grpc::StatusCode::DATA_LOSS, message, envelope.SerializeAsString()));
}

// How a Downloader reaches the server.
struct DownloadCalls {
  std::function<void(grpc::ClientContext&)> prepare;
  std::function<std::unique_ptr<grpc::ClientReader<v1::DownloadFileResponse>>(
      grpc::ClientContext*, const v1::DownloadFileRequest&)>
      open;
  std::function<bool()> refresh;
};

// One resumable download (see gigwire/files.h).
class Downloader {
 public:
  Downloader(std::string file_id, ByteSink& sink, const DownloadOptions& options,
             DownloadCalls calls)
      : file_id_(std::move(file_id)),
        sink_(sink),
        options_(options),
        calls_(std::move(calls)),
        failures_(options.retry, calls_.refresh) {}

  absl::StatusOr<v1::FileInfo> Run() {
    while (true) {
      absl::Status ended = ReadOneStream();
      if (!local_error_.ok()) return local_error_;
      if (ended.ok() && info_.has_value() && written_ >= info_->size_bytes()) return Finish();
      if (ended.ok()) ended = absl::UnavailableError(absl::StrCat("download ended at byte ", written_));
      absl::StatusOr<absl::Duration> delay = failures_.DelayAfter(ended);
      if (!delay.ok()) return delay.status();
      absl::SleepFor(*delay);
    }
  }

 private:
  // Reads one DownloadFile stream from the bytes written; returns how it ended.
  absl::Status ReadOneStream() {
    grpc::ClientContext context;
    calls_.prepare(context);
    v1::DownloadFileRequest request;
    request.set_id(file_id_);
    request.set_offset(written_);
    std::unique_ptr<grpc::ClientReader<v1::DownloadFileResponse>> reader =
        calls_.open(&context, request);
    v1::DownloadFileResponse response;
    while (local_error_.ok() && reader->Read(&response)) {
      if (response.has_info()) local_error_ = TakeInfo(response.info());
      if (response.kind_case() == v1::DownloadFileResponse::kChunk) {
        local_error_ = TakeChunk(response.chunk());
      }
    }
    if (!local_error_.ok()) {
      context.TryCancel();
      while (reader->Read(&response)) {
      }
    }
    return StatusFromGrpc(reader->Finish());
  }

  absl::Status TakeInfo(const v1::FileInfo& info) {
    if (info_.has_value() &&
        (info.sha256() != info_->sha256() || info.size_bytes() != info_->size_bytes())) {
      return DownloadMismatch(file_id_, info, written_, "(the file changed between streams)");
    }
    bool first = !info_.has_value();
    info_ = info;
    return first && !Report() ? CancelledByCaller() : absl::OkStatus();
  }

  absl::Status TakeChunk(const std::string& chunk) {
    if (absl::Status written = sink_.Write(chunk); !written.ok()) return written;
    hash_.Update(chunk);
    written_ += static_cast<int64_t>(chunk.size());
    failures_.Progressed();
    return Report() ? absl::OkStatus() : CancelledByCaller();
  }

  bool Report() {
    if (!options_.on_progress || !info_.has_value()) return true;
    return options_.on_progress(written_, info_->size_bytes());
  }

  // Checks size and SHA-256, then commits the sink.
  absl::StatusOr<v1::FileInfo> Finish() {
    std::string actual = hash_.HexDigest();
    if (written_ != info_->size_bytes() || actual != absl::AsciiStrToLower(info_->sha256())) {
      return DownloadMismatch(file_id_, *info_, written_, actual);
    }
    if (absl::Status committed = sink_.Commit(); !committed.ok()) return committed;
    return *info_;
  }

  const std::string file_id_;
  ByteSink& sink_;
  const DownloadOptions& options_;
  const DownloadCalls calls_;
  Failures failures_;
  Sha256 hash_;
  std::optional<v1::FileInfo> info_;
  int64_t written_ = 0;
  absl::Status local_error_;
};

std::string FileNameOf(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

absl::StatusOr<v1::FileInfo> Client::UploadFile(const std::string& path,
                                                const UploadOptions& options) {
  absl::StatusOr<std::unique_ptr<FileSource>> source = FileSource::Open(path);
  if (!source.ok()) return source.status();
  UploadOptions named = options;
  if (named.name.empty()) named.name = FileNameOf(path);
  return UploadFrom(**source, named);
}

absl::StatusOr<v1::FileInfo> Client::UploadBytes(absl::string_view bytes,
                                                 const UploadOptions& options) {
  if (options.name.empty()) return absl::InvalidArgumentError("UploadBytes needs options.name");
  MemorySource source(bytes);
  return UploadFrom(source, options);
}

absl::StatusOr<v1::FileInfo> Client::UploadFrom(internal::ByteSource& source,
                                                const UploadOptions& options) {
  if (options.chunk_bytes <= 0 || options.chunk_bytes > kUploadChunkBytes) {
    return absl::InvalidArgumentError(absl::StrCat("chunk_bytes must be 1..", kUploadChunkBytes));
  }
  absl::StatusOr<std::string> sha256 = HashSource(source);
  if (!sha256.ok()) return sha256.status();
  v1::UploadHeader header;
  header.set_name(options.name);
  header.set_size_bytes(source.size());
  header.set_sha256(*sha256);
  header.set_request_id(options.request_id.empty() ? NewRequestId() : options.request_id);
  UploadCalls calls;
  calls.prepare = [this](grpc::ClientContext& context) { PrepareStreamContext(context); };
  calls.open = [this](grpc::ClientContext* context, v1::FileInfo* file) {
    return files_->UploadFile(context, file);
  };
  calls.get_upload = [this](const std::string& request_id) {
    v1::GetUploadRequest request;
    request.set_request_id(request_id);
    return CallStub(files_.get(), &v1::FileService::Stub::GetUpload, request);
  };
  calls.refresh = [this] { return RefreshForWatch(); };
  return Uploader(source, std::move(header), options, std::move(calls)).Run();
}

absl::StatusOr<v1::FileInfo> Client::DownloadFile(const std::string& file_id,
                                                  const std::string& path,
                                                  const DownloadOptions& options) {
  absl::StatusOr<std::unique_ptr<PathSink>> sink = PathSink::Create(path);
  if (!sink.ok()) return sink.status();
  return DownloadTo(file_id, **sink, options);
}

absl::StatusOr<v1::FileInfo> Client::DownloadFile(const std::string& file_id, std::ostream& out,
                                                  const DownloadOptions& options) {
  StreamSink sink(out);
  return DownloadTo(file_id, sink, options);
}

absl::StatusOr<v1::FileInfo> Client::DownloadTo(const std::string& file_id,
                                                internal::ByteSink& sink,
                                                const DownloadOptions& options) {
  DownloadCalls calls;
  calls.prepare = [this](grpc::ClientContext& context) { PrepareStreamContext(context); };
  calls.open = [this](grpc::ClientContext* context, const v1::DownloadFileRequest& request) {
    return files_->DownloadFile(context, request);
  };
  calls.refresh = [this] { return RefreshForWatch(); };
  return Downloader(file_id, sink, options, std::move(calls)).Run();
}

}  // namespace gigwire
