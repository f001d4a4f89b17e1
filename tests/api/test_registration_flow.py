"""Both registration flows of the mission, through GraphQL, mail included.

Manual: submit → staff mail → approve → invitation mail → acceptInvitation →
sign-in → staff told the account is active. Automatic: submit with a password
→ sign-in at once. And rule 7 of docs/api.md: existing customers are linked, never duplicated.
"""

from __future__ import annotations

import re
from email.message import EmailMessage

from models import (
    ContactPerson,
    Debtor,
    OutboxMessage,
    RegistrationRequest,
    Shop,
    ShopUser,
)
from tests.api.sign_in import session_token, staff_token
from tests.api.submissions import submission
from tests.factories import make_contact, make_customer, make_debtor, make_field, make_shop
from tests.graphql_answers import user_errors
from tests.mail.smtp_server import deliver

CHOSEN_PASSWORD = "Hyacinth-Meadow-6620"

FORM = """
query($shop: String!) {
  registrationForm(shop: $shop) { shop open approvalMode languages fields { key label position } }
}"""

SUBMIT = """
mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) {
    registrationRequest { id status }
    shopUser { id }
    userErrors { field code message }
  }
}"""

REQUESTS = """
query($status: RegistrationStatus) {
  registrationRequests(shop: "flora", status: $status) {
    totalCount
    edges { node {
      id name email company status
      answers { key label value }
      matchingDebtors { number }
      debtor { number priceListTags }
      shopUser { username status }
      decidedBy { email }
    } }
  }
}"""

APPROVE = """
mutation($ids: [ID!]!, $debtorId: ID, $tags: [String!]) {
  approve(input: {ids: $ids, debtorId: $debtorId, priceListTags: $tags}) {
    registrationRequests { id status debtor { number priceListTags } shopUser { username status } }
    userErrors { field code }
  }
}"""

ACCEPT = """
mutation($token: String!, $password: String!) {
  acceptInvitation(input: {token: $token, password: $password, passwordConfirmation: $password}) {
    token userErrors { code }
  }
}"""

CUSTOMER_VIEW = """
{ viewer { ... on ShopUser { username debtor { name priceListTags } orderPolicy(amount: "10") { route } } } }
"""


async def flora(**settings) -> None:
    shop = await make_shop(
        "flora", registration_enabled=True, notification_email="orders@flora.test",
        default_price_list_tags=["wholesale"], **settings,
    )
    await make_field(shop, "chamber_of_commerce", "KvK number", position=1)


