"""Whether this process is answering GraphQL requests (server/observed_requests.py counts them):
background work that shares its event loop (webhook delivery) gives way while it is, and for a
moment after the last request.

The moment matters: under load the count of requests under way touches zero between one
answer and the next request many times a second, and work that rushed in at each of those
instants would meet the next requests."""

from __future__ import annotations

import time

# How long after its last request a process still counts as answering requests.
QUIET_AFTER_SECONDS = 1.0


class RequestsInFlight:
    def __init__(self, quiet_after: float = QUIET_AFTER_SECONDS) -> None:
        self.count = 0
        self.quiet_after = quiet_after
        self._last_ended = -quiet_after  # time.monotonic()'s; none ended yet

    def started(self) -> None:
        self.count += 1

    def ended(self) -> None:
        self.count -= 1
        self._last_ended = time.monotonic()

    def busy(self) -> bool:
        return self.count > 0 or time.monotonic() - self._last_ended < self.quiet_after
