"""Webhook delivery on PostgreSQL: events delivered per second by one and by two instances, and
what a drain does to the public form's p99.

    python -m bench.webhooks [--quick]

Starts a PostgreSQL cluster of its own (tests/pg_cluster.py), a receiver that answers 200 at
once (tests/webhooks/receiver.py, in a process of its own so that it takes no CPU from the
load generator's event loop), and `gatehouse serve` instances on that database that may
deliver to loopback (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE=1) and look for due deliveries every
0.2 s. An owner makes one webhook for DEBTOR_CREATED through the API; the events are written
in bulk, one transaction, by resolvers/webhook_events.debtor_events, as an import writes them.

1. Delivery rate: N events (1,000; `--quick` 200) committed with one instance running, timed
   from their commit until the table holds none QUEUED, with the CPU the instance took per
   event; then again once a second instance runs beside it.
2. The form (bench.api.FORM) at c=4 on the first instance, idle, then while N events drain
   through both instances; the issue's target is a p99 within 1.5x of idle. Then the same on a
   third instance that delivers nothing, so that what the drain costs the machine (2 cores
   shared with PostgreSQL, the receiver and the load generator) shows apart from what it
   costs the process that delivers.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path
from typing import Self

import httpx
from tortoise.transactions import in_transaction

from bench.api import ADMIN_LOGIN, FORM, verdict
from bench.cores import all_cores, can_split, pin
from bench.load import Figures, hammer
from bench.peers.processes import process_cpu_seconds
from bench.seed import ADMIN_EMAIL, PASSWORD, Size, seed_accounts
from models import Debtor, WebhookDelivery, WebhookDeliveryStatus, WebhookEvent
from resolvers.webhook_events import debtor_events
from server.database import apply_migrations, database
from tests.live_server import LiveServer
from tests.pg_cluster import PostgresCluster, find_bindir
from tests.webhooks.receiver import Receiver

SERVER_ENVIRONMENT = {
    "GATEHOUSE_WEBHOOK_ALLOW_PRIVATE": "1",
    "GATEHOUSE_WEBHOOK_POLL_SECONDS": "0.2",
    "GATEHOUSE_RATE_LIMITS": "off",
}
CREATE_WEBHOOK = """mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) { webhook { id } secret userErrors { field code message } } }"""
CONCURRENCY = 4
# The form is sent in batches this large while a drain lasts, so little of it runs after.
DRAIN_BATCH = 100
# A drain taking longer than this has stuck (a delivery retried, say): nothing is measured.
DRAIN_DEADLINE_SECONDS = 300.0
TARGET_RATIO = 1.5


def serve_receiver(urls: Queue, stop: Event) -> None:
    """The receiver process: tells its URL, answers until `stop`, then tells how many requests
    and distinct webhook-ids it got."""
    receiver = Receiver().start()
    urls.put(receiver.url("/hook"))
    stop.wait()
    received = receiver.to("/hook")
    urls.put((len(received), len({request.headers["webhook-id"] for request in received})))
    receiver.stop()


class ReceiverProcess:
    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._answers: Queue = context.Queue()
        self._stop = context.Event()
        self._process = context.Process(target=serve_receiver, args=(self._answers, self._stop), daemon=True)
        self.url = ""

    def start(self) -> Self:
        self._process.start()
        self.url = self._answers.get(timeout=60)
        return self

    def stop(self) -> tuple[int, int]:
        """(requests received, distinct webhook-ids among them)."""
        self._stop.set()
        counts = self._answers.get(timeout=30)
        self._process.join(timeout=10)
        return counts

    def kill(self) -> None:
        if self._process.is_alive():
            self._process.kill()

    @property
    def pid(self) -> int | None:
        return self._process.pid


@dataclass(frozen=True)
class Drain:
    events: int
    seconds: float
    # CPU the delivering instances took over the drain, all together; None: not read.
    server_cpu_seconds: float | None = None

    @property
    def per_second(self) -> float:
        return self.events / self.seconds

    def line(self, label: str) -> str:
        cpu = "" if self.server_cpu_seconds is None else (
            f", server CPU {self.server_cpu_seconds * 1000 / self.events:.1f} ms per event"
        )
        return f"  {label:44} {self.per_second:8.0f} events/s   ({self.events} in {self.seconds:.2f} s{cpu})"


def cpu_seconds(servers: list[LiveServer]) -> float:
    return sum(process_cpu_seconds(server.process.pid) for server in servers if server.process is not None)


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def start_server(database_url: str, log: Path) -> LiveServer:
    return LiveServer(database_url, log, environment=SERVER_ENVIRONMENT).start()


def create_webhook(server: LiveServer, url: str) -> None:
    """The webhook, made as an owner makes one: signed in, through the API."""
    variables = {"email": ADMIN_EMAIL, "password": PASSWORD}
    signed_in = httpx.post(
        server.graphql_url, json={"query": ADMIN_LOGIN, "variables": variables}, timeout=30
    )
    token = signed_in.json()["data"]["adminLogin"]["token"]
    made = httpx.post(
        server.graphql_url,
        json={"query": CREATE_WEBHOOK, "variables": {"input": {"url": url, "events": ["DEBTOR_CREATED"]}}},
        headers={"Authorization": f"Bearer {token}"}, timeout=30,
    ).json()
    payload = (made.get("data") or {}).get("createWebhook")
    if not payload or payload["userErrors"]:
        raise RuntimeError(f"the bench webhook was not made: {made}")


async def queue_events(debtors: list[Debtor]) -> None:
    """One DEBTOR_CREATED event per debtor, committed together as an import commits them."""
    async with in_transaction():
        await debtor_events(None, WebhookEvent.DEBTOR_CREATED, debtors, now=datetime.now(UTC))


async def drained() -> bool:
    """Whether no delivery waits; raises when one failed (a drain with retries measures nothing)."""
    failed = await WebhookDelivery.filter(last_error__isnull=False).first()
    if failed is not None:
        raise RuntimeError(f"a bench delivery failed: {failed.last_error}")
    return not await WebhookDelivery.filter(status=WebhookDeliveryStatus.QUEUED).exists()


async def drain(debtors: list[Debtor], delivering: list[LiveServer]) -> Drain:
    await queue_events(debtors)
    started, cpu_before = time.perf_counter(), cpu_seconds(delivering)
    while not await drained():
        if time.perf_counter() - started > DRAIN_DEADLINE_SECONDS:
            raise RuntimeError(f"the deliveries did not drain within {DRAIN_DEADLINE_SECONDS:g} s")
        await asyncio.sleep(0.02)
    return Drain(len(debtors), time.perf_counter() - started, cpu_seconds(delivering) - cpu_before)


def combined(parts: list[Figures]) -> Figures:
    return Figures(
        sum(part.requests for part in parts),
        sum(part.seconds for part in parts),
        [latency for part in parts for latency in part.latencies_ms],
    )


async def form_batch(url: str) -> Figures:
    return await hammer(url, FORM, requests=DRAIN_BATCH, concurrency=CONCURRENCY)


async def form_idle(url: str, requests: int) -> Figures:
    """The form in the same batches as while draining: each batch opens its connections anew,
    idle as busy, so that the two p99s differ by the drain only."""
    return combined([await form_batch(url) for _ in range(requests // DRAIN_BATCH)])


async def form_while_draining(url: str, debtors: list[Debtor]) -> tuple[Figures, Drain]:
    """The form, batch after batch, from the events' commit until none waits."""
    await queue_events(debtors)
    started = time.perf_counter()
    batches = []
    while True:
        batches.append(await form_batch(url))
        if await drained():
            break
        if time.perf_counter() - started > DRAIN_DEADLINE_SECONDS:
            raise RuntimeError(f"the deliveries did not drain within {DRAIN_DEADLINE_SECONDS:g} s")
    return combined(batches), Drain(len(debtors), time.perf_counter() - started)


