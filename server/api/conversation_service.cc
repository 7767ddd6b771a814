// ConversationService handlers (rules in server/domain/conversations.h).
#include "absl/strings/str_cat.h"
#include "server/api/conversation_convert.h"
#include "server/api/conversation_services.h"
#include "server/api/request_key.h"
#include "server/common/status.h"

namespace gigwire {
namespace {

using grpc::ServerContext;
using grpc::Status;

constexpr char kService[] = "/gigwire.v1.ConversationService/";

// Sends the conversation a domain call returned, with the caller's actions.
absl::Status Reply(const CallInfo& call, absl::StatusOr<Conversation> conversation,
                   v1::Conversation* out) {
  GW_RETURN_IF_ERROR(conversation.status());
  ToProto(*conversation, call.principal, out);
  return absl::OkStatus();
}

absl::Status Reply(absl::StatusOr<Message> message, v1::Message* out) {
  GW_RETURN_IF_ERROR(message.status());
  ToProto(*message, out);
  return absl::OkStatus();
}

std::string MethodName(absl::string_view method) { return absl::StrCat(kService, method); }

}  // namespace

Status ConversationServiceImpl::OpenConversation(ServerContext* ctx,
                                                 const v1::OpenConversationRequest* req,
                                                 v1::Conversation* resp) {
  return rpc_.Run(ctx, MethodName("OpenConversation"), Access::kAuthenticated,
                  [&](const CallInfo& call) {
                    ConversationTarget target{req->job_id(), req->booking_id(),
                                              req->seller_id()};
                    return Reply(call,
                                 conversations_.Open(*call.principal, target,
                                                     MakeRequestKey(call, "OpenConversation",
                                                                    *req)),
                                 resp);
                  });
}

Status ConversationServiceImpl::GetConversation(ServerContext* ctx,
                                                const v1::GetConversationRequest* req,
                                                v1::Conversation* resp) {
  return rpc_.Run(ctx, MethodName("GetConversation"), Access::kAuthenticated,
                  [&](const CallInfo& call) {
                    return Reply(call, conversations_.Get(*call.principal, req->id()), resp);
                  });
}

Status ConversationServiceImpl::ListConversations(ServerContext* ctx,
                                                  const v1::ListConversationsRequest* req,
                                                  v1::ListConversationsResponse* resp) {
  return rpc_.Run(
      ctx, MethodName("ListConversations"), Access::kAuthenticated,
      [&](const CallInfo& call) -> absl::Status {
        GW_ASSIGN_OR_RETURN(ConversationPage page,
                            conversations_.List(*call.principal, req->user_id(),
                                                req->page_size(), req->page_token()));
        for (const Conversation& c : page.conversations) {
          ToProto(c, call.principal, resp->add_conversations());
        }
        resp->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

Status ConversationServiceImpl::SendMessage(ServerContext* ctx, const v1::SendMessageRequest* req,
                                            v1::Message* resp) {
  return rpc_.Run(
      ctx, MethodName("SendMessage"), Access::kAuthenticated,
      [&](const CallInfo& call) -> absl::Status {
        GW_RETURN_IF_ERROR(
            rpc_.limits().per_sender_message().Acquire(call.principal->user_id));
        NewMessage message{req->conversation_id(), req->text(),
                           {req->attachment_ids().begin(), req->attachment_ids().end()}};
        return Reply(conversations_.Send(*call.principal, message,
                                         MakeRequestKey(call, "SendMessage", *req)),
                     resp);
      });
}

Status ConversationServiceImpl::ListMessages(ServerContext* ctx,
                                             const v1::ListMessagesRequest* req,
                                             v1::ListMessagesResponse* resp) {
  return rpc_.Run(
      ctx, MethodName("ListMessages"), Access::kAuthenticated,
      [&](const CallInfo& call) -> absl::Status {
        MessagePageRequest request{req->conversation_id(), req->before_message_id(),
                                   req->after_message_id(), req->page_size()};
        GW_ASSIGN_OR_RETURN(MessagePage page,
                            conversations_.ListMessages(*call.principal, request));
        for (const Message& m : page.messages) ToProto(m, resp->add_messages());
        resp->set_has_older(page.has_older);
        resp->set_has_newer(page.has_newer);
        return absl::OkStatus();
      });
}

Status ConversationServiceImpl::MarkRead(ServerContext* ctx, const v1::MarkReadRequest* req,
                                         v1::ReadReceipt* resp) {
  return rpc_.Run(ctx, MethodName("MarkRead"), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(ReadMark mark,
                                        conversations_.MarkRead(*call.principal,
                                                                req->conversation_id(),
                                                                req->message_id()));
                    ToProto(mark, resp);
                    return absl::OkStatus();
                  });
}

Status ConversationServiceImpl::HideMessage(ServerContext* ctx, const v1::HideMessageRequest* req,
                                            v1::Message* resp) {
  return rpc_.Run(ctx, MethodName("HideMessage"), Access::kAuthenticated,
                  [&](const CallInfo& call) {
                    return Reply(conversations_.Hide(*call.principal, req->id(), req->reason(),
                                                     MakeRequestKey(call, "HideMessage", *req)),
                                 resp);
                  });
}

Status ConversationServiceImpl::JoinConversation(ServerContext* ctx,
                                                 const v1::JoinConversationRequest* req,
                                                 v1::Conversation* resp) {
  return rpc_.Run(ctx, MethodName("JoinConversation"), Access::kAuthenticated,
                  [&](const CallInfo& call) {
                    return Reply(call, conversations_.Join(*call.principal, req->id()), resp);
                  });
}

Status ConversationServiceImpl::BlockUser(ServerContext* ctx, const v1::BlockUserRequest* req,
                                          v1::BlockUserResponse*) {
  return rpc_.Run(ctx, MethodName("BlockUser"), Access::kAuthenticated,
                  [&](const CallInfo& call) {
                    return conversations_.Block(*call.principal, req->user_id());
                  });
}

Status ConversationServiceImpl::UnblockUser(ServerContext* ctx, const v1::UnblockUserRequest* req,
                                            v1::UnblockUserResponse*) {
  return rpc_.Run(ctx, MethodName("UnblockUser"), Access::kAuthenticated,
                  [&](const CallInfo& call) {
                    return conversations_.Unblock(*call.principal, req->user_id());
                  });
}

Status ConversationServiceImpl::ListBlockedUsers(ServerContext* ctx,
                                                 const v1::ListBlockedUsersRequest*,
                                                 v1::ListBlockedUsersResponse* resp) {
  return rpc_.Run(ctx, MethodName("ListBlockedUsers"), Access::kAuthenticated,
                  [&](const CallInfo& call) -> absl::Status {
                    GW_ASSIGN_OR_RETURN(std::vector<Block> blocks,
                                        conversations_.ListBlocked(*call.principal));
                    for (const Block& b : blocks) ToProto(b, resp->add_blocked_users());
                    return absl::OkStatus();
                  });
}

}  // namespace gigwire
