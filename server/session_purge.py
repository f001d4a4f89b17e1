"""Deleting ended sessions now and then, so the session table holds only live ones for long.

A session past its idle or absolute end already signs nobody in (auth/sessions.py); the purge
only keeps the table small. Several instances may purge at once: each deletes what is left.
"""

from __future__ import annotations

import asyncio
import logging

from auth.sessions import purge_ended_sessions
from resolvers.runtime import Runtime
from server.periodic import periodically

logger = logging.getLogger("gatehouse.background")

PURGE_SECONDS = 600


async def purge_periodically(
    runtime: Runtime, stop: asyncio.Event, *, interval: float = PURGE_SECONDS
) -> None:
    """Purges at once, then every `interval` seconds until `stop` is set."""

    async def purge() -> None:
        purged = await purge_ended_sessions(runtime.now(), runtime.sessions)
        if purged:
            logger.info("Deleted %d ended sessions", purged)

    await periodically(stop, interval, purge, "Session purge")
