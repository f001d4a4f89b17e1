"""How long `mergeDebtors` takes for a debtor with 1,000 contact persons and shop users, against
one `updateDebtor` measured in the same run.

    python -m bench.merge_debtors [--rounds 7] [--contacts 1000] [--quick]

In-process: the ASGI app through httpx.ASGITransport (no background work), on a SQLite file
and on a throwaway PostgreSQL cluster (when its binaries are installed, as for the tests),
each seeded with 2,000 debtors, their contacts and users (bench/seed.py) so that no table is
empty. Each round makes a fresh pair: a target with one contact, and a source of N contacts
with a shop user each, one of them of the target's contact's email and without a user (a
fold), and an approved request; then it times the merge of the source into the target, and
three updateDebtor calls on the target (the yardstick: a staff mutation of a few statements
through the same stack). Prints the medians, their ratio and the SQL statements of each.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from itertools import count
from pathlib import Path
from typing import Any

import httpx

from bench.api import ADMIN_LOGIN
from bench.engines import on_each_engine, served
from bench.seed import ADMIN_EMAIL, PASSWORD, Size, seed_accounts
from models import ContactPerson, Debtor, RegistrationRequest, RegistrationStatus, Shop, ShopUser
from models.normalise import username_key
from schema.nodes import global_id
from server.database import apply_migrations, database
from server.settings import Settings
from tests.query_counter import count_queries

MERGE = """mutation($input: MergeDebtorsInput!) {
  mergeDebtors(input: $input) { debtor { id number priceListTags } userErrors { field code } } }"""
UPDATE = """mutation($input: UpdateDebtorInput!) {
  updateDebtor(input: $input) { debtor { id number phone } userErrors { field code } } }"""
UPDATES_PER_ROUND = 3
_pairs = count(1)


@asynccontextmanager
async def signed_in(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the application served in-process, signed in as the seeded owner."""
    async with served(settings) as http:
        credentials = {"email": ADMIN_EMAIL, "password": PASSWORD}
        response = await http.post("/graphql", json={"query": ADMIN_LOGIN, "variables": credentials})
        token = response.json()["data"]["adminLogin"]["token"]
        http.headers["Authorization"] = f"Bearer {token}"
        yield http


async def call(http: httpx.AsyncClient, query: str, field: str, values: dict[str, Any]) -> float:
    """One mutation that must go through; its wall time in milliseconds."""
    started = time.perf_counter()
    response = await http.post("/graphql", json={"query": query, "variables": {"input": values}})
    elapsed = (time.perf_counter() - started) * 1000
    answer = response.json()
    if "errors" in answer or answer["data"][field]["userErrors"]:
        raise RuntimeError(f"{field} refused the bench: {answer}")
    return elapsed


async def fresh_pair(shop: Shop, contacts: int) -> tuple[Debtor, Debtor]:
    """A target with one contact, and a source of `contacts` contacts with a user each, one more
    of the target contact's email without a user, and an approved request."""
    pair = next(_pairs)
    target = await Debtor.create(number=f"MT{pair:05d}", name=f"Merge target {pair}", price_list_tags=["a"])
    source = await Debtor.create(
        number=f"MS{pair:05d}", name=f"Merge source {pair}", email=f"merge{pair}@x.test",
        price_list_tags=["b"],
    )
    same = f"same{pair}@x.test"
    await ContactPerson.create(debtor=target, first_name="Kept", last_name="K", language="nl", email=same)
    await ContactPerson.create(debtor=source, first_name="Folded", last_name="F", language="nl", email=same)
    await ContactPerson.bulk_create([
        ContactPerson(debtor_id=source.id, first_name=f"P{i}", last_name=f"M{pair}", language="nl",
                      email=f"p{i}.m{pair}@x.test")
        for i in range(contacts)
    ])
    ids = await ContactPerson.filter(debtor_id=source.id, last_name=f"M{pair}").values_list("id")
    await ShopUser.bulk_create([
        ShopUser(shop_id=shop.id, contact_id=pk, username=f"m{pair}.{pk}",
                 username_key=username_key(f"m{pair}.{pk}"), language="nl")
        for (pk,) in ids
    ])
    await RegistrationRequest.create(
        shop=shop, name="Req", email=f"req{pair}@x.test", language="nl", status=RegistrationStatus.APPROVED,
        debtor=source,
    )
    return target, source


def merge_input(target: Debtor, source: Debtor) -> dict[str, Any]:
    return {"targetId": global_id("Debtor", target.id), "sourceIds": [global_id("Debtor", source.id)]}


async def bench_engine(label: str, url: str, rounds: int, contacts: int) -> None:
    await apply_migrations(url)
    settings = replace(Settings(), database_url=url, staff_mfa="optional", rate_limits="off")
    async with database(url, global_fallback=True):
        await seed_accounts(Size(debtors=2000, requests=0))
        shop = await Shop.get(handle="flora")
        merges: list[float] = []
        updates: list[float] = []
        async with signed_in(settings) as http:
            # warm-up: the first call of each reads the webhooks, the shop, the session
            warm_target, warm_source = await fresh_pair(shop, 10)
            await call(http, MERGE, "mergeDebtors", merge_input(warm_target, warm_source))
            warm_update = {"id": global_id("Debtor", warm_target.id), "phone": "0"}
            await call(http, UPDATE, "updateDebtor", warm_update)
            for round_number in range(rounds):
                target, source = await fresh_pair(shop, contacts)
                merges.append(await call(http, MERGE, "mergeDebtors", merge_input(target, source)))
                for i in range(UPDATES_PER_ROUND):
                    phone = f"+31 20 {round_number:03d} {i:03d}"
                    updates.append(await call(
                        http, UPDATE, "updateDebtor", {"id": global_id("Debtor", target.id), "phone": phone}
                    ))
            target, source = await fresh_pair(shop, contacts)
            with count_queries() as merge_statements:
                await call(http, MERGE, "mergeDebtors", merge_input(target, source))
            with count_queries() as update_statements:
                await call(http, UPDATE, "updateDebtor", {"id": global_id("Debtor", target.id), "phone": "1"})
        merge_ms, update_ms = statistics.median(merges), statistics.median(updates)
        print(f"\n{label}, {rounds} merges of a debtor with {contacts:,} contacts and users "
              f"(after a warm-up), {len(updates)} updateDebtor beside them:")
        for label, samples, statements in (
            ("mergeDebtors", merges, merge_statements), ("updateDebtor", updates, update_statements)
        ):
            print(f"  {label:14} median {statistics.median(samples):8.2f} ms  (min {min(samples):8.2f}, "
                  f"max {max(samples):8.2f})   {len(statements)} SQL statements")
        print(f"  merge / update {merge_ms / update_ms:8.1f}x")


def run(rounds: int, contacts: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="gatehouse-merge-bench-"))
    print(f"mergeDebtors of a debtor with {contacts:,} contact persons and shop users, against updateDebtor")
    on_each_engine(folder, lambda engine, url: bench_engine(engine, url, rounds, contacts))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="timed merges (default 7)")
    parser.add_argument("--contacts", type=int, default=1000, help="contacts (and users) of each source")
    parser.add_argument("--quick", action="store_true", help="3 merges")
    args = parser.parse_args(argv)
    run(3 if args.quick else max(args.rounds, 1), args.contacts)


if __name__ == "__main__":
    main()
