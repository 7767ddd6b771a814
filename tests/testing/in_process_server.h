// An in-process gigwired for integration tests: the real backend on a SQLite
// file in a fresh temporary directory, served by GigwireServer on a loopback
// port, with a FakeClock the test moves, and helpers that add users and call
// any unary RPC through the generated stubs as one of them.
//
//   InProcessServer server;
//   std::string buyer = server.AddUser("buyer@example.com", {Role::kBuyer});
//   v1::Job job = server.Call(buyer, &v1::JobService::Stub::GetJob, request);
//
// Every call carries a bearer token issued at the fake clock's present, so
// moving the clock never expires a test's credentials.
// Thread safety: one object per test, used from the test's thread.
#ifndef GIGWIRE_TESTS_TESTING_IN_PROCESS_SERVER_H_
#define GIGWIRE_TESTS_TESTING_IN_PROCESS_SERVER_H_

#include <grpcpp/create_channel.h>

#include <memory>
#include <string>
#include <vector>

#include "gigwire/v1/errors.pb.h"
#include "gtest/gtest.h"
#include "server/api/server.h"
#include "server/testing/temp_dir.h"

namespace gigwire::testutil {

// Keeps a parameter out of template deduction (std::type_identity in C++20).
template <typename T>
struct NonDeduced {
  using type = T;
};

// The reason in a failed call's details (gigwire.v1.ErrorDetails inside the
// gigwire.v1.RpcStatus trailer), or ERROR_REASON_UNSPECIFIED.
inline v1::ErrorReason ReasonIn(const grpc::Status& status) {
  v1::RpcStatus envelope;
  if (status.ok() || !envelope.ParseFromString(status.error_details())) {
    return v1::ERROR_REASON_UNSPECIFIED;
  }
  for (const auto& any : envelope.details()) {
    v1::ErrorDetails details;
    if (any.UnpackTo(&details)) return details.reason();
  }
  return v1::ERROR_REASON_UNSPECIFIED;
}

class InProcessServer {
 public:
  // The stub method of a unary RPC, e.g. &v1::JobService::Stub::GetJob.
  template <typename Stub, typename Request, typename Response>
  using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  // `clock_start`: where the FakeClock starts.
  explicit InProcessServer(absl::Time clock_start = absl::Now()) : clock_(clock_start) {
    BackendOptions options;
    options.store.path = dir_.Path("gigwire.db");
    options.token_keys = *ParseTokenKeyFile(NewTokenKeyFileText());
    options.scrypt = ScryptParams::InsecureFastForTests();
    options.rate_limits.per_principal = {1e6, 1e6};
    options.clock = &clock_;
    backend_ = *Backend::Open(options);
    ServerOptions server_options;
    server_options.listen_address = "127.0.0.1:0";
    server_ = *GigwireServer::Start(server_options, *backend_);
    channel_ = grpc::CreateChannel(server_->address(), grpc::InsecureChannelCredentials());
  }

  ~InProcessServer() {
    server_->Shutdown(absl::Seconds(1));
    server_.reset();
    backend_.reset();
  }

  FakeClock& clock() { return clock_; }
  Backend& backend() { return *backend_; }
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

  // Registers a user with `roles`; returns its id ("" after a test failure).
  std::string AddUser(const std::string& email, std::vector<Role> roles) {
    absl::StatusOr<User> user = backend_->accounts.Register(
        RegisterInput{email, "a-long-enough-password", "Test " + email, std::move(roles)});
    EXPECT_TRUE(user.ok()) << email << ": " << user.status();
    return user.ok() ? user->id : "";
  }

  std::string AddAdmin(const std::string& email) {
    absl::StatusOr<User> admin =
        backend_->accounts.CreateOrPromoteAdmin(email, "a-long-enough-password");
    EXPECT_TRUE(admin.ok()) << email << ": " << admin.status();
    return admin.ok() ? admin->id : "";
  }

  // A context authenticated as `user_id` with a token valid at the fake now.
  void Authenticate(const std::string& user_id, grpc::ClientContext& context) {
    context.AddMetadata("authorization", "Bearer " + backend_->tokens.Issue(user_id));
  }

  // Calls `method` as `user_id`; returns the status, the answer in `response`.
  template <typename Stub, typename Request, typename Response>
  grpc::Status Invoke(const std::string& user_id, Method<Stub, Request, Response> method,
                      const typename NonDeduced<Request>::type& request, Response* response) {
    Stub stub(channel_);
    grpc::ClientContext context;
    Authenticate(user_id, context);
    return (stub.*method)(&context, request, response);
  }

  // Calls `method` as `user_id` and records a test failure unless it is OK.
  template <typename Stub, typename Request, typename Response>
  Response Call(const std::string& user_id, Method<Stub, Request, Response> method,
                const typename NonDeduced<Request>::type& request) {
    Response response;
    grpc::Status status = Invoke(user_id, method, request, &response);
    EXPECT_TRUE(status.ok()) << Request::descriptor()->name() << ": " << status.error_message();
    return response;
  }

 private:
  TempDir dir_;
  FakeClock clock_;
  std::unique_ptr<Backend> backend_;
  std::unique_ptr<GigwireServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

}  // namespace gigwire::testutil

#endif  // GIGWIRE_TESTS_TESTING_IN_PROCESS_SERVER_H_
