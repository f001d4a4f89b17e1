"""The Relay `Node` interface and global ids ("TypeName:pk" in base64)."""

from __future__ import annotations

from typing import TypeVar

import strawberry
from strawberry.relay import GlobalID
from strawberry.relay.types import GlobalIDValueError

from resolvers import global_ids

T = TypeVar("T")


@strawberry.interface(description="An object with a global id, readable again with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(
        description="Global id: opaque, stable, unique across types; pass it to `node(id:)` and "
        "to inputs that ask for an id of this type."
    )


def global_id(type_name: str, pk: int) -> strawberry.ID:
    """The id the API and the webhooks' bodies both write (resolvers/global_ids.py)."""
    return strawberry.ID(global_ids.global_id(type_name, pk))


def parse_global_id(value: str) -> tuple[str, int] | None:
    """(type name, primary key), or None for anything that is not one of our ids."""
    try:
        parsed = GlobalID.from_id(value)
        pk = int(parsed.node_id)
    except (GlobalIDValueError, ValueError, TypeError):
        return None
    # Keys are 32-bit integers: anything outside cannot exist, and must not reach the query.
    return (parsed.type_name, pk) if 0 < pk < 2**31 else None


def pk_of(value: str, type_name: str) -> int | None:
    """The primary key of a global id of `type_name`, or None (reads as "not found")."""
    parsed = parse_global_id(value)
    return parsed[1] if parsed is not None and parsed[0] == type_name else None


def existing(row: T | None) -> T:
    """The row a foreign key points at; were it missing, the database would be broken (INTERNAL)."""
    if row is None:
        raise LookupError("a row that a foreign key points at is missing")
    return row
