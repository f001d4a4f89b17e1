"""Signing in for API tests: create the account, sign in through GraphQL, return the token.

The client forgets the session cookie afterwards, so a test is signed in only
where it passes `token=...` and anonymous everywhere else.
"""

from __future__ import annotations

from models import Shop
from tests.factories import ADMIN_PASSWORD, CUSTOMER_PASSWORD, make_admin, make_customer, make_shop

ADMIN_LOGIN = """
mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) { token userErrors { code } }
}"""

LOGIN = """
mutation($shop: String!, $username: String!, $password: String!) {
  login(input: {shop: $shop, username: $username, password: $password}) { token userErrors { code } }
}"""


async def staff_token(client, email: str = "staff@example.com") -> str:
    """A new admin `email`, signed in; returns the bearer token."""
    await make_admin(email)
    data = await client.data(ADMIN_LOGIN, {"email": email, "password": ADMIN_PASSWORD})
    client.http.cookies.clear()
    assert data["adminLogin"]["userErrors"] == [], data
    return data["adminLogin"]["token"]


async def customer_token(client, shop_handle: str = "flora", username: str = "anna") -> str:
    """An active shop user `username` of shop `shop_handle` (made if missing), signed in."""
    shop = await Shop.get_or_none(handle=shop_handle) or await make_shop(shop_handle)
    await make_customer(shop, username)
    data = await client.data(
        LOGIN, {"shop": shop_handle, "username": username, "password": CUSTOMER_PASSWORD}
    )
    client.http.cookies.clear()
    assert data["login"]["userErrors"] == [], data
    return data["login"]["token"]
