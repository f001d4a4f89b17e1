"""Reading GraphQL answers in tests, the same way in every file.

An answer (`body`) is the JSON of a response: `data`, and `errors` when there
are any. A mutation reports what it refused in its payload's `userErrors`,
read here as `(field, code)` pairs (the order of the fields of `UserError`);
a call refused as a whole (not signed in, forbidden, bad arguments) gets
GraphQL `errors` instead, each with an `extensions.code`.
"""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from schema.nodes import global_id

UserError = tuple[list[str] | None, str]


def user_errors(payload: dict[str, Any]) -> list[UserError]:
    """The payload's `userErrors` as `(field, code)` pairs, in the order given.

    Each error whose `message` the query asked for must have one: a person reads it.
    """
    errors = payload["userErrors"]
    assert all(error["message"] for error in errors if "message" in error), errors
    return [(error["field"], error["code"]) for error in errors]


def user_error_codes(payload: dict[str, Any]) -> list[str]:
    """Only the codes of the payload's `userErrors`, in order (for queries that ask for no field)."""
    return [error["code"] for error in payload["userErrors"]]


def error_codes(body: dict[str, Any]) -> list[str]:
    """The `extensions.code` of each GraphQL error of an answer, in order; [] without errors."""
    return [error["extensions"]["code"] for error in body.get("errors") or []]


def refusal(body: dict[str, Any]) -> str:
    """The code of a call refused as a whole: no data at all, and exactly one GraphQL error."""
    assert body.get("data") is None, body
    codes = error_codes(body)
    assert len(codes) == 1, body
    return codes[0]


def payload_of(body: dict[str, Any], field: str) -> Any:
    """`data[field]` of an answer that must have no GraphQL errors."""
    assert "errors" not in body, body["errors"]
    return body["data"][field]


def names(connection: dict[str, Any]) -> list[str]:
    """The `name` of each node of a connection, in order."""
    return [edge["node"]["name"] for edge in connection["edges"]]


def gid(row: Model) -> str:
    """The global id of a stored row whose GraphQL type is named after its model."""
    return global_id(type(row).__name__, row.pk)
