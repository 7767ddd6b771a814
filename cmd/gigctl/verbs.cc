// gigctl's admin verbs as data; see verbs.h.
#include "cmd/gigctl/verbs.h"

#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <algorithm>
#include <cmath>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cmd/gigctl/money.h"
#include "gigwire/v1/api_key.pb.h"
#include "gigwire/v1/assignment.pb.h"
#include "gigwire/v1/audit.pb.h"
#include "gigwire/v1/booking.pb.h"
#include "gigwire/v1/catalog.pb.h"
#include "gigwire/v1/conversation.pb.h"
#include "gigwire/v1/dispute.pb.h"
#include "gigwire/v1/file.pb.h"
#include "gigwire/v1/job.pb.h"
#include "gigwire/v1/ledger.pb.h"
#include "gigwire/v1/milestone.pb.h"
#include "gigwire/v1/offer.pb.h"
#include "gigwire/v1/payment.pb.h"
#include "gigwire/v1/portfolio.pb.h"
#include "gigwire/v1/proposal.pb.h"
#include "gigwire/v1/review.pb.h"
#include "gigwire/v1/seller.pb.h"
#include "gigwire/v1/user.pb.h"

namespace gigctl {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

constexpr IdKind kUser = IdKind::kUser;
constexpr IdKind kCategory = IdKind::kCategory;

const std::vector<Column> kJobColumns = {
    {"ID", "id"},          {"STATE", "state"},   {"TITLE", "title"},
    {"BUYER", "buyer_id", kUser}, {"BUDGET", "budget"}, {"DUE", "due_time"},
    {"CREATED", "create_time"}};
const std::vector<Column> kOpenJobColumns = {
    {"ID", "id"},           {"TITLE", "title"},   {"BUYER", "buyer_id", kUser},
    {"CATEGORY", "category_id", kCategory}, {"BUDGET", "budget"}, {"BIDS", "proposal_count"},
    {"CLOSES", "bidding_close_time"}, {"DUE", "due_time"}};
const std::vector<Column> kProposalColumns = {
    {"ID", "id"},          {"JOB", "job_title"}, {"SELLER", "seller_id", kUser},
    {"PRICE", "price"},    {"DAYS", "delivery_days"}, {"STATE", "state"},
    {"RATING", "seller_rating_milli"}, {"SUBMITTED", "create_time"}};
const std::vector<Column> kPortfolioColumns = {{"ID", "id"},         {"TITLE", "title"},
                                               {"LINK", "link_url"}, {"SKILLS", "skills"},
                                               {"CREATED", "create_time"}};
const std::vector<Column> kGigColumns = {
    {"ID", "id"},       {"STATE", "state"},  {"TITLE", "title"}, {"SELLER", "seller_id", kUser},
    {"PRICE", "price"}, {"CATEGORY", "category_id", kCategory}, {"UPDATED", "update_time"}};
const std::vector<Column> kBookingColumns = {
    {"ID", "id"},          {"STATE", "state"},      {"SOURCE", "source"}, {"JOB", "job_title"},
    {"BUYER", "buyer_id", kUser}, {"SELLER", "seller_id", kUser}, {"BUDGET", "budget"},
    {"CREATED", "create_time"}};
const std::vector<Column> kOfferColumns = {
    {"ID", "id"},         {"STATE", "state"},   {"JOB", "job_title"},
    {"SELLER", "seller_id", kUser}, {"BUDGET", "budget"}, {"EXPIRES", "expire_time"},
    {"NOTE", "note"}};
const std::vector<Column> kUserColumns = {{"ID", "id"},       {"EMAIL", "email"},
                                          {"NAME", "display_name"}, {"ROLES", "roles"},
                                          {"CREATED", "create_time"}};
const std::vector<Column> kApiKeyColumns = {{"ID", "id"},       {"NAME", "display_name"},
                                            {"USER", "user_id", kUser}, {"CREATED", "create_time"},
                                            {"REVOKED", "revoke_time"}};
const std::vector<Column> kMilestoneColumns = {
    {"ID", "id"}, {"POS", "position"}, {"STATE", "state"}, {"TITLE", "title"},
    {"AMOUNT", "amount"}, {"DUE", "due_time"}, {"RELEASED", "released"},
    {"REFUNDED", "refunded"}, {"PAYMENT", "payment_id"}, {"DISPUTE", "dispute_id"}};
// REFERENCE: what a manual transfer quotes (mpay_...), or Stripe's pi_... .
const std::vector<Column> kPaymentColumns = {
    {"ID", "id"}, {"STATE", "state"}, {"AMOUNT", "amount"}, {"BUYER", "buyer_id", kUser},
    {"GATEWAY", "gateway"}, {"REFERENCE", "provider_id"}, {"BOOKING", "booking_id"},
    {"MILESTONE", "milestone_id"}, {"CREATED", "create_time"}};
const std::vector<Column> kPendingPaymentColumns = {
    {"ID", "id"}, {"AMOUNT", "amount"}, {"REFERENCE", "provider_id"},
    {"BUYER", "buyer_id", kUser}, {"GATEWAY", "gateway"}, {"BOOKING", "booking_id"},
    {"MILESTONE", "milestone_id"}, {"CREATED", "create_time"}};
const std::vector<Column> kPayoutColumns = {
    {"ID", "id"}, {"STATE", "state"}, {"SELLER", "seller_id", kUser}, {"AMOUNT", "amount"},
    {"REQUESTED", "create_time"}, {"PAID", "paid_time"}, {"REFERENCE", "reference"}};
const std::vector<Column> kDisputeColumns = {
    {"ID", "id"}, {"STATE", "state"}, {"OPENED", "create_time"}, {"BOOKING", "booking_id"},
    {"MILESTONE", "milestone_title"}, {"AMOUNT", "amount"}, {"BY", "opened_by", kUser},
    {"REASON", "reason"}};
// Files (issue 16): SIZE reads "1048576 B (1.0 MiB)" (output.h).
const std::vector<Column> kFileColumns = {
    {"ID", "id"}, {"NAME", "name"}, {"TYPE", "content_type"}, {"SIZE", "size_bytes"},
    {"OWNER", "owner_id", kUser}, {"UPLOADED", "create_time"}};
// A conversation's messages, oldest first. A hidden message is marked HIDDEN
// yes; admins still get its text and files (with why and by whom), anyone
// else neither.
const std::vector<Column> kMessageColumns = {
    {"SEQ", "seq"}, {"TIME", "create_time"}, {"FROM", "sender_id", kUser}, {"TEXT", "text"},
    {"FILES", "attachments"}, {"HIDDEN", "hidden"}, {"WHY HIDDEN", "hidden_reason"},
    {"HIDDEN BY", "hidden_by", kUser}, {"ID", "id"}};
const std::vector<std::string> kAttachmentKinds = {"message", "delivery", "milestone", "gig",
                                                   "portfolio-item"};
const std::vector<std::string> kRoles = {"buyer", "seller", "admin"};

Arg Id(const std::string& what) { return {what, "id", ArgKind::kText, "the " + what + "'s id"}; }
Arg UserArg(const std::string& name, const std::string& field, const std::string& help,
            bool required = false) {
  return {name, field, ArgKind::kText, help + " (user id or email)", "", {}, required, kUser};
}
Arg CategoryArg(const std::string& name, const std::string& field, const std::string& help) {
  return {name, field, ArgKind::kText, help + " (category id or slug)", "", {}, false, kCategory};
}
Arg TextArg(const std::string& name, const std::string& field, const std::string& help,
            bool required = false) {
  return {name, field, ArgKind::kText, help, "", {}, required};
}
Arg Reason(const std::string& why) { return TextArg("reason", "reason", why, true); }
Arg EnumArg(const std::string& name, const std::string& field, const std::string& prefix,
            std::vector<std::string> choices, const std::string& help,
            std::vector<std::pair<std::string, std::string>> aliases = {}) {
  return {name,  field, ArgKind::kEnum, help, prefix, std::move(choices), false, IdKind::kNone,
          std::move(aliases)};
}
Arg MoneyArg(const std::string& name, const std::string& field, const std::string& help,
             bool required = false) {
  return {name, field, ArgKind::kMoney, help + " (as gigctl prints money: 'USD 90.00')", "", {},
          required};
}
Arg TimeArg(const std::string& name, const std::string& field, const std::string& help) {
  return {name, field, ArgKind::kTime,
          help + ": 2026-05-01, '2026-05-01 14:30' (UTC), RFC 3339, or 48h / 7d ago"};
}
Arg RoleArg() { return EnumArg("role", "role", "ROLE_", kRoles, "buyer, seller or admin"); }

// A verb listing pages of `list_field`; --page-size and --page-token are added.
Verb ListVerb(const std::string& group, const std::string& name, const std::string& method,
              const std::string& summary, std::vector<Arg> flags, const std::string& list_field,
              std::vector<Column> columns, const std::string& example,
              const std::string& fixed_request = "") {
  flags.push_back({"page-size", "pageSize", ArgKind::kNumber, "rows per page (server default)"});
  flags.push_back({"page-token", "pageToken", ArgKind::kText,
                   "the next page (gigctl prints the token on stderr)"});
  return {group, name, method, summary, {}, std::move(flags), fixed_request, list_field,
          std::move(columns), "", example};
}

// A verb showing one thing as a record.
Verb ShowVerb(const std::string& group, const std::string& name, const std::string& method,
              const std::string& summary, Arg id, std::vector<Column> columns,
              const std::string& example, std::vector<Section> sections = {}) {
  return {group,  name, method, summary, {std::move(id)}, {}, "", "", std::move(columns), "",
          example, {}, std::move(sections)};
}

// A verb changing something; `done` is its one-line report.
Verb ActionVerb(const std::string& group, const std::string& name, const std::string& method,
                const std::string& summary, std::vector<Arg> positional, std::vector<Arg> flags,
                const std::string& done, const std::string& example) {
  return {group, name, method, summary, std::move(positional), std::move(flags), "", "", {},
          done,  example};
}

std::vector<Verb> JobVerbs() {
  const std::vector<std::string> states = {"pending-review", "open",      "bidding-closed",
                                           "booked",         "rejected",  "cancelled",
                                           "expired"};
  Section offers{"Offers", "gigwire.v1.OfferService.ListOffers", {{"jobId", "id"}}, "", {},
                 "offers",
                 {{"ID", "id"}, {"STATE", "state"}, {"SELLER", "seller_id", kUser},
                  {"EXPIRES", "expire_time"}}};
  Verb assign = ActionVerb(
      "jobs", "assign", "gigwire.v1.AssignmentService.AssignSellers",
      "offers an open job to sellers (all or none, idempotent)",
      {{"job", "jobId", ArgKind::kText, "the open job's id"}},
      {{"seller", "sellerIds", ArgKind::kList,
        "a seller (user id or email); repeat it, comma-separate, or list several", "", {}, true,
        kUser},
       TextArg("note", "note", "why these sellers (they see it)"),
       {"ttl", "offerTtl", ArgKind::kDuration, "how long the offers stay open, e.g. 48h"}},
      "", "gigctl jobs assign job_4f2a --seller sam@demo.gigwire.dev,mia@demo.gigwire.dev --note 'portfolio fits'");
  assign.list_field = "assignments";
  assign.columns = {{"SELLER", "seller_id", kUser}, {"OFFER", "offer_id"}, {"ASSIGNMENT", "id"},
                    {"NOTE", "note"}};
  assign.confirm = {{"JOB", "job_id", IdKind::kJob}, {"SELLERS", "seller_ids", kUser},
                    {"NOTE", "note"}, {"OFFERS EXPIRE AFTER", "offer_ttl"}};
  return {
      ListVerb("jobs", "pending", "gigwire.v1.JobService.ListJobs",
               "the review queue: jobs waiting for an admin", {}, "jobs", kJobColumns,
               "gigctl jobs pending", R"({"state":"JOB_STATE_PENDING_REVIEW"})"),
      ListVerb("jobs", "list", "gigwire.v1.JobService.ListJobs", "jobs, newest first",
               {EnumArg("state", "state", "JOB_STATE_", states, "only jobs in this state"),
                UserArg("buyer", "buyerId", "only this buyer's jobs")},
               "jobs", kJobColumns, "gigctl jobs list --state open --all"),
      ListVerb("jobs", "open", "gigwire.v1.JobService.ListOpenJobs",
               "the open market: approved open projects taking proposals",
               {CategoryArg("category", "categoryId", "only this category and its subcategories"),
                TextArg("skill", "skill", "only projects wanting this skill (any case)"),
                TextArg("currency", "currencyCode", "only projects budgeted in this currency, e.g. USD"),
                EnumArg("order", "orderBy", "OPEN_JOB_ORDER_", {"newest", "budget", "closing"},
                        "newest first, highest budget first, or bidding closing soonest first",
                        {{"closing", "CLOSING_SOON"}})},
               "jobs", kOpenJobColumns, "gigctl jobs open --category design --order closing"),
      ShowVerb("jobs", "show", "gigwire.v1.JobService.GetJob", "one job in full, with its offers",
               Id("job"),
               {{"ID", "id"}, {"STATE", "state"}, {"TITLE", "title"},
                {"DESCRIPTION", "description"}, {"BUYER", "buyer_id", kUser},
                {"CATEGORY", "category_id", kCategory}, {"SKILLS", "skills"},
                {"BUDGET", "budget"}, {"STARTS", "preferred_start_time"}, {"DUE", "due_time"},
                {"SOURCING", "sourcing_mode"}, {"BIDDING CLOSES", "bidding_close_time"},
                {"AWARD BY", "award_deadline_time"}, {"PROPOSALS", "proposal_count"},
                {"BOOKING", "booking_id"}, {"REJECTED", "rejection_reason"},
                {"CREATED", "create_time"}},
               "gigctl jobs show job_4f2a", {offers}),
      ActionVerb("jobs", "approve", "gigwire.v1.JobService.ApproveJob",
                 "opens a pending job to sellers", {Id("job")},
                 {TextArg("note", "note", "a note for the audit log")}, "approved {id}: {state}",
                 "gigctl jobs approve job_4f2a --note 'clear brief'"),
      ActionVerb("jobs", "reject", "gigwire.v1.JobService.RejectJob",
                 "rejects a pending job, telling the buyer why", {Id("job")},
                 {Reason("what the buyer should change")}, "rejected {id}: {state}",
                 "gigctl jobs reject job_4f2a --reason 'budget below the minimum'"),
      assign,
  };
}

std::vector<Verb> SellerVerbs() {
  Section reviews{"Rating and recent reviews", "gigwire.v1.ReviewService.ListReviews",
                  {{"userId", "id"}}, R"({"pageSize":5})",
                  {{"RATING", "rating_milli"}, {"REVIEWS", "rating_count"}}, "reviews",
                  {{"TIME", "create_time"}, {"RATING", "rating"}, {"BY", "author_id", kUser},
                   {"TEXT", "text"}}};
  Section gigs{"Gigs (approved, newest first)", "gigwire.v1.CatalogService.ListGigs",
               {{"sellerId", "id"}}, R"({"state":"GIG_STATE_APPROVED","pageSize":5})", {}, "gigs",
               {{"ID", "id"}, {"TITLE", "title"}, {"PRICE", "price"},
                {"CATEGORY", "category_id", kCategory}, {"DAYS", "delivery_days"}}};
  Section portfolio{"Portfolio (newest first)", "gigwire.v1.PortfolioService.ListPortfolioItems",
                    {{"sellerId", "id"}}, R"({"pageSize":5})", {}, "items",
                    {{"ID", "id"}, {"TITLE", "title"}, {"LINK", "link_url"}, {"SKILLS", "skills"}}};
  return {
      ListVerb("sellers", "search", "gigwire.v1.SellerService.SearchSellers",
               "finds sellers to assign: by name or skill, rating, availability",
               {TextArg("text", "text", "words in the name or skills"),
                {"available", "availableOnly", ArgKind::kSwitch, "only sellers available now"},
                {"min-rating", "minRatingMilli", ArgKind::kRating, "at least this rating, 1.0..5.0"},
                TextArg("skill", "skill",
                        "with a skill that has a word starting with this (any case)"),
                CategoryArg("category", "categoryId", "with an approved gig in this category"),
                EnumArg("sort", "orderBy", "SELLER_ORDER_", {"rating", "name", "availability"},
                        "order")},
               "sellers",
               {{"ID", "user_id"}, {"NAME", "display_name"}, {"RATING", "rating_milli"},
                {"REVIEWS", "rating_count"}, {"GIGS", "gig_count"},
                {"AVAILABILITY", "availability"}, {"SKILLS", "skills"}},
               "gigctl sellers search --skill logo --available --min-rating 4.5 --sort rating"),
      ShowVerb("sellers", "show", "gigwire.v1.UserService.GetUser",
               "a seller's preview: profile, rating, recent reviews, gigs",
               UserArg("seller", "id", "the seller", true),
               {{"ID", "id"}, {"NAME", "display_name"}, {"EMAIL", "email"},
                {"AVAILABILITY", "availability"}, {"SKILLS", "skills"}, {"BIO", "bio"},
                {"ROLES", "roles"}, {"SINCE", "create_time"}},
               "gigctl sellers show sam@demo.gigwire.dev", {reviews, gigs, portfolio}),
  };
}

std::vector<Verb> CatalogVerbs() {
  const std::vector<std::string> states = {"draft",    "pending-review", "approved",
                                           "rejected", "paused",         "archived"};
  Verb categories{"categories", "list", "gigwire.v1.CatalogService.ListCategories",
                  "the category tree, parents before their children", {}, {}, "",
                  "categories",
                  {{"SLUG", "slug"}, {"NAME", "display_name"},
                   {"PARENT", "parent_id", kCategory}, {"ID", "id"}},
                  "", "gigctl categories list"};
  return {
      categories,
      ListVerb("gigs", "list", "gigwire.v1.CatalogService.ListGigs", "gigs, newest first",
               {EnumArg("state", "state", "GIG_STATE_", states, "only gigs in this state"),
                UserArg("seller", "sellerId", "only this seller's gigs"),
                CategoryArg("category", "categoryId", "only gigs in this category"),
                TextArg("text", "text", "words in the title, description or tags")},
               "gigs", kGigColumns, "gigctl gigs list --category logo-design --state approved"),
      ListVerb("gigs", "pending", "gigwire.v1.CatalogService.ListGigs", "gigs waiting for review",
               {}, "gigs", kGigColumns, "gigctl gigs pending",
               R"({"state":"GIG_STATE_PENDING_REVIEW"})"),
      ShowVerb("gigs", "show", "gigwire.v1.CatalogService.GetGig", "one gig in full", Id("gig"),
               {{"ID", "id"}, {"STATE", "state"}, {"TITLE", "title"},
                {"SELLER", "seller_id", kUser}, {"CATEGORY", "category_id", kCategory},
                {"PRICE", "price"}, {"DAYS", "delivery_days"}, {"TAGS", "tags"},
                {"DESCRIPTION", "description"}, {"REJECTED", "rejection_reason"},
                {"CREATED", "create_time"}, {"UPDATED", "update_time"}},
               "gigctl gigs show gig_9c1d"),
      ActionVerb("gigs", "approve", "gigwire.v1.CatalogService.ApproveGig",
                 "publishes a pending gig", {Id("gig")}, {}, "approved {id}: {state}",
                 "gigctl gigs approve gig_9c1d"),
      ActionVerb("gigs", "reject", "gigwire.v1.CatalogService.RejectGig", "rejects a pending gig",
                 {Id("gig")}, {Reason("what the seller should change")}, "rejected {id}: {state}",
                 "gigctl gigs reject gig_9c1d --reason 'no samples'"),
  };
}

std::vector<Verb> OfferVerbs() {
  const std::vector<std::string> states = {"pending",   "accepted",  "declined",
                                           "expired",   "withdrawn", "superseded"};
  return {
      ListVerb("offers", "list", "gigwire.v1.OfferService.ListOffers",
               "offers: a seller's own, or (admins) anyone's",
               {EnumArg("state", "state", "OFFER_STATE_", states, "only offers in this state"),
                TextArg("job", "jobId", "only offers of this job"),
                UserArg("seller", "sellerId", "admins: only this seller's offers")},
               "offers", kOfferColumns, "gigctl offers list --state pending"),
      ActionVerb("offers", "accept", "gigwire.v1.OfferService.AcceptOffer",
                 "sellers: accepts an offer; the first accept books the job", {Id("offer")}, {},
                 "accepted {id}: {state}, booking {booking_id}", "gigctl offers accept off_2b7e"),
      ActionVerb("offers", "decline", "gigwire.v1.OfferService.DeclineOffer",
                 "sellers: declines an offer", {Id("offer")},
                 {TextArg("reason", "reason", "why (the admin sees it)")}, "declined {id}: {state}",
                 "gigctl offers decline off_2b7e --reason 'fully booked this month'"),
  };
}

std::vector<Verb> ProposalVerbs() {
  const std::vector<std::string> states = {"submitted", "shortlisted", "accepted",
                                           "declined",  "withdrawn",   "not-selected"};
  Section job{"Job", "gigwire.v1.JobService.GetJob", {{"id", "job_id"}}, "",
              {{"ID", "id"}, {"STATE", "state"}, {"TITLE", "title"},
               {"BUYER", "buyer_id", kUser}, {"BUDGET", "budget"},
               {"BIDDING CLOSES", "bidding_close_time"}, {"DUE", "due_time"},
               {"PROPOSALS", "proposal_count"}}};
  Section portfolio{"Seller's portfolio (newest first)",
                    "gigwire.v1.PortfolioService.ListPortfolioItems", {{"sellerId", "seller_id"}},
                    R"({"pageSize":3})", {}, "items",
                    {{"TITLE", "title"}, {"LINK", "link_url"}, {"SKILLS", "skills"}}};
  return {
      ListVerb("proposals", "list", "gigwire.v1.ProposalService.ListProposals",
               "proposals (sealed bids) on open projects: a job's, or a seller's",
               {TextArg("job", "jobId", "only proposals on this job"),
                UserArg("seller", "sellerId", "admins: only this seller's proposals"),
                EnumArg("state", "state", "PROPOSAL_STATE_", states,
                        "only proposals in this state"),
                {"shortlisted", "shortlistedOnly", ArgKind::kSwitch, "only shortlisted proposals"},
                EnumArg("order", "orderBy", "PROPOSAL_ORDER_", {"newest", "price", "rating"},
                        "newest first, lowest price first, or best-rated seller first",
                        {{"rating", "SELLER_RATING"}})},
               "proposals", kProposalColumns, "gigctl proposals list --job job_5d0c --order price"),
      ShowVerb("proposals", "show", "gigwire.v1.ProposalService.GetProposal",
               "one proposal in full, with its job and the seller's portfolio", Id("proposal"),
               {{"ID", "id"}, {"STATE", "state"}, {"JOB", "job_id", IdKind::kJob},
                {"SELLER", "seller_id", kUser}, {"RATING", "seller_rating_milli"},
                {"PRICE", "price"}, {"DAYS", "delivery_days"}, {"MILESTONES", "milestones"},
                {"INVITED", "invited"}, {"COVER LETTER", "cover_letter"},
                {"BOOKING", "booking_id"}, {"DECLINED", "decline_reason"},
                {"WITHDRAWN", "withdraw_reason"}, {"CREATED", "create_time"},
                {"UPDATED", "update_time"}},
               "gigctl proposals show prp_81e4", {job, portfolio}),
  };
}

std::vector<Verb> PortfolioVerbs() {
  return {
      ListVerb("portfolio", "list", "gigwire.v1.PortfolioService.ListPortfolioItems",
               "a seller's portfolio, newest first",
               {UserArg("seller", "sellerId", "the seller", true)}, "items", kPortfolioColumns,
               "gigctl portfolio list --seller sam@demo.gigwire.dev"),
  };
}

std::vector<Verb> BookingVerbs() {
  const std::vector<std::string> states = {"active", "delivered", "completed", "cancelled"};
  Section job{"Job", "gigwire.v1.JobService.GetJob", {{"id", "job_id"}}, "",
              {{"ID", "id"}, {"STATE", "state"}, {"TITLE", "title"},
               {"CATEGORY", "category_id", kCategory}, {"DUE", "due_time"},
               {"DESCRIPTION", "description"}}};
  Section offer{"Offer", "gigwire.v1.OfferService.GetOffer", {{"id", "offer_id"}}, "",
                {{"ID", "id"}, {"STATE", "state"}, {"NOTE", "note"}, {"CREATED", "create_time"}}};
  Section proposal{"Proposal", "gigwire.v1.ProposalService.GetProposal", {{"id", "proposal_id"}},
                   "",
                   {{"ID", "id"}, {"STATE", "state"}, {"PRICE", "price"},
                    {"DAYS", "delivery_days"}, {"CREATED", "create_time"}}};
  Section gig{"Gig", "gigwire.v1.CatalogService.GetGig", {{"id", "gig_id"}}, "",
              {{"ID", "id"}, {"STATE", "state"}, {"TITLE", "title"}, {"PRICE", "price"},
               {"DAYS", "delivery_days"}}};
  Section milestones{"Milestones", "gigwire.v1.MilestoneService.ListMilestones",
                     {{"bookingId", "id"}}, "", {}, "milestones", kMilestoneColumns};
  Section delivered{"Delivered files", "gigwire.v1.FileService.ListFiles",
                    {{"attachedToId", "id"}},
                    R"({"attachedKind":"FILE_ATTACHMENT_KIND_DELIVERY"})", {}, "files",
                    kFileColumns};
  return {
      ListVerb("bookings", "list", "gigwire.v1.BookingService.ListBookings",
               "bookings, newest first",
               {EnumArg("state", "state", "BOOKING_STATE_", states, "only bookings in this state"),
                UserArg("buyer", "buyerId", "only this buyer's"),
                UserArg("seller", "sellerId", "only this seller's")},
               "bookings", kBookingColumns, "gigctl bookings list --state delivered"),
      ShowVerb("bookings", "show", "gigwire.v1.BookingService.GetBooking",
               "one booking with its parties, its money and milestones, and where it came from "
               "(job and offer, proposal, or gig)",
               Id("booking"),
               {{"ID", "id"}, {"STATE", "state"}, {"SOURCE", "source"}, {"JOB", "job_title"},
                {"BUYER", "buyer_id", kUser}, {"SELLER", "seller_id", kUser},
                {"BUDGET", "budget"}, {"PRICE", "price"}, {"DUE", "due_time"},
                {"PLAN", "milestones"}, {"CONTRACT", "money.contract_total"},
                {"FUNDED", "money.funded"}, {"IN ESCROW", "money.in_escrow"},
                {"RELEASED", "money.released"}, {"FEES", "money.platform_fees"},
                {"REFUNDED", "money.refunded"}, {"REQUIREMENTS", "requirements"},
                {"DELIVERY", "delivery_note"}, {"REVISION", "revision_note"},
                {"CANCELLED", "cancel_reason"}, {"CREATED", "create_time"},
                {"COMPLETED", "complete_time"}},
               "gigctl bookings show bkg_77aa",
               {milestones, delivered, job, offer, proposal, gig}),
      ActionVerb("bookings", "deliver", "gigwire.v1.BookingService.DeliverBooking",
                 "sellers: delivers the work of a booking", {Id("booking")},
                 {TextArg("note", "note", "what was delivered", true)}, "delivered {id}: {state}",
                 "gigctl bookings deliver bkg_77aa --note 'final files in the shared folder'"),
      ActionVerb("bookings", "complete", "gigwire.v1.BookingService.CompleteBooking",
                 "completes a booking (e.g. a delivered one the buyer forgot)", {Id("booking")},
                 {}, "completed {id}: {state}", "gigctl bookings complete bkg_77aa"),
      ActionVerb("bookings", "cancel", "gigwire.v1.BookingService.CancelBooking",
                 "cancels a booking", {Id("booking")}, {Reason("why, for both sides")},
                 "cancelled {id}: {state}",
                 "gigctl bookings cancel bkg_77aa --reason 'buyer unreachable'"),
  };
}

// Milestones, payments, payouts, disputes and the ledger (issue 15).
std::vector<Verb> MilestoneVerbs() {
  Section payment{"Payment", "gigwire.v1.PaymentService.GetPayment", {{"id", "payment_id"}}, "",
                  {{"ID", "id"}, {"STATE", "state"}, {"AMOUNT", "amount"},
                   {"GATEWAY", "gateway"}, {"REFERENCE", "provider_id"},
                   {"CONFIRMED BY", "confirmed_by", kUser}, {"CREATED", "create_time"}}};
  Section dispute{"Dispute", "gigwire.v1.DisputeService.GetDispute", {{"id", "dispute_id"}}, "",
                  {{"ID", "id"}, {"STATE", "state"}, {"OPENED BY", "opened_by", kUser},
                   {"REASON", "reason"}, {"TO SELLER", "to_seller"}, {"REFUNDED", "refunded"}}};
  Section submitted{"Submitted files", "gigwire.v1.FileService.ListFiles",
                    {{"attachedToId", "id"}},
                    R"({"attachedKind":"FILE_ATTACHMENT_KIND_MILESTONE"})", {}, "files",
                    kFileColumns};
  Verb list{"milestones", "list", "gigwire.v1.MilestoneService.ListMilestones",
            "a booking's milestones in order: what each pays and where its money is",
            {{"booking", "bookingId", ArgKind::kText, "the booking's id"}}, {}, "",
            "milestones", kMilestoneColumns, "", "gigctl milestones list bkg_77aa"};
  return {
      list,
      ShowVerb("milestones", "show", "gigwire.v1.MilestoneService.GetMilestone",
               "one milestone in full, with its payment and dispute", Id("milestone"),
               {{"ID", "id"}, {"STATE", "state"}, {"BOOKING", "booking_id"},
                {"POSITION", "position"}, {"TITLE", "title"}, {"AMOUNT", "amount"},
                {"DUE", "due_time"}, {"BUYER", "buyer_id", kUser},
                {"SELLER", "seller_id", kUser}, {"PROPOSED BY", "proposed_by", kUser},
                {"SUBMISSION", "submission_note"}, {"REVISION", "revision_note"},
                {"REVISIONS", "revision_count"}, {"AUTO-RELEASE", "auto_release_time"},
                {"RELEASED", "released"}, {"REFUNDED", "refunded"},
                {"CANCELLED", "cancel_reason"}, {"PAYMENT", "payment_id"},
                {"DISPUTE", "dispute_id"}, {"YOU MAY", "allowed_actions"},
                {"CREATED", "create_time"}, {"UPDATED", "update_time"}},
               "gigctl milestones show mst_5e19", {payment, submitted, dispute}),
  };
}

std::vector<Verb> PaymentVerbs() {
  const std::vector<std::string> states = {"pending", "succeeded", "failed", "cancelled"};
  Section milestone{"Milestone", "gigwire.v1.MilestoneService.GetMilestone",
                    {{"id", "milestone_id"}}, "",
                    {{"ID", "id"}, {"STATE", "state"}, {"TITLE", "title"}, {"AMOUNT", "amount"},
                     {"DUE", "due_time"}}};
  return {
      ListVerb("payments", "pending", "gigwire.v1.PaymentService.ListPayments",
               "the payments queue: bank transfers to confirm (the buyer quotes REFERENCE)",
               {}, "payments", kPendingPaymentColumns, "gigctl payments pending --all",
               R"({"state":"PAYMENT_STATE_PENDING","gateway":"manual"})"),
      ListVerb("payments", "list", "gigwire.v1.PaymentService.ListPayments",
               "payments for milestones, newest first",
               {EnumArg("state", "state", "PAYMENT_STATE_", states, "only payments in this state"),
                TextArg("booking", "bookingId", "only this booking's payments"),
                TextArg("milestone", "milestoneId", "only this milestone's payments"),
                UserArg("buyer", "buyerId", "only this buyer's payments")},
               "payments", kPaymentColumns, "gigctl payments list --booking bkg_77aa"),
      ShowVerb("payments", "show", "gigwire.v1.PaymentService.GetPayment",
               "one payment in full (a manual one's instructions too), with its milestone",
               Id("payment"),
               {{"ID", "id"}, {"STATE", "state"}, {"AMOUNT", "amount"},
                {"BUYER", "buyer_id", kUser}, {"BOOKING", "booking_id"},
                {"MILESTONE", "milestone_id"}, {"GATEWAY", "gateway"},
                {"REFERENCE", "provider_id"}, {"INSTRUCTIONS", "instructions"},
                {"FAILED", "failure_reason"}, {"CONFIRMED BY", "confirmed_by", kUser},
                {"CONFIRMATION", "confirmation_note"}, {"CREATED", "create_time"},
                {"UPDATED", "update_time"}},
               "gigctl payments show pay_8d2e", {milestone}),
      ActionVerb("payments", "confirm", "gigwire.v1.PaymentService.ConfirmPayment",
                 "manual gateway: the buyer's transfer arrived; funds the milestone (audited)",
                 {Id("payment")},
                 {TextArg("note", "note", "what you saw, e.g. the bank's reference", true)},
                 "confirmed {id} ({amount}): {state}, milestone {milestone_id} funded",
                 "gigctl payments confirm pay_8d2e --note 'bank ref 2026-118, USD 150.00 in'"),
  };
}

std::vector<Verb> PayoutVerbs() {
  const std::vector<std::string> states = {"requested", "paid", "cancelled"};
  return {
      ListVerb("payouts", "pending", "gigwire.v1.PayoutService.ListPayouts",
               "the payouts queue: payouts sellers asked for, to pay through the bank",
               {}, "payouts",
               {{"ID", "id"}, {"SELLER", "seller_id", kUser}, {"AMOUNT", "amount"},
                {"REQUESTED", "create_time"}},
               "gigctl payouts pending", R"({"state":"PAYOUT_STATE_REQUESTED"})"),
      ListVerb("payouts", "list", "gigwire.v1.PayoutService.ListPayouts",
               "payouts of sellers' balances, newest first",
               {EnumArg("state", "state", "PAYOUT_STATE_", states, "only payouts in this state"),
                UserArg("seller", "sellerId", "only this seller's payouts")},
               "payouts", kPayoutColumns, "gigctl payouts list --seller sam@demo.gigwire.dev"),
      ActionVerb("payouts", "mark-paid", "gigwire.v1.PayoutService.MarkPayoutPaid",
                 "records a requested payout paid once the bank sent it; it leaves the "
                 "seller's balance (audited)",
                 {Id("payout")},
                 {TextArg("reference", "reference", "the bank's reference of the transfer",
                          true)},
                 "marked {id} paid: {amount}, reference {reference}",
                 "gigctl payouts mark-paid pyt_41c0 --reference 'WIRE-2026-05-77812'"),
  };
}

std::vector<Verb> DisputeVerbs() {
  Section notes{"Notes (oldest first; INTERNAL yes: only admins see it)", "", {}, "", {},
                "notes",
                {{"TIME", "create_time"}, {"BY", "author_id", kUser},
                 {"INTERNAL", "internal"}, {"TEXT", "text"}}};
  Section milestone{"Milestone", "gigwire.v1.MilestoneService.GetMilestone",
                    {{"id", "milestone_id"}}, "",
                    {{"ID", "id"}, {"STATE", "state"}, {"TITLE", "title"}, {"AMOUNT", "amount"},
                     {"DUE", "due_time"}, {"SUBMISSION", "submission_note"},
                     {"REVISION", "revision_note"}, {"REVISIONS", "revision_count"}}};
  Verb resolve = ActionVerb(
      "disputes", "resolve", "gigwire.v1.DisputeService.ResolveDispute",
      "settles an open dispute: part to the seller, the rest back to the buyer (audited)",
      {Id("dispute")},
      {MoneyArg("to-seller", "toSeller", "to the seller before the platform fee; may be zero",
                true),
       MoneyArg("refunded", "refunded",
                "back to the buyer; may be zero; both add up to what is in escrow", true),
       TextArg("note", "note", "why; both parties see it", true)},
      "resolved {id}: {to_seller} to the seller, {refunded} back to the buyer",
      "gigctl disputes resolve dsp_3c1a --to-seller 'USD 90.00' --refunded 'USD 60.00' "
      "--note 'two of the three logos were delivered'");
  resolve.confirm = {{"DISPUTE", "id"}, {"TO SELLER", "to_seller"}, {"REFUNDED", "refunded"},
                     {"NOTE", "note"}};
  return {
      ListVerb("disputes", "list", "gigwire.v1.DisputeService.ListDisputes",
               "disputes over milestones, oldest first (the queue: --state open)",
               {EnumArg("state", "state", "DISPUTE_STATE_", {"open", "resolved"},
                        "only disputes in this state"),
                TextArg("booking", "bookingId", "only this booking's disputes")},
               "disputes", kDisputeColumns, "gigctl disputes list --state open"),
      ShowVerb("disputes", "show", "gigwire.v1.DisputeService.GetDispute",
               "one dispute: the case, its notes (internal ones marked), its milestone",
               Id("dispute"),
               {{"ID", "id"}, {"STATE", "state"}, {"BOOKING", "booking_id"},
                {"MILESTONE", "milestone_title"}, {"MILESTONE ID", "milestone_id"},
                {"BUYER", "buyer_id", kUser}, {"SELLER", "seller_id", kUser},
                {"OPENED BY", "opened_by", kUser}, {"REASON", "reason"},
                {"EVIDENCE", "evidence"}, {"IN ESCROW", "amount"}, {"TO SELLER", "to_seller"},
                {"REFUNDED", "refunded"}, {"RESOLVED BY", "resolved_by", kUser},
                {"RESOLUTION", "resolution_note"}, {"OPENED", "create_time"},
                {"RESOLVED", "resolve_time"}},
               "gigctl disputes show dsp_3c1a", {notes, milestone}),
      ActionVerb("disputes", "note", "gigwire.v1.DisputeService.AddDisputeNote",
                 "adds a note to an open dispute; both parties see it unless --internal",
                 {Id("dispute")},
                 {TextArg("text", "text", "the note", true),
                  {"internal", "internal", ArgKind::kSwitch,
                   "only admins see it, never the buyer or seller"}},
                 "added a note to {id}",
                 "gigctl disputes note dsp_3c1a --text 'seller sent the source files by mail' "
                 "--internal"),
      resolve,
  };
}

std::vector<Verb> LedgerVerbs() {
  Section balances{"Balances", "", {}, "", {}, "balances",
                   {{"CURRENCY", "currency_code"}, {"AVAILABLE", "available"},
                    {"PAYOUTS REQUESTED", "payouts_requested"},
                    {"WITHDRAWABLE", "withdrawable"}, {"ESCROW AS BUYER", "escrow_as_buyer"},
                    {"ESCROW AS SELLER", "escrow_as_seller"}}};
  Verb balance{"ledger", "balance", "gigwire.v1.LedgerService.GetBalance",
               "a user's money per currency: available, withdrawable, held in escrow",
               {}, {UserArg("user", "userId", "whose (default: yours)")}, "", "",
               {{"USER", "user_id", kUser}}, "",
               "gigctl ledger balance --user sam@demo.gigwire.dev", {}, {balances}};
  Verb reconcile{"ledger", "reconcile", "gigwire.v1.LedgerService.ReconcileLedger",
                 "checks every ledger invariant and sums what is held; exit 15 on violations",
                 {}, {}, "", "",
                 {{"OK", "ok"}, {"TRANSACTIONS", "transactions"}, {"ENTRIES", "entries"},
                  {"IN ESCROW", "in_escrow"}, {"SELLERS AVAILABLE", "seller_available"},
                  {"PLATFORM FEES", "platform_fees"}, {"TOOK (MS)", "duration_ms"},
                  {"VIOLATIONS", "violations", IdKind::kNone, /*lines=*/true}},
                 "", "gigctl ledger reconcile || echo 'the ledger needs a look'"};
  reconcile.ok_field = "ok";
  reconcile.not_ok = "ledger reconcile found violations (listed in its output)";
  return {
      balance,
      ListVerb("ledger", "entries", "gigwire.v1.LedgerService.ListLedgerEntries",
               "ledger entries in commit order: a user's, a booking's, or (admins) all",
               {UserArg("user", "userId",
                        "the entries of this user's available balance (default: yours; "
                        "admins: the whole ledger)"),
                TextArg("booking", "bookingId", "only this booking's transactions"),
                TimeArg("since", "since", "only entries at or after this time"),
                TimeArg("until", "until", "only entries before this time")},
               "entries",
               {{"SEQ", "sequence"}, {"TIME", "create_time"}, {"TRANSACTION", "transaction_id"},
                {"KIND", "kind"}, {"ACCOUNT", "account"}, {"AMOUNT", "amount_minor"},
                {"BOOKING", "booking_id"}, {"MILESTONE", "milestone_id"},
                {"PAYOUT", "payout_id"}, {"FEE BPS", "fee_bps"}, {"ACTOR", "actor_id", kUser}},
               "gigctl ledger entries --user sam@demo.gigwire.dev --since 30d --all"),
      reconcile,
  };
}

// Conversations, messages and files, for support staff (issue 16).
const std::vector<MoreHint> kMessageHints = {
    {"has_older", "older: gigctl messages list {first.conversation_id} --before {first.id}"},
    {"has_newer", "newer: gigctl messages list {first.conversation_id} --after {last.id}"}};

std::vector<Verb> ConversationVerbs() {
  Section messages{"Messages (the newest page, oldest first; HIDDEN yes: participants see "
                   "neither its text nor its files)",
                   "gigwire.v1.ConversationService.ListMessages", {{"conversationId", "id"}}, "",
                   {}, "messages", kMessageColumns, kMessageHints};
  Verb list = ListVerb(
      "conversations", "list", "gigwire.v1.ConversationService.ListConversations",
      "conversations, newest activity first: a user's (--user), else yours (admins: those "
      "you joined)",
      {UserArg("user", "userId", "admins: this user's conversations")}, "conversations",
      {{"ID", "id"}, {"TITLE", "title"}, {"BUYER", "buyer_id", kUser},
       {"SELLER", "seller_id", kUser}, {"MESSAGES", "last_message.seq"},
       {"UNREAD", "unread_count"}, {"ADMINS", "admin_ids", kUser},
       {"LAST ACTIVITY", "last_activity_time"}},
      "gigctl conversations list --user ada@demo.gigwire.dev");
  Verb hide = ActionVerb(
      "messages", "hide", "gigwire.v1.ConversationService.HideMessage",
      "hides a message from both participants, text and files, in every read and event "
      "(audited; admins still see it)",
      {Id("message")}, {Reason("why, 1..500 characters (admins and the audit log see it)")},
      "hid message {seq} ({id}) of {conversation_id}",
      "gigctl messages hide msg_5f0e --reason 'shares a phone number'");
  return {
      list,
      ShowVerb("conversations", "show", "gigwire.v1.ConversationService.GetConversation",
               "one conversation: its parties, who read how far, and its newest messages "
               "(hidden ones marked, files listed)",
               Id("conversation"),
               {{"ID", "id"}, {"TITLE", "title"}, {"JOB", "job_id"}, {"BOOKING", "booking_id"},
                {"BUYER", "buyer_id", kUser}, {"SELLER", "seller_id", kUser},
                {"ADMINS", "admin_ids", kUser}, {"MESSAGES", "last_message.seq"},
                {"BUYER READ TO", "buyer_last_read_seq"},
                {"SELLER READ TO", "seller_last_read_seq"}, {"BLOCKED", "blocked"},
                {"YOU MAY", "allowed_actions"}, {"STARTED", "create_time"},
                {"LAST ACTIVITY", "last_activity_time"}},
               "gigctl conversations show cnv_7d21", {messages}),
      ActionVerb("conversations", "join", "gigwire.v1.ConversationService.JoinConversation",
                 "joins a conversation visibly (both parties see you in it), so you can write "
                 "in it; audited, idempotent",
                 {Id("conversation")}, {}, "joined {id}: admins {admin_ids}",
                 "gigctl conversations join cnv_7d21"),
      {"messages", "list", "gigwire.v1.ConversationService.ListMessages",
       "a page of a conversation's messages, oldest first: the newest page, or the one just "
       "before or after a message",
       {{"conversation", "conversationId", ArgKind::kText, "the conversation's id"}},
       {TextArg("before", "beforeMessageId", "the page just before this message id (older)"),
        TextArg("after", "afterMessageId", "the page just after this message id (newer)"),
        {"page-size", "pageSize", ArgKind::kNumber, "messages per page, 1..200 (default 50)"}},
       "", "messages", kMessageColumns, "",
       "gigctl messages list cnv_7d21 --before msg_5f0e", {}, {}, "", "", kMessageHints},
      hide,
  };
}

std::vector<Verb> FileVerbs() {
  Verb list{"files", "list", "gigwire.v1.FileService.ListFiles",
            "the files attached to a message, a booking's delivery, a milestone's submission, "
            "a gig or a portfolio item, in attach order",
            {EnumArg("kind", "attachedKind", "FILE_ATTACHMENT_KIND_", kAttachmentKinds,
                     "what they are attached to: " + absl::StrJoin(kAttachmentKinds, "|")),
             {"id", "attachedToId", ArgKind::kText,
              "its id (a message, booking, milestone, gig or portfolio item)"}},
            {}, "", "files", kFileColumns, "", "gigctl files list delivery bkg_77aa"};
  return {
      ShowVerb("files", "info", "gigwire.v1.FileService.GetFile",
               "a file's metadata: name, type (decided from its bytes), size, SHA-256, owner, "
               "what it is attached to",
               Id("file"),
               {{"ID", "id"}, {"NAME", "name"}, {"TYPE", "content_type"}, {"SIZE", "size_bytes"},
                {"SHA-256", "sha256"}, {"OWNER", "owner_id", kUser},
                {"ATTACHED TO", "attached_kind"}, {"ATTACHED ID", "attached_to_id"},
                {"UPLOADED", "create_time"}, {"ATTACHED", "attach_time"}},
               "gigctl files info fil_31ab"),
      list,
  };
}

std::vector<Verb> AccountVerbs() {
  return {
      ListVerb("users", "list", "gigwire.v1.UserService.ListUsers", "accounts, newest first",
               {EnumArg("role", "role", "ROLE_", kRoles, "only accounts with this role")}, "users",
               kUserColumns, "gigctl users list --role seller"),
      ShowVerb("users", "show", "gigwire.v1.UserService.GetUser", "one account",
               UserArg("user", "id", "the account", true),
               {{"ID", "id"}, {"EMAIL", "email"}, {"NAME", "display_name"}, {"ROLES", "roles"},
                {"AVAILABILITY", "availability"}, {"SKILLS", "skills"}, {"BIO", "bio"},
                {"CREATED", "create_time"}, {"UPDATED", "update_time"}},
               "gigctl users show ada@demo.gigwire.dev"),
      ActionVerb("users", "grant", "gigwire.v1.UserService.GrantRole", "gives an account a role",
                 {UserArg("user", "userId", "the account", true), RoleArg()}, {},
                 "{id} now has roles {roles}", "gigctl users grant lee@demo.gigwire.dev seller"),
      ActionVerb("users", "revoke", "gigwire.v1.UserService.RevokeRole", "takes a role away",
                 {UserArg("user", "userId", "the account", true), RoleArg()}, {},
                 "{id} now has roles {roles}", "gigctl users revoke usr_5b2 admin"),
  };
}

std::vector<Verb> AdminToolVerbs() {
  Verb create = ActionVerb(
      "api-keys", "create", "gigwire.v1.ApiKeyService.CreateApiKey",
      "issues a partner key (its secret is shown once)", {},
      {UserArg("user", "userId", "the account the key acts as", true),
       TextArg("name", "displayName", "what the key is for", true)},
      "", "gigctl api-keys create --user partner@acme.example --name 'Acme sync'");
  create.columns = {{"ID", "api_key.id"}, {"NAME", "api_key.display_name"}, {"SECRET", "secret"}};
  return {
      create,
      ListVerb("api-keys", "list", "gigwire.v1.ApiKeyService.ListApiKeys",
               "partner keys, revoked ones too", {}, "api_keys", kApiKeyColumns,
               "gigctl api-keys list"),
      ActionVerb("api-keys", "revoke", "gigwire.v1.ApiKeyService.RevokeApiKey",
                 "revokes a key at once", {Id("key")}, {}, "revoked {id}",
                 "gigctl api-keys revoke key_31c"),
      ListVerb("audit", "list", "gigwire.v1.AuditService.ListAuditEntries",
               "what admins did, newest first",
               {UserArg("actor", "actorId", "only this admin's actions"),
                TextArg("action", "action", "only this action, e.g. ApproveJob"),
                TextArg("target", "target", "only actions on this id")},
               "entries",
               {{"TIME", "create_time"}, {"ACTOR", "actor_id", kUser}, {"ACTION", "action"},
                {"TARGET", "target"}, {"NOTE", "note"}},
               "gigctl audit list --target job_4f2a"),
  };
}

std::vector<Verb> BuildVerbs() {
  std::vector<Verb> verbs;
  for (std::vector<Verb> group :
       {JobVerbs(), ProposalVerbs(), SellerVerbs(), PortfolioVerbs(), OfferVerbs(),
        CatalogVerbs(), BookingVerbs(), MilestoneVerbs(), PaymentVerbs(), PayoutVerbs(),
        DisputeVerbs(), LedgerVerbs(), ConversationVerbs(), FileVerbs(), AccountVerbs(),
        AdminToolVerbs()}) {
    for (Verb& verb : group) verbs.push_back(std::move(verb));
  }
  return verbs;
}

// "48h" / "90m" / "45s" / "1h30m" -> "172800s".
absl::StatusOr<std::string> DurationJson(const std::string& text) {
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration) || duration <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat("'", text, "' is not a duration like 48h"));
  }
  return absl::StrCat(absl::ToInt64Seconds(duration), "s");
}

