"""Regression tests for the fixes of the review of the staff-team change."""

from __future__ import annotations

import pytest

from models import StaffRole
from tests.api.staff_members import colleague, signed_in
from tests.factories import make_shop
from tests.query_counter import count_queries

STAFF_SESSIONS_PAGE = "{ staff(first: 50) { edges { node { email sessions { id } } } } }"


@pytest.mark.parametrize("owner_of", ["every shop", "some shops"])
async def test_a_page_of_staff_with_their_sessions_costs_the_same_queries_however_long(client, owner_of):
    # given an owner and a page of colleagues of some shops
    shops = [await make_shop(f"shop-{n}") for n in range(3)]
    token = await signed_in(
        client, "olga@gatehouse.test", StaffRole.OWNER, None if owner_of == "every shop" else shops
    )
    await colleague("a@gatehouse.test", StaffRole.SUPPORT, shops[:1])
    client.http.cookies.clear()
    await client.data("{ __typename }", token=token)  # the session is read once, then kept
    with count_queries() as few:
        small = await client.data(STAFF_SESSIONS_PAGE, token=token)
    for n in range(8):
        await colleague(f"b{n}@gatehouse.test", StaffRole.SUPPORT, shops[: n % 3 + 1])

    # when the page grows by eight
    with count_queries() as many:
        large = await client.data(STAFF_SESSIONS_PAGE, token=token)

    # then it costs no more statements
    assert len(small["staff"]["edges"]) == 2
    assert len(large["staff"]["edges"]) == 10
    assert len(many) == len(few), "\n".join(many)
