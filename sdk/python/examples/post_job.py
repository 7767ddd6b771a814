#!/usr/bin/env python3
"""A buyer posts a job with the Gigwire Python SDK (against `make run`'s demo data).

    python3 sdk/python/examples/post_job.py [HOST:PORT]
"""
import sys
import time

from google.protobuf import timestamp_pb2

from gigwire import Client, GigwireError
from gigwire.v1 import catalog_pb2, common_pb2, job_pb2


def main(target: str) -> int:
    with Client(target) as client:
        client.login("ada@demo.gigwire.dev", "gigwire-demo-password")
        categories = client.catalog.ListCategories(catalog_pb2.ListCategoriesRequest()).categories
        due = timestamp_pb2.Timestamp()
        due.FromSeconds(int(time.time()) + 14 * 24 * 3600)
        usd = lambda cents: common_pb2.Money(currency_code="USD", amount_minor=cents)  # noqa: E731
        try:
            job = client.jobs.CreateJob(job_pb2.CreateJobRequest(job=job_pb2.Job(
                title="Logo for a bakery", description="Round, warm colours; SVG and PNG.",
                category_id=categories[0].id, skills=["logo"],
                budget=common_pb2.MoneyRange(min=usd(20_000), max=usd(50_000)), due_time=due)))
        except GigwireError as error:  # e.g. INVALID_ARGUMENT with field violations
            print(f"refused: {error}", file=sys.stderr)
            return 1
        print(f"posted {job.id}: {job_pb2.JobState.Name(job.state)}")  # waits for an admin
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:50051"))
