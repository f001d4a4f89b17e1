"""On PostgreSQL each statement of a request is one round trip: no reset of the connection
between statements, read from PostgreSQL's own statement log."""

from __future__ import annotations

import uuid
from dataclasses import replace

import asyncpg
import httpx
import pytest

from server.app import create_app
from server.database import apply_migrations, database
from server.settings import Settings
from tests.conftest import NO_POSTGRES, run_in_fresh_loop
from tests.factories import make_shop
from tests.pg_cluster import PostgresCluster
from tests.query_counter import count_queries

# With `viewer` beside it the form is not a public answer kept in memory: it is worked out.
FORM = {"query": '{ registrationForm(shop: "flora") { shop open fields { key } } viewer { __typename } }'}


@pytest.fixture
def logged_database(postgres_cluster: PostgresCluster | None) -> tuple[PostgresCluster, str]:
    """A migrated database of the session's cluster whose every statement PostgreSQL logs."""
    if postgres_cluster is None:
        pytest.skip(NO_POSTGRES)
    name = f"logged_{uuid.uuid4().hex[:12]}"
    url = postgres_cluster.create_database(name)
    run_in_fresh_loop(apply_migrations(url))

    async def log_every_statement() -> None:
        connection = await asyncpg.connect(url)
        try:
            await connection.execute(f'ALTER DATABASE "{name}" SET log_statement = \'all\'')
        finally:
            await connection.close()

    run_in_fresh_loop(log_every_statement())
    return postgres_cluster, url


def statements_logged(cluster: PostgresCluster, since: int) -> list[str]:
    """The statements PostgreSQL logged after byte `since` of its log."""
    with (cluster.folder / "server.log").open("rb") as log:
        log.seek(since)
        lines = log.read().decode(errors="replace").splitlines()
    return [line for line in lines if "statement: " in line or " execute " in line]


async def test_a_request_sends_each_statement_once_and_resets_no_connection(logged_database):
    # given Gatehouse on a database whose statements PostgreSQL logs, with a shop to read
    cluster, url = logged_database
    settings = replace(Settings(), database_url=url, rate_limits="off", staff_mfa="optional")
    async with database(url, global_fallback=False):
        await make_shop("flora")
        app = create_app(settings, manage_database=False)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
                assert "errors" not in (await http.post("/graphql", json=FORM)).json()  # warm
                since = (cluster.folder / "server.log").stat().st_size

                # when a storefront reads the form, statement by statement outside a transaction
                # (with a cookie, so it is read again rather than answered from memory)
                with count_queries() as ours:
                    answer = (await http.post("/graphql", json=FORM)).json()

    # then PostgreSQL saw exactly our statements: none resetting the connection between them
    assert answer["data"]["registrationForm"]["shop"] == "flora"
    logged = statements_logged(cluster, since)
    assert not [line for line in logged if "pg_advisory_unlock_all" in line], logged
    assert len(ours) == 2
    assert len(logged) == len(ours), logged
