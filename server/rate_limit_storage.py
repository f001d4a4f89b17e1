"""What `gatehouse serve` checks of the rate limits before it serves: one clear line, or nothing.

Each worker would otherwise meet the problem on its own, later, as a traceback: limits that
cannot be read, a storage URL that is malformed, a Redis client library that is missing, a
storage that does not answer. And `memory://` with several workers would give each process
its own counters, multiplying every limit by the number of workers.
"""

from __future__ import annotations

import asyncio

from auth.rate_limits import (
    MEMORY_STORAGE,
    REDIS_EXTRA,
    RateLimiter,
    RateLimitsSpecError,
    RateLimitStorageError,
    RateLimitStorageUnavailable,
)
from server.settings import Settings

# Longer than the Redis client's own timeouts and retries (auth/rate_limits.py), so its
# answer, not this bound, is what is reported; short enough not to stall a start for long.
CONNECT_TIMEOUT_SECONDS = 10.0


class RateLimitsUnusable(Exception):
    """`serve` must not start with these rate-limit settings; the message says why, in one line."""


def verify_rate_limits(settings: Settings, workers: int) -> None:
    """Raises RateLimitsUnusable unless every worker can count against one shared storage."""
    try:
        limiter = RateLimiter(settings.rate_limit_storage, settings.rate_limits)
    except (RateLimitsSpecError, RateLimitStorageError) as error:
        raise RateLimitsUnusable(str(error)) from None
    if not limiter.enabled:
        return  # `off`: nothing counts, so nothing is multiplied and no storage is read
    if workers > 1 and not limiter.is_shared:
        raise RateLimitsUnusable(
            f"--workers {workers} with GATEHOUSE_RATE_LIMIT_STORAGE={MEMORY_STORAGE} would give each "
            f"worker its own counters and multiply every rate limit by {workers}: set "
            "GATEHOUSE_RATE_LIMIT_STORAGE=redis://host:port/db (the client comes with "
            f"{REDIS_EXTRA}), or serve with one worker."
        )
    if limiter.is_shared:
        asyncio.run(_reachable(limiter))


async def _reachable(limiter: RateLimiter) -> None:
    try:
        async with asyncio.timeout(CONNECT_TIMEOUT_SECONDS):
            await limiter.connect()
    except (RateLimitStorageUnavailable, TimeoutError):
        raise RateLimitsUnusable(
            f"GATEHOUSE_RATE_LIMIT_STORAGE: {limiter.shown_storage} cannot be reached; start Redis "
            "there or point the setting at one that answers."
        ) from None