@dataclass(frozen=True)
class FormUnderDrain:
    idle: Figures
    busy: Figures
    drain: Drain

    @property
    def ratio(self) -> float:
        return self.busy.p99 / self.idle.p99


async def form_under_drain(
    server: LiveServer, debtors: list[Debtor], requests: int, what: str
) -> FormUnderDrain:
    await form_batch(server.graphql_url)  # warm-up
    idle = await form_idle(server.graphql_url, requests)
    print(idle.line(f"{what}, idle"))
    busy, drain = await form_while_draining(server.graphql_url, debtors)
    print(busy.line(f"{what}, draining {len(debtors)} events"))
    print(drain.line("  the drain meanwhile"))
    return FormUnderDrain(idle, busy, drain)


@contextlib.contextmanager
def hosts_apart(measured: LiveServer, elsewhere: list[int | None]) -> Iterator[None]:
    """As if on hosts of their own: the instance measured and the load generator (this process,
    alone in the idle measure too) on the first core; PostgreSQL, the receiver and the other
    instances (the processes `elsewhere`) on the others. Then every process on every core again."""
    everything = all_cores()
    first, *others = sorted(everything)
    rest = [pid for pid in elsewhere if pid is not None]
    for pid in rest:
        pin(pid, others)
    pin(os.getpid(), [first], descendants=False)
    if measured.process is not None:
        pin(measured.process.pid, [first])
    try:
        yield
    finally:
        for pid in [os.getpid(), *rest]:
            pin(pid, everything)


