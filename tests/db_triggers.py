"""A database that refuses or skips one kind of write: a real failure in the middle of a use case,
or a row another writer took first."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise.backends.base.client import BaseDBAsyncClient

REFUSAL = "refused by the test"


@asynccontextmanager
async def writes_refused(
    connection: BaseDBAsyncClient, table: str, operation: str, *, when: str | None = None
) -> AsyncIterator[None]:
    """Every `operation` (INSERT, UPDATE or DELETE) on `table` fails in the database meanwhile,
    as a constraint or a lost connection would make it fail; with `when` (a condition on the
    row, `NEW.status = 'DELIVERED'` say), only those of rows that meet it."""
    async with _row_trigger(connection, table, operation, when, postgres=f"RAISE EXCEPTION '{REFUSAL}'",
                            sqlite=f"SELECT RAISE(ABORT, '{REFUSAL}')", name="refuse"):
        yield


@asynccontextmanager
async def updates_skipped(connection: BaseDBAsyncClient, table: str, *, when: str) -> AsyncIterator[None]:
    """UPDATEs leave the rows of `table` that meet `when` as they are, and do not count them,
    as when another writer changed those rows first."""
    async with _row_trigger(connection, table, "UPDATE", when, postgres="RETURN NULL",
                            sqlite="SELECT RAISE(IGNORE)", name="skip"):
        yield


@asynccontextmanager
async def _row_trigger(
    connection: BaseDBAsyncClient, table: str, operation: str, when: str | None, *,
    postgres: str, sqlite: str, name: str,
) -> AsyncIterator[None]:
    trigger = f"{name}_{operation.lower()}_{table}"
    if connection.capabilities.dialect == "postgres":
        condition = f"WHEN ({when}) " if when else ""
        await connection.execute_script(
            f"CREATE FUNCTION {trigger}() RETURNS trigger AS $$ BEGIN {postgres}; "
            f"END $$ LANGUAGE plpgsql; CREATE TRIGGER {trigger} BEFORE {operation} ON {table} "
            f"FOR EACH ROW {condition}EXECUTE FUNCTION {trigger}();"
        )
        dropped = f"DROP TRIGGER {trigger} ON {table}; DROP FUNCTION {trigger}();"
    else:
        condition = f"WHEN {when} " if when else ""
        await connection.execute_script(
            f"CREATE TRIGGER {trigger} BEFORE {operation} ON {table} {condition}BEGIN {sqlite}; END;"
        )
        dropped = f"DROP TRIGGER {trigger};"
    try:
        yield
    finally:
        await connection.execute_script(dropped)
