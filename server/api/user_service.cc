// UserService handlers: profiles and role administration.
#include "server/api/convert.h"
#include "server/api/portfolio_convert.h"
#include "server/api/services.h"
#include "server/common/status.h"

namespace gigwire {
namespace {
constexpr char kService[] = "/gigwire.v1.UserService/";

// Adds what `user`'s profile shows of their portfolio (sellers only).
absl::Status AddPortfolio(Portfolio& portfolio, const User& user, v1::User* out) {
  GW_ASSIGN_OR_RETURN(std::vector<PortfolioItem> items, portfolio.OnProfile(user));
  for (const PortfolioItem& item : items) ToProto(item, out->add_portfolio());
  return absl::OkStatus();
}
}  // namespace

grpc::Status UserServiceImpl::GetMe(grpc::ServerContext* context, const v1::GetMeRequest*,
                                    v1::User* response) {
  return rpc_.Run(context, std::string(kService) + "GetMe", Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(User user, accounts_.GetUser(call.principal->user_id));
                    ToProto(user, UserView::kFull, response);
                    return AddPortfolio(portfolio_, user, response);
                  });
}

grpc::Status UserServiceImpl::GetUser(grpc::ServerContext* context,
                                      const v1::GetUserRequest* request, v1::User* response) {
  return rpc_.Run(context, std::string(kService) + "GetUser", Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(User user, accounts_.GetUser(request->id()));
                    bool full = CanSeePrivateProfile(*call.principal, user);
                    ToProto(user, full ? UserView::kFull : UserView::kPublic, response);
                    return AddPortfolio(portfolio_, user, response);
                  });
}

grpc::Status UserServiceImpl::UpdateMe(grpc::ServerContext* context,
                                       const v1::UpdateMeRequest* request, v1::User* response) {
  return rpc_.Run(context, std::string(kService) + "UpdateMe", Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(ProfilePatch patch, ProfilePatchFromProto(*request));
                    GW_ASSIGN_OR_RETURN(User user, accounts_.UpdateProfile(
                                                       *call.principal, patch, request->etag()));
                    ToProto(user, UserView::kFull, response);
                    return absl::OkStatus();
                  });
}

grpc::Status UserServiceImpl::ListUsers(grpc::ServerContext* context,
                                        const v1::ListUsersRequest* request,
                                        v1::ListUsersResponse* response) {
  return rpc_.Run(context, std::string(kService) + "ListUsers", Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(std::optional<Role> role,
                                        OptionalRoleFromProto(request->role(), "role"));
                    GW_ASSIGN_OR_RETURN(UserPage page,
                                        accounts_.ListUsers(*call.principal, role,
                                                            request->page_size(),
                                                            request->page_token(),
                                                            request->email()));
                    for (const User& user : page.users) {
                      ToProto(user, UserView::kFull, response->add_users());
                    }
                    response->set_next_page_token(page.next_page_token);
                    return absl::OkStatus();
                  });
}

grpc::Status UserServiceImpl::GrantRole(grpc::ServerContext* context,
                                        const v1::GrantRoleRequest* request, v1::User* response) {
  return rpc_.Run(context, std::string(kService) + "GrantRole", Access::kSession,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(Role role, RoleFromProto(request->role(), "role"));
                    GW_ASSIGN_OR_RETURN(User user, accounts_.GrantRole(
                                                       *call.principal, request->user_id(), role));
                    hub_.EndSubscriptionsOf(user.id, CredentialsChanged("your roles changed"));
                    ToProto(user, UserView::kFull, response);
                    return absl::OkStatus();
                  });
}

grpc::Status UserServiceImpl::RevokeRole(grpc::ServerContext* context,
                                         const v1::RevokeRoleRequest* request,
                                         v1::User* response) {
  return rpc_.Run(context, std::string(kService) + "RevokeRole", Access::kSession,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(Role role, RoleFromProto(request->role(), "role"));
                    GW_ASSIGN_OR_RETURN(User user, accounts_.RevokeRole(
                                                       *call.principal, request->user_id(), role));
                    hub_.EndSubscriptionsOf(user.id, CredentialsChanged("your roles changed"));
                    ToProto(user, UserView::kFull, response);
                    return absl::OkStatus();
                  });
}

}  // namespace gigwire
