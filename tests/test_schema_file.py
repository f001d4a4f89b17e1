"""The repository keeps the SDL as schema.graphql; it must match the schema the code builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from schema import schema

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def test_schema_graphql_matches_the_code():
    if not SCHEMA_FILE.exists():
        pytest.fail(f"{SCHEMA_FILE.name} is missing: run `make schema` and commit it.", pytrace=False)
    expected = schema.as_str() + "\n"
    actual = SCHEMA_FILE.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{SCHEMA_FILE.name} differs from the schema the code builds: run `make schema` "
        "and commit the result (after checking the change is meant for API users)."
    )
