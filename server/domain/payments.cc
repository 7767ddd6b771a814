// Payments for milestones; see payments.h.
#include "server/domain/payments.h"

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/json_log.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/audit.h"
#include "server/domain/bookings.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

constexpr absl::string_view kManual = "manual";

// The provider's trouble as the API says it: a provider that cannot be
// reached, is busy, or refuses the server's own credentials is unavailable
// to the caller (who can only retry); its other answers stand.
absl::Status ProviderError(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kUnauthenticated:
    case absl::StatusCode::kInternal:
      return PaymentProviderUnavailable(
          absl::StrCat("the payment provider did not answer: ", status.message()));
    default:
      return PaymentProviderRefused(
          absl::StrCat("the payment provider refused: ", status.message()));
  }
}

// The payment as `caller` may see it: the client secret is its buyer's only.
Payment ForViewer(Payment payment, const Principal& caller) {
  if (caller.user_id != payment.buyer_id) payment.client_secret.clear();
  return payment;
}

PaymentState StateOf(PaymentStatus status) {
  switch (status) {
    case PaymentStatus::kPending: return PaymentState::kPending;
    case PaymentStatus::kSucceeded: return PaymentState::kSucceeded;
    case PaymentStatus::kFailed: return PaymentState::kFailed;
    case PaymentStatus::kCancelled: return PaymentState::kCancelled;
  }
  return PaymentState::kPending;
}

EventType EventOf(PaymentState state) {
  switch (state) {
    case PaymentState::kSucceeded: return EventType::kPaymentSucceeded;
    case PaymentState::kFailed: return EventType::kPaymentFailed;
    case PaymentState::kCancelled: return EventType::kPaymentCancelled;
    case PaymentState::kPending: break;
  }
  return EventType::kPaymentCreated;
}

absl::Status RequirePending(const Payment& payment, absl::string_view verb) {
  return RequireState(payment.state, {PaymentState::kPending}, "payment", verb,
                      PaymentStateName);
}

// The buyer's milestone, PENDING, with no payment under way.
absl::StatusOr<std::pair<Milestone, Booking>> LoadFundable(Tx& tx, const Principal& caller,
                                                           const std::string& id) {
  GW_ASSIGN_OR_RETURN(auto found, LoadVisibleMilestone(tx, caller, id));
  if (found.second.buyer_id != caller.user_id) {
    return NotOwner("only the booking's buyer funds its milestones");
  }
  GW_RETURN_IF_ERROR(Transition(found.first, MilestoneAction::kFund, MilestoneParty::kBuyer,
                                caller.user_id)
                         .status());
  absl::StatusOr<Payment> pending = tx.payments().FindPendingForMilestone(id);
  if (pending.ok()) return PaymentPending(pending->id);
  if (!absl::IsNotFound(pending.status())) return pending.status();
  return found;
}

Payment NewPayment(const Milestone& m, const ProviderPayment& provided,
                   absl::string_view gateway, absl::Time now) {
  Payment payment;
  payment.id = NewId("pay");
  payment.milestone_id = m.id;
  payment.booking_id = m.booking_id;
  payment.buyer_id = m.buyer_id;
  payment.amount = m.amount;
  payment.gateway = std::string(gateway);
  payment.provider_id = provided.provider_id;
  payment.state = StateOf(provided.status);
  payment.client_secret = provided.client_secret;
  payment.instructions = provided.instructions;
  payment.failure_reason = provided.failure_reason;
  payment.create_time = payment.update_time = now;
  return payment;
}

absl::StatusOr<FundResult> LoadFundResult(Tx& tx, const std::string& payment_id) {
  FundResult result;
  GW_ASSIGN_OR_RETURN(result.payment, tx.payments().FindById(payment_id));
  GW_ASSIGN_OR_RETURN(result.milestone, tx.milestones().FindById(result.payment.milestone_id));
  GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(result.milestone.booking_id));
  FillParties(result.milestone, booking);
  return result;
}

}  // namespace

namespace {

// The stored payment, whole, if `caller` may see it (NOT_FOUND otherwise):
// for changing it. What goes back to the caller passes through ForViewer.
absl::StatusOr<Payment> LoadPaymentToChange(Tx& tx, const Principal& caller,
                                            const std::string& id) {
  const std::string what = absl::StrCat("payment ", id);
  if (!HasIdShape(id, "pay")) return id.empty() ? InvalidField("id", "is required") : NotFound(what);
  GW_ASSIGN_OR_RETURN(Payment payment, tx.payments().FindById(id));
  GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(payment.booking_id));
  GW_RETURN_IF_ERROR(PartyOf(caller, booking, what).status());
  return payment;
}

}  // namespace

