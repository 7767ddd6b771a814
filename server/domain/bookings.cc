// Booking rules; see bookings.h.
#include "server/domain/bookings.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/accounts.h"
#include "server/domain/audit.h"
#include "server/domain/catalog.h"
#include "server/domain/file_access.h"
#include "server/domain/milestone_moves.h"
#include "server/domain/milestones.h"
#include "server/domain/pagination.h"
#include "server/domain/validation.h"
#include "server/domain/work_common.h"

namespace gigwire {
namespace {

absl::Status RequireBookingState(const Booking& b, std::initializer_list<BookingState> allowed,
                                 absl::string_view verb) {
  return RequireState(b.state, allowed, "booking", verb, BookingStateName);
}

absl::Status CheckNote(absl::string_view field, absl::string_view note, size_t min, size_t max) {
  Violations v;
  CheckText(field, note, min, max, true, v);
  return v.ToStatus();
}

constexpr size_t kMaxRequirementsChars = 5000;

// The stored booking with its money summary (what every answer carries).
absl::StatusOr<Booking> BookingWithMoney(Tx& tx, const std::string& id) {
  GW_ASSIGN_OR_RETURN(Booking booking, tx.bookings().FindById(id));
  GW_RETURN_IF_ERROR(FillBookingMoney(tx, booking));
  return booking;
}

// True when `caller` may learn that `gig` exists when ordering it: the
// GetGig rule, plus PAUSED gigs, which were public (only APPROVED gigs
// pause) and so are refused for their state rather than hidden.
bool MayKnowOfGig(const Principal& caller, const Gig& gig) {
  return CanSeeGig(&caller, gig) || gig.state == GigState::kPaused;
}

// The gig `caller` may order: known to them (else NOT_FOUND), someone
// else's, APPROVED, and sold by a seller who still takes work.
absl::StatusOr<Gig> LoadOrderableGig(Tx& tx, const Principal& caller, const std::string& id) {
  if (id.empty()) return InvalidField("gig_id", "is required");
  if (!HasIdShape(id, "gig")) return NotFound(absl::StrCat("gig ", id));
  absl::StatusOr<Gig> gig = tx.gigs().FindById(id);
  if (absl::IsNotFound(gig.status()) || (gig.ok() && !MayKnowOfGig(caller, *gig))) {
    return NotFound(absl::StrCat("gig ", id));
  }
  GW_RETURN_IF_ERROR(gig.status());
  if (gig->seller_id == caller.user_id) return SelfDealing("you cannot order your own gig");
  if (gig->state != GigState::kApproved) {
    return InvalidState(absl::StrCat("cannot order a gig in state ", GigStateName(gig->state)),
                        GigStateName(gig->state));
  }
  GW_ASSIGN_OR_RETURN(User seller, tx.users().FindById(gig->seller_id));
  if (!seller.roles.Has(Role::kSeller)) {
    return SellerUnavailable("the gig's seller no longer takes work");
  }
  return gig;
}

Booking NewGigOrder(const Gig& gig, const Principal& buyer, const std::string& requirements,
                    absl::Time now) {
  Booking booking;
  booking.id = NewId("bkg");
  booking.source = BookingSource::kGigOrder;
  booking.gig_id = gig.id;
  booking.buyer_id = buyer.user_id;
  booking.seller_id = gig.seller_id;
  booking.job_title = gig.title;
  booking.price = gig.price;
  booking.due_time = now + absl::Hours(24) * gig.delivery_days;
  booking.requirements = requirements;
  booking.state = BookingState::kActive;
  booking.create_time = booking.update_time = now;
  return booking;
}

}  // namespace

std::vector<std::string> BookingActions(const Principal& viewer, const Booking& b) {
  std::vector<std::string> actions;
  const bool buyer = viewer.user_id == b.buyer_id, seller = viewer.user_id == b.seller_id;
  const bool admin = viewer.Has(Role::kAdmin);
  const bool active = b.state == BookingState::kActive;
  const bool delivered = b.state == BookingState::kDelivered;
  if (seller && active) actions.push_back("deliver");
  if (buyer && delivered) actions.push_back("request_revision");
  if ((buyer && delivered) || (admin && (active || delivered))) actions.push_back("complete");
  if ((buyer && active) || (admin && (active || delivered))) actions.push_back("cancel");
  bool can_review = (buyer && !b.buyer_reviewed) || (seller && !b.seller_reviewed);
  if (b.state == BookingState::kCompleted && can_review) actions.push_back("review");
  return actions;
}

absl::StatusOr<Booking> LoadVisibleBooking(Tx& tx, const Principal& caller,
                                           const std::string& id) {
  if (!HasIdShape(id, "bkg")) {
    return id.empty() ? InvalidField("id", "is required") : NotFound(absl::StrCat("booking ", id));
  }
  GW_ASSIGN_OR_RETURN(Booking b, tx.bookings().FindById(id));
  if (b.buyer_id == caller.user_id || b.seller_id == caller.user_id || caller.Has(Role::kAdmin)) {
    return b;
  }
  return NotFound(absl::StrCat("booking ", id));
}

absl::StatusOr<Booking> Bookings::Get(const Principal& caller, const std::string& id) {
  Booking booking;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(booking, LoadVisibleBooking(tx, caller, id));
    return FillBookingMoney(tx, booking);
  }));
  return booking;
}

