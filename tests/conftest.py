"""Fixtures: every database test runs on SQLite and on a throwaway PostgreSQL cluster."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from server.app import create_app
from server.database import apply_migrations, database, empty_every_table
from server.settings import Settings
from tests.mail.smtp_server import SmtpServer
from tests.pg_cluster import PostgresCluster, find_bindir
from tests.redis_server import (  # the Redis fixtures, for every test folder
    own_redis,  # noqa: F401
    redis_server,  # noqa: F401
    redis_url,  # noqa: F401
    report_skipped,
)

if TYPE_CHECKING:
    from tests.webhooks.receiver import Receiver

NO_POSTGRES = (
    "PostgreSQL binaries not found (looked in /usr/lib/postgresql/*/bin and on PATH): "
    "the PostgreSQL half of the suite DID NOT RUN. Install them with "
    "`apt-get install -y postgresql` (CI does)."
)


def run_in_fresh_loop(coroutine: Any) -> Any:
    """Run a coroutine to completion on its own loop, away from pytest-asyncio's."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster | None]:
    bindir = find_bindir()
    if bindir is None:
        yield None
        return
    cluster = PostgresCluster.start(bindir)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_cluster: PostgresCluster | None) -> str:
    """The migrated PostgreSQL database, for what only PostgreSQL shows (row locks, concurrency)."""
    if postgres_cluster is None:
        pytest.skip(NO_POSTGRES)
    run_in_fresh_loop(apply_migrations(postgres_cluster.url))
    return postgres_cluster.url


@pytest.fixture(scope="session", params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database of each engine, made once per test session."""
    if request.param == "postgres":
        return request.getfixturevalue("postgres_url")
    url = f"sqlite://{tmp_path_factory.mktemp('sqlite') / 'gatehouse.sqlite3'}"
    run_in_fresh_loop(apply_migrations(url))
    return url


@contextlib.asynccontextmanager
async def empty_database(url: str) -> AsyncIterator[str]:
    async with database(url, global_fallback=False):
        await empty_every_table(url)
        yield url


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[str]:
    """Tortoise connected to an empty database for this test; yields the URL."""
    async with empty_database(database_url) as url:
        yield url


@pytest.fixture
async def pg_db(postgres_url: str) -> AsyncIterator[str]:
    """Like `db`, on PostgreSQL only."""
    async with empty_database(postgres_url) as url:
        yield url


# A fixed key, so a failing test's MFA secrets can be read back; never one a server uses.
TEST_SECRET_KEY = "dGVzdHMtb25seS1nYXRlaG91c2Utc2VjcmV0LWtleSE="


@pytest.fixture
def settings(database_url: str) -> Settings:
    # Rate limits are off except where a test turns them on (tests/api/test_rate_limits.py):
    # a suite signs in far more often than any person. MFA is optional except where a test
    # requires it (tests/api/test_mfa*.py), so signing staff in takes one step.
    return replace(
        Settings(), database_url=database_url, cookie_secure=False, rate_limits="off",
        staff_mfa="optional", secret_key=TEST_SECRET_KEY,
    )


class GraphQLClient:
    """Posts GraphQL to the app in-process; keeps cookies like a browser would."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def post(
        self, query: str, variables: dict | None = None, *, token: str | None = None
    ) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )

    async def execute(self, query: str, variables: dict | None = None, **kwargs: Any) -> dict:
        response = await self.post(query, variables, **kwargs)
        assert response.status_code == 200, response.text
        return response.json()

    async def data(self, query: str, variables: dict | None = None, **kwargs: Any) -> dict:
        """The data of a call that must succeed without GraphQL errors."""
        body = await self.execute(query, variables, **kwargs)
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture
async def app(db: str, settings: Settings) -> AsyncIterator[Any]:
    application = create_app(settings, manage_database=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def client(app: Any) -> AsyncIterator[GraphQLClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4711))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield GraphQLClient(http)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    skipped = terminalreporter.stats.get("skipped", [])
    if any(NO_POSTGRES in str(report.longrepr) for report in skipped):
        terminalreporter.write_sep("!", "PostgreSQL tests were SKIPPED", red=True, bold=True)
        terminalreporter.write_line(NO_POSTGRES, red=True)
    report_skipped(terminalreporter)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free port, keeping what it receives."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A partner's webhook receiver on loopback (tests/webhooks/receiver.py), for the test."""
    from tests.webhooks.receiver import Receiver

    server = Receiver().start()
    yield server
    server.stop()
