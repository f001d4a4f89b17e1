"""What staff say of an extra registration question: its type, labels, help and options."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from models import RegistrationField, Shop
from models.field_types import WITH_OPTIONS, RegistrationFieldType
from resolvers import validation as check
from resolvers.errors import ErrorCode, Problems
from resolvers.localized_text import localized_texts

MAX_LABEL = 200
MAX_HELP_TEXT = 1000
MAX_OPTIONS = 100
_OPTION_VALUE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")

#: (language, text) pairs as staff give them.
Texts = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class OptionDefinition:
    value: str
    labels: Texts


@dataclass(frozen=True)
class FieldDefinition:
    """A field's definition as given; None leaves a part as it is (or its default, for a new
    field). `label` is the text in the shop's first language, set after `labels`."""

    label: str | None = None
    type: RegistrationFieldType | None = None
    required: bool | None = None
    labels: Texts | None = None
    help_texts: Texts | None = None
    options: Sequence[OptionDefinition] | None = None


def apply_definition(
    problems: Problems, field: RegistrationField, definition: FieldDefinition, shop: Shop
) -> None:
    """Sets on `field` what `definition` gives, checking it as a whole; problems are filed,
    and the field is not to be saved when there are any."""
    if definition.type is not None:
        field.type = definition.type
    if definition.required is not None:
        field.required = definition.required
    if definition.labels is not None:
        field.labels = localized_texts(
            problems, definition.labels, shop.languages, "labels", max_length=MAX_LABEL
        )
    if definition.label is not None:
        label = check.required_text(problems, definition.label, "label", max_length=MAX_LABEL)
        field.labels = {**(field.labels or {}), shop.default_language: label}
    # Labels given but all refused are reported item by item (each refused one is filed).
    if not field.labels and not problems.has("label") and not definition.labels:
        problems.add(ErrorCode.FIELD_REQUIRED, "Give the question's label (label or labels).", "label")
    if definition.help_texts is not None:
        field.help_texts = localized_texts(
            problems,
            definition.help_texts,
            shop.languages,
            "helpTexts",
            max_length=MAX_HELP_TEXT,
            line_breaks=True,
        )
    if definition.options is not None:
        field.options = _options(problems, definition.options, shop)
    _check_options_fit_type(problems, field, given=definition.options is not None)


def _options(problems: Problems, given: Sequence[OptionDefinition], shop: Shop) -> list[dict[str, Any]]:
    if len(given) > MAX_OPTIONS:
        problems.invalid(f"A question has at most {MAX_OPTIONS} options.", "options")
    options: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, option in enumerate(given):
        value = option.value.strip()
        if not _OPTION_VALUE.match(value):
            problems.invalid(
                "Use 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit.",
                "options",
                str(index),
                "value",
            )
        elif value in seen:
            problems.invalid("Give each option value once.", "options", str(index), "value")
        seen.add(value)
        labels = localized_texts(
            problems.at("options", str(index)), option.labels, shop.languages, "labels", max_length=MAX_LABEL
        )
        if not labels and not option.labels:
            problems.add(
                ErrorCode.FIELD_REQUIRED, "Give the option's label.", "options", str(index), "labels"
            )
        options.append({"value": value, "labels": labels})
    return options


def _check_options_fit_type(problems: Problems, field: RegistrationField, *, given: bool) -> None:
    """CHOICE and MULTI_CHOICE need options; other types have none (a field changed to such a
    type loses its options)."""
    if field.type in WITH_OPTIONS:
        if not field.options and not problems.has("options"):
            problems.add(ErrorCode.FIELD_REQUIRED, "A choice needs at least one option.", "options")
    elif field.options:
        if given:
            problems.invalid(
                f"Only CHOICE and MULTI_CHOICE questions have options, not {field.type.value}.", "options"
            )
        else:
            field.options = []