absl::StatusOr<Payment> LoadVisiblePayment(Tx& tx, const Principal& caller,
                                           const std::string& id) {
  GW_ASSIGN_OR_RETURN(Payment payment, LoadPaymentToChange(tx, caller, id));
  return ForViewer(std::move(payment), caller);
}

absl::StatusOr<FundResult> Payments::Fund(const Principal& caller,
                                          const std::string& milestone_id,
                                          const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckRequestId(key));
  Milestone read;
  std::optional<std::string> replayed;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(replayed, FindReplay(tx, key));
    if (replayed) return absl::OkStatus();
    GW_ASSIGN_OR_RETURN(auto found, LoadFundable(tx, caller, milestone_id));
    read = std::move(found.first);
    return absl::OkStatus();
  }));
  if (!replayed) {
    PaymentRequest request{absl::StrCat("fund:", read.id, ":v", read.version), read.amount,
                           read.booking_id, read.id, read.buyer_id, read.title};
    absl::StatusOr<ProviderPayment> provided = gateway_.CreatePayment(request);
    if (!provided.ok()) return ProviderError(provided.status());
    *provided = FinalOutcome(*std::move(provided), absl::StrCat(request.idempotency_key, ":cancel"));
    return IdempotentWrite<FundResult>(
        store_, key, mover_.clock(),
        [&](Tx& tx) -> absl::StatusOr<FundResult> {
          GW_ASSIGN_OR_RETURN(auto found, LoadFundable(tx, caller, milestone_id));
          auto& [milestone, booking] = found;
          if (milestone.version != read.version) return EtagMismatch("milestone");
          const absl::Time now = mover_.clock().Now();
          Payment payment = NewPayment(milestone, *provided, gateway_.name(), now);
          GW_RETURN_IF_ERROR(tx.payments().Insert(payment));
          milestone.payment_id = payment.id;
          GW_RETURN_IF_ERROR(SaveNextVersion(tx.milestones(), milestone, now));
          GW_RETURN_IF_ERROR(mover_.outbox().Record(tx, EventType::kPaymentCreated,
                                                    caller.user_id, now, payment));
          if (payment.state == PaymentState::kSucceeded) {
            MoveInput input;
            input.payment_id = payment.id;
            GW_RETURN_IF_ERROR(mover_.Apply(tx, milestone, booking, MilestoneAction::kFund,
                                            MilestoneParty::kSystem, caller.user_id, input)
                                   .status());
          }
          if (payment.state != PaymentState::kPending) {  // settled at once by the provider
            GW_RETURN_IF_ERROR(mover_.outbox().Record(tx, EventOf(payment.state),
                                                      caller.user_id, now, payment));
          }
          return LoadFundResult(tx, payment.id);
        },
        LoadFundResult, [](const FundResult& r) { return r.payment.id; });
  }
  FundResult result;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(result, LoadFundResult(tx, *replayed));
    return absl::OkStatus();
  }));
  return result;
}

absl::StatusOr<Payment> Payments::Get(const Principal& caller, const std::string& id) {
  Payment payment;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(payment, LoadVisiblePayment(tx, caller, id));
    return absl::OkStatus();
  }));
  return payment;
}

absl::StatusOr<PaymentPage> Payments::List(const Principal& caller, const PaymentFilter& filter,
                                           int page_size, absl::string_view page_token) {
  const bool admin = caller.Has(Role::kAdmin);
  if (!admin && !filter.buyer_id.empty()) return RoleRequired("admin");
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  PaymentQuery q;
  q.state = filter.state;
  q.booking_id = filter.booking_id;
  q.milestone_id = filter.milestone_id;
  q.gateway = filter.gateway;
  // A party to the booking named sees all its payments; otherwise a user
  // sees the payments they made.
  const bool of_booking = !admin && !filter.booking_id.empty();
  q.buyer_id = admin || of_booking ? filter.buyer_id : caller.user_id;
  const std::string fingerprint =
      absl::StrCat("payments:", q.buyer_id, "|", q.booking_id, "|", q.milestone_id, "|",
                   q.gateway, "|", q.state ? static_cast<int>(*q.state) : 0);
  GW_ASSIGN_OR_RETURN(q.after, DecodePageToken(page_token, fingerprint));
  q.limit = limit + 1;
  PaymentPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    if (of_booking) GW_RETURN_IF_ERROR(LoadVisibleBooking(tx, caller, q.booking_id).status());
    GW_ASSIGN_OR_RETURN(page.payments, tx.payments().List(q));
    return absl::OkStatus();
  }));
  for (Payment& p : page.payments) p = ForViewer(std::move(p), caller);
  page.next_page_token = TrimToPage(page.payments, limit, fingerprint);
  return page;
}

