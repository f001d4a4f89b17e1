"""The HTTP stack `serve` runs, step by step: the old one against each change, interleaved.

    python -m bench.http_stack [--rounds 3] [--requests 1000]

Four uvicorn servers over one seeded SQLite database, each started as `gatehouse serve` starts
uvicorn (server/uvicorn_options.py), differing only in:

    old       asyncio + h11, uvicorn's access line per request, nothing frozen (before issue 15)
    +fast     uvloop + httptools, access line still on
    +quiet    uvloop + httptools, no access line
    new       uvloop + httptools, no access line, start-up frozen out of the collector (`serve`)

The public form and the signed-in customer read are hammered at c=16, every server in turn in
each round; each line prints the median of the rounds (req/s, p50, p99), the spread of req/s,
the server process's CPU time per request, and the ratios against `old`. The load generator
(httpx, bench/load.py) shares the machine's two cores with the server and takes more CPU per
request than the server does, so req/s is bounded by the client and understates what a server
gains; the CPU per request is the figure of the stack itself.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

from bench.api import CUSTOMER_USERNAME, CUSTOMER_VIEW, FORM, sign_in
from bench.load import Figures, hammer
from bench.seed import PASSWORD, Size, seed_accounts
from bench.storm import LOGIN
from server.database import apply_migrations, database
from tests.live_server import LiveServer


@dataclass(frozen=True)
class Variant:
    name: str
    loop: str
    http: str
    access_log: bool
    frozen: bool


VARIANTS = (
    Variant("old", "asyncio", "h11", access_log=True, frozen=False),
    Variant("+fast", "uvloop", "httptools", access_log=True, frozen=False),
    Variant("+quiet", "uvloop", "httptools", access_log=False, frozen=False),
    Variant("new", "uvloop", "httptools", access_log=False, frozen=True),
)


class VariantServer(LiveServer):
    """A LiveServer whose process runs uvicorn as `serve` does, with one variant's options."""

    def __init__(self, database_url: str, log_path: Path, variant: Variant) -> None:
        super().__init__(
            database_url, log_path,
            environment={
                "GATEHOUSE_RATE_LIMITS": "off",
                "GATEHOUSE_ACCESS_LOG": "1" if variant.access_log else "0",
            },
        )
        self.variant = variant

    def command(self, *options: str) -> list[str]:
        return [
            sys.executable, "-m", "bench.http_stack_server", str(self.port),
            self.variant.loop, self.variant.http, "frozen" if self.variant.frozen else "plain",
        ]


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux: /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Measured:
    figures: Figures
    # The server's CPU per request: what the stack costs, whatever the load generator can send.
    cpu_ms: float


async def measure(server: VariantServer, body: dict, headers: dict[str, str], requests: int) -> Measured:
    assert server.process is not None
    cpu_before = cpu_seconds(server.process.pid)
    figures = await hammer(server.graphql_url, body, requests=requests, concurrency=16, headers=headers)
    return Measured(figures, (cpu_seconds(server.process.pid) - cpu_before) * 1000 / requests)


def summary(name: str, measured: list[Measured], old: list[Measured]) -> str:
    figures = [m.figures for m in measured]
    cpu = statistics.median(m.cpu_ms for m in measured)
    rates = [f.per_second for f in figures]
    rate = statistics.median(rates)
    p50 = statistics.median(f.p50 for f in figures)
    p99 = statistics.median(f.p99 for f in figures)
    line = (
        f"    {name:7} {rate:7.0f} req/s (spread {min(rates):.0f}-{max(rates):.0f})   "
        f"p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   server CPU {cpu:.2f} ms/request"
    )
    if name != "old":
        old_rate = statistics.median(m.figures.per_second for m in old)
        old_p99 = statistics.median(m.figures.p99 for m in old)
        old_cpu = statistics.median(m.cpu_ms for m in old)
        line += f"   (x{rate / old_rate:.2f} req/s, x{p99 / old_p99:.2f} p99, x{cpu / old_cpu:.2f} CPU)"
    return line


async def run(rounds: int, requests: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="gatehouse-http-stack-"))
    url = f"sqlite://{folder / 'bench.sqlite3'}"
    await apply_migrations(url)
    async with AsyncExitStack() as stack:
        async with database(url, global_fallback=True):
            await seed_accounts(Size(debtors=2_000, requests=0))
        servers = []
        for variant in VARIANTS:
            server = VariantServer(url, folder / f"{variant.name}.log", variant).start()
            stack.callback(server.stop)
            servers.append(server)
        token = await sign_in(
            servers[0].graphql_url, LOGIN, {"username": CUSTOMER_USERNAME, "password": PASSWORD}
        )
        workloads = {
            "registrationForm (anonymous)": (FORM, {}),
            "viewer + debtor + orderPolicy (customer)": (CUSTOMER_VIEW, {"Authorization": f"Bearer {token}"}),
        }
        for server in servers:  # warm each: imports, caches, connections
            for body, headers in workloads.values():
                await hammer(server.graphql_url, body, requests=200, concurrency=16, headers=headers)
        measured: dict[tuple[str, str], list[Measured]] = {}
        for number in range(rounds):
            load = os.getloadavg()[0]
            print(f"round {number + 1} of {rounds} (load average {load:.2f})", flush=True)
            for workload, (body, headers) in workloads.items():
                for server in servers:
                    measured.setdefault((workload, server.variant.name), []).append(
                        await measure(server, body, headers, requests)
                    )
    print(f"\nc=16, {requests} requests a round, median of {rounds} rounds, interleaved:")
    for workload in workloads:
        print(f"  {workload}")
        old = measured[(workload, "old")]
        for variant in VARIANTS:
            print(summary(variant.name, measured[(workload, variant.name)], old))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=1000)
    options = parser.parse_args(argv)
    asyncio.run(run(options.rounds, options.requests))


if __name__ == "__main__":
    main()
