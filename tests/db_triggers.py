"""A database that refuses one kind of write: a real failure in the middle of a use case."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise.backends.base.client import BaseDBAsyncClient

REFUSAL = "refused by the test"


@asynccontextmanager
async def writes_refused(connection: BaseDBAsyncClient, table: str, operation: str) -> AsyncIterator[None]:
    """Every `operation` (INSERT, UPDATE or DELETE) on `table` fails in the database meanwhile,
    as a constraint or a lost connection would make it fail."""
    trigger = f"refuse_{operation.lower()}_{table}"
    if connection.capabilities.dialect == "postgres":
        await connection.execute_script(
            f"CREATE FUNCTION {trigger}() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION '{REFUSAL}'; "
            f"END $$ LANGUAGE plpgsql; CREATE TRIGGER {trigger} BEFORE {operation} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {trigger}();"
        )
        dropped = f"DROP TRIGGER {trigger} ON {table}; DROP FUNCTION {trigger}();"
    else:
        await connection.execute_script(
            f"CREATE TRIGGER {trigger} BEFORE {operation} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END;"
        )
        dropped = f"DROP TRIGGER {trigger};"
    try:
        yield
    finally:
        await connection.execute_script(dropped)
