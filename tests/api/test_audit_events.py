"""auditEvents as a Relay connection, and the number of statements lists cost."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from models import ActorKind, AuditEvent, StaffRole
from schema.nodes import global_id
from tests.api.sign_in import admin_login, login, session_token, staff_token
from tests.factories import make_admin, make_customer, make_field, make_shop
from tests.graphql_answers import error_codes, refusal
from tests.query_counter import count_queries

AUDIT_EVENTS = """
query($first: Int, $after: String) {
  auditEvents(first: $first, after: $after) {
    edges {
      cursor
      node { id action actorKind actorLabel clientAddress objectType objectId }
    }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""

SHOPS_WITH_FIELDS = "{ shops { handle registrationFields { key label position } } }"


async def staff_token_with_an_empty_log(client) -> str:
    """Signed in as staff, with the sign-in's own audit event cleared away."""
    token = await staff_token(client)
    await AuditEvent.all().delete()
    return token


async def make_events(count: int) -> list[AuditEvent]:
    """`count` events, oldest first."""
    await AuditEvent.bulk_create(
        [
            AuditEvent(
                actor_kind=ActorKind.ADMIN,
                actor_id=1,
                actor_label=f"staff{n}@example.com",
                action=f"test.event_{n}",
                object_type="Shop",
                object_id=n,
                client_address=f"198.51.100.{n}",
                details={"n": n},
            )
            for n in range(1, count + 1)
        ]
    )
    return list(await AuditEvent.all().order_by("id"))


async def audit_page(client, token: str, first: int | None = None, after: str | None = None) -> dict:
    data = await client.data(AUDIT_EVENTS, {"first": first, "after": after}, token=token)
    return data["auditEvents"]


async def test_events_come_newest_first_with_their_fields(client):
    token = await staff_token_with_an_empty_log(client)
    events = await make_events(3)

    page = await audit_page(client, token, first=10)

    assert [edge["node"] for edge in page["edges"]] == [
        {
            "id": global_id("AuditEvent", event.id),
            "action": event.action,
            "actorKind": "ADMIN",
            "actorLabel": event.actor_label,
            "clientAddress": event.client_address,
            "objectType": "Shop",
            "objectId": global_id("Shop", n),
        }
        for n, event in reversed(list(enumerate(events, start=1)))
    ]
    assert page["pageInfo"] == {"hasNextPage": False, "endCursor": page["edges"][-1]["cursor"]}
    assert page["totalCount"] == 3


async def test_a_customers_sign_in_is_in_the_log_staff_read(client):
    shop = await make_shop("flora")
    user = await make_customer(shop, "anna")
    await login(client)
    token = await staff_token(client)

    page = await audit_page(client, token)

    actions = [edge["node"]["action"] for edge in page["edges"]]
    assert actions == ["admin.login", "customer.login"]  # newest first
    signed_in = page["edges"][1]["node"]
    assert signed_in == {
        "id": signed_in["id"],
        "action": "customer.login",
        "actorKind": "CUSTOMER",
        "actorLabel": "anna",
        "clientAddress": "203.0.113.7",
        "objectType": "ShopUser",
        "objectId": global_id("ShopUser", user.id),
    }


async def test_paging_through_25_events_by_10_yields_each_event_once(client):
    token = await staff_token_with_an_empty_log(client)
    events = await make_events(25)

    pages, after = [], None
    while True:
        page = await audit_page(client, token, first=10, after=after)
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert len(pages) < 10, "the pages never end"

    assert [len(page["edges"]) for page in pages] == [10, 10, 5]
    assert [page["totalCount"] for page in pages] == [25, 25, 25]
    seen = [edge["node"]["id"] for page in pages for edge in page["edges"]]
    assert seen == [global_id("AuditEvent", event.id) for event in reversed(events)]
    for page in pages:
        assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]


async def test_the_page_after_the_last_event_is_empty(client):
    token = await staff_token_with_an_empty_log(client)
    await make_events(3)
    last = (await audit_page(client, token, first=3))["pageInfo"]

    page = await audit_page(client, token, first=3, after=last["endCursor"])

    assert last["hasNextPage"] is False
    assert page["edges"] == []
    assert page["pageInfo"] == {"hasNextPage": False, "endCursor": None}
    assert page["totalCount"] == 3


async def test_events_written_while_paging_do_not_shift_the_pages(client):
    token = await staff_token_with_an_empty_log(client)
    events = await make_events(6)
    first_page = await audit_page(client, token, first=3)

    await make_events(2)  # newer events arrive between two page reads
    second_page = await audit_page(client, token, first=3, after=first_page["pageInfo"]["endCursor"])

    assert [edge["node"]["id"] for edge in second_page["edges"]] == [
        global_id("AuditEvent", event.id) for event in reversed(events[:3])
    ]


async def test_without_first_a_page_holds_20(client):
    token = await staff_token_with_an_empty_log(client)
    await make_events(25)

    page = await audit_page(client, token)

    assert len(page["edges"]) == 20
    assert page["pageInfo"]["hasNextPage"] is True


async def test_a_page_of_100_is_allowed(client):
    token = await staff_token_with_an_empty_log(client)
    await make_events(101)

    page = await audit_page(client, token, first=100)

    assert len(page["edges"]) == 100
    assert page["pageInfo"]["hasNextPage"] is True


@pytest.mark.parametrize("first", [101, -1])
async def test_a_page_size_outside_0_to_100_is_invalid(client, first):
    token = await staff_token_with_an_empty_log(client)
    await make_events(3)

    body = await client.execute(AUDIT_EVENTS, {"first": first}, token=token)

    assert refusal(body) == "INVALID"
    assert body["errors"][0]["extensions"]["field"] == ["first"]


@pytest.mark.parametrize(
    "after",
    [
        "garbage",
        "!!!",
        base64.urlsafe_b64encode(b"after:twelve").decode(),
        base64.urlsafe_b64encode(b"before:12").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ],
)
async def test_a_garbage_cursor_is_invalid(client, after):
    token = await staff_token_with_an_empty_log(client)
    await make_events(3)

    body = await client.execute(AUDIT_EVENTS, {"first": 10, "after": after}, token=token)

    assert refusal(body) == "INVALID"
    assert body["errors"][0]["extensions"]["field"] == ["after"]


async def test_only_staff_read_the_audit_log(client):
    shop = await make_shop("flora")
    await make_customer(shop, "anna")
    token = await session_token(client)

    as_customer = await client.execute(AUDIT_EVENTS, {"first": 10}, token=token)
    anonymous = await client.execute(AUDIT_EVENTS, {"first": 10})

    assert refusal(as_customer) == "FORBIDDEN"
    assert refusal(anonymous) == "UNAUTHENTICATED"


# --- statement counts --------------------------------------------------------------------


async def test_a_page_of_100_costs_as_many_statements_as_a_page_of_10(client):
    token = await staff_token_with_an_empty_log(client)
    await make_events(120)
    await client.data("{ __typename }", token=token)  # the session is read once, then kept

    with count_queries() as small:
        ten = await audit_page(client, token, first=10)
    with count_queries() as large:
        hundred = await audit_page(client, token, first=100)

    assert (len(ten["edges"]), len(hundred["edges"])) == (10, 100)
    assert small, "the counter saw no statements at all"
    assert len(large) == len(small), (small, large)


async def test_registration_fields_of_10_shops_cost_as_many_statements_as_of_1(client):
    token = await staff_token(client)

    async def add_shop(handle: str) -> None:
        shop = await make_shop(handle, name=f"Shop {handle}")
        # Written out of order: the form lists them by position.
        for key, position in [("vat", 3), ("kvk", 1), ("trade", 2)]:
            await make_field(shop, key, f"{key} of {handle}", position=position)

    await add_shop("shop00")
    await client.data("{ __typename }", token=token)  # the session is read once, then kept
    with count_queries() as one_shop:
        one = (await client.data(SHOPS_WITH_FIELDS, token=token))["shops"]
    for n in range(1, 10):
        await add_shop(f"shop{n:02d}")
    with count_queries() as ten_shops:
        ten = (await client.data(SHOPS_WITH_FIELDS, token=token))["shops"]

    assert len(one) == 1
    assert len(ten) == 10
    for shop in ten:
        assert [(f["key"], f["position"]) for f in shop["registrationFields"]] == [
            ("kvk", 1), ("trade", 2), ("vat", 3)
        ]
        assert {f["label"].split(" of ")[1] for f in shop["registrationFields"]} == {shop["handle"]}
    assert one_shop, "the counter saw no statements at all"
    assert len(ten_shops) == len(one_shop), (one_shop, ten_shops)


# --- filters -------------------------------------------------------------------------------

FILTERED_EVENTS = """
query(
  $action: String, $actorKind: ActorKind, $actorId: ID, $objectType: String, $objectId: ID,
  $since: DateTime, $until: DateTime, $first: Int, $after: String
) {
  auditEvents(
    action: $action, actorKind: $actorKind, actorId: $actorId, objectType: $objectType,
    objectId: $objectId, since: $since, until: $until, first: $first, after: $after
  ) {
    edges { node { actorLabel } }
    pageInfo { hasNextPage endCursor }
    totalCount
  }
}"""
NOON = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def log(label: str, **fields: Any) -> AuditEvent:
    """An event labelled `label` (what the filtered lists are compared by): an admin's by default."""
    defaults: dict[str, Any] = {
        "actor_kind": ActorKind.ADMIN, "actor_id": 1, "action": "test.event",
        "object_type": "Shop", "object_id": 1, "occurred_at": NOON,
    }
    event = await AuditEvent.create(actor_label=label, **{**defaults, **fields})
    # auto_now_add stamps the clock's time: the test's moment is written over it.
    await AuditEvent.filter(id=event.id).update(occurred_at=fields.get("occurred_at", NOON))
    return event


async def labels_of(client, token: str, **arguments: Any) -> list[str]:
    body = await client.data(FILTERED_EVENTS, arguments, token=token)
    page = body["auditEvents"]
    labels = [edge["node"]["actorLabel"] for edge in page["edges"]]
    assert page["totalCount"] == len(labels), "totalCount counts what the filter leaves"
    return labels


async def test_action_keeps_only_that_actions_events(client):
    token = await staff_token_with_an_empty_log(client)
    await log("approved", action="registration.approved")
    await log("rejected", action="registration.rejected")
    await log("approved again", action="registration.approved")

    assert await labels_of(client, token, action="registration.approved") == ["approved again", "approved"]
    assert await labels_of(client, token, action="registration.unknown") == []


async def test_actor_kind_keeps_only_that_kind_of_actor(client):
    token = await staff_token_with_an_empty_log(client)
    await log("admin")
    await log("system", actor_kind=ActorKind.SYSTEM, actor_id=None)
    await log("anonymous", actor_kind=ActorKind.ANONYMOUS, actor_id=None)

    assert await labels_of(client, token, actorKind="SYSTEM") == ["system"]
    assert await labels_of(client, token, actorKind="ADMIN") == ["admin"]


async def test_actor_id_names_an_admin_or_a_shop_user_apart_by_their_type(client):
    token = await staff_token_with_an_empty_log(client)
    await log("admin 7", actor_id=7)
    await log("customer 7", actor_kind=ActorKind.CUSTOMER, actor_id=7)
    await log("admin 8", actor_id=8)

    assert await labels_of(client, token, actorId=global_id("AdminUser", 7)) == ["admin 7"]
    assert await labels_of(client, token, actorId=global_id("ShopUser", 7)) == ["customer 7"]
    # Both must hold: a ShopUser never acts as ADMIN.
    assert await labels_of(client, token, actorId=global_id("ShopUser", 7), actorKind="ADMIN") == []


async def test_object_type_and_object_id_keep_the_events_on_those_objects(client):
    token = await staff_token_with_an_empty_log(client)
    await log("shop 2", object_type="Shop", object_id=2)
    await log("user 2", object_type="ShopUser", object_id=2)
    await log("user 3", object_type="ShopUser", object_id=3)
    await log("nothing", object_type=None, object_id=None)

    assert await labels_of(client, token, objectType="ShopUser") == ["user 3", "user 2"]
    assert await labels_of(client, token, objectId=global_id("ShopUser", 2)) == ["user 2"]
    # An object deleted long ago (none of these rows exist) is still found by its id.
    assert await labels_of(client, token, objectId=global_id("Shop", 2)) == ["shop 2"]
    assert await labels_of(client, token, objectType="Shop", objectId=global_id("ShopUser", 2)) == []


async def test_since_is_inclusive_and_until_exclusive(client):
    token = await staff_token_with_an_empty_log(client)
    for hours in range(4):
        await log(f"at {12 + hours}", occurred_at=NOON + timedelta(hours=hours))
    one, three = (NOON + timedelta(hours=h) for h in (1, 3))

    assert await labels_of(client, token, since=one.isoformat()) == ["at 15", "at 14", "at 13"]
    assert await labels_of(client, token, until=three.isoformat()) == ["at 14", "at 13", "at 12"]
    assert await labels_of(client, token, since=one.isoformat(), until=three.isoformat()) == [
        "at 14", "at 13"
    ]
    # The same moment written in another time zone.
    amsterdam = one.astimezone(timezone(timedelta(hours=1))).isoformat()
    assert await labels_of(client, token, since=amsterdam, until=three.isoformat()) == ["at 14", "at 13"]


async def test_filters_combine_so_that_each_must_hold(client):
    token = await staff_token_with_an_empty_log(client)
    await log("match", action="shop_user.blocked", object_type="ShopUser", object_id=5, actor_id=2)
    await log("other action", action="shop_user.unblocked", object_type="ShopUser", object_id=5, actor_id=2)
    await log("other actor", action="shop_user.blocked", object_type="ShopUser", object_id=5, actor_id=3)
    await log("too early", action="shop_user.blocked", object_type="ShopUser", object_id=5, actor_id=2,
              occurred_at=NOON - timedelta(days=1))

    assert await labels_of(
        client, token, action="shop_user.blocked", actorKind="ADMIN", actorId=global_id("AdminUser", 2),
        objectType="ShopUser", objectId=global_id("ShopUser", 5), since=NOON.isoformat(),
    ) == ["match"]


async def test_a_filtered_log_pages_newest_first_without_repeats(client):
    token = await staff_token_with_an_empty_log(client)
    for n in range(7):
        await log(f"kept {n}", action="kept")
        await log(f"left {n}", action="left")

    first = (await client.data(FILTERED_EVENTS, {"action": "kept", "first": 4}, token=token))["auditEvents"]
    after = first["pageInfo"]["endCursor"]
    second = (await client.data(FILTERED_EVENTS, {"action": "kept", "first": 4, "after": after},
                                token=token))["auditEvents"]

    seen = [edge["node"]["actorLabel"] for page in (first, second) for edge in page["edges"]]
    assert seen == [f"kept {n}" for n in reversed(range(7))]
    assert (first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]) == (True, False)
    assert first["totalCount"] == second["totalCount"] == 7


