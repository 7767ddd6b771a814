# Helpers of the real-time end-to-end tests (test_events.py): a small marketplace driven
# through direct SDK clients (Market), and a thread that drains a watch (Collector).
import sys
import threading
import time
import traceback
import uuid
from dataclasses import dataclass
from typing import Callable, List, Optional

import grpc
from google.protobuf import timestamp_pb2

from e2e_support import ADMIN_EMAIL, ADMIN_PASSWORD, register_request, unique_email
from gigwire import Client, GigwireError
from gigwire.v1 import (assignment_pb2, catalog_pb2, category_pb2, common_pb2, job_pb2,
                        offer_pb2, user_pb2)

SELLER = (user_pb2.ROLE_SELLER,)
BUYER = (user_pb2.ROLE_BUYER,)
# Server flags: the producers make hundreds of calls per second as one admin.
BUSY_PRODUCER_FLAGS = ("--rate-auth-per-second", "1000", "--rate-auth-burst", "1000",
                       "--rate-principal-per-second", "100000",
                       "--rate-principal-burst", "100000")
RETRY_DEADLINE_S = 20.0


def usd(amount_minor: int) -> common_pb2.Money:
    return common_pb2.Money(currency_code="USD", amount_minor=amount_minor)


def in_days(days: float) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromSeconds(int(time.time() + days * 86400))
    return stamp


def retry_unavailable(call: Callable[[], object]):
    """Runs `call`, retrying UNAVAILABLE (a server restarting) for a bounded time.
    Only for idempotent calls: reads, or mutations with a request_id."""
    deadline = time.monotonic() + RETRY_DEADLINE_S
    while True:
        try:
            return call()
        except GigwireError as error:
            if error.code != grpc.StatusCode.UNAVAILABLE or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@dataclass
class Account:
    """A registered user with its own direct client, logged in."""
    id: str
    email: str
    client: Client

    @property
    def token(self) -> str:
        return self.client.token


class Market:
    """One gigwired's marketplace, driven through direct (un-proxied) clients: the admin
    created by the test launcher, a category, and users made on demand. close() it."""

    def __init__(self, address: str):
        self.address = address
        self._clients: List[Client] = []
        self.admin = self.client()
        self.admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        self.category = self.admin.catalog.CreateCategory(catalog_pb2.CreateCategoryRequest(
            category=category_pb2.Category(slug=f"cat-{uuid.uuid4().hex[:8]}",
                                           display_name="Logo design")))

    def client(self, **kwargs) -> Client:
        client = Client(self.address, **kwargs)
        self._clients.append(client)
        return client

    def user(self, roles=BUYER, prefix="user") -> Account:
        client = self.client()
        request = register_request(unique_email(prefix), roles, display_name=prefix)
        registered = client.auth.Register(request)
        client.login(request.email, request.password)
        return Account(registered.id, request.email, client)

    def post_job(self, buyer: Account, title="Design a logo") -> job_pb2.Job:
        return buyer.client.jobs.CreateJob(job_pb2.CreateJobRequest(
            job=job_pb2.Job(title=title, description="A round logo, warm colours.",
                            category_id=self.category.id, skills=["logo"],
                            budget=common_pb2.MoneyRange(min=usd(20_000), max=usd(50_000)),
                            due_time=in_days(7)),
            request_id=uuid.uuid4().hex))

    def open_job(self, buyer: Account, title="Design a logo") -> job_pb2.Job:
        job = self.post_job(buyer, title)
        return self.admin.jobs.ApproveJob(job_pb2.ApproveJobRequest(id=job.id))

    def assign(self, job: job_pb2.Job, sellers, note: str = "") -> List[assignment_pb2.Assignment]:
        """Assigns `sellers` (Accounts) to `job`; retried through a server restart."""
        request = assignment_pb2.AssignSellersRequest(
            job_id=job.id, seller_ids=[s.id for s in sellers], note=note,
            request_id=uuid.uuid4().hex)
        return list(retry_unavailable(lambda: self.admin.assignments.AssignSellers(request))
                    .assignments)

    def close(self) -> None:
        for client in self._clients:
            client.close()


def list_all_offers(client: Client, **filters) -> List[offer_pb2.Offer]:
    """Every offer ListOffers shows the caller, across pages."""
    offers, token = [], ""
    while True:
        page = client.offers.ListOffers(offer_pb2.ListOffersRequest(
            page_size=500, page_token=token, **filters))
        offers.extend(page.offers)
        token = page.next_page_token
        if not token:
            return offers


class Collector:
    """Drains a Watch on a thread of its own: `events` grows as they arrive; `error` holds
    what ended the iteration early. `gate` (if given) is waited on after the first event:
    a consumer that stops reading for a while."""

    def __init__(self, watch, gate: Optional[threading.Event] = None):
        self.watch = watch
        self.events: list = []
        self.error: Optional[BaseException] = None
        self._gate = gate
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            for event in self.watch:
                with self._lock:
                    self.events.append(event)
                if self._gate is not None:
                    self._gate.wait(60)
        except BaseException as error:  # noqa: B902 - reported to the test thread
            self.error = error

    def snapshot(self) -> list:
        with self._lock:
            return list(self.events)

    def wait_for(self, predicate: Callable[[list], bool], timeout_s: float) -> bool:
        """Waits until predicate(events) holds, the watch fails, or the timeout passes."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if predicate(self.snapshot()):
                return True
            if self.error is not None or not self._thread.is_alive():
                return predicate(self.snapshot())
            time.sleep(0.02)
        return predicate(self.snapshot())

    def wait_count(self, count: int, timeout_s: float) -> bool:
        return self.wait_for(lambda events: len(events) >= count, timeout_s)

    def _stack(self) -> str:
        """Where the collecting thread is now (for a failure message)."""
        frame = sys._current_frames().get(self._thread.ident)
        return "".join(traceback.format_stack(frame)) if frame is not None else "(ended)"

    def stop(self) -> list:
        """Closes the watch, joins the thread, returns every event collected."""
        self.watch.close()
        self._thread.join(10)
        assert not self._thread.is_alive(), f"watch did not stop on close():\n{self._stack()}"
        return self.snapshot()
