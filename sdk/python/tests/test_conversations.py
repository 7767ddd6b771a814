# Unit tests of the conversation helpers against in-process fakes: iter_messages pages
# back to the first message and forward to the newest (or forward from a message), and
# watch_conversation asks for the conversation event types, keeps one conversation's
# events and still resumes after the others.
import asyncio
import time

import grpc

from gigwire import Client
from gigwire.aio import AsyncClient
from gigwire.v1 import (conversation_pb2, conversation_pb2_grpc, errors_pb2, event_pb2,
                        event_pb2_grpc, event_type_pb2)
from fake_server import abort, serving

ET = event_type_pb2


class FakeConversations(conversation_pb2_grpc.ConversationServiceServicer,
                        event_pb2_grpc.EventServiceServicer):
    """ListMessages pages over `messages` as the server does (the newest page, or the
    page before / after a message, oldest first); WatchEvents plays `streams[i]` on the
    i-th connection, then ends it UNAVAILABLE (the last one stays open)."""

    def __init__(self, count):
        self.messages = [conversation_pb2.Message(id=f"msg_{n}", conversation_id="cnv_1", seq=n)
                         for n in range(1, count + 1)]
        self.list_requests = []
        self.streams = []
        self.watch_requests = []

    def ListMessages(self, request, context):
        self.list_requests.append((request.before_message_id, request.after_message_id))
        ids = [m.id for m in self.messages]
        size = request.page_size
        if request.after_message_id:
            start = ids.index(request.after_message_id) + 1
            page = self.messages[start:start + size]
        else:
            end = ids.index(request.before_message_id) if request.before_message_id else len(ids)
            page = self.messages[max(0, end - size):end]
        first = ids.index(page[0].id) if page else len(ids)
        return conversation_pb2.ListMessagesResponse(
            messages=page, has_older=first > 0, has_newer=first + len(page) < len(ids))

    def WatchEvents(self, request, context):
        index = len(self.watch_requests)
        self.watch_requests.append(request)
        if index >= len(self.streams):
            while context.is_active():
                time.sleep(0.01)
            return
        yield from self.streams[index]
        abort(context, grpc.StatusCode.UNAVAILABLE, "cut", errors_pb2.ERROR_REASON_UNSPECIFIED)


def message_event(cursor, conversation_id, seq):
    return event_pb2.WatchEventsResponse(event=event_pb2.Event(
        cursor=cursor, type=ET.MESSAGE_SENT, message=conversation_pb2.Message(
            id=f"msg_{seq}", conversation_id=conversation_id, seq=seq)))


def read_event(cursor, conversation_id):
    return event_pb2.WatchEventsResponse(event=event_pb2.Event(
        cursor=cursor, type=ET.MESSAGES_READ, read_receipt=conversation_pb2.ReadReceipt(
            conversation_id=conversation_id, user_id="usr_2", last_read_seq=1)))


def serve(fake):
    return serving(fake, conversation_pb2_grpc.add_ConversationServiceServicer_to_server,
                   event_pb2_grpc.add_EventServiceServicer_to_server)


def test_iter_messages_walks_back_to_the_first_then_forward():
    fake = FakeConversations(7)
    with serve(fake) as address, Client(address) as client:
        seqs = [m.seq for m in client.iter_messages("cnv_1", page_size=3)]
        assert seqs == [1, 2, 3, 4, 5, 6, 7]
        assert fake.list_requests == [("", ""), ("msg_5", ""), ("msg_2", ""), ("", "msg_7")]
        fake.list_requests.clear()
        after = [m.seq for m in client.iter_messages("cnv_1", after_message_id="msg_2",
                                                     page_size=3)]
        assert after == [3, 4, 5, 6, 7]
        assert fake.list_requests == [("", "msg_2"), ("", "msg_5")]


def test_iter_messages_of_an_empty_conversation_and_asyncio():
    with serve(FakeConversations(0)) as address, Client(address) as client:
        assert list(client.iter_messages("cnv_1")) == []
    fake = FakeConversations(5)

    async def collect(address):
        async with AsyncClient(address) as client:
            return [m.seq async for m in client.iter_messages("cnv_1", page_size=2)]

    with serve(fake) as address:
        assert asyncio.run(collect(address)) == [1, 2, 3, 4, 5]


def test_watch_conversation_keeps_one_conversation_and_resumes_past_the_others():
    fake = FakeConversations(0)
    fake.streams = [
        [message_event("1", "cnv_1", 1), message_event("2", "cnv_other", 1)],
        [message_event("2", "cnv_other", 1), read_event("3", "cnv_1"),
         message_event("4", "cnv_other", 2), message_event("5", "cnv_1", 2)],
    ]
    with serve(fake) as address, Client(address) as client:
        got = []
        with client.watch_conversation("cnv_1", resume_cursor="0", max_backoff=0.01) as watch:
            for event in watch:
                got.append((event.cursor, event.type))
                if len(got) == 3:
                    break
        assert got == [("1", ET.MESSAGE_SENT), ("3", ET.MESSAGES_READ), ("5", ET.MESSAGE_SENT)]
        assert [r.resume_cursor for r in fake.watch_requests] == ["0", "2"]
        assert list(fake.watch_requests[0].types) == [
            ET.CONVERSATION_JOINED, ET.MESSAGE_SENT, ET.MESSAGES_READ, ET.MESSAGE_HIDDEN]


def test_async_watch_conversation_filters_too():
    fake = FakeConversations(0)
    fake.streams = [[message_event("1", "cnv_other", 1), message_event("2", "cnv_1", 1)]]

    async def first(address):
        async with AsyncClient(address) as client:
            async for event in client.watch_conversation("cnv_1", max_backoff=0.01):
                return event.cursor

    with serve(fake) as address:
        assert asyncio.run(first(address)) == "2"
