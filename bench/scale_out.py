"""Scale-out: `gatehouse serve --workers 2` against `--workers 1`, on PostgreSQL with Redis rate limits.

    python -m bench.scale_out [--quick] [--rounds 3] [--seconds 10]

Seeds a throwaway PostgreSQL cluster (tests/pg_cluster.py) with 20,000 debtors (`--quick`: 2,000,
and rounds of 3 s), starts a throwaway redis-server for the rate-limit counters, and loads the
signed-in customer read (bench.api.CUSTOMER_VIEW) with wrk at concurrency 32. Each round serves
one worker, then two (the next round the other way round, so that neither always runs second on
a machine that warms or cools), each on a fresh `gatehouse serve` with its own sign-in, a short
warm-up, then the measured run. The request limit is on, set so high that nothing is refused:
every request is still counted in Redis, as in production.

Each round prints req/s, p50/p99, non-2xx answers, the 1-minute load average and the CPU that the
server's process tree (master and workers), PostgreSQL, Redis, wrk and the rest of the machine
(/proc/stat) took, in cores. wrk, PostgreSQL and Redis share the machine's cores with the server,
so on 2 cores the second worker competes with them for what the first leaves: the ratio is what
this machine gives, not what two workers give on cores of their own.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.api import COUNTED_NOT_REFUSED, CUSTOMER_USERNAME, CUSTOMER_VIEW
from bench.peers.processes import process_cpu_seconds, process_tree
from bench.peers.wrk import WrkResult, ensure_wrk
from bench.peers.wrk import run_wrk as peers_wrk
from bench.seed import PASSWORD, Size, seed_accounts
from bench.storm import LOGIN
from server.database import apply_migrations, database
from tests.pg_cluster import PostgresCluster, find_bindir, free_port
from tests.processes import terminate
from tests.redis_server import RedisServer, find_redis_server

GATEHOUSE = str(Path(sys.executable).with_name("gatehouse"))
CONCURRENCY = 32
WRK_THREADS = 2
WORKER_COUNTS = (1, 2)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

def tree_cpu(root: int) -> dict[int, float]:
    return {pid: process_cpu_seconds(pid) for pid in process_tree(root)}


def used_since(before: dict[int, float], after: dict[int, float]) -> dict[int, float]:
    """CPU seconds each process took between two readings (a process new since `before` counts
    from its start)."""
    return {pid: seconds - before.get(pid, 0.0) for pid, seconds in after.items()}


def machine_busy_seconds() -> float:
    """CPU seconds all cores have been busy since boot (/proc/stat: all but idle and iowait)."""
    ticks = [int(field) for field in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLOCK_TICKS


def children_cpu() -> float:
    """CPU of this process's waited-for children: around one `subprocess.run`, that child's."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(frozen=True)
class WrkRun(WrkResult):
    """A run of bench/peers' wrk, with the CPU wrk itself took."""

    cpu_seconds: float = 0.0

    @property
    def failures(self) -> int:
        return self.errors


def run_wrk(url: str, body: Path, token: str, seconds: float, log: Path) -> WrkRun:
    cpu_before = children_cpu()
    result = peers_wrk(
        url, body, token, concurrency=CONCURRENCY, seconds=seconds, tag="scale-out", unique=False, log=log
    )
    return WrkRun(**dataclasses.asdict(result), cpu_seconds=children_cpu() - cpu_before)


