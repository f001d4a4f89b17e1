"""The pages staff browse read through indexes: no statement scans a whole table or sorts it.

A page's statement count is fixed (test_query_counts), but one statement that scans
every debtor still grows with the database. SQLite's EXPLAIN QUERY PLAN names each
full scan (`SCAN table`) and each sort it has to make (`USE TEMP B-TREE`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from tortoise import Tortoise

from models import ActorKind, AuditEvent, OutboxMessage, OutboxStatus, Shop
from schema.nodes import global_id
from server.database import connection_name
from tests.api.sign_in import staff_token
from tests.api.test_query_counts import SHOP_USERS_AROUND, make_shop_users
from tests.api.test_registration_requests_query import REQUESTS_AROUND, approved_requests
from tests.api.test_submit_registration import submit
from tests.query_counter import captured_statements

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

REQUESTS_PAGES = """
query($shop: String, $status: RegistrationStatus, $after: String, $search: String) {
  registrationRequests(shop: $shop, status: $status, first: 10, after: $after, search: $search) {
    edges { cursor node { name matchingDebtors { number } } }
  }
}"""
SHOP_USERS_PAGE = """
query($shop: String, $after: String) {
  shopUsers(shop: $shop, first: 10, after: $after) { edges { cursor node { username } } }
}"""
OUTBOX_PAGE = """
query($status: OutboxStatus, $after: String) {
  outboxMessages(status: $status, first: 10, after: $after) { edges { cursor node { template } } }
}"""
AUDIT_PAGE = """
query($after: String) { auditEvents(first: 10, after: $after) { edges { cursor node { action } } } }
"""
FILTERED_OUTBOX_PAGE = """
query($recipient: String, $template: String, $after: String) {
  outboxMessages(recipient: $recipient, template: $template, first: 10, after: $after) {
    edges { cursor node { template } }
  }
}"""
FILTERED_AUDIT_PAGE = """
query(
  $action: String, $actorKind: ActorKind, $actorId: ID, $objectType: String, $objectId: ID,
  $since: DateTime, $until: DateTime, $after: String
) {
  auditEvents(
    action: $action, actorKind: $actorKind, actorId: $actorId, objectType: $objectType,
    objectId: $objectId, since: $since, until: $until, first: 10, after: $after
  ) { edges { cursor node { action } } }
}"""
DEBTORS_PAGE = """
query($after: String) {
  debtors(first: 10, after: $after) { edges { cursor node { number contacts { email } } } }
}
"""


async def plans_of(database_url: str, statements: list[tuple[str, list]]) -> dict[str, list[str]]:
    assert any(" LIMIT " in sql for sql, _ in statements), "no page was read: nothing was checked"
    return await plans_of_all(database_url, statements)


async def plans_of_all(database_url: str, statements: list[tuple[str, list]]) -> dict[str, list[str]]:
    """SQLite's plan of each SELECT among `statements`."""
    connection = Tortoise.get_connection(connection_name(database_url))
    plans = {}
    for sql, parameters in statements:
        if sql.lstrip().upper().startswith("SELECT"):
            rows = await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", parameters)
            plans[sql] = [row["detail"] for row in rows]
    return plans


def whole_table_work(plans: dict[str, list[str]]) -> dict[str, list[str]]:
    """The statements that scan a table or sort more than the rows they fetched by index.

    Walking the primary key backwards for an unfiltered page (`SCAN t` with `LIMIT` and no
    `WHERE`) stops after a page, so it passes.
    """
    def walks_a_page(sql: str) -> bool:
        return " LIMIT " in sql and " WHERE " not in sql

    def sorts_a_page(sql: str, steps: list[str]) -> bool:
        return " LIMIT " in sql and any("TEMP B-TREE" in step for step in steps)

    def scans(sql: str, steps: list[str]) -> bool:
        scanned = any(step.startswith("SCAN ") and step != "SCAN CONSTANT ROW" for step in steps)
        return scanned and not walks_a_page(sql)

    return {sql: steps for sql, steps in plans.items() if scans(sql, steps) or sorts_a_page(sql, steps)}


async def statements_of_page(client, staff: str, query: str, variables: dict) -> list[tuple[str, list]]:
    """The statements of one page; `"after": "next"` asks for the page after the first."""
    if variables.get("after") == "next":
        first = await client.data(query, {**variables, "after": None}, token=staff)
        edges = next(iter(first.values()))["edges"]
        variables = {**variables, "after": edges[-1]["cursor"]}
    with captured_statements() as statements:
        await client.data(query, variables, token=staff)
    return statements


async def test_a_page_of_requests_with_everything_around_it_reads_only_through_indexes(client, db):
    await approved_requests(30)
    staff = await staff_token(client)

    with captured_statements() as statements:
        await client.data(REQUESTS_AROUND, {"first": 10}, token=staff)

    assert whole_table_work(await plans_of(db, statements)) == {}


@pytest.mark.parametrize("arguments", [
    {}, {"shop": "flora"}, {"shop": "flora", "status": "APPROVED"}, {"status": "PENDING"}, {"after": "next"},
    {"shop": "flora", "after": "next"}, {"shop": "flora", "status": "APPROVED", "after": "next"},
], ids=str)
async def test_every_filter_of_the_requests_page_reads_only_through_indexes(client, db, arguments):
    await approved_requests(30)
    staff = await staff_token(client)

    statements = await statements_of_page(client, staff, REQUESTS_PAGES, arguments)

    assert whole_table_work(await plans_of(db, statements)) == {}


