// One gRPC-Web request forwarded to the gRPC server in-process: a generic
// call (bytes in, bytes out) through the server's in-process channel, so auth,
// rate limits, validation, logging and errors are the gRPC server's own and no
// RPC is implemented twice. The call turns what the server sends into
// gRPC-Web frames for the HTTP side to write out.
//
// The HTTP side (web_server.cc) drives it from its event threads: it waits
// (suspending the connection) until the call has something, takes the bytes,
// and tells the call when the browser went away. `wake` is how the call asks
// the HTTP side to resume a suspended connection; it is called without locks
// held, only after the HTTP side suspended (see TakeOutput/WaitForFinish).
//
// Flow control: at most `max_buffered_bytes` of a stream wait for a slow
// browser; beyond that the call stops reading from the server, whose own
// per-stream queue then applies (a watch that falls too far behind is ended
// with SLOW_CONSUMER, and the client resumes from its cursor).
//
// Ownership: shared by the HTTP request and, until OnDone, by the gRPC
// library (the call holds a reference to itself). `done` is the gRPC side's
// last act: it runs once, at the end of OnDone, after the last `wake` and
// after the call dropped its reference to itself (the call may be freed by
// then), so whoever waits for it knows no gRPC thread will touch the call, the
// connection or `wake` again. Thread safety: all public methods may be called
// from any thread.
#ifndef GIGWIRE_SERVER_WEB_WEB_CALL_H_
#define GIGWIRE_SERVER_WEB_WEB_CALL_H_

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/client_callback.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/web/grpc_web.h"

namespace gigwire::web {

struct WebCallOptions {
  WireMode mode = WireMode::kBinary;
  // Server streaming: reading pauses while max_buffered_bytes wait for the
  // browser. A unary call's one message is always read (it is bounded by the
  // gRPC message size limit, and the answer is written whole).
  bool streaming = false;
  size_t max_buffered_bytes = 1 << 20;
};

class WebCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  WebCall(const WebCallOptions& options, std::function<void()> wake,
          std::function<void()> done);

  // Starts `method` ("/gigwire.v1.JobService/GetJob") with `request_message`.
  // `metadata` is forwarded as is (keys already checked); a zero deadline
  // means none.
  static void Start(std::shared_ptr<WebCall> call, grpc::GenericStub& stub,
                    const std::string& method, const HeaderList& metadata,
                    absl::Time deadline, std::string request_message);

  // What a finished call answers, for a unary call written in one piece.
  struct Outcome {
    bool trailers_only = false;  // no message: the status goes in the HTTP headers
    HeaderList headers;          // the trailers, when trailers_only
    std::string body;            // frames, encoded for the wire mode
  };
  // If the call has finished: its outcome. Otherwise calls `suspend` under the
  // call's lock and returns std::nullopt; `wake` follows when it finishes.
  std::optional<Outcome> WaitForFinish(const std::function<void()>& suspend);

  // Streams: moves up to `max` bytes of frames into `out` and returns how
  // many. Returns 0 after calling `suspend` when nothing is ready yet, and
  // sets `*ended` once everything including the trailer frame was taken.
  size_t TakeOutput(char* out, size_t max, bool* ended, const std::function<void()>& suspend);

  // The browser went away (or the server stops): cancels the call; no wake
  // follows.
  void Abandon();

  // Cancels the call but still wakes the connection, which then writes the
  // CANCELLED status out (used when the web server stops). Reading no longer
  // pauses for a slow browser, so OnDone follows even if nothing is taken.
  void Cancel();

  // grpc::ClientBidiReactor
  void OnWriteDone(bool ok) override;
  void OnReadDone(bool ok) override;
  void OnDone(const grpc::Status& status) override;

 private:
  void Append(std::string frame) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Takes the wake duty if the connection is suspended.
  bool ClaimWake() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const WebCallOptions options_;
  const std::function<void()> wake_;
  const std::function<void()> done_;
  grpc::ClientContext context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;

  absl::Mutex mu_;
  std::string output_ ABSL_GUARDED_BY(mu_);  // encoded, not yet taken
  size_t taken_ ABSL_GUARDED_BY(mu_) = 0;    // prefix of output_ already written
  int messages_ ABSL_GUARDED_BY(mu_) = 0;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool suspended_ ABSL_GUARDED_BY(mu_) = false;
  bool abandoned_ ABSL_GUARDED_BY(mu_) = false;
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;  // by Cancel: reading never pauses
  bool read_paused_ ABSL_GUARDED_BY(mu_) = false;
  HeaderList trailers_ ABSL_GUARDED_BY(mu_);
  std::shared_ptr<WebCall> self_;  // set by Start, cleared in OnDone
};

// The trailers a finished call reports: grpc-status, grpc-message (percent
// encoded), grpc-status-details-bin (base64), retry-after (whole seconds, for
// a rate-limited call), then the server's trailing metadata.
HeaderList TrailersOf(const grpc::Status& status,
                      const std::multimap<grpc::string_ref, grpc::string_ref>& trailing);

}  // namespace gigwire::web

#endif  // GIGWIRE_SERVER_WEB_WEB_CALL_H_
