// CatalogService handlers: categories and gigs.
#include "absl/strings/str_cat.h"
#include "server/api/catalog_convert.h"
#include "server/api/catalog_services.h"
#include "server/api/request_key.h"
#include "server/common/status.h"

namespace gigwire {
namespace {
constexpr char kService[] = "/gigwire.v1.CatalogService/";

std::string Method(absl::string_view name) { return absl::StrCat(kService, name); }
}  // namespace

grpc::Status CatalogServiceImpl::ListCategories(grpc::ServerContext* context,
                                                const v1::ListCategoriesRequest*,
                                                v1::ListCategoriesResponse* response) {
  return rpc_.Run(context, Method("ListCategories"), Access::kOptional,
                  [&](const CallInfo&) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(std::vector<Category> categories,
                                        catalog_.ListCategories());
                    for (const Category& c : categories) ToProto(c, response->add_categories());
                    return absl::OkStatus();
                  });
}

grpc::Status CatalogServiceImpl::CreateCategory(grpc::ServerContext* context,
                                                const v1::CreateCategoryRequest* request,
                                                v1::Category* response) {
  return rpc_.Run(context, Method("CreateCategory"), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(
                        Category category,
                        catalog_.CreateCategory(*call.principal,
                                                CategoryInputFromProto(request->category()),
                                                MakeRequestKey(call, "CreateCategory", *request)));
                    ToProto(category, response);
                    return absl::OkStatus();
                  });
}

grpc::Status CatalogServiceImpl::UpdateCategory(grpc::ServerContext* context,
                                                const v1::UpdateCategoryRequest* request,
                                                v1::Category* response) {
  return rpc_.Run(context, Method("UpdateCategory"), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(CategoryPatch patch, CategoryPatchFromProto(*request));
                    GW_ASSIGN_OR_RETURN(
                        Category category,
                        catalog_.UpdateCategory(*call.principal, request->category().id(), patch,
                                                request->etag(),
                                                MakeRequestKey(call, "UpdateCategory", *request)));
                    ToProto(category, response);
                    return absl::OkStatus();
                  });
}

grpc::Status CatalogServiceImpl::CreateGig(grpc::ServerContext* context,
                                           const v1::CreateGigRequest* request,
                                           v1::Gig* response) {
  return rpc_.Run(context, Method("CreateGig"), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(
                        Gig gig,
                        catalog_.CreateGig(*call.principal, GigDraftFromProto(request->gig()),
                                           MakeRequestKey(call, "CreateGig", *request)));
                    ToProto(gig, call.principal, response);
                    return absl::OkStatus();
                  });
}

grpc::Status CatalogServiceImpl::UpdateGig(grpc::ServerContext* context,
                                           const v1::UpdateGigRequest* request,
                                           v1::Gig* response) {
  return rpc_.Run(context, Method("UpdateGig"), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(GigPatch patch, GigPatchFromProto(*request));
                    GW_ASSIGN_OR_RETURN(
                        Gig gig, catalog_.UpdateGig(*call.principal, request->gig().id(), patch,
                                                    request->etag(),
                                                    MakeRequestKey(call, "UpdateGig", *request)));
                    ToProto(gig, call.principal, response);
                    return absl::OkStatus();
                  });
}

grpc::Status CatalogServiceImpl::RunGigAction(grpc::ServerContext* context,
                                              absl::string_view method,
                                              const v1::GigActionRequest& request,
                                              GigTransition transition, v1::Gig* response) {
  return rpc_.Run(context, Method(method), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(Gig gig, (catalog_.*transition)(
                                                     *call.principal, request.id(), request.etag(),
                                                     MakeRequestKey(call, method, request)));
                    ToProto(gig, call.principal, response);
                    return absl::OkStatus();
                  });
}

grpc::Status CatalogServiceImpl::SubmitGig(grpc::ServerContext* context,
                                           const v1::GigActionRequest* request,
                                           v1::Gig* response) {
  return RunGigAction(context, "SubmitGig", *request, &Catalog::SubmitGig, response);
}

grpc::Status CatalogServiceImpl::PauseGig(grpc::ServerContext* context,
                                          const v1::GigActionRequest* request,
                                          v1::Gig* response) {
  return RunGigAction(context, "PauseGig", *request, &Catalog::PauseGig, response);
}

grpc::Status CatalogServiceImpl::ResumeGig(grpc::ServerContext* context,
                                           const v1::GigActionRequest* request,
                                           v1::Gig* response) {
  return RunGigAction(context, "ResumeGig", *request, &Catalog::ResumeGig, response);
}

grpc::Status CatalogServiceImpl::ArchiveGig(grpc::ServerContext* context,
                                            const v1::GigActionRequest* request,
                                            v1::Gig* response) {
  return RunGigAction(context, "ArchiveGig", *request, &Catalog::ArchiveGig, response);
}

grpc::Status CatalogServiceImpl::ApproveGig(grpc::ServerContext* context,
                                            const v1::GigActionRequest* request,
                                            v1::Gig* response) {
  return RunGigAction(context, "ApproveGig", *request, &Catalog::ApproveGig, response);
}

grpc::Status CatalogServiceImpl::RejectGig(grpc::ServerContext* context,
                                           const v1::RejectGigRequest* request,
                                           v1::Gig* response) {
  return rpc_.Run(context, Method("RejectGig"), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(
                        Gig gig, catalog_.RejectGig(*call.principal, request->id(),
                                                    request->reason(),
                                                    MakeRequestKey(call, "RejectGig", *request)));
                    ToProto(gig, call.principal, response);
                    return absl::OkStatus();
                  });
}

grpc::Status CatalogServiceImpl::GetGig(grpc::ServerContext* context,
                                        const v1::GetGigRequest* request, v1::Gig* response) {
  return rpc_.Run(context, Method("GetGig"), Access::kOptional,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(Gig gig, catalog_.GetGig(call.principal, request->id()));
                    ToProto(gig, call.principal, response);
                    return absl::OkStatus();
                  });
}

grpc::Status CatalogServiceImpl::ListGigs(grpc::ServerContext* context,
                                          const v1::ListGigsRequest* request,
                                          v1::ListGigsResponse* response) {
  return rpc_.Run(context, Method("ListGigs"), Access::kOptional,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(GigFilter filter, GigFilterFromProto(*request));
                    GW_ASSIGN_OR_RETURN(GigPage page,
                                        catalog_.ListGigs(call.principal, filter,
                                                          request->page_size(),
                                                          request->page_token()));
                    for (const Gig& gig : page.gigs) {
                      ToProto(gig, call.principal, response->add_gigs());
                    }
                    response->set_next_page_token(page.next_page_token);
                    return absl::OkStatus();
                  });
}

}  // namespace gigwire