@pytest.mark.parametrize(("query", "variables"), [
    (SHOP_USERS_AROUND, {"first": 10}),
    (SHOP_USERS_PAGE, {"shop": "flora"}),
    (SHOP_USERS_PAGE, {"shop": "flora", "after": "next"}),
    (DEBTORS_PAGE, {"after": "next"}),
], ids=["shop-users-around", "one-shop", "one-shop-next-page", "debtors-next-page"])
async def test_shop_user_and_debtor_pages_read_only_through_indexes(client, db, query, variables):
    await make_shop_users(30)
    staff = await staff_token(client)

    statements = await statements_of_page(client, staff, query, variables)

    assert whole_table_work(await plans_of(db, statements)) == {}


@pytest.mark.parametrize(("query", "variables"), [
    (OUTBOX_PAGE, {"status": "SENT"}),
    (OUTBOX_PAGE, {"status": "QUEUED", "after": "next"}),
    (AUDIT_PAGE, {"after": "next"}),
], ids=["sent-mail", "queued-mail-next-page", "audit-next-page"])
async def test_outbox_and_audit_pages_read_only_through_indexes(client, db, query, variables):
    await approved_requests(30)
    await OutboxMessage.bulk_create([
        OutboxMessage(
            message_id=f"m{i}-{status.value}", recipient="x@x.test", template="welcome", language="en",
            status=status, next_attempt_at=datetime.now(UTC),
        )
        for i in range(30) for status in (OutboxStatus.SENT, OutboxStatus.QUEUED)
    ])
    staff = await staff_token(client)

    statements = await statements_of_page(client, staff, query, variables)

    assert whole_table_work(await plans_of(db, statements)) == {}


LOG_START = datetime(2026, 12, 1, tzinfo=UTC)


async def make_a_varied_log(count: int) -> None:
    """`count` events, one a minute, of a few actions, actors and objects each."""
    await AuditEvent.bulk_create([
        AuditEvent(
            actor_kind=(ActorKind.ADMIN, ActorKind.CUSTOMER, ActorKind.SYSTEM)[n % 3],
            actor_id=n % 5 if n % 3 != 2 else None, action=f"test.action_{n % 4}",
            object_type=("Shop", "ShopUser")[n % 2], object_id=n % 7,
            occurred_at=LOG_START + timedelta(minutes=n),
        )
        for n in range(count)
    ])


@pytest.mark.parametrize("variables", [
    {"action": "test.action_1"},
    {"action": "test.action_1", "after": "next"},
    {"actorKind": "CUSTOMER"},
    {"actorId": global_id("AdminUser", 3)},
    {"actorId": global_id("ShopUser", 3), "after": "next"},
    {"objectType": "ShopUser"},
    {"objectId": global_id("Shop", 4)},
    {"objectId": global_id("Shop", 4), "after": "next"},
    {"action": "test.action_2", "objectType": "Shop", "since": LOG_START.isoformat()},
], ids=str)
async def test_each_filter_of_the_audit_log_reads_through_an_index(client, db, variables):
    await make_a_varied_log(300)
    staff = await staff_token(client)

    statements = await statements_of_page(client, staff, FILTERED_AUDIT_PAGE, variables)

    assert whole_table_work(await plans_of(db, statements)) == {}


@pytest.mark.parametrize("variables", [
    {"recipient": "r3@x.test"},
    {"recipient": "r3@x.test", "after": "next"},
    {"template": "invitation"},
    {"template": "invitation", "after": "next"},
    {"recipient": "r3@x.test", "template": "invitation"},
], ids=str)
async def test_each_filter_of_the_outbox_reads_through_an_index(client, db, variables):
    await OutboxMessage.bulk_create([
        OutboxMessage(
            message_id=f"m{n}", recipient=f"r{n % 5}@x.test", template=("welcome", "invitation")[n % 2],
            language="en", status=OutboxStatus.QUEUED, next_attempt_at=datetime.now(UTC),
        )
        for n in range(200)
    ])
    staff = await staff_token(client)

    statements = await statements_of_page(client, staff, FILTERED_OUTBOX_PAGE, variables)

    assert whole_table_work(await plans_of(db, statements)) == {}


def walks_every_user_of_a_shop(plans: dict[str, list[str]]) -> dict[str, list[str]]:
    """The statements that read shop users through an index by their shop alone."""
    return {
        sql: steps for sql, steps in plans.items()
        if any(step.startswith("SEARCH shop_user ") and step.endswith("(shop_id=?)") for step in steps)
    }


async def test_a_registration_reads_the_shops_users_through_indexes_not_the_whole_shop(client, db):
    # given a shop with many users (a registration asks whether the email has an account)
    await make_shop_users(30)
    await Shop.filter(handle="flora").update(registration_enabled=True)

    # when someone registers
    with captured_statements() as statements:
        payload = await submit(client, {"input": {
            "shop": "flora", "name": "Mia", "email": "mia@newcomer.test", "company": "Mia BV",
        }})

    # then no statement walks all the shop's users
    assert payload["userErrors"] == [], payload
    plans = await plans_of_all(db, statements)
    assert any('FROM "shop_user"' in sql for sql in plans), plans
    assert whole_table_work(plans) == {}
    assert walks_every_user_of_a_shop(plans) == {}
