// The demo marketplace; see demo_data.h.
#include "server/domain/demo_data.h"

#include <map>

#include "server/common/status.h"
#include "server/domain/portfolio.h"

namespace gigwire {
namespace {

struct Person {
  const char* email;
  const char* name;
  std::vector<Role> roles;
  const char* bio;
  std::vector<std::string> skills;
  Availability availability;
};

Principal AsPrincipal(const User& user) { return Principal{user.id, user.roles, ""}; }

absl::StatusOr<bool> DatabaseIsEmpty(Store& store) {
  UserQuery first_user;
  first_user.limit = 1;
  bool empty = false;
  GW_RETURN_IF_ERROR(store.Read([&](Tx& tx) -> absl::Status {
    GW_ASSIGN_OR_RETURN(std::vector<User> users, tx.users().List(first_user));
    empty = users.empty();
    return absl::OkStatus();
  }));
  return empty;
}

class Seeder {
 public:
  explicit Seeder(const DemoServices& s) : s_(s) {}

  absl::Status Run() {
    GW_RETURN_IF_ERROR(People());
    GW_RETURN_IF_ERROR(Categories());
    GW_RETURN_IF_ERROR(Gigs());
    GW_RETURN_IF_ERROR(FinishedWork());
    GW_RETURN_IF_ERROR(ReassignedWork());
    GW_RETURN_IF_ERROR(Portfolios());
    GW_RETURN_IF_ERROR(OpenMarket());
    GW_RETURN_IF_ERROR(OpenWork());
    return Talks();
  }

 private:
  absl::Status People() {
    GW_ASSIGN_OR_RETURN(User admin,
                        s_.accounts.CreateOrPromoteAdmin("admin@demo.gigwire.dev", kDemoPassword));
    people_["admin"] = AsPrincipal(admin);
    const Person cast[] = {
        {"ada", "Ada Lovelace", {Role::kBuyer}, "Runs a small bakery chain.", {}, Availability::kAvailable},
        {"bo", "Bo Jensen", {Role::kBuyer}, "Product manager at a startup.", {}, Availability::kAvailable},
        {"sam", "Sam Rivera", {Role::kSeller}, "Brand designer, 10 years of logos.",
         {"logo design", "branding", "illustrator"}, Availability::kAvailable},
        {"mia", "Mia Chen", {Role::kSeller}, "Full-stack developer.",
         {"react", "typescript", "node"}, Availability::kBusy},
        {"raj", "Raj Patel", {Role::kSeller}, "Copywriter for tech and food brands.",
         {"copywriting", "seo"}, Availability::kAvailable},
        {"lee", "Lee Kim", {Role::kBuyer, Role::kSeller}, "Illustrator who also hires.",
         {"illustration", "procreate"}, Availability::kAway},
    };
    for (const Person& p : cast) GW_RETURN_IF_ERROR(AddPerson(p));
    return absl::OkStatus();
  }

  absl::Status AddPerson(const Person& p) {
    std::string email = std::string(p.email) + "@demo.gigwire.dev";
    GW_ASSIGN_OR_RETURN(User user, s_.accounts.Register({email, kDemoPassword, p.name, p.roles}));
    ProfilePatch patch;
    patch.bio = p.bio;
    patch.skills = p.skills;
    patch.availability = p.availability;
    Principal principal = AsPrincipal(user);
    GW_RETURN_IF_ERROR(s_.accounts.UpdateProfile(principal, patch, "").status());
    people_[p.email] = principal;
    return absl::OkStatus();
  }

  absl::Status Categories() {
    const std::pair<const char*, const char*> roots[] = {
        {"design", "Design"}, {"development", "Development"}, {"writing", "Writing"}};
    for (const auto& [slug, name] : roots) GW_RETURN_IF_ERROR(AddCategory(slug, name, ""));
    GW_RETURN_IF_ERROR(AddCategory("logo-design", "Logo design", categories_["design"]));
    GW_RETURN_IF_ERROR(AddCategory("illustration", "Illustration", categories_["design"]));
    GW_RETURN_IF_ERROR(AddCategory("web-development", "Web development",
                                   categories_["development"]));
    return AddCategory("copywriting", "Copywriting", categories_["writing"]);
  }

