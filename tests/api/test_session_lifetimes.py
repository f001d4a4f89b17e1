"""How long a session lives, and what a client hears once its token signs nobody in."""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import Session
from tests.api.session_clock import SESSION_ENDED, hold_clock
from tests.api.sign_in import (
    ADMIN_LOGIN,
    LOGIN,
    VIEWER,
    admin_login,
    customer_token,
    session_token,
    staff_token,
)
from tests.factories import ADMIN_PASSWORD, CUSTOMER_PASSWORD, make_admin, make_customer, make_shop
from tests.query_counter import count_queries

ENDED_ANSWER = {"data": {"viewer": None}, "extensions": SESSION_ENDED}
LOGOUT = "mutation { logout { loggedOut } }"
END_SESSION = "mutation($id: ID!) { endSession(input: {id: $id}) { ended userErrors { code } } }"
OWN_SESSIONS = "{ viewer { ... on AdminUser { sessions { id current } } } }"
STOREFRONT_VIEWER = """
{ viewer { ... on ShopUser { username shop { handle } } } }"""


def cookie_deleted(response) -> bool:
    """Whether the response tells the browser to drop the session cookie."""
    cookies = response.headers.get_list("set-cookie")
    return any(c.startswith("gatehouse_session=") and "max-age=0" in c.lower() for c in cookies)


async def ended_staff_token(client) -> str:
    token = await staff_token(client)
    await client.data(LOGOUT, token=token)
    return token


async def test_an_ended_token_sent_as_cookie_is_answered_as_anonymous_and_the_cookie_cleared(client):
    # given a browser signed in as staff, whose session then ends elsewhere
    await make_admin()
    await client.post(ADMIN_LOGIN, {"email": "staff@example.com", "password": ADMIN_PASSWORD})
    assert client.http.cookies.get("gatehouse_session")
    await Session.all().delete()

    # when the browser sends its cookie
    response = await client.post(VIEWER)

    # then it is anonymous, told that its session ended, and the cookie goes
    body = response.json()
    assert body["data"] == {"viewer": None}
    assert body["extensions"] == SESSION_ENDED
    assert cookie_deleted(response)
    assert "gatehouse_session" not in client.http.cookies


async def test_an_ended_bearer_token_is_answered_as_anonymous_with_the_notice(client):
    token = await ended_staff_token(client)

    response = await client.post(VIEWER, token=token)

    assert response.json() == {"data": {"viewer": None}, "extensions": SESSION_ENDED}
    assert cookie_deleted(response)


async def test_an_unknown_token_is_told_the_same(client):
    body = await client.execute(VIEWER, token="not-a-token-anyone-was-given")
    assert body == {"data": {"viewer": None}, "extensions": SESSION_ENDED}


async def test_a_request_without_a_token_hears_nothing_of_sessions(client):
    response = await client.post(VIEWER)
    assert response.json() == {"data": {"viewer": None}}
    assert "set-cookie" not in response.headers


async def test_a_live_token_hears_nothing_of_sessions(client):
    token = await staff_token(client)
    response = await client.post(VIEWER, token=token)
    assert response.json() == {"data": {"viewer": {"__typename": "AdminUser", "email": "staff@example.com"}}}
    assert "set-cookie" not in response.headers


async def test_a_storefront_whose_customer_session_ended_reads_viewer_null_with_the_notice(client):
    # given a customer signed in on a storefront, whose session is ended from elsewhere
    token = await customer_token(client)
    await Session.all().delete()

    body = await client.execute(STOREFRONT_VIEWER, token=token)

    assert body == {"data": {"viewer": None}, "extensions": SESSION_ENDED}


async def test_an_ended_session_stops_at_once_after_end_session(client):
    # given two sessions of the same staff member, the first ending the second
    first = await staff_token(client)
    second = (await admin_login(client))["token"]
    listed = (await client.data(OWN_SESSIONS, token=first))["viewer"]["sessions"]
    other = next(session["id"] for session in listed if not session["current"])

    ended = await client.data(END_SESSION, {"id": other}, token=first)

    assert ended["endSession"] == {"ended": 1, "userErrors": []}
    assert await client.execute(VIEWER, token=second) == ENDED_ANSWER
    assert (await client.data(VIEWER, token=first))["viewer"] is not None


