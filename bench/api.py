"""Gatehouse under load through a real uvicorn, against a large seeded SQLite database.

    python -m bench.api [--quick]

Prints requests per second and p50/p99 latency for the three hot queries and for
registration submissions (each queueing its two mails), the
SQL statements each costs, the staff page at 1,000 and 20,000 requests, a bare
Strawberry app answering the same form from memory, the form with the `request`
limit counted in memory and in a redis-server of the bench's own, and sign-ins
under load.
`--quick` seeds a tenth of the rows and sends fewer requests (a smoke run).
"""

from __future__ import annotations

import argparse
import asyncio
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import replace
from pathlib import Path

import httpx

from bench.load import Figures, hammer
from bench.seed import ADMIN_EMAIL, PASSWORD, SCOPED_EMAIL, Size, seed_accounts, seed_requests
from bench.storm import LOGIN
from models import Session
from server.app import create_app
from server.database import apply_migrations, database
from server.settings import Settings
from tests.conftest import TEST_SECRET_KEY
from tests.live_server import LiveServer
from tests.pg_cluster import free_port
from tests.query_counter import count_queries
from tests.redis_server import RedisServer, find_redis_server

FORM = {
    "query": '{ registrationForm(shop: "flora") { shop open approvalMode languages '
    "fields { id key label position } } }"
}
CUSTOMER_VIEW = {
    "query": '{ viewer { ... on ShopUser { username debtor { name number } orderPolicy(amount: "120.00") '
    "{ route minimumOrderAmount checkoutPaymentLimit } } } }"
}
STAFF_PAGE = {"query": """{ registrationRequests(shop: "flora", first: 100) { edges { node {
  name email company answers { key label value } debtor { number } shopUser { contact { firstName } }
  matchingDebtors { number name } } } pageInfo { hasNextPage endCursor } } }"""}
ADMIN_LOGIN = """mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) { token userErrors { code } } }"""
SUBMIT = """mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) { registrationRequest { id } userErrors { code field message } } }"""
FORM_TOKEN = {"query": '{ registrationForm(shop: "flora") { formToken } }'}
# Far above what the bench sends: every request to /graphql is counted, none refused; in
# Redis in batches of 10, as the built-in 600 a minute goes (auth/rate_limits.py RequestCounter).
COUNTED_NOT_REFUSED = "request=100000000/minute"
# The first seeded contact's user, of the flora shop (see bench/seed.py).
CUSTOMER_USERNAME = "jan0.0@kwekerij.test"


async def sign_in(url: str, query: str, variables: dict) -> str:
    async with httpx.AsyncClient(timeout=30) as http:
        payload = (await http.post(url, json={"query": query, "variables": variables})).json()
    result = next(iter(payload["data"].values()))
    if result["userErrors"]:
        raise RuntimeError(f"bench sign-in failed: {result['userErrors']}")
    return result["token"]


def submission(form_token: str | None) -> Callable[[int], dict]:
    """The flora form filled in by applicant `number` (each a new email: one open request each)."""

    def body(number: int) -> dict:
        answers = [
            {"key": "chamber_of_commerce", "value": f"{number:08d}"},
            {"key": "vat_number", "value": "NL004495445B01"},
            {"key": "business_type", "value": "Florist"},
        ]
        given: dict[str, object] = {
            "shop": "flora", "name": f"Applicant {number}", "email": f"applicant{number}@bench.test",
            "company": f"Bloemen {number}", "answers": answers,
        }
        if form_token is not None:
            given["formToken"] = form_token
        return {"query": SUBMIT, "variables": {"input": given}}

    return body


async def form_token(url: str) -> str | None:
    """A formToken for flora, old enough to be accepted (None where the server has none)."""
    async with httpx.AsyncClient(timeout=30) as http:
        payload = (await http.post(url, json=FORM_TOKEN)).json()
    if "errors" in payload:  # a server from before the typed forms: nothing to send
        return None
    await asyncio.sleep(2.1)  # a token is refused in its first 2 seconds
    return str(payload["data"]["registrationForm"]["formToken"])


async def statements_per_request(
    settings: Settings, body: dict | Callable[[int], dict], token: str | None
) -> int:
    """SQL statements of one request, counted in-process through the same ASGI app; a callable
    `body` gives the warming request and the counted one bodies of their own."""
    bodies = [body(-1), body(-2)] if callable(body) else [body, body]
    app = create_app(settings, manage_database=False)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as http:
            await http.post("/graphql", json=bodies[0], headers=headers)  # warm caches
            with count_queries() as statements:
                await http.post("/graphql", json=bodies[1], headers=headers)
    return len(statements)