async def delivery_rates(
    database_url: str, first: LiveServer, folder: Path, stack: ExitStack, debtors: list[Debtor]
) -> LiveServer:
    """Prints the rates with `first` alone, then with a second instance (left running, returned)."""
    print(f"\nDelivery rate, {len(debtors)} events committed at once, to a receiver answering 200 at once:")
    one = await drain(debtors, [first])
    print(one.line("one instance"))
    second = start_server(database_url, folder / "second.log")
    stack.callback(second.stop)
    two = await drain(debtors, [first, second])
    print(two.line("two instances"))
    return second


async def measure(cluster: PostgresCluster, folder: Path, stack: ExitStack, quick: bool) -> None:
    events = 200 if quick else 1000
    form_requests = 400 if quick else 2000
    receiver = ReceiverProcess()
    stack.callback(receiver.kill)
    receiver.start()
    await apply_migrations(cluster.url)
    async with database(cluster.url, global_fallback=True):
        await seed_accounts(Size(debtors=events, contacts_per_debtor=0, requests=0))
        debtors = await Debtor.all().order_by("id")
        first = start_server(cluster.url, folder / "first.log")
        stack.callback(first.stop)
        create_webhook(first, receiver.url)
        second = await delivery_rates(cluster.url, first, folder, stack, debtors)
        # An instance that delivers nothing: its round at start finds nothing due, the next is
        # an hour away. What is left of the drain's cost there is the machine's, not the process's.
        apart = LiveServer(
            cluster.url, folder / "third.log",
            environment={**SERVER_ENVIRONMENT, "GATEHOUSE_WEBHOOK_POLL_SECONDS": "3600"},
        ).start()
        stack.callback(apart.stop)

        print(f"\nregistrationForm at c={CONCURRENCY}, in batches of {DRAIN_BATCH} (two instances deliver), "
              "every process on every core:")
        shared = [
            await form_under_drain(first, debtors, form_requests, "first instance (delivering)"),
            await form_under_drain(apart, debtors, form_requests, "third (not delivering)"),
        ]
        split: list[FormUnderDrain] = []
        if can_split():
            print("\nThe same, the instance measured and the load generator on one core; PostgreSQL, the "
                  "receiver and the other instances on the other(s), as on hosts of their own:")
            servers = {"first": first, "second": second, "third": apart}
            measured = (("first", "first instance (delivering)"), ("third", "third (not delivering)"))
            for name, label in measured:
                elsewhere = [cluster.postmaster_pid, receiver.pid] + [
                    server.process.pid for other, server in servers.items()
                    if other != name and server.process is not None
                ]
                with hosts_apart(servers[name], elsewhere):
                    split.append(await form_under_drain(servers[name], debtors, form_requests, label))
    received, distinct = receiver.stop()
    queued = (2 + len(shared) + len(split)) * events  # the rates' two drains, then one a measure
    print(f"\nThe receiver got {received} requests with {distinct} distinct webhook-ids "
          f"({queued} events queued).")
    report_targets(events, shared, split, received=received, distinct=distinct, queued=queued)


def report_targets(
    events: int, shared: list[FormUnderDrain], split: list[FormUnderDrain], *,
    received: int, distinct: int, queued: int,
) -> None:
    print("\nTargets:")
    label = f"form p99 while {events} events drain within {TARGET_RATIO}x of idle:"
    print(f"  {label}")
    kinds = ("a delivering instance", "an instance delivering nothing")
    for layout, measures in (("every process on every core", shared), ("hosts apart", split)):
        for what, measured in zip(kinds, measures, strict=False):
            line = f"{what}, {layout}:"
            print(f"    {line:64} {measured.ratio:.2f}x  {verdict(measured.ratio <= TARGET_RATIO)}")
    label = "each event delivered once:"
    print(f"  {label:66} {distinct}/{received}  {verdict(received == distinct == queued)}")


async def run(quick: bool) -> None:
    bindir = find_bindir()
    if bindir is None:
        print("Webhook delivery not measured: PostgreSQL binaries (initdb, pg_ctl) not found "
              "(apt-get install -y postgresql).")
        return
    poll = SERVER_ENVIRONMENT["GATEHOUSE_WEBHOOK_POLL_SECONDS"]
    print(f"Webhook delivery on PostgreSQL, {os.cpu_count()} cores, instances polling every {poll} s; "
          f"load average at start {load_average()}")
    folder = Path(tempfile.mkdtemp(prefix="gatehouse-bench-webhooks-"))
    with ExitStack() as stack:
        cluster = PostgresCluster.start(bindir)
        stack.callback(cluster.stop)
        await measure(cluster, folder, stack, quick)
    print(f"Load average at end {load_average()} (server logs: {folder})")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 events instead of 1,000 (a smoke run)")
    args = parser.parse_args(argv)
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()
