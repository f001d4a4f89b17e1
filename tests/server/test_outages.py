"""While the database cannot be reached, /graphql answers 503 UNAVAILABLE with Retry-After.

Signed in or not, whether the failure comes while the session is read (before GraphQL
runs) or inside a resolver. Only an outage is told so: a programming error stays INTERNAL.
The classification is checked on errors raised for real (a refused connection, SQLite's
own errors), not on look-alikes.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from tortoise.exceptions import OperationalError

from resolvers.outages import RETRY_AFTER_SECONDS, Outage, outage_of
from server.database import apply_migrations
from tests.conftest import run_in_fresh_loop
from tests.factories import ADMIN_PASSWORD, make_admin
from tests.graphql_answers import refusal
from tests.pg_cluster import free_port
from tests.server.offline_apps import app_client, refusing_postgres_url

REGISTRATION_FORM = '{ registrationForm(shop: "flora") { open } }'
VIEWER = "{ viewer { __typename } }"
ADMIN_LOGIN = """
mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) { token userErrors { code } }
}"""
ADMIN = {"email": "staff@example.com", "password": ADMIN_PASSWORD}

# What only a driver's message, an address or a traceback would put in a body.
LEAK_MARKERS = ["Traceback", ".py", "asyncpg", "sqlite", "Connect call", "Errno", "127.0.0.1",
                "locked", "OperationalError"]


def assert_unavailable(response: httpx.Response) -> dict:
    """A 503 with Retry-After and one UNAVAILABLE error that says what is down; its extensions."""
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert refusal(response.json()) == "UNAVAILABLE"
    error = response.json()["errors"][0]
    assert "database cannot be reached" in error["message"]
    assert error["extensions"]["requestId"] == response.headers["X-Request-Id"]
    for marker in LEAK_MARKERS:
        assert marker not in response.text, f"{marker!r} reached the client: {response.text}"
    return error


def outage_records(caplog: pytest.LogCaptureFixture, request_id: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "gatehouse.errors" and request_id in r.getMessage()]


# --- PostgreSQL refusing connections (a stopped server) ---------------------------------------


@pytest.fixture
async def refusing() -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(refusing_postgres_url(), rate_limits="") as http:
        yield http


async def test_an_anonymous_query_is_answered_503_unavailable(refusing, caplog):
    caplog.set_level(logging.WARNING, logger="gatehouse.errors")
    response = await refusing.post("/graphql", json={"query": REGISTRATION_FORM})

    assert_unavailable(response)
    # One line in the log naming the request and the cause, no traceback: nothing to debug.
    [record] = outage_records(caplog, response.headers["X-Request-Id"])
    assert record.levelno == logging.WARNING
    assert record.exc_info is None
    assert "ConnectionRefusedError" in record.getMessage()


async def test_an_anonymous_mutation_is_answered_503_unavailable(refusing):
    response = await refusing.post("/graphql", json={"query": ADMIN_LOGIN, "variables": ADMIN})

    assert_unavailable(response)


async def test_a_signed_in_request_is_answered_503_when_its_session_cannot_be_read(refusing, caplog):
    caplog.set_level(logging.WARNING, logger="gatehouse.errors")
    response = await refusing.post(
        "/graphql", json={"query": VIEWER}, headers={"Authorization": "Bearer some-session-token"}
    )

    assert_unavailable(response)
    [record] = outage_records(caplog, response.headers["X-Request-Id"])
    assert record.exc_info is None


async def test_a_query_that_needs_no_database_is_still_answered(refusing):
    response = await refusing.post("/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


# --- SQLite locked by another process past the busy timeout -----------------------------------


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "gatehouse.sqlite3"
    run_in_fresh_loop(apply_migrations(f"sqlite://{path}"))
    return path


async def test_a_sqlite_database_locked_past_the_busy_timeout_answers_503_then_recovers(sqlite_file):
    # A short busy timeout, so the test waits a tenth of a second for the lock, not five.
    async with app_client(f"sqlite://{sqlite_file}?busy_timeout=100", rate_limits="off") as http:
        await make_admin()
        # Another process (a shell, a script) holds the write lock in an open transaction.
        holder = sqlite3.connect(sqlite_file, isolation_level=None)
        try:
            holder.execute("BEGIN IMMEDIATE")
            locked = await http.post("/graphql", json={"query": ADMIN_LOGIN, "variables": ADMIN})
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        unlocked = await http.post("/graphql", json={"query": ADMIN_LOGIN, "variables": ADMIN})

    assert_unavailable(locked)
    assert unlocked.status_code == 200, unlocked.text
    assert unlocked.json()["data"]["adminLogin"]["token"]


# --- what counts as an outage ------------------------------------------------------------------


async def test_a_refused_connection_from_the_driver_is_a_database_outage():
    with pytest.raises(ConnectionRefusedError) as refused:
        await asyncpg.connect(f"postgres://gatehouse@127.0.0.1:{free_port()}/gatehouse")

    assert outage_of(refused.value) is Outage.DATABASE


def sqlite_error(sql: str) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as raised:
        sqlite3.connect(":memory:").execute(sql)
    return raised.value


@pytest.mark.parametrize("error", [
    asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"),
    asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
    asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"),
    asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"),
    asyncpg.exceptions.InterfaceError("connection is closed"),
    sqlite3.OperationalError("database is locked"),
    sqlite3.OperationalError("unable to open database file"),
], ids=repr)
def test_what_the_drivers_say_of_a_server_gone_or_busy_is_an_outage(error):
    assert outage_of(error) is Outage.DATABASE


def raise_as_tortoise_does(error: sqlite3.Error) -> None:
    """Tortoise raises its own OperationalError while handling SQLite's: a context, no cause."""
    try:
        raise error
    except sqlite3.Error as original:
        raise OperationalError(original)  # noqa: B904 -- the chain Tortoise makes


