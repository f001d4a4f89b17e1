"""Who may call what: staff-only fields refuse anonymous callers and customers alike.

Anonymous callers get `UNAUTHENTICATED`, signed-in customers `FORBIDDEN`, and
neither writes anything. `viewer` is open to all and reads null for anyone
not signed in, however the token is broken.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from models import AuditEvent, Session, Shop
from tests.api.sign_in import customer_token, staff_token

CREATE_SHOP = """
mutation($handle: String!, $name: String!) {
  createShop(input: {handle: $handle, name: $name}) {
    shop { handle }
    userErrors { field code }
  }
}"""

SHOPS = "{ shops { handle name } }"

AUDIT_EVENTS = """
{ auditEvents(first: 10) { totalCount edges { node { action actorLabel } } } }"""

VIEWER = "{ viewer { __typename ... on AdminUser { email } ... on ShopUser { username } } }"


def only_error(body: dict) -> dict:
    """The single GraphQL error of a refused call."""
    assert len(body.get("errors", [])) == 1, body
    return body["errors"][0]


async def written_rows() -> tuple[int, int, int]:
    return await Shop.all().count(), await AuditEvent.all().count(), await Session.all().count()


# --- createShop -----------------------------------------------------------------------------


async def test_create_shop_anonymously_is_unauthenticated_and_writes_nothing(client):
    before = await written_rows()

    body = await client.execute(CREATE_SHOP, {"handle": "tulip", "name": "Tulip Trade"})

    error = only_error(body)
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert error["path"] == ["createShop"]
    assert body["data"] is None
    assert await written_rows() == before
    assert not await Shop.exists(handle="tulip")


async def test_create_shop_as_customer_is_forbidden_and_writes_nothing(client):
    token = await customer_token(client)
    before = await written_rows()

    body = await client.execute(CREATE_SHOP, {"handle": "tulip", "name": "Tulip Trade"}, token=token)

    error = only_error(body)
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["path"] == ["createShop"]
    assert body["data"] is None
    assert await written_rows() == before
    assert not await Shop.exists(handle="tulip")


async def test_create_shop_as_staff_is_allowed(client):
    # The counterpart of the two refusals above: the same call by staff goes through.
    token = await staff_token(client)

    data = await client.data(CREATE_SHOP, {"handle": "tulip", "name": "Tulip Trade"}, token=token)

    assert data["createShop"] == {"shop": {"handle": "tulip"}, "userErrors": []}
    assert await Shop.exists(handle="tulip")


# --- shops ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "code"), [("anonymous", "UNAUTHENTICATED"), ("customer", "FORBIDDEN")])
async def test_shops_is_staff_only(client, who, code):
    token = await customer_token(client) if who == "customer" else None
    before = await written_rows()

    body = await client.execute(SHOPS, token=token)

    error = only_error(body)
    assert error["extensions"]["code"] == code
    assert error["path"] == ["shops"]
    assert body["data"] is None  # nothing of the list leaks, not even the customer's own shop
    assert "flora" not in str(body)
    assert await written_rows() == before


# --- auditEvents ----------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "code"), [("anonymous", "UNAUTHENTICATED"), ("customer", "FORBIDDEN")])
async def test_audit_events_is_staff_only(client, who, code):
    await staff_token(client, "boss@example.com")  # leaves an 'admin.login' event to hide
    token = await customer_token(client) if who == "customer" else None
    assert await AuditEvent.all().count() >= 1
    before = await written_rows()

    body = await client.execute(AUDIT_EVENTS, token=token)

    error = only_error(body)
    assert error["extensions"]["code"] == code
    assert error["path"] == ["auditEvents"]
    assert body["data"] is None
    assert "boss@example.com" not in str(body)
    assert await written_rows() == before


async def test_audit_events_as_staff_lists_the_sign_ins(client):
    token = await staff_token(client, "boss@example.com")

    data = await client.data(AUDIT_EVENTS, token=token)

    nodes = [edge["node"] for edge in data["auditEvents"]["edges"]]
    assert {"action": "admin.login", "actorLabel": "boss@example.com"} in nodes
    assert data["auditEvents"]["totalCount"] == len(nodes)


# --- viewer ---------------------------------------------------------------------------------


async def test_viewer_anonymously_is_null(client):
    body = await client.execute(VIEWER)

    assert body == {"data": {"viewer": None}}


@pytest.mark.parametrize(
    "garbage",
    [
        "not-a-token",
        "x" * 5000,
        "' OR 1=1 --",
        "Bearer",
    ],
)
async def test_viewer_with_a_garbage_bearer_token_is_null(client, garbage):
    await staff_token(client)  # a real session exists; garbage must not match it

    body = await client.execute(VIEWER, token=garbage)

    # anonymous, and told that the token it sent signs nobody in
    assert body == {"data": {"viewer": None}, "extensions": {"session": "ENDED"}}


async def test_viewer_with_non_ascii_bytes_in_the_authorization_header_is_null(client):
    await staff_token(client)

    response = await client.http.post(
        "/graphql",
        json={"query": VIEWER},
        headers={"Authorization": "Bearer caf\xe9-\xff".encode("latin-1")},
    )

    assert response.status_code == 200
    assert response.json() == {"data": {"viewer": None}, "extensions": {"session": "ENDED"}}


async def test_viewer_with_a_garbage_session_cookie_is_null(client):
    await staff_token(client)
    client.http.cookies.set("gatehouse_session", "forged-cookie-value")

    body = await client.execute(VIEWER)

    assert body == {"data": {"viewer": None}, "extensions": {"session": "ENDED"}}


async def test_staff_only_field_with_a_garbage_token_is_unauthenticated(client):
    await staff_token(client)

    body = await client.execute(SHOPS, token="definitely-not-a-session")

    assert only_error(body)["extensions"]["code"] == "UNAUTHENTICATED"


async def test_viewer_with_an_expired_session_token_is_null(client):
    token = await staff_token(client)
    assert (await client.data(VIEWER, token=token))["viewer"]["__typename"] == "AdminUser"
    session = await Session.get()
    session.expires_at = session.created_at - timedelta(seconds=1)
    await session.save()

    assert (await client.data(VIEWER, token=token))["viewer"] is None
    assert only_error(await client.execute(SHOPS, token=token))["extensions"]["code"] == (
        "UNAUTHENTICATED"
    )


async def test_viewer_with_a_real_token_names_the_caller(client):
    # Guards the null answers above: a valid token is read.
    staff = await staff_token(client)
    customer = await customer_token(client)

    assert (await client.data(VIEWER, token=staff))["viewer"] == {
        "__typename": "AdminUser", "email": "staff@example.com"
    }
    assert (await client.data(VIEWER, token=customer))["viewer"] == {
        "__typename": "ShopUser", "username": "anna"
    }


def test_every_staff_only_field_tells_anonymous_callers_to_sign_in_first():
    from auth.permissions import Capable, IsSignedIn, IsStaff
    from schema import schema

    checked = []
    for root in ("Query", "Mutation"):
        definition = schema.get_type_by_name(root)
        assert definition is not None
        for field in definition.fields:  # type: ignore[union-attr]
            classes = list(field.permission_classes)
            staff = [c for c in classes if c is IsStaff or issubclass(c, Capable)]
            if staff:
                checked.append(field.name)
                assert IsSignedIn in classes[: classes.index(staff[0])], field.name
    assert len(checked) >= 20  # the staff fields were really found
