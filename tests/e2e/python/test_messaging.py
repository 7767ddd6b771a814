# End-to-end tests of messaging and files through the Python SDK against a real gigwired
# (issue 16):
# (a) a buyer and a seller with an offer between them exchange messages while the seller
#     watches its conversation through a connection-cutting proxy (cut at random, and
#     after every round): each side's watch holds every message exactly once, in order,
#     and the read receipts of the other side;
# (b) the seller uploads a 10 MiB file through the proxy (cut mid-upload; the helper
#     resumes where GetUpload says), delivers the booking with it, and the buyer downloads
#     it through the proxy (cut twice mid-download; the helper resumes from the bytes
#     written) byte-identical; a message's attachment reaches the other side; an outsider
#     gets NOT_FOUND for both;
# (c) bad input, each failure checked for its code AND reason and that nothing was stored
#     (the files directory's objects and temporaries, the upload's status, the messages):
#     spoofed content types, a wrong checksum, a chunk after the end, over the size limit
#     and over the quota (on a server with small limits), another party's file, an
#     oversized message.
import hashlib
import random
import uuid
from pathlib import Path
from typing import List, Set, Tuple

import grpc
import pytest

from e2e_support import raises_gigwire, violated_fields
from events_support import BUSY_PRODUCER_FLAGS, BUYER, SELLER, Account, Collector, Market
from gigwire import Client, GigwireError
from gigwire.v1 import (booking_pb2, conversation_pb2, event_type_pb2, file_pb2, offer_pb2,
                        job_pb2)
from tcp_proxy import CuttingProxy

ET = event_type_pb2
MIB = 1 << 20
ROUNDS = 3
PER_ROUND = 3          # messages per side and round (SendMessage allows a burst of 20)
WATCH_DEADLINE_S = 20.0
FAST_RECONNECT = (("grpc.initial_reconnect_backoff_ms", 50),
                  ("grpc.min_reconnect_backoff_ms", 50),
                  ("grpc.max_reconnect_backoff_ms", 300))
# Without BDP probing the HTTP/2 window stays at 64 KiB, so a download cut at 3 MiB has
# most of the file still to come (with it, the client could hold megabytes in buffers).
SMALL_WINDOW = FAST_RECONNECT + (("grpc.http2.bdp_probe", 0),)
MAX_UPLOAD = 65536
QUOTA = 100_000
PDF_HEAD = b"%PDF-1.7\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(56) + b"payload"
HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"


@pytest.fixture
def market(start_server):
    server = start_server(*BUSY_PRODUCER_FLAGS)
    opened = Market(server.address)
    opened.server = server
    yield opened
    opened.close()


# --- Helpers ------------------------------------------------------------------------------------


def offered_pair(market: Market) -> Tuple[Account, Account, job_pb2.Job, offer_pb2.Offer]:
    """A buyer's open job and a seller assigned to it (so the two may talk)."""
    buyer, seller = market.user(BUYER, "buyer"), market.user(SELLER, "seller")
    job = market.open_job(buyer, "Logo for a bakery")
    (assignment,) = market.assign(job, [seller])
    offer = seller.client.offers.GetOffer(offer_pb2.GetOfferRequest(id=assignment.offer_id))
    return buyer, seller, job, offer


def open_conversation(buyer: Account, seller: Account, job) -> conversation_pb2.Conversation:
    opened = buyer.client.conversations.OpenConversation(conversation_pb2.OpenConversationRequest(
        job_id=job.id, seller_id=seller.id))
    assert opened.id.startswith("cnv_")
    assert (opened.job_id, opened.buyer_id, opened.seller_id) == (job.id, buyer.id, seller.id)
    assert "send" in opened.allowed_actions
    return opened


def send(account: Account, conversation_id: str, text: str = "",
         attachment_ids=()) -> conversation_pb2.Message:
    return account.client.conversations.SendMessage(conversation_pb2.SendMessageRequest(
        conversation_id=conversation_id, text=text, attachment_ids=list(attachment_ids)))


def sent_messages(events) -> List[Tuple[int, str, str]]:
    """(seq, sender, text) of every MESSAGE_SENT event, in the order received."""
    return [(e.message.seq, e.message.sender_id, e.message.text) for e in events
            if e.type == ET.MESSAGE_SENT]


