"""What the use cases need from the running server: the hasher, lifetimes, links, the clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from auth.passwords import PasswordHasher


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Runtime:
    passwords: PasswordHasher
    session_lifetime: timedelta = timedelta(days=14)
    invitation_lifetime: timedelta = timedelta(days=7)
    password_reset_lifetime: timedelta = timedelta(hours=1)
    public_url: str = "http://127.0.0.1:8000"
    admin_url: str = "http://127.0.0.1:8000"
    clock: Callable[[], datetime] = field(default=utc_now)

    def now(self) -> datetime:
        return self.clock()
