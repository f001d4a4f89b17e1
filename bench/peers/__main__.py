"""`python -m bench.peers [--quick] [--only WORKLOAD]` (`make bench-peers`): Gatehouse against
Vendure 3.7, side by side; see bench/peers/__init__.py and docs/benchmarks.md."""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from contextlib import ExitStack
from pathlib import Path

from bench.peers import gatehouse_side, vendure_side
from bench.peers.gatehouse_side import GatehouseSide
from bench.peers.processes import resident_kib
from bench.peers.report import round_line, table, targets
from bench.peers.rounds import Plan, Round, Rounds, check
from bench.peers.smtp_sink import SmtpSink
from bench.peers.vendure_side import VendureSide
from bench.peers.work import LOGS, RUN, copy_database, seeded
from bench.peers.workloads import BY_KEY, WORKLOADS, Side
from bench.peers.wrk import ensure_wrk
from bench.seed import Size

FULL = Plan(rounds=3, seconds=10, warm_up=3)
QUICK = Plan(rounds=1, seconds=3, warm_up=1)


def show(measured: Round) -> None:
    print(round_line(measured), flush=True)


def load_average() -> str:
    return " ".join(f"{figure:.2f}" for figure in os.getloadavg())


def prepare(quick: bool) -> tuple[Path, Path]:
    """wrk and Vendure installed, both databases seeded (or reused); the seeded files."""
    ensure_wrk()
    started = time.perf_counter()
    installed = vendure_side.install()
    scale = 10 if quick else 1
    size = Size(debtors=20_000 // scale, requests=20_000 // scale)
    customers = 20_000 // scale

    def seed_gatehouse(path: Path) -> None:
        print("Seeding Gatehouse (bench/seed.py) …", flush=True)
        gatehouse_side.seed(path, size)

    def seed_vendure(path: Path) -> None:
        print("Seeding Vendure (bench/peers/vendure/seed.js) …", flush=True)
        vendure_side.seed(path, customers)

    gatehouse_db, seeded_gatehouse = seeded(
        f"gatehouse-{customers}", gatehouse_side.seed_key(size), ".sqlite3", seed_gatehouse
    )
    vendure_db, seeded_vendure = seeded(
        f"vendure-{customers}", vendure_side.seed_key(customers), ".sqlite", seed_vendure
    )
    print(f"Gatehouse: 2 shops, {size.debtors:,} debtors, {size.debtors * 2:,} contacts and shop users, "
          f"{size.requests:,} registration requests ({'seeded now' if seeded_gatehouse else 'reused'}: "
          f"{gatehouse_db.name}).")
    print(f"Vendure: {customers:,} customers, each with an address and a verified user with a bcrypt "
          f"password ({'seeded now' if seeded_vendure else 'reused'}: {vendure_db.name}).")
    if installed or seeded_gatehouse or seeded_vendure:
        print(f"Install and seed took {time.perf_counter() - started:.1f} s.")
    return gatehouse_db, vendure_db


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one round of 3 s, a tenth of the rows")
    parser.add_argument(
        "--only", choices=sorted(BY_KEY), help="one workload (resident memory is always read)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    plan = QUICK if args.quick else FULL
    gatehouse_seeded, vendure_seeded = prepare(args.quick)
    workloads = [BY_KEY[args.only]] if args.only else list(WORKLOADS)
    versions = vendure_side.versions()
    wrk_says = subprocess.run(["wrk", "-v"], capture_output=True, text=True, check=False).stdout
    wrk_version = wrk_says.split("[")[0]
    print("Vendure " + ", ".join(f"{name} {version}" for name, version in versions.items())
          + f"; {wrk_version.strip()}.")

    RUN.mkdir(parents=True, exist_ok=True)
    LOGS.mkdir(parents=True, exist_ok=True)
    rounds: list[Round] = []
    with ExitStack() as stack:
        sink = SmtpSink().start()
        stack.callback(sink.stop)
        # Copies, so that every run starts from the seeded state (registrations and sign-ins write).
        gatehouse = GatehouseSide(
            copy_database(gatehouse_seeded, RUN / "gatehouse.sqlite3"),
            LOGS / "gatehouse-serve.log", sink,
        )
        gatehouse.start()
        stack.callback(gatehouse.stop)
        vendure = VendureSide(
            copy_database(vendure_seeded, RUN / "vendure.sqlite"),
            LOGS / "vendure-server.log",
        )
        vendure.start()
        stack.callback(vendure.stop)
        sides: list[Side] = [gatehouse, vendure]
        for workload in workloads:
            for side in sides:
                check(side, workload)
        print(f"Each query answered data without errors on both sides. Load average {load_average()}.")
        print(f"\nRounds of {plan.seconds:g} s ({plan.rounds} per side, after a {plan.warm_up:g} s warm-up "
              f"of each), wrk -t2 (-t1 at c=1), load average before each:", flush=True)
        runner = Rounds(plan, RUN, show)
        for workload in workloads:
            for concurrency in workload.concurrencies:
                rounds.extend(runner.measure(sides, workload, concurrency))
        resident = {side.name: resident_kib(side.pid) for side in sides}
        mail = (f"Gatehouse mail: {sink.received} arrived at the SMTP server for {gatehouse.registrations} "
                f"registrations answered ({gatehouse.mails_expected()} at 2 each; those still in flight "
                "when a wrk run stopped were served, and mailed, but not counted).")

    print("\n" + table(rounds))
    print(f"\n{mail}" if any(r.workload == "registration" for r in rounds) else "")
    print("Resident memory after the runs (VmRSS, process and children): "
          + ", ".join(f"{name} {kib / 1024:.0f} MiB" for name, kib in resident.items()))
    print("\nTargets:")
    for line in targets(rounds, resident):
        print(line)
    took = time.perf_counter() - started
    print(f"\nLoad average at the end {load_average()}; the whole run took {took:.0f} s.")


if __name__ == "__main__":
    main()
