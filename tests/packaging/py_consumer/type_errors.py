# Must FAIL mypy --strict on exactly the lines marked "expected error": proves
# the check of typed_usage.py is not vacuous. Never run.
import grpc

from gigwire import Client
from gigwire.v1 import job_pb2, job_pb2_grpc


def wrong_request(client: Client) -> None:
    client.jobs.GetJob(job_pb2.ListJobsRequest())  # expected error


def wrong_response(client: Client) -> str:
    return client.jobs.GetJob(job_pb2.GetJobRequest(id="j")).no_such_field  # expected error


def wrong_stub_request(channel: grpc.Channel) -> None:
    job_pb2_grpc.JobServiceStub(channel).GetJob(job_pb2.ListJobsRequest())  # expected error
