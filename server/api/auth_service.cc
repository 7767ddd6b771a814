// AuthService handlers: Register, Login, Refresh, Logout.
#include "server/api/convert.h"
#include "server/api/services.h"
#include "server/common/status.h"
#include "server/domain/validation.h"

namespace gigwire {
namespace {

constexpr char kService[] = "/gigwire.v1.AuthService/";

void SessionToProto(const Session& session, v1::TokenPair* out) {
  out->set_access_token(session.access_token);
  ToProto(session.access_expire_time, out->mutable_access_token_expire_time());
  out->set_refresh_token(session.refresh_token);
  ToProto(session.refresh_expire_time, out->mutable_refresh_token_expire_time());
  ToProto(session.user, UserView::kFull, out->mutable_user());
}

absl::StatusOr<RegisterInput> DecodeRegister(const v1::RegisterRequest& request) {
  RegisterInput input{request.email(), request.password(), request.display_name(), {}};
  for (int i = 0; i < request.roles_size(); ++i) {
    GW_ASSIGN_OR_RETURN(Role role, RoleFromProto(request.roles(i), "roles"));
    input.roles.push_back(role);
  }
  return input;
}

}  // namespace

grpc::Status AuthServiceImpl::Register(grpc::ServerContext* context,
                                       const v1::RegisterRequest* request, v1::User* response) {
  return rpc_.Run(context, std::string(kService) + "Register", Access::kPublic,
                  [&](const CallInfo&) -> absl::Status {
                    GW_RETURN_IF_ERROR(rpc_.limits().per_account_auth().Acquire(
                        NormalizeEmail(request->email())));
                    GW_ASSIGN_OR_RETURN(RegisterInput input, DecodeRegister(*request));
                    GW_ASSIGN_OR_RETURN(User user, accounts_.Register(input));
                    ToProto(user, UserView::kFull, response);
                    return absl::OkStatus();
                  });
}

grpc::Status AuthServiceImpl::Login(grpc::ServerContext* context,
                                    const v1::LoginRequest* request, v1::TokenPair* response) {
  return rpc_.Run(context, std::string(kService) + "Login", Access::kPublic,
                  [&](const CallInfo&) -> absl::Status {
                    GW_RETURN_IF_ERROR(rpc_.limits().per_account_auth().Acquire(
                        NormalizeEmail(request->email())));
                    GW_ASSIGN_OR_RETURN(Session session,
                                        accounts_.Login(request->email(), request->password()));
                    SessionToProto(session, response);
                    return absl::OkStatus();
                  });
}

grpc::Status AuthServiceImpl::Refresh(grpc::ServerContext* context,
                                      const v1::RefreshRequest* request,
                                      v1::TokenPair* response) {
  return rpc_.Run(context, std::string(kService) + "Refresh", Access::kPublic,
                  [&](const CallInfo&) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(Session session,
                                        accounts_.Refresh(request->refresh_token()));
                    SessionToProto(session, response);
                    return absl::OkStatus();
                  });
}

grpc::Status AuthServiceImpl::Logout(grpc::ServerContext* context,
                                     const v1::LogoutRequest* request, v1::LogoutResponse*) {
  return rpc_.Run(context, std::string(kService) + "Logout", Access::kPublic,
                  [&](const CallInfo&) { return accounts_.Logout(request->refresh_token()); });
}

}  // namespace gigwire
