// SQLite repositories bound to one open transaction (see store.h for the
// contracts). Created by SqliteStore for the duration of one Read or Write;
// not for direct use elsewhere.
#ifndef GIGWIRE_SERVER_STORE_SQLITE_SQLITE_REPOSITORIES_H_
#define GIGWIRE_SERVER_STORE_SQLITE_SQLITE_REPOSITORIES_H_

#include "SQLiteCpp/Database.h"
#include "server/store/sqlite/statement_cache.h"
#include "server/store/store.h"

namespace gigwire {

class SqliteUserRepository final : public UserRepository {
 public:
  explicit SqliteUserRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<User> FindById(const std::string& id) override;
  absl::StatusOr<User> FindByEmail(const std::string& email) override;
  absl::Status Insert(const User& user) override;
  absl::Status Update(const User& user, int64_t expected_version) override;
  absl::StatusOr<std::vector<User>> List(const UserQuery& query) override;
  absl::Status AddRating(const std::string& user_id, int rating) override;
  absl::Status IncrementCompletedBookings(const std::string& user_id) override;
  absl::StatusOr<std::vector<SellerSummary>> SearchSellers(const SellerQuery& query) override;

 private:
  absl::StatusOr<User> FindOne(const char* where_clause, const std::string& value);
  StatementCache& sql_;
};

class SqliteRefreshTokenRepository final : public RefreshTokenRepository {
 public:
  explicit SqliteRefreshTokenRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<RefreshToken> FindByHash(const std::string& token_hash) override;
  absl::Status Insert(const RefreshToken& token) override;
  absl::Status MarkUsed(const std::string& id, absl::Time when) override;
  absl::Status RevokeFamily(const std::string& family_id, absl::Time when) override;

 private:
  StatementCache& sql_;
};

class SqliteApiKeyRepository final : public ApiKeyRepository {
 public:
  explicit SqliteApiKeyRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<ApiKey> FindById(const std::string& id) override;
  absl::StatusOr<ApiKey> FindBySecretHash(const std::string& secret_hash) override;
  absl::Status Insert(const ApiKey& key) override;
  absl::Status Revoke(const std::string& id, absl::Time when) override;
  absl::StatusOr<std::vector<ApiKey>> List(const ApiKeyQuery& query) override;

 private:
  absl::StatusOr<ApiKey> FindOne(const char* where_clause, const std::string& value,
                                 bool value_is_blob);
  StatementCache& sql_;
};

// ---- marketplace (SQL in sqlite_catalog_repositories.cc and
// sqlite_work_repositories.cc) ----

class SqliteCategoryRepository final : public CategoryRepository {
 public:
  explicit SqliteCategoryRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<std::vector<Category>> List() override;
  absl::StatusOr<Category> FindById(const std::string& id) override;
  absl::Status Insert(const Category& category) override;
  absl::Status Update(const Category& category, int64_t expected_version) override;

 private:
  StatementCache& sql_;
};

class SqliteGigRepository final : public GigRepository {
 public:
  explicit SqliteGigRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Gig> FindById(const std::string& id) override;
  absl::Status Insert(const Gig& gig) override;
  absl::Status Update(const Gig& gig, int64_t expected_version) override;
  absl::StatusOr<std::vector<Gig>> List(const GigQuery& query) override;

 private:
  StatementCache& sql_;
};

class SqliteJobRepository final : public JobRepository {
 public:
  explicit SqliteJobRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Job> FindById(const std::string& id) override;
  absl::Status Insert(const Job& job) override;
  absl::Status Update(const Job& job, int64_t expected_version) override;
  absl::StatusOr<std::vector<Job>> List(const JobQuery& query) override;
  absl::StatusOr<std::vector<std::pair<JobState, int>>> CountByState(
      const std::string& buyer_id) override;
  absl::StatusOr<std::vector<Job>> ListDue(absl::Time now, int limit) override;
  absl::StatusOr<std::vector<Job>> ListOpen(const OpenJobQuery& query) override;
  absl::StatusOr<std::vector<Job>> ListBiddingDue(absl::Time now, int limit) override;
  absl::StatusOr<std::vector<Job>> ListAwardDue(absl::Time now, int limit) override;

