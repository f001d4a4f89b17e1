"""Sessions one can see and end: AdminUser.sessions, ShopUser.sessions, endSession, endOtherSessions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import AuditEvent, Session, ShopUser, StaffRole
from schema.nodes import global_id
from tests.api.session_clock import SESSION_ENDED, hold_clock, make_staff
from tests.api.sign_in import ADMIN_LOGIN, VIEWER, admin_login, customer_token, login, session_token
from tests.factories import ADMIN_PASSWORD, make_customer, make_shop
from tests.graphql_answers import error_codes, gid, payload_of, user_errors
from tests.query_counter import count_queries

OWN_SESSIONS = """
{ viewer {
  ... on AdminUser { sessions { id createdAt lastSeenAt expiresAt clientAddress userAgent current } }
  ... on ShopUser { sessions { id createdAt lastSeenAt expiresAt clientAddress userAgent current } }
} }"""

ENDED_ANSWER = {"data": {"viewer": None}, "extensions": SESSION_ENDED}

SESSIONS_OF = """
query($id: ID!) { node(id: $id) {
  ... on AdminUser { sessions { id current } }
  ... on ShopUser { sessions { id current } }
} }"""

SESSION_NODE = """
query($id: ID!) { node(id: $id) { __typename ... on Session { id current } } }"""

END_SESSION = """
mutation($id: ID!) { endSession(input: {id: $id}) { ended userErrors { field message code } } }"""

END_OTHER_SESSIONS = "mutation { endOtherSessions { ended userErrors { field message code } } }"

SHOP_USERS_WITH_SESSIONS = """
{ shopUsers(first: 50) { edges { node { username sessions { id } } } } }"""


async def staff_signed_in(client, email: str, role: StaffRole = StaffRole.OWNER, shops=None) -> str:
    await make_staff(email, role, shops)
    payload = await admin_login(client, email)
    assert payload["userErrors"] == [], payload
    return payload["token"]


async def own_sessions(client, token: str) -> list[dict]:
    return (await client.data(OWN_SESSIONS, token=token))["viewer"]["sessions"]


async def sessions_of(client, account, token: str) -> dict:
    """The whole answer of reading `account`'s sessions through node(id:)."""
    return await client.execute(SESSIONS_OF, {"id": gid(account)}, token=token)


async def session_id_of(account) -> str:
    """The global id of the newest session of `account`."""
    owner = {"admin_id": account.id} if not isinstance(account, ShopUser) else {"shop_user_id": account.id}
    session = await Session.filter(**owner).order_by("-id").first()
    assert session is not None
    return gid(session)


async def end_session(client, session_id: str, token: str) -> dict:
    return payload_of(await client.execute(END_SESSION, {"id": session_id}, token=token), "endSession")


# Listing


async def test_staff_see_their_live_sessions_newest_first_with_the_current_one_marked(
    client, app, monkeypatch
):
    # given a sign-in left idle for 70 minutes, then three sign-ins ten minutes apart
    clock = hold_clock(app, monkeypatch)
    await make_staff("owner@example.com")
    await admin_login(client, "owner@example.com")
    clock.advance(minutes=70)
    tokens = []
    for _ in range(3):
        tokens.append((await admin_login(client, "owner@example.com"))["token"])
        clock.advance(minutes=10)

    listed = await own_sessions(client, tokens[1])

    # then the idle one is not listed, the others are newest first, the asking one marked
    rows = await Session.filter(admin__email="owner@example.com").order_by("-id").limit(3)
    assert [session["id"] for session in listed] == [gid(row) for row in rows]
    assert [session["current"] for session in listed] == [False, True, False]
    newest = listed[0]
    assert newest["clientAddress"] == "203.0.113.7"
    assert newest["userAgent"].startswith("python-httpx")
    assert newest["createdAt"] == newest["lastSeenAt"] == rows[0].created_at.isoformat()
    # a staff session ends 60 minutes after its last use, unless 12 hours come first
    assert newest["expiresAt"] == (rows[0].last_seen_at + timedelta(minutes=60)).isoformat()