// "2026-05-01", "2026-05-01 14:30" (UTC), RFC 3339, or "48h" / "7d" before
// `now` -> "2026-05-01T00:00:00Z".
absl::StatusOr<std::string> TimeJson(const std::string& text, absl::Time now) {
  absl::Time time;
  std::string ignored;
  absl::Duration ago;
  int64_t days = 0;
  bool parsed =
      absl::ParseTime(absl::RFC3339_full, text, &time, &ignored) ||
      absl::ParseTime("%Y-%m-%d %H:%M", text, absl::UTCTimeZone(), &time, &ignored) ||
      absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &time, &ignored);
  if (!parsed && !text.empty() && text.back() == 'd' &&
      absl::SimpleAtoi(text.substr(0, text.size() - 1), &days) && days > 0 &&
      days <= 100 * 366) {
    time = now - absl::Hours(24 * days);
    parsed = true;
  } else if (!parsed && absl::ParseDuration(text, &ago) && ago > absl::ZeroDuration()) {
    time = now - ago;
    parsed = true;
  }
  if (!parsed) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", text, "' is not a time like 2026-05-01, '2026-05-01 14:30' (UTC) or 48h (ago)"));
  }
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

absl::Status SetValue(const Arg& arg, const std::string& text, Struct& request) {
  Value& value = (*request.mutable_fields())[arg.field];
  double number = 0;
  switch (arg.kind) {
    case ArgKind::kText: value.set_string_value(text); return absl::OkStatus();
    case ArgKind::kSwitch: value.set_bool_value(true); return absl::OkStatus();
    case ArgKind::kNumber:
    case ArgKind::kRating:
      if (!absl::SimpleAtod(text, &number)) break;
      value.set_number_value(arg.kind == ArgKind::kRating ? std::round(number * 1000) : number);
      return absl::OkStatus();
    case ArgKind::kEnum: {
      std::string name = absl::AsciiStrToUpper(absl::StrReplaceAll(text, {{"-", "_"}}));
      for (const auto& [alias, value_name] : arg.aliases) {
        if (absl::AsciiStrToLower(text) == alias) name = value_name;
      }
      value.set_string_value(arg.enum_prefix + name);
      return absl::OkStatus();
    }
    case ArgKind::kList:
      for (absl::string_view item : absl::StrSplit(text, ',', absl::SkipWhitespace())) {
        value.mutable_list_value()->add_values()->set_string_value(
            std::string(absl::StripAsciiWhitespace(item)));
      }
      return absl::OkStatus();
    case ArgKind::kDuration:
    case ArgKind::kTime: {
      absl::StatusOr<std::string> json =
          arg.kind == ArgKind::kTime ? TimeJson(text, absl::Now()) : DurationJson(text);
      if (!json.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", arg.name, ": ", json.status().message()));
      }
      value.set_string_value(*json);
      return absl::OkStatus();
    }
    case ArgKind::kMoney: {
      absl::StatusOr<MoneyValue> money = ParseMoney(text);
      if (!money.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("--", arg.name, ": ", money.status().message()));
      }
      auto& fields = *value.mutable_struct_value()->mutable_fields();
      fields["currencyCode"].set_string_value(money->currency_code);
      fields["amountMinor"].set_string_value(absl::StrCat(money->amount_minor));
      return absl::OkStatus();
    }
  }
  return absl::InvalidArgumentError(absl::StrCat("--", arg.name, ": '", text, "' is not a number"));
}

