"""`gatehouse serve --workers 2`: each worker counts its own requests, and /metrics adds them all up."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.live_server import LiveServer

TOKEN = "metrics-token-for-tests"
REQUESTS = "gatehouse_graphql_requests_total"
PROBE = {"query": "query Probe { __typename }", "operationName": "Probe"}
# Rounds of concurrent requests sent, at most, until both workers have answered some.
MAX_ROUNDS = 50


@pytest.fixture
def two_workers(db: str, tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(
        db, tmp_path / "serve.log",
        environment={
            "GATEHOUSE_METRICS_TOKEN": TOKEN,
            # Several workers may not share memory:// rate limits; none are needed here.
            "GATEHOUSE_RATE_LIMITS": "off",
            # `serve` makes the workers' metrics directory in the temporary folder: this one.
            "TMPDIR": str(tmp_path),
        },
    ).start("--workers", "2")
    try:
        yield server
    finally:
        server.stop()


def probes_counted(text: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == REQUESTS and sample.labels == {"operation": "Probe", "outcome": "ok"}
    )


def probes_per_worker(directory: Path) -> dict[str, float]:
    """Each worker's own count, read from its file (`counter_<pid>.db`) of the shared directory."""
    counts = {}
    for path in directory.glob("counter_*.db"):
        counts[path.stem] = sum(
            sample.value
            for metric in MultiProcessCollector.merge([str(path)])
            for sample in metric.samples
            if sample.name == REQUESTS and sample.labels.get("operation") == "Probe"
        )
    return counts


async def send_round(url: str, requests: int) -> None:
    """`requests` at once, each on a connection of its own, so either worker may take it."""

    async def one() -> None:
        async with httpx.AsyncClient() as http:
            response = await http.post(url, json=PROBE)
            assert response.json() == {"data": {"__typename": "Query"}}

    await asyncio.gather(*(one() for _ in range(requests)))


async def test_the_counts_of_both_workers_add_up_and_serve_clears_them_away_when_it_stops(
    two_workers, tmp_path
):
    (directory,) = tmp_path.glob("gatehouse-metrics-*")
    sent = 0
    for _ in range(MAX_ROUNDS):
        await send_round(two_workers.graphql_url, 8)
        sent += 8
        per_worker = probes_per_worker(directory)
        if len([count for count in per_worker.values() if count > 0]) == 2:
            break
    assert len([count for count in per_worker.values() if count > 0]) == 2, per_worker

    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        scrapes = []
        for _ in range(4):  # fresh connections: the scrapes are answered by either worker
            response = await http.get(f"{two_workers.url}/metrics", headers={"Connection": "close"})
            assert response.status_code == 200
            scrapes.append(probes_counted(response.text))

    assert sum(probes_per_worker(directory).values()) == sent
    assert scrapes == [sent] * 4

    two_workers.stop()

    assert not directory.exists()
