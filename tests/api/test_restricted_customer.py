"""A shop user whose password staff typed reads itself, and does nothing else until it changes it.

Given a customer made with mustChangePassword and signed in, when it asks for its own
`viewer` with everything around it, then all of it reads, its order rules included;
every other field answers PASSWORD_CHANGE_REQUIRED; once it has changed its password,
everything works as for any customer.
"""

from __future__ import annotations

from models import ShopUser
from tests.api.sign_in import session_token
from tests.factories import CUSTOMER_PASSWORD, make_customer, make_shop
from tests.graphql_answers import error_codes, gid

NEW_PASSWORD = "hyacinth-Meadow-2931"

OWN_VIEW = """
{
  viewer {
    __typename
    ... on ShopUser {
      username mustChangePassword status
      contact { firstName shopUsers { username } debtor { name } }
      debtor { name minimumOrderAmount contacts { firstName } }
      shop { handle currency registrationFields { key } }
      orderPolicy(amount: "150.00") { route minimumOrderAmount checkoutPaymentLimit currency }
    }
  }
}"""

NODE = "query($id: ID!) { node(id: $id) { id } }"
REGISTRATION_FORM = '{ registrationForm(shop: "flora") { shop } }'
LOGIN = """
mutation {
  login(input: {shop: "flora", username: "anna", password: "wrong-password-1"}) { token }
}"""
SUBMIT = """
mutation {
  submitRegistration(input: {shop: "flora", name: "Eva", email: "eva@x.test"}) { userErrors { code } }
}"""
REQUEST_RESET = """
mutation { requestPasswordReset(input: {shop: "flora", email: "anna@x.test"}) { requested } }"""
CHANGE_PASSWORD = """
mutation($current: String!, $new: String!) {
  changePassword(input: {currentPassword: $current, newPassword: $new, newPasswordConfirmation: $new}) {
    userErrors { code }
  }
}"""
LOGOUT = "mutation { logout { loggedOut } }"

EXPECTED_VIEW = {
    "__typename": "ShopUser",
    "username": "anna",
    "status": "ACTIVE",
    "contact": {"firstName": "Anna", "shopUsers": [{"username": "anna"}], "debtor": {"name": "Bloemen BV"}},
    "debtor": {"name": "Bloemen BV", "minimumOrderAmount": "100.00", "contacts": [{"firstName": "Anna"}]},
    "shop": {"handle": "flora", "currency": "EUR", "registrationFields": []},
    "orderPolicy": {
        "route": "CHECKOUT", "minimumOrderAmount": "100.00", "checkoutPaymentLimit": "500.00",
        "currency": "EUR",
    },
}


async def restricted_customer(client) -> tuple[ShopUser, str]:
    shop = await make_shop("flora")
    anna = await make_customer(
        shop, "anna", must_change_password=True,
        minimum_order_amount="100", checkout_payment_limit="500",
    )
    return anna, await session_token(client)


async def test_a_restricted_customer_reads_its_whole_viewer(client):
    _, token = await restricted_customer(client)

    body = await client.execute(OWN_VIEW, token=token)

    assert "errors" not in body, body
    assert body["data"]["viewer"] == {**EXPECTED_VIEW, "mustChangePassword": True}


async def test_everything_else_answers_password_change_required(client):
    anna, token = await restricted_customer(client)
    calls = {
        "node": (NODE, {"id": gid(anna)}),
        "registrationForm": (REGISTRATION_FORM, {}),
        "login": (LOGIN, {}),
        "submitRegistration": (SUBMIT, {}),
        "requestPasswordReset": (REQUEST_RESET, {}),
    }

    codes = {
        name: error_codes(await client.execute(query, variables, token=token))
        for name, (query, variables) in calls.items()
    }

    assert codes == {name: ["PASSWORD_CHANGE_REQUIRED"] for name in calls}


async def test_after_changing_its_password_everything_works(client):
    anna, token = await restricted_customer(client)

    changed = await client.data(
        CHANGE_PASSWORD, {"current": CUSTOMER_PASSWORD, "new": NEW_PASSWORD}, token=token
    )

    assert changed["changePassword"]["userErrors"] == []
    view = (await client.data(OWN_VIEW, token=token))["viewer"]
    assert view == {**EXPECTED_VIEW, "mustChangePassword": False}
    assert (await client.data(NODE, {"id": gid(anna)}, token=token))["node"] == {"id": gid(anna)}
    assert (await client.data(REGISTRATION_FORM, token=token))["registrationForm"] == {"shop": "flora"}


async def test_a_restricted_customer_may_log_out(client):
    _, token = await restricted_customer(client)

    body = await client.execute(LOGOUT, token=token)

    assert error_codes(body) == []
    assert body["data"]["logout"] == {"loggedOut": True}
    assert (await client.execute(OWN_VIEW, token=token))["data"]["viewer"] is None