absl::StatusOr<Payment> Payments::Confirm(const Principal& caller, const std::string& id,
                                          const std::string& note, const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kAdmin));
  Violations v;
  CheckText("note", note, 1, 500, true, v);
  GW_RETURN_IF_ERROR(v.ToStatus());
  return IdempotentWrite<Payment>(
      store_, key, mover_.clock(),
      [&](Tx& tx) -> absl::StatusOr<Payment> {
        GW_ASSIGN_OR_RETURN(Payment payment, LoadPaymentToChange(tx, caller, id));
        if (payment.gateway != kManual) {
          return WrongGateway(absl::StrCat("a ", payment.gateway,
                                           " payment is confirmed by its provider: refresh it"));
        }
        GW_RETURN_IF_ERROR(RequirePending(payment, "confirm"));
        const absl::Time now = mover_.clock().Now();
        GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, "ConfirmPayment", payment.id, note, now));
        ProviderPayment outcome;
        outcome.status = PaymentStatus::kSucceeded;
        payment.confirmed_by = caller.user_id;
        payment.confirmation_note = note;
        GW_ASSIGN_OR_RETURN(Payment settled, Settle(tx, caller.user_id, payment, outcome, now));
        return ForViewer(std::move(settled), caller);
      },
      [&](Tx& tx, const std::string& pid) { return LoadVisiblePayment(tx, caller, pid); },
      [](const Payment& p) { return p.id; });
}

absl::StatusOr<Payment> Payments::Refresh(const Principal& caller, const std::string& id) {
  Payment read;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(read, LoadVisiblePayment(tx, caller, id));
    return absl::OkStatus();
  }));
  if (read.buyer_id != caller.user_id && !caller.Has(Role::kAdmin)) {
    return NotOwner("only the payment's buyer or an admin may refresh it");
  }
  if (read.gateway == kManual) {
    return WrongGateway("a manual payment is confirmed by an admin (ConfirmPayment)");
  }
  if (read.gateway != gateway_.name()) {
    return WrongGateway(absl::StrCat("this server does not run the ", read.gateway, " gateway"));
  }
  if (read.state != PaymentState::kPending) return read;
  absl::StatusOr<ProviderPayment> outcome = gateway_.GetPayment(read.provider_id);
  if (!outcome.ok()) return ProviderError(outcome.status());
  return RecordOutcome(caller, id, FinalOutcome(*std::move(outcome), absl::StrCat("cancel:", id)));
}

ProviderPayment Payments::FinalOutcome(ProviderPayment outcome, const std::string& cancel_key) {
  if (outcome.status != PaymentStatus::kFailed) return outcome;
  absl::StatusOr<ProviderPayment> cancelled =
      gateway_.CancelPayment(outcome.provider_id, cancel_key);
  if (cancelled.ok()) return outcome;  // failed, and now it can never take money
  if (absl::IsFailedPrecondition(cancelled.status())) {
    absl::StatusOr<ProviderPayment> now = gateway_.GetPayment(outcome.provider_id);
    if (now.ok() && now->status != PaymentStatus::kFailed) return *std::move(now);
  }
  JsonLog("a failed payment could not be cancelled at its provider; it stays pending", "warn")
      .Str("provider_id", outcome.provider_id)
      .Str("error", cancelled.status().message())
      .Emit();
  outcome.status = PaymentStatus::kPending;
  return outcome;
}

absl::StatusOr<Payment> Payments::RecordOutcome(const Principal& caller, const std::string& id,
                                                const ProviderPayment& outcome) {
  Payment result;
  GW_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(Payment payment, LoadPaymentToChange(tx, caller, id));
    if (payment.state != PaymentState::kPending || outcome.status == PaymentStatus::kPending) {
      result = std::move(payment);
      return absl::OkStatus();
    }
    GW_ASSIGN_OR_RETURN(result,
                        Settle(tx, caller.user_id, payment, outcome, mover_.clock().Now()));
    return absl::OkStatus();
  }));
  return ForViewer(std::move(result), caller);
}

