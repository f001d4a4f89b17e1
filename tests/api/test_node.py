"""node(id:) scoped to the viewer, what a customer sees around itself, and orderPolicy."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from decimal import Decimal

import pytest

from models import AdminUser, AuditEvent, ContactPerson, Debtor, RegistrationField, Shop, ShopUser
from schema.nodes import global_id
from tests.api.sign_in import session_token, staff_token
from tests.factories import make_contact, make_customer, make_debtor, make_field, make_shop, make_shop_user
from tests.graphql_answers import error_codes, gid

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename
    id
    ... on Shop { handle }
    ... on Debtor { number name }
    ... on ContactPerson { firstName }
    ... on ShopUser { username }
    ... on AdminUser { email }
    ... on RegistrationField { key }
  }
}"""

VIEWER_SURROUNDINGS = """
{
  viewer {
    ... on ShopUser {
      id
      debtor { id contacts { id shopUsers { id } } }
      contact { id shopUsers { id } debtor { contacts { id } } }
    }
  }
}"""

ORDER_POLICY = """
query($amount: Decimal!) {
  viewer {
    ... on ShopUser {
      orderPolicy(amount: $amount) { route minimumOrderAmount checkoutPaymentLimit currency }
    }
  }
}"""

NODE_ORDER_POLICY = """
query($id: ID!, $amount: Decimal!) {
  node(id: $id) {
    ... on ShopUser { orderPolicy(amount: $amount) { route minimumOrderAmount checkoutPaymentLimit } }
  }
}"""


@dataclass
class World:
    shop: Shop
    other_shop: Shop
    anna: ShopUser  # the customer who signs in
    anna_contact: ContactPerson
    anna_debtor: Debtor
    colleague: ShopUser  # another contact of Anna's debtor, with a login of its own
    colleague_contact: ContactPerson
    anna_elsewhere: ShopUser  # Anna's contact's login to the other shop
    stranger: ShopUser  # a customer of another debtor
    stranger_contact: ContactPerson
    stranger_debtor: Debtor
    admin: AdminUser
    field: RegistrationField


async def make_world() -> World:
    shop = await make_shop("flora")
    other_shop = await make_shop("greenhouse", name="Greenhouse Direct")
    anna_debtor = await make_debtor("Bloemen BV", number="D-ANNA")
    anna_contact = await make_contact(anna_debtor, "Anna")
    anna = await make_shop_user(shop, anna_contact, "anna")
    colleague_contact = await make_contact(anna_debtor, "Bram")
    colleague = await make_shop_user(shop, colleague_contact, "bram")
    anna_elsewhere = await make_shop_user(other_shop, anna_contact, "anna")
    stranger_debtor = await make_debtor("Fleurs SA", number="D-STRANGER")
    stranger_contact = await make_contact(stranger_debtor, "Camille")
    stranger = await make_shop_user(shop, stranger_contact, "camille")
    admin = await AdminUser.create(email="other-staff@example.com", name="Other", password_hash="x")
    field = await make_field(shop, "kvk", "KvK number", position=1)
    return World(
        shop, other_shop, anna, anna_contact, anna_debtor, colleague, colleague_contact,
        anna_elsewhere, stranger, stranger_contact, stranger_debtor, admin, field,
    )


async def read_node(client, node_id: str, token: str | None) -> dict:
    """The whole body, so a test can compare errors as well as data."""
    return await client.execute(NODE, {"id": node_id}, token=token)


# --- staff -------------------------------------------------------------------------------


async def test_staff_read_every_kind_of_node_by_global_id(client):
    world = await make_world()
    token = await staff_token(client)

    expected = {
        gid(world.shop): {"__typename": "Shop", "handle": "flora"},
        gid(world.stranger_debtor): {"__typename": "Debtor", "number": "D-STRANGER", "name": "Fleurs SA"},
        gid(world.stranger_contact): {"__typename": "ContactPerson", "firstName": "Camille"},
        gid(world.stranger): {"__typename": "ShopUser", "username": "camille"},
        gid(world.admin): {"__typename": "AdminUser", "email": "other-staff@example.com"},
        gid(world.field): {"__typename": "RegistrationField", "key": "kvk"},
    }
    for node_id, fields in expected.items():
        node = (await client.data(NODE, {"id": node_id}, token=token))["node"]
        assert node == {"id": node_id, **fields}


async def test_the_ids_staff_read_from_shops_lead_back_to_the_same_node(client):
    await make_world()
    token = await staff_token(client)

    shops = (await client.data("{ shops { id handle } }", token=token))["shops"]

    for shop in shops:
        node = (await client.data(NODE, {"id": shop["id"]}, token=token))["node"]
        assert node == {"__typename": "Shop", "id": shop["id"], "handle": shop["handle"]}


