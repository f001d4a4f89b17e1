"""A throwaway PostgreSQL cluster: initdb into a temporary folder, serve on a free loopback port.

Used by the test suite (and the benchmark) so that no PostgreSQL server has to
be set up by hand. Under root, PostgreSQL refuses to run, so the cluster is
owned by the `postgres` system user that Debian's package creates.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DATABASE = "gatehouse"


def find_bindir() -> Path | None:
    """The folder holding initdb and pg_ctl, newest version first; None when not installed."""
    if explicit := os.environ.get("GATEHOUSE_PG_BINDIR"):
        return Path(explicit)
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    for candidate in versions:
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PostgresCluster:
    bindir: Path
    folder: Path
    port: int
    user: str

    @property
    def url(self) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{DATABASE}"

    def _run_as_owner(self, *args: str) -> subprocess.CompletedProcess:
        command = list(args)
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True)

    @classmethod
    def start(cls, bindir: Path) -> PostgresCluster:
        folder = Path(tempfile.mkdtemp(prefix="gatehouse-pg-"))
        user = "postgres" if os.geteuid() == 0 else os.environ.get("USER", "postgres")
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres", "postgres")
        cluster = cls(bindir=bindir, folder=folder, port=free_port(), user=user)
        data = folder / "data"
        cluster._run_as_owner(
            str(bindir / "initdb"), "-D", str(data), "-U", user, "--auth=trust",
            "--encoding=UTF8", "--no-sync",
        )
        cluster.start_server()
        cluster._run_as_owner(
            str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(cluster.port), "-U", user,
            DATABASE,
        )
        return cluster

    def start_server(self) -> None:
        """Starts PostgreSQL on this cluster's port and data folder, and waits until it accepts
        connections; after `stop_server`, the same cluster with the same data comes back."""
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.folder} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run_as_owner(
            str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options,
            "-l", str(self.folder / "server.log"), "-w", "start",
        )

    def stop_server(self) -> None:
        """Stops PostgreSQL as an operator would for a restart (`pg_ctl stop -m fast`: open
        connections are ended, their transactions rolled back) and waits until it is down."""
        self._run_as_owner(
            str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop"
        )

    def create_database(self, name: str) -> str:
        """A new, empty database in this cluster; returns its URL."""
        self._run_as_owner(
            str(self.bindir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name
        )
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{name}"

    @property
    def postmaster_pid(self) -> int | None:
        """The server's first process, parent of every backend; None while it is down."""
        pid_file = self.folder / "data" / "postmaster.pid"
        return int(pid_file.read_text().splitlines()[0]) if pid_file.exists() else None

    def stop(self) -> None:
        pid_file = self.folder / "data" / "postmaster.pid"
        if (pid := self.postmaster_pid) is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGQUIT)  # immediate shutdown: nothing here is worth keeping
            deadline = time.monotonic() + 10
            while pid_file.exists() and time.monotonic() < deadline:
                time.sleep(0.05)
        shutil.rmtree(self.folder, ignore_errors=True)
