# Type-checked (mypy --strict) against the installed gigwire package by
# tests/packaging/run.sh: what a partner's typed code sees. Never run.
from typing import List

import grpc

from gigwire import Client, GigwireError
from gigwire.aio import AsyncClient
from gigwire.v1 import job_pb2, job_pb2_grpc, offer_pb2


def titles(client: Client) -> List[str]:
    page: job_pb2.ListJobsResponse = client.jobs.ListJobs(job_pb2.ListJobsRequest(page_size=20))
    return [job.title for job in page.jobs]


def accept(client: Client, offer_id: str) -> str:
    try:
        offer: offer_pb2.Offer = client.offers.AcceptOffer(
            offer_pb2.AcceptOfferRequest(id=offer_id))
    except GigwireError as error:
        return error.reason
    return offer.booking_id


def first_offer_ids(client: Client) -> List[str]:
    with client.watch_offers() as watch:
        return [event.offer.id for event, _ in zip(watch, range(3))]


async def job_state(client: AsyncClient, job_id: str) -> int:
    job: job_pb2.Job = await client.jobs.GetJob(job_pb2.GetJobRequest(id=job_id))
    return job.state


async def first_async_offer_id(client: AsyncClient) -> str:
    async for event in client.watch_offers():
        return event.offer.id
    return ""


def raw_stub(channel: grpc.Channel) -> str:
    stub = job_pb2_grpc.JobServiceStub(channel)
    job: job_pb2.Job = stub.GetJob(job_pb2.GetJobRequest(id="job_1"))
    return job.title
