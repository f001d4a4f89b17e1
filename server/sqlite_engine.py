"""Tortoise's SQLite engine, with UPPER() that knows every alphabet, not ASCII only.

Tortoise compiles case-insensitive filters (`icontains`, `iexact`) to
`UPPER(column) LIKE UPPER(?)`. SQLite's own UPPER() leaves non-ASCII letters
alone, so on the embedded database 'müller' would not find 'Müller'. This engine
gives each connection Python's `str.upper` under that name, as PostgreSQL's
UPPER() does in a UTF-8 database with a real locale (a few letters differ:
Python makes 'ß' 'SS').

Only a connection made here knows this UPPER(): no index, CHECK or trigger may
use it, or a write from the plain `sqlite3` shell would disagree with it.
"""

from __future__ import annotations

from tortoise.backends.sqlite.client import SqliteClient


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


class UnicodeSqliteClient(SqliteClient):
    async def create_connection(self, with_db: bool) -> None:
        await super().create_connection(with_db)
        if self._connection is not None:
            await self._connection.create_function("UPPER", 1, _upper, deterministic=True)


client_class = UnicodeSqliteClient