def token_in(message: EmailMessage, path: str) -> str:
    """The `token=` of the `path` link in the text part of a delivered mail."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, message
    text = part.get_content()
    link = re.search(rf"{path}\?token=([\w-]+)", text)
    assert link, text
    return link.group(1)


async def test_manual_flow_from_submission_to_active_account(client, smtp):
    await flora()
    form = (await client.data(FORM, {"shop": "flora"}))["registrationForm"]
    assert form["open"] is True
    assert form["approvalMode"] == "MANUAL"
    assert [f["key"] for f in form["fields"]] == ["chamber_of_commerce"]

    submitted = (await client.data(SUBMIT, submission()))["submitRegistration"]
    assert submitted == {"registrationRequest": None, "shopUser": None, "userErrors": []}
    await deliver(smtp)
    [staff_mail] = smtp.inbox.to("orders@flora.test")
    assert "12345678" in staff_mail.get_body(preferencelist=("plain",)).get_content()
    assert len(smtp.inbox.to("eva@kwekerij.test")) == 1  # "we received your request"

    staff = await staff_token(client)
    listed = (await client.data(REQUESTS, {"status": "PENDING"}, token=staff))["registrationRequests"]
    assert listed["totalCount"] == 1
    request = listed["edges"][0]["node"]
    assert request["answers"] == [{"key": "chamber_of_commerce", "label": "KvK number", "value": "12345678"}]

    variables = {"ids": [request["id"]], "tags": ["bulbs"]}
    approved = (await client.data(APPROVE, variables, token=staff))["approve"]
    assert approved["userErrors"] == []
    result = approved["registrationRequests"][0]
    assert result["status"] == "APPROVED"
    assert result["debtor"]["priceListTags"] == ["wholesale", "bulbs"]
    assert result["shopUser"] == {"username": "eva@kwekerij.test", "status": "INVITED"}

    await deliver(smtp)
    invitation = smtp.inbox.to("eva@kwekerij.test")[-1]
    accepted = (await client.data(ACCEPT, {"token": token_in(invitation, "/account/invitation"),
                                           "password": CHOSEN_PASSWORD}))["acceptInvitation"]
    client.http.cookies.clear()
    assert accepted["userErrors"] == []
    await deliver(smtp)
    assert len(smtp.inbox.to("orders@flora.test")) == 2  # and now: "the account is active"
    newest = await OutboxMessage.filter(recipient="orders@flora.test").order_by("-id").first()
    assert newest is not None
    assert newest.template == "staff_account_activated"

    token = await session_token(client, "EVA@kwekerij.test", CHOSEN_PASSWORD)
    view = (await client.data(CUSTOMER_VIEW, token=token))["viewer"]
    assert view["debtor"] == {"name": "Kwekerij Jansen", "priceListTags": ["wholesale", "bulbs"]}

    again = (await client.data(APPROVE, {"ids": [request["id"]]}, token=staff))["approve"]
    assert user_errors(again) == [(["ids", "0"], "ALREADY_DECIDED")]
    assert await ShopUser.all().count() == 1
    assert await OutboxMessage.filter(template="invitation").count() == 1


async def test_automatic_flow_signs_in_at_once(client):
    await flora(approval_mode="AUTOMATIC")

    submitted = (await client.data(SUBMIT, submission(
        password=CHOSEN_PASSWORD, passwordConfirmation=CHOSEN_PASSWORD
    )))["submitRegistration"]
    assert submitted["userErrors"] == []

    token = await session_token(client, "eva@kwekerij.test", CHOSEN_PASSWORD)
    view = (await client.data(CUSTOMER_VIEW, token=token))["viewer"]
    assert view["debtor"]["priceListTags"] == ["wholesale"]
    assert (await RegistrationRequest.get()).status == "APPROVED"
    assert {m.template for m in await OutboxMessage.all()} == {"welcome", "staff_account_created"}


async def test_an_existing_debtor_is_matched_and_linked_with_tags_merged(client):
    await flora()
    debtor = await make_debtor("Kwekerij Jansen BV", price_list_tags=["roses"])
    await make_contact(debtor, email="eva@kwekerij.test")
    await client.data(SUBMIT, submission(company="Something Else"))
    staff = await staff_token(client)

    request = (await client.data(REQUESTS, {}, token=staff))["registrationRequests"]["edges"][0]["node"]
    assert request["matchingDebtors"] == [{"number": debtor.number}]
    approved = (await client.data(APPROVE, {"ids": [request["id"]]}, token=staff))["approve"]

    assert approved["registrationRequests"][0]["debtor"] == {
        "number": debtor.number, "priceListTags": ["roses", "wholesale"],
    }
    assert await Debtor.all().count() == 1
    assert await ContactPerson.all().count() == 1


async def test_an_existing_shop_user_gets_a_note_and_no_request(client):
    await flora()
    shop_user = await make_customer(await Shop.get(handle="flora"), username="eva")
    await ContactPerson.filter(id=shop_user.contact_id).update(email="eva@kwekerij.test")
    new_customer = await client.execute(SUBMIT, submission(email="new@kwekerij.test"))
    await RegistrationRequest.all().delete()
    await OutboxMessage.all().delete()

    existing = await client.execute(SUBMIT, submission())

    assert existing == new_customer
    assert await RegistrationRequest.all().count() == 0
    note = await OutboxMessage.get()
    assert note.template == "already_registered"
    assert note.recipient == "eva@kwekerij.test"
    assert "/account/reset-password?token=" in note.context["reset_url"]