 private:
  absl::StatusOr<std::vector<Job>> ListOpenProjectsDue(JobState state,
                                                       absl::string_view time_column,
                                                       absl::Time now, int limit);
  StatementCache& sql_;
};

class SqliteAssignmentRepository final : public AssignmentRepository {
 public:
  explicit SqliteAssignmentRepository(StatementCache& sql) : sql_(sql) {}
  absl::Status Insert(const Assignment& assignment) override;
  absl::StatusOr<std::vector<Assignment>> ListByJob(const std::string& job_id,
                                                    const std::optional<ListCursor>& after,
                                                    int limit) override;

 private:
  StatementCache& sql_;
};

class SqliteOfferRepository final : public OfferRepository {
 public:
  explicit SqliteOfferRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Offer> FindById(const std::string& id) override;
  absl::Status Insert(const Offer& offer) override;
  absl::Status Update(const Offer& offer, int64_t expected_version) override;
  absl::StatusOr<std::vector<Offer>> List(const OfferQuery& query) override;
  absl::StatusOr<std::vector<Offer>> ListPendingForJob(const std::string& job_id) override;
  absl::StatusOr<std::vector<Offer>> ListExpiredPending(absl::Time now, int limit) override;
  absl::StatusOr<bool> SellerHasOffer(const std::string& job_id,
                                      const std::string& seller_id) override;

 private:
  StatementCache& sql_;
};

class SqliteBookingRepository final : public BookingRepository {
 public:
  explicit SqliteBookingRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Booking> FindById(const std::string& id) override;
  absl::Status Insert(const Booking& booking) override;
  absl::Status Update(const Booking& booking, int64_t expected_version) override;
  absl::StatusOr<std::vector<Booking>> List(const BookingQuery& query) override;

 private:
  StatementCache& sql_;
};

class SqliteReviewRepository final : public ReviewRepository {
 public:
  explicit SqliteReviewRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Review> FindById(const std::string& id) override;
  absl::Status Insert(const Review& review) override;
  absl::StatusOr<std::vector<Review>> ListBySubject(const std::string& subject_id,
                                                    const std::optional<ListCursor>& after,
                                                    int limit) override;

 private:
  StatementCache& sql_;
};

class SqliteAuditRepository final : public AuditRepository {
 public:
  explicit SqliteAuditRepository(StatementCache& sql) : sql_(sql) {}
  absl::Status Append(const AuditEntry& entry) override;
  absl::StatusOr<std::vector<AuditEntry>> List(const AuditQuery& query) override;

 private:
  StatementCache& sql_;
};

class SqliteRequestIdRepository final : public RequestIdRepository {
 public:
  explicit SqliteRequestIdRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<RequestRecord> Find(const std::string& principal_id, const std::string& method,
                                     const std::string& request_id) override;
  absl::Status Insert(const RequestRecord& record) override;
  absl::StatusOr<int> DeleteBefore(absl::Time cutoff) override;

 private:
  StatementCache& sql_;
};

// ---- outbox and inbox (SQL in sqlite_event_repositories.cc) ----

// Counts what it appends, so the store can tell whether a committed
// transaction wrote events (see Store::SetEventsCommittedObserver).
class SqliteEventRepository final : public EventRepository {
 public:
  explicit SqliteEventRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<int64_t> Append(const EventRecord& event) override;
  absl::StatusOr<std::vector<EventRecord>> ListAfter(int64_t after, int limit) override;
  absl::StatusOr<int64_t> LatestSequence() override;
  absl::StatusOr<int64_t> PrunedThrough() override;
  absl::StatusOr<int> DeleteBefore(absl::Time cutoff, int limit) override;
  absl::StatusOr<int> RewritePayloads(
      const std::string& resource_id,
      absl::FunctionRef<std::string(const EventRecord&)> payload_of) override;

  // Events appended through this repository (committed or not).
  int appended() const { return appended_; }

 private:
  StatementCache& sql_;
  int appended_ = 0;
};

class SqliteNotificationRepository final : public NotificationRepository {
 public:
  explicit SqliteNotificationRepository(StatementCache& sql) : sql_(sql) {}
  absl::Status Insert(const Notification& notification) override;
  absl::StatusOr<std::vector<Notification>> List(const NotificationQuery& query) override;
  absl::StatusOr<int> CountUnread(const std::string& user_id) override;
  absl::StatusOr<int> MarkRead(const std::string& user_id,
                               const std::vector<int64_t>& sequences) override;
  absl::StatusOr<int> MarkReadUpTo(const std::string& user_id, int64_t up_to) override;
  absl::StatusOr<int> DeleteBefore(absl::Time cutoff, int limit) override;

