"""The Tortoise configuration and the migrations that bring a database up to date."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.config_generator import expand_db_url

from models import MODEL_MODULES

MIGRATIONS_LOCATION = str(Path(__file__).resolve().parent.parent / "migrations")


def connection_name(database_url: str) -> str:
    """The connection is named for its engine.

    Tortoise caches compiled INSERT statements per connection name for the whole
    process, so a process that talks to SQLite and then PostgreSQL (the test
    suite) would send SQLite's SQL to PostgreSQL under one shared name.
    """
    return "sqlite" if database_url.startswith("sqlite") else "postgres"


async def _keep_the_connection_as_it_is(connection: Any) -> None:
    """What asyncpg runs on a connection handed back to its pool, instead of its reset."""


def _connection_config(database_url: str) -> dict[str, Any]:
    config = expand_db_url(database_url)
    if config["engine"] == "tortoise.backends.asyncpg":
        # asyncpg resets every connection handed back to its pool (advisory locks, LISTEN,
        # session settings, cursors: `SELECT pg_advisory_unlock_all(); …`), and Tortoise hands
        # one back after each statement outside a transaction, so every statement cost two
        # round trips. Gatehouse keeps no session state on a connection (no advisory lock,
        # LISTEN, SET or cursor outlives its statement or transaction), so there is nothing to
        # reset; asyncpg still rolls back a transaction left open before our hook runs.
        config["credentials"]["reset"] = _keep_the_connection_as_it_is
    if config["engine"] == "tortoise.backends.sqlite":
        config["engine"] = "server.sqlite_engine"
        # SQLite's advice for WAL mode: no fsync at every commit (it stalled every other query
        # behind the one connection), only at checkpoints. A killed process loses nothing; a
        # power cut may lose the last transactions, each whole. `?synchronous=FULL` restores it.
        config["credentials"].setdefault("synchronous", "NORMAL")
    return config


def tortoise_config(database_url: str) -> dict:
    name = connection_name(database_url)
    return {
        "connections": {name: _connection_config(database_url)},
        "apps": {
            "models": {
                "models": [*MODEL_MODULES, "aerich.models"],
                "default_connection": name,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# What `aerich -c aerich.toml …` reads when a developer makes a new migration.
AERICH_CONFIG = tortoise_config(os.environ.get("GATEHOUSE_DATABASE_URL", "sqlite://gatehouse.sqlite3"))


async def apply_migrations(database_url: str, location: str = MIGRATIONS_LOCATION) -> list[str]:
    """Apply every migration not yet applied; returns the names of those applied."""
    from aerich import Command

    command = Command(tortoise_config(database_url), app="models", location=location)
    async with command:
        await command.init()
        return await command.upgrade(run_in_transaction=True)


def _emptying_sql(database_url: str) -> str:
    # The table names are our models' own, never input, so building SQL from them is safe.
    tables = [
        model._meta.db_table
        for model in Tortoise.apps.get_models_iterable()
        if model._meta.app == "models" and model._meta.db_table != "aerich"
    ]
    if connection_name(database_url) == "postgres":
        return "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE;"
    return "".join(f'DELETE FROM "{t}";' for t in tables) + "DELETE FROM sqlite_sequence;"  # noqa: S608


async def empty_every_table(database_url: str) -> None:
    """Deletes every row of Gatehouse's tables (not the migration history); inside `database()`."""
    await Tortoise.get_connection(connection_name(database_url)).execute_script(
        _emptying_sql(database_url)
    )


@asynccontextmanager
async def database(database_url: str, *, global_fallback: bool = True) -> AsyncIterator[None]:
    """Tortoise connected to `database_url` for the duration of the block.

    Under uvicorn the lifespan and the requests run in different tasks, so the
    server asks for Tortoise's global fallback context.
    """
    await Tortoise.init(
        config=tortoise_config(database_url), _enable_global_fallback=global_fallback
    )
    try:
        yield
    finally:
        await Tortoise.close_connections()
