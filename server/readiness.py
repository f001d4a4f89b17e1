"""`GET /ready`: may this process be sent requests? Yes when what every request needs answers.

`GET /health` is liveness (the process serves; restart it when that stops); `/ready` is
readiness (take it out of the load balancer while the database or the rate-limit storage
is unreachable, put it back when they return, without restarting it). Each probe is cut
off after `PROBE_TIMEOUT_SECONDS`, so a database that hangs instead of refusing makes
`/ready` say so rather than hang with it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse
from tortoise import Tortoise

from auth.rate_limits import RateLimiter
from resolvers.outages import RETRY_AFTER_SECONDS, Outage, describe

logger = logging.getLogger("gatehouse.errors")

PROBE_TIMEOUT_SECONDS = 1.5

Probe = Callable[[], Awaitable[object]]


def database_probe(connection_name: str) -> Probe:
    async def probe() -> None:
        await Tortoise.get_connection(connection_name).execute_query("SELECT 1")

    return probe


def rate_limit_storage_probe(rate_limits: RateLimiter) -> Probe:
    async def probe() -> None:
        # Counters off (`GATEHOUSE_RATE_LIMITS=off`): no request reads the storage.
        if rate_limits.enabled and not await rate_limits.storage_ready():
            raise ConnectionError("the rate-limit storage did not answer its check")

    return probe


async def answers(outage: Outage, probe: Probe) -> bool:
    try:
        async with asyncio.timeout(PROBE_TIMEOUT_SECONDS):
            await probe()
    except Exception as error:  # whatever keeps it from answering, it is not ready
        reason = "no answer within the timeout" if isinstance(error, TimeoutError) else describe(error)
        logger.warning("Not ready: the %s did not answer: %s", outage.value, reason)
        return False
    return True


async def down(probes: dict[Outage, Probe]) -> list[Outage]:
    """What does not answer, probed side by side so that /ready takes one timeout at most."""
    results = await asyncio.gather(*(answers(outage, probe) for outage, probe in probes.items()))
    return [outage for outage, ready in zip(probes, results, strict=True) if not ready]


def readiness_endpoint(probes: dict[Outage, Probe]) -> Callable[[Request], Awaitable[JSONResponse]]:
    async def ready(_: Request) -> JSONResponse:
        unavailable = await down(probes)
        if not unavailable:
            return JSONResponse({"status": "ready"})
        return JSONResponse(
            {"status": "unavailable", "down": [outage.value for outage in unavailable]},
            status_code=503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    return ready


def readiness_probes(connection_name: str, rate_limits: RateLimiter) -> dict[Outage, Probe]:
    return {
        Outage.DATABASE: database_probe(connection_name),
        Outage.RATE_LIMIT_STORAGE: rate_limit_storage_probe(rate_limits),
    }
