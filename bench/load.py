"""A small HTTP load generator: N requests at a given concurrency, latencies in milliseconds."""

from __future__ import annotations

import asyncio
import statistics
import time
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
    body: dict,
    *,
    requests: int,
    concurrency: int,
    headers: dict[str, str] | None = None,
    check: bool = True,
) -> Figures:
    """POSTs `body` `requests` times with `concurrency` in flight; every answer must be data."""
    latencies: list[float] = []
    remaining = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=60, headers=headers or {}) as client:

        async def worker() -> None:
            for _ in remaining:
                started = time.perf_counter()
                response = await client.post(url, json=body)
                latencies.append((time.perf_counter() - started) * 1000)
                if check:
                    payload = response.json()
                    if response.status_code != 200 or "errors" in payload:
                        raise RuntimeError(f"bench request failed: {response.status_code} {payload}")

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return Figures(requests, time.perf_counter() - started, latencies)