@dataclass(frozen=True)
class Round:
    number: int
    workers: int
    wrk: WrkRun
    # CPU cores used over the measured run: seconds of CPU per second of wall time.
    server_cores: float
    worker_cores: tuple[float, ...]
    postgres_cores: float
    redis_cores: float
    # Every process on the machine, ours included: what is left over is other work's.
    machine_cores: float
    load: float

    @property
    def wrk_cores(self) -> float:
        return self.wrk.cpu_seconds / self.wrk.seconds

    @property
    def other_cores(self) -> float:
        ours = self.server_cores + self.postgres_cores + self.redis_cores + self.wrk_cores
        return max(0.0, self.machine_cores - ours)

    @property
    def server_ms_per_request(self) -> float:
        return self.server_cores * self.wrk.seconds * 1000 / self.wrk.requests

    def line(self) -> str:
        run = self.wrk
        split = " + ".join(f"{cores:.2f}" for cores in self.worker_cores)
        failures = (
            f"non-2xx {run.non2xx}, GraphQL errors {run.graphql_errors}, socket errors {run.socket_errors}, "
            f"time-outs {run.timeouts}"
        )
        return (
            f"  round {self.number}, {self.workers} worker{'s' if self.workers > 1 else ' '}: "
            f"{run.per_second:6.0f} req/s  p50 {run.p50_ms:6.1f} ms  p99 {run.p99_ms:6.1f} ms  "
            f"({run.requests} requests, {'ERRORS: ' + failures if run.failures else 'non-2xx 0'})\n"
            f"      CPU in cores: server {self.server_cores:.2f} (workers {split}, "
            f"{self.server_ms_per_request:.2f} ms/request), PostgreSQL {self.postgres_cores:.2f}, "
            f"Redis {self.redis_cores:.2f}, wrk {self.wrk_cores:.2f}, other work {self.other_cores:.2f}; "
            f"load average {self.load:.2f}"
        )


