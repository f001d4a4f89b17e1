"""Checks shared by every use case that sets a password."""

from __future__ import annotations

from auth.passwords import MAX_LENGTH, PasswordHasher, check_password_policy
from resolvers.errors import ErrorCode, Problem, UserInputError


def _overlong_problem(password: str, field: str) -> Problem | None:
    if len(password) > MAX_LENGTH:
        return Problem(ErrorCode.INVALID, f"A password has at most {MAX_LENGTH} characters.", (field,))
    return None


def refuse_overlong_password(password: str, field: str) -> None:
    """Refused before anything is hashed: argon2 over megabytes is a denial of service."""
    problem = _overlong_problem(password, field)
    if problem is not None:
        raise UserInputError([problem])


def new_password_problem(
    password: str,
    confirmation: str | None,
    *,
    user_inputs: list[str],
    field: str = "password",
    confirmation_field: str = "passwordConfirmation",
) -> Problem | None:
    """What is wrong with a new password and its confirmation, if anything."""
    overlong = _overlong_problem(password, field)
    if overlong is not None:
        return overlong
    if confirmation is not None and password != confirmation:
        return Problem(ErrorCode.PASSWORD_MISMATCH, "The two passwords differ.", (confirmation_field,))
    violation = check_password_policy(password, user_inputs)
    if violation is not None:
        code = ErrorCode.PASSWORD_TOO_WEAK if violation.too_weak else ErrorCode.INVALID
        return Problem(code, violation.message, (field,))
    return None


async def hash_new_password(
    passwords: PasswordHasher,
    password: str,
    confirmation: str | None,
    *,
    user_inputs: list[str],
    field: str = "password",
    confirmation_field: str = "passwordConfirmation",
) -> str:
    """The hash of a new password that is confirmed and meets the policy."""
    problem = new_password_problem(
        password, confirmation,
        user_inputs=user_inputs, field=field, confirmation_field=confirmation_field,
    )
    if problem is not None:
        raise UserInputError([problem])
    return await passwords.hash(password)
