"""A real `gatehouse serve` in its own process on a free port, for end-to-end tests."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Self

import httpx

from tests.conftest import TEST_SECRET_KEY
from tests.pg_cluster import free_port
from tests.processes import terminate

# Review links in staff mail lead to the dashboard, which is not Gatehouse itself.
DASHBOARD_URL = "http://dashboard.test"
GATEHOUSE = str(Path(sys.executable).with_name("gatehouse"))


class LiveServer:
    """`gatehouse serve` against `database_url`, sending mail to an SMTP server on `smtp_port`."""

    def __init__(
        self,
        database_url: str,
        log_path: Path,
        *,
        smtp_port: int | None = None,
        environment: dict[str, str] | None = None,
        stderr_path: Path | None = None,
    ) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        # Where standard error goes when it must be read apart from standard output.
        self.stderr_path = stderr_path
        self.environment = {
            **os.environ,
            "GATEHOUSE_DATABASE_URL": database_url,
            "GATEHOUSE_PUBLIC_URL": self.url,
            "GATEHOUSE_ADMIN_URL": DASHBOARD_URL,
            "GATEHOUSE_COOKIE_SECURE": "0",
            "GATEHOUSE_STAFF_MFA": "optional",
            "GATEHOUSE_SECRET_KEY": TEST_SECRET_KEY,
            "GATEHOUSE_MAIL_FROM": "gatehouse@flora.test",
            # Mail within a fifth of a second, so tests that wait for it wait little.
            "GATEHOUSE_MAIL_POLL_SECONDS": "0.2",
            **(
                {"GATEHOUSE_MAIL_BACKEND": "smtp", "GATEHOUSE_SMTP_HOST": "127.0.0.1",
                 "GATEHOUSE_SMTP_PORT": str(smtp_port)}
                if smtp_port else {}
            ),
            **(environment or {}),
        }
        self.process: subprocess.Popen | None = None

    @property
    def graphql_url(self) -> str:
        return f"{self.url}/graphql"

    def command(self, *options: str) -> list[str]:
        """What runs the server: `gatehouse serve` on this port, with `options`."""
        return [GATEHOUSE, "serve", "--port", str(self.port), *options]

    def start(self, *options: str, timeout: float = 30.0) -> Self:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(*options),
            env=self.environment, stdout=log,
            stderr=self.stderr_path.open("ab") if self.stderr_path else subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gatehouse serve exited; see {self.log_path}:\n{self.log()}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return self
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gatehouse serve did not answer within {timeout} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def logged(self, text: str, *, seconds: float = 10.0) -> None:
        """Waits until the server's log holds `text` (what it says once it has done something)."""
        for _ in range(int(seconds / 0.05)):
            if text in self.log():
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"{self.graphql_url} never logged {text!r}; see {self.log_path}")

    def stop(self) -> None:
        terminate(self.process)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no rollback by the server; what is committed is all there is."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait()