std::string ArgUsage(const Arg& arg) {
  std::string value = arg.kind == ArgKind::kSwitch ? "" : " " + absl::AsciiStrToUpper(arg.name);
  if (arg.kind == ArgKind::kEnum) value = " " + absl::StrJoin(arg.choices, "|");
  if (arg.kind == ArgKind::kMoney) value = " AMOUNT";
  if (arg.kind == ArgKind::kTime) value = " TIME";
  std::string text = "--" + arg.name + value + (arg.kind == ArgKind::kList ? "..." : "");
  return arg.required ? text : "[" + text + "]";
}

bool IsFlag(const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; }

// Reads one verb's arguments into its request (see RequestJson).
class ArgParser {
 public:
  ArgParser(const Verb& verb, const std::vector<std::string>& args, Switches* switches)
      : verb_(verb), args_(args), switches_(switches) {
    if (!verb.fixed_request.empty()) {
      (void)google::protobuf::util::JsonStringToMessage(verb.fixed_request, &request_);
    }
  }

  absl::StatusOr<std::string> Parse() {
    for (i_ = 0; i_ < args_.size(); ++i_) {
      const std::string& arg = args_[i_];
      absl::Status read = IsFlag(arg) ? Flag(arg) : Positional(arg);
      if (!read.ok()) return read;
    }
    if (absl::Status complete = Complete(); !complete.ok()) return complete;
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(request_, &json);
    return json;
  }

