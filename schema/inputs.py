"""Reading inputs whose fields may be left out (`strawberry.UNSET`) or set to null."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

import strawberry


def given_fields(input: object, *, leave_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """The input's fields the caller set (null included), by their Python names."""
    return {
        field.name: getattr(input, field.name)
        for field in fields(input)  # type: ignore[arg-type]
        if field.name not in leave_out and getattr(input, field.name) is not strawberry.UNSET
    }


# The one argument of every mutation; its fields are described on the input type itself.
INPUT = strawberry.argument(description="The call's fields, each described on the input type.")
