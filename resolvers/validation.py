"""Checks of single input values.

Each adds what is wrong to the call's `Problems`, filed at its field, and returns the value
normalised (as far as it goes when refused), so one call's problems are all reported together.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from tortoise.fields import CharField
from tortoise.models import Model

from resolvers.errors import ErrorCode, Problems, UserInputError

_HANDLE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_LANGUAGE = re.compile(r"^[a-z]{2}(?:-[A-Z]{2})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_MONEY = Decimal("999999999999.99")


def fits_column(model: type[Model], field: str, value: str) -> bool:
    """Whether `value` can be stored in (so looked up in) that column.

    Tortoise refuses a filter value longer than its column with an exception;
    a lookup by an over-long value simply finds nothing.
    """
    column = model._meta.fields_map[field]
    if not isinstance(column, CharField):
        raise TypeError(f"{model.__name__}.{field} has no length limit")
    # PostgreSQL refuses NUL in text, so no stored value can contain it.
    return len(value) <= column.max_length and "\x00" not in value


def camel_case(name: str) -> str:
    """The GraphQL name of a Python field name: `vat_number` -> `vatNumber`."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def searchable(problems: Problems, value: str, field: str = "search") -> str:
    if _has_control_characters(value):
        problems.invalid("Remove the control characters (such as NUL) from the search.", field)
    return value


def invalid(message: str, *field: str) -> UserInputError:
    """A refusal of one problem, for what only the database finds (a lost race)."""
    return UserInputError.of(ErrorCode.INVALID, message, *field)


def _has_control_characters(value: str) -> bool:
    # PostgreSQL cannot store NUL, and no name or note needs a control character.
    return any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in value)


def required_text(
    problems: Problems,
    value: str,
    field: str,
    *,
    max_length: int,
    required: str = "This field is required.",
) -> str:
    """`value` trimmed; `required` is the message for a blank one."""
    value = value.strip()
    if _has_control_characters(value):
        problems.invalid("Remove the control characters (such as NUL) from this text.", field)
    elif not value:
        problems.add(ErrorCode.FIELD_REQUIRED, required, field)
    elif len(value) > max_length:
        problems.invalid(f"Use at most {max_length} characters.", field)
    return value


def optional_text(problems: Problems, value: str | None, field: str, *, max_length: int) -> str | None:
    if value is None or not value.strip():
        return None
    return required_text(problems, value, field, max_length=max_length)


def email_address(problems: Problems, value: str, field: str) -> str:
    """A syntactically valid email address, normalised; no DNS look-up."""
    try:
        # test_environment admits the reserved .test domain (demo data, staging shops).
        result = validate_email(value.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        problems.invalid("Enter a valid email address.", field)
        return value.strip().lower()
    return result.normalized.lower()


def optional_email_address(problems: Problems, value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    return email_address(problems, value, field)


def shop_handle(problems: Problems, value: str, field: str = "handle") -> str:
    value = value.strip()
    if not _HANDLE.match(value):
        problems.invalid(
            "Use 1 to 64 lower-case letters, digits and hyphens, starting and ending with a "
            "letter or digit.",
            field,
        )
    return value


def language_code(problems: Problems, value: str, field: str) -> str:
    if not _LANGUAGE.match(value):
        problems.invalid("Use a language code such as 'nl', 'en' or 'de-AT'.", field)
    return value


def language_list(problems: Problems, values: list[str], field: str) -> list[str]:
    if not values:
        problems.invalid("Offer at least one language.", field)
    elif len(values) > 20:
        problems.invalid("Offer at most 20 languages.", field)
    elif not all(_LANGUAGE.match(value) for value in values):
        # One problem for the list, however many of its codes are wrong.
        problems.invalid("Use a language code such as 'nl', 'en' or 'de-AT'.", field)
    return list(dict.fromkeys(values))


def currency_code(problems: Problems, value: str, field: str = "currency") -> str:
    value = value.strip().upper()
    if not _CURRENCY.match(value):
        problems.invalid("Use a three-letter ISO 4217 currency code such as 'EUR'.", field)
    return value


def money(problems: Problems, value: Decimal | None, field: str) -> Decimal | None:
    """The amount to the cent; None (no amount) when refused, so no later check compares it."""
    if value is None:
        return None
    if not value.is_finite() or value < 0 or value > MAX_MONEY:
        problems.invalid("Use an amount from 0 to 999,999,999,999.99.", field)
        return None
    return abs(value).quantize(Decimal("0.01"))  # abs: "-0" is 0


def check_limits_agree(problems: Problems, minimum: Decimal | None, limit: Decimal | None) -> None:
    if minimum is not None and limit is not None and limit < minimum:
        problems.invalid(
            "The checkout payment limit cannot be below the minimum order amount.",
            "checkoutPaymentLimit",
        )


def tag_list(problems: Problems, values: list[str], field: str) -> list[str]:
    tags = list(dict.fromkeys(value.strip() for value in values))
    if not all(0 < len(tag) <= 64 for tag in tags):
        problems.invalid("A price-list tag has 1 to 64 characters.", field)
    elif len(tags) > 100:
        problems.invalid("Use at most 100 price-list tags.", field)
    return tags


def web_url(problems: Problems, value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 500:
        problems.invalid("Use an http:// or https:// address.", field)
    return value
