// Conversation helpers (ConversationService): every message of a conversation
// in order across ListMessages pages, and the filter that keeps one
// conversation's events of a watch (GigwireClient.watchConversation).
import type { Client } from "@connectrpc/connect";
import type { ConversationService, Message } from "./gen/gigwire/v1/conversation_pb.js";
import type { Event } from "./gen/gigwire/v1/event_pb.js";
import { EventType } from "./gen/gigwire/v1/event_type_pb.js";

/** The event types of a conversation's life after it started. */
export const CONVERSATION_EVENT_TYPES: readonly EventType[] = [
  EventType.CONVERSATION_JOINED,
  EventType.MESSAGE_SENT,
  EventType.MESSAGES_READ,
  EventType.MESSAGE_HIDDEN,
];

/** The conversation an event is about ("" for events of other resources). */
export function conversationIdOf(event: Event): string {
  const resource = event.resource;
  switch (resource.case) {
    case "message":
      return resource.value.conversationId;
    case "readReceipt":
      return resource.value.conversationId;
    case "conversation":
      return resource.value.id;
    default:
      return "";
  }
}

/** Options of GigwireClient.messages. */
export interface MessagesOptions {
  /** Only the messages after this one (to catch up), fetched page by page. */
  readonly afterMessageId?: string;
  /** Messages per ListMessages call, 1..200 (default 100). */
  readonly pageSize?: number;
  readonly signal?: AbortSignal;
}

/** The messages of a conversation, oldest first; see GigwireClient.messages. */
export async function* listAllMessages(
  conversations: Client<typeof ConversationService>,
  conversationId: string,
  options: MessagesOptions = {},
): AsyncGenerator<Message> {
  const pageSize = options.pageSize ?? 100;
  const call = { signal: options.signal };
  let after = options.afterMessageId ?? "";
  if (after === "") {
    const pages: Message[][] = [];
    for (let before = ""; ; ) {
      const page = await conversations.listMessages({ conversationId, beforeMessageId: before, pageSize }, call);
      pages.push(page.messages);
      if (!page.hasOlder || page.messages.length === 0) break;
      before = page.messages[0]!.id;
    }
    for (const message of pages.reverse().flat()) {
      after = message.id;
      yield message;
    }
    if (after === "") return;
  }
  for (;;) {
    const page = await conversations.listMessages({ conversationId, afterMessageId: after, pageSize }, call);
    yield* page.messages;
    if (!page.hasNewer || page.messages.length === 0) return;
    after = page.messages[page.messages.length - 1]!.id;
  }
}
