"""The scalars beyond GraphQL's own, described with their wire format for partners."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal

from strawberry.scalars import JSON
from strawberry.schema.types.base_scalars import DateTimeDefinition, DecimalDefinition, wrap_parser
from strawberry.schema.types.scalar import DEFAULT_SCALAR_REGISTRY
from strawberry.types.scalar import ScalarDefinition

DECIMAL = dataclasses.replace(
    DecimalDefinition,
    description='An exact decimal number, written as a JSON string such as "1250.50", never as a '
    "JSON number (which may lose digits on the way); send it as a string too. Amounts are in the "
    "shop's currency and kept to the cent.",
    specified_by_url="https://docs.python.org/3/library/decimal.html",
)

# Strawberry's DateTime appends the parser's own message ("day is out of range for month");
# a client hears only that the value is not an ISO date-time.
DATE_TIME = dataclasses.replace(
    DateTimeDefinition,
    description='A moment, as an ISO 8601 (RFC 3339) string with its UTC offset, e.g. '
    '"2026-03-01T09:30:00+00:00". Gatehouse answers in UTC; an input without an offset is '
    "refused where a moment is needed.",
    specified_by_url="https://scalars.graphql.org/andimarek/date-time",
    parse_value=wrap_parser(datetime.fromisoformat, "DateTime", include_error=False),
)

JSON_VALUE = dataclasses.replace(
    DEFAULT_SCALAR_REGISTRY[JSON],
    description="Any JSON value (object, array, string, number, boolean or null), passed as it is.",
    specified_by_url="https://www.rfc-editor.org/rfc/rfc8259",
)

SCALAR_OVERRIDES: dict[object, ScalarDefinition] = {
    Decimal: DECIMAL,
    datetime: DATE_TIME,
    JSON: JSON_VALUE,
}
