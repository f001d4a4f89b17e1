"""The password policy and the argon2id hasher that runs in a worker thread."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from collections.abc import Awaitable
from typing import TypeVar

import pytest
from argon2 import PasswordHasher as Argon2Hasher

from auth.passwords import HASHING_NICENESS, PasswordHasher, check_password_policy, in_hashing_pool

T = TypeVar("T")

OWASP_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$"
STRONG = "peony-Bouquet-4711"


@pytest.fixture(scope="module")
def hasher() -> PasswordHasher:
    """The parameters the server uses by default (OWASP: 19 MiB, 2 passes, 1 lane)."""
    return PasswordHasher(time_cost=2, memory_cost_kib=19 * 1024, parallelism=1)


# --- the policy --------------------------------------------------------------------------


def test_a_strong_password_is_accepted():
    assert check_password_policy(STRONG, ["anna", "Flora Wholesale"]) is None


def test_seven_characters_are_refused():
    violation = check_password_policy("zK#8qv!", [])
    assert violation is not None
    assert violation.too_weak is True
    assert "8" in violation.message


def test_a_random_eight_character_password_is_accepted():
    assert check_password_policy("zK#8qv!W", []) is None


def test_129_characters_are_refused_as_too_long_not_as_too_weak():
    violation = check_password_policy("Kq7x" * 32 + "z", [])  # 129 characters
    assert violation is not None
    assert violation.too_weak is False
    assert "128" in violation.message


def test_a_long_strong_password_within_128_characters_is_accepted():
    long_password = "Kq7x-trellis-" * 9 + "Zz9"  # 120 characters
    assert len(long_password) <= 128
    assert check_password_policy(long_password, []) is None


@pytest.mark.parametrize("password", ["kwpzrtnvqbmx", "Kwpz-Rtnv-Qbmx"])
def test_a_password_without_digits_is_refused(password):
    violation = check_password_policy(password, [])
    assert violation is not None
    assert violation.too_weak is True
    assert "digit" in violation.message


@pytest.mark.parametrize("password", ["83920174651", "8392-0174-651!"])
def test_a_password_without_letters_is_refused(password):
    violation = check_password_policy(password, [])
    assert violation is not None
    assert violation.too_weak is True
    assert "letter" in violation.message


@pytest.mark.parametrize("password", ["password1", "qwerty123", "P@ssw0rd1"])
def test_well_known_passwords_are_refused(password):
    violation = check_password_policy(password, [])
    assert violation is not None
    assert violation.too_weak is True


@pytest.mark.parametrize("password", ["Summer2024", "Winter2023!", "Welcome2024"])
def test_season_and_year_passwords_are_refused(password):
    assert check_password_policy(password, []) is not None


@pytest.mark.parametrize("account", ["kwpz8rtnvqbx", "grxj.vnt@qm7.test"])
def test_a_password_equal_to_the_username_or_email_is_refused(account):
    # Strong on its own ...
    assert check_password_policy(account, []) is None
    # ... but not when it is the account's own username or email.
    violation = check_password_policy(account, [account])
    assert violation is not None
    assert violation.too_weak is True


# --- the hasher --------------------------------------------------------------------------


async def test_hash_is_argon2id_with_owasp_parameters(hasher):
    encoded = await hasher.hash(STRONG)
    assert encoded.startswith(OWASP_PREFIX)
    assert STRONG not in encoded
    assert encoded != await hasher.hash(STRONG)  # salted


async def test_verify_tells_right_from_wrong(hasher):
    encoded = await hasher.hash(STRONG)

    right = await hasher.verify(encoded, STRONG)
    wrong = await hasher.verify(encoded, STRONG + "x")

    assert right.valid is True
    assert right.new_hash is None  # already the current parameters
    assert wrong.valid is False
    assert wrong.new_hash is None


async def test_a_hash_with_older_parameters_verifies_and_is_rehashed(hasher):
    old = Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(STRONG)
    assert not old.startswith(OWASP_PREFIX)

    verification = await hasher.verify(old, STRONG)

    assert verification.valid is True
    assert verification.new_hash is not None
    assert verification.new_hash.startswith(OWASP_PREFIX)
    assert (await hasher.verify(verification.new_hash, STRONG)) == type(verification)(valid=True)


async def test_a_hash_with_older_parameters_and_a_wrong_password_is_not_rehashed(hasher):
    old = Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(STRONG)
    verification = await hasher.verify(old, "wrong-Password-1")
    assert verification.valid is False
    assert verification.new_hash is None


async def test_a_garbage_stored_hash_is_simply_false(hasher):
    verification = await hasher.verify("not-a-hash", STRONG)
    assert verification.valid is False


async def _fastest(times: int, work) -> float:
    best = float("inf")
    for _ in range(times):
        started = time.perf_counter()
        await work()
        best = min(best, time.perf_counter() - started)
    return best


async def test_verifying_an_unknown_user_is_false_and_costs_a_real_verification():
    heavy = PasswordHasher(time_cost=6, memory_cost_kib=19 * 1024, parallelism=1)
    stored = await heavy.hash(STRONG)

    unknown = await heavy.verify(None, STRONG)
    assert unknown.valid is False
    assert unknown.new_hash is None

    known_seconds = await _fastest(3, lambda: heavy.verify(stored, "wrong-Password-1"))
    unknown_seconds = await _fastest(3, lambda: heavy.verify(None, "wrong-Password-1"))
    # A shortcut for unknown users would take microseconds; a real argon2 run takes as long.
    assert unknown_seconds >= 0.5 * known_seconds, (unknown_seconds, known_seconds)


async def test_no_password_verifies_against_a_missing_hash(hasher):
    verification = await hasher.verify(None, "decoy password that matches nothing")
    assert verification.valid is False


async def ticks_while(work: Awaitable[T]) -> tuple[T, int, float]:
    """Runs `work` beside a 1 ms ticker: (its result, ticks meanwhile, seconds it took).

    Work that held the event loop would freeze the ticker (0 or 1 tick).
    """
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.001)
            ticks += 1

    task = asyncio.create_task(ticker())
    try:
        await asyncio.sleep(0.005)  # the ticker is running
        before = ticks
        started = time.perf_counter()
        result = await work
        return result, ticks - before, time.perf_counter() - started
    finally:
        task.cancel()


async def test_hashing_runs_off_the_event_loop():
    heavy = PasswordHasher(time_cost=6, memory_cost_kib=19 * 1024, parallelism=1)
    encoded, during, elapsed = await ticks_while(heavy.hash(STRONG))
    assert encoded.startswith("$argon2id$v=19$m=19456,t=6,p=1$")
    assert elapsed > 0.02, "the hash must be heavy enough for the check to mean something"
    assert during >= 5, (during, elapsed)


async def test_verifying_runs_off_the_event_loop():
    heavy = PasswordHasher(time_cost=6, memory_cost_kib=19 * 1024, parallelism=1)
    stored = await heavy.hash(STRONG)
    verification, during, _ = await ticks_while(heavy.verify(stored, STRONG))
    assert verification.valid is True
    assert during >= 5, during


def priority_of_this_thread() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread priorities are Linux's")
async def test_hashing_threads_yield_the_cpu_to_the_event_loop():
    # Under a storm of sign-ins on few cores, the loop's other requests must win the CPU.
    in_pool = await in_hashing_pool(priority_of_this_thread)

    assert in_pool == min(19, priority_of_this_thread() + HASHING_NICENESS)
