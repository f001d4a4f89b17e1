"""Two concurrent calls made to meet at one point of a use case (its `pause`), to test locks."""

from __future__ import annotations

import asyncio
import contextlib


class BothArrive:
    """Holds each call that reaches the pause until the other does too, for at most a second:
    where the first holds row locks the second needs, the second never arrives while it waits,
    and the first goes on after the second."""

    def __init__(self) -> None:
        self.arrived = 0
        self.both = asyncio.Event()

    async def __call__(self) -> None:
        self.arrived += 1
        if self.arrived == 2:
            self.both.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.both.wait(), timeout=1)
