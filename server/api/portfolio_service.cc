// PortfolioService handlers: sellers' portfolio items.
#include "absl/strings/str_cat.h"
#include "server/api/catalog_services.h"
#include "server/api/portfolio_convert.h"
#include "server/api/request_key.h"
#include "server/common/status.h"

namespace gigwire {
namespace {
constexpr char kService[] = "/gigwire.v1.PortfolioService/";

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }
}  // namespace

grpc::Status PortfolioServiceImpl::CreatePortfolioItem(
    grpc::ServerContext* context, const v1::CreatePortfolioItemRequest* request,
    v1::PortfolioItem* response) {
  return rpc_.Run(context, Method("CreatePortfolioItem"), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(
                        PortfolioItem item,
                        portfolio_.Create(*call.principal, PortfolioDraftFromProto(request->item()),
                                          MakeRequestKey(call, "CreatePortfolioItem", *request)));
                    ToProto(item, response);
                    return absl::OkStatus();
                  });
}

grpc::Status PortfolioServiceImpl::UpdatePortfolioItem(
    grpc::ServerContext* context, const v1::UpdatePortfolioItemRequest* request,
    v1::PortfolioItem* response) {
  return rpc_.Run(context, Method("UpdatePortfolioItem"), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(PortfolioPatch patch, PortfolioPatchFromProto(*request));
                    GW_ASSIGN_OR_RETURN(
                        PortfolioItem item,
                        portfolio_.Update(*call.principal, request->item().id(), patch,
                                          request->item().etag(),
                                          MakeRequestKey(call, "UpdatePortfolioItem", *request)));
                    ToProto(item, response);
                    return absl::OkStatus();
                  });
}

grpc::Status PortfolioServiceImpl::DeletePortfolioItem(
    grpc::ServerContext* context, const v1::DeletePortfolioItemRequest* request,
    v1::DeletePortfolioItemResponse*) {
  return rpc_.Run(context, Method("DeletePortfolioItem"), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    return portfolio_.Delete(
                        *call.principal, request->id(),
                        MakeRequestKey(call, "DeletePortfolioItem", *request));
                  });
}

grpc::Status PortfolioServiceImpl::ListPortfolioItems(
    grpc::ServerContext* context, const v1::ListPortfolioItemsRequest* request,
    v1::ListPortfolioItemsResponse* response) {
  return rpc_.Run(context, Method("ListPortfolioItems"), Access::kAuthenticated,
                  [&](const CallInfo&) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(PortfolioPage page,
                                        portfolio_.List(request->seller_id(), request->page_size(),
                                                        request->page_token()));
                    for (const PortfolioItem& item : page.items) {
                      ToProto(item, response->add_items());
                    }
                    response->set_next_page_token(page.next_page_token);
                    return absl::OkStatus();
                  });
}

}  // namespace gigwire
