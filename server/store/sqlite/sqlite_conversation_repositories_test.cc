// Conversations, messages, read marks, blocks and files against a real SQLite
// file: rows round trip; one conversation per job (or gig order booking) and
// pair (ALREADY_EXISTS); stale versions are ABORTED (ETAG_MISMATCH); messages
// are numbered 1, 2, ... per conversation and page both ways; unread counts
// follow read marks, which never move back nor past the last message; blocks
// count both ways; a file attaches once (ABORTED after), lists in attach
// order, and adds up per owner and per content.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/common/status.h"
#include "server/store/sqlite/sqlite_store.h"
#include "server/testing/temp_dir.h"
#include "server/testing/test_store.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

constexpr absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);
const std::string kSha1(64, 'a');
const std::string kSha2(64, 'b');

absl::Status InsertUser(Tx& tx, const std::string& id) {
  User user;
  user.id = id;
  user.email = absl::StrCat(id, "@example.com");
  user.display_name = id;
  user.create_time = user.update_time = kT0;
  return tx.users().Insert(user);
}

absl::Status InsertJob(Tx& tx, const std::string& id, const std::string& buyer) {
  Job job;
  job.id = id;
  job.buyer_id = buyer;
  job.title = "Logo";
  job.description = "A logo";
  job.category_id = "cat_1";
  job.budget_min = {"USD", 100};
  job.budget_max = {"USD", 500};
  job.due_time = kT0 + absl::Hours(240);
  job.state = JobState::kOpen;
  job.create_time = job.update_time = kT0;
  return tx.jobs().Insert(job);
}

absl::Status InsertGigOrder(Tx& tx, const std::string& id, const std::string& buyer,
                            const std::string& seller) {
  Booking booking;
  booking.id = id;
  booking.source = BookingSource::kGigOrder;
  booking.buyer_id = buyer;
  booking.seller_id = seller;
  booking.job_title = "Logo";
  booking.price = {"USD", 900};
  booking.due_time = kT0 + absl::Hours(240);
  booking.create_time = booking.update_time = kT0;
  return tx.bookings().Insert(booking);
}

Conversation MakeConversation(const std::string& id, const std::string& job,
                              const std::string& booking, const std::string& seller,
                              absl::Time created = kT0) {
  Conversation c;
  c.id = id;
  c.job_id = job;
  c.booking_id = booking;
  c.buyer_id = "usr_b";
  c.seller_id = seller;
  c.last_activity_time = c.create_time = c.update_time = created;
  return c;
}

Message MakeMessage(const std::string& id, const std::string& conversation,
                    const std::string& sender, absl::Time created = kT0) {
  Message m;
  m.id = id;
  m.conversation_id = conversation;
  m.sender_id = sender;
  m.text = absl::StrCat("text of ", id);
  m.create_time = created;
  return m;
}

StoredFile MakeFile(const std::string& id, const std::string& owner, const std::string& sha,
                    int64_t size, absl::Time created = kT0) {
  StoredFile f;
  f.id = id;
  f.owner_id = owner;
  f.sha256_hex = sha;
  f.size_bytes = size;
  f.content_type = "image/png";
  f.name = absl::StrCat(id, ".png");
  f.create_time = created;
  return f;
}

auto Fields(const Conversation& c) {
  return std::make_tuple(c.id, c.job_id, c.booking_id, c.buyer_id, c.seller_id, c.admin_ids,
                         c.last_message_seq, c.last_activity_time, c.create_time,
                         c.update_time, c.version);
}
auto Fields(const Message& m) {
  return std::make_tuple(m.conversation_id, m.seq, m.id, m.sender_id, m.text, m.attachment_ids,
                         m.hidden, m.hidden_by, m.hidden_reason, m.hide_time, m.create_time);
}
auto Fields(const StoredFile& f) {
  return std::make_tuple(f.id, f.owner_id, f.sha256_hex, f.size_bytes, f.content_type, f.name,
                         static_cast<int>(f.attached_kind), f.attached_to_id, f.create_time,
                         f.attach_time);
}

template <typename T>
std::vector<std::string> Ids(const std::vector<T>& rows) {
  std::vector<std::string> ids;
  for (const T& row : rows) ids.push_back(row.id);
  return ids;
}

