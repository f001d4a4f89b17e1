"""The application in-process over a database of the test's choosing, reachable or not.

A PostgreSQL URL on a loopback port where nothing listens is a database that refuses every
connection, as a stopped server does: no PostgreSQL binaries are needed to see Gatehouse's
answer to it. Tortoise connects lazily, so opening it succeeds and each query then fails.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx

from server.app import create_app
from server.database import database
from server.settings import Settings
from tests.pg_cluster import free_port


def refusing_postgres_url() -> str:
    return f"postgres://gatehouse@127.0.0.1:{free_port()}/gatehouse"


@contextlib.asynccontextmanager
async def app_client(database_url: str, **settings: Any) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of the app on `database_url` (opened here), with `settings` changed."""
    configured = replace(Settings(), database_url=database_url, cookie_secure=False, **settings)
    async with database(database_url, global_fallback=False):
        application = create_app(configured, manage_database=False)
        async with application.router.lifespan_context(application):
            transport = httpx.ASGITransport(app=application, client=("203.0.113.7", 4711))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                yield http
