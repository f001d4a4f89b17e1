"""A real `gatehouse serve` rides out a PostgreSQL restart: 503 while it is down, by itself after.

The test starts a PostgreSQL cluster of its own (stopping the session's shared one would
break every other test), serves on it, stops it as an operator does (`pg_ctl stop -m
fast`) and starts it again on the same port and data. While it is down, every request that
needs the database, signed in or not, is answered 503 with `Retry-After` and the code
UNAVAILABLE, `/ready` says the database is down, and `/health` still says the process lives.
Once it is back, the same server (not restarted) answers again, the session made before
the outage included. A restart with no request in between costs no request at all: the
pool drops the connections PostgreSQL closed and opens new ones.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from resolvers.outages import RETRY_AFTER_SECONDS
from server.database import apply_migrations, database
from tests.conftest import NO_POSTGRES, run_in_fresh_loop
from tests.factories import ADMIN_PASSWORD, make_admin, make_shop
from tests.graphql_answers import payload_of, refusal
from tests.live_server import LiveServer
from tests.pg_cluster import PostgresCluster, find_bindir

pytestmark = pytest.mark.postgres_only

STAFF_EMAIL = "staff@example.com"
# How long PostgreSQL may take to be served again after it accepts connections once more.
RECOVERY_SECONDS = 30.0

ADMIN_LOGIN = """
mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) { token userErrors { code } }
}"""
LOGIN_VARIABLES = {"email": STAFF_EMAIL, "password": ADMIN_PASSWORD}
VIEWER = "{ viewer { __typename ... on AdminUser { email } } }"
REGISTRATION_FORM = '{ registrationForm(shop: "flora") { open } }'


@pytest.fixture
def own_cluster() -> Iterator[PostgresCluster]:
    """A PostgreSQL cluster for this test alone, migrated, holding a staff account and a shop."""
    bindir = find_bindir()
    if bindir is None:
        pytest.skip(NO_POSTGRES)
    cluster = PostgresCluster.start(bindir)
    try:
        run_in_fresh_loop(apply_migrations(cluster.url))
        run_in_fresh_loop(seed(cluster.url))
        yield cluster
    finally:
        cluster.stop()


async def seed(url: str) -> None:
    async with database(url, global_fallback=False):
        await make_admin(STAFF_EMAIL)
        await make_shop("flora", registration_enabled=True)


@pytest.fixture
def server(own_cluster: PostgresCluster, tmp_path: Path) -> Iterator[LiveServer]:
    live = LiveServer(own_cluster.url, tmp_path / "serve.log").start()
    try:
        yield live
    finally:
        live.stop()


class Requests:
    """The three kinds of call the outage must not tell apart: signed in, anonymous query,
    anonymous mutation."""

    def __init__(self, http: httpx.AsyncClient, server: LiveServer) -> None:
        self.http = http
        self.server = server
        self.token: str | None = None

    async def post(self, query: str, variables: dict[str, Any] | None = None, *,
                   token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.http.post(
            self.server.graphql_url, json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def sign_in(self) -> str:
        response = await self.post(ADMIN_LOGIN, LOGIN_VARIABLES)
        assert response.status_code == 200, response.text
        payload = payload_of(response.json(), "adminLogin")
        assert payload["userErrors"] == [], payload
        return payload["token"]

    async def signed_in(self) -> httpx.Response:
        assert self.token is not None
        return await self.post(VIEWER, token=self.token)

    async def anonymous_query(self) -> httpx.Response:
        return await self.post(REGISTRATION_FORM)

    async def anonymous_mutation(self) -> httpx.Response:
        return await self.post(ADMIN_LOGIN, LOGIN_VARIABLES)

    async def all_three(self) -> dict[str, httpx.Response]:
        return {
            "signed in": await self.signed_in(),
            "anonymous query": await self.anonymous_query(),
            "anonymous mutation": await self.anonymous_mutation(),
        }

    async def get(self, path: str) -> httpx.Response:
        return await self.http.get(f"{self.server.url}{path}")


def assert_served(answers: dict[str, httpx.Response]) -> None:
    for kind, response in answers.items():
        assert response.status_code == 200, f"{kind}: {response.status_code} {response.text}"
        assert "errors" not in response.json(), f"{kind}: {response.text}"
    assert answers["signed in"].json()["data"]["viewer"] == {"__typename": "AdminUser", "email": STAFF_EMAIL}
    assert answers["anonymous query"].json()["data"]["registrationForm"] == {"open": True}
    assert answers["anonymous mutation"].json()["data"]["adminLogin"]["token"]


def assert_unavailable(answers: dict[str, httpx.Response]) -> None:
    for kind, response in answers.items():
        assert response.status_code == 503, f"{kind}: {response.status_code} {response.text}"
        assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS), kind
        assert refusal(response.json()) == "UNAVAILABLE", f"{kind}: {response.text}"
        assert "database cannot be reached" in response.json()["errors"][0]["message"], kind


async def wait_until_served(requests: Requests) -> int:
    """Polls a signed-in call until it is served again; how many calls were refused first."""
    deadline = time.monotonic() + RECOVERY_SECONDS
    refused = 0
    while (response := await requests.signed_in()).status_code == 503:
        refused += 1
        assert time.monotonic() < deadline, f"not served again within {RECOVERY_SECONDS} s"
        await asyncio.sleep(0.1)
    assert response.status_code == 200, response.text
    return refused


async def test_a_database_outage_is_answered_503_and_the_server_recovers_by_itself(
    own_cluster: PostgresCluster, server: LiveServer
):
    async with httpx.AsyncClient(timeout=30) as http:
        requests = Requests(http, server)
        requests.token = await requests.sign_in()
        assert_served(await requests.all_three())
        assert (await requests.get("/ready")).json() == {"status": "ready"}

        own_cluster.stop_server()
        assert_unavailable(await requests.all_three())
        ready = await requests.get("/ready")
        health = await requests.get("/health")
        assert (ready.status_code, ready.json()) == (503, {"status": "unavailable", "down": ["database"]})
        assert ready.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
        assert (health.status_code, health.json()) == (200, {"status": "ok"})

        own_cluster.start_server()
        refused_after_start = await wait_until_served(requests)
        assert_served(await requests.all_three())
        assert (await requests.get("/ready")).json() == {"status": "ready"}

        # A restart between two requests: the pooled connections PostgreSQL closed are
        # replaced before use, so not even the first request after it fails.
        own_cluster.stop_server()
        own_cluster.start_server()
        assert_served(await requests.all_three())

    print(f"\nrefused after PostgreSQL accepted connections again: {refused_after_start}")  # noqa: T201
    log = server.log()
    # The outage was told as one, never as an unexpected error with a traceback.
    assert "database unavailable in request" in log
    assert "Unexpected error in request" not in log