 private:
  StatementCache& sql_;
};

// The milestone plan of a proposal or booking (`owner_id`), in order.
namespace sqlite {
absl::StatusOr<std::vector<PlannedMilestone>> LoadMilestonePlan(StatementCache& sql,
                                                                const std::string& owner_id);
// Replaces the stored plan of `owner_id` with `plan`.
absl::Status SaveMilestonePlan(StatementCache& sql, const std::string& owner_id,
                               const std::vector<PlannedMilestone>& plan);
}  // namespace sqlite

class SqliteProposalRepository final : public ProposalRepository {
 public:
  explicit SqliteProposalRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Proposal> FindById(const std::string& id) override;
  absl::StatusOr<Proposal> FindLive(const std::string& job_id,
                                    const std::string& seller_id) override;
  absl::Status Insert(const Proposal& proposal) override;
  absl::Status Update(const Proposal& proposal, int64_t expected_version) override;
  absl::StatusOr<std::vector<Proposal>> List(const ProposalQuery& query) override;
  absl::StatusOr<int> Count(const ProposalQuery& query) override;
  absl::StatusOr<int> CountLiveBySeller(const std::string& seller_id) override;

 private:
  // Runs `select` (a kProposalSelect statement) and loads each row's plan.
  absl::StatusOr<std::vector<Proposal>> ReadAll(SQLite::Statement& select);
  StatementCache& sql_;
};

class SqliteBidInvitationRepository final : public BidInvitationRepository {
 public:
  explicit SqliteBidInvitationRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<BidInvitation> FindById(const std::string& id) override;
  absl::Status Insert(const BidInvitation& invitation) override;
  absl::StatusOr<bool> Exists(const std::string& job_id, const std::string& seller_id) override;

 private:
  StatementCache& sql_;
};

class SqlitePortfolioRepository final : public PortfolioRepository {
 public:
  explicit SqlitePortfolioRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<PortfolioItem> FindById(const std::string& id) override;
  absl::Status Insert(const PortfolioItem& item) override;
  absl::Status Update(const PortfolioItem& item, int64_t expected_version) override;
  absl::Status Delete(const std::string& id) override;
  absl::StatusOr<std::vector<PortfolioItem>> ListBySeller(const std::string& seller_id,
                                                          const std::optional<ListCursor>& after,
                                                          int limit) override;
  absl::StatusOr<int> CountBySeller(const std::string& seller_id) override;

 private:
  StatementCache& sql_;
};

class SqliteLedgerRepository final : public LedgerRepository {
 public:
  explicit SqliteLedgerRepository(StatementCache& sql) : sql_(sql) {}
  absl::Status Append(const LedgerTransaction& transaction) override;
  absl::StatusOr<int64_t> Balance(const Account& account) override;
  absl::StatusOr<std::vector<AccountBalance>> BalancesOf(const std::string& owner_id) override;
  absl::StatusOr<BookingLedgerTotals> TotalsOfBooking(const std::string& booking_id,
                                                      const std::string& currency_code) override;
  absl::StatusOr<std::vector<PartyEscrow>> EscrowOfParty(const std::string& user_id) override;
  absl::StatusOr<std::vector<LedgerEntryRow>> ListEntries(const LedgerEntryQuery& query) override;
  absl::Status ForEachTransaction(
      absl::FunctionRef<void(const LedgerTransaction&)> visit) override;
  absl::Status ForEachBalance(absl::FunctionRef<void(const AccountBalance&)> visit) override;

 private:
  absl::Status UpdateBalance(const LedgerEntry& entry);
  StatementCache& sql_;
};

class SqliteMilestoneRepository final : public MilestoneRepository {
 public:
  explicit SqliteMilestoneRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Milestone> FindById(const std::string& id) override;
  absl::StatusOr<std::vector<Milestone>> ListByBooking(const std::string& booking_id) override;
  absl::Status Insert(const Milestone& milestone) override;
  absl::Status Update(const Milestone& milestone, int64_t expected_version) override;
  absl::StatusOr<std::vector<Milestone>> ListDueForAutoRelease(absl::Time now,
                                                               int limit) override;
  absl::Status ForEachHoldingEscrow(absl::FunctionRef<void(const Milestone&)> visit) override;