  absl::Status AddCategory(const char* slug, const char* name, const std::string& parent) {
    GW_ASSIGN_OR_RETURN(Category c, s_.catalog.CreateCategory(people_["admin"],
                                                              {slug, name, parent}, {}));
    categories_[slug] = c.id;
    return absl::OkStatus();
  }

  absl::Status Gigs() {
    GW_RETURN_IF_ERROR(AddGig("sam", "Minimal logo with three concepts", "logo-design", 25000, 5, true));
    GW_RETURN_IF_ERROR(AddGig("sam", "Full brand identity kit", "logo-design", 90000, 14, true));
    GW_RETURN_IF_ERROR(AddGig("mia", "React landing page, responsive", "web-development", 60000, 7, true));
    GW_RETURN_IF_ERROR(AddGig("raj", "Website copy for five pages", "copywriting", 30000, 4, true));
    GW_RETURN_IF_ERROR(AddGig("lee", "Hand-drawn mascot illustration", "illustration", 40000, 6, true));
    // Waiting for an admin's review.
    return AddGig("raj", "Menu descriptions that sell", "copywriting", 15000, 3, false);
  }

  absl::Status AddGig(const char* who, const char* title, const char* category, int64_t cents,
                      int days, bool approve) {
    GigDraft draft{title, std::string(title) + ". Clear brief, fast replies, revisions included.",
                   categories_[category], Money{"USD", cents}, days, {category}};
    GW_ASSIGN_OR_RETURN(Gig gig, s_.catalog.CreateGig(people_[who], draft, {}));
    GW_RETURN_IF_ERROR(s_.catalog.SubmitGig(people_[who], gig.id, "", {}).status());
    if (!approve) return absl::OkStatus();
    approved_gigs_[who] = gig.id;
    return s_.catalog.ApproveGig(people_["admin"], gig.id, "", {}).status();
  }

  absl::StatusOr<Job> PostJob(const char* buyer, const char* title, const char* category,
                              bool approve) {
    Job draft;
    draft.title = title;
    draft.description = std::string(title) + ". Details in the attached brief.";
    draft.category_id = categories_[category];
    draft.budget_min = {"USD", 20000};
    draft.budget_max = {"USD", 80000};
    draft.due_time = s_.clock.Now() + absl::Hours(24 * 21);
    GW_ASSIGN_OR_RETURN(Job job, s_.jobs.Create(people_[buyer], draft, {}));
    if (approve) {
      GW_ASSIGN_OR_RETURN(job, s_.jobs.Approve(people_["admin"], job.id, "Looks good", {}));
    }
    return job;
  }

  // Ada's logo job: Sam and Mia assigned, Sam accepted, delivered, completed,
  // reviewed both ways; also one for Raj, rated 4.
  absl::Status FinishedWork() {
    GW_RETURN_IF_ERROR(Complete("ada", "Logo for a bakery chain", "logo-design", "sam", 5, "mia"));
    return Complete("bo", "Launch announcement copy", "copywriting", "raj", 4, "");
  }

  absl::Status Complete(const char* buyer, const char* title, const char* category,
                        const char* seller, int rating, const char* also_assigned) {
    GW_ASSIGN_OR_RETURN(Job job, PostJob(buyer, title, category, true));
    AssignInput in{job.id, {people_[seller].user_id}, "Your portfolio fits this brief."};
    if (*also_assigned) in.seller_ids.push_back(people_[also_assigned].user_id);
    GW_ASSIGN_OR_RETURN(std::vector<Assignment> made, s_.offers.Assign(people_["admin"], in, {}));
    GW_ASSIGN_OR_RETURN(Offer offer, s_.offers.Accept(people_[seller], made[0].offer_id, {}));
    const std::string& booking = offer.booking_id;
    GW_ASSIGN_OR_RETURN(std::vector<Milestone> milestones,
                        s_.milestones.List(people_[buyer], booking));
    for (const Milestone& m : milestones) {
      GW_RETURN_IF_ERROR(Fund(buyer, m.id));
      GW_RETURN_IF_ERROR(s_.milestones.Submit(people_[seller], m.id, "Final files attached.", {})
                             .status());
      // Approving the last milestone completes the booking.
      GW_RETURN_IF_ERROR(s_.milestones.Approve(people_[buyer], m.id, {}).status());
    }
    completed_bookings_[seller] = booking;
    Review by_buyer{"", booking, "", "", rating, "Great communication and on time."};
    GW_RETURN_IF_ERROR(s_.reviews.Create(people_[buyer], by_buyer, {}).status());
    Review by_seller{"", booking, "", "", 5, "Clear brief, quick feedback."};
    return s_.reviews.Create(people_[seller], by_seller, {}).status();
  }

