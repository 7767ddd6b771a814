// LedgerService handlers (rules in server/domain/ledger_reads.h).
#include "server/api/convert.h"
#include "server/api/money_convert.h"
#include "server/api/money_services.h"
#include "server/common/status.h"

namespace gigwire {

Status LedgerServiceImpl::GetBalance(ServerContext* ctx, const v1::GetBalanceRequest* req,
                                     v1::GetBalanceResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.LedgerService/GetBalance";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(std::vector<CurrencyBalance> balances,
                        ledger_.Balance(*call.principal, req->user_id()));
    resp->set_user_id(req->user_id().empty() ? call.principal->user_id : req->user_id());
    for (const CurrencyBalance& b : balances) ToProto(b, resp->add_balances());
    return absl::OkStatus();
  });
}

Status LedgerServiceImpl::ListLedgerEntries(ServerContext* ctx,
                                            const v1::ListLedgerEntriesRequest* req,
                                            v1::ListLedgerEntriesResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.LedgerService/ListLedgerEntries";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    LedgerEntryFilter filter;
    filter.user_id = req->user_id();
    filter.booking_id = req->booking_id();
    if (req->has_since()) filter.since = TimeFromProto(req->since());
    if (req->has_until()) filter.until = TimeFromProto(req->until());
    GW_ASSIGN_OR_RETURN(LedgerEntryPage page, ledger_.Entries(*call.principal, filter,
                                                              req->page_size(),
                                                              req->page_token()));
    for (const LedgerEntryRow& row : page.entries) ToProto(row, resp->add_entries());
    resp->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  });
}

Status LedgerServiceImpl::ReconcileLedger(ServerContext* ctx,
                                          const v1::ReconcileLedgerRequest* /*req*/,
                                          v1::ReconcileLedgerResponse* resp) {
  constexpr char kMethod[] = "/gigwire.v1.LedgerService/ReconcileLedger";
  return rpc_.Run(ctx, kMethod, Access::kAuthenticated, [&](const CallInfo& call) -> absl::Status {
    GW_ASSIGN_OR_RETURN(LedgerCheck check, ledger_.Reconcile(*call.principal));
    resp->set_ok(check.report.ok());
    resp->set_transactions(check.report.transactions);
    resp->set_entries(check.report.entries);
    for (const std::string& v : check.report.violations) resp->add_violations(v);
    for (const Money& m : check.platform_fees) ToProto(m, resp->add_platform_fees());
    for (const Money& m : check.in_escrow) ToProto(m, resp->add_in_escrow());
    for (const Money& m : check.seller_available) ToProto(m, resp->add_seller_available());
    resp->set_duration_ms(absl::ToInt64Milliseconds(check.took));
    return absl::OkStatus();
  });
}

}  // namespace gigwire
