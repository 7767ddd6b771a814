// Shared set-up of the marketplace domain tests (jobs, offers, bookings,
// reviews, scheduler): a real SqliteStore in a fresh temporary directory, a
// FakeClock, an Outbox with a proto-free TestEventEncoder, the domain
// services wired to them, and helpers that create users with roles, a
// category, jobs in a given state, assignments and bookings, and read rows
// (and outbox events and notifications) back behind the services' backs.
//
//   class JobsTest : public testutil::MarketplaceTest {};
//   TEST_F(JobsTest, ...) {
//     Job job = OpenJob(buyer_);
//     EXPECT_TRUE(HasError(status, absl::StatusCode::kNotFound, v1::RESOURCE_NOT_FOUND));
//   }
//
// Set-up helpers record a test failure (ADD_FAILURE) when a step fails and
// return an empty value, so a broken precondition shows where it broke.
// Thread safety: the fixture is used from the test's thread; the services it
// owns are thread-safe (see their headers).
#ifndef GIGWIRE_SERVER_TESTING_MARKETPLACE_FIXTURE_H_
#define GIGWIRE_SERVER_TESTING_MARKETPLACE_FIXTURE_H_

#include <initializer_list>
#include <memory>
#include <variant>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "server/auth/authenticator.h"
#include "server/common/clock.h"
#include "server/common/ids.h"
#include "server/common/status.h"
#include "server/domain/bookings.h"
#include "server/domain/idempotency.h"
#include "server/domain/jobs.h"
#include "server/domain/offers.h"
#include "server/domain/outbox.h"
#include "server/domain/proposals.h"
#include "server/domain/reviews.h"
#include "server/model/marketplace.h"
#include "server/model/user.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/store/store.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {

// Readable failure messages for the marketplace types (found by gtest via ADL).
inline void PrintTo(JobState state, std::ostream* os) { *os << JobStateName(state); }
inline void PrintTo(OfferState state, std::ostream* os) { *os << OfferStateName(state); }
inline void PrintTo(BookingState state, std::ostream* os) { *os << BookingStateName(state); }
inline void PrintTo(ProposalState state, std::ostream* os) { *os << ProposalStateName(state); }
inline void PrintTo(const Proposal& p, std::ostream* os) {
  *os << p.id << " (" << ProposalStateName(p.state) << ", seller " << p.seller_id << ")";
}
inline void PrintTo(const Job& job, std::ostream* os) {
  *os << job.id << " (" << JobStateName(job.state) << ")";
}
inline void PrintTo(const Offer& offer, std::ostream* os) {
  *os << offer.id << " (" << OfferStateName(offer.state) << ", seller " << offer.seller_id << ")";
}
inline void PrintTo(const Booking& booking, std::ostream* os) {
  *os << booking.id << " (" << BookingStateName(booking.state) << ")";
}
inline void PrintTo(const AuditEntry& entry, std::ostream* os) {
  *os << entry.action << " " << entry.target << " by " << entry.actor_id;
}

}  // namespace gigwire

