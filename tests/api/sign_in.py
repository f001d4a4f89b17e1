"""Signing in for API tests, through GraphQL like a storefront or the dashboard.

Every helper empties the client's cookie jar afterwards, so a test is signed in
only where it passes `token=...` and anonymous everywhere else.
"""

from __future__ import annotations

from typing import Any

from models import Shop
from tests.conftest import GraphQLClient
from tests.factories import ADMIN_PASSWORD, CUSTOMER_PASSWORD, make_admin, make_customer, make_shop

ADMIN_LOGIN = """
mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) {
    token userErrors { field code message retryAfterSeconds }
  }
}"""

LOGIN = """
mutation($shop: String!, $username: String!, $password: String!) {
  login(input: {shop: $shop, username: $username, password: $password}) {
    token userErrors { field code message retryAfterSeconds }
  }
}"""

VIEWER = "{ viewer { __typename ... on AdminUser { email } ... on ShopUser { username } } }"


async def login(
    client: GraphQLClient, username: str = "anna", password: str = CUSTOMER_PASSWORD, shop: str = "flora"
) -> dict[str, Any]:
    """The `login` payload (token, userErrors) of a shop user's sign-in, whatever its outcome."""
    data = await client.data(LOGIN, {"shop": shop, "username": username, "password": password})
    client.http.cookies.clear()
    return data["login"]


async def admin_login(
    client: GraphQLClient, email: str = "staff@example.com", password: str = ADMIN_PASSWORD
) -> dict[str, Any]:
    """The `adminLogin` payload (token, userErrors) of a staff sign-in, whatever its outcome."""
    data = await client.data(ADMIN_LOGIN, {"email": email, "password": password})
    client.http.cookies.clear()
    return data["adminLogin"]


async def session_token(
    client: GraphQLClient, username: str = "anna", password: str = CUSTOMER_PASSWORD, shop: str = "flora"
) -> str:
    """The bearer token of an existing shop user's sign-in, which must succeed."""
    payload = await login(client, username, password, shop)
    assert payload["userErrors"] == [], payload
    assert payload["token"], payload
    return payload["token"]


async def staff_token(client: GraphQLClient, email: str = "staff@example.com") -> str:
    """A new admin `email`, signed in; returns the bearer token."""
    await make_admin(email)
    payload = await admin_login(client, email)
    assert payload["userErrors"] == [], payload
    return payload["token"]


async def customer_token(client: GraphQLClient, shop_handle: str = "flora", username: str = "anna") -> str:
    """A new active shop user `username` of shop `shop_handle` (made if missing), signed in."""
    shop = await Shop.get_or_none(handle=shop_handle) or await make_shop(shop_handle)
    await make_customer(shop, username)
    return await session_token(client, username, shop=shop_handle)


async def viewer_of(client: GraphQLClient, token: str, query: str = VIEWER) -> dict[str, Any] | None:
    """The `viewer` a bearer token reads as (None: anonymous), asked without any cookie."""
    client.http.cookies.clear()
    return (await client.data(query, token=token))["viewer"]
