"""Argon2id password hashing (off the event loop) and the password policy."""

from __future__ import annotations

import asyncio
import os
import re
import secrets
import sys
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

from argon2 import PasswordHasher as Argon2Hasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

MIN_LENGTH = 8
MAX_LENGTH = 128
# zxcvbn's score 2 ("below 2 is guessable") still admits "Summer2024" or "Winter2023!"
# (10^6 to 10^8 guesses), which top the breached-password lists. So a password also
# needs 10^8 estimated guesses: every random 8-character password has that.
MIN_STRENGTH_SCORE = 2
MIN_GUESSES_LOG10 = 8

_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")


@dataclass(frozen=True)
class PolicyViolation:
    """Why a password was refused: `too_long` means it was never looked at further."""

    message: str
    too_weak: bool


def check_password_policy(password: str, user_inputs: list[str]) -> PolicyViolation | None:
    """8 to 128 characters with letters and digits, and not well-known or guessable.

    `user_inputs` (username, email, shop name) count as guessable words.
    """
    if len(password) > MAX_LENGTH:
        return PolicyViolation(f"Use at most {MAX_LENGTH} characters.", too_weak=False)
    if len(password) < MIN_LENGTH:
        return PolicyViolation(f"Use at least {MIN_LENGTH} characters.", too_weak=True)
    if not (_LETTER.search(password) and _DIGIT.search(password)):
        return PolicyViolation("Use both letters and digits.", too_weak=True)
    inputs = [word for word in user_inputs if word]
    estimate = zxcvbn(password, user_inputs=inputs, max_length=MAX_LENGTH)
    if estimate["score"] < MIN_STRENGTH_SCORE or estimate["guesses_log10"] < MIN_GUESSES_LOG10:
        return PolicyViolation(
            "This password is too common or too easy to guess; choose another.", too_weak=True
        )
    return None


@dataclass(frozen=True)
class Verification:
    valid: bool
    new_hash: str | None = None  # set when the stored hash used older parameters


def hashing_workers() -> int:
    """Threads for argon2: all cores but one, so a storm of sign-ins leaves the event loop a core."""
    return max(1, (os.cpu_count() or 2) - 1)


# How much lower than the server's own CPU priority the hashing threads run.
HASHING_NICENESS = 10


def _yield_to_requests() -> None:
    """Lower this hashing thread's CPU priority below the server's.

    When cores are short, the event loop's requests run first and sign-ins take
    what is left: a storm of sign-ins slows sign-ins, not every other request.
    Only Linux schedules threads one by one under their own id; elsewhere the
    id would name a process, so hashing keeps the server's priority there.
    """
    if not sys.platform.startswith("linux"):
        return
    thread = threading.get_native_id()
    try:
        current = os.getpriority(os.PRIO_PROCESS, thread)
        os.setpriority(os.PRIO_PROCESS, thread, min(19, current + HASHING_NICENESS))
    except OSError:  # not allowed here (a sandbox): hashing still runs, at the server's priority
        pass


# One pool for the process: the cores it shares out are the process's, whatever the hashers.
_HASHING_POOL = ThreadPoolExecutor(
    max_workers=hashing_workers(), thread_name_prefix="argon2", initializer=_yield_to_requests
)


T = TypeVar("T")


async def in_hashing_pool(work: Callable[..., T], *args: Any) -> T:
    """Runs `work(*args)` on the hashing threads (low CPU priority), off the event loop."""
    return await asyncio.get_running_loop().run_in_executor(_HASHING_POOL, work, *args)


class PasswordHasher:
    """Hashes and verifies in a small pool of threads, so sign-ins never stall the event loop.

    Sign-ins beyond the pool wait their turn instead of taking the CPU from
    every other request.
    """

    def __init__(self, time_cost: int, memory_cost_kib: int, parallelism: int) -> None:
        self._argon2 = Argon2Hasher(
            time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=parallelism
        )
        # Verified against when the account does not exist, so that a failed
        # sign-in costs the same time whether or not the username is known.
        self._decoy_hash = self._argon2.hash(secrets.token_urlsafe(32))
        self.calls = 0

    async def hash(self, password: str) -> str:
        self.calls += 1
        return await in_hashing_pool(self._argon2.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> Verification:
        self.calls += 1
        return await in_hashing_pool(self._verify, stored_hash or self._decoy_hash, password)

    def _verify(self, stored_hash: str, password: str) -> Verification:
        try:
            self._argon2.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return Verification(valid=False)
        if self._argon2.check_needs_rehash(stored_hash):
            return Verification(valid=True, new_hash=self._argon2.hash(password))
        return Verification(valid=True)
