// gRPC handlers of the money services (issue 15): MilestoneService,
// PaymentService, PayoutService, DisputeService and LedgerService. Each
// handler converts its request, calls one domain method
// (server/domain/milestones.h, payments.h, payouts.h, disputes.h,
// ledger_reads.h) through RpcRunner (auth, rate limits, logging, the one
// status conversion) and converts the answer. No rules here.
//
// Thread safety: as the domain objects they call (thread-safe).
#ifndef GIGWIRE_SERVER_API_MONEY_SERVICES_H_
#define GIGWIRE_SERVER_API_MONEY_SERVICES_H_

#include "gigwire/v1/dispute.grpc.pb.h"
#include "gigwire/v1/ledger.grpc.pb.h"
#include "gigwire/v1/milestone.grpc.pb.h"
#include "gigwire/v1/payment.grpc.pb.h"
#include "server/api/rpc_runner.h"
#include "server/domain/disputes.h"
#include "server/domain/ledger_reads.h"
#include "server/domain/milestones.h"
#include "server/domain/payments.h"
#include "server/domain/payouts.h"

namespace gigwire {

using grpc::ServerContext;
using grpc::Status;

class MilestoneServiceImpl final : public v1::MilestoneService::Service {
 public:
  MilestoneServiceImpl(RpcRunner& rpc, Milestones& milestones, Payments& payments)
      : rpc_(rpc), milestones_(milestones), payments_(payments) {}
  Status ListMilestones(ServerContext*, const v1::ListMilestonesRequest*,
                        v1::ListMilestonesResponse*) override;
  Status GetMilestone(ServerContext*, const v1::GetMilestoneRequest*, v1::Milestone*) override;
  Status ProposeMilestone(ServerContext*, const v1::ProposeMilestoneRequest*,
                          v1::Milestone*) override;
  Status AcceptMilestone(ServerContext*, const v1::AcceptMilestoneRequest*,
                         v1::Milestone*) override;
  Status DeclineMilestone(ServerContext*, const v1::DeclineMilestoneRequest*,
                          v1::Milestone*) override;
  Status FundMilestone(ServerContext*, const v1::FundMilestoneRequest*,
                       v1::FundMilestoneResponse*) override;
  Status SubmitMilestone(ServerContext*, const v1::SubmitMilestoneRequest*,
                         v1::Milestone*) override;
  Status RequestMilestoneRevision(ServerContext*, const v1::RequestMilestoneRevisionRequest*,
                                  v1::Milestone*) override;
  Status ApproveMilestone(ServerContext*, const v1::ApproveMilestoneRequest*,
                          v1::Milestone*) override;
  Status CancelMilestone(ServerContext*, const v1::CancelMilestoneRequest*,
                         v1::Milestone*) override;

 private:
  RpcRunner& rpc_;
  Milestones& milestones_;
  Payments& payments_;
};

class PaymentServiceImpl final : public v1::PaymentService::Service {
 public:
  PaymentServiceImpl(RpcRunner& rpc, Payments& payments) : rpc_(rpc), payments_(payments) {}
  Status GetPayment(ServerContext*, const v1::GetPaymentRequest*, v1::Payment*) override;
  Status ListPayments(ServerContext*, const v1::ListPaymentsRequest*,
                      v1::ListPaymentsResponse*) override;
  Status ConfirmPayment(ServerContext*, const v1::ConfirmPaymentRequest*, v1::Payment*) override;
  Status RefreshPayment(ServerContext*, const v1::RefreshPaymentRequest*, v1::Payment*) override;
  Status CancelPayment(ServerContext*, const v1::CancelPaymentRequest*, v1::Payment*) override;

 private:
  RpcRunner& rpc_;
  Payments& payments_;
};

class PayoutServiceImpl final : public v1::PayoutService::Service {
 public:
  PayoutServiceImpl(RpcRunner& rpc, Payouts& payouts) : rpc_(rpc), payouts_(payouts) {}
  Status RequestPayout(ServerContext*, const v1::RequestPayoutRequest*, v1::Payout*) override;
  Status ListPayouts(ServerContext*, const v1::ListPayoutsRequest*,
                     v1::ListPayoutsResponse*) override;
  Status MarkPayoutPaid(ServerContext*, const v1::MarkPayoutPaidRequest*, v1::Payout*) override;
  Status CancelPayout(ServerContext*, const v1::CancelPayoutRequest*, v1::Payout*) override;

 private:
  RpcRunner& rpc_;
  Payouts& payouts_;
};

class DisputeServiceImpl final : public v1::DisputeService::Service {
 public:
  DisputeServiceImpl(RpcRunner& rpc, Disputes& disputes) : rpc_(rpc), disputes_(disputes) {}
  Status OpenDispute(ServerContext*, const v1::OpenDisputeRequest*, v1::Dispute*) override;
  Status GetDispute(ServerContext*, const v1::GetDisputeRequest*, v1::Dispute*) override;
  Status ListDisputes(ServerContext*, const v1::ListDisputesRequest*,
                      v1::ListDisputesResponse*) override;
  Status AddDisputeNote(ServerContext*, const v1::AddDisputeNoteRequest*, v1::Dispute*) override;
  Status ResolveDispute(ServerContext*, const v1::ResolveDisputeRequest*, v1::Dispute*) override;

 private:
  RpcRunner& rpc_;
  Disputes& disputes_;
};

class LedgerServiceImpl final : public v1::LedgerService::Service {
 public:
  LedgerServiceImpl(RpcRunner& rpc, LedgerReads& ledger) : rpc_(rpc), ledger_(ledger) {}
  Status GetBalance(ServerContext*, const v1::GetBalanceRequest*,
                    v1::GetBalanceResponse*) override;
  Status ListLedgerEntries(ServerContext*, const v1::ListLedgerEntriesRequest*,
                           v1::ListLedgerEntriesResponse*) override;
  Status ReconcileLedger(ServerContext*, const v1::ReconcileLedgerRequest*,
                         v1::ReconcileLedgerResponse*) override;

 private:
  RpcRunner& rpc_;
  LedgerReads& ledger_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_MONEY_SERVICES_H_
