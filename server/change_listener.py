"""Hearing other instances' changes: PostgreSQL `LISTEN` on the changes channel (and on the
live events' channel, resolvers/live_events.py).

Every instance on one PostgreSQL listens on its own connection; a change committed anywhere
reaches each instance's caches (models/changes.py). While the connection is down, the
caches are not trusted (`FEED.hears_every_change` is False) and every request reads the
database, as it would without caches; once listening again, they start afresh. On SQLite
one process serves, and its changes are told in process; several processes on one SQLite
file (`serve --workers N`) cannot hear each other, so their caches stay off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

from models.changes import CHANNEL, FEED
from resolvers.live_events import LIVE, LIVE_CHANNEL

logger = logging.getLogger("gatehouse.changes")

# `serve --workers N` tells its workers how many they are (server/cli.py).
WORKER_PROCESSES = "GATEHOUSE_WORKER_PROCESSES"
# How often an idle listening connection is checked, and how long a check may take: a
# connection lost without a word is noticed within about twice this.
CHECK_SECONDS = 5.0
RETRY_SECONDS = 1.0


def _hear(_connection: Any, _pid: int, _channel: str, payload: object) -> None:
    if isinstance(payload, str):
        FEED.heard(payload)


def _hear_live(_connection: Any, _pid: int, _channel: str, payload: object) -> None:
    if isinstance(payload, str):
        LIVE.heard(payload)


async def _connect(database_url: str) -> asyncpg.Connection:
    credentials = expand_db_url(database_url)["credentials"]
    return await asyncpg.connect(
        host=credentials.get("host"),
        port=credentials.get("port"),
        user=credentials.get("user"),
        password=credentials.get("password"),
        database=credentials.get("database"),
        timeout=CHECK_SECONDS,
    )


async def _first_of(*events: asyncio.Event, seconds: float) -> None:
    """Waits until one of `events` is set, or `seconds` have passed."""
    waiters = [asyncio.create_task(event.wait()) for event in events]
    try:
        await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()


async def _listen_while_connected(connection: asyncpg.Connection, stop: asyncio.Event) -> None:
    lost = asyncio.Event()
    connection.add_termination_listener(lambda _: lost.set())
    await connection.add_listener(CHANNEL, _hear)
    await connection.add_listener(LIVE_CHANNEL, _hear_live)
    # What was cached before is of unknown age: drop it, then trust what is heard.
    FEED.tell_everything_changed()
    FEED.hears_every_change = True
    logger.info("Listening for other instances' changes")
    while not stop.is_set() and not lost.is_set():
        await _first_of(stop, lost, seconds=CHECK_SECONDS)
        if not stop.is_set() and not lost.is_set():
            await connection.fetchval("SELECT 1", timeout=CHECK_SECONDS)


async def listen_for_changes(database_url: str, stop: asyncio.Event) -> None:
    """Keeps a listening connection until `stop`, reconnecting after a loss."""
    while not stop.is_set():
        connection: asyncpg.Connection | None = None
        reason = "the server closed it"
        try:
            connection = await _connect(database_url)
            await _listen_while_connected(connection, stop)
        except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
            reason = type(error).__name__
        finally:
            was_listening, FEED.hears_every_change = FEED.hears_every_change, False
            if connection is not None:
                with contextlib.suppress(Exception):
                    await connection.close(timeout=CHECK_SECONDS)
        if was_listening and not stop.is_set():
            logger.warning("Lost the connection that hears other instances' changes (%s); "
                           "caches are off until it is back", reason)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=RETRY_SECONDS)


@contextlib.asynccontextmanager
async def hearing_changes(database_url: str) -> AsyncIterator[None]:
    """For a serving process's life: listens on PostgreSQL; on SQLite, trusts its own changes
    unless several processes share the file."""
    before = FEED.hears_every_change
    if not database_url.startswith(("postgres", "asyncpg")):
        FEED.hears_every_change = int(os.environ.get(WORKER_PROCESSES, "1")) <= 1
        try:
            yield
        finally:
            FEED.hears_every_change = before
        return
    FEED.hears_every_change = False
    stop = asyncio.Event()
    task = asyncio.create_task(listen_for_changes(database_url, stop), name="change listener")
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(task, return_exceptions=True)
        FEED.hears_every_change = before