def receipts(events, reader_id: str) -> List[int]:
    return [e.read_receipt.last_read_seq for e in events
            if e.type == ET.MESSAGES_READ and e.read_receipt.user_id == reader_id]


def assert_strictly_increasing(events) -> None:
    cursors = [int(e.cursor) for e in events]
    assert cursors == sorted(set(cursors)), cursors


def files_dir(market: Market) -> Path:
    """The server's files directory: --files-dir's default, beside the database."""
    return market.server.data_dir / "files"


def stored_state(market: Market) -> Tuple[Set[str], List[str]]:
    """The blobs under objects/ and the temporaries under tmp/."""
    root = files_dir(market)
    objects = {str(p.relative_to(root)) for p in (root / "objects").rglob("*") if p.is_file()}
    temporaries = sorted(p.name for p in (root / "tmp").glob("*")) if (root / "tmp").exists() else []
    return objects, temporaries


def pdf(size: int, seed: int) -> bytes:
    return PDF_HEAD + random.Random(seed).randbytes(size - len(PDF_HEAD))


def upload_header(content: bytes, name="file.txt", sha256=None, request_id=""):
    return file_pb2.UploadHeader(name=name, size_bytes=len(content),
                                 sha256=sha256 or hashlib.sha256(content).hexdigest(),
                                 request_id=request_id)


def assert_nothing_stored(market: Market, account: Account, before, request_id: str) -> None:
    """No blob and no temporary more than `before`, and no upload held for `request_id`."""
    objects, temporaries = stored_state(market)
    assert objects == before[0], objects - before[0]
    assert temporaries == [], temporaries
    with raises_gigwire(grpc.StatusCode.NOT_FOUND, "RESOURCE_NOT_FOUND"):
        account.client.files.GetUpload(file_pb2.GetUploadRequest(request_id=request_id))


class CutAt:
    """An on_progress callback that cuts every proxied connection once the transfer
    passes each of `marks` (bytes); `cuts` counts the cuts that closed a connection."""

    def __init__(self, proxy: CuttingProxy, *marks: int):
        self.proxy = proxy
        self.marks = sorted(marks)
        self.cuts = 0
        self.progress: List[Tuple[int, int]] = []

    def __call__(self, done: int, total: int) -> None:
        self.progress.append((done, total))
        while self.marks and done >= self.marks[0]:
            self.marks.pop(0)
            self.cuts += self.proxy.cut_all(reset=True) > 0


# --- (a) messages and read receipts through cuts -------------------------------------------------