 private:
  StatementCache& sql_;
};

// ---- money in and out (SQL in sqlite_payment_repositories.cc) ----

class SqlitePaymentRepository final : public PaymentRepository {
 public:
  explicit SqlitePaymentRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Payment> FindById(const std::string& id) override;
  absl::Status Insert(const Payment& payment) override;
  absl::Status Update(const Payment& payment, int64_t expected_version) override;
  absl::StatusOr<Payment> FindPendingForMilestone(const std::string& milestone_id) override;
  absl::StatusOr<std::vector<Payment>> List(const PaymentQuery& query) override;

 private:
  StatementCache& sql_;
};

class SqlitePayoutRepository final : public PayoutRepository {
 public:
  explicit SqlitePayoutRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Payout> FindById(const std::string& id) override;
  absl::Status Insert(const Payout& payout) override;
  absl::Status Update(const Payout& payout, int64_t expected_version) override;
  absl::StatusOr<std::vector<Payout>> List(const PayoutQuery& query) override;
  absl::StatusOr<int64_t> RequestedTotal(const std::string& seller_id,
                                         const std::string& currency_code) override;

 private:
  StatementCache& sql_;
};

class SqliteDisputeRepository final : public DisputeRepository {
 public:
  explicit SqliteDisputeRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Dispute> FindById(const std::string& id) override;
  absl::Status Insert(const Dispute& dispute) override;
  absl::Status Update(const Dispute& dispute, int64_t expected_version) override;
  absl::Status AddNote(const DisputeNote& note) override;
  absl::StatusOr<std::vector<Dispute>> List(const DisputeQuery& query) override;

 private:
  StatementCache& sql_;
};

// ---- messaging and files (SQL in sqlite_conversation_repositories.cc) ----

class SqliteConversationRepository final : public ConversationRepository {
 public:
  explicit SqliteConversationRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<Conversation> FindById(const std::string& id) override;
  absl::StatusOr<Conversation> FindFor(const std::string& job_id, const std::string& booking_id,
                                       const std::string& buyer_id,
                                       const std::string& seller_id) override;
  absl::Status Insert(const Conversation& conversation) override;
  absl::Status Update(const Conversation& conversation, int64_t expected_version) override;
  absl::Status AddAdmin(const std::string& conversation_id, const std::string& admin_id,
                        absl::Time when) override;
  absl::StatusOr<std::vector<Conversation>> ListForUser(const ConversationQuery& query) override;

 private:
  // Fills each conversation's admin_ids.
  void LoadAdmins(std::vector<Conversation>& conversations);
  StatementCache& sql_;
};

class SqliteMessageRepository final : public MessageRepository {
 public:
  explicit SqliteMessageRepository(StatementCache& sql) : sql_(sql) {}
  absl::StatusOr<int64_t> Append(const Message& message) override;
  absl::StatusOr<Message> FindById(const std::string& id) override;
  absl::StatusOr<std::vector<Message>> List(const MessageQuery& query) override;
  absl::Status Hide(const std::string& id, const std::string& by, const std::string& reason,
                    absl::Time when) override;
  absl::StatusOr<int64_t> UnreadCount(const std::string& conversation_id,
                                      const std::string& user_id) override;
  absl::StatusOr<ReadMark> GetReadMark(const std::string& conversation_id,
                                       const std::string& user_id) override;
  absl::StatusOr<ReadMark> SetReadMark(const ReadMark& mark) override;

 private:
  // Fills each message's attachment_ids.
  void LoadAttachments(std::vector<Message>& messages);
  StatementCache& sql_;
};

class SqliteBlockRepository final : public BlockRepository {
 public:
  explicit SqliteBlockRepository(StatementCache& sql) : sql_(sql) {}
  absl::Status Block(const std::string& blocker_id, const std::string& blocked_id,
                     absl::Time when) override;
  absl::Status Unblock(const std::string& blocker_id, const std::string& blocked_id) override;
  absl::StatusOr<bool> IsBlockedEitherWay(const std::string& a, const std::string& b) override;
  absl::StatusOr<std::vector<gigwire::Block>> ListByBlocker(
      const std::string& blocker_id) override;