std::vector<int64_t> Seqs(const std::vector<Message>& messages) {
  std::vector<int64_t> seqs;
  for (const Message& m : messages) seqs.push_back(m.seq);
  return seqs;
}

// Buyer usr_b has job_1 (sellers usr_s and usr_s2 may talk to them about it)
// and a gig order bkg_g with usr_s.
class SqliteConversationRepositoriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NE(store_, nullptr);
    ASSERT_TRUE(store_->Write([](Tx& tx) -> absl::Status {
      for (const char* id : {"usr_b", "usr_s", "usr_s2", "usr_admin", "usr_admin2"}) {
        GW_RETURN_IF_ERROR(InsertUser(tx, id));
      }
      Category category;
      category.id = "cat_1";
      category.slug = "design";
      category.display_name = "Design";
      category.create_time = kT0;
      GW_RETURN_IF_ERROR(tx.categories().Insert(category));
      GW_RETURN_IF_ERROR(InsertJob(tx, "job_1", "usr_b"));
      GW_RETURN_IF_ERROR(InsertJob(tx, "job_2", "usr_b"));
      return InsertGigOrder(tx, "bkg_g", "usr_b", "usr_s");
    }).ok());
  }

  absl::Status Write(absl::FunctionRef<absl::Status(Tx&)> fn) { return store_->Write(fn); }

  absl::StatusOr<int64_t> Append(const Message& m) {
    absl::StatusOr<int64_t> seq;
    absl::Status status = Write([&](Tx& tx) -> absl::Status {
      seq = tx.messages().Append(m);
      return seq.status();
    });
    if (!status.ok()) return status;
    return seq;
  }

  template <typename T>
  absl::StatusOr<T> Read(absl::FunctionRef<absl::StatusOr<T>(Tx&)> fn) {
    absl::StatusOr<T> out = absl::UnknownError("not run");
    absl::Status status = store_->Read([&](Tx& tx) -> absl::Status {
      out = fn(tx);
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
    return out;
  }

  absl::StatusOr<Conversation> FindConversation(const std::string& id) {
    return Read<Conversation>([&](Tx& tx) { return tx.conversations().FindById(id); });
  }
  absl::StatusOr<std::vector<Message>> ListMessages(const MessageQuery& q) {
    return Read<std::vector<Message>>([&](Tx& tx) { return tx.messages().List(q); });
  }
  absl::StatusOr<int64_t> Unread(const std::string& conversation, const std::string& user) {
    return Read<int64_t>(
        [&](Tx& tx) { return tx.messages().UnreadCount(conversation, user); });
  }
  absl::StatusOr<ReadMark> SetMark(const std::string& conversation, const std::string& user,
                                   int64_t seq, absl::Time when) {
    absl::StatusOr<ReadMark> out;
    absl::Status status = Write([&](Tx& tx) -> absl::Status {
      out = tx.messages().SetReadMark({conversation, user, seq, when});
      return out.status();
    });
    if (!status.ok()) return status;
    return out;
  }

  testutil::TempDir dir_;
  std::unique_ptr<SqliteStore> store_ = testutil::OpenTestStore(dir_);
};

// ---- conversations ----

TEST_F(SqliteConversationRepositoriesTest, ConversationRoundTripsWithItsAdminsInJoinOrder) {
  Conversation c = MakeConversation("cnv_1", "job_1", "", "usr_s");
  ASSERT_TRUE(Write([&](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.conversations().Insert(c));
    GW_RETURN_IF_ERROR(tx.conversations().AddAdmin("cnv_1", "usr_admin2", kT0 + absl::Seconds(1)));
    GW_RETURN_IF_ERROR(tx.conversations().AddAdmin("cnv_1", "usr_admin", kT0 + absl::Seconds(2)));
    return tx.conversations().AddAdmin("cnv_1", "usr_admin2", kT0 + absl::Seconds(3));  // again
  }).ok());
  absl::StatusOr<Conversation> found = FindConversation("cnv_1");
  ASSERT_TRUE(found.ok()) << found.status();
  c.admin_ids = {"usr_admin2", "usr_admin"};
  EXPECT_EQ(Fields(*found), Fields(c));
  EXPECT_EQ(FindConversation("cnv_nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Write([](Tx& tx) {
              return tx.conversations().AddAdmin("cnv_nope", "usr_admin", kT0);
            }).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteConversationRepositoriesTest, OneConversationPerJobOrGigOrderAndPair) {
  ASSERT_TRUE(Write([](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.conversations().Insert(MakeConversation("cnv_1", "job_1", "", "usr_s")));
    GW_RETURN_IF_ERROR(tx.conversations().Insert(MakeConversation("cnv_2", "job_1", "", "usr_s2")));
    GW_RETURN_IF_ERROR(tx.conversations().Insert(MakeConversation("cnv_3", "job_2", "", "usr_s")));
    return tx.conversations().Insert(MakeConversation("cnv_4", "", "bkg_g", "usr_s"));
  }).ok());
  auto insert = [&](const Conversation& c) {
    return Write([&](Tx& tx) { return tx.conversations().Insert(c); });
  };
  absl::Status again = insert(MakeConversation("cnv_5", "job_1", "", "usr_s"));
  EXPECT_EQ(again.code(), absl::StatusCode::kAlreadyExists) << again;
  EXPECT_EQ(ReasonOf(again), v1::DUPLICATE);
  EXPECT_EQ(insert(MakeConversation("cnv_5", "", "bkg_g", "usr_s")).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(insert(MakeConversation("cnv_1", "job_2", "", "usr_s2")).code(),
            absl::StatusCode::kAlreadyExists);  // same id
  // A conversation hangs on a job or a booking, between two different users.
  EXPECT_EQ(insert(MakeConversation("cnv_5", "", "", "usr_s")).code(),
            absl::StatusCode::kInternal);
  Conversation self = MakeConversation("cnv_5", "job_2", "", "usr_b");
  EXPECT_EQ(insert(self).code(), absl::StatusCode::kInternal);

  auto find_for = [&](const std::string& job, const std::string& booking,
                      const std::string& seller) {
    return Read<Conversation>(
        [&](Tx& tx) { return tx.conversations().FindFor(job, booking, "usr_b", seller); });
  };
  EXPECT_EQ(find_for("job_1", "", "usr_s2")->id, "cnv_2");
  EXPECT_EQ(find_for("job_2", "bkg_x", "usr_s")->id, "cnv_3");  // the job decides
  EXPECT_EQ(find_for("", "bkg_g", "usr_s")->id, "cnv_4");
  EXPECT_EQ(find_for("job_2", "", "usr_s2").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(find_for("", "", "usr_s").status().code(), absl::StatusCode::kInternal);
}

TEST_F(SqliteConversationRepositoriesTest, UpdateSavesItsOwnFieldsOnlyAtTheExpectedVersion) {
  ASSERT_TRUE(Write([](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.conversations().Insert(MakeConversation("cnv_1", "job_1", "", "usr_s")));
    return tx.messages().Append(MakeMessage("msg_1", "cnv_1", "usr_b", kT0 + absl::Minutes(1)))
        .status();
  }).ok());
  // A copy read before the message: saving it must not roll the message back.
  Conversation stale = MakeConversation("cnv_1", "job_1", "bkg_g", "usr_s");
  stale.version = 2;
  stale.update_time = kT0 + absl::Minutes(2);
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.conversations().Update(stale, 1); }).ok());
  absl::StatusOr<Conversation> found = FindConversation("cnv_1");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->booking_id, "bkg_g");
  EXPECT_EQ(found->version, 2);
  EXPECT_EQ(found->update_time, kT0 + absl::Minutes(2));
  EXPECT_EQ(found->last_message_seq, 1);
  EXPECT_EQ(found->last_activity_time, kT0 + absl::Minutes(1));

  absl::Status again = Write([&](Tx& tx) { return tx.conversations().Update(stale, 1); });
  EXPECT_EQ(again.code(), absl::StatusCode::kAborted);
  EXPECT_EQ(ReasonOf(again), v1::ETAG_MISMATCH);
  stale.id = "cnv_nope";
  EXPECT_EQ(Write([&](Tx& tx) { return tx.conversations().Update(stale, 2); }).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteConversationRepositoriesTest, ListForUserNewestActivityFirstWithKeysetPaging) {
  ASSERT_TRUE(Write([](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.conversations().Insert(MakeConversation("cnv_1", "job_1", "", "usr_s")));
    GW_RETURN_IF_ERROR(tx.conversations().Insert(MakeConversation("cnv_2", "job_1", "", "usr_s2")));
    GW_RETURN_IF_ERROR(tx.conversations().Insert(MakeConversation("cnv_3", "job_2", "", "usr_s")));
    GW_RETURN_IF_ERROR(tx.conversations().Insert(MakeConversation("cnv_4", "", "bkg_g", "usr_s")));
    GW_RETURN_IF_ERROR(tx.conversations().AddAdmin("cnv_2", "usr_admin", kT0));
    // Activity: cnv_1 newest, then cnv_2; cnv_3 and cnv_4 tie at kT0.
    GW_RETURN_IF_ERROR(
        tx.messages().Append(MakeMessage("msg_1", "cnv_2", "usr_b", kT0 + absl::Minutes(1)))
            .status());
    return tx.messages().Append(MakeMessage("msg_2", "cnv_1", "usr_s", kT0 + absl::Minutes(2)))
        .status();
  }).ok());
  auto list = [&](const std::string& user, std::optional<ListCursor> after, int limit) {
    return Read<std::vector<Conversation>>([&](Tx& tx) {
      return tx.conversations().ListForUser({user, after, limit});
    });
  };
  absl::StatusOr<std::vector<Conversation>> all = list("usr_b", std::nullopt, 10);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_THAT(Ids(*all), ElementsAre("cnv_1", "cnv_2", "cnv_4", "cnv_3"));
  EXPECT_THAT(Ids(*list("usr_s", std::nullopt, 10)), ElementsAre("cnv_1", "cnv_4", "cnv_3"));
  EXPECT_THAT(Ids(*list("usr_s2", std::nullopt, 10)), ElementsAre("cnv_2"));
  std::vector<Conversation> admin = *list("usr_admin", std::nullopt, 10);
  ASSERT_THAT(Ids(admin), ElementsAre("cnv_2"));
  EXPECT_THAT(admin[0].admin_ids, ElementsAre("usr_admin"));
  EXPECT_THAT(*list("usr_admin2", std::nullopt, 10), IsEmpty());

  std::vector<Conversation> first = *list("usr_b", std::nullopt, 2);
  ASSERT_THAT(Ids(first), ElementsAre("cnv_1", "cnv_2"));
  ListCursor cursor{first.back().last_activity_time, first.back().id};
  std::vector<Conversation> second = *list("usr_b", cursor, 1);
  ASSERT_THAT(Ids(second), ElementsAre("cnv_4"));
  cursor = {second.back().last_activity_time, second.back().id};  // inside the tie
  EXPECT_THAT(Ids(*list("usr_b", cursor, 2)), ElementsAre("cnv_3"));
}

