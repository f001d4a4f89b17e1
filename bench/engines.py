"""A benchmark run on each engine in turn: a SQLite file, then a PostgreSQL cluster of its own."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from tests.pg_cluster import PostgresCluster, find_bindir

EngineBench = Callable[[str, str], Coroutine[Any, Any, None]]


def in_fresh_loop(coroutine: Coroutine[Any, Any, None]) -> None:
    """Each engine on its own loop and thread: Tortoise keeps its connections in context."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def on_each_engine(folder: Path, bench: EngineBench) -> None:
    """`bench(engine name, database URL)` on SQLite in `folder`, then on PostgreSQL where its
    binaries are installed (else a line saying why not)."""
    in_fresh_loop(bench("SQLite", f"sqlite://{folder / 'bench.sqlite3'}"))
    bindir = find_bindir()
    if bindir is None:
        print("\nPostgreSQL: SKIPPED, no binaries found (apt-get install -y postgresql).")
        return
    cluster = PostgresCluster.start(bindir)
    try:
        in_fresh_loop(bench("PostgreSQL", cluster.url))
    finally:
        cluster.stop()
