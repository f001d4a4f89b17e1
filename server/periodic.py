"""A round of background work at once, then every so often, until `serve` stops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

logger = logging.getLogger("gatehouse.background")


async def periodically(
    stop: asyncio.Event, interval: float, work: Callable[[], Awaitable[None]], what: str
) -> None:
    """`work` at once, then every `interval` seconds until `stop` is set; a failed round is
    logged and the next one comes as planned."""
    while not stop.is_set():
        try:
            await work()
        except Exception:
            logger.exception("%s failed; trying again later", what)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
