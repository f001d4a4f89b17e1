"""Rule 14 of docs/api.md: sign-in, registration and reset requests are limited per address and account.

Counted per GraphQL operation (the use case asks), not per HTTP request; the one exception
is `request`, every HTTP request to /graphql per client address, counted by
`server/request_limit.py`. The counters live in a `limits` storage: memory for one process,
Redis when several processes or hosts serve (`GATEHOUSE_RATE_LIMIT_STORAGE`).

When the storage cannot be reached, `hit` raises `RateLimitStorageUnavailable`: whether to
refuse (a sign-in: fail closed) or to let the request through (the `request` limit: fail
open) is the caller's choice, not this module's.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

import limits
from limits.aio.strategies import SlidingWindowCounterRateLimiter
from limits.errors import StorageError
from limits.storage import storage_from_string

# Every HTTP request to /graphql, per client address (server/request_limit.py counts it).
REQUEST = "request"

# Per operation: the limits for one client address, and for one account.
DEFAULT_LIMITS: Mapping[str, str] = {
    "login": "10/minute;100/hour",
    "adminLogin": "10/minute;100/hour",
    # A code has a million values, a password far more: fewer tries before the wait.
    "verifyMfa": "5/minute;30/hour",
    # The password asked again before MFA is switched off or its recovery codes replaced.
    "disableMfa": "10/minute;100/hour",
    "regenerateRecoveryCodes": "10/minute;100/hour",
    "submitRegistration": "10/hour",
    "verifyRegistrationEmail": "20/hour",
    "requestPasswordReset": "5/hour",
    "requestAdminPasswordReset": "5/hour",
    "acceptInvitation": "20/hour",
    "resetPassword": "20/hour",
    # Each invitation mails an address the company admin typed: per company admin (rule 16).
    "inviteColleague": "20/hour",
    REQUEST: "600/minute",
}

MEMORY_STORAGE = "memory://"
REDIS_SCHEMES = ("redis", "rediss")
# What `pip install 'gatehouse[redis]'` brings: limits' async Redis storage speaks coredis, and
# coredis 6 fails on its first command there ("Connection pool is not initialized").
REDIS_CLIENT = "coredis"
REDIS_CLIENT_MAJOR = 5
REDIS_EXTRA = "pip install 'gatehouse[redis]'"

# A Redis that hangs instead of refusing must not hold a request for long: each attempt to
# connect or to read an answer gives up after this (the client retries twice on its own).
REDIS_TIMEOUT_SECONDS = 0.5
# The `request` limit in a shared storage goes in batches of this share of it, at most this
# many requests a batch (RequestCounter), and idle addresses are forgotten every this many.
REQUEST_BATCH_SHARE = 50
REQUEST_BATCH_MOST = 10
REQUEST_SWEEP_EVERY = 4096
# After the storage failed, it is not asked again for this long: while Redis is down, requests
# are answered (refused or let through) at once instead of each waiting for its own timeout.
STORAGE_BACKOFF_SECONDS = 1.0


class RateLimitsSpecError(ValueError):
    """GATEHOUSE_RATE_LIMITS could not be read."""


class RateLimitStorageError(ValueError):
    """GATEHOUSE_RATE_LIMIT_STORAGE names no storage Gatehouse can use (read at start)."""


class RateLimitStorageUnavailable(Exception):
    """The rate-limit storage did not answer (refused, timed out, or answered with an error)."""


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


def shown_url(url: SplitResult) -> str:
    """The storage URL for a message or a log line: never its user name or password."""
    return f"{url.scheme}://{url.netloc.rpartition('@')[2]}{url.path}"


def storage_url(text: str) -> str:
    """The `limits` URL of the async storage for `GATEHOUSE_RATE_LIMIT_STORAGE`, checked."""
    text = text.strip().removeprefix("async+")
    if text == MEMORY_STORAGE:
        return f"async+{MEMORY_STORAGE}"
    expected = "memory:// or redis://host:port/db (rediss:// with TLS)"
    url = urlsplit(text)
    if url.scheme not in REDIS_SCHEMES:
        raise RateLimitStorageError(f"GATEHOUSE_RATE_LIMIT_STORAGE: '{text}' is not {expected}.")
    try:
        _ = url.port  # urlsplit reads the port only when asked, and raises for one not a number
    except ValueError:
        raise RateLimitStorageError(
            f"GATEHOUSE_RATE_LIMIT_STORAGE: the port in '{shown_url(url)}' is not a number; "
            f"expected {expected}."
        ) from None
    database = url.path.removeprefix("/")
    if not url.hostname or not (database == "" or database.isdigit()) or url.query or url.fragment:
        raise RateLimitStorageError(
            f"GATEHOUSE_RATE_LIMIT_STORAGE: '{shown_url(url)}' is not {expected}"
            " (a host, an optional port, an optional database number)."
        )
    require_redis_client()
    return f"async+{text}"


def require_redis_client() -> None:
    """The Redis client library is installed, in a version limits' async storage can use."""
    if importlib.util.find_spec(REDIS_CLIENT) is None:
        raise RateLimitStorageError(
            f"GATEHOUSE_RATE_LIMIT_STORAGE is a Redis URL, but the Redis client library "
            f"({REDIS_CLIENT}) is not installed: {REDIS_EXTRA}."
        )
    version = importlib.metadata.version(REDIS_CLIENT)
    if version.split(".")[0] != str(REDIS_CLIENT_MAJOR):
        raise RateLimitStorageError(
            f"GATEHOUSE_RATE_LIMIT_STORAGE is a Redis URL, but {REDIS_CLIENT} {version} is installed "
            f"and only {REDIS_CLIENT} {REDIS_CLIENT_MAJOR}.x works: {REDIS_EXTRA}."
        )


