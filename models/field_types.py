"""What kind of answer an extra registration question takes, and how it is stored."""

from __future__ import annotations

from enum import Enum


class RegistrationFieldType(str, Enum):
    TEXT = "TEXT"
    MULTILINE = "MULTILINE"
    NUMBER = "NUMBER"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    URL = "URL"
    VAT_NUMBER = "VAT_NUMBER"
    COUNTRY = "COUNTRY"
    CHOICE = "CHOICE"
    MULTI_CHOICE = "MULTI_CHOICE"
    CHECKBOX = "CHECKBOX"
    DATE = "DATE"


#: Types whose answer is one of the field's own options.
WITH_OPTIONS = frozenset({RegistrationFieldType.CHOICE, RegistrationFieldType.MULTI_CHOICE})
