"""The Relay `Node` interface and global ids ("TypeName:pk" in base64)."""

from __future__ import annotations

import strawberry
from strawberry.relay import GlobalID
from strawberry.relay.types import GlobalIDValueError


@strawberry.interface(description="An object with a global id, readable again with `node(id:)`.")
class Node:
    id: strawberry.ID


def global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(str(GlobalID(type_name, str(pk))))


def parse_global_id(value: str) -> tuple[str, int] | None:
    """(type name, primary key), or None for anything that is not one of our ids."""
    try:
        parsed = GlobalID.from_id(value)
        return parsed.type_name, int(parsed.node_id)
    except (GlobalIDValueError, ValueError, TypeError):
        return None
