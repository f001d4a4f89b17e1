"""Checks shared by every use case that sets a password."""

from __future__ import annotations

from auth.passwords import MAX_LENGTH, PasswordHasher, check_password_policy
from resolvers.errors import ErrorCode, Problems


def password_length(problems: Problems, password: str, field: str) -> bool:
    """Whether the password is short enough to look at: argon2 or zxcvbn over megabytes is a
    denial of service, so an overlong one is refused before anything else is done with it."""
    if len(password) > MAX_LENGTH:
        problems.invalid(f"A password has at most {MAX_LENGTH} characters.", field)
        return False
    return True


def new_password(
    problems: Problems,
    password: str,
    confirmation: str | None,
    *,
    user_inputs: list[str],
    field: str = "password",
    confirmation_field: str = "passwordConfirmation",
) -> None:
    """What is wrong with a new password and its confirmation, if anything (one problem)."""
    if not password_length(problems, password, field):
        return
    if confirmation is not None and password != confirmation:
        problems.add(ErrorCode.PASSWORD_MISMATCH, "The two passwords differ.", confirmation_field)
        return
    violation = check_password_policy(password, user_inputs)
    if violation is not None:
        code = ErrorCode.PASSWORD_TOO_WEAK if violation.too_weak else ErrorCode.INVALID
        problems.add(code, violation.message, field)


async def hash_new_password(
    passwords: PasswordHasher,
    problems: Problems,
    password: str,
    confirmation: str | None,
    *,
    user_inputs: list[str],
    field: str = "password",
    confirmation_field: str = "passwordConfirmation",
) -> str:
    """The hash of a new password that is confirmed and meets the policy, once the call's
    other problems (in `problems`) and the password's own are none."""
    new_password(
        problems, password, confirmation,
        user_inputs=user_inputs, field=field, confirmation_field=confirmation_field,
    )
    problems.raise_if_any()
    return await passwords.hash(password)


def refuse_overlong_password(password: str, field: str) -> None:
    """For a sign-in, where the length is all there is to check before the hash is."""
    problems = Problems()
    password_length(problems, password, field)
    problems.raise_if_any()
