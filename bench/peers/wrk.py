"""wrk, the load generator: installed from Debian on first use, run with bench/peers/load.lua."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

LUA = Path(__file__).with_name("load.lua")
# A slow answer (bcrypt sign-ins at c=16) is a latency to report, not a time-out to drop.
TIMEOUT = "30s"


@dataclass(frozen=True)
class WrkResult:
    requests: int
    seconds: float
    non2xx: int
    graphql_errors: int
    socket_errors: int
    timeouts: int
    p50_ms: float
    p90_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return self.non2xx + self.graphql_errors + self.socket_errors + self.timeouts

    @property
    def answered_ok(self) -> int:
        return self.requests - self.non2xx - self.graphql_errors

    def error_note(self) -> str:
        parts = [
            f"{name} {count}"
            for name, count in (("non-2xx", self.non2xx), ("GraphQL errors", self.graphql_errors),
                                ("socket errors", self.socket_errors), ("time-outs", self.timeouts))
            if count
        ]
        return "ERRORS: " + ", ".join(parts) if parts else ""


def _install_command() -> list[str] | None:
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo"):
        return ["sudo", "-n"]
    return None


def ensure_wrk() -> str:
    """The path of wrk, installed with apt-get (as root or through sudo) when missing; exits 1
    with one line when it cannot be."""
    found = shutil.which("wrk")
    if found:
        return found
    prefix = _install_command()
    if prefix is None:
        sys.exit("wrk is not installed and this is neither root nor has sudo: run `apt-get install -y wrk`.")
    print("Installing wrk (apt-get install -y wrk) …", flush=True)

    def apt_get(*args: str) -> int:
        return subprocess.run(
            [*prefix, "apt-get", *args], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, check=False
        ).returncode

    failed = apt_get("install", "-y", "wrk")
    if failed:
        # A machine whose package lists were never fetched knows no wrk yet.
        apt_get("update")
        failed = apt_get("install", "-y", "wrk")
    found = shutil.which("wrk")
    if failed or not found:
        sys.exit(f"could not install wrk (`{' '.join([*prefix, 'apt-get', 'install', '-y', 'wrk'])}` "
                 f"exited {failed}): install it by hand and run again.")
    return found


def run_wrk(
    url: str, body_file: Path, token: str | None, *, concurrency: int, seconds: float, tag: str,
    unique: bool, log: Path,
) -> WrkResult:
    """One wrk run against `url`; its own text output goes to `log`."""
    threads = min(2, concurrency)
    command = [
        "wrk", f"-t{threads}", f"-c{concurrency}", f"-d{seconds:g}s", "--latency", "--timeout", TIMEOUT,
        "-s", str(LUA), url, "--", str(body_file), token or "-", tag,
    ]
    environment = {**os.environ, "WRK_UNIQUE": "1" if unique else "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)
    with log.open("a") as text:
        text.write(f"$ {' '.join(command)}\n{done.stdout}{done.stderr}\n")
    lines = [line for line in done.stdout.splitlines() if line.startswith('{"requests"')]
    if done.returncode != 0 or not lines:
        said = done.stderr.strip() or done.stdout[-500:]
        raise RuntimeError(f"wrk failed (exit {done.returncode}): {said}")
    figures = json.loads(lines[-1])
    return WrkResult(
        requests=figures["requests"], seconds=figures["duration_us"] / 1e6, non2xx=figures["non2xx"],
        graphql_errors=figures["graphql_errors"], socket_errors=figures["socket_errors"],
        timeouts=figures["timeouts"], p50_ms=figures["p50_us"] / 1000, p90_ms=figures["p90_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
    )
