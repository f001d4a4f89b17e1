"""A page of shop users with their contact, debtor and shop costs a fixed number of statements."""

from __future__ import annotations

import pytest

from models import ContactPerson, Debtor, ShopUser
from models.normalise import name_key
from tests.api.sign_in import staff_token
from tests.factories import make_shop
from tests.query_counter import count_queries

SHOP_USERS_AROUND = """
query($first: Int!) {
  shopUsers(first: $first) {
    edges { node {
      username status
      contact { firstName debtor { number } shopUsers { username } }
      debtor { number contacts { firstName } }
      shop { handle }
    } }
  }
}"""


async def make_shop_users(count: int) -> None:
    shops = [await make_shop("flora"), await make_shop("greenhouse")]
    await Debtor.bulk_create([
        Debtor(number=f"Q{i:05d}", name=f"Debtor {i}", name_key=name_key(f"Debtor {i}")) for i in range(count)
    ])
    debtors = await Debtor.all().order_by("id")
    await ContactPerson.bulk_create(
        [
            ContactPerson(debtor=d, first_name=f"P{i}", last_name="X", language="nl")
            for i, d in enumerate(debtors)
        ]
    )
    contacts = await ContactPerson.all().order_by("id")
    await ShopUser.bulk_create([
        ShopUser(shop=shops[i % 2], contact=c, username=f"user{i}", username_key=f"user{i}", language="nl")
        for i, c in enumerate(contacts)
    ])


async def statements_for_a_page(client, token: str, size: int) -> list[str]:
    with count_queries() as statements:
        data = await client.data(SHOP_USERS_AROUND, {"first": size}, token=token)
    assert len(data["shopUsers"]["edges"]) == size
    return statements


@pytest.mark.parametrize("size", [10, 100])
async def test_a_page_of_shop_users_costs_the_same_for_10_and_100(client, size):
    token = await staff_token(client)
    await make_shop_users(100)

    statements = await statements_for_a_page(client, token, size)

    # The first request of a session, before it and the shops are cached: session, page,
    # contacts with their debtors, shops, shop users by contact, contacts by debtor
    assert len(statements) == 6, "\n".join(statements)