async def test_staff_read_null_for_missing_and_garbage_ids(client):
    await make_world()
    token = await staff_token(client)

    for node_id in [
        global_id("Debtor", 999_999),
        global_id("NoSuchType", 1),
        "not-an-id",
        base64.b64encode(b"Shop:abc").decode(),
        "",
    ]:
        assert await read_node(client, node_id, token) == {"data": {"node": None}}, node_id


async def test_staff_read_null_for_an_id_beyond_the_integer_range(client):
    await make_world()
    token = await staff_token(client)

    # PostgreSQL's integer ends at 2**31 - 1, SQLite's at 2**63 - 1.
    bodies = [await read_node(client, global_id("Shop", key), token) for key in (2**31, 2**63)]

    assert bodies == [{"data": {"node": None}}] * 2


async def test_staff_read_a_customers_order_policy_through_node(client):
    world = await make_world()
    world.shop.minimum_order_amount = Decimal("100.00")
    await world.shop.save()
    token = await staff_token(client)

    data = await client.data(
        NODE_ORDER_POLICY, {"id": gid(world.anna), "amount": "50"}, token=token
    )

    policy = data["node"]["orderPolicy"]
    assert policy["route"] == "BELOW_MINIMUM"
    assert Decimal(policy["minimumOrderAmount"]) == Decimal("100")


# --- customers ---------------------------------------------------------------------------


async def test_a_customer_reads_its_own_user_contact_debtor_and_shop(client):
    world = await make_world()
    token = await session_token(client, "anna")

    for row, fields in [
        (world.anna, {"__typename": "ShopUser", "username": "anna"}),
        (world.anna_contact, {"__typename": "ContactPerson", "firstName": "Anna"}),
        (world.anna_debtor, {"__typename": "Debtor", "number": "D-ANNA", "name": "Bloemen BV"}),
        (world.shop, {"__typename": "Shop", "handle": "flora"}),
    ]:
        body = await read_node(client, gid(row), token)
        assert body == {"data": {"node": {"id": gid(row), **fields}}}, row


async def test_what_a_customer_may_not_see_reads_exactly_like_a_missing_id(client):
    world = await make_world()
    token = await session_token(client, "anna")
    missing = await read_node(client, global_id("Debtor", 999_999), token)
    garbage = await read_node(client, "not-an-id", token)
    assert missing == garbage == {"data": {"node": None}}

    for row in [
        world.stranger_debtor,
        world.stranger_contact,
        world.stranger,
        world.colleague,
        world.colleague_contact,
        world.anna_elsewhere,
        world.other_shop,
        world.admin,
        world.field,
    ]:
        assert await read_node(client, gid(row), token) == missing, row


async def test_a_customer_cannot_read_the_audit_log_by_node(client):
    await make_world()
    event = await AuditEvent.create(actor_kind="SYSTEM", action="test.event")
    token = await session_token(client, "anna")
    staff = await staff_token(client)

    assert (await read_node(client, gid(event), token)) == {"data": {"node": None}}
    staff_body = await client.data(
        "query($id: ID!) { node(id: $id) { __typename } }", {"id": gid(event)}, token=staff
    )
    assert staff_body["node"] == {"__typename": "AuditEvent"}


async def test_anonymous_callers_read_null(client):
    world = await make_world()
    for row in [world.shop, world.anna, world.anna_debtor, world.admin]:
        assert await read_node(client, gid(row), None) == {"data": {"node": None}}


async def test_a_customer_sees_only_its_own_contact_and_user_around_its_debtor(client):
    world = await make_world()
    token = await session_token(client, "anna")

    viewer = (await client.data(VIEWER_SURROUNDINGS, token=token))["viewer"]

    me, my_contact = gid(world.anna), gid(world.anna_contact)
    assert viewer == {
        "id": me,
        "debtor": {
            "id": gid(world.anna_debtor),
            "contacts": [{"id": my_contact, "shopUsers": [{"id": me}]}],
        },
        "contact": {
            "id": my_contact, "shopUsers": [{"id": me}], "debtor": {"contacts": [{"id": my_contact}]},
        },
    }


async def test_a_customer_reading_its_debtor_by_node_sees_only_its_own_contact(client):
    world = await make_world()
    token = await session_token(client, "anna")

    data = await client.data(
        "query($id: ID!) { node(id: $id) { ... on Debtor { contacts { id shopUsers { id } } } } }",
        {"id": gid(world.anna_debtor)},
        token=token,
    )

    assert data["node"]["contacts"] == [
        {"id": gid(world.anna_contact), "shopUsers": [{"id": gid(world.anna)}]}
    ]


