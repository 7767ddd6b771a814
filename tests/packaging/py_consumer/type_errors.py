# Must FAIL mypy --strict on exactly the lines marked "expected error": proves
# the check of typed_usage.py is not vacuous. Never run.
import grpc

from gigwire import Client
from gigwire.aio import AsyncClient
from gigwire.v1 import job_pb2, job_pb2_grpc, offer_pb2


def wrong_request(client: Client) -> None:
    client.jobs.GetJob(job_pb2.ListJobsRequest())  # expected error


def wrong_response(client: Client) -> str:
    return client.jobs.GetJob(job_pb2.GetJobRequest(id="j")).no_such_field  # expected error


def wrong_stub_request(channel: grpc.Channel) -> None:
    job_pb2_grpc.JobServiceStub(channel).GetJob(job_pb2.ListJobsRequest())  # expected error


async def wrong_async_request(client: AsyncClient) -> None:
    await client.jobs.GetJob(job_pb2.ListJobsRequest())  # expected error


async def wrong_async_response(client: AsyncClient) -> str:
    return (await client.offers.GetOffer(offer_pb2.GetOfferRequest(id="o"))).no_such_field  # expected error
