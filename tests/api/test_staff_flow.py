"""The mission's staff flow, end to end through GraphQL.

Given staff, when they make a debtor, a contact and a shop user, then the
customer signs in, must change the password, changes it, and reads its debtor
and order policy; and the same with an invitation link instead of a password.
"""

from __future__ import annotations

import re

from mail.rendering import render
from models import AuditEvent, OutboxMessage, ShopUser
from tests.api.sign_in import login, staff_token
from tests.factories import make_shop
from tests.graphql_answers import error_codes, user_errors

FIRST_PASSWORD = "Lilac-Branch-8841"
CUSTOMER_CHOICE = "sunflower-Field-1593"

CREATE_DEBTOR = """
mutation($input: CreateDebtorInput!) {
  createDebtor(input: $input) { debtor { id number name } userErrors { field code } }
}"""

CREATE_CONTACT = """
mutation($input: CreateContactPersonInput!) {
  createContactPerson(input: $input) { contactPerson { id firstName } userErrors { field code } }
}"""

CREATE_SHOP_USER = """
mutation($input: CreateShopUserInput!) {
  createShopUser(input: $input) {
    shopUser { id username status mustChangePassword contact { firstName } debtor { number } shop { handle } }
    userErrors { field code message }
  }
}"""

CHANGE_PASSWORD = """
mutation($current: String!, $new: String!) {
  changePassword(input: {currentPassword: $current, newPassword: $new, newPasswordConfirmation: $new}) {
    userErrors { code }
  }
}"""

CUSTOMER_VIEW = """
{
  viewer {
    ... on ShopUser {
      username mustChangePassword status
      debtor { name minimumOrderAmount }
      contact { firstName }
      shop { handle }
      orderPolicy(amount: "150.00") { route minimumOrderAmount checkoutPaymentLimit currency }
    }
  }
}"""

VIEWER_ONLY = "{ viewer { ... on ShopUser { username mustChangePassword } } }"

NODE = "query($id: ID!) { node(id: $id) { id } }"

ACCEPT_INVITATION = """
mutation($token: String!, $password: String!) {
  acceptInvitation(input: {token: $token, password: $password, passwordConfirmation: $password}) {
    token viewer { ... on ShopUser { username status } } userErrors { field code }
  }
}"""


async def make_debtor_and_contact(client, staff: str, email: str | None = None) -> tuple[dict, dict]:
    debtor = (await client.data(
        CREATE_DEBTOR,
        {"input": {
            "name": "Bloemenhal Aalsmeer", "minimumOrderAmount": "100", "checkoutPaymentLimit": "500",
        }},
        token=staff,
    ))["createDebtor"]
    assert debtor["userErrors"] == []
    contact = (await client.data(
        CREATE_CONTACT,
        {"input": {"debtorId": debtor["debtor"]["id"], "firstName": "Joost", "lastName": "Bakker",
                   "language": "nl", "email": email}},
        token=staff,
    ))["createContactPerson"]
    assert contact["userErrors"] == []
    return debtor["debtor"], contact["contactPerson"]


async def test_staff_made_password_must_be_changed_before_anything_else(client):
    await make_shop("flora", minimum_order_amount="50", checkout_payment_limit="1000")
    staff = await staff_token(client)
    debtor, contact = await make_debtor_and_contact(client, staff)
    assert re.fullmatch(r"D\d{6}", debtor["number"])

    created = (await client.data(CREATE_SHOP_USER, {"input": {
        "contactPersonId": contact["id"], "shop": "flora", "username": "Joost.Bakker",
        "language": "nl", "password": FIRST_PASSWORD, "passwordConfirmation": FIRST_PASSWORD,
    }}, token=staff))["createShopUser"]
    assert created["userErrors"] == []
    assert created["shopUser"]["status"] == "ACTIVE"
    assert created["shopUser"]["mustChangePassword"] is True
    assert created["shopUser"]["debtor"]["number"] == debtor["number"]

    session = await login(client, "joost.bakker", FIRST_PASSWORD)
    assert session["userErrors"] == []
    token = session["token"]

    viewer = await client.data(VIEWER_ONLY, token=token)
    assert viewer["viewer"] == {"username": "Joost.Bakker", "mustChangePassword": True}
    # Its own viewer reads in full; anything else waits for the new password.
    restricted = (await client.data(CUSTOMER_VIEW, token=token))["viewer"]
    assert restricted["debtor"] == {"name": "Bloemenhal Aalsmeer", "minimumOrderAmount": "100.00"}
    refused = await client.execute(NODE, {"id": debtor["id"]}, token=token)
    assert set(error_codes(refused)) == {"PASSWORD_CHANGE_REQUIRED"}

    changed = await client.data(
        CHANGE_PASSWORD, {"current": FIRST_PASSWORD, "new": CUSTOMER_CHOICE}, token=token
    )
    assert changed["changePassword"]["userErrors"] == []

    view = (await client.data(CUSTOMER_VIEW, token=token))["viewer"]
    assert view["mustChangePassword"] is False
    assert view["debtor"] == {"name": "Bloemenhal Aalsmeer", "minimumOrderAmount": "100.00"}
    assert view["orderPolicy"] == {
        "route": "CHECKOUT", "minimumOrderAmount": "100.00", "checkoutPaymentLimit": "500.00",
        "currency": "EUR",
    }
    actions = [e.action for e in await AuditEvent.all().order_by("id")]
    assert actions == [
        "admin.login", "debtor.created", "contact_person.created", "shop_user.created",
        "customer.login", "password.changed",
    ]


async def test_invited_user_sets_a_password_with_the_mailed_link(client):
    await make_shop("flora", notification_email="orders@flora.test")
    staff = await staff_token(client)
    _, contact = await make_debtor_and_contact(client, staff, email="joost@bakker.test")

    created = (await client.data(CREATE_SHOP_USER, {"input": {
        "contactPersonId": contact["id"], "shop": "flora", "username": "joost",
        "language": "en", "sendInvitation": True,
    }}, token=staff))["createShopUser"]
    assert created["userErrors"] == []
    assert created["shopUser"]["status"] == "INVITED"
    assert created["shopUser"]["mustChangePassword"] is False

    invitation = await OutboxMessage.get(template="invitation")
    assert invitation.recipient == "joost@bakker.test"
    mail = render(invitation.template, invitation.language, invitation.context)
    link = re.search(r"/account/invitation\?token=([\w-]+)", mail.text)
    assert link, mail.text
    token = link.group(1)
    assert token in mail.html

    accepted = (await client.data(ACCEPT_INVITATION, {"token": token, "password": CUSTOMER_CHOICE}))
    client.http.cookies.clear()
    assert accepted["acceptInvitation"]["userErrors"] == []
    assert accepted["acceptInvitation"]["viewer"] == {"username": "joost", "status": "ACTIVE"}
    view = (await client.data(CUSTOMER_VIEW, token=accepted["acceptInvitation"]["token"]))["viewer"]
    assert view["orderPolicy"]["route"] == "CHECKOUT"
    assert (await ShopUser.get(username="joost")).activated_at is not None
    staff_notice = await OutboxMessage.get(template="staff_account_activated")
    assert staff_notice.recipient == "orders@flora.test"

    again = await client.data(ACCEPT_INVITATION, {"token": token, "password": CUSTOMER_CHOICE})
    assert user_errors(again["acceptInvitation"]) == [(["token"], "INVALID_TOKEN")]
    assert (await login(client, "joost", CUSTOMER_CHOICE))["userErrors"] == []
