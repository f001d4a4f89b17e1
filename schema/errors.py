"""User errors in payloads, converted from the use cases' `UserInputError` in one place."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import ParamSpec, TypeVar

import strawberry

from resolvers.errors import ErrorCode, Problem, UserInputError

UserErrorCode = strawberry.enum(ErrorCode, name="UserErrorCode", description="Why a call was refused.")


@strawberry.type(description="Something wrong with the input; nothing of the call was kept.")
class UserError:
    field: list[str] | None = strawberry.field(
        description="Path to the input field at fault, e.g. ['password'] or ['ids', '3']."
    )
    message: str
    code: UserErrorCode
    retry_after_seconds: int | None = strawberry.field(
        default=None, description="For RATE_LIMITED: the seconds to wait before trying again."
    )


def user_errors(error: UserInputError) -> list[UserError]:
    return user_errors_of(error.problems)


def user_errors_of(problems: list[Problem]) -> list[UserError]:
    return [
        UserError(
            field=list(problem.field) if problem.field else None,
            message=problem.message,
            code=problem.code,
            retry_after_seconds=problem.retry_after_seconds,
        )
        for problem in problems
    ]


P = ParamSpec("P")
T = TypeVar("T")


def refusals_as(payload: Callable[..., T]) -> Callable[[Callable[P, Awaitable[T]]], Callable[P, Awaitable[T]]]:
    """Turn a `UserInputError` raised by the mutation into `payload(user_errors=[...])`."""

    def decorate(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
        @functools.wraps(resolver)
        async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
            try:
                return await resolver(*args, **kwargs)
            except UserInputError as error:
                return payload(user_errors=user_errors(error))

        return wrapper

    return decorate


class ClientInputError(strawberry.exceptions.StrawberryGraphQLError):
    """A bad argument to a query (not a mutation), told as a GraphQL error with a code."""

    def __init__(self, error: UserInputError) -> None:
        problem = error.problems[0]
        super().__init__(
            problem.message,
            extensions={"code": problem.code.value, "field": list(problem.field or ())},
        )


def refusals_as_errors(resolver: Callable[P, Awaitable[T]]) -> Callable[P, Awaitable[T]]:
    """For query fields: a `UserInputError` becomes a GraphQL error with its code."""

    @functools.wraps(resolver)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return await resolver(*args, **kwargs)
        except UserInputError as error:
            raise ClientInputError(error) from None

    return wrapper