def test_both_sides_get_every_message_once_and_in_order_through_cuts(market):
    buyer, seller, job, _ = offered_pair(market)
    conversation = open_conversation(buyer, seller, job)
    # Watches start from a list's cursor, so nothing after it is missed.
    seller_start = seller.client.offers.ListOffers(offer_pb2.ListOffersRequest()).event_cursor
    buyer_start = buyer.client.jobs.ListJobs(job_pb2.ListJobsRequest()).event_cursor
    sent: List[Tuple[int, str, str]] = []
    with CuttingProxy(market.address, seed=16) as proxy:
        proxied = Client(proxy.address, token=seller.token, channel_options=FAST_RECONNECT)
        seller_watch = Collector(proxied.watch_conversation(
            conversation.id, resume_cursor=seller_start, max_backoff=0.3))
        buyer_watch = Collector(buyer.client.watch_conversation(
            conversation.id, resume_cursor=buyer_start))
        for round_number in range(ROUNDS):
            for i in range(PER_ROUND):
                for account, name in ((buyer, "buyer"), (seller, "seller")):
                    text = f"{name} says {round_number}.{i} ✓"
                    message = send(account, conversation.id, text)
                    assert (message.seq, message.sender_id, message.text) == (
                        len(sent) + 1, account.id, text)
                    sent.append((message.seq, account.id, text))
            # The proxied watch caught up (so its stream was up), then every connection is
            # cut: the next round's messages reach it only after it resumed.
            assert seller_watch.wait_for(lambda e: len(sent_messages(e)) >= len(sent),
                                         WATCH_DEADLINE_S), sent_messages(seller_watch.snapshot())
            proxy.cut_all(reset=round_number % 2 == 0)

        unread = seller.client.conversations.GetConversation(
            conversation_pb2.GetConversationRequest(id=conversation.id))
        assert unread.unread_count == ROUNDS * PER_ROUND  # the buyer's messages
        buyer_read = buyer.client.conversations.MarkRead(
            conversation_pb2.MarkReadRequest(conversation_id=conversation.id))
        seller_read = seller.client.conversations.MarkRead(
            conversation_pb2.MarkReadRequest(conversation_id=conversation.id))
        assert (buyer_read.user_id, buyer_read.last_read_seq) == (buyer.id, len(sent))
        assert (seller_read.user_id, seller_read.last_read_seq) == (seller.id, len(sent))
        assert seller_watch.wait_for(lambda e: receipts(e, buyer.id), WATCH_DEADLINE_S)
        assert buyer_watch.wait_for(lambda e: receipts(e, seller.id), WATCH_DEADLINE_S)
        assert buyer_watch.wait_for(lambda e: len(sent_messages(e)) >= len(sent), WATCH_DEADLINE_S)
        seller_events, buyer_events = seller_watch.stop(), buyer_watch.stop()
        connects = seller_watch.watch.connects
        proxied.close()

    assert seller_watch.error is None and buyer_watch.error is None
    # Every message exactly once, in order, on both sides (each sees its own too).
    assert sent_messages(seller_events) == sent
    assert sent_messages(buyer_events) == sent
    assert_strictly_increasing(seller_events)
    assert_strictly_increasing(buyer_events)
    assert connects >= ROUNDS + 1, connects  # every round's cut was resumed
    # Read receipts: each side sees the other's, and only the conversation's events.
    assert receipts(seller_events, buyer.id) == [len(sent)]
    assert receipts(buyer_events, seller.id) == [len(sent)]
    assert {e.type for e in seller_events} <= {ET.MESSAGE_SENT, ET.MESSAGES_READ}
    read = buyer.client.conversations.GetConversation(
        conversation_pb2.GetConversationRequest(id=conversation.id))
    assert (read.buyer_last_read_seq, read.seller_last_read_seq, read.unread_count) == (
        len(sent), len(sent), 0)
    assert read.last_message.seq == len(sent)
    # The history pages back to the first message, the same for both.
    for account in (buyer, seller):
        listed = [(m.seq, m.sender_id, m.text)
                  for m in account.client.iter_messages(conversation.id, page_size=4)]
        assert listed == sent


# --- (b) a 10 MiB delivery and a message attachment through cuts -------------------------------