async def test_staff_see_every_contact_and_user_of_a_debtor(client):
    world = await make_world()
    token = await staff_token(client)

    data = await client.data(
        "query($id: ID!) { node(id: $id) { ... on Debtor { contacts { id shopUsers { id } } } } }",
        {"id": gid(world.anna_debtor)},
        token=token,
    )

    contacts = {c["id"]: {u["id"] for u in c["shopUsers"]} for c in data["node"]["contacts"]}
    assert contacts == {
        gid(world.anna_contact): {gid(world.anna), gid(world.anna_elsewhere)},
        gid(world.colleague_contact): {gid(world.colleague)},
    }


# --- orderPolicy -------------------------------------------------------------------------


async def order_policy(client, token: str, amount: str) -> dict:
    return (await client.data(ORDER_POLICY, {"amount": amount}, token=token))["viewer"]["orderPolicy"]


def limits(policy: dict) -> tuple:
    def amount(value):
        return None if value is None else Decimal(value)

    return policy["route"], amount(policy["minimumOrderAmount"]), amount(policy["checkoutPaymentLimit"])


async def test_order_policy_applies_the_shops_limits(client):
    shop = await make_shop(
        "flora", minimum_order_amount=Decimal("100.00"), checkout_payment_limit=Decimal("1000.00")
    )
    await make_customer(shop, "anna")
    token = await session_token(client, "anna")

    routes = {amount: limits(await order_policy(client, token, amount))[0]
              for amount in ["0", "99.99", "100", "500", "1000.00", "1000.01"]}

    assert routes == {
        "0": "BELOW_MINIMUM",
        "99.99": "BELOW_MINIMUM",
        "100": "CHECKOUT",
        "500": "CHECKOUT",
        "1000.00": "CHECKOUT",
        "1000.01": "DRAFT_ORDER",
    }
    policy = await order_policy(client, token, "500")
    assert limits(policy)[1:] == (Decimal("100"), Decimal("1000"))
    assert policy["currency"] == "EUR"


async def test_order_policy_prefers_the_debtors_overrides(client):
    shop = await make_shop(
        "flora", minimum_order_amount=Decimal("100.00"), checkout_payment_limit=Decimal("1000.00")
    )
    await make_customer(
        shop, "anna",
        minimum_order_amount=Decimal("50.00"), checkout_payment_limit=Decimal("2000.00"),
    )
    token = await session_token(client, "anna")

    assert limits(await order_policy(client, token, "60")) == (
        "CHECKOUT", Decimal("50"), Decimal("2000")
    )
    assert limits(await order_policy(client, token, "49.99"))[0] == "BELOW_MINIMUM"
    assert limits(await order_policy(client, token, "1500"))[0] == "CHECKOUT"
    assert limits(await order_policy(client, token, "2000.01"))[0] == "DRAFT_ORDER"


async def test_a_debtor_override_of_zero_still_wins_over_the_shop(client):
    shop = await make_shop(
        "flora", minimum_order_amount=Decimal("100.00"), checkout_payment_limit=Decimal("1000.00")
    )
    await make_customer(
        shop, "anna", minimum_order_amount=Decimal("0.00"), checkout_payment_limit=Decimal("0.00")
    )
    token = await session_token(client, "anna")

    assert limits(await order_policy(client, token, "0")) == ("CHECKOUT", Decimal("0"), Decimal("0"))
    assert limits(await order_policy(client, token, "10"))[0] == "DRAFT_ORDER"


async def test_one_override_falls_back_to_the_shop_for_the_other_limit(client):
    shop = await make_shop(
        "flora", minimum_order_amount=Decimal("100.00"), checkout_payment_limit=Decimal("1000.00"),
        currency="CHF",
    )
    await make_customer(shop, "anna", checkout_payment_limit=Decimal("300.00"))
    token = await session_token(client, "anna")

    policy = await order_policy(client, token, "400")

    assert limits(policy) == ("DRAFT_ORDER", Decimal("100"), Decimal("300"))
    assert policy["currency"] == "CHF"


async def test_without_any_limits_every_order_goes_to_checkout(client):
    shop = await make_shop("flora")
    await make_customer(shop, "anna")
    token = await session_token(client, "anna")

    for amount in ["0", "1", "99999999.99"]:
        assert limits(await order_policy(client, token, amount)) == ("CHECKOUT", None, None)


@pytest.mark.parametrize("amount", ["-0.01", "-100", "NaN", "Infinity"])
async def test_a_negative_or_non_finite_amount_is_an_invalid_argument(client, amount):
    shop = await make_shop("flora", minimum_order_amount=Decimal("100.00"))
    await make_customer(shop, "anna")
    token = await session_token(client, "anna")

    body = await client.execute(ORDER_POLICY, {"amount": amount}, token=token)

    assert error_codes(body) == ["INVALID"]
    assert body["errors"][0]["path"] == ["viewer", "orderPolicy"]
    assert body["data"] == {"viewer": None}
