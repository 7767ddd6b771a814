# Ending a watch ends its gRPC call, against a real gigwired: cancelling the asyncio task
# that iterates an AsyncWatch (task.cancel(), asyncio.wait_for timing out), breaking out
# of an `async for` or a `for` loop, and Watch.close() from another thread. Each test
# asserts that the consumer finishes (a hang is bounded by HANG_S, never a latency
# threshold) and that the server logged the stream's end as CANCELLED while the client's
# channel was still open, and that the watch never reconnected.
import asyncio
import json
import threading
import time
import uuid
from typing import List

import pytest

from e2e_support import USER_PASSWORD, register_request, unique_email
from events_support import in_days, usd
from gigwire import Client
from gigwire.aio import AsyncClient
from gigwire.v1 import catalog_pb2, category_pb2, common_pb2, job_pb2, user_pb2

HANG_S = 10.0  # hang detection only


@pytest.fixture(scope="module")
def category_id(admin) -> str:
    return admin.catalog.CreateCategory(catalog_pb2.CreateCategoryRequest(
        category=category_pb2.Category(slug=f"cancel-{uuid.uuid4().hex[:8]}",
                                       display_name="Cancel"))).id


def create_job_request(category_id: str) -> job_pb2.CreateJobRequest:
    return job_pb2.CreateJobRequest(job=job_pb2.Job(
        title="Watched job", description="Makes an event the buyer's watch receives.",
        category_id=category_id, due_time=in_days(7),
        budget=common_pb2.MoneyRange(min=usd(100), max=usd(200))))


def watch_stream_ends(server, principal: str) -> List[str]:
    """The codes of the WatchEvents streams of `principal` that the server logged as ended."""
    codes = []
    for line in server.log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if (entry.get("principal") == principal
                and str(entry.get("method", "")).endswith("EventService/WatchEvents")):
            codes.append(entry.get("code"))
    return codes


def wait_stream_ends(server, principal: str) -> List[str]:
    """Polls the server log until it shows an ended WatchEvents stream of `principal`."""
    deadline = time.monotonic() + HANG_S
    while time.monotonic() < deadline:
        codes = watch_stream_ends(server, principal)
        if codes:
            return codes
        time.sleep(0.05)
    return watch_stream_ends(server, principal)


async def async_buyer(address: str) -> AsyncClient:
    client = AsyncClient(address)
    request = register_request(unique_email("cancel"), (user_pb2.ROLE_BUYER,))
    await client.auth.Register(request)
    await client.login(request.email, USER_PASSWORD)
    return client


async def assert_server_ended_stream(server, client: AsyncClient) -> None:
    """While `client`'s channel is still open: its one stream ended CANCELLED."""
    codes = await asyncio.to_thread(wait_stream_ends, server, client.tokens.user.id)
    assert codes == ["CANCELLED"], f"server log for the watch: {codes}\n{server.log_tail()}"


async def live_watch(client: AsyncClient, consume) -> asyncio.Task:
    """Starts `consume(watch)` in a task and returns it once the watch's stream is live on
    the server (a watch from now starts with a heartbeat)."""
    live = asyncio.Event()
    watch = client.watch_events(on_heartbeat=lambda _: live.set())
    task = asyncio.create_task(consume(watch))
    await asyncio.wait_for(live.wait(), HANG_S)
    task.watch = watch  # type: ignore[attr-defined]
    return task


async def iterate(watch) -> None:
    async for _ in watch:
        pass


def test_cancelling_the_task_of_an_async_watch_ends_its_call(server):
    async def scenario() -> None:
        async with await async_buyer(server.address) as client:
            task = await live_watch(client, iterate)
            task.cancel()
            done, _ = await asyncio.wait({task}, timeout=HANG_S)
            task.watch.close()  # lets a hung task end, so that the test itself ends
            assert task in done, "the cancelled task is still iterating the watch"
            assert task.cancelled()
            assert task.watch.closed and task.watch.connects == 1
            await assert_server_ended_stream(server, client)

    asyncio.run(scenario())


def test_wait_for_timing_out_on_an_async_watch_ends_its_call(server):
    async def scenario() -> None:
        async with await async_buyer(server.address) as client:
            async def with_timeout(watch) -> None:
                # No event comes for this new buyer: wait_for times out and cancels.
                await asyncio.wait_for(watch.__anext__(), timeout=2.0)

            task = await live_watch(client, with_timeout)
            done, _ = await asyncio.wait({task}, timeout=HANG_S)
            task.watch.close()  # lets a hung task end, so that the test itself ends
            assert task in done, "asyncio.wait_for never returned from the watch"
            assert isinstance(task.exception(), asyncio.TimeoutError)
            assert task.watch.closed and task.watch.connects == 1
            await assert_server_ended_stream(server, client)

    asyncio.run(scenario())


def test_breaking_out_of_async_for_ends_the_call(server, category_id):
    async def scenario() -> None:
        async with await async_buyer(server.address) as client:
            listed = await client.jobs.ListJobs(job_pb2.ListJobsRequest())
            await client.jobs.CreateJob(create_job_request(category_id))
            watch = client.watch_events(resume_cursor=listed.event_cursor)
            async for _ in watch:  # the replayed JOB_CREATED
                break
            await assert_server_ended_stream(server, client)
            assert watch.closed and watch.connects == 1

    asyncio.run(scenario())


def sync_buyer(server, connect) -> Client:
    client = connect()
    request = register_request(unique_email("cancel"), (user_pb2.ROLE_BUYER,))
    client.auth.Register(request)
    client.login(request.email, USER_PASSWORD)
    return client


def test_breaking_out_of_a_for_loop_ends_the_call(server, connect, category_id):
    client = sync_buyer(server, connect)
    listed = client.jobs.ListJobs(job_pb2.ListJobsRequest())
    client.jobs.CreateJob(create_job_request(category_id))
    watch = client.watch_events(resume_cursor=listed.event_cursor)
    for _ in watch:  # the replayed JOB_CREATED
        break
    # The loop's iterator is gone; `watch` itself is still referenced here.
    codes = wait_stream_ends(server, client.tokens.user.id)
    assert codes == ["CANCELLED"], f"server log for the watch: {codes}\n{server.log_tail()}"
    assert watch.closed and watch.connects == 1


def test_closing_a_watch_from_another_thread_ends_the_call(server, connect):
    client = sync_buyer(server, connect)
    live = threading.Event()
    watch = client.watch_events(on_heartbeat=lambda _: live.set())
    seen = []

    def consume() -> None:
        for event in watch:
            seen.append(event)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    assert live.wait(HANG_S), "the watch's stream sent no heartbeat"
    watch.close()
    thread.join(HANG_S)
    assert not thread.is_alive(), "the watch kept iterating after close()"
    codes = wait_stream_ends(server, client.tokens.user.id)
    assert codes == ["CANCELLED"], f"server log for the watch: {codes}\n{server.log_tail()}"
    assert seen == [] and watch.connects == 1