  // Ada's jar labels: Lee accepted, Ada cancelled that booking (Lee is away),
  // so the job went back to OPEN (JOB_REOPENED) and Sam took it: one job
  // with a CANCELLED booking and an ACTIVE one.
  absl::Status ReassignedWork() {
    GW_ASSIGN_OR_RETURN(Job job, PostJob("ada", "Labels for the jam jars", "illustration", true));
    jar_job_ = job.id;
    GW_ASSIGN_OR_RETURN(Offer first, AssignAndAccept(job.id, "lee"));
    GW_RETURN_IF_ERROR(s_.bookings
                           .Cancel(people_["ada"], first.booking_id,
                                   "Lee is away until next month.", /*cancel_job=*/false, {})
                           .status());
    GW_ASSIGN_OR_RETURN(Offer second, AssignAndAccept(job.id, "sam"));
    return DisputedLabels(second.booking_id);
  }

  // Ada funded Sam's jar labels, Sam submitted them, Ada disputes: an open
  // dispute with a note from each side, waiting in the admins' queue.
  absl::Status DisputedLabels(const std::string& booking_id) {
    GW_ASSIGN_OR_RETURN(std::vector<Milestone> milestones,
                        s_.milestones.List(people_["ada"], booking_id));
    const std::string& id = milestones.at(0).id;
    GW_RETURN_IF_ERROR(Fund("ada", id));
    GW_RETURN_IF_ERROR(
        s_.milestones.Submit(people_["sam"], id, "Labels for all four jars, print-ready PDF.", {})
            .status());
    GW_ASSIGN_OR_RETURN(
        Dispute dispute,
        s_.disputes.Open(people_["ada"], id, "The labels print blurry at jar size.",
                         "Printed a test sheet at 300 dpi: the lettering bleeds. Photo on request.",
                         {}));
    return s_.disputes
        .AddNote(people_["sam"], dispute.id,
                 "The PDF is vector; the print shop used the preview PNG. Happy to resend.", false,
                 {})
        .status();
  }

  // The buyer pays a milestone by bank transfer and the admin confirms it.
  absl::Status Fund(const char* buyer, const std::string& milestone_id) {
    GW_ASSIGN_OR_RETURN(FundResult started,
                        s_.payments.Fund(people_[buyer], milestone_id, {}));
    return s_.payments
        .Confirm(people_["admin"], started.payment.id, "Transfer seen on the bank statement.", {})
        .status();
  }

  // Bo's gig order from Raj, mid-way: Raj proposed two extra pages, Bo
  // agreed; the first milestone is released, the second funded.
  absl::Status GigOrderMidway(const std::string& booking_id) {
    GW_ASSIGN_OR_RETURN(std::vector<Milestone> first,
                        s_.milestones.List(people_["bo"], booking_id));
    MilestoneProposal extra{booking_id, "Two extra pages: pricing and FAQ", {"USD", 15000},
                            s_.clock.Now() + absl::Hours(24 * 10)};
    GW_ASSIGN_OR_RETURN(Milestone added, s_.milestones.Propose(people_["raj"], extra, {}));
    GW_RETURN_IF_ERROR(s_.milestones.Accept(people_["bo"], added.id, {}).status());
    GW_RETURN_IF_ERROR(Fund("bo", first.at(0).id));
    GW_RETURN_IF_ERROR(
        s_.milestones.Submit(people_["raj"], first.at(0).id, "All five pages, in the doc.", {})
            .status());
    GW_RETURN_IF_ERROR(s_.milestones.Approve(people_["bo"], first.at(0).id, {}).status());
    return Fund("bo", added.id);
  }

