"""A throwaway redis-server on a free loopback port, for the rate-limit storage tests (and the bench).

Nothing is kept on disk (no snapshots, no append-only file). The `redis_server` fixture starts
one per test session; `redis_url` gives each test that server emptied. A test that stops its
server under a running Gatehouse starts a `RedisServer` of its own. Without the binary (Debian's
`redis-server` package), those tests skip with a loud reason, as the PostgreSQL ones do.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.pg_cluster import free_port
from tests.processes import terminate

NO_REDIS = (
    "redis-server not found on PATH: the tests of the Redis rate-limit storage DID NOT RUN. "
    "Install it with `apt-get install -y redis-server` (CI does)."
)


def find_redis_server() -> str | None:
    return shutil.which("redis-server")


class RedisServer:
    """`redis-server` on `port` (a free one unless given), started and stopped by hand."""

    def __init__(self, binary: str, port: int | None = None) -> None:
        self.binary = binary
        self.port = port or free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="gatehouse-redis-"))
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10.0) -> RedisServer:
        self.process = subprocess.Popen(
            [
                self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                "--appendonly", "no", "--dir", str(self.folder), "--daemonize", "no",
            ],
            stdout=(self.folder / "redis.log").open("ab"), stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server exited:\n{(self.folder / 'redis.log').read_text()}")
            try:
                if self.command("PING") == "+PONG":
                    return self
            except OSError:
                time.sleep(0.02)
        self.stop()
        raise RuntimeError(f"redis-server did not answer on port {self.port} within {timeout} s")

    def command(self, *words: str) -> str:
        """One command in Redis's inline form; its answer's first line (`+OK`, `:3`, …)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=2) as connection:
            connection.sendall(" ".join(words).encode() + b"\r\n")
            return connection.makefile("rb").readline().decode().rstrip("\r\n")

    def flush(self) -> None:
        assert self.command("FLUSHALL") == "+OK"

    def stop(self) -> None:
        """Stops the server (SIGTERM, as an operator's restart does); the port is then refused."""
        terminate(self.process)

    def remove(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def _started_redis() -> Iterator[RedisServer]:
    binary = find_redis_server()
    if binary is None:
        pytest.skip(NO_REDIS)
    server = RedisServer(binary).start()
    try:
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    yield from _started_redis()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's redis-server, emptied for this test."""
    redis_server.flush()
    return redis_server.url


@pytest.fixture
def own_redis() -> Iterator[RedisServer]:
    """A redis-server of this test alone, to stop and start again under a running server."""
    yield from _started_redis()


def report_skipped(terminalreporter: Any) -> None:
    """The loud banner at the end of a run whose Redis tests skipped (tests/conftest.py calls it)."""
    skipped = terminalreporter.stats.get("skipped", [])
    if any(NO_REDIS in str(report.longrepr) for report in skipped):
        terminalreporter.write_sep("!", "Redis rate-limit storage tests were SKIPPED", red=True, bold=True)
        terminalreporter.write_line(NO_REDIS, red=True)
