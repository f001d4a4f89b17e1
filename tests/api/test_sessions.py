"""Signing in and out: adminLogin, login, logout, viewer with cookie and bearer token."""

from __future__ import annotations

from models import AuditEvent, Session
from tests.factories import ADMIN_PASSWORD, CUSTOMER_PASSWORD, make_admin, make_customer, make_shop
from tests.graphql_answers import user_errors

ADMIN_LOGIN = """
mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) {
    token
    viewer { __typename ... on AdminUser { email } }
    userErrors { field message code }
  }
}"""

LOGIN = """
mutation($shop: String!, $username: String!, $password: String!) {
  login(input: {shop: $shop, username: $username, password: $password}) {
    token
    viewer { __typename ... on ShopUser { username status } }
    userErrors { field message code }
  }
}"""

VIEWER = "{ viewer { __typename ... on AdminUser { email } ... on ShopUser { username } } }"
LOGOUT = "mutation { logout { loggedOut userErrors { code } } }"


async def test_admin_login_then_viewer_by_cookie_and_by_bearer_then_logout(client):
    await make_admin("staff@example.com")

    data = await client.data(ADMIN_LOGIN, {"email": "Staff@Example.com", "password": ADMIN_PASSWORD})
    token = data["adminLogin"]["token"]
    assert data["adminLogin"]["userErrors"] == []
    assert data["adminLogin"]["viewer"] == {"__typename": "AdminUser", "email": "staff@example.com"}
    cookie = client.http.cookies.get("gatehouse_session")
    assert cookie == token

    by_cookie = await client.data(VIEWER)
    client.http.cookies.clear()
    by_bearer = await client.data(VIEWER, token=token)
    assert by_cookie["viewer"] == by_bearer["viewer"] == {
        "__typename": "AdminUser", "email": "staff@example.com"
    }

    assert (await client.data(LOGOUT, token=token))["logout"]["loggedOut"] is True
    assert (await client.data(VIEWER, token=token))["viewer"] is None
    assert await Session.all().count() == 0


async def test_login_cookie_is_httponly_and_samesite_lax(client):
    await make_admin()
    response = await client.post(ADMIN_LOGIN, {"email": "staff@example.com", "password": ADMIN_PASSWORD})
    set_cookie = response.headers["set-cookie"].lower()
    assert "httponly" in set_cookie
    assert "samesite=lax" in set_cookie
    assert "secure" not in set_cookie  # the test settings turn Secure off for plain http


async def test_session_token_is_stored_only_as_a_hash(client):
    await make_admin()
    data = await client.data(ADMIN_LOGIN, {"email": "staff@example.com", "password": ADMIN_PASSWORD})
    token = data["adminLogin"]["token"]
    session = await Session.get()
    assert token not in session.token_hash
    assert len(token) >= 43  # 256 random bits in URL-safe base64


async def test_wrong_password_and_unknown_email_answer_alike(client):
    await make_admin("staff@example.com")
    wrong_password = await client.data(ADMIN_LOGIN, {"email": "staff@example.com", "password": "nope-1234"})
    unknown_email = await client.data(ADMIN_LOGIN, {"email": "ghost@example.com", "password": "nope-1234"})
    assert wrong_password["adminLogin"] == unknown_email["adminLogin"]
    assert wrong_password["adminLogin"]["token"] is None
    assert user_errors(wrong_password["adminLogin"]) == [(None, "INVALID_CREDENTIALS")]
    assert await Session.all().count() == 0


async def test_customer_login_and_failures_are_audited(client):
    shop = await make_shop("flora")
    await make_customer(shop, "anna")

    ok = await client.data(LOGIN, {"shop": "flora", "username": "ANNA", "password": CUSTOMER_PASSWORD})
    assert ok["login"]["viewer"] == {"__typename": "ShopUser", "username": "anna", "status": "ACTIVE"}
    bad = await client.data(LOGIN, {"shop": "flora", "username": "anna", "password": "wrong-pass-1"})
    unknown = await client.data(LOGIN, {"shop": "flora", "username": "zoe", "password": "wrong-pass-1"})
    assert bad["login"] == unknown["login"]
    assert user_errors(bad["login"]) == [(None, "INVALID_CREDENTIALS")]

    actions = [event.action for event in await AuditEvent.all().order_by("id")]
    assert actions == ["customer.login", "customer.login_failed", "customer.login_failed"]
    assert {event.client_address for event in await AuditEvent.all()} == {"203.0.113.7"}


async def test_excluded_customer_cannot_sign_in(client):
    shop = await make_shop("flora")
    await make_customer(shop, "anna", excluded=True, exclusion_reason="unpaid bills")

    data = await client.data(LOGIN, {"shop": "flora", "username": "anna", "password": CUSTOMER_PASSWORD})
    assert data["login"]["token"] is None
    assert user_errors(data["login"]) == [(None, "ACCOUNT_EXCLUDED")]
    assert await Session.all().count() == 0


async def test_invited_customer_without_password_cannot_sign_in(client):
    shop = await make_shop("flora")
    await make_customer(shop, "anna", password=None)
    data = await client.data(LOGIN, {"shop": "flora", "username": "anna", "password": CUSTOMER_PASSWORD})
    assert user_errors(data["login"]) == [(None, "INVALID_CREDENTIALS")]
