// Payouts of sellers' available balances; see payouts.h.
#include "server/domain/payouts.h"

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/audit.h"
#include "server/domain/ledger.h"
#include "server/domain/money.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"
#include "server/model/currency.h"

namespace gigwire {
namespace {

absl::Status CheckPayoutAmount(const Money& amount) {
  Violations v;
  CheckMoney("amount", amount, v);
  if (amount.amount_minor <= 0) v.Add("amount", "must be more than zero");
  if (!IsKnownCurrency(amount.currency_code)) v.Add("amount", "needs an ISO 4217 currency");
  return v.ToStatus();
}

absl::Status CheckWords(absl::string_view field, absl::string_view text, size_t max) {
  Violations v;
  CheckText(field, text, 1, max, true, v);
  return v.ToStatus();
}

std::string IdOf(const Payout& payout) { return payout.id; }

}  // namespace

absl::StatusOr<Payout> LoadVisiblePayout(Tx& tx, const Principal& caller, const std::string& id) {
  const std::string what = absl::StrCat("payout ", id);
  if (!HasIdShape(id, "pyt")) return id.empty() ? InvalidField("id", "is required") : NotFound(what);
  GW_ASSIGN_OR_RETURN(Payout payout, tx.payouts().FindById(id));
  if (payout.seller_id != caller.user_id && !caller.Has(Role::kAdmin)) return NotFound(what);
  return payout;
}

absl::StatusOr<int64_t> WithdrawableBalance(Tx& tx, const std::string& seller_id,
                                            const std::string& currency_code) {
  const Account account{AccountKind::kSellerAvailable, seller_id, currency_code};
  GW_ASSIGN_OR_RETURN(const int64_t available, tx.ledger().Balance(account));
  GW_ASSIGN_OR_RETURN(const int64_t requested,
                      tx.payouts().RequestedTotal(seller_id, currency_code));
  return available - requested;  // both within 0..available: no overflow
}

absl::StatusOr<Payout> Payouts::Request(const Principal& caller, const Money& amount,
                                        const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckPayoutAmount(amount));
  return IdempotentWrite<Payout>(
      store_, key, mover_.clock(),
      [&](Tx& tx) -> absl::StatusOr<Payout> {
        GW_ASSIGN_OR_RETURN(const int64_t withdrawable,
                            WithdrawableBalance(tx, caller.user_id, amount.currency_code));
        if (amount.amount_minor > withdrawable) {
          const Account account{AccountKind::kSellerAvailable, caller.user_id,
                                amount.currency_code};
          return InsufficientFunds(account.Key(), withdrawable, amount.amount_minor);
        }
        const absl::Time now = mover_.clock().Now();
        Payout payout;
        payout.id = NewId("pyt");
        payout.seller_id = caller.user_id;
        payout.amount = amount;
        payout.create_time = payout.update_time = now;
        GW_RETURN_IF_ERROR(tx.payouts().Insert(payout));
        GW_RETURN_IF_ERROR(mover_.outbox().Record(tx, EventType::kPayoutRequested,
                                                  caller.user_id, now, payout));
        return tx.payouts().FindById(payout.id);
      },
      [&](Tx& tx, const std::string& id) { return tx.payouts().FindById(id); }, IdOf);
}

absl::StatusOr<PayoutPage> Payouts::List(const Principal& caller,
                                         std::optional<PayoutState> state,
                                         const std::string& seller_id, int page_size,
                                         absl::string_view page_token) {
  const bool admin = caller.Has(Role::kAdmin);
  if (!admin && !seller_id.empty() && seller_id != caller.user_id) return RoleRequired("admin");
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  PayoutQuery q;
  q.state = state;
  q.seller_id = admin ? seller_id : caller.user_id;
  const std::string fingerprint =
      absl::StrCat("payouts:", q.seller_id, "|", state ? static_cast<int>(*state) : 0);
  GW_ASSIGN_OR_RETURN(q.after, DecodePageToken(page_token, fingerprint));
  q.limit = limit + 1;
  PayoutPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.payouts, tx.payouts().List(q));
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToPage(page.payouts, limit, fingerprint);
  return page;
}

absl::StatusOr<Payout> Payouts::MarkPaid(const Principal& caller, const std::string& id,
                                         const std::string& reference, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  GW_RETURN_IF_ERROR(CheckWords("reference", reference, 200));
  return IdempotentWrite<Payout>(
      store_, key, mover_.clock(),
      [&](Tx& tx) -> absl::StatusOr<Payout> {
        GW_ASSIGN_OR_RETURN(Payout payout, LoadVisiblePayout(tx, caller, id));
        GW_RETURN_IF_ERROR(RequireState(payout.state, {PayoutState::kRequested}, "payout",
                                        "mark paid", PayoutStateName));
        const absl::Time now = mover_.clock().Now();
        GW_ASSIGN_OR_RETURN(LedgerTransaction money,
                            PayoutTransaction(payout.seller_id, payout.id, payout.amount));
        money.id = NewId("ltx");
        money.actor_id = caller.user_id;
        money.create_time = now;
        GW_RETURN_IF_ERROR(tx.ledger().Append(money));
        payout.state = PayoutState::kPaid;
        payout.paid_by = caller.user_id;
        payout.reference = reference;
        payout.paid_time = now;
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.payouts(), payout, now));
        GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, "MarkPayoutPaid", payout.id, reference, now));
        GW_RETURN_IF_ERROR(
            mover_.outbox().Record(tx, EventType::kPayoutPaid, caller.user_id, now, payout));
        return payout;
      },
      [&](Tx& tx, const std::string& pid) { return tx.payouts().FindById(pid); }, IdOf);
}

absl::StatusOr<Payout> Payouts::Cancel(const Principal& caller, const std::string& id,
                                       const std::string& reason, const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckWords("reason", reason, 500));
  return IdempotentWrite<Payout>(
      store_, key, mover_.clock(),
      [&](Tx& tx) -> absl::StatusOr<Payout> {
        GW_ASSIGN_OR_RETURN(Payout payout, LoadVisiblePayout(tx, caller, id));
        GW_RETURN_IF_ERROR(RequireState(payout.state, {PayoutState::kRequested}, "payout",
                                        "cancel", PayoutStateName));
        const absl::Time now = mover_.clock().Now();
        if (payout.seller_id != caller.user_id) {
          GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, "CancelPayout", payout.id, reason, now));
        }
        payout.state = PayoutState::kCancelled;
        payout.cancel_reason = reason;
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.payouts(), payout, now));
        GW_RETURN_IF_ERROR(
            mover_.outbox().Record(tx, EventType::kPayoutCancelled, caller.user_id, now, payout));
        return payout;
      },
      [&](Tx& tx, const std::string& pid) { return tx.payouts().FindById(pid); }, IdOf);
}

}  // namespace gigwire