def test_a_10_mib_delivery_is_uploaded_and_downloaded_byte_identical_through_cuts(
        market, tmp_path):
    buyer, seller, job, offer = offered_pair(market)
    accepted = seller.client.offers.AcceptOffer(offer_pb2.AcceptOfferRequest(id=offer.id))
    booking_id = accepted.booking_id
    content = pdf(10 * MIB, seed=16)
    with CuttingProxy(market.address, seed=17) as proxy:
        proxy.pause_cutting()  # only the cuts below, at known points of the transfers
        seller_proxied = Client(proxy.address, token=seller.token, channel_options=SMALL_WINDOW)
        upload_cuts = CutAt(proxy, 4 * MIB)
        uploaded = seller_proxied.upload_file(content, "final-logo.pdf", on_progress=upload_cuts)
        assert upload_cuts.cuts == 1 and proxy.accepted >= 2  # it reconnected to resume
        assert (uploaded.name, uploaded.size_bytes, uploaded.content_type) == (
            "final-logo.pdf", len(content), "application/pdf")
        assert uploaded.sha256 == hashlib.sha256(content).hexdigest()
        assert uploaded.owner_id == seller.id
        assert uploaded.attached_kind == file_pb2.FILE_ATTACHMENT_KIND_UNSPECIFIED

        delivered = seller.client.bookings.DeliverBooking(booking_pb2.DeliverBookingRequest(
            id=booking_id, note="Final files attached.", attachment_ids=[uploaded.id]))
        assert delivered.state == booking_pb2.BOOKING_STATE_DELIVERED
        listed = buyer.client.files.ListFiles(file_pb2.ListFilesRequest(
            attached_kind=file_pb2.FILE_ATTACHMENT_KIND_DELIVERY, attached_to_id=booking_id))
        assert [f.id for f in listed.files] == [uploaded.id]
        assert listed.files[0].attached_to_id == booking_id

        buyer_proxied = Client(proxy.address, token=buyer.token, channel_options=SMALL_WINDOW)
        accepted_before = proxy.accepted
        download_cuts = CutAt(proxy, 3 * MIB, 7 * MIB)
        target = tmp_path / "final-logo.pdf"
        info = buyer_proxied.download_file(uploaded.id, target, on_progress=download_cuts)
        assert download_cuts.cuts == 2 and proxy.accepted >= accepted_before + 2
        seller_proxied.close()
        buyer_proxied.close()

    assert target.read_bytes() == content
    assert [p.name for p in tmp_path.iterdir()] == ["final-logo.pdf"]  # no temporary left
    assert info.id == uploaded.id and info.attached_kind == file_pb2.FILE_ATTACHMENT_KIND_DELIVERY
    done = [d for d, _ in download_cuts.progress]
    assert done == sorted(done) and done[-1] == len(content)  # resumed, never restarted

    # A message's attachment reaches the other side, and no one else.
    notes = seller.client.upload_file("Sizes: 512 and 1024 px.\n".encode(), "notes.txt")
    conversation = open_conversation(buyer, seller, job)
    message = send(seller, conversation.id, "The notes, attached.", [notes.id])
    assert [a.id for a in message.attachments] == [notes.id]
    assert message.attachments[0].content_type == "text/plain; charset=utf-8"
    (seen,) = [m for m in buyer.client.iter_messages(conversation.id) if m.id == message.id]
    assert [a.id for a in seen.attachments] == [notes.id]
    sink = tmp_path / "notes.txt"
    buyer.client.download_file(notes.id, sink)
    assert sink.read_bytes() == "Sizes: 512 and 1024 px.\n".encode()
    outsider = market.user(BUYER, "outsider")
    for file_id in (uploaded.id, notes.id):
        with raises_gigwire(grpc.StatusCode.NOT_FOUND, "RESOURCE_NOT_FOUND"):
            outsider.client.files.GetFile(file_pb2.GetFileRequest(id=file_id))
        with raises_gigwire(grpc.StatusCode.NOT_FOUND, "RESOURCE_NOT_FOUND"):
            outsider.client.download_file(file_id, tmp_path / "stolen")
    assert not (tmp_path / "stolen").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["final-logo.pdf", "notes.txt"]


# --- (c) bad input: a clear code and reason, and nothing stored ---------------------------------


def test_spoofed_content_types_are_refused_and_nothing_is_stored(market):
    seller = market.user(SELLER, "seller")
    before = stored_state(market)
    for content, name in ((ELF, "photo.png"), (HTML, "photo.png"), (HTML, "page.txt")):
        request_id = uuid.uuid4().hex
        with raises_gigwire(grpc.StatusCode.INVALID_ARGUMENT, "FILE_TYPE_NOT_ALLOWED"):
            seller.client.upload_file(content, name, request_id=request_id)
        assert_nothing_stored(market, seller, before, request_id)


def test_a_wrong_checksum_and_a_chunk_after_the_end_are_refused(market):
    seller = market.user(SELLER, "seller")
    content = b"Plain text that is hashed one way and sent another.\n"
    before = stored_state(market)
    request_id = uuid.uuid4().hex
    header = upload_header(content, sha256=hashlib.sha256(b"other bytes").hexdigest(),
                           request_id=request_id)
    with raises_gigwire(grpc.StatusCode.INVALID_ARGUMENT, "CHECKSUM_MISMATCH"):
        seller.client.files.UploadFile([file_pb2.UploadFileRequest(header=header),
                                        file_pb2.UploadFileRequest(chunk=content)])
    assert_nothing_stored(market, seller, before, request_id)

    # By stream: one byte more than declared.
    request_id = uuid.uuid4().hex
    header = upload_header(content, request_id=request_id)
    with raises_gigwire(grpc.StatusCode.INVALID_ARGUMENT, "UPLOAD_SIZE_MISMATCH"):
        seller.client.files.UploadFile([file_pb2.UploadFileRequest(header=header),
                                        file_pb2.UploadFileRequest(chunk=content),
                                        file_pb2.UploadFileRequest(chunk=b"!")])
    assert_nothing_stored(market, seller, before, request_id)

    # By unary chunks (the browsers' way): a chunk that runs past the declared end.
    request_id = uuid.uuid4().hex
    header = upload_header(content, request_id=request_id)
    first = seller.client.files.UploadChunk(file_pb2.UploadChunkRequest(
        header=header, offset=0, data=content[:10]))
    assert (first.received_bytes, first.size_bytes) == (10, len(content))
    with raises_gigwire(grpc.StatusCode.INVALID_ARGUMENT, "UPLOAD_SIZE_MISMATCH"):
        seller.client.files.UploadChunk(file_pb2.UploadChunkRequest(
            header=header, offset=10, data=content[10:] + b"!"))
    assert_nothing_stored(market, seller, before, request_id)


