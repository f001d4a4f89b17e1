"""What a signed-in read costs in-process, with each of the read path's measures taken away in turn.

    python -m bench.read_costs [--rounds 5] [--quick]

One seeded SQLite database (2,000 debtors, 4,000 contacts and users, 1,000 requests with three
answers each), one application in this process, driven through its ASGI interface without a
network or a client in between, so what is measured is the server's own CPU per request. Two
reads: the customer read of `make bench` (viewer, debtor, orderPolicy) and the staff review
page (100 requests with answers, debtor, shop user and matching debtors). Each is run in
these variants, in turn within every round:

    all          the build as it is
    -compiled    loaders build their SQL through Tortoise on every batch (resolvers/compiled_reads.py off)
    -vat cache   every VAT answer's checksum worked out again on every page

Each line prints the median CPU per request over the rounds, its spread, and its ratio to
`all`. The other measures of the read path (validation keyed by the document's text, answers'
labels worked out only when asked for) cannot be switched off at run time; docs/benchmarks.md
gives the figures measured before and after them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

from bench.api import ADMIN_LOGIN, CUSTOMER_USERNAME, CUSTOMER_VIEW, STAFF_PAGE
from bench.seed import ADMIN_EMAIL, PASSWORD, Size, seed_accounts, seed_requests
from bench.storm import LOGIN
from server.app import create_app
from server.database import apply_migrations, database
from server.settings import Settings


async def answer(app: Any, body: dict, token: str | None = None) -> dict:
    """`body` posted to /graphql through the application's ASGI interface."""
    raw = json.dumps(body).encode()
    headers = [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
               (b"content-length", str(len(raw)).encode())]
    if token:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
        "scheme": "http", "path": "/graphql", "raw_path": b"/graphql", "query_string": b"",
        "headers": headers, "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 8000),
        "root_path": "",
    }
    sent = asyncio.Event()
    chunks: list[bytes] = []

    async def receive() -> dict:
        if not sent.is_set():
            sent.set()
            return {"type": "http.request", "body": raw, "more_body": False}
        await asyncio.Event().wait()  # the client never goes away
        raise AssertionError

    async def send(message: dict) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return json.loads(b"".join(chunks))


@contextmanager
def replaced(module: ModuleType, name: str, stand_in: Any) -> Iterator[None]:
    """`module.name` is `stand_in` meanwhile."""
    namespace = vars(module)
    kept = namespace[name]
    namespace[name] = stand_in
    try:
        yield
    finally:
        namespace[name] = kept


def without_compiled_reads() -> AbstractContextManager[None]:
    import resolvers.loaders as loaders

    async def through_tortoise(model: Any, column: str, keys: Any, *, related: tuple = ()) -> list:
        return await model.filter(**{f"{column}__in": list(keys)}).select_related(*related)

    return replaced(loaders, "rows_where_in", through_tortoise)


def without_vat_cache() -> AbstractContextManager[None]:
    import resolvers.matching as matching

    return replaced(matching, "compact_vat_number", vars(matching)["compact_vat_number"].__wrapped__)


@contextmanager
def as_built() -> Iterator[None]:
    yield


VARIANTS: dict[str, Callable[[], AbstractContextManager[None]]] = {
    "all": as_built,
    "-compiled": without_compiled_reads,
    "-vat cache": without_vat_cache,
}


async def cpu_per_request(app: Any, body: dict, token: str, requests: int) -> float:
    """Milliseconds of this process's CPU per request, over `requests` one after another."""
    for _ in range(max(5, requests // 10)):
        await answer(app, body, token)
    started = time.process_time()
    for _ in range(requests):
        await answer(app, body, token)
    return (time.process_time() - started) / requests * 1000


async def run(rounds: int, quick: bool) -> None:
    folder = Path(tempfile.mkdtemp(prefix="gatehouse-read-costs-"))
    url = f"sqlite://{folder / 'bench.sqlite3'}"
    await apply_migrations(url)
    async with database(url, global_fallback=True):
        await seed_accounts(Size(debtors=2000, requests=0))
        await seed_requests(1000)
    settings = replace(Settings(), database_url=url, rate_limits="off", staff_mfa="optional")
    app = create_app(settings)
    reads = {"customer read": (CUSTOMER_VIEW, 100 if quick else 1000),
             "staff review page": (STAFF_PAGE, 5 if quick else 40)}
    async with app.router.lifespan_context(app):
        customer = await answer(app, {"query": LOGIN, "variables": {
            "username": CUSTOMER_USERNAME, "password": PASSWORD}})
        staff = await answer(app, {"query": ADMIN_LOGIN, "variables": {
            "email": ADMIN_EMAIL, "password": PASSWORD}})
        tokens = {"customer read": customer["data"]["login"]["token"],
                  "staff review page": staff["data"]["adminLogin"]["token"]}
        for name, (body, _) in reads.items():
            checked = await answer(app, body, tokens[name])
            assert "errors" not in checked, checked
        figures: dict[tuple[str, str], list[float]] = {}
        for _ in range(rounds):
            for name, (body, requests) in reads.items():
                for variant, switched in VARIANTS.items():
                    with switched():
                        figures.setdefault((name, variant), []).append(
                            await cpu_per_request(app, body, tokens[name], requests))
    print(f"In-process CPU per request, median of {rounds} rounds (spread), against `all`:")
    for name in reads:
        base = statistics.median(figures[(name, "all")])
        for variant in VARIANTS:
            values = figures[(name, variant)]
            median = statistics.median(values)
            print(f"  {name:18} {variant:11} {median:7.3f} ms  ({min(values):.3f}-{max(values):.3f})"
                  f"  x{median / base:.2f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="one round of few requests")
    options = parser.parse_args(argv)
    asyncio.run(run(1 if options.quick else options.rounds, options.quick))


if __name__ == "__main__":
    main()
