// ApiKeyService handlers: create, list and revoke partner API keys.
#include "server/api/convert.h"
#include "server/api/services.h"
#include "server/common/status.h"

namespace gigwire {
namespace {
constexpr char kService[] = "/gigwire.v1.ApiKeyService/";
}  // namespace

grpc::Status ApiKeyServiceImpl::CreateApiKey(grpc::ServerContext* context,
                                             const v1::CreateApiKeyRequest* request,
                                             v1::CreateApiKeyResponse* response) {
  return rpc_.Run(context, std::string(kService) + "CreateApiKey", Access::kSession,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(IssuedApiKey issued,
                                        api_keys_.Create(*call.principal, request->display_name(),
                                                         request->user_id()));
                    ToProto(issued.key, response->mutable_api_key());
                    response->set_secret(issued.secret);
                    return absl::OkStatus();
                  });
}

grpc::Status ApiKeyServiceImpl::ListApiKeys(grpc::ServerContext* context,
                                            const v1::ListApiKeysRequest* request,
                                            v1::ListApiKeysResponse* response) {
  return rpc_.Run(context, std::string(kService) + "ListApiKeys", Access::kSession,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(ApiKeyPage page,
                                        api_keys_.List(*call.principal, request->page_size(),
                                                       request->page_token()));
                    for (const ApiKey& key : page.keys) ToProto(key, response->add_api_keys());
                    response->set_next_page_token(page.next_page_token);
                    return absl::OkStatus();
                  });
}

grpc::Status ApiKeyServiceImpl::RevokeApiKey(grpc::ServerContext* context,
                                             const v1::RevokeApiKeyRequest* request,
                                             v1::ApiKey* response) {
  return rpc_.Run(context, std::string(kService) + "RevokeApiKey", Access::kSession,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(ApiKey key,
                                        api_keys_.Revoke(*call.principal, request->id()));
                    hub_.EndSubscriptionsOf(key.user_id,
                                            CredentialsChanged("an API key of yours was revoked"));
                    ToProto(key, response);
                    return absl::OkStatus();
                  });
}

}  // namespace gigwire