@dataclass(frozen=True)
class Exceeded:
    retry_after_seconds: int


class RateLimiter:
    def __init__(self, storage: str = MEMORY_STORAGE, spec: str = "") -> None:
        self._limits = parse_spec(spec)
        url = storage_url(storage)
        self.is_shared = not url.startswith(f"async+{MEMORY_STORAGE}")
        self.shown_storage = shown_url(urlsplit(url.removeprefix("async+")))
        options: dict[str, float] = {}
        if self.is_shared:
            options = {"connect_timeout": REDIS_TIMEOUT_SECONDS, "stream_timeout": REDIS_TIMEOUT_SECONDS}
            # coredis logs each of its retries at INFO; what fails reaches us as an exception
            # and is reported once, by whoever asked.
            logging.getLogger(REDIS_CLIENT).setLevel(logging.WARNING)
        # wrap_exceptions: the client's errors come as limits' StorageError, whatever the client.
        self._limiter = SlidingWindowCounterRateLimiter(
            storage_from_string(url, wrap_exceptions=True, **options)
        )
        self._not_before = 0.0

    @property
    def enabled(self) -> bool:
        return self._limits is not None

    def limits_of(self, operation: str) -> list[limits.RateLimitItem]:
        return [] if self._limits is None else self._limits[operation]

    async def storage_ready(self) -> bool:
        """Whether the counters' storage answers its own health check (for `GET /ready`)."""
        return bool(await self._limiter.storage.check())

    async def hit(self, operation: str, *subjects: str | None, cost: int = 1) -> Exceeded | None:
        """Counts `cost` attempts for each subject (a client address, an account); what is over.

        Raises RateLimitStorageUnavailable when the counters cannot be reached.
        """
        if self._limits is None:
            return None
        waits = []
        for subject in filter(None, subjects):
            for item in self._limits[operation]:
                if not await self._counted(item, operation, subject, cost):
                    waits.append(await self._wait(item, operation, subject))
        return Exceeded(max(waits)) if waits else None

    async def _counted(self, item: limits.RateLimitItem, operation: str, subject: str, cost: int) -> bool:
        self._refuse_while_backing_off()
        try:
            return await self._limiter.hit(item, operation, subject, cost=cost)
        except StorageError as error:
            raise self._unavailable(error) from error

    async def _wait(self, item: limits.RateLimitItem, operation: str, subject: str) -> int:
        """Whole seconds until `item` allows `subject` again; at least 1."""
        try:
            stats = await self._limiter.get_window_stats(item, operation, subject)
        except StorageError as error:
            raise self._unavailable(error) from error
        return max(1, math.ceil(stats.reset_time - time.time()))

    def _refuse_while_backing_off(self) -> None:
        if self._not_before and time.monotonic() < self._not_before:
            raise RateLimitStorageUnavailable(
                f"The rate-limit storage {self.shown_storage} failed less than "
                f"{STORAGE_BACKOFF_SECONDS:g} s ago; not asked again yet."
            )

    def _unavailable(self, error: StorageError) -> RateLimitStorageUnavailable:
        self._not_before = time.monotonic() + STORAGE_BACKOFF_SECONDS
        cause = error.storage_error
        return RateLimitStorageUnavailable(
            f"The rate-limit storage {self.shown_storage} did not answer: "
            f"{type(cause).__name__}: {cause}"
        )

    async def connect(self) -> None:
        """Raises RateLimitStorageUnavailable unless the storage answers (checked at start)."""
        if not await self.storage_ready():
            raise RateLimitStorageUnavailable(
                f"The rate-limit storage {self.shown_storage} cannot be reached."
            )


