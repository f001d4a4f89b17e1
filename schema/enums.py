"""GraphQL enums made from the Python enums of `models/` and `resolvers/`, each value described.

Those enums know nothing of GraphQL, so their descriptions are given here, in `schema/`.
Annotations keep using the Python enum itself: it is the GraphQL enum once described.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

E = TypeVar("E", bound=Enum)


def describe_enum(cls: type[E], *, name: str, description: str, values: Mapping[E, str]) -> None:
    """Make `cls` the GraphQL enum `name`; a value left undescribed fails at import."""
    missing = [member.name for member in cls if member not in values]
    if missing:
        raise ValueError(f"{name}: describe {', '.join(missing)}")
    strawberry.enum(cls, name=name, description=description)
    # strawberry.enum sets the attribute at run time; no stub can say so.
    definition: StrawberryEnumDefinition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    for value in definition.values:
        value.description = values[cls(value.value)]