def wrapped_as_tortoise_does(error: sqlite3.Error) -> OperationalError:
    with pytest.raises(OperationalError) as raised:
        raise_as_tortoise_does(error)
    return raised.value


def test_an_outage_wrapped_by_tortoise_is_still_one_and_a_bug_wrapped_is_still_none():
    assert outage_of(wrapped_as_tortoise_does(sqlite3.OperationalError("database is locked"))) is (
        Outage.DATABASE
    )
    assert outage_of(wrapped_as_tortoise_does(sqlite_error("SELECT * FROM no_such_table"))) is None


def missing_file_error(tmp_path: Path) -> OSError:
    with pytest.raises(FileNotFoundError) as raised:
        (tmp_path / "missing.txt").read_text()
    return raised.value


def test_programming_errors_are_no_outage(tmp_path):
    errors = [
        sqlite_error("SELECT * FROM no_such_table"),
        sqlite_error("SELEKT 1"),
        asyncpg.exceptions.InterfaceError("cannot perform operation: another operation is in progress"),
        asyncpg.exceptions.UndefinedTableError('relation "shop" does not exist'),
        # An OSError with a connection's number, but not raised by a driver: our own bug.
        ConnectionRefusedError(111, "refused"),
        missing_file_error(tmp_path),
        ValueError("bad"),
        None,
    ]

    assert [outage_of(error) for error in errors] == [None] * len(errors)


# --- the rate-limit storage refusing connections (Redis stopped) -------------------------------


async def test_a_sign_in_is_answered_503_while_the_rate_limit_storage_refuses_connections(db):
    pytest.importorskip("coredis", reason="the Redis client (pip install 'gatehouse[redis]') is missing")
    storage = f"redis://127.0.0.1:{free_port()}/0"
    async with app_client(db, rate_limits="", rate_limit_storage=storage) as http:
        await make_admin()
        response = await http.post("/graphql", json={"query": ADMIN_LOGIN, "variables": ADMIN})
        ready = await http.get("/ready")

    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == str(RETRY_AFTER_SECONDS)
    assert refusal(response.json()) == "UNAVAILABLE"
    assert "rate-limit storage cannot be reached" in response.json()["errors"][0]["message"]
    assert "redis" not in response.text.lower()
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "down": ["rate_limit_storage"]}
