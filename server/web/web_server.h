// gigwired's web port (--web-listen): the gRPC-Web protocol over HTTP/1.1
// (TLS with the gRPC port's certificate), forwarded in-process to the gRPC
// server (web_call.h), and the web console's files at "/" (static_files.h).
//
// HTTP comes from GNU libmicrohttpd (Debian's libmicrohttpd-dev): a small C
// server with an event loop, suspend/resume for long responses (a watch costs
// a connection and a buffer, not a thread), and the limits a public port needs
// built in: a connection cap, an idle timeout that also ends slow clients, and
// a bounded per-connection memory pool for headers. What gRPC-Web needs beyond
// HTTP (frames, text mode, trailers in the body, CORS) is ours.
//
// Answers: a request that is not gRPC-Web gets an HTTP error (405 wrong
// method, 415 wrong content type, 413 body over --web-max-request-bytes, 403
// origin not allowed, 404 no such file); a gRPC-Web request that does not
// decode (bad base64, truncated or extra frames) gets a gRPC status
// INVALID_ARGUMENT with reason MALFORMED_REQUEST and never reaches a handler;
// everything else is the gRPC server's own answer.
//
// Lifecycle: Start -> serve -> StopForwarding -> (the gRPC server shuts down)
// -> Stop. StopForwarding must come before the gRPC server's Shutdown: the
// in-process channel may not start a call during or after it (gRPC 1.51's
// in-process transport then calls the server's accept-stream callback, already
// cleared: a jump to address 0). Stop ends the calls still open with
// CANCELLED, waits until every forwarded call's gRPC side is done (it resumes
// suspended connections) and, for a few seconds, until their connections have
// written the ending out, then closes the port; it implies StopForwarding, and
// must come before the gRPC server is destroyed. Thread safety: Start,
// StopForwarding and Stop from one thread.
#ifndef GIGWIRE_SERVER_WEB_WEB_SERVER_H_
#define GIGWIRE_SERVER_WEB_WEB_SERVER_H_

#include <grpcpp/channel.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace gigwire::web {

struct WebServerOptions {
  std::string listen_address = "127.0.0.1:8080";  // host:port; port 0 picks a free one
  std::string tls_cert_pem;                         // both empty: plain HTTP
  std::string tls_key_pem;
  std::vector<std::string> allowed_origins;  // besides the page's own origin
  std::string static_root;                   // the console's files; empty: none
  size_t max_request_bytes = (4 << 20) + 5;  // request body as sent (text mode is larger)
  size_t max_message_bytes = 4 << 20;
  unsigned max_connections = 512;
  unsigned max_connections_per_address = 64;  // 0: no limit per client address
  unsigned idle_timeout_seconds = 30;  // no byte in or out for this long: closed
  unsigned threads = 2;
};

class WebServer {
 public:
  // `channel` reaches the gRPC server in-process (GigwireServer::InProcessChannel).
  // Errors: INVALID_ARGUMENT for a bad address, origin or static root;
  // UNAVAILABLE if the port cannot be bound; FAILED_PRECONDITION for TLS
  // options when libmicrohttpd was built without TLS.
  static absl::StatusOr<std::unique_ptr<WebServer>> Start(const WebServerOptions& options,
                                                         std::shared_ptr<grpc::Channel> channel);
  virtual ~WebServer() = default;

  // "host:port" actually bound.
  virtual const std::string& address() const = 0;
  // From now on new gRPC-Web calls are answered UNAVAILABLE (SHUTTING_DOWN)
  // here, without reaching the channel; returns once no call is being started
  // on it. Calls already forwarded go on (a watch ends when the gRPC server
  // ends its streams). Idempotent.
  virtual void StopForwarding() = 0;
  // StopForwarding, then ends the calls still open (CANCELLED), waits until
  // the gRPC side of every forwarded call is done and (up to a few seconds)
  // until their connections have written the ending out, then closes the port
  // and every connection. No callback runs after it returns. Idempotent.
  virtual void Stop() = 0;
};

}  // namespace gigwire::web

#endif  // GIGWIRE_SERVER_WEB_WEB_SERVER_H_