 private:
  bool PositionalsDone() const { return positional_ == verb_.positional.size(); }

  absl::Status Positional(const std::string& arg) {
    if (PositionalsDone()) {
      return absl::InvalidArgumentError(absl::StrCat("unexpected argument '", arg, "'"));
    }
    return SetValue(verb_.positional[positional_++], arg, request_);
  }

  absl::Status Flag(const std::string& arg) {
    if (arg == "--yes" || arg == "-y") return Switch(switches_->yes, true, arg);
    if (arg == "--all") return Switch(switches_->all, IsPaged(verb_), arg);
    std::string name = arg.substr(arg.rfind("--", 0) == 0 ? 2 : 1), value;
    bool has_value = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    auto flag = std::find_if(verb_.flags.begin(), verb_.flags.end(),
                             [&name](const Arg& f) { return f.name == name; });
    if (flag == verb_.flags.end()) return absl::InvalidArgumentError("unknown flag --" + name);
    if (flag->kind == ArgKind::kSwitch) return SetValue(*flag, "", request_);
    if (!has_value) {
      if (i_ + 1 == args_.size()) return absl::InvalidArgumentError("--" + name + " needs a value");
      value = args_[++i_];
    }
    if (flag->kind != ArgKind::kList) return SetValue(*flag, value, request_);
    return ListValues(*flag, value);
  }