  absl::StatusOr<Offer> AssignAndAccept(const std::string& job_id, const char* seller) {
    AssignInput in{job_id, {people_[seller].user_id}, "Your portfolio fits this brief."};
    GW_ASSIGN_OR_RETURN(std::vector<Assignment> made, s_.offers.Assign(people_["admin"], in, {}));
    return s_.offers.Accept(people_[seller], made[0].offer_id, {});
  }

  // Sam's portfolio: three pieces of work, the newest from the completed
  // bakery logo booking (FinishedWork).
  absl::Status Portfolios() {
    Portfolio portfolio(s_.store, s_.clock);
    const std::string base = "https://portfolio.example.com/sam/";
    const PortfolioDraft items[] = {
        {"Label series for a craft brewery", "Six labels sharing one hand-lettered wordmark.",
         base + "brewery-labels", {base + "brewery-labels.png"}, {"illustrator", "branding"}, ""},
        {"Brand identity for a coffee roaster",
         "Logo, colour palette and packaging for a local roaster.", base + "coffee-roaster",
         {base + "coffee-logo.png", base + "coffee-bags.png"}, {"logo design", "branding"}, ""},
        {"Logo for a bakery chain", "Three concepts, one chosen and refined with the owner.",
         base + "bakery-logo", {base + "bakery-logo.png"}, {"logo design"},
         completed_bookings_["sam"]},
    };
    for (const PortfolioDraft& item : items) {
      GW_RETURN_IF_ERROR(portfolio.Create(people_["sam"], item, {}).status());
    }
    return absl::OkStatus();
  }

  // Ada's open project, in bidding for a week: proposals from Sam (with a
  // milestone plan, shortlisted), Lee and Mia; Raj invited to bid. Bo's gig
  // order from Raj.
  absl::Status OpenMarket() {
    Job draft;
    draft.title = "Packaging for a new jam line";
    draft.description = "Labels and gift boxes for four flavours. Open to proposals.";
    draft.category_id = categories_["design"];
    draft.skills = {"packaging", "illustration"};
    draft.budget_min = {"USD", 100000};
    draft.budget_max = {"USD", 250000};
    draft.due_time = s_.clock.Now() + absl::Hours(24 * 45);
    draft.sourcing_mode = SourcingMode::kOpen;
    draft.bidding_close_time = s_.clock.Now() + absl::Hours(24 * 7);
    GW_ASSIGN_OR_RETURN(Job job, s_.jobs.Create(people_["ada"], draft, {}));
    GW_RETURN_IF_ERROR(s_.jobs.Approve(people_["admin"], job.id, "Clear brief", {}).status());
    ProposalDraft sam{{"USD", 180000}, 30, "I designed your bakery logo; the labels can share it.",
                      {{"Label concepts", {"USD", 60000}, 10},
                       {"Final labels and boxes", {"USD", 120000}, 30}}};
    GW_ASSIGN_OR_RETURN(Proposal shortlisted, s_.proposals.Submit(people_["sam"], job.id, sam, {}));
    GW_RETURN_IF_ERROR(s_.proposals.Shortlist(people_["ada"], shortlisted.id, {}).status());
    ProposalDraft lee{{"USD", 150000}, 21, "Hand-painted fruit for each flavour.", {}};
    GW_RETURN_IF_ERROR(s_.proposals.Submit(people_["lee"], job.id, lee, {}).status());
    ProposalDraft mia{{"USD", 120000}, 25, "I can also build the product pages.", {}};
    GW_RETURN_IF_ERROR(s_.proposals.Submit(people_["mia"], job.id, mia, {}).status());
    // And a gig bought directly: Bo orders Raj's website copy (an ACTIVE gig order).
    GW_ASSIGN_OR_RETURN(
        Booking order,
        s_.bookings.OrderGig(people_["bo"], approved_gigs_["raj"],
                             "Five pages for our beta launch; tone: plain and friendly.", {}));
    GW_RETURN_IF_ERROR(GigOrderMidway(order.id));
    gig_order_ = order.id;
    open_project_ = job.id;
    return s_.proposals
        .Invite(people_["ada"], job.id, people_["raj"].user_id, "Would love your copy on the box.",
                {})
        .status();
  }