absl::StatusOr<Booking> Bookings::OrderGig(const Principal& caller, const std::string& gig_id,
                                           const std::string& requirements,
                                           const RequestKey& key) {
  GW_RETURN_IF_ERROR(RequireRole(caller, Role::kBuyer));
  GW_RETURN_IF_ERROR(CheckNote("requirements", requirements, 1, kMaxRequirementsChars));
  return IdempotentWrite<Booking>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Booking> {
        const absl::Time now = clock_.Now();
        GW_ASSIGN_OR_RETURN(Gig gig, LoadOrderableGig(tx, caller, gig_id));
        const Booking booking = NewGigOrder(gig, caller, requirements, now);
        GW_RETURN_IF_ERROR(tx.bookings().Insert(booking));
        GW_RETURN_IF_ERROR(InsertInitialMilestones(tx, booking));
        GW_RETURN_IF_ERROR(
            outbox_.Record(tx, EventType::kGigOrdered, caller.user_id, now, booking));
        return BookingWithMoney(tx, booking.id);
      },
      BookingWithMoney,
      [](const Booking& b) { return b.id; });
}

absl::StatusOr<BookingPage> Bookings::List(const Principal& caller, const BookingFilter& filter,
                                           int page_size, absl::string_view page_token) {
  const bool admin = caller.Has(Role::kAdmin);
  if (!admin && (!filter.buyer_id.empty() || !filter.seller_id.empty())) {
    return RoleRequired("admin");
  }
  if (filter.created_after && filter.created_before &&
      *filter.created_after >= *filter.created_before) {
    return InvalidField("created_before", "must be after created_after");
  }
  GW_ASSIGN_OR_RETURN(const int limit, ResolvePageSize(page_size));
  BookingQuery q;
  q.state = filter.state;
  q.party_id = admin ? "" : caller.user_id;
  q.buyer_id = filter.buyer_id;
  q.seller_id = filter.seller_id;
  q.created_after = filter.created_after;
  q.created_before = filter.created_before;
  auto micros = [](const std::optional<absl::Time>& t) { return t ? absl::ToUnixMicros(*t) : 0; };
  const std::string fingerprint = absl::StrCat(
      "bookings:", q.party_id, "|", q.buyer_id, "|", q.seller_id, "|",
      q.state ? static_cast<int>(*q.state) : 0, "|", micros(q.created_after), "|",
      micros(q.created_before));
  GW_ASSIGN_OR_RETURN(q.after, DecodePageToken(page_token, fingerprint));
  q.limit = limit + 1;
  BookingPage page;
  GW_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(page.bookings, tx.bookings().List(q));
    for (Booking& booking : page.bookings) GW_RETURN_IF_ERROR(FillBookingMoney(tx, booking));
    GW_ASSIGN_OR_RETURN(const int64_t latest, tx.events().LatestSequence());
    page.event_cursor = CursorOf(latest);
    return absl::OkStatus();
  }));
  page.next_page_token = TrimToPage(page.bookings, limit, fingerprint);
  return page;
}

