# Conversation helpers of the Gigwire Python SDK (ConversationService): every message
# of a conversation in order, across ListMessages pages, and the filter that keeps one
# conversation's events of a watch (Client.watch_conversation).
from __future__ import annotations

from typing import Any, AsyncIterator, Iterator, List

from gigwire.v1 import conversation_pb2, event_pb2, event_type_pb2

# The event types of a conversation's life after it started.
CONVERSATION_EVENT_TYPES = (
    event_type_pb2.CONVERSATION_JOINED,
    event_type_pb2.MESSAGE_SENT,
    event_type_pb2.MESSAGES_READ,
    event_type_pb2.MESSAGE_HIDDEN,
)
DEFAULT_PAGE_SIZE = 100


def conversation_id_of(event: event_pb2.Event) -> str:
    """The conversation an event is about ("" for events of other resources)."""
    which = event.WhichOneof("resource")
    if which == "message":
        return event.message.conversation_id
    if which == "read_receipt":
        return event.read_receipt.conversation_id
    if which == "conversation":
        return event.conversation.id
    return ""


def _page(conversation_id: str, page_size: int, *, before: str = "",
          after: str = "") -> conversation_pb2.ListMessagesRequest:
    return conversation_pb2.ListMessagesRequest(
        conversation_id=conversation_id, before_message_id=before, after_message_id=after,
        page_size=page_size)


def iter_messages(conversations: Any, conversation_id: str, *, after_message_id: str = "",
                  page_size: int = DEFAULT_PAGE_SIZE) -> Iterator[conversation_pb2.Message]:
    """The messages of a conversation, oldest first; see Client.iter_messages."""
    after = after_message_id
    if not after:
        pages: List[Any] = []
        before = ""
        while True:
            page = conversations.ListMessages(_page(conversation_id, page_size, before=before))
            pages.append(page.messages)
            if not (page.has_older and page.messages):
                break
            before = page.messages[0].id
        for messages in reversed(pages):
            for message in messages:
                after = message.id
                yield message
        if not after:
            return
    while True:
        page = conversations.ListMessages(_page(conversation_id, page_size, after=after))
        yield from page.messages
        if not (page.has_newer and page.messages):
            return
        after = page.messages[-1].id


async def iter_messages_async(conversations: Any, conversation_id: str, *,
                              after_message_id: str = "", page_size: int = DEFAULT_PAGE_SIZE
                              ) -> AsyncIterator[conversation_pb2.Message]:
    """The asyncio form of iter_messages()."""
    after = after_message_id
    if not after:
        pages: List[Any] = []
        before = ""
        while True:
            page = await conversations.ListMessages(
                _page(conversation_id, page_size, before=before))
            pages.append(page.messages)
            if not (page.has_older and page.messages):
                break
            before = page.messages[0].id
        for messages in reversed(pages):
            for message in messages:
                after = message.id
                yield message
        if not after:
            return
    while True:
        page = await conversations.ListMessages(_page(conversation_id, page_size, after=after))
        for message in page.messages:
            yield message
        if not (page.has_newer and page.messages):
            return
        after = page.messages[-1].id
