"""The one list of user error codes, and the exception that carries them to `schema/`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum


class ErrorCode(str, Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    REGISTRATION_DISABLED = "REGISTRATION_DISABLED"
    FIELD_REQUIRED = "FIELD_REQUIRED"
    ALREADY_HAS_ACCOUNT = "ALREADY_HAS_ACCOUNT"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    PASSWORD_MISMATCH = "PASSWORD_MISMATCH"
    PASSWORD_TOO_WEAK = "PASSWORD_TOO_WEAK"
    USERNAME_TAKEN = "USERNAME_TAKEN"
    CONTACT_NOT_FOUND = "CONTACT_NOT_FOUND"
    LANGUAGE_NOT_OFFERED = "LANGUAGE_NOT_OFFERED"
    NOT_EXCLUDABLE = "NOT_EXCLUDABLE"
    ACCOUNT_EXCLUDED = "ACCOUNT_EXCLUDED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"
    PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"
    RATE_LIMITED = "RATE_LIMITED"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the caller's input; `field` is the path to the input field."""

    code: ErrorCode
    message: str
    field: tuple[str, ...] | None = None
    # For RATE_LIMITED: how long to wait before trying again.
    retry_after_seconds: int | None = None


class UserInputError(Exception):
    """Raised by a use case to refuse the call; nothing it did is kept."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = list(problems)

    @classmethod
    def of(cls, code: ErrorCode, message: str, *field: str) -> UserInputError:
        return cls([Problem(code, message, tuple(field) or None)])


def rate_limited(retry_after_seconds: int) -> UserInputError:
    return UserInputError([
        Problem(
            ErrorCode.RATE_LIMITED,
            f"Too many attempts; try again in {retry_after_seconds} seconds.",
            retry_after_seconds=retry_after_seconds,
        )
    ])
