"""End-to-end fixtures: a real `gatehouse serve` process, a real SMTP server, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.live_server import LiveServer
from tests.mail.smtp_server import SmtpServer


@pytest.fixture
async def live_server(db: str, smtp: SmtpServer, tmp_path: Path) -> AsyncIterator[LiveServer]:
    """`gatehouse serve` on a free port, on the test's empty database, mailing to `smtp`.

    The test process stays connected to the same database (the `db` fixture), so
    it can arrange data with the factories and check rows directly.
    """
    server = LiveServer(db, tmp_path / "serve.log", smtp_port=smtp.port).start()
    try:
        yield server
    finally:
        server.stop()


# What a server logs once it hears the other instances' changes (server/change_listener.py).
LISTENING = "Listening for other instances' changes"


@pytest.fixture
def two_servers(pg_db: str, tmp_path: Path) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two `gatehouse serve` processes on one PostgreSQL database, limits off."""
    with ExitStack() as stack:
        servers = []
        for name in ("first", "second"):
            server = LiveServer(pg_db, tmp_path / f"{name}.log", environment={"GATEHOUSE_RATE_LIMITS": "off"})
            stack.callback(server.stop)
            servers.append(server.start())
        yield servers[0], servers[1]
