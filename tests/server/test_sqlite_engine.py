"""The embedded SQLite database as Gatehouse connects to it: Unicode case, WAL without fsync per commit."""

from __future__ import annotations

import pytest
from tortoise import Tortoise

from server.database import apply_migrations, database


async def pragma(name: str) -> object:
    [row] = await Tortoise.get_connection("sqlite").execute_query_dict(f"PRAGMA {name}")
    return next(iter(row.values()))


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite://{tmp_path / 'gatehouse.sqlite3'}"


async def test_sqlite_runs_in_wal_mode_and_syncs_at_checkpoints_not_every_commit(sqlite_url):
    await apply_migrations(sqlite_url)
    async with database(sqlite_url, global_fallback=False):
        assert (await pragma("journal_mode"), await pragma("synchronous")) == ("wal", 1)  # 1 = NORMAL


async def test_the_database_url_can_ask_for_a_sync_at_every_commit(sqlite_url):
    await apply_migrations(sqlite_url)
    async with database(f"{sqlite_url}?synchronous=FULL", global_fallback=False):
        assert await pragma("synchronous") == 2  # FULL


async def test_upper_folds_letters_of_every_alphabet_as_postgresql_does(sqlite_url):
    await apply_migrations(sqlite_url)
    async with database(sqlite_url, global_fallback=False):
        [row] = await Tortoise.get_connection("sqlite").execute_query_dict(
            "SELECT UPPER('müller élodie ωμέγα') AS folded, UPPER(NULL) AS absent"
        )
    assert row == {"folded": "MÜLLER ÉLODIE ΩΜΈΓΑ", "absent": None}
