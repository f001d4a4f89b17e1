"""Calling the use cases (resolvers) directly, without HTTP: the runtime and a staff caller."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from auth.passwords import PasswordHasher
from auth.viewer import Caller, Viewer
from resolvers.errors import ErrorCode, Problem, UserInputError
from resolvers.runtime import Runtime
from tests.factories import make_admin

ProblemPair = tuple[tuple[str, ...] | None, ErrorCode]


def cheap_runtime(**settings: Any) -> Runtime:
    """A runtime whose argon2 costs next to nothing: the hashing is not what these tests check."""
    return Runtime(passwords=PasswordHasher(time_cost=1, memory_cost_kib=8, parallelism=1), **settings)


async def staff_caller(email: str = "race@gatehouse.test") -> Caller:
    """A new admin `email`, calling as if signed in (a session that is never looked up)."""
    admin = await make_admin(email)
    return Caller(Viewer(session_id=0, admin=admin), client_address="203.0.113.7")


def problem_pairs(problems: Iterable[Problem]) -> list[ProblemPair]:
    """Problems as `(field, code)` pairs, in order: the shape `user_errors` gives a payload's."""
    return [(problem.field, problem.code) for problem in problems]


def refused_with(outcome: object) -> list[ProblemPair]:
    """The problems of a use case's outcome, which must be a refusal (a UserInputError)."""
    assert isinstance(outcome, UserInputError), outcome
    return problem_pairs(outcome.problems)
