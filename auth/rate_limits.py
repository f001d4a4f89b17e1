"""Rule 14 of docs/api.md: sign-in, registration and reset requests are limited per address and account.

Counted per GraphQL operation (the use case asks), not per HTTP request. The
counters live in a `limits` storage: memory for one process, Redis when
several instances serve (`GATEHOUSE_RATE_LIMIT_STORAGE`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

import limits
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.storage import storage_from_string

# Per operation: the limits for one client address, and for one account.
DEFAULT_LIMITS: Mapping[str, str] = {
    "login": "10/minute;100/hour",
    "adminLogin": "10/minute;100/hour",
    "submitRegistration": "10/hour",
    "requestPasswordReset": "5/hour",
    "acceptInvitation": "20/hour",
    "resetPassword": "20/hour",
}


class RateLimitsSpecError(ValueError):
    """GATEHOUSE_RATE_LIMITS could not be read."""


def parse_spec(spec: str) -> dict[str, list[limits.RateLimitItem]] | None:
    """`login=10/minute,100/hour;submitRegistration=20/hour` over the defaults; `off` is None."""
    if spec.strip().lower() == "off":
        return None
    texts = dict(DEFAULT_LIMITS)
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        operation, separator, text = part.partition("=")
        if not separator or operation.strip() not in DEFAULT_LIMITS:
            raise RateLimitsSpecError(
                f"GATEHOUSE_RATE_LIMITS: '{part}' names none of {', '.join(DEFAULT_LIMITS)}."
            )
        texts[operation.strip()] = text
    try:
        return {operation: limits.parse_many(text) for operation, text in texts.items()}
    except ValueError as error:
        raise RateLimitsSpecError(f"GATEHOUSE_RATE_LIMITS: {error}") from None


@dataclass(frozen=True)
class Exceeded:
    retry_after_seconds: int


class RateLimiter:
    def __init__(self, storage_url: str = "memory://", spec: str = "") -> None:
        self._limits = parse_spec(spec)
        async_url = storage_url if storage_url.startswith("async+") else f"async+{storage_url}"
        self._limiter = SlidingWindowCounterRateLimiter(storage_from_string(async_url))

    @property
    def enabled(self) -> bool:
        return self._limits is not None

    async def hit(self, operation: str, *subjects: str | None) -> Exceeded | None:
        """Counts one attempt for each subject (a client address, an account); what is over."""
        if self._limits is None:
            return None
        waits = []
        for subject in filter(None, subjects):
            for item in self._limits[operation]:
                if not await self._limiter.hit(item, operation, subject):
                    stats = await self._limiter.get_window_stats(item, operation, subject)
                    waits.append(max(1, math.ceil(stats.reset_time - time.time())))
        return Exceeded(max(waits)) if waits else None
