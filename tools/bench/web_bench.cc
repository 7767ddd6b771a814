// web_bench: the same unary calls through gigwired's web port (gRPC-Web over
// HTTP/1.1 keep-alive connections, forwarded in-process to the gRPC server)
// and over gRPC (HTTP/2), in one run, each reported as a ratio to the no-op
// gRPC call (grpc.health.v1.Health/Check) measured in that run. The server
// runs in-process with the code gigwired uses (GigwireServer + WebServer) on
// loopback ports; every client thread has its own connection.
//
//   web_bench [--threads 8] [--seconds 3] [--markdown]
#include <arpa/inet.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <grpcpp/impl/codegen/rpc_method.h>
#include <grpcpp/support/byte_buffer.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gigwire/v1/catalog.pb.h"
#include "gigwire/v1/job.pb.h"
#include "gigwire/v1/user.pb.h"
#include "grpc/health/v1/health.pb.h"
#include "server/api/server.h"
#include "server/web/grpc_web.h"
#include "server/web/web_server.h"
#include "tools/bench/measure.h"

namespace gigwire::bench {
namespace {

namespace pb = ::gigwire::v1;

struct Options {
  int threads = 8;
  double seconds = 3;
  bool markdown = false;
};

// One call to measure both ways: a method, its request and the caller's token.
struct Call {
  std::string name;
  std::string method;
  std::string request;  // serialized
  std::string token;    // empty: anonymous
};

// A blocking gRPC-Web client on one keep-alive connection.
class WebConnection {
 public:
  explicit WebConnection(int port) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) std::abort();
  }
  ~WebConnection() { close(fd_); }

  // True when the answer is HTTP 200 with grpc-status 0.
  bool Unary(const Call& call) {
    const std::string body = web::DataFrame(call.request);
    std::string request = absl::StrCat(
        "POST ", call.method, " HTTP/1.1\r\nHost: bench\r\n",
        "Content-Type: application/grpc-web+proto\r\nX-Grpc-Web: 1\r\n",
        call.token.empty() ? "" : absl::StrCat("Authorization: Bearer ", call.token, "\r\n"),
        "Content-Length: ", body.size(), "\r\n\r\n", body);
    if (write(fd_, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
      return false;
    }
    return ReadResponse();
  }

 private:
  bool ReadResponse() {
    size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return false;
    }
    const std::string headers = absl::AsciiStrToLower(buffer_.substr(0, header_end));
    size_t length = 0;
    const size_t at = headers.find("content-length:");
    if (at == std::string::npos ||
        !absl::SimpleAtoi(absl::StripAsciiWhitespace(headers.substr(
                              at + 15, headers.find("\r\n", at) - at - 15)),
                          &length)) {
      return false;
    }
    while (buffer_.size() < header_end + 4 + length) {
      if (!Fill()) return false;
    }
    const std::string body = buffer_.substr(header_end + 4, length);
    buffer_.erase(0, header_end + 4 + length);
    return absl::StartsWith(headers, "http/1.1 200") &&
           (absl::StrContains(body, "grpc-status:0\r\n") ||
            absl::StrContains(headers, "grpc-status: 0"));
  }

