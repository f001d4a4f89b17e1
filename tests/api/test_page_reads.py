"""A page of registration requests answers its nested fields from what its root loaded.

Given a page of approved requests with everything around them, when staff read it (as the
review list does, and through fragments and aliases), then the nested fields are answered
without a coroutine or task per request: a page of 100 makes no more tasks than a page of
10, and the data is what the loaders give one field at a time.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from models import RegistrationRequest, StaffRole
from tests.api.session_clock import make_staff
from tests.api.sign_in import admin_login, staff_token
from tests.api.test_registration_requests_query import approved_requests
from tests.graphql_answers import error_codes, gid
from tests.query_counter import count_queries

PAGE = """
query($first: Int!) {
  registrationRequests(first: $first) { edges { node {
    name answers { key label value } shop { handle } decidedBy { email } debtor { number }
    shopUser { username contact { email } } matchingDebtors { number }
  } } }
}"""

THROUGH_FRAGMENTS = """
query($first: Int!) {
  registrationRequests(first: $first) { ...Page }
}
fragment Page on RegistrationRequestConnection { edges { node { name ...Around } } }
fragment Around on RegistrationRequest {
  given: answers { key label value }
  ... on RegistrationRequest { shop { handle } decidedBy { email } debtor { number } }
  shopUser { username ... { contact { email } } }
  matches: matchingDebtors { number }
}"""

ONE = """
query($id: ID!) {
  node(id: $id) { ... on RegistrationRequest {
    name answers { key label value } shop { handle } decidedBy { email } debtor { number }
    shopUser { username contact { email } } matchingDebtors { number }
  } }
}"""


@contextmanager
def tasks_counted() -> Iterator[list[int]]:
    """The number of asyncio tasks made meanwhile, in a one-item list."""
    loop = asyncio.get_running_loop()
    made = [0]
    kept = loop.get_task_factory()

    def counting(loop: asyncio.AbstractEventLoop, coro: Any, **options: Any) -> asyncio.Task:
        made[0] += 1
        return asyncio.Task(coro, loop=loop, **options)

    loop.set_task_factory(counting)
    try:
        yield made
    finally:
        loop.set_task_factory(kept)


async def tasks_of(client, query: str, size: int, staff: str) -> tuple[int, list[dict]]:
    with tasks_counted() as made:
        data = await client.data(query, {"first": size}, token=staff)
    return made[0], [edge["node"] for edge in data["registrationRequests"]["edges"]]


def fragment_names(node: dict) -> dict:
    """A node read through THROUGH_FRAGMENTS, under PAGE's names."""
    renamed = dict(node)
    renamed["answers"] = renamed.pop("given")
    renamed["matchingDebtors"] = renamed.pop("matches")
    return renamed


@pytest.mark.parametrize("query", [PAGE, THROUGH_FRAGMENTS], ids=["fields", "fragments-and-aliases"])
async def test_a_page_makes_as_many_tasks_for_100_requests_as_for_10(client, query):
    await approved_requests(100)
    staff = await staff_token(client)

    small, _ = await tasks_of(client, query, 10, staff)
    large, nodes = await tasks_of(client, query, 100, staff)

    assert len(nodes) == 100
    # A pool's own bookkeeping may add a task or two; one per request would add hundreds.
    assert large <= small + 5, f"{large} tasks for 100 requests, {small} for 10"


async def test_a_page_shows_what_each_request_shows_on_its_own(client):
    await approved_requests(20)
    staff = await staff_token(client)
    newest = await RegistrationRequest.all().order_by("-id").first()
    assert newest is not None

    _, page = await tasks_of(client, PAGE, 20, staff)
    _, through_fragments = await tasks_of(client, THROUGH_FRAGMENTS, 20, staff)
    alone = (await client.data(ONE, {"id": gid(newest)}, token=staff))["node"]

    assert page[0] == alone
    assert [fragment_names(node) for node in through_fragments] == page
    assert alone["shopUser"]["contact"]["email"]
    assert alone["matchingDebtors"]
    assert alone["answers"]


def left_for_the_collector() -> dict[str, int]:
    """The page's requests, and the nodes of its result tree, that are still in memory."""
    tracked = gc.get_objects()
    return {
        "requests": sum(isinstance(thing, RegistrationRequest) for thing in tracked),
        "result nodes": sum(
            isinstance(thing, dict) and isinstance(thing.get("name"), str)
            and isinstance(thing.get("matchingDebtors"), list)
            for thing in tracked
        ),
    }


async def test_an_answered_page_leaves_nothing_for_the_collector(client):
    # given a page of 100 requests read once (the session, shops and caches warmed up)
    await approved_requests(100)
    staff = await staff_token(client)
    await client.data(PAGE, {"first": 100}, token=staff)
    gc.collect()
    gc.disable()
    try:
        before = left_for_the_collector()
        # when it is read again and the answer dropped
        await client.data(PAGE, {"first": 100}, token=staff)
        after = left_for_the_collector()
    finally:
        gc.enable()

    # then its rows and its result are freed as the answer goes, not at the next collection
    # of the oldest generation (under load that held some 150 MiB: docs/operations.md)
    assert before == {"requests": 0, "result nodes": 0}
    assert after == before


async def test_a_reviewer_s_page_reads_nothing_the_role_may_not_see(client):
    # given a reviewer, who reads requests and customers but not shop users
    await approved_requests(10)
    await make_staff("rita@gatehouse.test", StaffRole.REVIEWER)
    reviewer = (await admin_login(client, "rita@gatehouse.test"))["token"]

    with count_queries() as statements:
        body = await client.execute(PAGE, {"first": 10}, token=reviewer)

    # then each request's shopUser says FORBIDDEN at its own path, the rest is answered, and
    # no login was read for the reviewer
    assert [error["path"][-1] for error in body["errors"]] == ["shopUser"] * 10
    assert set(error_codes(body)) == {"FORBIDDEN"}
    node = body["data"]["registrationRequests"]["edges"][0]["node"]
    assert node["answers"]
    assert node["matchingDebtors"]
    assert 'FROM "shop_user"' not in " ".join(statements)
