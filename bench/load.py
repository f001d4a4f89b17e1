"""A small HTTP load generator: N requests at a given concurrency, latencies in milliseconds."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Figures:
    requests: int
    seconds: float
    latencies_ms: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    def line(self, label: str) -> str:
        return (
            f"  {label:44} {self.per_second:8.0f} req/s   p50 {self.p50:7.1f} ms   "
            f"p99 {self.p99:7.1f} ms   ({self.requests} requests)"
        )


async def hammer(
    url: str,
    body: dict | Callable[[int], dict],
    *,
    requests: int,
    concurrency: int,
    headers: dict[str, str] | None = None,
    check: bool = True,
) -> Figures:
    """POSTs `body` `requests` times with `concurrency` in flight; every answer must be data.

    A callable `body` is given each request's number, for requests that must differ (a
    registration per email)."""

    def body_of(number: int) -> dict:
        return body(number) if callable(body) else body

    latencies: list[float] = []
    remaining = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=headers or {}) as client:

        async def worker() -> None:
            for number in remaining:
                started = time.perf_counter()
                response = await client.post(url, json=body_of(number))
                latencies.append((time.perf_counter() - started) * 1000)
                if check:
                    payload = response.json()
                    if response.status_code != 200 or "errors" in payload or _user_errors(payload):
                        raise RuntimeError(f"bench request failed: {response.status_code} {payload}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return Figures(requests, time.perf_counter() - started, latencies)


def _user_errors(payload: dict) -> list:
    """A mutation's refusals: a bench whose submissions were refused measured nothing."""
    return [
        error
        for result in (payload.get("data") or {}).values()
        if isinstance(result, dict)
        for error in result.get("userErrors") or []
    ]