def start_bare_app(log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    process = subprocess.Popen(
        # uvicorn as `gatehouse serve` runs it (one worker, uvloop and httptools, log level info,
        # no access log), so the two differ in the application alone.
        [sys.executable, "-m", "uvicorn", "bench.bare_app:app", "--port", str(port), "--log-level", "info",
         "--loop", "uvloop", "--http", "httptools", "--no-access-log"],
        stdout=log.open("ab"), stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/graphql"
    for _ in range(200):
        try:
            httpx.post(url, json=FORM, timeout=1)
            return process, url
        except httpx.TransportError:
            time.sleep(0.05)
    raise RuntimeError("the bare Strawberry app did not start")


async def form_with_request_limit(database_url: str, log: Path, storage: str, many: int) -> Figures:
    """The form through a server that counts every request against the `request` limit in
    `storage` (a limit so high that none is refused), then stopped."""
    environment = {"GATEHOUSE_RATE_LIMITS": COUNTED_NOT_REFUSED, "GATEHOUSE_RATE_LIMIT_STORAGE": storage}
    server = LiveServer(database_url, log, environment=environment).start()
    try:
        await hammer(server.graphql_url, FORM, requests=200, concurrency=16)
        return await hammer(server.graphql_url, FORM, requests=many, concurrency=16)
    finally:
        server.stop()


async def forms_with_request_limit(
    database_url: str, folder: Path, stack: AsyncExitStack, many: int
) -> dict[str, Figures]:
    """The form with the request limit counted in memory, and in a redis-server of its own."""
    memory = await form_with_request_limit(database_url, folder / "memory.log", "memory://", many)
    figures = {"memory": memory}
    binary = find_redis_server()
    if binary is None:
        print("  (redis-server not found: the request limit on Redis is not measured)")
        return figures
    redis = RedisServer(binary).start()
    stack.callback(redis.remove)
    figures["Redis"] = await form_with_request_limit(database_url, folder / "redis.log", redis.url, many)
    return figures


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


async def run(quick: bool) -> None:
    scale = 10 if quick else 1
    size = Size(debtors=20_000 // scale, requests=20_000 // scale)
    many = 3000 // scale
    pages = 400 // scale
    folder = Path(tempfile.mkdtemp(prefix="gatehouse-bench-"))
    url = f"sqlite://{folder / 'bench.sqlite3'}"
    # The seeded staff have no phone: MFA optional, as `make run` serves.
    settings = replace(
        Settings(), database_url=url, rate_limits="off", staff_mfa="optional", secret_key=TEST_SECRET_KEY
    )
    await apply_migrations(url)
    async with AsyncExitStack() as stack:
        await stack.enter_async_context(database(url, global_fallback=True))
        started = time.perf_counter()
        await seed_accounts(size)
        await seed_requests(1000 // scale)
        print(f"Seeded 2 shops, {size.debtors} debtors, {size.debtors * 2} contacts and shop users, "
              f"{1000 // scale} requests in {time.perf_counter() - started:.1f} s ({url}).")

        server = LiveServer(url, folder / "serve.log", environment={"GATEHOUSE_RATE_LIMITS": "off"}).start()
        stack.callback(server.stop)
        graphql = server.graphql_url
        staff_token = await sign_in(graphql, ADMIN_LOGIN, {"email": ADMIN_EMAIL, "password": PASSWORD})
        staff = {"Authorization": f"Bearer {staff_token}"}
        scoped_token = await sign_in(
            graphql, ADMIN_LOGIN, {"email": SCOPED_EMAIL, "password": PASSWORD}
        )
        scoped_staff = {"Authorization": f"Bearer {scoped_token}"}
        customer_token = await sign_in(graphql, LOGIN, {"username": CUSTOMER_USERNAME, "password": PASSWORD})
        customer = {"Authorization": f"Bearer {customer_token}"}

        print("\nThrough uvicorn (one worker), concurrency 16 unless said:")
        await hammer(graphql, FORM, requests=200, concurrency=16)
        form = await hammer(graphql, FORM, requests=many, concurrency=16)
        print(form.line("registrationForm (anonymous)"))
        view = await hammer(graphql, CUSTOMER_VIEW, requests=many, concurrency=16, headers=customer)
        print(view.line("viewer + debtor + orderPolicy (customer)"))
        # A page's latency is what one member of staff waits for it: one request at a time.
        page_small = await hammer(graphql, STAFF_PAGE, requests=pages, concurrency=1, headers=staff)
        print(page_small.line(f"registrationRequests(first: 100), {1000 // scale} rows, c=1"))
        await seed_requests(19_000 // scale, first_number=1000 // scale)
        page_large = await hammer(graphql, STAFF_PAGE, requests=pages, concurrency=1, headers=staff)
        print(page_large.line(f"registrationRequests(first: 100), {20_000 // scale} rows, c=1"))
        scoped = await hammer(graphql, STAFF_PAGE, requests=pages, concurrency=1, headers=scoped_staff)
        print(scoped.line(f"the same, a manager of one shop, {20_000 // scale} rows, c=1"))
        busy = await hammer(graphql, STAFF_PAGE, requests=pages, concurrency=4, headers=staff)
        print(busy.line(f"registrationRequests(first: 100), {20_000 // scale} rows, c=4"))
        token = await form_token(graphql)
        submitted = await hammer(graphql, submission(token), requests=many // 3, concurrency=16)
        print(submitted.line("submitRegistration (anonymous, 2 mails queued)"))

        bare_process, bare_url = start_bare_app(folder / "bare.log")
        stack.callback(bare_process.terminate)
        await hammer(bare_url, FORM, requests=200, concurrency=16)
        bare = await hammer(bare_url, FORM, requests=many, concurrency=16)
        print(bare.line("bare Strawberry registrationForm (memory)"))
        limited = await forms_with_request_limit(url, folder, stack, many)
        for storage, figures in limited.items():
            print(f"{figures.line(f'registrationForm, request limit on, {storage}')}   "
                  f"{figures.per_second / bare.per_second:.0%} of bare")

        logins = {"query": LOGIN, "variables": {"username": CUSTOMER_USERNAME, "password": PASSWORD}}
        storm = await hammer(graphql, logins, requests=200 // scale, concurrency=50)
        print(storm.line("login (argon2id, 50 at once)"))
        idle = await hammer(graphql, FORM, requests=many * 2 // 3, concurrency=4)
        # Popen only starts the storm and returns; nothing here waits on it.
        storm_process = subprocess.Popen(  # noqa: ASYNC220
            [sys.executable, "-m", "bench.storm", graphql, CUSTOMER_USERNAME, PASSWORD],
            stdout=subprocess.DEVNULL, stderr=(folder / "storm.log").open("ab"),
        )
        stack.callback(storm_process.kill)
        await asyncio.sleep(1.0)  # the 50 sign-ins are in flight
        sessions_before = await Session.all().count()
        stormy = await hammer(graphql, FORM, requests=many * 2 // 3, concurrency=4)
        signed_in = await Session.all().count() - sessions_before
        if storm_process.poll() is not None:
            raise RuntimeError(f"the sign-in storm stopped early; see {folder / 'storm.log'}")
        storm_process.kill()
        print(idle.line("registrationForm idle, c=4"))
        print(stormy.line("registrationForm during 50 sign-ins at once, c=4"))
        rate = f"{signed_in / stormy.seconds:8.0f} /s"
        print(f"  {'sign-ins completed meanwhile':44} {rate}      ({signed_in} in {stormy.seconds:.1f} s)")

        print("\nSQL statements per request (counted in-process):")
        statements: list[tuple[str, dict | Callable[[int], dict], str | None]] = [
            ("registrationForm", FORM, None),
            ("viewer + debtor + orderPolicy", CUSTOMER_VIEW, customer_token),
            ("submitRegistration", submission(token), None),
        ]
        for first in (10, 100):
            body = {"query": STAFF_PAGE["query"].replace("first: 100", f"first: {first}")}
            statements.append((f"registrationRequests(first: {first:3})", body, staff_token))
            statements.append(("  the same, a manager of one shop", body, scoped_token))
        for label, request_body, bearer in statements:
            print(f"  {label:44} {await statements_per_request(settings, request_body, bearer)}")

        print("\nTargets (single worker):")
        ratio = form.per_second / bare.per_second
        growth = page_large.p50 / page_small.p50
        stall = stormy.p99 / idle.p99
        targets = [
            ("registrationForm at least 70 % of bare Strawberry", f"{ratio:.0%}", ratio >= 0.7),
            ("staff page of 100 under 60 ms p50", f"{page_large.p50:.1f} ms", page_large.p50 < 60),
            ("the same for a manager of one shop", f"{scoped.p50:.1f} ms", scoped.p50 < 60),
            ("20,000-row page within 1.5x of the 1,000-row page", f"{growth:.2f}x", growth <= 1.5),
            ("p99 under a sign-in storm within 3x of idle", f"{stall:.2f}x", stall <= 3),
        ]
        targets += [
            (f"form with the request limit ({storage}) at least 80 % of bare",
             f"{figures.per_second / bare.per_second:.0%}", figures.per_second / bare.per_second >= 0.8)
            for storage, figures in limited.items()
        ]
        for label, figure, met in targets:
            print(f"  {label + ':':52} {figure}  {verdict(met)}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the rows and requests")
    args = parser.parse_args(argv)
    asyncio.run(run(args.quick))


if __name__ == "__main__":
    main()