// ---- messages ----

TEST_F(SqliteConversationRepositoriesTest, MessagesAreNumberedPerConversationInAppendOrder) {
  ASSERT_TRUE(Write([](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.conversations().Insert(MakeConversation("cnv_1", "job_1", "", "usr_s")));
    return tx.conversations().Insert(MakeConversation("cnv_2", "job_1", "", "usr_s2"));
  }).ok());
  for (int i = 1; i <= 200; ++i) {
    const std::string conversation = i % 4 == 0 ? "cnv_2" : "cnv_1";
    absl::StatusOr<int64_t> seq = Append(MakeMessage(
        absl::StrCat("msg_", i), conversation, i % 2 ? "usr_b" : "usr_s", kT0 + absl::Seconds(i)));
    ASSERT_TRUE(seq.ok()) << seq.status();
    EXPECT_EQ(*seq, i % 4 == 0 ? i / 4 : i - i / 4);
  }
  EXPECT_EQ(FindConversation("cnv_1")->last_message_seq, 150);
  EXPECT_EQ(FindConversation("cnv_2")->last_message_seq, 50);
  EXPECT_EQ(FindConversation("cnv_2")->last_activity_time, kT0 + absl::Seconds(200));
  EXPECT_EQ(FindConversation("cnv_2")->version, 1);  // messages never bump it

  // An earlier clock does not move the activity back.
  ASSERT_TRUE(Append(MakeMessage("msg_late", "cnv_2", "usr_b", kT0)).ok());
  EXPECT_EQ(FindConversation("cnv_2")->last_activity_time, kT0 + absl::Seconds(200));

  absl::StatusOr<int64_t> dup = Append(MakeMessage("msg_1", "cnv_2", "usr_b"));
  EXPECT_EQ(dup.status().code(), absl::StatusCode::kAlreadyExists) << dup.status();
  EXPECT_EQ(FindConversation("cnv_2")->last_message_seq, 51);  // the clash changed nothing
  EXPECT_EQ(Append(MakeMessage("msg_x", "cnv_nope", "usr_b")).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteConversationRepositoriesTest, MessageRoundTripsAndHides) {
  ASSERT_TRUE(Write([](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.conversations().Insert(MakeConversation("cnv_1", "job_1", "", "usr_s")));
    GW_RETURN_IF_ERROR(tx.files().Insert(MakeFile("fil_2", "usr_b", kSha1, 10)));
    return tx.files().Insert(MakeFile("fil_1", "usr_b", kSha2, 20));
  }).ok());
  Message m = MakeMessage("msg_1", "cnv_1", "usr_b", kT0 + absl::Seconds(5));
  m.attachment_ids = {"fil_2", "fil_1"};
  ASSERT_EQ(*Append(m), 1);
  m.seq = 1;
  auto find = [&](const std::string& id) {
    return Read<Message>([&](Tx& tx) { return tx.messages().FindById(id); });
  };
  EXPECT_EQ(Fields(*find("msg_1")), Fields(m));
  ASSERT_TRUE(Write([](Tx& tx) {
    return tx.messages().Hide("msg_1", "usr_admin", "Phone number", kT0 + absl::Hours(1));
  }).ok());
  m.hidden = true;
  m.hidden_by = "usr_admin";
  m.hidden_reason = "Phone number";
  m.hide_time = kT0 + absl::Hours(1);
  EXPECT_EQ(Fields(*find("msg_1")), Fields(m));
  EXPECT_EQ(find("msg_nope").status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Write([](Tx& tx) { return tx.messages().Hide("msg_nope", "usr_admin", "x", kT0); })
                .code(),
            absl::StatusCode::kNotFound);

  // An attachment already attached aborts the whole message.
  Message again = MakeMessage("msg_2", "cnv_1", "usr_b");
  again.attachment_ids = {"fil_1"};
  absl::StatusOr<int64_t> seq = Append(again);
  EXPECT_EQ(seq.status().code(), absl::StatusCode::kAborted) << seq.status();
  EXPECT_EQ(find("msg_2").status().code(), absl::StatusCode::kNotFound);
  again.attachment_ids = {"fil_nope"};
  EXPECT_EQ(Append(again).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FindConversation("cnv_1")->last_message_seq, 1);
}

