"""What counts as an outage: the database or the rate-limit storage cannot be reached.

A request that meets one is answered 503 with `Retry-After` and the code UNAVAILABLE
(`schema/masking.py` inside GraphQL, `server/outage.py` outside it), not as an INTERNAL
error: the caller can do nothing but wait, and the server recovers by itself. The test
is narrow on purpose: a programming error (bad SQL, a missing table, a bug that happens
to raise OSError) stays INTERNAL, so it is not hidden as a passing outage.

It lives here, below `schema/` and `server/`, because both ask it.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from collections.abc import Iterator
from enum import Enum

import asyncpg
from tortoise.exceptions import DBConnectionError

from auth.rate_limits import RateLimitStorageUnavailable

# Seconds a client is asked to wait (the `Retry-After` header): long enough for a restarting
# database or a failover, short enough that no one waits long once it is back.
RETRY_AFTER_SECONDS = 5


class Outage(str, Enum):
    """What is down; the value is the name `GET /ready` lists under `down`."""

    DATABASE = "database"
    RATE_LIMIT_STORAGE = "rate_limit_storage"

    @property
    def message(self) -> str:
        """What a client is told (no library text: only that, and when to try again)."""
        what = "database" if self is Outage.DATABASE else "rate-limit storage"
        return (
            f"The service is unavailable for a moment: its {what} cannot be reached. "
            f"Try again in {RETRY_AFTER_SECONDS} seconds."
        )


# asyncpg's own errors for a server that is gone, going, or full: the connection dropped or
# never came (class 08, and ConnectionDoesNotExistError when it dies mid-query), the server
# shutting down or starting up (57P01 to 57P03), too many connections or out of resources (53).
DATABASE_OUTAGES: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.InsufficientResourcesError,
    # Tortoise's, when the pool cannot be made (the database does not exist, say).
    DBConnectionError,
)

# The rate limiter raises this when its storage (Redis) cannot be reached; a limit that must
# hold (a sign-in) lets it through to here, failing closed.
RATE_LIMIT_STORAGE_OUTAGES: tuple[type[BaseException], ...] = (RateLimitStorageUnavailable,)

# asyncpg's InterfaceError for a pooled connection the server has already closed.
_CLOSED_CONNECTION = "connection is closed"

# SQLite's words for a file it cannot open, or a lock held past the busy timeout (a shell or
# a script with a write transaction open). Anything else from SQLite (no such table, a syntax
# error, a constraint) is a bug or an input error, not an outage.
_SQLITE_OUTAGES = ("unable to open database file", "database is locked", "database table is locked")

# An OSError is an outage only with one of these numbers and only when raised inside the
# database driver: a refused, reset or timed-out connection, an unreachable host, a missing
# Unix socket (the server's socket file goes away when it stops).
_CONNECTION_ERRNOS = frozenset({
    errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE, errno.ETIMEDOUT,
    errno.EHOSTUNREACH, errno.EHOSTDOWN, errno.ENETUNREACH, errno.ENETDOWN, errno.ENOENT,
    errno.EADDRNOTAVAIL,
})
_DRIVER_MODULES = ("asyncpg", "aiosqlite", "tortoise.backends")


def outage_of(error: BaseException | None) -> Outage | None:
    """The outage `error` reports, or None when it is anything else.

    Looks along the chain of causes: Tortoise wraps SQLite's errors, and a rollback that
    fails on a dropped connection raises a second error whose context is the first.
    """
    for link in _chain(error):
        if isinstance(link, RATE_LIMIT_STORAGE_OUTAGES):
            return Outage.RATE_LIMIT_STORAGE
        if _is_database_outage(link):
            return Outage.DATABASE
    return None


def describe(error: BaseException) -> str:
    """One line for the log: the exception's type and message, no traceback."""
    name = f"{type(error).__module__}.{type(error).__qualname__}"
    return f"{name}: {error}" if str(error) else name


def _is_database_outage(error: BaseException) -> bool:
    if isinstance(error, DATABASE_OUTAGES):
        return True
    if isinstance(error, asyncpg.exceptions.InterfaceError):
        return str(error).endswith(_CLOSED_CONNECTION)
    if isinstance(error, sqlite3.OperationalError):
        return str(error).startswith(_SQLITE_OUTAGES)
    if isinstance(error, TimeoutError | socket.gaierror):  # a connect timeout, a name not resolved
        return _raised_in_driver(error)
    if isinstance(error, OSError):
        return error.errno in _CONNECTION_ERRNOS and _raised_in_driver(error)
    return False


def _raised_in_driver(error: BaseException) -> bool:
    traceback = error.__traceback__
    while traceback is not None:
        module = str(traceback.tb_frame.f_globals.get("__name__", ""))
        if module.startswith(_DRIVER_MODULES):
            return True
        traceback = traceback.tb_next
    return False


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__
