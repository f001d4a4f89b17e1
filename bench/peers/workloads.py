"""The six workloads, each of the same meaning on both sides, and what a side must offer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bench.peers.wrk import WrkResult

# In a registration's body, replaced per request by the wrk script (load.lua) to make each
# email new.
UNIQUE = "__UNIQUE__"


@dataclass(frozen=True)
class Workload:
    key: str
    label: str
    concurrencies: tuple[int, ...]
    # Each request a new email (load.lua's dynamic requests).
    unique: bool = False


WORKLOADS = (
    Workload("public", "anonymous public read", (16, 1)),
    Workload("customer", "signed-in customer read", (16, 1)),
    Workload("staff", "staff list of 100, nested", (16, 1)),
    Workload("registration", "registration, new email each", (16, 1), unique=True),
    Workload("login", "customer login", (16,)),
)
BY_KEY = {workload.key: workload for workload in WORKLOADS}


@dataclass(frozen=True)
class Call:
    """One workload's request on one side: where, what, whose token."""

    url: str
    body: dict[str, Any]
    token: str | None


class Side(Protocol):
    name: str

    @property
    def pid(self) -> int: ...

    def call(self, workload: str) -> Call: ...

    def checked(self, workload: str) -> None:
        """One request of `workload` was answered well before the rounds."""
        ...

    def before_round(self, workload: str) -> None: ...

    def after_round(self, workload: str, result: WrkResult) -> str:
        """Waits for what the round left to finish (Gatehouse's mail) and says what it was."""
        ...