absl::StatusOr<Booking> Bookings::Change(
    const Principal& caller, const std::string& id, const RequestKey& key, EventType type,
    absl::FunctionRef<absl::Status(Tx&, Booking&)> change,
    absl::FunctionRef<absl::Status(Tx&, const Booking&)> after) {
  return IdempotentWrite<Booking>(
      store_, key, clock_,
      [&](Tx& tx) -> absl::StatusOr<Booking> {
        GW_ASSIGN_OR_RETURN(Booking b, LoadVisibleBooking(tx, caller, id));
        GW_RETURN_IF_ERROR(change(tx, b));
        const absl::Time now = clock_.Now();
        GW_RETURN_IF_ERROR(SaveNextVersion(tx.bookings(), b, now));
        GW_RETURN_IF_ERROR(outbox_.Record(tx, type, caller.user_id, now, b));
        GW_RETURN_IF_ERROR(after(tx, b));
        GW_RETURN_IF_ERROR(FillBookingMoney(tx, b));
        return b;
      },
      BookingWithMoney,
      [](const Booking& b) { return b.id; });
}

absl::StatusOr<Booking> Bookings::Deliver(const Principal& caller, const std::string& id,
                                          const std::string& note, const RequestKey& key,
                                          const std::vector<std::string>& attachment_ids) {
  GW_RETURN_IF_ERROR(CheckNote("note", note, 1, 2000));
  GW_RETURN_IF_ERROR(CheckAttachmentIds("attachment_ids", attachment_ids));
  auto deliver = [&](Tx&, Booking& b) -> absl::Status {
    if (b.seller_id != caller.user_id) return NotOwner("only the booking's seller may deliver");
    GW_RETURN_IF_ERROR(RequireBookingState(b, {BookingState::kActive}, "deliver"));
    b.state = BookingState::kDelivered;
    b.delivery_note = note;
    return absl::OkStatus();
  };
  auto attach = [&](Tx& tx, const Booking& b) {
    return AttachOwnFiles(tx, caller.user_id, attachment_ids, AttachmentKind::kDelivery, b.id,
                          clock_.Now());
  };
  return Change(caller, id, key, EventType::kBookingDelivered, deliver, attach);
}

absl::StatusOr<Booking> Bookings::RequestRevision(const Principal& caller, const std::string& id,
                                                  const std::string& note,
                                                  const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckNote("note", note, 1, 2000));
  auto request_revision = [&](Tx&, Booking& b) -> absl::Status {
    if (b.buyer_id != caller.user_id) return NotOwner("only the booking's buyer may ask for a revision");
    GW_RETURN_IF_ERROR(RequireBookingState(b, {BookingState::kDelivered}, "request a revision of"));
    b.state = BookingState::kActive;
    b.revision_note = note;
    ++b.revision_count;
    return absl::OkStatus();
  };
  return Change(caller, id, key, EventType::kBookingRevisionRequested, request_revision);
}

absl::StatusOr<Booking> Bookings::Complete(const Principal& caller, const std::string& id,
                                           const RequestKey& key) {
  auto complete = [&](Tx& tx, Booking& b) -> absl::Status {
    const bool admin = caller.Has(Role::kAdmin), buyer = b.buyer_id == caller.user_id;
    if (!admin && !buyer) return NotOwner("only the buyer or an admin may complete a booking");
    if (admin && !buyer) {
      GW_RETURN_IF_ERROR(RequireBookingState(
          b, {BookingState::kActive, BookingState::kDelivered}, "complete"));
      GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, "CompleteBooking", b.id, "", clock_.Now()));
    } else {
      GW_RETURN_IF_ERROR(RequireBookingState(b, {BookingState::kDelivered}, "complete"));
    }
    GW_RETURN_IF_ERROR(CloseOpenMilestones(tx, outbox_, b, caller.user_id,
                                           "the booking was completed", clock_.Now()));
    b.state = BookingState::kCompleted;
    b.complete_time = clock_.Now();
    return tx.users().IncrementCompletedBookings(b.seller_id);
  };
  return Change(caller, id, key, EventType::kBookingCompleted, complete);
}