 private:
  StatementCache& sql_;
};

class SqliteFileRepository final : public FileRepository {
 public:
  explicit SqliteFileRepository(StatementCache& sql) : sql_(sql) {}
  absl::Status Insert(const StoredFile& file) override;
  absl::StatusOr<StoredFile> FindById(const std::string& id) override;
  absl::Status Attach(const std::string& file_id, AttachmentKind kind,
                      const std::string& attached_to_id, absl::Time when) override;
  absl::StatusOr<std::vector<StoredFile>> ListAttached(AttachmentKind kind,
                                                       const std::string& attached_to_id) override;
  absl::StatusOr<int64_t> TotalBytesOf(const std::string& owner_id) override;
  absl::StatusOr<std::vector<StoredFile>> ListUnattachedBefore(absl::Time cutoff,
                                                               int limit) override;
  absl::Status Delete(const std::string& file_id) override;
  absl::StatusOr<int64_t> CountReferences(const std::string& sha256_hex) override;

 private:
  StatementCache& sql_;
};

class SqliteTx final : public Tx {
 public:
  explicit SqliteTx(StatementCache& sql)
      : users_(sql), refresh_tokens_(sql), api_keys_(sql), categories_(sql), gigs_(sql),
        jobs_(sql), assignments_(sql), offers_(sql), bookings_(sql), reviews_(sql), audit_(sql),
        request_ids_(sql), events_(sql), notifications_(sql), proposals_(sql),
        bid_invitations_(sql), portfolio_(sql), ledger_(sql), milestones_(sql), payments_(sql),
        payouts_(sql), disputes_(sql), conversations_(sql), messages_(sql), blocks_(sql),
        files_(sql) {}
  UserRepository& users() override { return users_; }
  RefreshTokenRepository& refresh_tokens() override { return refresh_tokens_; }
  ApiKeyRepository& api_keys() override { return api_keys_; }
  CategoryRepository& categories() override { return categories_; }
  GigRepository& gigs() override { return gigs_; }
  JobRepository& jobs() override { return jobs_; }
  AssignmentRepository& assignments() override { return assignments_; }
  OfferRepository& offers() override { return offers_; }
  BookingRepository& bookings() override { return bookings_; }
  ReviewRepository& reviews() override { return reviews_; }
  AuditRepository& audit() override { return audit_; }
  RequestIdRepository& request_ids() override { return request_ids_; }
  EventRepository& events() override { return events_; }
  NotificationRepository& notifications() override { return notifications_; }
  ProposalRepository& proposals() override { return proposals_; }
  BidInvitationRepository& bid_invitations() override { return bid_invitations_; }
  PortfolioRepository& portfolio() override { return portfolio_; }
  LedgerRepository& ledger() override { return ledger_; }
  MilestoneRepository& milestones() override { return milestones_; }
  PaymentRepository& payments() override { return payments_; }
  PayoutRepository& payouts() override { return payouts_; }
  DisputeRepository& disputes() override { return disputes_; }
  ConversationRepository& conversations() override { return conversations_; }
  MessageRepository& messages() override { return messages_; }
  BlockRepository& blocks() override { return blocks_; }
  FileRepository& files() override { return files_; }

  // Whether this transaction appended events (they count once committed).
  bool appended_events() const { return events_.appended() > 0; }

 private:
  SqliteUserRepository users_;
  SqliteRefreshTokenRepository refresh_tokens_;
  SqliteApiKeyRepository api_keys_;
  SqliteCategoryRepository categories_;
  SqliteGigRepository gigs_;
  SqliteJobRepository jobs_;
  SqliteAssignmentRepository assignments_;
  SqliteOfferRepository offers_;
  SqliteBookingRepository bookings_;
  SqliteReviewRepository reviews_;
  SqliteAuditRepository audit_;
  SqliteRequestIdRepository request_ids_;
  SqliteEventRepository events_;
  SqliteNotificationRepository notifications_;
  SqliteProposalRepository proposals_;
  SqliteBidInvitationRepository bid_invitations_;
  SqlitePortfolioRepository portfolio_;
  SqliteLedgerRepository ledger_;
  SqliteMilestoneRepository milestones_;
  SqlitePaymentRepository payments_;
  SqlitePayoutRepository payouts_;
  SqliteDisputeRepository disputes_;
  SqliteConversationRepository conversations_;
  SqliteMessageRepository messages_;
  SqliteBlockRepository blocks_;
  SqliteFileRepository files_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_STORE_SQLITE_SQLITE_REPOSITORIES_H_