  // An OPEN job with pending offers, and two jobs in the review queue.
  absl::Status OpenWork() {
    GW_ASSIGN_OR_RETURN(Job open, PostJob("bo", "Landing page for a beta launch",
                                          "web-development", true));
    AssignInput in{open.id, {people_["mia"].user_id, people_["lee"].user_id},
                   "Two strong fits; first to accept gets it."};
    GW_RETURN_IF_ERROR(s_.offers.Assign(people_["admin"], in, {}).status());
    GW_RETURN_IF_ERROR(PostJob("ada", "Illustrated menu for the spring season", "illustration",
                               false).status());
    return PostJob("bo", "Blog posts about remote teams", "copywriting", false).status();
  }

  // Ada and Sam about the disputed jar labels: Ada read Sam's first message
  // and replied; his second is unread. Bo and Raj about the gig order, all
  // read. Ada asks Raj, whom she invited to bid, about the gift boxes.
  absl::Status Talks() {
    GW_ASSIGN_OR_RETURN(Conversation jars, Open("ada", ConversationTarget{jar_job_, "", Id("sam")}));
    GW_ASSIGN_OR_RETURN(Message resend,
                        Say("sam", jars.id, "Hi Ada, I'm resending the vector PDF of the "
                                            "labels: please give the print shop that one."));
    GW_RETURN_IF_ERROR(s_.conversations.MarkRead(people_["ada"], jars.id, resend.id).status());
    GW_RETURN_IF_ERROR(Say("ada", jars.id, "Thanks Sam. They printed from the PNG preview; "
                                           "I'll forward the PDF today.").status());
    GW_RETURN_IF_ERROR(s_.conversations.MarkRead(people_["sam"], jars.id, "").status());
    GW_RETURN_IF_ERROR(Say("sam", jars.id, "Great. If the test sheet still bleeds, send me a "
                                           "photo and I'll thicken the lettering.").status());

    GW_ASSIGN_OR_RETURN(Conversation copy, Open("bo", ConversationTarget{"", gig_order_, ""}));
    GW_RETURN_IF_ERROR(Say("bo", copy.id, "Hi Raj, the pricing page should put the free tier "
                                          "first.").status());
    GW_RETURN_IF_ERROR(Say("raj", copy.id, "Noted: free tier first, then Team and Business. "
                                           "Draft by Thursday.").status());
    GW_RETURN_IF_ERROR(s_.conversations.MarkRead(people_["bo"], copy.id, "").status());
    GW_RETURN_IF_ERROR(s_.conversations.MarkRead(people_["raj"], copy.id, "").status());

    GW_ASSIGN_OR_RETURN(Conversation boxes,
                        Open("ada", ConversationTarget{open_project_, "", Id("raj")}));
    return Say("ada", boxes.id, "Raj, would you write the lines on the gift boxes? One short "
                                "line per flavour.")
        .status();
  }

  absl::StatusOr<Conversation> Open(const char* who, const ConversationTarget& target) {
    return s_.conversations.Open(people_[who], target, {});
  }
  absl::StatusOr<Message> Say(const char* who, const std::string& conversation_id,
                              const char* text) {
    return s_.conversations.Send(people_[who], NewMessage{conversation_id, text, {}}, {});
  }
  std::string Id(const char* who) { return people_[who].user_id; }

  const DemoServices& s_;
  std::map<std::string, Principal> people_;
  std::map<std::string, std::string> categories_;
  std::map<std::string, std::string> completed_bookings_;  // seller -> a booking they completed
  std::map<std::string, std::string> approved_gigs_;  // seller -> their last approved gig
  std::string jar_job_;      // Ada's jar labels, booked by Sam (disputed)
  std::string gig_order_;    // Bo's gig order from Raj
  std::string open_project_; // Ada's jam packaging project (Raj invited)
};

}  // namespace

absl::StatusOr<bool> SeedDemoDataIfEmpty(const DemoServices& services) {
  GW_ASSIGN_OR_RETURN(bool empty, DatabaseIsEmpty(services.store));
  if (!empty) return false;
  GW_RETURN_IF_ERROR(Seeder(services).Run());
  return true;
}

}  // namespace gigwire