  absl::Status Switch(bool& target, bool allowed, const std::string& arg) {
    if (!allowed) return absl::InvalidArgumentError("unknown flag " + arg);
    target = true;
    return absl::OkStatus();
  }

  // `value`, then the words after it up to the next flag once the
  // positional arguments are all given.
  absl::Status ListValues(const Arg& flag, const std::string& value) {
    if (absl::Status added = Append(flag, value); !added.ok()) return added;
    while (PositionalsDone() && i_ + 1 < args_.size() && !IsFlag(args_[i_ + 1])) {
      if (absl::Status added = Append(flag, args_[++i_]); !added.ok()) return added;
    }
    return absl::OkStatus();
  }

  absl::Status Append(const Arg& flag, const std::string& value) {
    Struct more;
    if (absl::Status set = SetValue(flag, value, more); !set.ok()) return set;
    auto* list = (*request_.mutable_fields())[flag.field].mutable_list_value();
    for (const Value& item : more.fields().at(flag.field).list_value().values()) {
      *list->add_values() = item;
    }
    return absl::OkStatus();
  }

  absl::Status Complete() const {
    if (!PositionalsDone()) {
      return absl::InvalidArgumentError("missing " +
                                        absl::AsciiStrToUpper(verb_.positional[positional_].name));
    }
    for (const Arg& flag : verb_.flags) {
      if (flag.required && !request_.fields().contains(flag.field)) {
        return absl::InvalidArgumentError("--" + flag.name + " is required");
      }
    }
    if (switches_->all && request_.fields().contains("pageToken")) {
      return absl::InvalidArgumentError("--all starts at the first page: drop --page-token");
    }
    return absl::OkStatus();
  }

