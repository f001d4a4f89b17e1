"""The checks of a typed answer to an extra registration question, and its stored form.

Pure functions: the caller knows the field, the shop and the submission; nothing here reads
the database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import phonenumbers
from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, parse_decimal
from stdnum import get_cc_module
from stdnum.eu import vat as eu_vat
from stdnum.util import clean

from models.field_types import RegistrationFieldType
from resolvers.errors import ErrorCode, Problems
from resolvers.validation import email_address

if TYPE_CHECKING:
    from stdnum.util import NumberValidationModule

MAX_TEXT_LENGTH = 2000
MAX_URL_LENGTH = 2000
# Refused before any parser spends time on it; room for the \r\n that MULTILINE makes \n.
_MAX_INPUT_LENGTH = 2 * MAX_TEXT_LENGTH
# Longer than any phone number, VAT number or sensible decimal, short enough for the parsers.
_MAX_CODE_LENGTH = 64
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_PLAIN_DECIMAL = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)$")
_LINE_BREAKS = frozenset("\n\r\u2028\u2029\x85")
_VAT_SEPARATORS = " -./,:"
# Babel's territories that are not ISO 3166-1 countries: CLDR's exceptionally reserved codes
# (AC, CP, CQ, DG, EA, IC, TA), groupings (EU, EZ, UN, QO), pseudo-locales (XA, XB) and
# "unknown" (ZZ). Kosovo's XK is not ISO either, but applicants live there and phonenumbers,
# banks and the EU use it, so it stays.
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "IC", "TA", "EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
)
# The EU's VAT prefixes: ISO codes but for Greece, whose VAT numbers start with EL.
_EU_PREFIXES = frozenset({cc.upper() for cc in eu_vat.MEMBER_STATES} - {"GR"} | {"EL"})


@dataclass(frozen=True)
class FieldRule:
    """What a question accepts; `options` are the option values of CHOICE and MULTI_CHOICE."""

    type: RegistrationFieldType
    required: bool
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Normalised:
    """An accepted answer: `value` is stored and shown, `values` are its parts.

    One part for single-valued types; for MULTI_CHOICE the chosen options, in option order,
    which `value` joins with ", ".
    """

    value: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class _Context:
    rule: FieldRule
    language: str
    country: str | None


class _Refused(Exception):
    """An answer the type does not accept; the message says why, for the applicant."""


def check_answer(
    problems: Problems,
    rule: FieldRule,
    field: str,
    value: str | None,
    values: Sequence[str] | None,
    *,
    language: str,
    country: str | None,
    required: str = "This field is required.",
) -> Normalised | None:
    """The answer normalised for its type, or None with at most one problem filed at `field`.

    A blank answer is left out: FIELD_REQUIRED (with the message `required`) when the question
    is required, else None. A refused one is INVALID. Single-valued types take `value`, or the
    one item of `values` when `value` is None; MULTI_CHOICE takes `values`, or `value` as its
    one choice. A CHECKBOX left out is "false" when optional (an unticked box sends nothing),
    and a required one must be "true": it asks for consent. `country` (ISO alpha-2) is where
    a phone or VAT number without a country prefix is read as from.
    """
    context = _Context(rule, language, _region(country))
    try:
        if rule.type == RegistrationFieldType.MULTI_CHOICE:
            answer = _multi_choice(_given_many(value, values), context)
        else:
            text = _given_one(value, values)
            answer = None if text is None else _single(text, context)
    except _Refused as refusal:
        problems.invalid(str(refusal), field)
        return None
    if answer is not None:
        return answer
    if rule.type == RegistrationFieldType.CHECKBOX and not rule.required:
        return Normalised("false", ("false",))
    if rule.required:
        problems.add(ErrorCode.FIELD_REQUIRED, required, field)
    return None


def _region(country: str | None) -> str | None:
    country = (country or "").strip().upper()
    return country if len(country) == 2 and country.isascii() and country.isalpha() else None


def _given_one(value: str | None, values: Sequence[str] | None) -> str | None:
    """The one answer given, stripped; None when it is blank or missing."""
    if value is None and values:
        if len(values) > 1:
            raise _Refused("This question takes one answer.")
        value = values[0]
    if value is None or not value.strip():
        return None
    if len(value) > _MAX_INPUT_LENGTH:
        raise _Refused(f"Use at most {MAX_TEXT_LENGTH} characters.")
    _refuse_control_characters(value)
    return value.strip()


def _given_many(value: str | None, values: Sequence[str] | None) -> list[str]:
    given = list(values) if values is not None else [] if value is None else [value]
    for item in given:
        _refuse_control_characters(item)
    return [item.strip() for item in given if item.strip()]


def _refuse_control_characters(value: str) -> None:
    # PostgreSQL cannot store NUL, and no answer needs a control character; MULTILINE's
    # line breaks and a pasted tab are the exceptions.
    if any(unicodedata.category(char) == "Cc" and char not in "\t\n\r" for char in value):
        raise _Refused("Remove the control characters (such as NUL) from this answer.")


def _single(text: str, context: _Context) -> Normalised:
    value = _CHECKS[context.rule.type](text, context)
    return Normalised(value, (value,))


def _text(text: str, context: _Context) -> str:
    if any(char in _LINE_BREAKS for char in text):
        raise _Refused("Use one line: this answer takes no line breaks.")
    return _within_limit(text)


def _multiline(text: str, context: _Context) -> str:
    return _within_limit(text.replace("\r\n", "\n").replace("\r", "\n"))


def _within_limit(text: str) -> str:
    if len(text) > MAX_TEXT_LENGTH:
        raise _Refused(f"Use at most {MAX_TEXT_LENGTH} characters.")
    return text


def _number(text: str, context: _Context) -> str:
    """The decimal in plain notation, without trailing zeros: "1.234,50" in Dutch is "1234.5".

    The language's own notation comes first, so a Dutch "1.234" is 1234; a plain "1.5" that
    the language would not write reads as 1.5.
    """
    # Exponents, NaN and Infinity are no amount anyone types (and 1e999999999 would be a
    # billion digits once written out).
    if len(text) > _MAX_CODE_LENGTH or any(char.isalpha() for char in text):
        raise _Refused("Enter a number, such as 1.5.")
    number = _locale_decimal(text, context.language)
    if number is None and _PLAIN_DECIMAL.match(text):
        number = Decimal(text)
    if number is None or not number.is_finite():
        raise _Refused("Enter a number, such as 1.5.")
    return _plain(number)


def _locale_decimal(text: str, language: str) -> Decimal | None:
    try:
        return parse_decimal(text, locale=locale_of(language), strict=True)
    except (NumberFormatError, InvalidOperation):
        return None


def _plain(number: Decimal) -> str:
    written = format(number, "f")
    if "." in written:
        written = written.rstrip("0").rstrip(".")
    return "0" if written in ("-0", "+0", "") else written


def _email(text: str, context: _Context) -> str:
    found = Problems()
    address = email_address(found, text, "email")
    if found:
        raise _Refused(next(iter(found)).message)
    return address


def _phone(text: str, context: _Context) -> str:
    """E.164: "06 12345678" from the Netherlands is "+31612345678"."""
    if len(text) > _MAX_CODE_LENGTH:
        raise _Refused("Enter a valid phone number.")
    try:
        number = phonenumbers.parse(text, context.country)
    except phonenumbers.NumberParseException as error:
        if error.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
            raise _Refused("Enter the phone number with its country code, such as +31 20 123 4567.") from None
        raise _Refused("Enter a valid phone number.") from None
    if not phonenumbers.is_valid_number(number):
        raise _Refused("Enter a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _url(text: str, context: _Context) -> str:
    """An http(s) address with a host; scheme and host in lower case."""
    refusal = _Refused("Enter a web address that starts with http:// or https://.")
    # urlsplit drops tabs and line breaks silently; an address has no whitespace at all.
    if len(text) > MAX_URL_LENGTH or any(char.isspace() for char in text):
        raise refusal
    parts = urlsplit(text)
    try:
        port = parts.port
    except ValueError:
        raise refusal from None
    host = parts.hostname
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise refusal
    if parts.username is not None or parts.password is not None:
        raise _Refused("Leave the user name and password out of the web address.")
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc += f":{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path, parts.query, parts.fragment))


def _vat_number(text: str, context: _Context) -> str:
    compact = compact_vat_number(text, context.country) if len(text) <= _MAX_CODE_LENGTH else None
    if compact is None:
        raise _Refused("Enter a valid VAT number with its country prefix, such as NL004495445B01.")
    return compact


# The staff queue reads every shown request's VAT answer back through this to match debtors:
# checksums of a page's numbers, page after page. The answer is a pure function of the text.
@lru_cache(maxsize=4096)
def compact_vat_number(text: str, country: str | None = None) -> str | None:
    """The VAT number without separators, with its country prefix, if its checksum holds.

    A number's own prefix names its country (an EU one, EL for Greece, or any other country
    python-stdnum knows); without one, it is read as from `country`. None when neither holds.
    """
    number = clean(text, _VAT_SEPARATORS).upper()
    prefix = number[:2]
    if prefix.isascii() and prefix.isalpha():
        found = _vat_of(prefix, number) or _vat_of(prefix, number[2:])
        if found:
            return found
    region = _region(country)
    return _vat_of(region, number) if region else None


def _vat_of(country: str, number: str) -> str | None:
    """`number` (with or without the prefix) as a VAT number of `country`, compact, or None."""
    prefix = "EL" if country == "GR" else country
    if prefix in _EU_PREFIXES:
        with_prefix = number if number.startswith(prefix) else prefix + number
        if not eu_vat.is_valid(with_prefix):
            return None
        return eu_vat.compact(with_prefix)
    module = _national_vat_module(country)
    if module is None or not module.is_valid(number):
        return None
    compact = module.compact(number)
    return compact if compact.startswith(country) else country + compact


def _national_vat_module(country: str) -> NumberValidationModule | None:
    if not country.isascii() or not country.isalpha() or country not in _country_codes():
        return None
    return get_cc_module(country.lower(), "vat")


def country_code(problems: Problems, value: str, field: str) -> str:
    """An ISO 3166-1 alpha-2 code, upper-case (a shop's default country and the like)."""
    code = value.strip().upper()
    if code not in _country_codes():
        problems.invalid(_NOT_A_COUNTRY, field)
    return code


_NOT_A_COUNTRY = "Choose a country by its two-letter ISO code, such as NL."


def _country(text: str, context: _Context) -> str:
    code = text.upper()
    if code not in _country_codes():
        raise _Refused(_NOT_A_COUNTRY)
    return code


def _choice(text: str, context: _Context) -> str:
    if text not in context.rule.options:
        raise _Refused("Choose one of the offered options.")
    return text


def _multi_choice(chosen: list[str], context: _Context) -> Normalised | None:
    if not chosen:
        return None
    options, picked = context.rule.options, set(chosen)
    if not picked.issubset(options):
        raise _Refused("Choose only from the offered options.")
    ordered = tuple(option for option in options if option in picked)
    return Normalised(", ".join(ordered), ordered)


def _checkbox(text: str, context: _Context) -> str:
    answer = text.lower()
    if answer not in ("true", "false"):
        raise _Refused("Answer true or false.")
    if answer == "false" and context.rule.required:
        raise _Refused("Tick this box to go on.")
    return answer


def _date(text: str, context: _Context) -> str:
    refusal = _Refused("Enter a date as YYYY-MM-DD, such as 2025-03-31.")
    if not _ISO_DATE.match(text):
        raise refusal
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise refusal from None


_CHECKS: dict[RegistrationFieldType, Callable[[str, _Context], str]] = {
    RegistrationFieldType.TEXT: _text,
    RegistrationFieldType.MULTILINE: _multiline,
    RegistrationFieldType.NUMBER: _number,
    RegistrationFieldType.EMAIL: _email,
    RegistrationFieldType.PHONE: _phone,
    RegistrationFieldType.URL: _url,
    RegistrationFieldType.VAT_NUMBER: _vat_number,
    RegistrationFieldType.COUNTRY: _country,
    RegistrationFieldType.CHOICE: _choice,
    RegistrationFieldType.CHECKBOX: _checkbox,
    RegistrationFieldType.DATE: _date,
}


def locale_of(language: str | None) -> Locale:
    """Babel's locale of a language code such as "nl" or "de-AT"; English when it knows none."""
    try:
        return Locale.parse((language or "en").strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale("en")


@lru_cache(maxsize=1)
def _country_codes() -> frozenset[str]:
    return frozenset(
        code
        for code in Locale("en").territories
        if isinstance(code, str) and len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def country_names(language: str) -> list[tuple[str, str]]:
    """(code, name) of every country, named in `language` (else English) and sorted by name."""
    return list(_country_names(str(locale_of(language))))


@lru_cache(maxsize=64)
def _country_names(locale_name: str) -> tuple[tuple[str, str], ...]:
    names = Locale.parse(locale_name).territories
    english = Locale("en").territories
    named = [(code, names.get(code) or english[code]) for code in _country_codes()]
    return tuple(sorted(named, key=lambda pair: (_sort_key(pair[1]), pair[0])))


def _sort_key(name: str) -> str:
    # Without a collation library: accents aside and case folded, so "Österreich" sorts with
    # the O's, as German does, and "Åland" with the A's (Swedish would put it last).
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