@dataclass
class _Tally:
    """One client address's requests not yet sent to the storage, and a refusal still running."""

    pending: int = 0
    refused_until: float = 0.0
    last_seen: float = 0.0


class RequestCounter:
    """The `request` limit (every HTTP request to /graphql, per client address) of one process.

    In memory each request is counted as it comes. In a shared storage a round trip for
    every request would cost a tenth of the request itself, so an address's requests are
    sent in batches of 1/`REQUEST_BATCH_SHARE` of the limit, at most `REQUEST_BATCH_MOST`
    (10 of 600 a minute): each process may let through, or refuse early, fewer than a batch
    more than the exact count would. Limits under `REQUEST_BATCH_SHARE * 2` go one by one,
    exactly. A refusal is remembered for its wait, so a flood that is over costs no round
    trip at all (and refuses until the wait it was told is over).
    """

    def __init__(self, limiter: RateLimiter) -> None:
        self._limiter = limiter
        items = limiter.limits_of(REQUEST)
        self.enabled = bool(items)
        smallest = min((item.amount for item in items), default=1)
        share = min(REQUEST_BATCH_MOST, smallest // REQUEST_BATCH_SHARE)
        self.batch = max(1, share) if limiter.is_shared else 1
        # An address idle for the longest window has nothing left worth sending.
        self._idle_after = float(max((item.get_expiry() for item in items), default=0))
        self._tallies: dict[str, _Tally] = {}
        self._hits_since_sweep = 0

    async def hit(self, address: str | None) -> Exceeded | None:
        """Counts one request of `address`; what is over. Raises RateLimitStorageUnavailable."""
        if not self.enabled or address is None:
            return None
        now = time.monotonic()
        tally = self._tally(address, now)
        if tally.refused_until > now:
            return Exceeded(max(1, math.ceil(tally.refused_until - now)))
        tally.pending += 1
        if tally.pending < self.batch:
            return None
        cost, tally.pending = tally.pending, 0
        exceeded = await self._limiter.hit(REQUEST, address, cost=cost)
        if exceeded is not None:
            tally.refused_until = now + exceeded.retry_after_seconds
        return exceeded

    def _tally(self, address: str, now: float) -> _Tally:
        self._hits_since_sweep += 1
        if self._hits_since_sweep >= REQUEST_SWEEP_EVERY:
            self._sweep(now)
        tally = self._tallies.get(address)
        if tally is None:
            tally = self._tallies[address] = _Tally()
        tally.last_seen = now
        return tally

    def _sweep(self, now: float) -> None:
        """Forgets idle addresses (their few unsent requests with them), so memory stays bounded."""
        self._hits_since_sweep = 0
        self._tallies = {
            address: tally for address, tally in self._tallies.items()
            if now - tally.last_seen < self._idle_after or tally.refused_until > now
        }
