"""What the use cases tell whoever watches them, without knowing who watches.

Some facts are known only inside a use case: that a sign-in failed on its
credentials, that a rate limit refused an attempt. The use cases report them to
`Runtime.events`; the server hands in an observer that counts them for
`/metrics` (server/metrics.py), so nothing here imports a metrics library or
the server. The default observer ignores everything (commands, tests).
"""

from __future__ import annotations

from enum import Enum
from typing import Protocol


class SignInKind(str, Enum):
    CUSTOMER = "customer"
    STAFF = "staff"


class UseCaseEvents(Protocol):
    """Called synchronously on the request's path: an observer must only count, never wait."""

    def sign_in_failed(self, kind: SignInKind) -> None:
        """A sign-in was refused for an unknown account or a wrong password."""

    def rate_limited(self, operation: str) -> None:
        """A rate limit refused an attempt of `operation` (a name of auth/rate_limits.py)."""


class Unobserved:
    """The observer of a runtime nobody watches."""

    def sign_in_failed(self, kind: SignInKind) -> None:
        return None

    def rate_limited(self, operation: str) -> None:
        return None