async def test_a_customer_sees_its_own_sessions(client):
    token = await customer_token(client)
    await session_token(client)

    listed = await own_sessions(client, token)

    assert [session["current"] for session in listed] == [False, True]


async def test_an_owner_sees_a_colleagues_sessions(client):
    colleague = await make_staff("colleague@example.com", StaffRole.REVIEWER)
    await admin_login(client, "colleague@example.com")
    owner = await staff_signed_in(client, "owner@example.com")

    body = await sessions_of(client, colleague, owner)

    assert body["data"]["node"]["sessions"] == [{"id": await session_id_of(colleague), "current": False}]


@pytest.mark.parametrize("role", list(StaffRole))
async def test_every_role_sees_its_own_sessions(client, role):
    token = await staff_signed_in(client, "staff@example.com", role)
    assert [session["current"] for session in await own_sessions(client, token)] == [True]


@pytest.mark.parametrize("role", [StaffRole.MANAGER, StaffRole.SUPPORT, StaffRole.AUDITOR])
async def test_to_other_roles_a_colleague_and_its_sessions_read_as_missing(client, role):
    # (who reaches a colleague's account at all is node(id:)'s business; its sessions are
    # refused with FORBIDDEN wherever it is reached: tests/auth/test_sessions.py)
    colleague = await make_staff("colleague@example.com", StaffRole.REVIEWER)
    await admin_login(client, "colleague@example.com")
    token = await staff_signed_in(client, "asker@example.com", role)

    assert await sessions_of(client, colleague, token) == {"data": {"node": None}}
    session = await client.data(SESSION_NODE, {"id": await session_id_of(colleague)}, token=token)
    assert session["node"] is None


async def test_an_owner_of_some_shops_sees_only_sessions_of_colleagues_within_them(client):
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")
    everywhere = await make_staff("everywhere@example.com", StaffRole.SUPPORT)
    both = await make_staff("both@example.com", StaffRole.SUPPORT, [flora, greenhouse])
    inside = await make_staff("inside@example.com", StaffRole.SUPPORT, [flora])
    await admin_login(client, "both@example.com")
    token = await staff_signed_in(client, "owner@example.com", StaffRole.OWNER, [flora])

    assert (await sessions_of(client, everywhere, token))["data"]["node"] is None
    assert (await sessions_of(client, both, token))["data"]["node"] is None
    assert (await client.data(SESSION_NODE, {"id": await session_id_of(both)}, token=token))["node"] is None
    assert (await sessions_of(client, inside, token))["data"]["node"] == {"sessions": []}


async def test_support_staff_see_a_shop_users_sessions_in_their_shops(client):
    shop = await make_shop("flora")
    anna = await make_customer(shop, "anna")
    await login(client)
    token = await staff_signed_in(client, "support@example.com", StaffRole.SUPPORT, [shop])

    body = await sessions_of(client, anna, token)

    assert body["data"]["node"]["sessions"] == [{"id": await session_id_of(anna), "current": False}]


async def test_a_shop_user_of_another_shop_stays_out_of_reach(client):
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")
    anna = await make_customer(greenhouse, "anna")
    token = await staff_signed_in(client, "support@example.com", StaffRole.SUPPORT, [flora])

    body = await sessions_of(client, anna, token)

    assert body == {"data": {"node": None}}


async def test_an_auditor_reads_a_shop_user_but_not_its_sessions(client):
    # given an auditor, whose role reads shop users but does not support them
    anna = await make_customer(await make_shop("flora"), "anna")
    token = await staff_signed_in(client, "auditor@example.com", StaffRole.AUDITOR)

    body = await sessions_of(client, anna, token)

    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["path"] == ["node", "sessions"]


