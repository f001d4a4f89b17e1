"""The one list of user error codes, the collector of a call's problems, and the exception
that carries them to `schema/`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import Enum


class ErrorCode(str, Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    REGISTRATION_DISABLED = "REGISTRATION_DISABLED"
    FIELD_REQUIRED = "FIELD_REQUIRED"
    ALREADY_HAS_ACCOUNT = "ALREADY_HAS_ACCOUNT"
    ALREADY_DECIDED = "ALREADY_DECIDED"
    NOT_VERIFIED = "NOT_VERIFIED"
    PASSWORD_MISMATCH = "PASSWORD_MISMATCH"  # noqa: S105 (an error code, not a password)
    PASSWORD_TOO_WEAK = "PASSWORD_TOO_WEAK"  # noqa: S105 (an error code, not a password)
    USERNAME_TAKEN = "USERNAME_TAKEN"
    CONTACT_NOT_FOUND = "CONTACT_NOT_FOUND"
    LANGUAGE_NOT_OFFERED = "LANGUAGE_NOT_OFFERED"
    NOT_EXCLUDABLE = "NOT_EXCLUDABLE"
    ACCOUNT_EXCLUDED = "ACCOUNT_EXCLUDED"
    INVALID_CREDENTIALS = "INVALID_CREDENTIALS"
    INVALID_TOKEN = "INVALID_TOKEN"  # noqa: S105 (an error code, not a token)
    PASSWORD_CHANGE_REQUIRED = "PASSWORD_CHANGE_REQUIRED"  # noqa: S105 (an error code, not a password)
    RATE_LIMITED = "RATE_LIMITED"
    # Staff MFA: enrolment, confirmation, switching off, and a server that cannot keep secrets.
    MFA_ALREADY_ENABLED = "MFA_ALREADY_ENABLED"
    MFA_NOT_ENABLED = "MFA_NOT_ENABLED"
    MFA_ENROLMENT_NOT_STARTED = "MFA_ENROLMENT_NOT_STARTED"
    MFA_UNAVAILABLE = "MFA_UNAVAILABLE"
    # Staff management: the last owner of every shop stays, and no one grants beyond their own shops.
    LAST_OWNER = "LAST_OWNER"
    OUTSIDE_OWN_SHOPS = "OUTSIDE_OWN_SHOPS"
    # Personal data: a server without the key that pseudonymises erased addresses.
    PERSONAL_DATA_UNAVAILABLE = "PERSONAL_DATA_UNAVAILABLE"
    # Merging debtors: the debtor that remains is not among those merged into it.
    TARGET_AMONG_SOURCES = "TARGET_AMONG_SOURCES"
    # Webhooks: a server that cannot keep their signing secrets.
    WEBHOOKS_UNAVAILABLE = "WEBHOOKS_UNAVAILABLE"


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


class Problems:
    """Collects everything wrong with a call's input, so the caller hears of all of it at once.

    Checks add to it and go on; the use case calls `raise_if_any()` before it writes.
    """

    def __init__(self) -> None:
        self._found: list[Problem] = []
        self._prefix: tuple[str, ...] = ()

    def at(self, *path: str) -> Problems:
        """The same collector, filing each problem under `path`: ("answers", key) and the like."""
        view = Problems()
        view._found, view._prefix = self._found, self._prefix + path
        return view

    def add(self, code: ErrorCode, message: str, *field: str) -> None:
        self._found.append(Problem(code, message, (self._prefix + field) or None))

    def invalid(self, message: str, *field: str) -> None:
        self.add(ErrorCode.INVALID, message, *field)

    def has(self, *field: str) -> bool:
        """Whether a problem was filed at `field` (a later check may make sense only if not)."""
        path = self._prefix + field
        return any(problem.field == path for problem in self._found)

    # A view shares its collector's list: truth and iteration speak of the whole call.
    def __bool__(self) -> bool:
        return bool(self._found)

    def __iter__(self) -> Iterator[Problem]:
        return iter(list(self._found))

    def error(self) -> UserInputError:
        """Everything found, to raise where the call cannot go on."""
        return UserInputError(self._found)

    def raise_if_any(self) -> None:
        if self._found:
            raise self.error()


def rate_limited(retry_after_seconds: int) -> UserInputError:
    return UserInputError([
        Problem(
            ErrorCode.RATE_LIMITED,
            f"Too many attempts; try again in {retry_after_seconds} seconds.",
            retry_after_seconds=retry_after_seconds,
        )
    ])
