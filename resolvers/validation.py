"""Checks of single input values; each raises `UserInputError` naming its field."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from tortoise.models import Model

from resolvers.errors import ErrorCode, UserInputError

_HANDLE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
_LANGUAGE = re.compile(r"^[a-z]{2}(?:-[A-Z]{2})?$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_MONEY = Decimal("999999999999.99")


def fits_column(model: type[Model], field: str, value: str) -> bool:
    """Whether `value` can be stored in (so looked up in) that column.

    Tortoise refuses a filter value longer than its column with an exception;
    a lookup by an over-long value simply finds nothing.
    """
    # PostgreSQL refuses NUL in text, so no stored value can contain it.
    return len(value) <= model._meta.fields_map[field].max_length and "\x00" not in value


def camel_case(name: str) -> str:
    """The GraphQL name of a Python field name: `vat_number` -> `vatNumber`."""
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


def searchable(value: str, field: str = "search") -> str:
    if _has_control_characters(value):
        raise invalid("Remove the control characters (such as NUL) from the search.", field)
    return value


def invalid(message: str, *field: str) -> UserInputError:
    return UserInputError.of(ErrorCode.INVALID, message, *field)


def _has_control_characters(value: str) -> bool:
    # PostgreSQL cannot store NUL, and no name or note needs a control character.
    return any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in value)


def required_text(value: str, field: str, *, max_length: int) -> str:
    value = value.strip()
    if _has_control_characters(value):
        raise invalid("Remove the control characters (such as NUL) from this text.", field)
    if not value:
        raise UserInputError.of(ErrorCode.FIELD_REQUIRED, "This field is required.", field)
    if len(value) > max_length:
        raise invalid(f"Use at most {max_length} characters.", field)
    return value


def optional_text(value: str | None, field: str, *, max_length: int) -> str | None:
    if value is None or not value.strip():
        return None
    return required_text(value, field, max_length=max_length)


def email_address(value: str, field: str) -> str:
    """A syntactically valid email address, normalised; no DNS look-up."""
    try:
        # test_environment admits the reserved .test domain (demo data, staging shops).
        result = validate_email(value.strip(), check_deliverability=False, test_environment=True)
    except EmailNotValidError:
        raise invalid("Enter a valid email address.", field) from None
    return result.normalized.lower()


def optional_email_address(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    return email_address(value, field)


def shop_handle(value: str, field: str = "handle") -> str:
    value = value.strip()
    if not _HANDLE.match(value):
        raise invalid(
            "Use 1 to 64 lower-case letters, digits and hyphens, starting and ending with a "
            "letter or digit.",
            field,
        )
    return value


def language_code(value: str, field: str) -> str:
    if not _LANGUAGE.match(value):
        raise invalid("Use a language code such as 'nl', 'en' or 'de-AT'.", field)
    return value


def language_list(values: list[str], field: str) -> list[str]:
    if not values:
        raise invalid("Offer at least one language.", field)
    if len(values) > 20:
        raise invalid("Offer at most 20 languages.", field)
    unique: list[str] = []
    for value in values:
        code = language_code(value, field)
        if code not in unique:
            unique.append(code)
    return unique


def currency_code(value: str, field: str = "currency") -> str:
    value = value.strip().upper()
    if not _CURRENCY.match(value):
        raise invalid("Use a three-letter ISO 4217 currency code such as 'EUR'.", field)
    return value


def money(value: Decimal | None, field: str) -> Decimal | None:
    if value is None:
        return None
    if not value.is_finite() or value < 0 or value > MAX_MONEY:
        raise invalid("Use an amount from 0 to 999,999,999,999.99.", field)
    return abs(value).quantize(Decimal("0.01"))  # abs: "-0" is 0


def check_limits_agree(minimum: Decimal | None, limit: Decimal | None) -> None:
    if minimum is not None and limit is not None and limit < minimum:
        raise invalid(
            "The checkout payment limit cannot be below the minimum order amount.",
            "checkoutPaymentLimit",
        )


def tag_list(values: list[str], field: str) -> list[str]:
    tags: list[str] = []
    for value in values:
        tag = value.strip()
        if not tag or len(tag) > 64:
            raise invalid("A price-list tag has 1 to 64 characters.", field)
        if tag not in tags:
            tags.append(tag)
    if len(tags) > 100:
        raise invalid("Use at most 100 price-list tags.", field)
    return tags


def web_url(value: str | None, field: str) -> str | None:
    if value is None or not value.strip():
        return None
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(value) > 500:
        raise invalid("Use an http:// or https:// address.", field)
    return value
