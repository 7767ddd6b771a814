#!/usr/bin/env python3
"""A seller follows its offers live with the asyncio client, resuming across
disconnects, until Ctrl-C (against `make run`'s demo data).

    python3 sdk/python/examples/watch_offers_async.py [HOST:PORT]
"""
import asyncio
import sys

from gigwire.aio import AsyncClient
from gigwire.v1 import event_type_pb2, offer_pb2


async def main(target: str) -> None:
    async with AsyncClient(target) as client:
        await client.login("sam@demo.gigwire.dev", "gigwire-demo-password")
        page = await client.offers.ListOffers(offer_pb2.ListOffersRequest())
        print(f"{len(page.offers)} offers now; watching for changes")
        async for event in client.watch_offers(resume_cursor=page.event_cursor):
            kind = event_type_pb2.EventType.Name(event.type)
            print(f"{kind}: {event.offer.id} for job {event.offer.job_id}")


if __name__ == "__main__":
    try:
        asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:50051"))
    except KeyboardInterrupt:
        pass