  const Verb& verb_;
  const std::vector<std::string>& args_;
  Switches* switches_;
  Struct request_;
  size_t positional_ = 0;
  size_t i_ = 0;
};

std::string HelpLine(const std::string& name, const std::string& help) {
  std::string padding(name.size() < 20 ? 20 - name.size() : 2, ' ');
  return absl::StrCat("  ", name, padding, help, "\n");
}

}  // namespace

const std::vector<Verb>& AdminVerbs() {
  static const auto* verbs = new std::vector<Verb>(BuildVerbs());
  return *verbs;
}

const google::protobuf::MethodDescriptor* FindMethod(const std::string& full_name) {
  // Referencing one message of each proto file the verbs call into keeps that
  // file in the binary (a static library's unused objects are dropped), and
  // so registered in the generated pool.
  for (const google::protobuf::Descriptor* used :
       {gigwire::v1::ListJobsRequest::descriptor(), gigwire::v1::AssignSellersRequest::descriptor(),
        gigwire::v1::SearchSellersRequest::descriptor(), gigwire::v1::ListGigsRequest::descriptor(),
        gigwire::v1::ListBookingsRequest::descriptor(), gigwire::v1::ListUsersRequest::descriptor(),
        gigwire::v1::CreateApiKeyRequest::descriptor(), gigwire::v1::ListOffersRequest::descriptor(),
        gigwire::v1::ListReviewsRequest::descriptor(),
        gigwire::v1::ListAuditEntriesRequest::descriptor(),
        gigwire::v1::ListProposalsRequest::descriptor(),
        gigwire::v1::ListPortfolioItemsRequest::descriptor(),
        gigwire::v1::ListMilestonesRequest::descriptor(),
        gigwire::v1::ListPaymentsRequest::descriptor(),
        gigwire::v1::ListDisputesRequest::descriptor(),
        gigwire::v1::GetBalanceRequest::descriptor(),
        gigwire::v1::ListConversationsRequest::descriptor(),
        gigwire::v1::GetFileRequest::descriptor()}) {
    (void)used;
  }
  return google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(full_name);
}

