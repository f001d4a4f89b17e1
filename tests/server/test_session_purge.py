"""`serve` deletes ended sessions now and then (its hourly purge of sessions and links), and
refuses session lifetimes of zero or less."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from auth.sessions import start_session
from models import Session
from resolvers.runtime import Runtime
from server.background import background_work
from server.retention_purge import purge_sign_ins_periodically
from server.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.factories import make_admin
from tests.server.command import run_gatehouse
from tests.use_cases import cheap_runtime


async def ended_session(runtime: Runtime) -> Session:
    """A staff session signed in 13 hours ago: past its absolute end."""
    admin = await make_admin(f"staff{await Session.all().count()}@example.com")
    _, session = await start_session(
        now=runtime.now() - timedelta(hours=13), policy=runtime.sessions, admin=admin
    )
    return session


async def gone(session: Session, within: float = 5.0) -> bool:
    """Whether the session's row disappears within `within` seconds."""
    for _ in range(int(within / 0.02)):
        if not await Session.exists(id=session.id):
            return True
        await asyncio.sleep(0.02)
    return False


@contextlib.asynccontextmanager
async def purging(runtime: Runtime, interval: float):
    stop = asyncio.Event()
    task = asyncio.create_task(purge_sign_ins_periodically(runtime, stop, interval=interval))
    try:
        yield
    finally:
        stop.set()
        await asyncio.wait_for(task, timeout=5)


async def test_the_purge_loop_purges_at_once_and_again_at_each_interval(db):
    runtime = cheap_runtime()
    first = await ended_session(runtime)
    live_admin = await make_admin("live@example.com")
    _, live = await start_session(now=runtime.now(), policy=runtime.sessions, admin=live_admin)

    async with purging(runtime, interval=0.05):
        assert await gone(first)
        second = await ended_session(runtime)  # ends after the first round
        assert await gone(second)

    assert await Session.exists(id=live.id)


async def test_the_loop_stops_when_told_even_in_a_long_interval(db):
    runtime = cheap_runtime()
    async with purging(runtime, interval=3600):
        await asyncio.sleep(0.05)
    # (the context manager's wait_for would have timed out had it not stopped)


async def test_the_loop_outlives_a_failing_round(db, caplog):
    calls = 0

    def clock() -> datetime:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("the clock stumbled")
        return datetime.now(UTC)

    runtime = cheap_runtime(clock=clock)
    session = await ended_session(cheap_runtime())

    async with purging(runtime, interval=0.05):
        assert await gone(session)

    assert "Purge of sessions and links failed" in caplog.text


async def test_serves_background_work_purges_ended_sessions(db, settings):
    # given an ended session, and the work `serve` runs beside answering requests
    runtime = cheap_runtime()
    session = await ended_session(runtime)

    # when that work starts
    async with background_work(replace(settings, mail_poll_seconds=3600), runtime):
        # then the ended session is deleted
        assert await gone(session)


@pytest.mark.parametrize(
    "variable",
    [
        "GATEHOUSE_STAFF_SESSION_IDLE_MINUTES", "GATEHOUSE_STAFF_SESSION_HOURS",
        "GATEHOUSE_CUSTOMER_SESSION_IDLE_DAYS", "GATEHOUSE_CUSTOMER_SESSION_DAYS",
    ],
)
@pytest.mark.parametrize("value", ["0", "-5"])
def test_serve_refuses_a_session_lifetime_of_zero_or_less(database_file: Path, variable, value):
    result = run_gatehouse(
        database_file, "serve",
        env={"GATEHOUSE_STAFF_MFA": "optional", "GATEHOUSE_SECRET_KEY": TEST_SECRET_KEY, variable: value},
    )

    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.strip() == f"Error: {variable} must be a number above 0."


def test_the_default_lifetimes_are_the_documented_ones():
    settings = Settings.from_environ({})
    assert (settings.staff_session_idle, settings.staff_session_lifetime) == (
        timedelta(minutes=60), timedelta(hours=12)
    )
    assert (settings.customer_session_idle, settings.customer_session_lifetime) == (
        timedelta(days=7), timedelta(days=30)
    )
