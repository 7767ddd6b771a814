// gRPC handlers of ConversationService (issue 16): messaging between buyers
// and sellers. Each handler converts its request, calls one method of
// Conversations (server/domain/conversations.h) through RpcRunner (auth,
// rate limits, logging, the one status conversion) and converts the answer.
// SendMessage also takes a token of the per-sender message limit
// (RateLimits::per_sender_message: RESOURCE_EXHAUSTED, RATE_LIMITED). No
// rules here.
//
// Thread safety: as the domain object it calls (thread-safe).
#ifndef GIGWIRE_SERVER_API_CONVERSATION_SERVICES_H_
#define GIGWIRE_SERVER_API_CONVERSATION_SERVICES_H_

#include "gigwire/v1/conversation.grpc.pb.h"
#include "server/api/rpc_runner.h"
#include "server/domain/conversations.h"

namespace gigwire {

class ConversationServiceImpl final : public v1::ConversationService::Service {
 public:
  ConversationServiceImpl(RpcRunner& rpc, Conversations& conversations)
      : rpc_(rpc), conversations_(conversations) {}
  grpc::Status OpenConversation(grpc::ServerContext*, const v1::OpenConversationRequest*,
                                v1::Conversation*) override;
  grpc::Status GetConversation(grpc::ServerContext*, const v1::GetConversationRequest*,
                               v1::Conversation*) override;
  grpc::Status ListConversations(grpc::ServerContext*, const v1::ListConversationsRequest*,
                                 v1::ListConversationsResponse*) override;
  grpc::Status SendMessage(grpc::ServerContext*, const v1::SendMessageRequest*,
                           v1::Message*) override;
  grpc::Status ListMessages(grpc::ServerContext*, const v1::ListMessagesRequest*,
                            v1::ListMessagesResponse*) override;
  grpc::Status MarkRead(grpc::ServerContext*, const v1::MarkReadRequest*,
                        v1::ReadReceipt*) override;
  grpc::Status HideMessage(grpc::ServerContext*, const v1::HideMessageRequest*,
                           v1::Message*) override;
  grpc::Status JoinConversation(grpc::ServerContext*, const v1::JoinConversationRequest*,
                                v1::Conversation*) override;
  grpc::Status BlockUser(grpc::ServerContext*, const v1::BlockUserRequest*,
                         v1::BlockUserResponse*) override;
  grpc::Status UnblockUser(grpc::ServerContext*, const v1::UnblockUserRequest*,
                           v1::UnblockUserResponse*) override;
  grpc::Status ListBlockedUsers(grpc::ServerContext*, const v1::ListBlockedUsersRequest*,
                                v1::ListBlockedUsersResponse*) override;

 private:
  RpcRunner& rpc_;
  Conversations& conversations_;
};

}  // namespace gigwire

#endif  // GIGWIRE_SERVER_API_CONVERSATION_SERVICES_H_