const google::protobuf::MethodDescriptor* VerbMethod(const Verb& verb) {
  return FindMethod(verb.method);
}

bool IsPaged(const Verb& verb) {
  return std::any_of(verb.flags.begin(), verb.flags.end(),
                     [](const Arg& flag) { return flag.name == "page-token"; });
}

const Verb* FindVerb(const std::string& group, const std::string& name) {
  for (const Verb& verb : AdminVerbs()) {
    if (verb.group == group && verb.name == name) return &verb;
  }
  return nullptr;
}

absl::StatusOr<std::string> RequestJson(const Verb& verb, const std::vector<std::string>& args,
                                        Switches* switches) {
  return ArgParser(verb, args, switches).Parse();
}

std::string VerbUsage(const Verb& verb) {
  std::string usage = "gigctl " + verb.group + " " + verb.name;
  for (const Arg& arg : verb.positional) usage += " " + absl::AsciiStrToUpper(arg.name);
  for (const Arg& flag : verb.flags) usage += " " + ArgUsage(flag);
  if (IsPaged(verb)) usage += " [--all]";
  return verb.confirm.empty() ? usage : usage + " [--yes]";
}

std::string VerbHelp(const Verb& verb) {
  std::string help = absl::StrCat(VerbUsage(verb), "\n\n", verb.summary, " (", verb.method, ").\n");
  if (!verb.sections.empty()) {
    std::vector<std::string> titles;
    for (const Section& section : verb.sections) titles.push_back(section.title);
    absl::StrAppend(&help, "Then: ", absl::StrJoin(titles, "; "), ".\n");
  }
  if (!verb.positional.empty() || !verb.flags.empty()) help += "\nArguments:\n";
  for (const Arg& arg : verb.positional) help += HelpLine(absl::AsciiStrToUpper(arg.name), arg.help);
  for (const Arg& flag : verb.flags) help += HelpLine("--" + flag.name, flag.help);
  if (IsPaged(verb)) help += HelpLine("--all", "every page, one table (or all the JSON lines)");
  if (!verb.confirm.empty()) help += HelpLine("--yes", "do not ask for confirmation");
  return absl::StrCat(help, "\nExample:\n  ", verb.example, "\n");
}

}  // namespace gigctl