class Gatehouse:
    """`gatehouse serve --workers N` on a free port, up when every worker has started."""

    def __init__(self, workers: int, environment: dict[str, str], log: Path) -> None:
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        command = [GATEHOUSE, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                   "--workers", str(workers)]
        self.offset = log.stat().st_size if log.exists() else 0
        self.process = subprocess.Popen(
            command, env=environment, stdout=log.open("ab"), stderr=subprocess.STDOUT
        )

    def wait(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gatehouse serve exited; see {self.log}")
            # /health answers as soon as one worker is up; the measured run must find them all.
            started = self.log.read_bytes()[self.offset:].count(b"Application startup complete")
            if started >= self.workers:
                try:
                    if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                        return
                except httpx.TransportError:
                    pass
            time.sleep(0.1)
        raise RuntimeError(
            f"gatehouse serve --workers {self.workers} not up within {timeout} s; see {self.log}"
        )

    def workers_of(self, used: dict[int, float]) -> tuple[float, ...]:
        """The workers' share of `used`: the master's children (with one worker, the master serves)."""
        if self.workers == 1:
            return (used.get(self.process.pid, 0.0),)
        children = [pid for pid in process_tree(self.process.pid) if pid != self.process.pid]
        return tuple(sorted((used.get(pid, 0.0) for pid in children), reverse=True)[: self.workers])

    def stop(self) -> None:
        terminate(self.process)


def sign_in(graphql: str) -> str:
    variables = {"username": CUSTOMER_USERNAME, "password": PASSWORD}
    answer = httpx.post(graphql, json={"query": LOGIN, "variables": variables}, timeout=30).json()
    login = answer["data"]["login"]
    if login["userErrors"]:
        raise RuntimeError(f"the bench customer could not sign in: {login['userErrors']}")
    return login["token"]


def check_read(graphql: str, token: str) -> None:
    """One customer read answers the customer's data and no errors, or nothing is measured."""
    answer = httpx.post(graphql, json=CUSTOMER_VIEW, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    payload = answer.json()
    viewer = (payload.get("data") or {}).get("viewer") or {}
    if answer.status_code != 200 or payload.get("errors") or viewer.get("username") != CUSTOMER_USERNAME:
        raise RuntimeError(f"the customer read did not answer data: HTTP {answer.status_code} {payload}")


@dataclass(frozen=True)
class Setup:
    environment: dict[str, str]
    postgres_pid: int
    redis_pid: int
    folder: Path
    body: Path


def cpu_of_each(setup: Setup, server: Gatehouse) -> tuple[dict[int, float], dict[int, float], float]:
    """CPU so far of the server's processes, PostgreSQL's, and Redis."""
    return tree_cpu(server.process.pid), tree_cpu(setup.postgres_pid), process_cpu_seconds(setup.redis_pid)


def measure(setup: Setup, number: int, workers: int, warm_up: float, seconds: float) -> Round:
    log = setup.folder / f"serve-{workers}.log"
    server = Gatehouse(workers, setup.environment, log)
    try:
        server.wait()
        graphql = f"{server.url}/graphql"
        token = sign_in(graphql)
        check_read(graphql, token)
        wrk_log = setup.folder / "wrk.log"
        run_wrk(graphql, setup.body, token, warm_up, wrk_log)
        busy = machine_busy_seconds()
        before = cpu_of_each(setup, server)
        run = run_wrk(graphql, setup.body, token, seconds, wrk_log)
        after = cpu_of_each(setup, server)
        busy = machine_busy_seconds() - busy
        load = os.getloadavg()[0]
        server_used = used_since(before[0], after[0])
        return Round(
            number=number, workers=workers, wrk=run,
            server_cores=sum(server_used.values()) / run.seconds,
            worker_cores=tuple(cores / run.seconds for cores in server.workers_of(server_used)),
            postgres_cores=sum(used_since(before[1], after[1]).values()) / run.seconds,
            redis_cores=(after[2] - before[2]) / run.seconds,
            machine_cores=busy / run.seconds,
            load=load,
        )
    finally:
        server.stop()


async def prepare_database(url: str, size: Size) -> float:
    started = time.perf_counter()
    await apply_migrations(url)
    async with database(url, global_fallback=True):
        await seed_accounts(size)
    return time.perf_counter() - started


def secret_key() -> str:
    made = subprocess.run([GATEHOUSE, "secret-key"], capture_output=True, text=True, check=True)
    return made.stdout.strip()


def spread(values: list[float], digits: int = 0) -> str:
    return f"{min(values):.{digits}f}-{max(values):.{digits}f}"


def summary(rounds: list[Round]) -> Iterator[str]:
    by_workers = {n: [r for r in rounds if r.workers == n] for n in WORKER_COUNTS}
    medians: dict[int, float] = {}
    yield f"\nMedians of {len(rounds) // len(WORKER_COUNTS)} rounds (spread of the rounds in brackets):"
    for workers, measured in by_workers.items():
        rates = [r.wrk.per_second for r in measured]
        p99s = [r.wrk.p99_ms for r in measured]
        cores = [r.server_cores for r in measured]
        medians[workers] = statistics.median(rates)
        yield (
            f"  --workers {workers}: {medians[workers]:6.0f} req/s ({spread(rates)})   "
            f"p50 {statistics.median(r.wrk.p50_ms for r in measured):.1f} ms   "
            f"p99 {statistics.median(p99s):.1f} ms ({spread(p99s, 1)})   "
            f"server {statistics.median(cores):.2f} cores ({spread(cores, 2)}), "
            f"{statistics.median(r.server_ms_per_request for r in measured):.2f} ms CPU/request   "
            f"wrk {statistics.median(r.wrk_cores for r in measured):.2f} cores   "
            f"other work {statistics.median(r.other_cores for r in measured):.2f} cores"
        )
    rounds_of = list(zip(by_workers[1], by_workers[2], strict=True))
    pairs = [two.wrk.per_second / one.wrk.per_second for one, two in rounds_of]
    p99_pairs = [two.wrk.p99_ms / one.wrk.p99_ms for one, two in rounds_of]
    # Each round's pair ran back to back, so its ratio cancels a machine that drifts between rounds.
    yield (
        f"  2 workers / 1 worker: x{medians[2] / medians[1]:.2f} req/s (medians); round by round "
        f"{', '.join(f'x{ratio:.2f}' for ratio in pairs)}, median x{statistics.median(pairs):.2f}; "
        f"p99 x{statistics.median(p99_pairs):.2f} (median of the rounds)"
    )
    failures = sum(r.wrk.failures for r in rounds)
    yield f"  non-2xx, GraphQL errors, socket errors and time-outs in all measured rounds: {failures}"


def machine_note(cores: int, rounds: list[Round]) -> str:
    note = (
        f"\nNote: this machine has {cores} cores, and wrk ({WRK_THREADS} threads), PostgreSQL and Redis run "
        f"on the same {cores} cores as the server (their CPU is in each round's line). A second worker "
        "only gets what the first worker and they leave, so the ratio is this machine's, not what two "
        "workers give on cores of their own."
    )
    load = statistics.median(r.load for r in rounds)
    if load > cores:
        note += (
            f" The load average (median {load:.1f}) was above the {cores} cores: other work on the machine "
            "took CPU from the server too, so the figures are low and noisy; run again on a quiet machine."
        )
    return "\n" + textwrap.fill(note.strip(), width=100)


def run(quick: bool, rounds: int, seconds: float) -> int:
    bindir = find_bindir()
    redis_binary = find_redis_server()
    missing = [
        hint for hint, found in (
            ("PostgreSQL (apt-get install -y postgresql)", bindir),
            ("redis-server (apt-get install -y redis-server)", redis_binary),
        ) if not found
    ]
    if missing or bindir is None or redis_binary is None:
        print(f"Not measured, missing: {'; '.join(missing)}.")
        return 1
    ensure_wrk()
    size = Size(debtors=2_000 if quick else 20_000, requests=0)
    warm_up = 1.0 if quick else 3.0
    folder = Path(tempfile.mkdtemp(prefix="gatehouse-scale-out-"))
    with ExitStack() as stack:
        cluster = PostgresCluster.start(bindir)
        stack.callback(cluster.stop)
        redis = RedisServer(redis_binary).start()
        stack.callback(redis.remove)
        took = asyncio.run(prepare_database(cluster.url, size))
        print(f"Seeded PostgreSQL with 2 shops, {size.debtors} debtors, {size.debtors * 2} contacts and shop "
              f"users in {took:.1f} s; rate limits counted in Redis ({COUNTED_NOT_REFUSED}, none refused).")
        assert redis.process is not None
        setup = Setup(
            environment={
                **os.environ,
                "GATEHOUSE_DATABASE_URL": cluster.url,
                "GATEHOUSE_RATE_LIMIT_STORAGE": redis.url,
                "GATEHOUSE_RATE_LIMITS": COUNTED_NOT_REFUSED,
                "GATEHOUSE_STAFF_MFA": "optional",
                "GATEHOUSE_SECRET_KEY": secret_key(),
                "GATEHOUSE_LOG_FORMAT": "text",  # `wait` reads uvicorn's start-up lines
            },
            postgres_pid=int((cluster.folder / "data" / "postmaster.pid").read_text().split()[0]),
            redis_pid=redis.process.pid,
            folder=folder,
            body=folder / "customer_view.json",
        )
        setup.body.write_text(json.dumps(CUSTOMER_VIEW))
        print(f"Customer read (viewer + debtor + orderPolicy), wrk -t{WRK_THREADS} -c{CONCURRENCY} "
              f"-d{seconds:g}s after {warm_up:g} s of warm-up, a fresh server and sign-in each run:")
        measured: list[Round] = []
        for number in range(1, rounds + 1):
            order = WORKER_COUNTS if number % 2 else tuple(reversed(WORKER_COUNTS))
            for workers in order:
                measured.append(measure(setup, number, workers, warm_up, seconds))
                print(measured[-1].line(), flush=True)
    for line in summary(measured):
        print(line)
    print(machine_note(os.cpu_count() or 0, measured))
    print(f"(server and wrk logs: {folder})")
    return 1 if any(r.wrk.failures for r in measured) else 0


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 debtors and rounds of 3 s (a smoke run)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of one run each (default 3)")
    parser.add_argument(
        "--seconds", type=float, default=None, help="length of each measured run (default 10, --quick 3)"
    )
    args = parser.parse_args(argv)
    seconds = args.seconds or (3.0 if args.quick else 10.0)
    sys.exit(run(args.quick, args.rounds, seconds))


if __name__ == "__main__":
    main()
