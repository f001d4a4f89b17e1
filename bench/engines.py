"""A benchmark run on each engine in turn (a SQLite file, then a PostgreSQL cluster of its own),
against the application served in-process."""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from server.app import create_app
from server.settings import Settings
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


@asynccontextmanager
async def served(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the application, served in this process with its lifespan, on the database
    already open."""
    app = create_app(settings, manage_database=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app, client=("198.51.100.20", 4711))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            yield http