TEST_F(SqliteConversationRepositoriesTest, MessagesPageBothWaysInAscendingOrder) {
  ASSERT_TRUE(Write([](Tx& tx) {
    return tx.conversations().Insert(MakeConversation("cnv_1", "job_1", "", "usr_s"));
  }).ok());
  for (int i = 1; i <= 7; ++i) ASSERT_TRUE(Append(MakeMessage(absl::StrCat("msg_", i), "cnv_1", "usr_b")).ok());
  auto seqs = [&](int64_t before, int64_t after, int limit) {
    return Seqs(*ListMessages({"cnv_1", before, after, limit}));
  };
  EXPECT_THAT(seqs(MessageQuery::kLatest, 0, 3), ElementsAre(5, 6, 7));
  EXPECT_THAT(seqs(5, 0, 3), ElementsAre(2, 3, 4));
  EXPECT_THAT(seqs(2, 0, 3), ElementsAre(1));
  EXPECT_THAT(seqs(1, 0, 3), IsEmpty());
  EXPECT_THAT(seqs(0, 0, 3), ElementsAre(1, 2, 3));
  EXPECT_THAT(seqs(0, 3, 3), ElementsAre(4, 5, 6));
  EXPECT_THAT(seqs(0, 6, 3), ElementsAre(7));
  EXPECT_THAT(seqs(0, 7, 3), IsEmpty());
  EXPECT_EQ(ListMessages({"cnv_1", 5, 2, 3}).status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(*ListMessages({"cnv_nope", MessageQuery::kLatest, 0, 3}), IsEmpty());
}

TEST_F(SqliteConversationRepositoriesTest, UnreadCountsFollowReadMarksThatNeverMoveBack) {
  ASSERT_TRUE(Write([](Tx& tx) {
    return tx.conversations().Insert(MakeConversation("cnv_1", "job_1", "", "usr_s"));
  }).ok());
  // 1 b, 2 s, 3 s, 4 b, 5 s
  const std::vector<std::string> senders = {"usr_b", "usr_s", "usr_s", "usr_b", "usr_s"};
  for (size_t i = 0; i < senders.size(); ++i) {
    ASSERT_TRUE(Append(MakeMessage(absl::StrCat("msg_", i + 1), "cnv_1", senders[i])).ok());
  }
  EXPECT_EQ(*Unread("cnv_1", "usr_b"), 3);  // not their own
  EXPECT_EQ(*Unread("cnv_1", "usr_s"), 2);
  absl::StatusOr<ReadMark> none =
      Read<ReadMark>([](Tx& tx) { return tx.messages().GetReadMark("cnv_1", "usr_b"); });
  EXPECT_EQ(none->last_read_seq, 0);

  absl::StatusOr<ReadMark> mark = SetMark("cnv_1", "usr_b", 3, kT0 + absl::Minutes(1));
  ASSERT_TRUE(mark.ok()) << mark.status();
  EXPECT_EQ(mark->last_read_seq, 3);
  EXPECT_EQ(mark->update_time, kT0 + absl::Minutes(1));
  EXPECT_EQ(*Unread("cnv_1", "usr_b"), 1);

  mark = SetMark("cnv_1", "usr_b", 2, kT0 + absl::Minutes(2));  // late and older: ignored
  EXPECT_EQ(mark->last_read_seq, 3);
  EXPECT_EQ(mark->update_time, kT0 + absl::Minutes(1));
  EXPECT_EQ(*Unread("cnv_1", "usr_b"), 1);

  mark = SetMark("cnv_1", "usr_b", 99, kT0 + absl::Minutes(3));  // capped at the last message
  EXPECT_EQ(mark->last_read_seq, 5);
  EXPECT_EQ(*Unread("cnv_1", "usr_b"), 0);
  ASSERT_TRUE(Append(MakeMessage("msg_6", "cnv_1", "usr_s")).ok());
  EXPECT_EQ(*Unread("cnv_1", "usr_b"), 1);  // the new message is unread
  EXPECT_EQ(*Unread("cnv_1", "usr_s"), 2);  // the other's mark is their own
  EXPECT_EQ(SetMark("cnv_nope", "usr_b", 1, kT0).status().code(), absl::StatusCode::kNotFound);
}

// ---- blocks ----

TEST_F(SqliteConversationRepositoriesTest, BlocksCountEitherWayUntilUnblocked) {
  auto blocked = [&](const std::string& a, const std::string& b) {
    return *Read<bool>([&](Tx& tx) { return tx.blocks().IsBlockedEitherWay(a, b); });
  };
  EXPECT_FALSE(blocked("usr_b", "usr_s"));
  ASSERT_TRUE(Write([](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.blocks().Block("usr_s", "usr_b", kT0));
    GW_RETURN_IF_ERROR(tx.blocks().Block("usr_s", "usr_b", kT0 + absl::Hours(1)));  // again
    return tx.blocks().Block("usr_s", "usr_s2", kT0 + absl::Minutes(1));
  }).ok());
  EXPECT_TRUE(blocked("usr_b", "usr_s"));
  EXPECT_TRUE(blocked("usr_s", "usr_b"));
  EXPECT_FALSE(blocked("usr_b", "usr_s2"));
  std::vector<Block> list =
      *Read<std::vector<Block>>([](Tx& tx) { return tx.blocks().ListByBlocker("usr_s"); });
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].blocked_id, "usr_s2");
  EXPECT_EQ(list[1].blocked_id, "usr_b");
  EXPECT_EQ(list[1].create_time, kT0);  // the first block's time stays
  EXPECT_EQ(Write([](Tx& tx) { return tx.blocks().Block("usr_b", "usr_b", kT0); }).code(),
            absl::StatusCode::kInternal);

  ASSERT_TRUE(Write([](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.blocks().Unblock("usr_b", "usr_s"));  // not theirs: no-op
    return absl::OkStatus();
  }).ok());
  EXPECT_TRUE(blocked("usr_b", "usr_s"));
  ASSERT_TRUE(Write([](Tx& tx) { return tx.blocks().Unblock("usr_s", "usr_b"); }).ok());
  EXPECT_FALSE(blocked("usr_b", "usr_s"));
}