namespace gigwire::testutil {

inline Principal PrincipalOf(const User& user) { return Principal{user.id, user.roles, ""}; }

// Encodes an event as "<type number> <actor> <resource id>": enough for
// tests to tell events apart without the gigwire.v1 protos.
class TestEventEncoder final : public EventEncoder {
 public:
  std::string Encode(const DomainEvent& event) const override {
    const std::string id = ResourceIdOf(event.resource);
    return absl::StrCat(static_cast<int>(event.type), " ", event.actor_id, " ", id);
  }
};

// A key without request_id: the call is not idempotent.
inline RequestKey NoKey() { return RequestKey{}; }

// An idempotency key as the API layer would build it; `fingerprint` stands
// for the hash of the request's other parameters.
inline RequestKey KeyOf(const Principal& caller, std::string method, std::string request_id,
                        std::string fingerprint) {
  return RequestKey{caller.user_id, std::move(method), std::move(request_id),
                    std::move(fingerprint)};
}

// Field paths of the INVALID_FIELDS violations attached to `status`.
inline std::vector<std::string> ViolatedFields(const absl::Status& status) {
  std::vector<std::string> fields;
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  for (const v1::FieldViolation& v : details.field_violations()) {
    fields.push_back(v.field());
  }
  return fields;
}

// Success when `status` has exactly this code and reason.
inline ::testing::AssertionResult HasError(const absl::Status& status, absl::StatusCode code,
                                           ErrorReason reason) {
  if (status.code() == code && ReasonOf(status) == reason) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << "expected " << absl::StatusCodeToString(code) << " / "
         << v1::ErrorReason_Name(reason) << ", got " << status << " (reason "
         << v1::ErrorReason_Name(ReasonOf(status)) << ")";
}

// Success when `status` is FAILED_PRECONDITION, reason INVALID_STATE, with
// metadata current_state == `current_state`.
inline ::testing::AssertionResult IsInvalidState(const absl::Status& status,
                                                 absl::string_view current_state) {
  ::testing::AssertionResult result =
      HasError(status, absl::StatusCode::kFailedPrecondition, v1::INVALID_STATE);
  if (!result) return result;
  const v1::ErrorDetails details = ErrorDetailsOf(status);
  auto it = details.metadata().find("current_state");
  if (it == details.metadata().end()) {
    return ::testing::AssertionFailure() << "no current_state in " << status;
  }
  if (it->second != current_state) {
    return ::testing::AssertionFailure()
           << "current_state is " << it->second << ", expected " << current_state;
  }
  return ::testing::AssertionSuccess();
}

// The value of a set-up step, or an empty value after recording a failure.
template <typename T>
T ValueOrFail(absl::StatusOr<T> result, absl::string_view step) {
  if (!result.ok()) {
    ADD_FAILURE() << step << ": " << result.status();
    return T{};
  }
  return *std::move(result);
}

class MarketplaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = testutil::OpenTestStore(dir_);
    ASSERT_NE(store_, nullptr);
    jobs_ = std::make_unique<Jobs>(*store_, clock_, outbox_);
    offers_ = std::make_unique<Offers>(*store_, clock_, outbox_);
    bookings_ = std::make_unique<Bookings>(*store_, clock_, outbox_);
    reviews_ = std::make_unique<Reviews>(*store_, clock_, outbox_);
    proposals_ = std::make_unique<Proposals>(*store_, clock_, outbox_);
    admin_ = NewPrincipal("admin", {Role::kAdmin});
    buyer_ = NewPrincipal("buyer", {Role::kBuyer});
    seller_ = NewPrincipal("seller", {Role::kSeller});
    category_ = NewCategory("web-design");
  }

  // ---- users and categories, inserted directly through the store ----

  User NewUser(absl::string_view name, std::initializer_list<Role> roles) {
    User user;
    user.id = NewId("usr");
    user.email = absl::StrCat(name, ".", ++user_counter_, "@example.com");
    user.password_hash = "not-a-real-hash";
    user.display_name = std::string(name);
    for (Role role : roles) user.roles.Add(role);
    user.create_time = user.update_time = clock_.Now();
    absl::Status inserted = store_->Write([&](Tx& tx) { return tx.users().Insert(user); });
    if (!inserted.ok()) ADD_FAILURE() << "inserting user " << name << ": " << inserted;
    return user;
  }

  Principal NewPrincipal(absl::string_view name, std::initializer_list<Role> roles) {
    return PrincipalOf(NewUser(name, roles));
  }

  std::string NewCategory(absl::string_view slug) {
    Category category;
    category.id = NewId("cat");
    category.slug = std::string(slug);
    category.display_name = std::string(slug);
    category.create_time = clock_.Now();
    absl::Status inserted =
        store_->Write([&](Tx& tx) { return tx.categories().Insert(category); });
    if (!inserted.ok()) ADD_FAILURE() << "inserting category " << slug << ": " << inserted;
    return category.id;
  }

  // ---- jobs ----

  // A draft that passes every rule: due in a week, USD 100..500.
  Job ValidDraft() const {
    Job draft;
    draft.title = "Build a landing page";
    draft.description = "One page, responsive, with a contact form.";
    draft.category_id = category_;
    draft.skills = {"html", "css"};
    draft.budget_min = {"USD", 10'000};
    draft.budget_max = {"USD", 50'000};
    draft.due_time = clock_.Now() + absl::Hours(24 * 7);
    return draft;
  }

  // A PENDING_REVIEW job of `buyer`, due after `due_in`.
  Job PostJob(const Principal& buyer, absl::Duration due_in = absl::Hours(24 * 7)) {
    Job draft = ValidDraft();
    draft.due_time = clock_.Now() + due_in;
    return ValueOrFail(jobs_->Create(buyer, draft, NoKey()), "posting a job");
  }

  // An OPEN job of `buyer` (posted, then approved by admin_).
  Job OpenJob(const Principal& buyer, absl::Duration due_in = absl::Hours(24 * 7)) {
    Job job = PostJob(buyer, due_in);
    return ValueOrFail(jobs_->Approve(admin_, job.id, "", NoKey()), "approving a job");
  }

  // ---- open projects and proposals ----

  // A valid open project draft: bidding closes after `bidding_in`, due after
  // `due_in` (the award deadline is then min(close + 7 days, due)).
  Job OpenProjectDraft(absl::Duration bidding_in = absl::Hours(24 * 3),
                       absl::Duration due_in = absl::Hours(24 * 14)) const {
    Job draft = ValidDraft();
    draft.sourcing_mode = SourcingMode::kOpen;
    draft.due_time = clock_.Now() + due_in;
    draft.bidding_close_time = clock_.Now() + bidding_in;
    return draft;
  }

  // An approved open project of `buyer` (OPEN, in bidding).
  Job OpenProject(const Principal& buyer, absl::Duration bidding_in = absl::Hours(24 * 3),
                  absl::Duration due_in = absl::Hours(24 * 14)) {
    Job job = ValueOrFail(jobs_->Create(buyer, OpenProjectDraft(bidding_in, due_in), NoKey()),
                          "posting an open project");
    return ValueOrFail(jobs_->Approve(admin_, job.id, "", NoKey()), "approving an open project");
  }

  // A valid bid: `amount_minor` USD, delivered in `delivery_days`, no plan.
  static ProposalDraft Bid(int64_t amount_minor = 20'000, int32_t delivery_days = 10) {
    ProposalDraft draft;
    draft.price = {"USD", amount_minor};
    draft.delivery_days = delivery_days;
    draft.cover_letter = "I have built many landing pages like this one.";
    return draft;
  }

  // `seller`'s SUBMITTED proposal on `job_id`.
  Proposal SubmitBid(const Principal& seller, const std::string& job_id,
                     const ProposalDraft& draft = Bid()) {
    return ValueOrFail(proposals_->Submit(seller, job_id, draft, NoKey()), "submitting a bid");
  }

  // ---- assignments, offers, bookings ----

  std::vector<Assignment> AssignSellers(const std::string& job_id,
                                        const std::vector<Principal>& sellers,
                                        absl::Duration ttl = absl::Hours(48)) {
    AssignInput in;
    in.job_id = job_id;
    for (const Principal& s : sellers) in.seller_ids.push_back(s.user_id);
    in.note = "You would be great for this";
    in.offer_ttl = ttl;
    return ValueOrFail(offers_->Assign(admin_, in, NoKey()), "assigning sellers");
  }

  // The offer made to the only seller assigned.
  std::string AssignOne(const std::string& job_id, const Principal& seller,
                        absl::Duration ttl = absl::Hours(48)) {
    std::vector<Assignment> assignments = AssignSellers(job_id, {seller}, ttl);
    if (assignments.size() != 1) {
      ADD_FAILURE() << "expected one assignment, got " << assignments.size();
      return "";
    }
    return assignments[0].offer_id;
  }

  // An ACTIVE booking between `buyer` and `seller` (open job, one offer, accepted).
  Booking ActiveBooking(const Principal& buyer, const Principal& seller) {
    Job job = OpenJob(buyer);
    std::string offer_id = AssignOne(job.id, seller);
    Offer offer = ValueOrFail(offers_->Accept(seller, offer_id, NoKey()), "accepting the offer");
    return ValueOrFail(bookings_->Get(seller, offer.booking_id), "reading the booking");
  }

  // A COMPLETED booking (delivered by the seller, completed by the buyer).
  Booking CompletedBooking(const Principal& buyer, const Principal& seller) {
    Booking booking = ActiveBooking(buyer, seller);
    ValueOrFail(bookings_->Deliver(seller, booking.id, "Done, see the link", NoKey()),
                "delivering");
    return ValueOrFail(bookings_->Complete(buyer, booking.id, NoKey()), "completing");
  }

  // ---- rows read back straight from the store ----

  Job StoredJob(const std::string& id) {
    return ReadOrFail<Job>([&](Tx& tx) { return tx.jobs().FindById(id); }, "reading job");
  }
  Offer StoredOffer(const std::string& id) {
    return ReadOrFail<Offer>([&](Tx& tx) { return tx.offers().FindById(id); }, "reading offer");
  }
  Booking StoredBooking(const std::string& id) {
    return ReadOrFail<Booking>([&](Tx& tx) { return tx.bookings().FindById(id); },
                               "reading booking");
  }
  Proposal StoredProposal(const std::string& id) {
    return ReadOrFail<Proposal>([&](Tx& tx) { return tx.proposals().FindById(id); },
                                "reading proposal");
  }
  // Every proposal (of the job, or of every job when `job_id` is empty),
  // newest first.
  std::vector<Proposal> StoredProposals(const std::string& job_id = "") {
    ProposalQuery query;
    query.job_id = job_id;
    query.limit = 100'000;
    return ReadOrFail<std::vector<Proposal>>([&](Tx& tx) { return tx.proposals().List(query); },
                                             "listing proposals");
  }
  User StoredUser(const std::string& id) {
    return ReadOrFail<User>([&](Tx& tx) { return tx.users().FindById(id); }, "reading user");
  }
  // Every offer of the job, newest first.
  std::vector<Offer> OffersOfJob(const std::string& job_id) {
    OfferQuery query;
    query.job_id = job_id;
    query.limit = 1000;
    return ReadOrFail<std::vector<Offer>>([&](Tx& tx) { return tx.offers().List(query); },
                                          "listing offers");
  }
  // Every booking made for the job.
  std::vector<Booking> BookingsOfJob(const std::string& job_id) {
    BookingQuery query;
    query.limit = 1000;
    std::vector<Booking> all = ReadOrFail<std::vector<Booking>>(
        [&](Tx& tx) { return tx.bookings().List(query); }, "listing bookings");
    std::vector<Booking> of_job;
    for (Booking& b : all) {
      if (b.job_id == job_id) of_job.push_back(std::move(b));
    }
    return of_job;
  }
  // Audit entries of `action`, newest first.
  std::vector<AuditEntry> AuditEntries(const std::string& action) {
    AuditQuery query;
    query.action = action;
    query.limit = 1000;
    return ReadOrFail<std::vector<AuditEntry>>([&](Tx& tx) { return tx.audit().List(query); },
                                               "listing audit entries");
  }

  // ---- the outbox and inboxes ----

  // The highest event sequence so far (0 before the first event).
  int64_t LatestSequence() {
    return ReadOrFail<int64_t>([](Tx& tx) { return tx.events().LatestSequence(); },
                               "reading the latest sequence");
  }
  // Every event after `after`, in sequence order.
  std::vector<EventRecord> EventsAfter(int64_t after) {
    return ReadOrFail<std::vector<EventRecord>>(
        [&](Tx& tx) { return tx.events().ListAfter(after, 100'000); }, "listing events");
  }
  // The types of EventsAfter(after), in sequence order.
  std::vector<EventType> EventTypesAfter(int64_t after) {
    std::vector<EventType> types;
    for (const EventRecord& event : EventsAfter(after)) types.push_back(event.type);
    return types;
  }
  // Every notification of `user_id`, newest first.
  std::vector<Notification> NotificationsOf(const std::string& user_id) {
    NotificationQuery query;
    query.user_id = user_id;
    query.limit = 100'000;
    return ReadOrFail<std::vector<Notification>>(
        [&](Tx& tx) { return tx.notifications().List(query); }, "listing notifications");
  }

  template <typename T, typename Fn>
  T ReadOrFail(Fn fn, absl::string_view step) {
    absl::StatusOr<T> result = absl::UnknownError("not read");
    absl::Status status = store_->Read([&](Tx& tx) -> absl::Status {
      result = fn(tx);
      return absl::OkStatus();
    });
    if (!status.ok()) result = status;
    return ValueOrFail(std::move(result), step);
  }

  TempDir dir_;
  FakeClock clock_;
  TestEventEncoder encoder_;
  Outbox outbox_{encoder_};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Jobs> jobs_;
  std::unique_ptr<Offers> offers_;
  std::unique_ptr<Bookings> bookings_;
  std::unique_ptr<Reviews> reviews_;
  std::unique_ptr<Proposals> proposals_;
  Principal admin_;
  Principal buyer_;
  Principal seller_;
  std::string category_;

 private:
  int user_counter_ = 0;
};

}  // namespace gigwire::testutil

#endif  // GIGWIRE_SERVER_TESTING_MARKETPLACE_FIXTURE_H_
