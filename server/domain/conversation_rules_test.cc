// The pure messaging rules (conversation_rules.h): roles, who may write,
// allowed actions, what a hidden message keeps, message limits, page sizes.
#include "server/domain/conversation_rules.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Principal Of(const std::string& id, std::vector<Role> roles) {
  Principal p;
  p.user_id = id;
  for (Role r : roles) p.roles.Add(r);
  return p;
}

class ConversationRulesTest : public ::testing::Test {
 protected:
  ConversationRulesTest() {
    conversation_.id = "cnv_1";
    conversation_.buyer_id = "usr_b";
    conversation_.seller_id = "usr_s";
    conversation_.admin_ids = {"usr_joined"};
  }
  Conversation conversation_;
  const Principal buyer_ = Of("usr_b", {Role::kBuyer});
  const Principal seller_ = Of("usr_s", {Role::kSeller});
  const Principal stranger_ = Of("usr_x", {Role::kBuyer, Role::kSeller});
  const Principal admin_ = Of("usr_a", {Role::kAdmin});
  const Principal joined_ = Of("usr_joined", {Role::kAdmin});
};

TEST_F(ConversationRulesTest, Roles) {
  EXPECT_EQ(RoleIn(buyer_, conversation_), ConversationRole::kBuyer);
  EXPECT_EQ(RoleIn(seller_, conversation_), ConversationRole::kSeller);
  EXPECT_EQ(RoleIn(stranger_, conversation_), ConversationRole::kStranger);
  EXPECT_EQ(RoleIn(admin_, conversation_), ConversationRole::kAdmin);
  EXPECT_EQ(RoleIn(joined_, conversation_), ConversationRole::kJoinedAdmin);
  // A user named in admin_ids without the admin role (revoked) is no admin.
  EXPECT_EQ(RoleIn(Of("usr_joined", {}), conversation_), ConversationRole::kStranger);
  EXPECT_EQ(RoleIn(Principal{}, conversation_), ConversationRole::kStranger);
}

TEST_F(ConversationRulesTest, WhoMayWrite) {
  EXPECT_TRUE(CheckMayWrite(buyer_, conversation_).ok());
  EXPECT_TRUE(CheckMayWrite(seller_, conversation_).ok());
  EXPECT_TRUE(CheckMayWrite(joined_, conversation_).ok());
  EXPECT_EQ(ReasonOf(CheckMayWrite(admin_, conversation_)), v1::NOT_RESOURCE_OWNER);
  EXPECT_EQ(ReasonOf(CheckMayWrite(stranger_, conversation_)), v1::RESOURCE_NOT_FOUND);
  conversation_.blocked = true;
  for (const Principal* writer : {&buyer_, &seller_, &joined_}) {
    const absl::Status status = CheckMayWrite(*writer, conversation_);
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(ReasonOf(status), v1::USER_BLOCKED);
  }
}

TEST_F(ConversationRulesTest, AllowedActions) {
  EXPECT_THAT(ConversationActions(buyer_, conversation_), ElementsAre("send", "mark_read"));
  EXPECT_THAT(ConversationActions(admin_, conversation_), ElementsAre("join", "hide"));
  EXPECT_THAT(ConversationActions(joined_, conversation_), ElementsAre("send", "hide"));
  EXPECT_THAT(ConversationActions(stranger_, conversation_), IsEmpty());
  conversation_.blocked = true;
  EXPECT_THAT(ConversationActions(seller_, conversation_), ElementsAre("mark_read"));
  EXPECT_THAT(ConversationActions(joined_, conversation_), ElementsAre("hide"));
}

TEST_F(ConversationRulesTest, HiddenMessagesKeepOnlyThatTheyWereHidden) {
  Message m;
  m.id = "msg_1";
  m.text = "call me";
  m.attachment_ids = {"fil_1"};
  m.attachments.resize(1);
  m.hidden_by = "usr_a";
  m.hidden_reason = "contact details";
  EXPECT_EQ(Redacted(m).text, "call me");  // not hidden: as it is
  m.hidden = true;
  m.hide_time = absl::FromUnixSeconds(10);
  const Message redacted = Redacted(m);
  EXPECT_TRUE(redacted.hidden);
  EXPECT_EQ(redacted.id, "msg_1");
  EXPECT_EQ(redacted.hide_time, m.hide_time);
  EXPECT_EQ(redacted.text, "");
  EXPECT_THAT(redacted.attachment_ids, IsEmpty());
  EXPECT_THAT(redacted.attachments, IsEmpty());
  EXPECT_EQ(redacted.hidden_by, "");
  EXPECT_EQ(redacted.hidden_reason, "");
  EXPECT_EQ(MessageForViewer(buyer_, m).text, "");
  EXPECT_EQ(MessageForViewer(admin_, m).text, "call me");
  EXPECT_EQ(MessageForViewer(admin_, m).hidden_reason, "contact details");
}

TEST_F(ConversationRulesTest, MessageLimits) {
  EXPECT_TRUE(CheckNewMessage(std::string(10'000, 'a'), {}).ok());
  EXPECT_EQ(ReasonOf(CheckNewMessage(std::string(10'001, 'a'), {})), v1::INVALID_FIELDS);
  std::string emoji;  // four bytes each: code points count, not bytes
  for (int i = 0; i < 10'000; ++i) emoji += "\xF0\x9F\x98\x80";
  EXPECT_TRUE(CheckNewMessage(emoji, {}).ok());
  EXPECT_FALSE(CheckNewMessage("\xC3", {}).ok());  // invalid UTF-8
  EXPECT_FALSE(CheckNewMessage("", {}).ok());
  EXPECT_TRUE(CheckNewMessage("", {"fil_1"}).ok());
  EXPECT_FALSE(CheckNewMessage("twice", {"fil_1", "fil_1"}).ok());
  EXPECT_FALSE(CheckNewMessage("empty id", {""}).ok());
  EXPECT_TRUE(CheckNewMessage("ten", std::vector<std::string>{"fil_0", "fil_1", "fil_2", "fil_3",
                                                              "fil_4", "fil_5", "fil_6", "fil_7",
                                                              "fil_8", "fil_9"})
                  .ok());
  EXPECT_TRUE(CheckHideReason(std::string(500, 'r')).ok());
  EXPECT_FALSE(CheckHideReason(std::string(501, 'r')).ok());
  EXPECT_FALSE(CheckHideReason("").ok());
}

TEST_F(ConversationRulesTest, PageSizes) {
  EXPECT_EQ(*ResolveBoundedPageSize(0, 50, 200), 50);
  EXPECT_EQ(*ResolveBoundedPageSize(1, 50, 200), 1);
  EXPECT_EQ(*ResolveBoundedPageSize(1000, 50, 200), 200);
  EXPECT_EQ(ReasonOf(ResolveBoundedPageSize(-1, 50, 200).status()), v1::INVALID_FIELDS);
}

}  // namespace
}  // namespace gigwire