// ---- files ----

TEST_F(SqliteConversationRepositoriesTest, FileRoundTripsAndAttachesOnce) {
  StoredFile f = MakeFile("fil_1", "usr_s", kSha1, 1234);
  ASSERT_TRUE(Write([&](Tx& tx) { return tx.files().Insert(f); }).ok());
  auto find = [&](const std::string& id) {
    return Read<StoredFile>([&](Tx& tx) { return tx.files().FindById(id); });
  };
  EXPECT_EQ(Fields(*find("fil_1")), Fields(f));
  EXPECT_EQ(Write([&](Tx& tx) { return tx.files().Insert(f); }).code(),
            absl::StatusCode::kAlreadyExists);

  auto attach = [&](const std::string& id, AttachmentKind kind, const std::string& to) {
    return Write([&](Tx& tx) { return tx.files().Attach(id, kind, to, kT0 + absl::Hours(1)); });
  };
  ASSERT_TRUE(attach("fil_1", AttachmentKind::kDelivery, "bkg_g").ok());
  f.attached_kind = AttachmentKind::kDelivery;
  f.attached_to_id = "bkg_g";
  f.attach_time = kT0 + absl::Hours(1);
  EXPECT_EQ(Fields(*find("fil_1")), Fields(f));
  absl::Status again = attach("fil_1", AttachmentKind::kGig, "gig_1");
  EXPECT_EQ(again.code(), absl::StatusCode::kAborted) << again;
  EXPECT_EQ(ReasonOf(again), v1::ETAG_MISMATCH);
  EXPECT_EQ(Fields(*find("fil_1")), Fields(f));
  EXPECT_EQ(attach("fil_nope", AttachmentKind::kGig, "gig_1").code(),
            absl::StatusCode::kNotFound);
  ASSERT_TRUE(Write([](Tx& tx) { return tx.files().Insert(MakeFile("fil_2", "usr_s", kSha1, 1)); })
                  .ok());
  EXPECT_EQ(attach("fil_2", AttachmentKind::kNone, "gig_1").code(), absl::StatusCode::kInternal);
  EXPECT_EQ(attach("fil_2", AttachmentKind::kGig, "").code(), absl::StatusCode::kInternal);
}

