"""`GET /ready` says whether the database and the rate-limit storage answer; `/health` only
that the process serves."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest

from resolvers.outages import RETRY_AFTER_SECONDS
from tests.server.offline_apps import app_client, refusing_postgres_url


async def test_ready_when_the_database_answers(client):
    response = await client.http.get("/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_ready_with_the_rate_limits_on_asks_their_storage_too(db):
    async with app_client(db, rate_limits="", rate_limit_storage="memory://") as http:
        response = await http.get("/ready")

    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_not_ready_while_the_database_refuses_connections_but_alive():
    async with app_client(refusing_postgres_url()) as http:
        ready = await http.get("/ready")
        health = await http.get("/health")

    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "down": ["database"]}
    assert ready.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert health.status_code == 200
    assert health.json() == {"status": "ok"}


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts TCP connections and never says a word: a database host that hangs."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)  # the kernel completes the handshakes; nobody ever reads or writes
        yield listener.getsockname()[1]


async def test_a_database_that_hangs_is_reported_down_instead_of_hanging_ready(silent_port):
    # asyncpg would wait 60 s for the server's first word; the probe gives up long before,
    # and this test's own bound (far above the probe's, far below asyncpg's) tells which won.
    async with app_client(f"postgres://gatehouse@127.0.0.1:{silent_port}/gatehouse") as http:
        response = await asyncio.wait_for(http.get("/ready"), timeout=20)

    assert response.status_code == 503
    assert response.json()["down"] == ["database"]