def test_over_the_size_limit_and_the_quota_nothing_is_stored(start_server):
    server = start_server(*BUSY_PRODUCER_FLAGS, "--max-upload-bytes", str(MAX_UPLOAD),
                          "--storage-quota-bytes", str(QUOTA))
    market = Market(server.address)
    market.server = server
    try:
        seller = market.user(SELLER, "seller")
        before = stored_state(market)
        request_id = uuid.uuid4().hex
        with raises_gigwire(grpc.StatusCode.INVALID_ARGUMENT, "FILE_TOO_LARGE") as caught:
            seller.client.upload_file(pdf(MAX_UPLOAD + 1, seed=1), "big.pdf",
                                      request_id=request_id)
        assert caught.value.metadata.get("limit") == str(MAX_UPLOAD)
        assert_nothing_stored(market, seller, before, request_id)

        kept = seller.client.upload_file(pdf(60_000, seed=2), "first.pdf")
        assert kept.size_bytes == 60_000
        before = stored_state(market)
        assert len(before[0]) == 1
        request_id = uuid.uuid4().hex
        with raises_gigwire(grpc.StatusCode.RESOURCE_EXHAUSTED, "STORAGE_QUOTA_EXCEEDED"):
            seller.client.upload_file(pdf(50_000, seed=3), "second.pdf", request_id=request_id)
        assert_nothing_stored(market, seller, before, request_id)
        # Another user's quota is their own.
        other = market.user(SELLER, "other")
        assert other.client.upload_file(pdf(50_000, seed=3), "second.pdf").size_bytes == 50_000
    finally:
        market.close()


def test_another_partys_file_is_not_found_and_stays_unattached(market, tmp_path):
    buyer, seller, job, _ = offered_pair(market)
    conversation = open_conversation(buyer, seller, job)
    private = seller.client.upload_file(b"Only mine until I send it.\n", "draft.txt")
    for caller in (buyer, market.user(BUYER, "outsider")):
        with raises_gigwire(grpc.StatusCode.NOT_FOUND, "RESOURCE_NOT_FOUND"):
            caller.client.files.GetFile(file_pb2.GetFileRequest(id=private.id))
        with raises_gigwire(grpc.StatusCode.NOT_FOUND, "RESOURCE_NOT_FOUND"):
            caller.client.download_file(private.id, tmp_path / "draft.txt")
    # Attaching another's file to one's own message: NOT_FOUND, and no message is sent.
    with raises_gigwire(grpc.StatusCode.NOT_FOUND, "RESOURCE_NOT_FOUND"):
        send(buyer, conversation.id, "Look at this.", [private.id])
    assert list(buyer.client.iter_messages(conversation.id)) == []
    still = seller.client.files.GetFile(file_pb2.GetFileRequest(id=private.id))
    assert still.attached_kind == file_pb2.FILE_ATTACHMENT_KIND_UNSPECIFIED
    assert list(tmp_path.iterdir()) == []


def test_an_oversized_message_is_refused_and_nothing_is_sent(market):
    buyer, seller, job, _ = offered_pair(market)
    conversation = open_conversation(buyer, seller, job)
    fits = send(buyer, conversation.id, "é" * 10_000)  # 10,000 code points (20,000 bytes)
    assert fits.seq == 1
    with raises_gigwire(grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FIELDS") as caught:
        send(buyer, conversation.id, "x" * 10_001)
    assert "text" in violated_fields(caught.value)
    with raises_gigwire(grpc.StatusCode.INVALID_ARGUMENT, "INVALID_FIELDS"):
        send(buyer, conversation.id, "")  # neither text nor attachments
    assert [m.seq for m in seller.client.iter_messages(conversation.id)] == [1]