TEST_F(SqliteConversationRepositoriesTest, AttachedFilesListInAttachOrderEvenAfterADelete) {
  ASSERT_TRUE(Write([](Tx& tx) -> absl::Status {
    for (const char* id : {"fil_a", "fil_b", "fil_c", "fil_d", "fil_e"}) {
      GW_RETURN_IF_ERROR(tx.files().Insert(MakeFile(id, "usr_s", kSha1, 1)));
    }
    GW_RETURN_IF_ERROR(tx.files().Attach("fil_c", AttachmentKind::kGig, "gig_1", kT0));
    GW_RETURN_IF_ERROR(tx.files().Attach("fil_a", AttachmentKind::kGig, "gig_1", kT0));
    GW_RETURN_IF_ERROR(tx.files().Attach("fil_b", AttachmentKind::kPortfolioItem, "gig_1", kT0));
    return tx.files().Attach("fil_d", AttachmentKind::kGig, "gig_1", kT0);
  }).ok());
  auto attached = [&](AttachmentKind kind, const std::string& to) {
    return Ids(*Read<std::vector<StoredFile>>(
        [&](Tx& tx) { return tx.files().ListAttached(kind, to); }));
  };
  EXPECT_THAT(attached(AttachmentKind::kGig, "gig_1"), ElementsAre("fil_c", "fil_a", "fil_d"));
  EXPECT_THAT(attached(AttachmentKind::kPortfolioItem, "gig_1"), ElementsAre("fil_b"));
  EXPECT_THAT(attached(AttachmentKind::kNone, ""), IsEmpty());
  ASSERT_TRUE(Write([](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.files().Delete("fil_a"));
    return tx.files().Attach("fil_e", AttachmentKind::kGig, "gig_1", kT0);
  }).ok());
  EXPECT_THAT(attached(AttachmentKind::kGig, "gig_1"), ElementsAre("fil_c", "fil_d", "fil_e"));
  EXPECT_EQ(Write([](Tx& tx) { return tx.files().Delete("fil_a"); }).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteConversationRepositoriesTest, QuotaUnattachedAndReferenceCounts) {
  ASSERT_TRUE(Write([](Tx& tx) -> absl::Status {
    GW_RETURN_IF_ERROR(tx.files().Insert(MakeFile("fil_1", "usr_s", kSha1, 100, kT0)));
    GW_RETURN_IF_ERROR(tx.files().Insert(MakeFile("fil_2", "usr_s", kSha1, 100, kT0 + absl::Hours(1))));
    GW_RETURN_IF_ERROR(tx.files().Insert(MakeFile("fil_3", "usr_s", kSha2, 5, kT0 + absl::Hours(2))));
    GW_RETURN_IF_ERROR(tx.files().Insert(MakeFile("fil_4", "usr_b", kSha2, 7, kT0 + absl::Hours(3))));
    return tx.files().Attach("fil_2", AttachmentKind::kGig, "gig_1", kT0 + absl::Hours(4));
  }).ok());
  auto total = [&](const std::string& owner) {
    return *Read<int64_t>([&](Tx& tx) { return tx.files().TotalBytesOf(owner); });
  };
  EXPECT_EQ(total("usr_s"), 205);  // identical uploads count each time
  EXPECT_EQ(total("usr_b"), 7);
  EXPECT_EQ(total("usr_admin"), 0);

  auto unattached = [&](absl::Time cutoff, int limit) {
    return Ids(*Read<std::vector<StoredFile>>(
        [&](Tx& tx) { return tx.files().ListUnattachedBefore(cutoff, limit); }));
  };
  EXPECT_THAT(unattached(kT0 + absl::Hours(10), 10), ElementsAre("fil_1", "fil_3", "fil_4"));
  EXPECT_THAT(unattached(kT0 + absl::Hours(10), 2), ElementsAre("fil_1", "fil_3"));
  EXPECT_THAT(unattached(kT0 + absl::Hours(2), 10), ElementsAre("fil_1"));
  EXPECT_THAT(unattached(kT0, 10), IsEmpty());

  auto references = [&](const std::string& sha) {
    return *Read<int64_t>([&](Tx& tx) { return tx.files().CountReferences(sha); });
  };
  EXPECT_EQ(references(kSha1), 2);
  EXPECT_EQ(references(kSha2), 2);
  ASSERT_TRUE(Write([](Tx& tx) { return tx.files().Delete("fil_1"); }).ok());
  EXPECT_EQ(references(kSha1), 1);
  ASSERT_TRUE(Write([](Tx& tx) { return tx.files().Delete("fil_2"); }).ok());
  EXPECT_EQ(references(kSha1), 0);  // now the blob may go
  EXPECT_EQ(total("usr_s"), 5);
}

TEST_F(SqliteConversationRepositoriesTest, FileRowsRefuseMalformedDigestsAndSizes) {
  auto insert = [&](const StoredFile& f) {
    return Write([&](Tx& tx) { return tx.files().Insert(f); }).code();
  };
  EXPECT_EQ(insert(MakeFile("fil_1", "usr_s", std::string(64, 'A'), 1)),
            absl::StatusCode::kInternal);  // upper case
  EXPECT_EQ(insert(MakeFile("fil_1", "usr_s", std::string(63, 'a'), 1)),
            absl::StatusCode::kInternal);
  EXPECT_EQ(insert(MakeFile("fil_1", "usr_s", std::string(63, 'a') + "g", 1)),
            absl::StatusCode::kInternal);
  EXPECT_EQ(insert(MakeFile("fil_1", "usr_s", kSha1, -1)), absl::StatusCode::kInternal);
  EXPECT_EQ(insert(MakeFile("fil_1", "usr_nobody", kSha1, 1)), absl::StatusCode::kInternal);
  EXPECT_EQ(insert(MakeFile("fil_1", "usr_s", kSha1, 0)), absl::StatusCode::kOk);
}

}  // namespace
}  // namespace gigwire
