"""Two real servers on one PostgreSQL: a session ended through one is refused by the other's cache.

Each server keeps the sessions it has seen (auth/session_cache.py) and hears the other's
changes through PostgreSQL LISTEN/NOTIFY (server/change_listener.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
import pytest
from tortoise import Tortoise

from models import ShopUser
from schema.nodes import global_id
from tests.api.sign_in import ADMIN_LOGIN, LOGIN, VIEWER
from tests.e2e.conftest import LISTENING
from tests.factories import ADMIN_PASSWORD, CUSTOMER_PASSWORD, make_admin, make_customer, make_shop
from tests.live_server import LiveServer

pytestmark = pytest.mark.postgres_only

SET_EXCLUSION = """
mutation($id: ID!, $excluded: Boolean!) {
  setExclusion(input: {shopUserId: $id, excluded: $excluded}) { userErrors { code } }
}"""
ENDED = {"data": {"viewer": None}, "extensions": {"session": "ENDED"}}
ANNA = {"data": {"viewer": {"__typename": "ShopUser", "username": "anna"}}}


async def graphql(http: httpx.AsyncClient, server: LiveServer, query: str, token: str, **variables) -> dict:
    answer = await http.post(
        server.graphql_url, json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    return answer.json()


async def sign_in(http: httpx.AsyncClient, server: LiveServer, query: str, **variables: str) -> str:
    answer = (await http.post(server.graphql_url, json={"query": query, "variables": variables})).json()
    return next(iter(answer["data"].values()))["token"]


@dataclass(frozen=True)
class Fleet:
    """Two servers, an owner's and anna's sessions, each read once by the second server."""

    first: LiveServer
    second: LiveServer
    owner: str
    anna: str


@pytest.fixture
async def fleet(two_servers: tuple[LiveServer, LiveServer]) -> Fleet:
    first, second = two_servers
    await make_customer(await make_shop("flora"), "anna")
    await make_admin("owner@example.com")
    await second.logged(LISTENING)  # only a server that hears changes keeps sessions
    async with httpx.AsyncClient(timeout=30) as http:
        owner = await sign_in(http, first, ADMIN_LOGIN, email="owner@example.com", password=ADMIN_PASSWORD)
        anna = await sign_in(http, first, LOGIN, shop="flora", username="anna", password=CUSTOMER_PASSWORD)
        assert await graphql(http, second, VIEWER, anna) == ANNA
    return Fleet(first, second, owner, anna)


async def exclude(http: httpx.AsyncClient, server: LiveServer, owner: str, excluded: bool = True) -> None:
    anna = await ShopUser.get(username="anna")
    answer = await graphql(
        http, server, SET_EXCLUSION, owner, id=global_id("ShopUser", anna.id), excluded=excluded
    )
    assert answer["data"]["setExclusion"]["userErrors"] == [], answer


async def test_an_exclusion_through_one_server_ends_the_session_cached_by_the_other(fleet):
    async with httpx.AsyncClient(timeout=30) as http:
        await exclude(http, fleet.first, fleet.owner)

        # the very next request to the other server, with no pause for it to hear
        assert await graphql(http, fleet.second, VIEWER, fleet.anna) == ENDED


async def test_a_server_that_lost_its_listening_connection_trusts_no_cached_session(fleet):
    # the listening connections are cut (a failover, a restarted pooler), and meanwhile anna is
    # excluded: no notice can reach the other server
    connection = Tortoise.get_connection("postgres")
    await connection.execute_query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%'"
    )
    await fleet.second.logged("Lost the connection that hears other instances' changes")
    async with httpx.AsyncClient(timeout=30) as http:
        await exclude(http, fleet.first, fleet.owner)

        assert await graphql(http, fleet.second, VIEWER, fleet.anna) == ENDED


ORDER_POLICY = '{ viewer { ... on ShopUser { orderPolicy(amount: "50.00") { route } } } }'
SET_MINIMUM = """
mutation {
  updateShopSettings(input: {shop: "flora", minimumOrderAmount: "100.00"}) { userErrors { code } }
}"""


async def test_new_shop_settings_through_one_server_are_seen_by_the_other_at_once(fleet):
    async with httpx.AsyncClient(timeout=30) as http:
        before = await graphql(http, fleet.second, ORDER_POLICY, fleet.anna)
        assert before["data"]["viewer"]["orderPolicy"] == {"route": "CHECKOUT"}

        updated = await graphql(http, fleet.first, SET_MINIMUM, fleet.owner)
        assert updated["data"]["updateShopSettings"]["userErrors"] == []

        after = await graphql(http, fleet.second, ORDER_POLICY, fleet.anna)
        assert after["data"]["viewer"]["orderPolicy"] == {"route": "BELOW_MINIMUM"}
