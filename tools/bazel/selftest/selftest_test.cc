// Toolchain self-test: proves that generated protos and gRPC stubs, gRPC
// (including server reflection), abseil, SQLiteCpp, OpenSSL and GoogleTest
// all build, link and work together under Bazel.

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <vector>

#include "SQLiteCpp/SQLiteCpp.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gigwire/v1/api_key.grpc.pb.h"
#include "gigwire/v1/user.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"

namespace {

TEST(SelfTest, GeneratedMessageRoundTrips) {
  gigwire::v1::User user;
  user.set_id("usr_abc");
  user.set_display_name("Ada");
  user.add_skills("c++");
  user.add_roles(gigwire::v1::ROLE_SELLER);
  user.mutable_create_time()->set_seconds(1700000000);

  std::string wire;
  ASSERT_TRUE(user.SerializeToString(&wire));
  gigwire::v1::User parsed;
  ASSERT_TRUE(parsed.ParseFromString(wire));
  EXPECT_EQ(parsed.id(), "usr_abc");
  EXPECT_EQ(parsed.display_name(), "Ada");
  ASSERT_EQ(parsed.skills_size(), 1);
  EXPECT_EQ(parsed.skills(0), "c++");
  ASSERT_EQ(parsed.roles_size(), 1);
  EXPECT_EQ(parsed.roles(0), gigwire::v1::ROLE_SELLER);
  EXPECT_EQ(parsed.create_time().seconds(), 1700000000);
}

TEST(SelfTest, SqliteCppInMemoryDatabase) {
  SQLite::Database db(":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
  db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
  SQLite::Statement insert(db, "INSERT INTO t (name) VALUES (?)");
  insert.bind(1, "gig");
  EXPECT_EQ(insert.exec(), 1);

  SQLite::Statement query(db, "SELECT id, name FROM t");
  ASSERT_TRUE(query.executeStep());
  EXPECT_EQ(query.getColumn(0).getInt64(), 1);
  EXPECT_EQ(query.getColumn(1).getString(), "gig");
  EXPECT_FALSE(query.executeStep());
}

TEST(SelfTest, OpenSslSha256) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  ASSERT_EQ(EVP_Digest("abc", 3, digest, &length, EVP_sha256(), nullptr), 1);
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += absl::StrFormat("%02x", digest[i]);
  }
  EXPECT_EQ(hex,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

absl::StatusOr<int> ParsePort(int port) {
  if (port <= 0) return absl::InvalidArgumentError(absl::StrCat("port ", port));
  return port;
}

TEST(SelfTest, AbseilStatusAndStrings) {
  EXPECT_EQ(absl::StrCat("gig", "wire", 1), "gigwire1");
  absl::StatusOr<int> bad = ParsePort(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "port -1");
  EXPECT_EQ(ParsePort(50051).value(), 50051);
}

// Revokes nothing; echoes the requested id back in the returned ApiKey.
class EchoApiKeyService final : public gigwire::v1::ApiKeyService::Service {
  grpc::Status RevokeApiKey(grpc::ServerContext*,
                            const gigwire::v1::RevokeApiKeyRequest* request,
                            gigwire::v1::ApiKey* key) override {
    key->set_id(request->id());
    return grpc::Status::OK;
  }
};

// Waits for the one operation in flight on cq; false if it failed.
bool Await(grpc::CompletionQueue& cq) {
  void* tag;
  bool ok = false;
  return cq.Next(&tag, &ok) && ok;
}

// Sends one raw ServerReflectionRequest{list_services: ""} over a generic
// bidi call, one operation at a time, and returns the raw response bytes.
std::string ListServicesRaw(const std::shared_ptr<grpc::Channel>& channel) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  grpc::CompletionQueue cq;
  auto call = stub.PrepareCall(
      &context, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      &cq);
  const std::string request("\x3a\x00", 2);  // field 7 (list_services) = ""
  grpc::Slice slice(request);
  grpc::ByteBuffer out(&slice, 1), in;
  grpc::Status status;
  call->StartCall(nullptr);
  if (!Await(cq)) return "";
  call->Write(out, nullptr);
  if (!Await(cq)) return "";
  call->WritesDone(nullptr);
  if (!Await(cq)) return "";
  call->Read(&in, nullptr);
  const bool got_response = Await(cq);
  call->Finish(&status, nullptr);
  Await(cq);
  std::vector<grpc::Slice> slices;
  if (!got_response || !status.ok() || !in.Dump(&slices).ok()) return "";
  std::string bytes;
  for (const auto& s : slices) {
    bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  return bytes;
}

TEST(SelfTest, GrpcStubAndReflectionInProcess) {
  EXPECT_FALSE(grpc::Version().empty());
  EchoApiKeyService service;
  grpc::ServerBuilder builder;
  builder.RegisterService(&service);
  std::unique_ptr<grpc::Server> server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  std::shared_ptr<grpc::Channel> channel =
      server->InProcessChannel(grpc::ChannelArguments());

  auto stub = gigwire::v1::ApiKeyService::NewStub(channel);
  grpc::ClientContext context;
  gigwire::v1::RevokeApiKeyRequest request;
  request.set_id("key_123");
  gigwire::v1::ApiKey key;
  grpc::Status status = stub->RevokeApiKey(&context, request, &key);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(key.id(), "key_123");

  // Reflection was not enabled by code: linking grpc++_reflection must do it.
  EXPECT_NE(ListServicesRaw(channel).find("gigwire.v1.ApiKeyService"),
            std::string::npos);
  server->Shutdown();
}

}  // namespace
