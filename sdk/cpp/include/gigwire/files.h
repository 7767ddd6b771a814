// Options of the C++ SDK's file helpers (Client::UploadFile, UploadBytes,
// DownloadFile: whole files through FileService, resumed after a broken
// connection and checked by SHA-256 at both ends).
//
//   gigwire::UploadOptions upload;
//   upload.on_progress = [](int64_t sent, int64_t total) {
//     std::cerr << sent << "/" << total << "\r";
//     return true;  // false cancels the transfer (CANCELLED)
//   };
//   absl::StatusOr<gigwire::v1::FileInfo> file = client->UploadFile("logo.png", upload);
//   ... attach file->id() to a message, a delivery ...
//   absl::StatusOr<gigwire::v1::FileInfo> got = client->DownloadFile(file->id(), "copy.png");
//
// Upload: the SHA-256 is computed first (the server checks it over the bytes
// it received), then the client-streaming UploadFile sends the header and
// chunks of at most 1 MiB. Every upload has a request_id: when the stream
// breaks (UNAVAILABLE...), GetUpload says how many bytes the server holds and
// the next stream resumes there (an UPLOAD_OFFSET_MISMATCH's
// `received_bytes` metadata also says where); when the server no longer
// holds the upload (NOT_FOUND: expired, or a restart), it starts again.
// Download: DownloadFile streams the file; a broken stream resumes from the
// bytes already written (`offset`); at the end the size and SHA-256 of what
// was written must match the file's (DATA_LOSS otherwise, see
// kDownloadMismatch). A path target is written to a temporary file beside it
// and renamed into place only once complete, flushed and checked.
//
// Thread safety: each transfer runs on the calling thread, which also runs
// `on_progress`; many transfers may run at once on one Client.
#ifndef GIGWIRE_SDK_CPP_FILES_H_
#define GIGWIRE_SDK_CPP_FILES_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/time/time.h"

namespace gigwire {

// The largest chunk FileService.UploadFile takes.
inline constexpr int64_t kUploadChunkBytes = int64_t{1} << 20;

// Called with (bytes done, total bytes); returning false cancels the
// transfer, which then returns CANCELLED.
using TransferProgress = std::function<bool(int64_t done, int64_t total)>;

// How a broken transfer is retried. A transfer that fails with UNAVAILABLE,
// CANCELLED (not asked for), or RESOURCE_EXHAUSTED / RATE_LIMITED is resumed
// after a delay drawn uniformly from [0, min(max_backoff, initial_backoff *
// 2^n)] (full jitter; RATE_LIMITED waits at least retry_after_ms), n
// counting failures in a row; an attempt that moved bytes forward resets n.
// After `max_failures` failures in a row the last error is returned; any
// other error at once. UNAUTHENTICATED / TOKEN_EXPIRED refreshes the login
// once (with a refresh token at hand) and retries.
struct TransferRetry {
  int max_failures = 6;
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(5);
};

// Options of Client::UploadFile and Client::UploadBytes.
struct UploadOptions {
  // The display name; empty: the path's file name (UploadBytes needs one).
  std::string name;
  // The upload's key; empty: a random UUID. The same key after the upload
  // finished returns the same file (even from another process).
  std::string request_id;
  // Called at 0, after each chunk is handed to gRPC, and at the end; it
  // steps back when a resumed upload restarts where the server stands.
  TransferProgress on_progress;
  TransferRetry retry;
  // Bytes per chunk, 1..kUploadChunkBytes.
  int64_t chunk_bytes = kUploadChunkBytes;
};

// Options of Client::DownloadFile.
struct DownloadOptions {
  // Called once the size is known (with 0 done) and after each chunk.
  TransferProgress on_progress;
  TransferRetry retry;
};

// The message of the DATA_LOSS status a download returns when what it wrote
// does not match the file (its size or SHA-256) starts with this.
inline constexpr char kDownloadMismatch[] = "download does not match the file";

}  // namespace gigwire

#endif  // GIGWIRE_SDK_CPP_FILES_H_