async def test_listing_sessions_of_many_shop_users_costs_one_statement_more(client):
    shop = await make_shop("flora")
    for number in range(5):
        await make_customer(shop, f"user{number}")
        await login(client, f"user{number}")
    token = await staff_signed_in(client, "owner@example.com")
    await client.data("{ __typename }", token=token)  # the session is read once, then kept

    with count_queries() as statements:
        data = await client.data(SHOP_USERS_WITH_SESSIONS, token=token)

    assert [len(edge["node"]["sessions"]) for edge in data["shopUsers"]["edges"]] == [1] * 5
    with count_queries() as without:
        await client.data("{ shopUsers(first: 50) { edges { node { username } } } }", token=token)
    assert len(statements) == len(without) + 1, "\n".join(statements)


# node(id:) of a Session


async def test_a_session_node_is_seen_exactly_where_its_accounts_sessions_list_it(client, app, monkeypatch):
    clock = hold_clock(app, monkeypatch)
    shop = await make_shop("flora")
    anna = await make_customer(shop, "anna")
    await make_customer(shop, "bert")
    anna_token = await session_token(client, "anna")
    bert_token = await session_token(client, "bert")
    support = await staff_signed_in(client, "support@example.com", StaffRole.SUPPORT, [shop])
    reviewer = await staff_signed_in(client, "reviewer@example.com", StaffRole.REVIEWER)
    session_id = await session_id_of(anna)

    def node(token):
        return client.data(SESSION_NODE, {"id": session_id}, token=token)

    assert (await node(anna_token))["node"] == {"__typename": "Session", "id": session_id, "current": True}
    assert (await node(support))["node"] == {"__typename": "Session", "id": session_id, "current": False}
    assert (await node(bert_token))["node"] is None
    assert (await node(reviewer))["node"] is None

    # and once idle past its end, nobody sees it, though the purge has not come yet
    clock.advance(days=8)
    fresh_support = (await admin_login(client, "support@example.com"))["token"]
    assert (await node(fresh_support))["node"] is None


# endSession


async def test_ending_another_of_ones_own_sessions_stops_its_token_and_is_audited(client):
    token = await customer_token(client)
    other = await session_token(client)
    anna = await ShopUser.get(username="anna")

    payload = await end_session(client, await session_id_of(anna), token)

    assert payload == {"ended": 1, "userErrors": []}
    assert await client.execute(VIEWER, token=other) == ENDED_ANSWER
    assert (await client.data(VIEWER, token=token))["viewer"] == {
        "__typename": "ShopUser", "username": "anna"
    }
    event = await AuditEvent.get(action="session.ended")
    assert (event.object_type, event.object_id, event.actor_id) == ("ShopUser", anna.id, anna.id)
    assert event.details["whose"] == "anna"


async def test_ending_the_current_session_signs_out_and_clears_the_cookie(client):
    await make_staff("owner@example.com")
    await client.post(ADMIN_LOGIN, {"email": "owner@example.com", "password": ADMIN_PASSWORD})
    assert client.http.cookies.get("gatehouse_session")
    current = gid(await Session.get())

    response = await client.post(END_SESSION, {"id": current})

    assert response.json()["data"]["endSession"] == {"ended": 1, "userErrors": []}
    assert "gatehouse_session" not in client.http.cookies
    assert await Session.all().count() == 0


async def test_support_staff_end_a_shop_users_session_in_their_shop(client):
    shop = await make_shop("flora")
    anna = await make_customer(shop, "anna")
    anna_token = await session_token(client)
    support = await staff_signed_in(client, "support@example.com", StaffRole.SUPPORT, [shop])

    payload = await end_session(client, await session_id_of(anna), support)

    assert payload == {"ended": 1, "userErrors": []}
    assert (await client.data(VIEWER, token=anna_token))["viewer"] is None
    event = await AuditEvent.get(action="session.ended")
    assert (event.actor_label, event.object_type, event.details["whose"]) == (
        "support@example.com", "ShopUser", "anna"
    )


async def test_an_owner_ends_a_colleagues_session(client):
    colleague = await make_staff("colleague@example.com", StaffRole.MANAGER)
    colleague_token = (await admin_login(client, "colleague@example.com"))["token"]
    owner = await staff_signed_in(client, "owner@example.com")

    payload = await end_session(client, await session_id_of(colleague), owner)

    assert payload == {"ended": 1, "userErrors": []}
    assert (await client.data(VIEWER, token=colleague_token))["viewer"] is None


