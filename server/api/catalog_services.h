// gRPC service classes for the catalog: CatalogService (categories and
// gigs), SellerService (seller search), PortfolioService (sellers' work) and
// AuditService (the admin audit log). Each handler decodes the request, calls the domain and encodes the
// answer; authentication, rate limits, status conversion and logging are
// RpcRunner's.
//
// ListCategories, GetGig and ListGigs also serve callers without
// credentials: a call that sends credentials is authenticated (and refused
// when they are bad), one without is anonymous and rate limited per client
// address.
//
// Thread safety: handlers run concurrently; the classes hold only references
// to thread-safe objects, which must outlive the server.
#ifndef GIGWIRE_SERVER_API_CATALOG_SERVICES_H_
#define GIGWIRE_SERVER_API_CATALOG_SERVICES_H_

#include "gigwire/v1/audit.grpc.pb.h"
#include "gigwire/v1/catalog.grpc.pb.h"
#include "gigwire/v1/portfolio.grpc.pb.h"
#include "gigwire/v1/seller.grpc.pb.h"
#include "server/api/rpc_runner.h"
#include "server/domain/audit.h"
#include "server/domain/catalog.h"
#include "server/domain/portfolio.h"
#include "server/domain/sellers.h"

namespace gigwire {

class CatalogServiceImpl final : public v1::CatalogService::Service {
 public:
  CatalogServiceImpl(RpcRunner& rpc, Catalog& catalog) : rpc_(rpc), catalog_(catalog) {}
  grpc::Status ListCategories(grpc::ServerContext* context,
                              const v1::ListCategoriesRequest* request,
                              v1::ListCategoriesResponse* response) override;
  grpc::Status CreateCategory(grpc::ServerContext* context,
                              const v1::CreateCategoryRequest* request,
                              v1::Category* response) override;
  grpc::Status UpdateCategory(grpc::ServerContext* context,
                              const v1::UpdateCategoryRequest* request,
                              v1::Category* response) override;
  grpc::Status CreateGig(grpc::ServerContext* context, const v1::CreateGigRequest* request,
                         v1::Gig* response) override;
  grpc::Status UpdateGig(grpc::ServerContext* context, const v1::UpdateGigRequest* request,
                         v1::Gig* response) override;
  grpc::Status SubmitGig(grpc::ServerContext* context, const v1::GigActionRequest* request,
                         v1::Gig* response) override;
  grpc::Status PauseGig(grpc::ServerContext* context, const v1::GigActionRequest* request,
                        v1::Gig* response) override;
  grpc::Status ResumeGig(grpc::ServerContext* context, const v1::GigActionRequest* request,
                         v1::Gig* response) override;
  grpc::Status ArchiveGig(grpc::ServerContext* context, const v1::GigActionRequest* request,
                          v1::Gig* response) override;
  grpc::Status ApproveGig(grpc::ServerContext* context, const v1::GigActionRequest* request,
                          v1::Gig* response) override;
  grpc::Status RejectGig(grpc::ServerContext* context, const v1::RejectGigRequest* request,
                         v1::Gig* response) override;
  grpc::Status GetGig(grpc::ServerContext* context, const v1::GetGigRequest* request,
                      v1::Gig* response) override;
  grpc::Status ListGigs(grpc::ServerContext* context, const v1::ListGigsRequest* request,
                        v1::ListGigsResponse* response) override;

 private:
  using GigTransition = absl::StatusOr<Gig> (Catalog::*)(const Principal&, const std::string&,
                                                         absl::string_view, const RequestKey&);
  // The body shared by the transitions that take a GigActionRequest.
  grpc::Status RunGigAction(grpc::ServerContext* context, absl::string_view method,
                            const v1::GigActionRequest& request, GigTransition transition,
                            v1::Gig* response);

  RpcRunner& rpc_;
  Catalog& catalog_;
};

class SellerServiceImpl final : public v1::SellerService::Service {
 public:
  SellerServiceImpl(RpcRunner& rpc, SellerSearch& sellers) : rpc_(rpc), sellers_(sellers) {}
  grpc::Status SearchSellers(grpc::ServerContext* context,
                             const v1::SearchSellersRequest* request,
                             v1::SearchSellersResponse* response) override;

 private:
  RpcRunner& rpc_;
  SellerSearch& sellers_;
};

// Every call needs credentials (Access::kAuthenticated); the rules are
// Portfolio's (see server/domain/portfolio.h).
class PortfolioServiceImpl final : public v1::PortfolioService::Service {
 public:
  PortfolioServiceImpl(RpcRunner& rpc, Portfolio& portfolio) : rpc_(rpc), portfolio_(portfolio) {}
  grpc::Status CreatePortfolioItem(grpc::ServerContext* context,
                                   const v1::CreatePortfolioItemRequest* request,
                                   v1::PortfolioItem* response) override;
  grpc::Status UpdatePortfolioItem(grpc::ServerContext* context,
                                   const v1::UpdatePortfolioItemRequest* request,
                                   v1::PortfolioItem* response) override;
  grpc::Status DeletePortfolioItem(grpc::ServerContext* context,
                                   const v1::DeletePortfolioItemRequest* request,
                                   v1::DeletePortfolioItemResponse* response) override;
  grpc::Status ListPortfolioItems(grpc::ServerContext* context,
                                  const v1::ListPortfolioItemsRequest* request,
                                  v1::ListPortfolioItemsResponse* response) override;

 private:
  RpcRunner& rpc_;
  Portfolio& portfolio_;
};

class AuditServiceImpl final : public v1::AuditService::Service {
 public:
  AuditServiceImpl(RpcRunner& rpc, AuditLog& audit_log) : rpc_(rpc), audit_log_(audit_log) {}
  grpc::Status ListAuditEntries(grpc::ServerContext* context,
                                const v1::ListAuditEntriesRequest* request,
                                v1::ListAuditEntriesResponse* response) override;

 private:
  RpcRunner& rpc_;
  AuditLog& audit_log_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_CATALOG_SERVICES_H_
