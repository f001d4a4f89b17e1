"""Does `requestPasswordReset` take as long for an email with an account as for one without?

    python -m bench.reset_timing [--rounds 200] [--quick]

In-process: the ASGI app through httpx.ASGITransport, on a SQLite file and on a
throwaway PostgreSQL cluster (when its binaries are installed, as for the
tests). After a warm-up, the calls for a known and for an unknown email are
interleaved in a shuffled order, and the median and p90 of each are printed
with their ratio, once with the rate limits counting every call (set far too
high to refuse any) and once with them off (`GATEHOUSE_RATE_LIMITS=off`). The
SQL statements of one call of each kind are printed too. The delivery loop does
not run meanwhile (the app is served without its background work), so what is
timed is the request alone.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import httpx

from bench.engines import on_each_engine, served
from bench.seed import Size, seed_accounts
from server.database import apply_migrations, database
from server.settings import Settings
from tests.query_counter import count_queries

REQUEST_RESET = """mutation($shop: String!, $email: String!) {
  requestPasswordReset(input: {shop: $shop, email: $email}) { requested userErrors { code } } }"""
# The first seeded contact has a user of the flora shop, with a password (see bench/seed.py).
KNOWN = "jan0.0@kwekerij.test"
# As long as KNOWN, so that no step differs by the length of what it handles.
UNKNOWN = "nob0.0@kwekerij.test"
# Counted like the defaults, but never reached: every timed call does the limiter's work.
COUNTING_LIMITS = "requestPasswordReset=1000000/hour"


@dataclass(frozen=True)
class Timings:
    known: list[float]
    unknown: list[float]

    @staticmethod
    def p90(samples: list[float]) -> float:
        return statistics.quantiles(samples, n=10)[-1]

    def line(self, label: str) -> str:
        known, unknown = statistics.median(self.known), statistics.median(self.unknown)
        return (
            f"  {label:34} known {known:6.2f} ms (p90 {self.p90(self.known):6.2f})"
            f"   unknown {unknown:6.2f} ms (p90 {self.p90(self.unknown):6.2f})"
            f"   known/unknown {known / unknown:5.2f}"
        )


async def ask(http: httpx.AsyncClient, email: str) -> float:
    """One requestPasswordReset for `email`; its wall time in milliseconds."""
    body = {"query": REQUEST_RESET, "variables": {"shop": "flora", "email": email}}
    started = time.perf_counter()
    response = await http.post("/graphql", json=body)
    elapsed = (time.perf_counter() - started) * 1000
    answer = response.json()["data"]["requestPasswordReset"]
    if answer != {"requested": True, "userErrors": []}:
        raise RuntimeError(f"requestPasswordReset refused the bench: {answer}")
    return elapsed


async def timed(settings: Settings, rounds: int, warm_up: int) -> Timings:
    order = [KNOWN, UNKNOWN] * rounds
    random.Random(20261123).shuffle(order)
    samples: dict[str, list[float]] = {KNOWN: [], UNKNOWN: []}
    async with served(settings) as http:
        for _ in range(warm_up):
            await ask(http, KNOWN)
            await ask(http, UNKNOWN)
        for email in order:
            samples[email].append(await ask(http, email))
    return Timings(samples[KNOWN], samples[UNKNOWN])


async def statements_of(settings: Settings, email: str) -> list[str]:
    async with served(settings) as http:
        await ask(http, email)
        with count_queries() as statements:
            await ask(http, email)
    return [statement.split(None, 1)[0].upper() for statement in statements]


async def bench_engine(label: str, url: str, rounds: int, warm_up: int) -> None:
    await apply_migrations(url)
    settings = replace(Settings(), database_url=url)
    async with database(url, global_fallback=True):
        await seed_accounts(Size(debtors=1000, requests=0))
        print(f"\n{label} ({url}), {rounds} calls of each, interleaved, after {warm_up} of each:")
        for limits_label, spec in [("rate limits counting", COUNTING_LIMITS), ("rate limits off", "off")]:
            timings = await timed(replace(settings, rate_limits=spec), rounds, warm_up)
            print(timings.line(limits_label))
        known = await statements_of(settings, KNOWN)
        unknown = await statements_of(settings, UNKNOWN)
        print(f"  SQL statements of one call: known {len(known)} {' '.join(known)}")
        print(f"  {'':28}unknown {len(unknown)} {' '.join(unknown)}")


def run(rounds: int, warm_up: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="gatehouse-reset-bench-"))
    print("requestPasswordReset, a known email (a user with a password) against an unknown one")
    on_each_engine(folder, lambda engine, url: bench_engine(engine, url, rounds, warm_up))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200, help="timed calls of each email (default 200)")
    parser.add_argument("--quick", action="store_true", help="100 calls of each, a short warm-up")
    args = parser.parse_args(argv)
    rounds, warm_up = (100, 10) if args.quick else (max(args.rounds, 100), 30)
    run(rounds, warm_up)


if __name__ == "__main__":
    main()
