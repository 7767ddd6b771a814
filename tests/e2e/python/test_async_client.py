# End-to-end test of gigwire.aio.AsyncClient against a real gigwired: login,
# awaited calls, an async offer watch while an admin assigns the seller, the
# accept, and typed errors.
import asyncio
import time
import uuid

import grpc
import pytest
from google.protobuf import timestamp_pb2

from e2e_support import ADMIN_EMAIL, ADMIN_PASSWORD, USER_PASSWORD, register_request, unique_email
from gigwire import GigwireError
from gigwire.aio import AsyncClient
from gigwire.v1 import (assignment_pb2, catalog_pb2, category_pb2, common_pb2, event_type_pb2,
                        job_pb2, offer_pb2, user_pb2)

DEADLINE_S = 20.0


def job_request(category_id: str) -> job_pb2.CreateJobRequest:
    due = timestamp_pb2.Timestamp()
    due.FromSeconds(int(time.time()) + 7 * 24 * 3600)
    budget = common_pb2.MoneyRange(min=common_pb2.Money(currency_code="USD", amount_minor=100),
                                   max=common_pb2.Money(currency_code="USD", amount_minor=200))
    return job_pb2.CreateJobRequest(job=job_pb2.Job(
        title="Async job", description="Posted through the asyncio client.",
        category_id=category_id, budget=budget, due_time=due))


async def registered(address: str, role) -> AsyncClient:
    client = AsyncClient(address)
    request = register_request(unique_email("async"), (role,))
    await client.auth.Register(request)
    await client.login(request.email, USER_PASSWORD)
    return client


async def scenario(address: str) -> None:
    async with AsyncClient(address) as admin:
        await admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
        buyer = await registered(address, user_pb2.ROLE_BUYER)
        seller = await registered(address, user_pb2.ROLE_SELLER)
        category = await admin.catalog.CreateCategory(catalog_pb2.CreateCategoryRequest(
            category=category_pb2.Category(slug=f"async-{uuid.uuid4().hex[:8]}",
                                           display_name="Async")))
        job = await buyer.jobs.CreateJob(job_request(category.id))
        await admin.jobs.ApproveJob(job_pb2.ApproveJobRequest(id=job.id))

        listed = await seller.offers.ListOffers(offer_pb2.ListOffersRequest())
        watch = seller.watch_offers(resume_cursor=listed.event_cursor)
        await admin.assignments.AssignSellers(assignment_pb2.AssignSellersRequest(
            job_id=job.id, seller_ids=[seller.tokens.user.id]))
        event = await asyncio.wait_for(watch.__anext__(), DEADLINE_S)
        assert event.type == event_type_pb2.OFFER_CREATED and event.offer.job_id == job.id

        accepted = await seller.offers.AcceptOffer(offer_pb2.AcceptOfferRequest(id=event.offer.id))
        assert accepted.state == offer_pb2.OFFER_STATE_ACCEPTED
        event = await asyncio.wait_for(watch.__anext__(), DEADLINE_S)
        assert (event.type, event.offer.id) == (event_type_pb2.OFFER_ACCEPTED, accepted.id)
        watch.close()
        with pytest.raises(StopAsyncIteration):
            await asyncio.wait_for(watch.__anext__(), DEADLINE_S)

        with pytest.raises(GigwireError) as caught:
            await buyer.jobs.GetJob(job_pb2.GetJobRequest(id="job_doesnotexist"))
        assert (caught.value.code, caught.value.reason) == (grpc.StatusCode.NOT_FOUND,
                                                            "RESOURCE_NOT_FOUND")
        await buyer.close()
        await seller.close()


def test_async_client_scenario(server):
    asyncio.run(scenario(server.address))