  bool Fill() {
    char chunk[16384];
    const ssize_t n = read(fd_, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buffer_;
};

bool GrpcUnary(grpc::Channel& channel, const Call& call) {
  grpc::ClientContext context;
  if (!call.token.empty()) context.AddMetadata("authorization", "Bearer " + call.token);
  grpc::Slice slice(call.request);
  grpc::ByteBuffer request(&slice, 1), response;
  grpc::internal::RpcMethod method(call.method.c_str(), grpc::internal::RpcMethod::NORMAL_RPC);
  return grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, grpc::ByteBuffer>(
             &channel, method, &context, request, &response)
      .ok();
}

struct Fixture {
  std::unique_ptr<Backend> backend;
  std::unique_ptr<GigwireServer> server;
  std::unique_ptr<web::WebServer> web;
  int web_port = 0;
  std::vector<Call> calls;
};

void SetUp(Fixture& f, const std::filesystem::path& dir) {
  BackendOptions options;
  options.store.path = (dir / "gigwire.db").string();
  options.token_keys = *ParseTokenKeyFile(NewTokenKeyFileText());
  options.scrypt = ScryptParams::InsecureFastForTests();
  options.rate_limits.per_principal = {1e9, 1e9};
  options.rate_limits.per_address_browse = {1e9, 1e9};
  f.backend = *Backend::Open(options);
  ServerOptions server_options;
  server_options.listen_address = "127.0.0.1:0";
  f.server = *GigwireServer::Start(server_options, *f.backend);
  web::WebServerOptions web_options;
  web_options.listen_address = "127.0.0.1:0";
  web_options.max_connections = 1024;
  f.web = *web::WebServer::Start(web_options, f.server->InProcessChannel());
  f.web_port = std::stoi(f.web->address().substr(f.web->address().rfind(':') + 1));

  User buyer = *f.backend->accounts.Register(
      {"buyer@bench.dev", "bench-password-1", "Buyer", {Role::kBuyer}});
  const std::string token = f.backend->tokens.Issue(buyer.id);
  f.calls.push_back({"no-op (Health/Check)", "/grpc.health.v1.Health/Check",
                     grpc::health::v1::HealthCheckRequest().SerializeAsString(), ""});
  f.calls.push_back({"GetMe (auth + 1 read)", "/gigwire.v1.UserService/GetMe",
                     pb::GetMeRequest().SerializeAsString(), token});
  pb::ListCategoriesRequest categories;
  f.calls.push_back({"ListCategories (anonymous)", "/gigwire.v1.CatalogService/ListCategories",
                     categories.SerializeAsString(), ""});
  pb::ListJobsRequest jobs;
  jobs.set_page_size(20);
  f.calls.push_back({"ListJobs 20 (own, empty)", "/gigwire.v1.JobService/ListJobs",
                     jobs.SerializeAsString(), token});
}

std::vector<Result> Run(const Options& options, Fixture& f) {
  std::vector<Result> results;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int t = 0; t < options.threads; ++t) {
    grpc::ChannelArguments arguments;
    arguments.SetInt("gigwire.bench.channel", t);  // one connection per thread
    channels.push_back(grpc::CreateCustomChannel(f.server->address(),
                                                 grpc::InsecureChannelCredentials(), arguments));
  }
  for (const Call& call : f.calls) {
    results.push_back(Measure(absl::StrCat(call.name, " · gRPC"), options.threads,
                              options.seconds, 1L << 40, [&](int t, long) {
                                return GrpcUnary(*channels[t], call);
                              }));
    std::vector<std::unique_ptr<WebConnection>> connections;
    for (int t = 0; t < options.threads; ++t) {
      connections.push_back(std::make_unique<WebConnection>(f.web_port));
    }
    results.push_back(Measure(absl::StrCat(call.name, " · gRPC-Web"), options.threads,
                              options.seconds, 1L << 40, [&](int t, long) {
                                return connections[t]->Unary(call);
                              }));
  }
  return results;
}

void Print(const std::vector<Result>& results, bool markdown) {
  const double noop = results[0].ops_per_second;
  if (markdown) {
    std::cout << "| call · transport | threads | ops/s | p50 µs | p99 µs | vs no-op gRPC "
                 "| web vs gRPC | errors |\n|---|---|---|---|---|---|---|---|\n";
  }
  for (size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    const double same_call_grpc = results[i - i % 2].ops_per_second;
    std::cout << absl::StrFormat(
                     markdown ? "| %s | %d | %.0f | %.0f | %.0f | %.2f | %.2f | %ld |\n"
                              : "%-42s threads=%-2d %8.0f ops/s p50=%6.0fus p99=%7.0fus "
                                "x no-op=%.2f web/grpc=%.2f errors=%ld\n",
                     r.name, r.threads, r.ops_per_second, r.p50_us, r.p99_us,
                     r.ops_per_second / noop, r.ops_per_second / same_call_grpc, r.errors);
  }
}

}  // namespace
}  // namespace gigwire::bench

int main(int argc, char** argv) {
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);  // as gigwired does
  gigwire::bench::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) options.threads = std::stoi(argv[++i]);
    else if (arg == "--seconds" && i + 1 < argc) options.seconds = std::stod(argv[++i]);
    else if (arg == "--markdown") options.markdown = true;
    else {
      std::cerr << "usage: web_bench [--threads N] [--seconds S] [--markdown]\n";
      return 2;
    }
  }
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("gigwire-web-bench-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  {
    gigwire::bench::Fixture fixture;
    gigwire::bench::SetUp(fixture, dir);
    gigwire::bench::Print(gigwire::bench::Run(options, fixture), options.markdown);
    fixture.web->Stop();
    fixture.server->Shutdown(absl::Seconds(1));
  }
  std::filesystem::remove_all(dir);
  return 0;
}