async def test_signing_in_with_an_ended_cookie_keeps_the_new_one(client):
    # given a browser holding the cookie of a session that has ended
    await make_admin()
    await client.post(ADMIN_LOGIN, {"email": "staff@example.com", "password": ADMIN_PASSWORD})
    await Session.all().delete()

    # when it signs in again
    response = await client.post(ADMIN_LOGIN, {"email": "staff@example.com", "password": ADMIN_PASSWORD})

    # then the answer is no notice, and the browser keeps the new session's cookie
    body = response.json()
    assert "extensions" not in body
    fresh = body["data"]["adminLogin"]["token"]
    assert client.http.cookies.get("gatehouse_session") == fresh
    assert (await client.data(VIEWER))["viewer"] == {"__typename": "AdminUser", "email": "staff@example.com"}


@pytest.mark.parametrize(
    ("sign_in", "max_age"),
    [("staff", 12 * 3600), ("customer", 30 * 24 * 3600)],
)
async def test_the_cookie_lives_as_long_as_the_kind_of_session_at_most(client, sign_in, max_age):
    if sign_in == "staff":
        await make_admin()
        response = await client.post(ADMIN_LOGIN, {"email": "staff@example.com", "password": ADMIN_PASSWORD})
    else:
        await make_customer(await make_shop("flora"), "anna")
        response = await client.post(
            LOGIN, {"shop": "flora", "username": "anna", "password": CUSTOMER_PASSWORD}
        )

    assert f"max-age={max_age};" in response.headers["set-cookie"].lower()


async def test_a_staff_session_unused_for_61_minutes_has_ended(client, app, monkeypatch):
    clock = hold_clock(app, monkeypatch)
    token = await staff_token(client)

    clock.advance(minutes=61)

    assert await client.execute(VIEWER, token=token) == ENDED_ANSWER


async def test_a_staff_session_used_every_50_minutes_lives_until_12_hours(client, app, monkeypatch):
    # given a staff member signed in, who sends a request every 50 minutes
    clock = hold_clock(app, monkeypatch)
    token = await staff_token(client)
    for _ in range(14):  # 14 times 50 minutes = 11 h 40 min
        clock.advance(minutes=50)
        assert (await client.data(VIEWER, token=token))["viewer"] is not None

    # when 12 hours have passed since the sign-in, although the last request is 20 minutes old
    clock.advance(minutes=20)

    # then the session has ended
    assert await client.execute(VIEWER, token=token) == ENDED_ANSWER


async def test_a_customer_session_unused_for_8_days_has_ended_one_of_6_days_lives(client, app, monkeypatch):
    clock = hold_clock(app, monkeypatch)
    idle = await customer_token(client)
    used = await session_token(client)

    clock.advance(days=6)
    assert (await client.data(VIEWER, token=used))["viewer"] is not None
    clock.advance(days=2)

    assert await client.execute(VIEWER, token=idle) == ENDED_ANSWER
    assert (await client.data(VIEWER, token=used))["viewer"] is not None


async def test_a_customer_session_used_every_6_days_lives_until_30_days(client, app, monkeypatch):
    clock = hold_clock(app, monkeypatch)
    token = await customer_token(client)
    for _ in range(4):  # day 24
        clock.advance(days=6)
        assert (await client.data(VIEWER, token=token))["viewer"] is not None
    clock.advance(days=5, hours=23)
    assert (await client.data(VIEWER, token=token))["viewer"] is not None

    clock.advance(hours=1)  # 30 days after the sign-in

    assert await client.execute(VIEWER, token=token) == ENDED_ANSWER


def updates(statements: list[str]) -> list[str]:
    return [statement for statement in statements if statement.lstrip().upper().startswith("UPDATE")]


async def test_last_seen_is_written_at_most_once_a_minute(client, app, monkeypatch):
    # given a staff session, its last request a minute and more ago
    clock = hold_clock(app, monkeypatch)
    token = await staff_token(client)
    clock.advance(minutes=2)

    # when five requests come within the same minute
    with count_queries() as statements:
        for _ in range(5):
            await client.data(VIEWER, token=token)
            clock.advance(seconds=10)
    first_minute = updates(statements)

    # then only the first writes lastSeenAt
    assert len(first_minute) == 1, first_minute
    session = await Session.get()
    assert session.last_seen_at == clock.now - timedelta(seconds=50)

    # and once the minute since that write has passed, the next request writes it again
    clock.advance(seconds=10)
    with count_queries() as statements:
        await client.data(VIEWER, token=token)
    assert len(updates(statements)) == 1
    assert (await Session.get()).last_seen_at == clock.now


async def test_requests_right_after_sign_in_write_nothing(client, app, monkeypatch):
    clock = hold_clock(app, monkeypatch)
    token = await staff_token(client)

    with count_queries() as statements:
        for _ in range(5):
            clock.advance(seconds=11)
            await client.data(VIEWER, token=token)

    assert updates(statements) == []