absl::StatusOr<Booking> Bookings::Cancel(const Principal& caller, const std::string& id,
                                         const std::string& reason, bool cancel_job,
                                         const RequestKey& key) {
  GW_RETURN_IF_ERROR(CheckNote("reason", reason, 1, 500));
  auto cancel = [&](Tx& tx, Booking& b) -> absl::Status {
    const bool admin = caller.Has(Role::kAdmin), buyer = b.buyer_id == caller.user_id;
    if (!admin && !buyer) return NotOwner("only the buyer or an admin may cancel a booking");
    if (admin && !buyer) {
      GW_RETURN_IF_ERROR(RequireBookingState(
          b, {BookingState::kActive, BookingState::kDelivered}, "cancel"));
      GW_RETURN_IF_ERROR(RecordAdminAction(tx, caller, "CancelBooking", b.id, reason, clock_.Now()));
    } else {
      GW_RETURN_IF_ERROR(RequireBookingState(b, {BookingState::kActive}, "cancel"));
    }
    GW_RETURN_IF_ERROR(
        CloseOpenMilestones(tx, outbox_, b, caller.user_id, reason, clock_.Now()));
    b.state = BookingState::kCancelled;
    b.cancel_reason = reason;
    return absl::OkStatus();
  };
  auto release = [&](Tx& tx, const Booking& b) {
    return ReleaseJobOfBooking(tx, outbox_, clock_.Now(), caller.user_id, b, reason, cancel_job);
  };
  return Change(caller, id, key, EventType::kBookingCancelled, cancel, release);
}

namespace {

// A released open project: its other proposals were closed when one was
// accepted, so it takes new bids again, for as long as its first bidding
// window lasted (ending before its due time), with the same award grace.
void ReopenBidding(Job& job, absl::Time now) {
  const absl::Time first_close = job.bidding_close_time.value_or(now);
  const absl::Duration window = std::max(first_close - job.create_time, absl::Hours(1));
  const absl::Duration grace = job.award_deadline_time.value_or(first_close) - first_close;
  const absl::Time close = std::min(now + window, job.due_time - absl::Seconds(1));
  job.state = JobState::kOpen;
  job.bidding_close_time = close;
  job.award_deadline_time = std::min(close + grace, job.due_time);
}

}  // namespace

absl::Status ReleaseJobOfBooking(Tx& tx, const Outbox& outbox, absl::Time now,
                                 const std::string& actor_id, const Booking& booking,
                                 const std::string& reason, bool cancel_job) {
  if (booking.job_id.empty()) return absl::OkStatus();  // a gig order has no job
  GW_ASSIGN_OR_RETURN(Job job, tx.jobs().FindById(booking.job_id));
  if (job.state != JobState::kBooked || job.booking_id != booking.id) return absl::OkStatus();
  EventType type = EventType::kJobReopened;
  if (cancel_job) {
    job.state = JobState::kCancelled;
    job.cancel_reason = reason;
    type = EventType::kJobCancelled;
  } else if (now >= job.due_time) {
    job.state = JobState::kExpired;
    type = EventType::kJobExpired;
  } else if (job.sourcing_mode == SourcingMode::kOpen) {
    ReopenBidding(job, now);
  } else {
    job.state = JobState::kOpen;
  }
  job.booking_id.clear();
  GW_RETURN_IF_ERROR(SaveNextVersion(tx.jobs(), job, now));
  return outbox.Record(tx, type, actor_id, now, job);
}

}  // namespace gigwire
