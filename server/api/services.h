// gRPC service classes for accounts: AuthService, UserService, ApiKeyService.
// Each handler decodes the request, calls the domain and encodes the answer;
// authentication, rate limits, status conversion and logging are RpcRunner's.
//
// Thread safety: handlers run concurrently; the classes hold only references
// to thread-safe objects, which must outlive the server.
#ifndef GIGWIRE_SERVER_API_SERVICES_H_
#define GIGWIRE_SERVER_API_SERVICES_H_

#include "gigwire/v1/api_key.grpc.pb.h"
#include "gigwire/v1/auth.grpc.pb.h"
#include "gigwire/v1/user.grpc.pb.h"
#include "server/api/rpc_runner.h"
#include "server/domain/accounts.h"
#include "server/domain/api_keys.h"
#include "server/domain/portfolio.h"
#include "server/events/event_hub.h"

namespace gigwire {

class AuthServiceImpl final : public v1::AuthService::Service {
 public:
  AuthServiceImpl(RpcRunner& rpc, Accounts& accounts) : rpc_(rpc), accounts_(accounts) {}
  grpc::Status Register(grpc::ServerContext* context, const v1::RegisterRequest* request,
                        v1::User* response) override;
  grpc::Status Login(grpc::ServerContext* context, const v1::LoginRequest* request,
                     v1::TokenPair* response) override;
  grpc::Status Refresh(grpc::ServerContext* context, const v1::RefreshRequest* request,
                       v1::TokenPair* response) override;
  grpc::Status Logout(grpc::ServerContext* context, const v1::LogoutRequest* request,
                      v1::LogoutResponse* response) override;

 private:
  RpcRunner& rpc_;
  Accounts& accounts_;
};

class UserServiceImpl final : public v1::UserService::Service {
 public:
  // Granting or revoking a role ends the user's open streams (see
  // EventHub::EndSubscriptionsOf), which then reconnect with the new roles.
  // GetUser and GetMe show a seller's portfolio (Portfolio::OnProfile);
  // the other calls returning a User leave `portfolio` empty.
  UserServiceImpl(RpcRunner& rpc, Accounts& accounts, EventHub& hub, Portfolio& portfolio)
      : rpc_(rpc), accounts_(accounts), hub_(hub), portfolio_(portfolio) {}
  grpc::Status GetMe(grpc::ServerContext* context, const v1::GetMeRequest* request,
                     v1::User* response) override;
  grpc::Status GetUser(grpc::ServerContext* context, const v1::GetUserRequest* request,
                       v1::User* response) override;
  grpc::Status UpdateMe(grpc::ServerContext* context, const v1::UpdateMeRequest* request,
                        v1::User* response) override;
  grpc::Status ListUsers(grpc::ServerContext* context, const v1::ListUsersRequest* request,
                         v1::ListUsersResponse* response) override;
  grpc::Status GrantRole(grpc::ServerContext* context, const v1::GrantRoleRequest* request,
                         v1::User* response) override;
  grpc::Status RevokeRole(grpc::ServerContext* context, const v1::RevokeRoleRequest* request,
                          v1::User* response) override;

 private:
  RpcRunner& rpc_;
  Accounts& accounts_;
  EventHub& hub_;
  Portfolio& portfolio_;
};

class ApiKeyServiceImpl final : public v1::ApiKeyService::Service {
 public:
  // Revoking a key ends its account's open streams (a stream opened with
  // the key would otherwise outlive it); the others reconnect at once.
  ApiKeyServiceImpl(RpcRunner& rpc, ApiKeys& api_keys, EventHub& hub)
      : rpc_(rpc), api_keys_(api_keys), hub_(hub) {}
  grpc::Status CreateApiKey(grpc::ServerContext* context, const v1::CreateApiKeyRequest* request,
                            v1::CreateApiKeyResponse* response) override;
  grpc::Status ListApiKeys(grpc::ServerContext* context, const v1::ListApiKeysRequest* request,
                           v1::ListApiKeysResponse* response) override;
  grpc::Status RevokeApiKey(grpc::ServerContext* context, const v1::RevokeApiKeyRequest* request,
                            v1::ApiKey* response) override;

 private:
  RpcRunner& rpc_;
  ApiKeys& api_keys_;
  EventHub& hub_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_SERVICES_H_