async def refused_alike(client, session_id: str, token: str) -> None:
    payload = await end_session(client, session_id, token)
    assert payload["ended"] == 0
    assert user_errors(payload) == [(["id"], "NOT_FOUND")]


async def test_sessions_one_may_not_end_are_not_found_like_unknown_ones(client):
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")
    anna = await make_customer(greenhouse, "anna")
    await make_customer(flora, "bert")
    await session_token(client, "anna", shop="greenhouse")
    bert = await session_token(client, "bert")
    colleague = await make_staff("colleague@example.com")
    await admin_login(client, "colleague@example.com")
    flora_support = await staff_signed_in(client, "support@example.com", StaffRole.SUPPORT, [flora])
    reviewer = await staff_signed_in(client, "reviewer@example.com", StaffRole.REVIEWER)
    manager = await staff_signed_in(client, "manager@example.com", StaffRole.MANAGER)
    annas, colleagues = await session_id_of(anna), await session_id_of(colleague)
    before = await Session.all().count()

    await refused_alike(client, annas, bert)  # another customer's
    await refused_alike(client, annas, flora_support)  # a shop user of another shop
    await refused_alike(client, annas, reviewer)  # a role that does not support shop users
    await refused_alike(client, colleagues, manager)  # a role that does not manage staff
    await refused_alike(client, colleagues, flora_support)
    await refused_alike(client, global_id("Session", 999_999), manager)  # unknown id
    await refused_alike(client, "not-an-id", manager)
    await refused_alike(client, gid(anna), manager)  # the id of something else

    assert await Session.all().count() == before
    assert await AuditEvent.filter(action="session.ended").count() == 0


async def test_an_idle_session_cannot_be_ended_any_more(client, app, monkeypatch):
    clock = hold_clock(app, monkeypatch)
    shop = await make_shop("flora")
    anna = await make_customer(shop, "anna")
    await session_token(client)
    clock.advance(days=8)
    support = await staff_signed_in(client, "support@example.com", StaffRole.SUPPORT)

    await refused_alike(client, await session_id_of(anna), support)


async def test_ending_sessions_needs_a_sign_in(client):
    body = await client.execute(END_OTHER_SESSIONS)
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_a_customer_who_must_change_the_password_must_do_that_first(client):
    anna = await make_customer(await make_shop("flora"), "anna", must_change_password=True)
    token = await session_token(client)

    body = await client.execute(END_SESSION, {"id": await session_id_of(anna)}, token=token)

    assert error_codes(body) == ["PASSWORD_CHANGE_REQUIRED"]
    assert await Session.all().count() == 1


# endOtherSessions


async def test_end_other_sessions_ends_all_of_ones_own_but_this_one(client, app, monkeypatch):
    clock = hold_clock(app, monkeypatch)
    await make_staff("owner@example.com")
    await make_staff("colleague@example.com")
    idle = (await admin_login(client, "owner@example.com"))["token"]
    clock.advance(minutes=61)
    others = [(await admin_login(client, "owner@example.com"))["token"] for _ in range(2)]
    current = (await admin_login(client, "owner@example.com"))["token"]
    colleague = (await admin_login(client, "colleague@example.com"))["token"]

    payload = payload_of(await client.execute(END_OTHER_SESSIONS, token=current), "endOtherSessions")

    # then the two live ones end (the idle one had already), the current and the colleague's live on
    assert payload == {"ended": 2, "userErrors": []}
    for token in [*others, idle]:
        assert (await client.data(VIEWER, token=token))["viewer"] is None
    assert (await client.data(VIEWER, token=current))["viewer"] is not None
    assert (await client.data(VIEWER, token=colleague))["viewer"] is not None
    assert [session["current"] for session in await own_sessions(client, current)] == [True]
    event = await AuditEvent.get(action="sessions.ended_others")
    assert (event.actor_label, event.object_type, event.details) == (
        "owner@example.com", "AdminUser", {"ended": 2}
    )
