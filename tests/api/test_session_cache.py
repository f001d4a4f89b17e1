"""Sessions found without a query (auth/session_cache.py), and ended at once all the same.

Each test warms the cache first (a request that reads the session), so what it shows is what a
cached session does: the next request after an ending is refused, on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime

from models import AdminUser, ShopUser, StaffRole
from models.changes import FEED
from schema.nodes import global_id
from tests.api.session_clock import SESSION_ENDED, hold_clock, make_staff
from tests.api.sign_in import VIEWER, admin_login, customer_token, session_token
from tests.factories import CUSTOMER_PASSWORD
from tests.query_counter import count_queries

ENDED_ANSWER = {"data": {"viewer": None}, "extensions": SESSION_ENDED}
STAFF_ROLE = "{ viewer { ... on AdminUser { role } } }"

SET_EXCLUSION = """
mutation($id: ID!) { setExclusion(input: {shopUserId: $id, excluded: true}) { userErrors { code } } }"""
LOGOUT = "mutation { logout { loggedOut } }"
CHANGE_PASSWORD = """
mutation($current: String!, $new: String!) {
  changePassword(input: {currentPassword: $current, newPassword: $new, newPasswordConfirmation: $new}) {
    userErrors { code }
  }
}"""
UPDATE_STAFF = """
mutation($id: ID!, $role: StaffRole!) {
  updateStaff(input: {id: $id, role: $role}) { userErrors { code } }
}"""
DEACTIVATE_STAFF = """
mutation($id: ID!) { deactivateStaff(input: {id: $id}) { userErrors { code } } }"""


async def warmed(client, token: str) -> dict:
    """Reads the viewer twice: the first reads the session, the second finds it cached."""
    await client.execute(VIEWER, token=token)
    return await client.execute(VIEWER, token=token)


async def staff(client, email: str, role: StaffRole = StaffRole.OWNER) -> tuple[AdminUser, str]:
    admin = await make_staff(email, role)
    payload = await admin_login(client, email)
    assert payload["userErrors"] == [], payload
    return admin, payload["token"]


async def test_a_signed_in_request_reads_its_session_once(client):
    token = await customer_token(client)
    await client.execute(VIEWER, token=token)

    with count_queries() as statements:
        answer = await client.execute(VIEWER, token=token)

    assert answer == {"data": {"viewer": {"__typename": "ShopUser", "username": "anna"}}}
    assert not [sql for sql in statements if 'FROM "session"' in sql], statements


async def test_an_exclusion_ends_the_cached_session_at_once(client):
    token = await customer_token(client)
    _, owner = await staff(client, "owner@example.com")
    assert (await warmed(client, token))["data"]["viewer"]["username"] == "anna"

    anna = await ShopUser.get(username="anna")
    excluded = await client.data(SET_EXCLUSION, {"id": global_id("ShopUser", anna.id)}, token=owner)

    assert excluded["setExclusion"]["userErrors"] == []
    assert await client.execute(VIEWER, token=token) == ENDED_ANSWER


async def test_a_logout_ends_the_cached_session_at_once(client):
    token = await customer_token(client)
    await warmed(client, token)

    assert (await client.data(LOGOUT, token=token))["logout"]["loggedOut"] is True
    client.http.cookies.clear()

    assert await client.execute(VIEWER, token=token) == ENDED_ANSWER


async def test_a_password_change_ends_the_other_cached_sessions_at_once(client):
    first = await customer_token(client)
    second = await session_token(client)
    await warmed(client, first)
    await warmed(client, second)

    changed = await client.data(
        CHANGE_PASSWORD, {"current": CUSTOMER_PASSWORD, "new": "Dahlia-Garden-8812"}, token=second
    )
    client.http.cookies.clear()

    assert changed["changePassword"]["userErrors"] == []
    assert await client.execute(VIEWER, token=first) == ENDED_ANSWER
    assert (await client.data(VIEWER, token=second))["viewer"]["username"] == "anna"


async def test_a_new_role_is_seen_by_the_colleagues_cached_session_at_once(client):
    _, owner = await staff(client, "owner@example.com")
    colleague, token = await staff(client, "mia@example.com", StaffRole.SUPPORT)
    await warmed(client, token)
    assert (await client.data(STAFF_ROLE, token=token))["viewer"] == {"role": "SUPPORT"}

    updated = await client.data(
        UPDATE_STAFF, {"id": global_id("AdminUser", colleague.id), "role": "REVIEWER"}, token=owner
    )

    assert updated["updateStaff"]["userErrors"] == []
    assert (await client.data(STAFF_ROLE, token=token))["viewer"] == {"role": "REVIEWER"}


async def test_a_deactivation_ends_the_colleagues_cached_session_at_once(client):
    _, owner = await staff(client, "owner@example.com")
    colleague, token = await staff(client, "mia@example.com", StaffRole.SUPPORT)
    await warmed(client, token)

    deactivated = await client.data(
        DEACTIVATE_STAFF, {"id": global_id("AdminUser", colleague.id)}, token=owner
    )

    assert deactivated["deactivateStaff"]["userErrors"] == []
    assert await client.execute(VIEWER, token=token) == ENDED_ANSWER


async def test_while_other_instances_cannot_be_heard_every_request_reads_its_session(client, monkeypatch):
    token = await customer_token(client)
    await warmed(client, token)
    monkeypatch.setattr(FEED, "hears_every_change", False)

    with count_queries() as statements:
        await client.execute(VIEWER, token=token)

    assert [sql for sql in statements if 'FROM "session"' in sql], statements


async def test_a_change_no_cache_heard_of_is_seen_within_a_minute(client, app, monkeypatch):
    # given a session cached, and its account excluded by a write that announced nothing (another
    # process on the same SQLite file, or a hand-made UPDATE)
    clock = hold_clock(app, monkeypatch)
    token = await customer_token(client)
    await warmed(client, token)
    await ShopUser.filter(username="anna").update(excluded=True, excluded_since=datetime.now(UTC))

    # then the cached session serves on for less than a minute, and is read again after it
    clock.advance(seconds=59)
    assert (await client.data(VIEWER, token=token))["viewer"]["username"] == "anna"
    clock.advance(seconds=2)
    assert await client.execute(VIEWER, token=token) == ENDED_ANSWER


# --- the shop a request reads (resolvers/shop_cache.py) ---------------------------------------

ORDER_POLICY = '{ viewer { ... on ShopUser { orderPolicy(amount: "50.00") { route minimumOrderAmount } } } }'
SET_MINIMUM = """
mutation($amount: Decimal) {
  updateShopSettings(input: {shop: "flora", minimumOrderAmount: $amount}) { userErrors { code } }
}"""


async def test_a_signed_in_request_reads_neither_its_session_nor_its_shop(client):
    token = await customer_token(client)
    await client.execute(ORDER_POLICY, token=token)

    with count_queries() as statements:
        answer = await client.data(ORDER_POLICY, token=token)

    assert answer["viewer"]["orderPolicy"] == {"route": "CHECKOUT", "minimumOrderAmount": None}
    # the contact person with its debtor, in one query; no session, no shop
    assert len(statements) == 1, statements
    assert 'FROM "contact_person"' in statements[0]


async def test_a_shops_new_settings_are_seen_by_the_next_request_at_once(client):
    token = await customer_token(client)
    _, owner = await staff(client, "owner@example.com")
    await client.execute(ORDER_POLICY, token=token)

    updated = await client.data(SET_MINIMUM, {"amount": "100.00"}, token=owner)

    assert updated["updateShopSettings"]["userErrors"] == []
    assert (await client.data(ORDER_POLICY, token=token))["viewer"]["orderPolicy"] == {
        "route": "BELOW_MINIMUM", "minimumOrderAmount": "100.00",
    }
