"""End-to-end fixtures: a real `gatehouse serve` process, a real SMTP server, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
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