async def test_staff_of_one_shop_filter_only_their_shops_events(client):
    flora, tulip = await make_shop("flora"), await make_shop("tulip")
    await make_admin("flora@example.com", role=StaffRole.AUDITOR, shops=[flora])
    payload = await admin_login(client, "flora@example.com")
    token = payload["token"]
    await AuditEvent.all().delete()
    await log("flora's", action="shop.updated", object_id=flora.id, shop_id=flora.id)
    await log("tulip's", action="shop.updated", object_id=tulip.id, shop_id=tulip.id)
    await log("no shop's", action="shop.updated", object_id=tulip.id)

    assert await labels_of(client, token, action="shop.updated") == ["flora's"]
    assert await labels_of(client, token, objectId=global_id("Shop", tulip.id)) == []
    assert await labels_of(client, token, objectType="Shop", actorKind="ADMIN") == ["flora's"]


@pytest.mark.parametrize(("argument", "value"), [
    ("actorId", "garbage"),
    ("actorId", global_id("Shop", 1)),  # a shop never acts
    ("objectId", "garbage"),
    ("objectId", base64.b64encode(b"Shop:0").decode()),
    ("since", "2026-12-01T12:00:00"),  # which moment depends on where it was written
    ("until", "2026-12-01T12:00:00"),
    ("since", "9999-12-31T23:00:00-02:00"),  # after the year 9999 in UTC
])
async def test_an_id_naming_no_possible_object_or_a_moment_without_offset_is_invalid(client, argument, value):
    token = await staff_token_with_an_empty_log(client)

    body = await client.execute(FILTERED_EVENTS, {argument: value}, token=token)

    assert refusal(body) == "INVALID"
    assert body["errors"][0]["extensions"]["field"] == [argument]


async def test_an_unknown_actor_kind_is_refused_before_anything_is_read(client):
    token = await staff_token_with_an_empty_log(client)

    body = await client.execute(FILTERED_EVENTS, {"actorKind": "ROBOT"}, token=token)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body.get("data") is None
