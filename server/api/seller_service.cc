// SellerService handlers: seller search.
#include "server/api/catalog_convert.h"
#include "server/api/catalog_services.h"
#include "server/common/status.h"

namespace gigwire {

grpc::Status SellerServiceImpl::SearchSellers(grpc::ServerContext* context,
                                              const v1::SearchSellersRequest* request,
                                              v1::SearchSellersResponse* response) {
  return rpc_.Run(context, "/gigwire.v1.SellerService/SearchSellers", Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(SellerFilter filter, SellerFilterFromProto(*request));
                    GW_ASSIGN_OR_RETURN(SellerPage page,
                                        sellers_.Search(filter, request->page_size(),
                                                        request->page_token()));
                    for (const SellerSummary& seller : page.sellers) {
                      ToProto(seller, call.principal, response->add_sellers());
                    }
                    response->set_next_page_token(page.next_page_token);
                    return absl::OkStatus();
                  });
}

}  // namespace gigwire