absl::StatusOr<Payment> Payments::Settle(Tx& tx, const std::string& actor_id, Payment payment,
                                         const ProviderPayment& outcome, absl::Time now) const {
  if (outcome.status == PaymentStatus::kSucceeded && outcome.amount.amount_minor != 0 &&
      !(outcome.amount == payment.amount)) {
    return PaymentProviderRefused(absl::StrCat(
        "the provider reports ", outcome.amount.amount_minor, " ", outcome.amount.currency_code,
        " for payment ", payment.id, " of ", payment.amount.amount_minor, " ",
        payment.amount.currency_code, ": not funded; an admin must look"));
  }
  payment.state = StateOf(outcome.status);
  payment.failure_reason = outcome.failure_reason;
  if (payment.state == PaymentState::kSucceeded) {
    GW_ASSIGN_OR_RETURN(Milestone milestone, tx.milestones().FindById(payment.milestone_id));
    GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(milestone.booking_id));
    MoveInput input;
    input.payment_id = payment.id;
    const MilestoneParty party = actor_id == payment.buyer_id || actor_id == kSystemActor
                                     ? MilestoneParty::kSystem
                                     : MilestoneParty::kAdmin;
    GW_RETURN_IF_ERROR(
        mover_.Apply(tx, milestone, booking, MilestoneAction::kFund, party, actor_id, input)
            .status());
  }
  GW_RETURN_IF_ERROR(SaveNextVersion(tx.payments(), payment, now));
  GW_RETURN_IF_ERROR(mover_.outbox().Record(tx, EventOf(payment.state), actor_id, now, payment));
  return payment;
}

absl::StatusOr<Payment> Payments::Cancel(const Principal& caller, const std::string& id,
                                         const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckRequestId(key));
  Payment read;
  std::optional<std::string> replayed;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    // A retry gets the first answer, not the CANCELLED state it left behind.
    GW_ASSIGN_OR_RETURN(replayed, FindReplay(tx, key));
    GW_ASSIGN_OR_RETURN(read, LoadVisiblePayment(tx, caller, replayed.value_or(id)));
    return absl::OkStatus();
  }));
  if (replayed) return read;
  if (read.buyer_id != caller.user_id && !caller.Has(Role::kAdmin)) {
    return NotOwner("only the payment's buyer or an admin may cancel it");
  }
  GW_RETURN_IF_ERROR(RequirePending(read, "cancel"));
  if (read.gateway == gateway_.name()) {
    absl::StatusOr<ProviderPayment> cancelled =
        gateway_.CancelPayment(read.provider_id, absl::StrCat("cancel:", read.id));
    if (absl::IsFailedPrecondition(cancelled.status())) {
      // The provider's refusal carries no reason of its own: say what the
      // API promises (INVALID_STATE) and what to do.
      return InvalidState(absl::StrCat("the payment provider refused to cancel payment ", read.id,
                                       " (it may have succeeded): refresh it instead (",
                                       cancelled.status().message(), ")"),
                          PaymentStateName(read.state));
    }
    if (!cancelled.ok()) return ProviderError(cancelled.status());
  }
  return IdempotentWrite<Payment>(
      store_, key, mover_.clock(),
      [&](Tx& tx) -> absl::StatusOr<Payment> {
        GW_ASSIGN_OR_RETURN(Payment payment, LoadPaymentToChange(tx, caller, id));
        GW_RETURN_IF_ERROR(RequirePending(payment, "cancel"));
        const absl::Time now = mover_.clock().Now();
        if (caller.user_id != payment.buyer_id) {
          GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, "CancelPayment", payment.id, "", now));
        }
        ProviderPayment outcome;
        outcome.status = PaymentStatus::kCancelled;
        GW_ASSIGN_OR_RETURN(Payment settled, Settle(tx, caller.user_id, payment, outcome, now));
        return ForViewer(std::move(settled), caller);
      },
      [&](Tx& tx, const std::string& pid) { return LoadVisiblePayment(tx, caller, pid); },
      [](const Payment& p) { return p.id; });
}

absl::StatusOr<int> Payments::RefreshPending(absl::Time now, absl::Duration settle_time,
                                             int limit) {
  if (gateway_.name() == kManual) return 0;
  PaymentQuery q;
  q.state = PaymentState::kPending;
  q.gateway = std::string(gateway_.name());
  q.limit = limit;
  std::vector<Payment> pending;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(pending, tx.payments().List(q));
    return absl::OkStatus();
  }));
  Principal system;
  system.user_id = std::string(kSystemActor);
  system.roles.Add(Role::kAdmin);  // sees every payment
  int changed = 0;
  absl::Status first_error;
  for (const Payment& payment : pending) {
    if (payment.create_time > now - settle_time) continue;
    absl::StatusOr<ProviderPayment> outcome = gateway_.GetPayment(payment.provider_id);
    absl::StatusOr<Payment> recorded =
        outcome.ok() ? RecordOutcome(system, payment.id,
                                     FinalOutcome(*std::move(outcome),
                                                  absl::StrCat("cancel:", payment.id)))
                     : absl::StatusOr<Payment>(ProviderError(outcome.status()));
    if (recorded.ok() && recorded->state != PaymentState::kPending) ++changed;
    if (!recorded.ok() && first_error.ok()) first_error = recorded.status();
  }
  if (!first_error.ok()) return first_error;
  return changed;
}

}  // namespace gigwire
