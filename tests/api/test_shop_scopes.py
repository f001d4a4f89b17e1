"""Staff of some shops: another shop's objects read as missing, at every door.

Given two shops, flora and greenhouse, each with a request, a registration field, a
shop user (of one shared contact person), audit events and mail, when staff of flora
only reach for greenhouse's through a list, a `shop:` argument, `node(id:)`, a nested
field, bulk ids or any id-taking mutation, then it answers exactly as for an id or
handle that names nothing, and flora's works. Debtors and contact persons are shared
master data: readable by both. Staff of every shop see everything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import count
from typing import Any

import pytest

from auth.viewer import Caller
from mail.outbox import enqueue
from mail.template_names import MailTemplate
from models import (
    AdminUser,
    AuditEvent,
    ContactPerson,
    Debtor,
    OutboxMessage,
    RegistrationField,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
    ShopUser,
    StaffRole,
)
from resolvers import audit
from schema.nodes import global_id
from tests.api.sign_in import admin_login, login
from tests.factories import (
    label_of,
    make_admin,
    make_contact,
    make_debtor,
    make_field,
    make_shop,
    make_shop_user,
    pending_request,
)
from tests.graphql_answers import error_codes, gid, user_errors
from tests.query_counter import count_queries

_emails = count(1)

REQUESTS = """
query($shop: String) {
  registrationRequests(shop: $shop, first: 50) { edges { node { email shop { handle } } } }
}"""

SHOPS = "{ shops { handle } }"

SHOP_USERS = """
query($shop: String) {
  shopUsers(shop: $shop, first: 50) { edges { node { username shop { handle } } } }
}"""

AUDIT_EVENTS = "{ auditEvents(first: 50) { edges { node { action objectId } } } }"

OUTBOX = "{ outboxMessages(first: 50) { edges { node { recipient } } } }"

NODE = "query($id: ID!) { node(id: $id) { id } }"

DEBTOR_AROUND = """
query($id: ID!) {
  node(id: $id) {
    ... on Debtor { name contacts { firstName shopUsers { username } } }
  }
}"""

CONTACT_AROUND = """
query($id: ID!) {
  node(id: $id) { ... on ContactPerson { firstName shopUsers { username } debtor { name } } }
}"""

CREATE_SHOP = """
mutation {
  createShop(input: {handle: "tulip", name: "Tulip Trade"}) { shop { handle } userErrors { code } }
}"""


@dataclass
class World:
    flora: Shop
    greenhouse: Shop
    debtor: Debtor
    contact: ContactPerson  # with a login to each shop
    newcomer: ContactPerson  # of the same debtor, with no login yet
    flora_user: ShopUser
    greenhouse_user: ShopUser
    flora_request: RegistrationRequest
    greenhouse_request: RegistrationRequest
    flora_field: RegistrationField
    greenhouse_field: RegistrationField


async def make_world() -> World:
    flora = await make_shop("flora")
    greenhouse = await make_shop("greenhouse", name="Greenhouse Direct")
    debtor = await make_debtor("Bloemen BV")
    contact = await make_contact(debtor, "Anna", email="anna@bloemen.test")
    return World(
        flora=flora,
        greenhouse=greenhouse,
        debtor=debtor,
        contact=contact,
        newcomer=await make_contact(debtor, "Bram", email="bram@bloemen.test"),
        # Invited, with no password yet: resendInvitation has something to do.
        flora_user=await make_shop_user(flora, contact, "anna-flora", password=None),
        greenhouse_user=await make_shop_user(greenhouse, contact, "anna-greenhouse", password=None),
        flora_request=await pending_request(flora, "Eva Flora", "eva@flora.test"),
        greenhouse_request=await pending_request(greenhouse, "Gus Green", "gus@greenhouse.test"),
        flora_field=await make_field(flora, "vat", "VAT", position=1),
        greenhouse_field=await make_field(greenhouse, "vat", "VAT", position=1),
    )


async def signed_in_staff(
    client, role: StaffRole, shops: list[Shop] | None = None
) -> tuple[AdminUser, str]:
    """A new staff member of `role` acting in `shops` (None: every shop), and its token."""
    admin = await make_admin(f"staff{next(_emails)}@example.com", role=role, shops=shops)
    payload = await admin_login(client, admin.email)
    assert payload["userErrors"] == [], payload
    return admin, payload["token"]


def handles(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["shop"]["handle"] for edge in connection["edges"]]


def refused_at(body: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    """The codes and `extensions.field`s of a refused query, which is all a client reads."""
    errors = body.get("errors") or []
    return error_codes(body), [error["extensions"].get("field") for error in errors]


# --- lists and the shop: argument ---------------------------------------------------------


async def test_lists_leave_other_shops_out(client):
    world = await make_world()
    _, flora_staff = await signed_in_staff(client, StaffRole.MANAGER, [world.flora])
    _, every_shop = await signed_in_staff(client, StaffRole.MANAGER)

    assert handles((await client.data(REQUESTS, token=flora_staff))["registrationRequests"]) == ["flora"]
    assert handles((await client.data(SHOP_USERS, token=flora_staff))["shopUsers"]) == ["flora"]
    assert (await client.data(SHOPS, token=flora_staff))["shops"] == [{"handle": "flora"}]
    # The counterpart: staff of every shop see both.
    assert handles((await client.data(REQUESTS, token=every_shop))["registrationRequests"]) == [
        "greenhouse", "flora",
    ]
    assert handles((await client.data(SHOP_USERS, token=every_shop))["shopUsers"]) == [
        "greenhouse", "flora",
    ]
    assert (await client.data(SHOPS, token=every_shop))["shops"] == [
        {"handle": "flora"}, {"handle": "greenhouse"},
    ]


@pytest.mark.parametrize("query", [REQUESTS, SHOP_USERS], ids=["registrationRequests", "shopUsers"])
async def test_a_shop_argument_outside_the_scope_answers_like_an_unknown_handle(client, query):
    await make_world()
    _, token = await signed_in_staff(client, StaffRole.MANAGER, [await Shop.get(handle="flora")])

    outside = await client.execute(query, {"shop": "greenhouse"}, token=token)
    unknown = await client.execute(query, {"shop": "nowhere"}, token=token)
    own = await client.execute(query, {"shop": "flora"}, token=token)

    assert refused_at(outside) == refused_at(unknown) == (["NOT_FOUND"], [["shop"]])
    assert outside["data"] is None
    assert "Greenhouse" not in str(outside)
    assert error_codes(own) == []


# --- node(id:) and nested fields -----------------------------------------------------------


async def test_node_reads_another_shops_objects_as_null_and_shared_master_data_as_itself(client):
    world = await make_world()
    system = Caller.system("test")
    flora_event = await audit.record(system, "shop.settings_updated", world.flora)
    greenhouse_event = await audit.record(system, "shop.settings_updated", world.greenhouse)
    flora_mail = await queue_mail("eva@flora.test", world.flora)
    greenhouse_mail = await queue_mail("gus@greenhouse.test", world.greenhouse)
    _, token = await signed_in_staff(client, StaffRole.OWNER, [world.flora])

    async def read(row: Any) -> Any:
        return (await client.data(NODE, {"id": gid(row)}, token=token))["node"]

    flora_side = [
        world.flora, world.flora_user, world.flora_request, world.flora_field, flora_event, flora_mail,
    ]
    greenhouse_side = [
        world.greenhouse, world.greenhouse_user, world.greenhouse_request, world.greenhouse_field,
        greenhouse_event, greenhouse_mail,
    ]
    assert [await read(row) for row in flora_side] == [{"id": gid(row)} for row in flora_side]
    assert [await read(row) for row in greenhouse_side] == [None] * len(greenhouse_side)
    assert await read(world.debtor) == {"id": gid(world.debtor)}
    assert await read(world.contact) == {"id": gid(world.contact)}


async def test_a_contacts_shop_users_are_those_of_the_viewers_shops(client):
    world = await make_world()
    _, flora_staff = await signed_in_staff(client, StaffRole.SUPPORT, [world.flora])
    _, every_shop = await signed_in_staff(client, StaffRole.SUPPORT)

    async def around(query: str, row: Any, token: str) -> Any:
        return (await client.data(query, {"id": gid(row)}, token=token))["node"]

    scoped_debtor = await around(DEBTOR_AROUND, world.debtor, flora_staff)
    scoped_contact = await around(CONTACT_AROUND, world.contact, flora_staff)
    every_debtor = await around(DEBTOR_AROUND, world.debtor, every_shop)

    assert scoped_debtor == {
        "name": "Bloemen BV",
        "contacts": [
            {"firstName": "Anna", "shopUsers": [{"username": "anna-flora"}]},
            {"firstName": "Bram", "shopUsers": []},
        ],
    }
    assert scoped_contact == {
        "firstName": "Anna", "shopUsers": [{"username": "anna-flora"}], "debtor": {"name": "Bloemen BV"}
    }
    assert every_debtor["contacts"][0]["shopUsers"] == [
        {"username": "anna-flora"}, {"username": "anna-greenhouse"},
    ]


async def test_a_role_that_reads_no_shop_users_is_refused_the_nested_field(client):
    world = await make_world()
    _, reviewer = await signed_in_staff(client, StaffRole.REVIEWER)

    body = await client.execute(CONTACT_AROUND, {"id": gid(world.contact)}, token=reviewer)

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["node", "shopUsers"]


# --- bulk ids --------------------------------------------------------------------------------

APPROVE = """
mutation($ids: [ID!]!) {
  approve(input: {ids: $ids}) { registrationRequests { email } userErrors { field code message } }
}"""
REJECT = """
mutation($ids: [ID!]!) {
  reject(input: {ids: $ids}) { registrationRequests { email } userErrors { field code message } }
}"""
DELETE = """
mutation($ids: [ID!]!) {
  deleteRegistrations(input: {ids: $ids}) { deletedIds userErrors { field code message } }
}"""


@pytest.mark.parametrize(
    ("mutation", "name", "done"),
    [
        (APPROVE, "approve", "registrationRequests"),
        (REJECT, "reject", "registrationRequests"),
        (DELETE, "deleteRegistrations", "deletedIds"),
    ],
)
async def test_bulk_ids_of_another_shop_are_not_found_like_missing_ones(client, mutation, name, done):
    world = await make_world()
    missing = await pending_request(world.flora, "Gone", "gone@flora.test")
    missing_id = gid(missing)
    await missing.delete()
    _, token = await signed_in_staff(client, StaffRole.REVIEWER, [world.flora])

    ids = [gid(world.flora_request), gid(world.greenhouse_request), missing_id]
    payload = (await client.data(mutation, {"ids": ids}, token=token))[name]

    assert len(payload[done]) == 1
    outside, unknown = payload["userErrors"]
    assert (outside["field"], unknown["field"]) == (["ids", "1"], ["ids", "2"])
    assert {key: outside[key] for key in ("code", "message")} == {
        key: unknown[key] for key in ("code", "message")
    }
    assert outside["code"] == "NOT_FOUND"
    untouched = await RegistrationRequest.get(id=world.greenhouse_request.id)
    assert untouched.status is RegistrationStatus.PENDING
    assert untouched.decided_by_id is None


# --- every id- or handle-taking mutation -------------------------------------------------------

MISSING_ID = 999_999


@dataclass(frozen=True)
class Door:
    """A mutation, and its variables naming flora's object, greenhouse's, or none."""

    document: str
    name: str
    variables: Callable[[World, str], dict[str, Any]]  # (world, "flora" | "greenhouse" | "missing")


def _shop(world: World, which: str) -> str:
    return {"flora": "flora", "greenhouse": "greenhouse", "missing": "nowhere"}[which]


def _id(kind: str) -> Callable[[World, str], Any]:
    def pick(world: World, which: str) -> Any:
        if which == "missing":
            return global_id(type(getattr(world, f"flora_{kind}")).__name__, MISSING_ID)
        return gid(getattr(world, f"{which}_{kind}"))

    return pick


ERRORS = "userErrors { field code message }"

DOORS = [
    Door(
        "mutation($shop: String!) { updateShopSettings(input: {shop: $shop, name: \"New\"}) "
        f"{{ {ERRORS} }} }}",
        "updateShopSettings",
        lambda world, which: {"shop": _shop(world, which)},
    ),
    Door(
        "mutation($shop: String!) { createRegistrationField(input: {shop: $shop, key: \"coc\", "
        f'label: "CoC"}}) {{ {ERRORS} }} }}',
        "createRegistrationField",
        lambda world, which: {"shop": _shop(world, which)},
    ),
    Door(
        f'mutation($id: ID!) {{ updateRegistrationField(input: {{id: $id, label: "New"}}) {{ {ERRORS} }} }}',
        "updateRegistrationField",
        lambda world, which: {"id": _id("field")(world, which)},
    ),
    Door(
        f"mutation($id: ID!) {{ deleteRegistrationField(input: {{id: $id}}) {{ {ERRORS} }} }}",
        "deleteRegistrationField",
        lambda world, which: {"id": _id("field")(world, which)},
    ),
    Door(
        "mutation($shop: String!, $ids: [ID!]!) { reorderRegistrationFields(input: {shop: $shop, "
        f"ids: $ids}}) {{ {ERRORS} }} }}",
        "reorderRegistrationFields",
        lambda world, which: {
            "shop": _shop(world, which),
            "ids": [_id("field")(world, "greenhouse" if which == "missing" else which)],
        },
    ),
    Door(
        "mutation($shop: String!, $contact: ID!) { createShopUser(input: {contactPersonId: $contact, "
        f'shop: $shop, username: "anna-new", language: "nl", sendInvitation: true}}) {{ {ERRORS} }} }}',
        "createShopUser",
        lambda world, which: {"shop": _shop(world, which), "contact": gid(world.newcomer)},
    ),
    Door(
        f"mutation($id: ID!) {{ resendInvitation(input: {{shopUserId: $id}}) {{ {ERRORS} }} }}",
        "resendInvitation",
        lambda world, which: {"id": _id("user")(world, which)},
    ),
    Door(
        "mutation($id: ID!) { setExclusion(input: {shopUserId: $id, excluded: true, reason: \"x\"}) "
        f"{{ {ERRORS} }} }}",
        "setExclusion",
        lambda world, which: {"id": _id("user")(world, which)},
    ),
]


async def snapshot() -> list[Any]:
    """What greenhouse owns that a refused mutation must leave as it was."""
    shop = await Shop.get(handle="greenhouse")
    return [
        shop.name,
        [(f.id, f.key, label_of(f), f.position) for f in await RegistrationField.filter(shop_id=shop.id)],
        [(u.id, u.username, u.excluded) for u in await ShopUser.filter(shop_id=shop.id)],
        await OutboxMessage.filter(shop_id=shop.id).count(),
    ]


@pytest.mark.parametrize("door", DOORS, ids=[door.name for door in DOORS])
async def test_another_shops_object_is_not_found_like_a_missing_one(client, door):
    world = await make_world()
    _, token = await signed_in_staff(client, StaffRole.MANAGER, [world.flora])
    before = await snapshot()

    async def call(which: str) -> list[Any]:
        data = await client.data(door.document, door.variables(world, which), token=token)
        return user_errors(data[door.name])

    outside = await call("greenhouse")
    missing = await call("missing")
    own = await call("flora")

    assert outside == missing
    assert "NOT_FOUND" in [code for _, code in outside]
    assert await snapshot() == before
    assert own == []


async def test_a_shop_is_created_by_staff_of_every_shop_only(client):
    flora = await make_shop("flora")
    _, scoped_owner = await signed_in_staff(client, StaffRole.OWNER, [flora])
    _, every_shop_owner = await signed_in_staff(client, StaffRole.OWNER)

    refused = await client.execute(CREATE_SHOP, token=scoped_owner)
    created = await client.data(CREATE_SHOP, token=every_shop_owner)

    assert error_codes(refused) == ["FORBIDDEN"]
    assert "every shop" in refused["errors"][0]["message"]
    assert created["createShop"] == {"shop": {"handle": "tulip"}, "userErrors": []}


# --- audit events and mail --------------------------------------------------------------------


async def queue_mail(recipient: str, shop: Shop | None) -> OutboxMessage:
    return await enqueue(
        recipient=recipient, template=MailTemplate.REQUEST_RECEIVED, language="nl",
        context={"shop_name": "Flora", "name": "Eva"}, now=datetime.now(UTC),
        shop_id=shop.id if shop else None,
    )


def actions(connection: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(edge["node"]["action"], edge["node"]["objectId"]) for edge in connection["edges"]]


async def test_audit_events_list_the_scopes_shops_and_no_shopless_ones(client):
    world = await make_world()
    system = Caller.system("test")
    await audit.record(system, "shop.settings_updated", world.flora)
    await audit.record(system, "shop_user.excluded", world.greenhouse_user)
    await audit.record(system, "debtor.updated", world.debtor)  # shared master data: no shop's
    _, scoped = await signed_in_staff(client, StaffRole.AUDITOR, [world.flora])
    _, every_shop = await signed_in_staff(client, StaffRole.AUDITOR)

    seen_by_scoped = actions((await client.data(AUDIT_EVENTS, token=scoped))["auditEvents"])
    seen_by_every_shop = actions((await client.data(AUDIT_EVENTS, token=every_shop))["auditEvents"])

    assert seen_by_scoped == [("shop.settings_updated", gid(world.flora))]
    assert [action for action, _ in seen_by_every_shop] == [
        "admin.login", "admin.login", "debtor.updated", "shop_user.excluded", "shop.settings_updated",
    ]


async def test_outbox_messages_list_the_scopes_shops_mail(client):
    world = await make_world()
    await queue_mail("eva@flora.test", world.flora)
    await queue_mail("gus@greenhouse.test", world.greenhouse)
    await queue_mail("staff@example.com", None)
    _, scoped = await signed_in_staff(client, StaffRole.SUPPORT, [world.flora])
    _, every_shop = await signed_in_staff(client, StaffRole.SUPPORT)

    def recipients(data: dict[str, Any]) -> list[str]:
        return [edge["node"]["recipient"] for edge in data["outboxMessages"]["edges"]]

    assert recipients(await client.data(OUTBOX, token=scoped)) == ["eva@flora.test"]
    assert recipients(await client.data(OUTBOX, token=every_shop)) == [
        "staff@example.com", "gus@greenhouse.test", "eva@flora.test",
    ]


async def test_events_and_mails_belong_to_the_shop_they_are_about(client):
    world = await make_world()
    _, token = await signed_in_staff(client, StaffRole.MANAGER)

    # When staff decide, change settings and invite, and strangers try to sign in
    await client.data(APPROVE, {"ids": [gid(world.flora_request)]}, token=token)
    await client.data(REJECT, {"ids": [gid(world.greenhouse_request)]}, token=token)
    await client.data(
        f'mutation {{ updateShopSettings(input: {{shop: "greenhouse", name: "G"}}) {{ {ERRORS} }} }}',
        token=token,
    )
    await login(client, "nobody", "wrong-password-9", shop="greenhouse")
    await login(client, "nobody", "wrong-password-9", shop="nowhere")

    # Then each event and mail names its shop; a sign-in to no shop names none
    events = await AuditEvent.exclude(action="admin.login").order_by("id")
    assert [(event.action, event.shop_id) for event in events] == [
        ("registration.approved", world.flora.id),
        ("registration.rejected", world.greenhouse.id),
        ("shop.settings_updated", world.greenhouse.id),
        ("customer.login_failed", world.greenhouse.id),  # a username greenhouse does not have
        ("customer.login_failed", None),
    ]
    mails = {m.template: m.shop_id for m in await OutboxMessage.all()}
    assert mails == {"invitation": world.flora.id, "rejection": world.greenhouse.id}


# --- staff accounts as nodes -------------------------------------------------------------------


async def test_staff_accounts_read_as_themselves_or_for_who_manages_staff(client):
    world = await make_world()
    flora_reviewer, reviewer = await signed_in_staff(client, StaffRole.REVIEWER, [world.flora])
    every_shop_admin, _ = await signed_in_staff(client, StaffRole.MANAGER)
    _, flora_owner = await signed_in_staff(client, StaffRole.OWNER, [world.flora])
    _, owner = await signed_in_staff(client, StaffRole.OWNER)

    async def read(token: str, admin: AdminUser) -> Any:
        return (await client.data(NODE, {"id": gid(admin)}, token=token))["node"]

    assert await read(reviewer, flora_reviewer) == {"id": gid(flora_reviewer)}
    assert await read(reviewer, every_shop_admin) is None  # a reviewer manages no staff
    assert await read(owner, every_shop_admin) == {"id": gid(every_shop_admin)}
    assert await read(flora_owner, flora_reviewer) == {"id": gid(flora_reviewer)}
    assert await read(flora_owner, every_shop_admin) is None  # beyond what flora's owner covers


# --- cost -----------------------------------------------------------------------------------

SHOP_USERS_PAGE = """
query($first: Int!) {
  shopUsers(first: $first) {
    edges { node { username contact { firstName shopUsers { username } } debtor { number } shop { handle } } }
  }
}"""

REQUESTS_PAGE = """
query($first: Int!) {
  registrationRequests(first: $first) {
    edges { node { email shop { handle } answers { key value } matchingDebtors { number } } }
  }
}"""


async def many_of_each(shops: list[Shop], count_each: int) -> None:
    for index in range(count_each):
        shop = shops[index % len(shops)]
        debtor = await make_debtor(f"Debtor {index}")
        contact = await make_contact(debtor, f"P{index}")
        await make_shop_user(shop, contact, f"user{index}", password=None)
        await pending_request(shop, f"Applicant {index}", f"a{index}@x.test", company=None)


async def statements(client, query: str, size: int, token: str) -> int:
    await client.data(query, {"first": size}, token=token)  # the session and shops, read once and kept
    with count_queries() as sent:
        data = await client.data(query, {"first": size}, token=token)
    assert len(next(iter(data.values()))["edges"]) == size
    return len(sent)


@pytest.mark.parametrize("query", [SHOP_USERS_PAGE, REQUESTS_PAGE], ids=["shopUsers", "registrationRequests"])
async def test_scoping_costs_no_statement_per_row(client, query):
    shops = [await make_shop("flora"), await make_shop("greenhouse")]
    await many_of_each(shops, 30)
    _, scoped = await signed_in_staff(client, StaffRole.MANAGER, shops)  # sees every row too
    _, every_shop = await signed_in_staff(client, StaffRole.MANAGER)

    every_shop_cost = await statements(client, query, 30, every_shop)
    small, large = await statements(client, query, 5, scoped), await statements(client, query, 30, scoped)

    # The scoped member's shops are read with its session, once, and kept with it.
    assert small == large == every_shop_cost
