"""Deciding or deleting many requests at once: each id on its own, a refusal kept at its index."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from tortoise.queryset import QuerySet

from auth.viewer import Caller
from models import RegistrationRequest
from resolvers.errors import ErrorCode, Problem, Problems, UserInputError

MAX_BULK = 500

Done = TypeVar("Done")


@dataclass
class BulkResult:
    """Per-id outcome of a bulk decision: what succeeded, and problems at ["ids", "<index>"]."""

    requests: list[RegistrationRequest] = field(default_factory=list)
    deleted_pks: list[int] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, index: int, error: UserInputError) -> None:
        """Keeps each of the id's problems, at that id."""
        self.problems += [replace(problem, field=("ids", str(index))) for problem in error.problems]


def check_bulk(problems: Problems, pks: Sequence[int | None]) -> None:
    if not pks:
        problems.invalid("Name at least one request.", "ids")
    elif len(pks) > MAX_BULK:
        problems.invalid(f"Decide at most {MAX_BULK} requests at once.", "ids")


async def each_on_its_own(
    pks: Sequence[int | None], act: Callable[[int | None], Awaitable[Done]]
) -> tuple[list[Done], list[Problem]]:
    """Acts on each request on its own: what the acts gave, and the refusals, each at its
    index; a refusal does not stop the rest."""
    done: list[Done] = []
    refused = BulkResult()
    for index, pk in enumerate(pks):
        try:
            done.append(await act(pk))
        except UserInputError as error:
            refused.refuse(index, error)
    return done, refused.problems


def requests_of(caller: Caller, **conditions: Any) -> QuerySet[RegistrationRequest]:
    """The requests of the caller's shops that meet `conditions`: another shop's read as missing."""
    return caller.scope.applied(RegistrationRequest.filter(**conditions))


def no_such_request() -> UserInputError:
    return UserInputError.of(ErrorCode.NOT_FOUND, "No such registration request.")
