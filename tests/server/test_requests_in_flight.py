"""Whether the process is answering GraphQL requests, which webhook delivery gives way to: while
a request is answered and for a moment after, whether it ended well or not; a probe of /health
does not count."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from server.observed_requests import ObservedRequests
from server.requests_in_flight import RequestsInFlight


def app_counting(in_flight: RequestsInFlight, release: asyncio.Event) -> ObservedRequests:
    async def slow(request: Request) -> PlainTextResponse:
        if "fail" in request.query_params:
            raise RuntimeError("a bug")
        await release.wait()
        return PlainTextResponse("done")

    routes = [Route("/graphql", slow), Route("/health", slow)]
    return ObservedRequests(Starlette(routes=routes), in_flight=in_flight)


async def until(condition, seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "never happened"
        await asyncio.sleep(0.01)


async def test_a_request_counts_while_it_is_answered_and_no_longer_after():
    in_flight, release = RequestsInFlight(quiet_after=0), asyncio.Event()
    transport = httpx.ASGITransport(app=app_counting(in_flight, release))
    async with httpx.AsyncClient(transport=transport, base_url="http://gatehouse.test") as client:
        assert not in_flight.busy()
        two = [asyncio.create_task(client.get("/graphql")) for _ in range(2)]
        await until(lambda: in_flight.count == 2)
        assert in_flight.busy()
        release.set()
        answers = await asyncio.gather(*two)

    assert [answer.text for answer in answers] == ["done", "done"]
    assert (in_flight.count, in_flight.busy()) == (0, False)


async def test_a_probe_of_health_does_not_count():
    in_flight, release = RequestsInFlight(quiet_after=0), asyncio.Event()
    transport = httpx.ASGITransport(app=app_counting(in_flight, release))
    async with httpx.AsyncClient(transport=transport, base_url="http://gatehouse.test") as client:
        probe = asyncio.create_task(client.get("/health"))
        graphql = asyncio.create_task(client.get("/graphql"))
        await until(lambda: in_flight.count == 1)
        await asyncio.sleep(0.05)  # the probe is under way too, and still not counted
        count_meanwhile = in_flight.count
        release.set()
        await asyncio.gather(probe, graphql)

    assert count_meanwhile == 1


async def test_a_request_that_fails_no_longer_counts():
    in_flight = RequestsInFlight(quiet_after=0)
    transport = httpx.ASGITransport(app=app_counting(in_flight, asyncio.Event()))
    async with httpx.AsyncClient(transport=transport, base_url="http://gatehouse.test") as client:
        with pytest.raises(RuntimeError, match="a bug"):
            await client.get("/graphql?fail=1")

    assert (in_flight.count, in_flight.busy()) == (0, False)


async def test_the_process_counts_as_busy_for_a_moment_after_its_last_request():
    in_flight, release = RequestsInFlight(quiet_after=0.3), asyncio.Event()
    release.set()
    transport = httpx.ASGITransport(app=app_counting(in_flight, release))
    async with httpx.AsyncClient(transport=transport, base_url="http://gatehouse.test") as client:
        await client.get("/graphql")
        just_after = in_flight.busy()
        await asyncio.sleep(0.35)

    assert (in_flight.count, just_after, in_flight.busy()) == (0, True, False)
