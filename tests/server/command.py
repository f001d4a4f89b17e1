"""Running the `gatehouse` command in-process (click's CliRunner) against a SQLite file."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from server.cli import main


def run_gatehouse(
    database_file: Path, *args: str, env: Mapping[str, str] | None = None, catch_exceptions: bool = False
) -> Result:
    """`gatehouse ARGS...` with the database in `database_file` and no admin password in the
    environment (`env` adds variables)."""
    environment = {
        "GATEHOUSE_DATABASE_URL": f"sqlite://{database_file.resolve()}",
        "GATEHOUSE_ADMIN_PASSWORD": "",
        **(env or {}),
    }
    return CliRunner().invoke(main, list(args), env=environment, catch_exceptions=catch_exceptions)


def rows(database_file: Path, sql: str) -> list[tuple[Any, ...]]:
    """What `sql` reads from the SQLite file, straight, without Tortoise."""
    connection = sqlite3.connect(database_file)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()
