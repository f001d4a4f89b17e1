"""The main user journeys against a real `gatehouse serve`, a real SMTP server and a real client.

Each test arranges its starting point (an admin, a shop, form fields) in the
database with the factories, then walks the journey only through GraphQL over
HTTP with `gql`'s httpx transport, as a storefront or a dashboard would, and
reads the links the customer needs from the mails the SMTP server received.
The queries are validated by `gql` against the repository's `schema.graphql`
before they are sent, so a query a partner could not write fails here too.

The server runs with its default rate limits (nothing turns them off), so each
test stays well below ten sign-ins a minute.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from gql import Client, GraphQLRequest, gql
from gql.client import AsyncClientSession
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport

from mail.jobs import JOBS
from models import OutboxMessage
from tests.factories import (
    ADMIN_PASSWORD,
    CUSTOMER_PASSWORD,
    make_admin,
    make_contact,
    make_debtor,
    make_field,
    make_shop,
    make_shop_user,
)
from tests.graphql_answers import user_error_codes, user_errors
from tests.live_server import DASHBOARD_URL

SCHEMA_SDL = (Path(__file__).resolve().parents[2] / "schema.graphql").read_text()

STAFF_EMAIL = "staff@flora.test"
NOTIFY = "orders@flora.test"
SHOP_NAME = "Flora Wholesale"
# Staff mail goes in the shop's first language: English, so the subjects read as below.
SHOP_LANGUAGES = ["en", "nl"]

FIRST_PASSWORD = "Lilac-Branch-8841"
CUSTOMER_CHOICE = "sunflower-Field-1593"
NEW_PASSWORD = "Marigold-Crate-2750"

MAIL_DEADLINE = 15.0  # seconds; the delivery loop runs every ~2 s


# --------------------------------------------------------------------------- operations

ADMIN_LOGIN = gql("""
mutation AdminLogin($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) {
    token viewer { __typename ... on AdminUser { email } } userErrors { field code message }
  }
}""")

LOGIN = gql("""
mutation Login($shop: String!, $username: String!, $password: String!) {
  login(input: {shop: $shop, username: $username, password: $password}) {
    token viewer { __typename ... on ShopUser { username status } } userErrors { field code message }
  }
}""")

CREATE_DEBTOR = gql("""
mutation CreateDebtor($input: CreateDebtorInput!) {
  createDebtor(input: $input) { debtor { id number name } userErrors { field code message } }
}""")

CREATE_CONTACT = gql("""
mutation CreateContact($input: CreateContactPersonInput!) {
  createContactPerson(input: $input) {
    contactPerson { id firstName email debtor { id } } userErrors { field code message }
  }
}""")

CREATE_SHOP_USER = gql("""
mutation CreateShopUser($input: CreateShopUserInput!) {
  createShopUser(input: $input) {
    shopUser { id username status mustChangePassword contact { email } debtor { number } shop { handle } }
    userErrors { field code message }
  }
}""")

VIEWER_SCALARS = gql("""
query ViewerScalars {
  viewer { __typename ... on ShopUser { username status mustChangePassword excluded } }
}""")

VIEWER_DEBTOR = gql("""
query ViewerDebtor { viewer { ... on ShopUser { debtor { name number } } } }
""")

VIEWER_ORDER_POLICY = gql("""
query ViewerOrderPolicy { viewer { ... on ShopUser { orderPolicy(amount: "150.00") { route } } } }
""")

CUSTOMER_VIEW = gql("""
query CustomerView {
  viewer {
    __typename
    ... on ShopUser {
      username status mustChangePassword
      contact { firstName email }
      debtor { name number priceListTags }
      shop { handle name }
      small: orderPolicy(amount: "20.00") { route }
      usual: orderPolicy(amount: "150.00") {
        route minimumOrderAmount checkoutPaymentLimit currency
      }
      large: orderPolicy(amount: "5000.00") { route }
    }
  }
}""")

CHANGE_PASSWORD = gql("""
mutation ChangePassword($current: String!, $new: String!, $confirmation: String!) {
  changePassword(input: {currentPassword: $current, newPassword: $new,
                         newPasswordConfirmation: $confirmation}) {
    viewer { ... on ShopUser { username mustChangePassword } } userErrors { field code message }
  }
}""")

ACCEPT_INVITATION = gql("""
mutation AcceptInvitation($token: String!, $password: String!, $confirmation: String!) {
  acceptInvitation(input: {token: $token, password: $password, passwordConfirmation: $confirmation}) {
    token viewer { ... on ShopUser { username status mustChangePassword } } userErrors { field code message }
  }
}""")

SET_EXCLUSION = gql("""
mutation SetExclusion($input: SetExclusionInput!) {
  setExclusion(input: $input) {
    shopUser { id status excluded exclusionReason excludedSince } userErrors { field code message }
  }
}""")

REGISTRATION_FORM = gql("""
query RegistrationForm($shop: String!) {
  registrationForm(shop: $shop) { shop open approvalMode languages fields { key label position } }
}""")

SUBMIT_REGISTRATION = gql("""
mutation SubmitRegistration($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) {
    registrationRequest { id } shopUser { id } userErrors { field code message }
  }
}""")

PENDING_REQUESTS = gql("""
query Pending($shop: String!) {
  registrationRequests(shop: $shop, status: PENDING) {
    totalCount
    edges { node {
      id name email company language status answers { key label value } matchingDebtors { id }
    } }
  }
}""")

APPROVE = gql("""
mutation Approve($ids: [ID!]!) {
  approve(input: {ids: $ids}) {
    registrationRequests {
      id status decidedBy { email }
      debtor { name priceListTags }
      shopUser { id username status }
    }
    userErrors { field code message }
  }
}""")

OUTBOX = gql("""
query Outbox { outboxMessages(first: 100) { edges { node { recipient template } } } }
""")

REQUEST_RESET = gql("""
mutation RequestReset($shop: String!, $email: String!) {
  requestPasswordReset(input: {shop: $shop, email: $email}) { requested userErrors { field code message } }
}""")

RESET_PASSWORD = gql("""
mutation ResetPassword($token: String!, $password: String!, $confirmation: String!) {
  resetPassword(input: {token: $token, password: $password, passwordConfirmation: $confirmation}) {
    token viewer { ... on ShopUser { username status } } userErrors { field code message }
  }
}""")


# --------------------------------------------------------------------------- client helpers


@contextlib.asynccontextmanager
async def graphql(live_server, token: str | None = None) -> AsyncIterator[AsyncClientSession]:
    """A `gql` session on its own httpx client: anonymous, or signed in with a bearer token.

    Each identity gets its own transport, so the session cookie a log-in sets never
    leaks into another identity's calls.
    """
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = HTTPXAsyncTransport(url=live_server.graphql_url, headers=headers, timeout=30)
    async with Client(transport=transport, schema=SCHEMA_SDL) as session:
        yield session


async def run(session: AsyncClientSession, document: GraphQLRequest, **variables: Any) -> dict:
    """The data of an operation that must answer without GraphQL errors."""
    return await session.execute(GraphQLRequest(document, variable_values=variables or None))


async def graphql_error_codes(
    session: AsyncClientSession, document: GraphQLRequest, **variables: Any
) -> set[str]:
    """The `extensions.code`s of an operation that must answer with GraphQL errors."""
    with pytest.raises(TransportQueryError) as raised:
        await run(session, document, **variables)
    return {error.get("extensions", {}).get("code") for error in raised.value.errors or []}


async def admin_token(live_server) -> str:
    async with graphql(live_server) as anonymous:
        data = await run(anonymous, ADMIN_LOGIN, email=STAFF_EMAIL, password=ADMIN_PASSWORD)
    payload = data["adminLogin"]
    assert payload["userErrors"] == []
    assert payload["viewer"] == {"__typename": "AdminUser", "email": STAFF_EMAIL}
    return payload["token"]


async def login(live_server, username: str, password: str, shop: str = "flora") -> dict:
    """A sign-in from a fresh browser: the `login` payload."""
    async with graphql(live_server) as anonymous:
        return (await run(anonymous, LOGIN, shop=shop, username=username, password=password))["login"]


async def signed_in(live_server, username: str, password: str) -> str:
    payload = await login(live_server, username, password)
    assert payload["userErrors"] == [], payload
    assert payload["token"]
    return payload["token"]


# --------------------------------------------------------------------------- mail helpers


def recipients(message: EmailMessage) -> set[str]:
    return {address.addr_spec.lower() for address in message["To"].addresses}


def part_of(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    assert part is not None, f"no {subtype} part in {message['Subject']!r}"
    return part.get_content()


def text_of(message: EmailMessage) -> str:
    return part_of(message, "plain")


def html_of(message: EmailMessage) -> str:
    return part_of(message, "html")


def mails_to(smtp, address: str) -> list[EmailMessage]:
    return [m for m in smtp.inbox.messages if address.lower() in recipients(m)]


async def wait_for_mail(smtp, to: str, subject: str) -> EmailMessage:
    """The one mail to `to` whose subject is `subject`, waiting for the delivery loop to send it."""
    deadline = time.monotonic() + MAIL_DEADLINE
    while time.monotonic() < deadline:
        found = [m for m in mails_to(smtp, to) if m["Subject"] == subject]
        if found:
            assert len(found) == 1, [m["Subject"] for m in found]
            message = found[0]
            assert message["From"] == "gatehouse@flora.test"
            assert message["Message-ID"]
            return message
        await asyncio.sleep(0.1)
    seen = [(sorted(recipients(m)), m["Subject"]) for m in smtp.inbox.messages]
    raise AssertionError(f"no mail {subject!r} to {to} within {MAIL_DEADLINE} s; received: {seen}")


async def wait_until_jobs_are_worked_out() -> None:
    """Until the server's delivery loop has worked out every queued mail job (reset requests),
    read from the database the test shares with the server."""
    deadline = time.monotonic() + MAIL_DEADLINE
    while await OutboxMessage.filter(template__in=sorted(JOBS)).exists():
        assert time.monotonic() < deadline, "the server did not work out the mail jobs in time"
        await asyncio.sleep(0.05)


def link_token(live_server, message: EmailMessage, path: str) -> str:
    """The `token` of the `<public url>/account/<path>?token=…` link in the text part."""
    text = text_of(message)
    match = re.search(re.escape(f"{live_server.url}/account/{path}?token=") + r"([A-Za-z0-9_\-]+)", text)
    assert match, f"no {path} link in:\n{text}"
    token = match.group(1)
    assert token in html_of(message)  # the button of the HTML part carries the same link
    return token


# --------------------------------------------------------------------------- 1. staff


async def test_staff_creates_customers_with_a_password_and_by_invitation_then_excludes_and_readmits(
    live_server, smtp
):
    await make_admin(STAFF_EMAIL)
    await make_shop(
        "flora", name=SHOP_NAME, languages=SHOP_LANGUAGES, notification_email=NOTIFY,
        minimum_order_amount="50", checkout_payment_limit="1000",
    )
    staff = await admin_token(live_server)

    async with graphql(live_server, staff) as dashboard:
        debtor = (await run(dashboard, CREATE_DEBTOR, input={
            "name": "Bloemenhal Aalsmeer", "minimumOrderAmount": "100", "checkoutPaymentLimit": "500",
        }))["createDebtor"]
        assert debtor["userErrors"] == []
        assert re.fullmatch(r"D\d{6}", debtor["debtor"]["number"])
        contact = (await run(dashboard, CREATE_CONTACT, input={
            "debtorId": debtor["debtor"]["id"], "firstName": "Joost", "lastName": "Bakker",
            "email": "joost@bakker.test", "language": "en",
        }))["createContactPerson"]
        assert contact["userErrors"] == []
        assert contact["contactPerson"]["debtor"]["id"] == debtor["debtor"]["id"]

        user_input = {
            "contactPersonId": contact["contactPerson"]["id"], "shop": "flora", "username": "Joost.Bakker",
            "language": "en", "password": FIRST_PASSWORD, "passwordConfirmation": FIRST_PASSWORD.lower(),
        }
        mistyped = (await run(dashboard, CREATE_SHOP_USER, input=user_input))["createShopUser"]
        assert mistyped["shopUser"] is None
        assert user_errors(mistyped) == [(["passwordConfirmation"], "PASSWORD_MISMATCH")]
        created = (await run(
            dashboard, CREATE_SHOP_USER, input=user_input | {"passwordConfirmation": FIRST_PASSWORD},
        ))["createShopUser"]
    assert created["userErrors"] == []
    assert created["shopUser"] | {"id": None} == {
        "id": None, "username": "Joost.Bakker", "status": "ACTIVE", "mustChangePassword": True,
        "contact": {"email": "joost@bakker.test"}, "debtor": {"number": debtor["debtor"]["number"]},
        "shop": {"handle": "flora"},
    }

    # The customer signs in (usernames compare case-insensitively) and must change the password
    # first: it reads its own viewer, and everything else waits.
    joost = await signed_in(live_server, "joost.bakker", FIRST_PASSWORD)
    async with graphql(live_server, joost) as storefront:
        assert (await run(storefront, VIEWER_SCALARS))["viewer"] == {
            "__typename": "ShopUser", "username": "Joost.Bakker", "status": "ACTIVE",
            "mustChangePassword": True, "excluded": False,
        }
        assert (await run(storefront, VIEWER_DEBTOR))["viewer"]["debtor"]["name"] == "Bloemenhal Aalsmeer"
        assert (await run(storefront, VIEWER_ORDER_POLICY))["viewer"]["orderPolicy"] == {"route": "CHECKOUT"}
        assert await graphql_error_codes(storefront, REGISTRATION_FORM, shop="flora") == {
            "PASSWORD_CHANGE_REQUIRED"
        }

        changed = (await run(
            storefront, CHANGE_PASSWORD,
            current=FIRST_PASSWORD, new=CUSTOMER_CHOICE, confirmation=CUSTOMER_CHOICE,
        ))["changePassword"]
        assert changed["userErrors"] == []
        assert changed["viewer"] == {"username": "Joost.Bakker", "mustChangePassword": False}

        # The session that changed the password goes on, and now reaches debtor and order rules.
        view = (await run(storefront, CUSTOMER_VIEW))["viewer"]
    assert view["mustChangePassword"] is False
    assert view["contact"] == {"firstName": "Joost", "email": "joost@bakker.test"}
    assert view["debtor"] | {"number": None} == {
        "name": "Bloemenhal Aalsmeer", "number": None, "priceListTags": [],
    }
    assert view["shop"] == {"handle": "flora", "name": SHOP_NAME}
    # The debtor's overrides (100 / 500), not the shop's (50 / 1000).
    assert view["usual"] == {
        "route": "CHECKOUT", "minimumOrderAmount": "100.00", "checkoutPaymentLimit": "500.00",
        "currency": "EUR",
    }
    assert view["small"] == {"route": "BELOW_MINIMUM"}
    assert view["large"] == {"route": "DRAFT_ORDER"}

    old = await login(live_server, "Joost.Bakker", FIRST_PASSWORD)
    assert user_error_codes(old) == ["INVALID_CREDENTIALS"]
    assert old["token"] is None

    # The same, by invitation: a second person of the debtor gets a set-password link.
    async with graphql(live_server, staff) as dashboard:
        contact = (await run(dashboard, CREATE_CONTACT, input={
            "debtorId": debtor["debtor"]["id"], "firstName": "Mila", "lastName": "Bakker",
            "email": "mila@bakker.test", "language": "en",
        }))["createContactPerson"]
        assert contact["userErrors"] == []
        invited = (await run(dashboard, CREATE_SHOP_USER, input={
            "contactPersonId": contact["contactPerson"]["id"], "shop": "flora", "username": "mila",
            "language": "en", "sendInvitation": True,
        }))["createShopUser"]
    assert invited["userErrors"] == []
    assert invited["shopUser"]["status"] == "INVITED"
    assert invited["shopUser"]["mustChangePassword"] is False
    mila_id = invited["shopUser"]["id"]

    invitation = await wait_for_mail(smtp, "mila@bakker.test", f"Your customer account at {SHOP_NAME}")
    assert "Hello Mila" in text_of(invitation)
    token = link_token(live_server, invitation, "invitation")

    async with graphql(live_server) as browser:
        accepted = (await run(
            browser, ACCEPT_INVITATION, token=token, password=CUSTOMER_CHOICE, confirmation=CUSTOMER_CHOICE,
        ))["acceptInvitation"]
    assert accepted["userErrors"] == []
    assert accepted["viewer"] == {"username": "mila", "status": "ACTIVE", "mustChangePassword": False}
    mila = accepted["token"]
    async with graphql(live_server, mila) as storefront:
        assert (await run(storefront, VIEWER_DEBTOR))["viewer"]["debtor"]["name"] == "Bloemenhal Aalsmeer"

    # Staff are told the account is active; the mail travels while they go on working.
    activated = asyncio.create_task(
        wait_for_mail(smtp, NOTIFY, f"Mila Bakker activated their account at {SHOP_NAME}")
    )

    # Staff exclude the customer: the session ends at once and sign-in is refused.
    async with graphql(live_server, staff) as dashboard:
        excluded = (await run(dashboard, SET_EXCLUSION, input={
            "shopUserId": mila_id, "excluded": True, "reason": "Unpaid invoices",
        }))["setExclusion"]
    assert excluded["userErrors"] == []
    assert excluded["shopUser"]["status"] == "EXCLUDED"
    assert excluded["shopUser"]["exclusionReason"] == "Unpaid invoices"
    assert excluded["shopUser"]["excludedSince"]

    async with graphql(live_server, mila) as storefront:
        assert (await run(storefront, VIEWER_SCALARS)) == {"viewer": None}
    refused = await login(live_server, "mila", CUSTOMER_CHOICE)
    assert user_error_codes(refused) == ["ACCOUNT_EXCLUDED"]
    assert refused["token"] is None
    # No side door: a reset request answers as always, and queues nothing.
    async with graphql(live_server) as browser:
        asked = (
            await run(browser, REQUEST_RESET, shop="flora", email="mila@bakker.test")
        )["requestPasswordReset"]
    assert asked == {"requested": True, "userErrors": []}
    # The server works the request out after answering, and judges the exclusion then:
    # the readmission below must not overtake it.
    await wait_until_jobs_are_worked_out()
    # Joost, another user of the same debtor, is not affected.
    async with graphql(live_server, joost) as storefront:
        assert (await run(storefront, VIEWER_SCALARS))["viewer"]["username"] == "Joost.Bakker"

    async with graphql(live_server, staff) as dashboard:
        readmitted = (await run(dashboard, SET_EXCLUSION, input={
            "shopUserId": mila_id, "excluded": False,
        }))["setExclusion"]
    assert readmitted["userErrors"] == []
    assert readmitted["shopUser"] | {"id": None} == {
        "id": None, "status": "ACTIVE", "excluded": False, "exclusionReason": None, "excludedSince": None,
    }
    again = await signed_in(live_server, "mila", CUSTOMER_CHOICE)
    async with graphql(live_server, again) as storefront:
        assert (await run(storefront, VIEWER_SCALARS))["viewer"]["status"] == "ACTIVE"
    # The session from before the exclusion stays ended.
    async with graphql(live_server, mila) as storefront:
        assert (await run(storefront, VIEWER_SCALARS)) == {"viewer": None}

    assert "Mila Bakker (mila) has set a password" in text_of(await activated)
    # All the mail of the journey: none for Joost (staff chose his password), and no reset
    # link for Mila while she was excluded.
    async with graphql(live_server, staff) as dashboard:
        outbox = [edge["node"] for edge in (await run(dashboard, OUTBOX))["outboxMessages"]["edges"]]
    assert sorted((m["recipient"], m["template"]) for m in outbox) == [
        ("mila@bakker.test", "invitation"), (NOTIFY, "staff_account_activated"),
    ]
    assert [m["Subject"] for m in mails_to(smtp, "mila@bakker.test")] == [
        f"Your customer account at {SHOP_NAME}"
    ]
    assert mails_to(smtp, "joost@bakker.test") == []


# --------------------------------------------------------------------------- 2. manual registration


async def test_manual_registration_is_reviewed_approved_and_activated_by_invitation(live_server, smtp):
    await make_admin(STAFF_EMAIL)
    shop = await make_shop(
        "flora", name=SHOP_NAME, languages=SHOP_LANGUAGES, notification_email=NOTIFY,
        registration_enabled=True, default_price_list_tags=["retail"],
    )
    # Made out of order on purpose: the form lists them by position.
    await make_field(shop, "chamber_of_commerce", "Chamber of Commerce number", position=2)
    await make_field(shop, "vat_number", "VAT number", position=1)

    async with graphql(live_server) as visitor:
        form = (await run(visitor, REGISTRATION_FORM, shop="flora"))["registrationForm"]
        assert form == {
            "shop": "flora", "open": True, "approvalMode": "MANUAL", "languages": SHOP_LANGUAGES,
            "fields": [
                {"key": "vat_number", "label": "VAT number", "position": 1},
                {"key": "chamber_of_commerce", "label": "Chamber of Commerce number", "position": 2},
            ],
        }
        submitted = (await run(visitor, SUBMIT_REGISTRATION, input={
            "shop": "flora", "name": "Eva Tulp", "email": "eva@tulpenhandel.test",
            "company": "Tulpenhandel Tulp", "language": "en",
            "answers": [
                {"key": "vat_number", "value": "NL123456789B01"},
                {"key": "chamber_of_commerce", "value": "12345678"},
            ],
        }))["submitRegistration"]
    # An anonymous caller learns nothing but that it worked.
    assert submitted == {"registrationRequest": None, "shopUser": None, "userErrors": []}

    notice = await wait_for_mail(smtp, NOTIFY, f"New registration request for {SHOP_NAME}: Eva Tulp")
    notice_text = text_of(notice)
    for line in ("Name: Eva Tulp", "Email: eva@tulpenhandel.test", "Company: Tulpenhandel Tulp",
                 "VAT number: NL123456789B01", "Chamber of Commerce number: 12345678",
                 f"{DASHBOARD_URL}/shops/flora/registration-requests"):
        assert line in notice_text, notice_text
    received = await wait_for_mail(
        smtp, "eva@tulpenhandel.test", f"We received your registration at {SHOP_NAME}"
    )
    assert "Hello Eva Tulp" in text_of(received)
    # No password was asked, so no link to choose one yet.
    assert "token=" not in text_of(received)

    staff = await admin_token(live_server)
    async with graphql(live_server, staff) as dashboard:
        pending = (await run(dashboard, PENDING_REQUESTS, shop="flora"))["registrationRequests"]
        assert pending["totalCount"] == 1
        request = pending["edges"][0]["node"]
        assert request | {"id": None} == {
            "id": None, "name": "Eva Tulp", "email": "eva@tulpenhandel.test", "company": "Tulpenhandel Tulp",
            "language": "en", "status": "PENDING", "matchingDebtors": [],
            "answers": [
                {"key": "vat_number", "label": "VAT number", "value": "NL123456789B01"},
                {"key": "chamber_of_commerce", "label": "Chamber of Commerce number", "value": "12345678"},
            ],
        }

        approved = (await run(dashboard, APPROVE, ids=[request["id"]]))["approve"]
        assert approved["userErrors"] == []
        [decided] = approved["registrationRequests"]
        assert decided["status"] == "APPROVED"
        assert decided["decidedBy"] == {"email": STAFF_EMAIL}
        assert decided["debtor"] == {"name": "Tulpenhandel Tulp", "priceListTags": ["retail"]}
        assert decided["shopUser"]["username"] == "eva@tulpenhandel.test"
        assert decided["shopUser"]["status"] == "INVITED"

        left = (await run(dashboard, PENDING_REQUESTS, shop="flora"))["registrationRequests"]
        assert left["totalCount"] == 0

    invitation = await wait_for_mail(smtp, "eva@tulpenhandel.test", f"Your customer account at {SHOP_NAME}")
    token = link_token(live_server, invitation, "invitation")
    async with graphql(live_server) as browser:
        accepted = (await run(
            browser, ACCEPT_INVITATION, token=token, password=CUSTOMER_CHOICE, confirmation=CUSTOMER_CHOICE,
        ))["acceptInvitation"]
    assert accepted["userErrors"] == []
    assert accepted["viewer"] == {
        "username": "eva@tulpenhandel.test", "status": "ACTIVE", "mustChangePassword": False,
    }

    async with graphql(live_server) as browser:
        reused = (await run(
            browser, ACCEPT_INVITATION, token=token, password=NEW_PASSWORD, confirmation=NEW_PASSWORD,
        ))["acceptInvitation"]
    assert user_errors(reused) == [(["token"], "INVALID_TOKEN")]
    assert reused["token"] is None

    # The username is the email; it compares case-insensitively.
    eva = await signed_in(live_server, "Eva@Tulpenhandel.test", CUSTOMER_CHOICE)
    async with graphql(live_server, eva) as storefront:
        view = (await run(storefront, CUSTOMER_VIEW))["viewer"]
    assert view["status"] == "ACTIVE"
    assert view["contact"]["email"] == "eva@tulpenhandel.test"
    assert view["debtor"]["name"] == "Tulpenhandel Tulp"

    activated = await wait_for_mail(smtp, NOTIFY, f"Eva Tulp activated their account at {SHOP_NAME}")
    assert "eva@tulpenhandel.test" in text_of(activated)
    # Each got exactly the mails of this journey, once: staff two, the customer two.
    assert len(mails_to(smtp, NOTIFY)) == 2
    assert len(mails_to(smtp, "eva@tulpenhandel.test")) == 2


# --------------------------------------------------------------------------- 3. automatic registration


async def test_automatic_registration_signs_in_at_once_and_tells_customer_and_staff(live_server, smtp):
    await make_shop(
        "flora", name=SHOP_NAME, languages=SHOP_LANGUAGES, notification_email=NOTIFY,
        registration_enabled=True, approval_mode="AUTOMATIC", default_price_list_tags=["retail", "bulbs"],
        minimum_order_amount="75",
    )

    async with graphql(live_server) as visitor:
        form = (await run(visitor, REGISTRATION_FORM, shop="flora"))["registrationForm"]
        assert (form["open"], form["approvalMode"], form["fields"]) == (True, "AUTOMATIC", [])
        submitted = (await run(visitor, SUBMIT_REGISTRATION, input={
            "shop": "flora", "name": "Sam Roos", "email": "sam@roosenco.test", "company": "Roos & Co",
            "language": "nl", "password": CUSTOMER_CHOICE, "passwordConfirmation": CUSTOMER_CHOICE,
        }))["submitRegistration"]
        assert submitted == {"registrationRequest": None, "shopUser": None, "userErrors": []}
        # Sam, unsure it worked, registers again: the same answer, no second account.
        again = (await run(visitor, SUBMIT_REGISTRATION, input={
            "shop": "flora", "name": "Sam Roos", "email": "Sam@RoosenCo.test", "company": "Roos & Co",
            "language": "nl", "password": NEW_PASSWORD, "passwordConfirmation": NEW_PASSWORD,
        }))["submitRegistration"]
        assert again == submitted

    # Sam signs in at once, in a browser-like client that keeps the session cookie.
    async with graphql(live_server) as browser:
        session = (await run(
            browser, LOGIN, shop="flora", username="sam@roosenco.test", password=CUSTOMER_CHOICE,
        ))["login"]
        assert session["userErrors"] == []
        cookie = browser.transport.response_headers["set-cookie"].lower()
        assert "httponly" in cookie
        assert "samesite=lax" in cookie
        view = (await run(browser, CUSTOMER_VIEW))["viewer"]  # no Authorization header: the cookie
    assert view["username"] == "sam@roosenco.test"
    assert (view["status"], view["mustChangePassword"]) == ("ACTIVE", False)
    assert view["debtor"]["name"] == "Roos & Co"
    assert sorted(view["debtor"]["priceListTags"]) == ["bulbs", "retail"]
    assert view["usual"]["route"] == "CHECKOUT"
    assert view["usual"]["minimumOrderAmount"] == "75.00"
    assert view["small"] == {"route": "BELOW_MINIMUM"}

    # Sam chose Dutch, so Sam's mail is Dutch; staff mail is in the shop's first language.
    welcome = await wait_for_mail(smtp, "sam@roosenco.test", f"Welkom bij {SHOP_NAME}")
    assert "Beste Sam Roos" in text_of(welcome)
    assert "sam@roosenco.test" in text_of(welcome)  # the username to sign in with
    assert "token=" not in text_of(welcome)  # the password was chosen already
    created = await wait_for_mail(smtp, NOTIFY, f"New customer account at {SHOP_NAME}: Sam Roos")
    created_text = text_of(created)
    for line in ("Name: Sam Roos", "Email: sam@roosenco.test", "Company: Roos & Co"):
        assert line in created_text, created_text
    assert "Roos &amp; Co" in html_of(created)  # what the customer typed is escaped in HTML
    # The second registration: a note with a sign-in and a reset link, instead of an account.
    note = await wait_for_mail(smtp, "sam@roosenco.test", f"U heeft al een account bij {SHOP_NAME}")
    assert link_token(live_server, note, "reset-password")
    # No "request received" mail (there is no request), and staff heard of one account only.
    assert sorted(m["Subject"] for m in mails_to(smtp, "sam@roosenco.test")) == [
        f"U heeft al een account bij {SHOP_NAME}", f"Welkom bij {SHOP_NAME}",
    ]
    assert len(mails_to(smtp, NOTIFY)) == 1
    # The first password is the one that counts.
    second_password = await login(live_server, "sam@roosenco.test", NEW_PASSWORD)
    assert user_error_codes(second_password) == ["INVALID_CREDENTIALS"]


# --------------------------------------------------------------------------- 4. password reset


async def test_password_reset_by_mailed_link_and_silence_for_an_unknown_email(live_server, smtp):
    shop = await make_shop("flora", name=SHOP_NAME, languages=SHOP_LANGUAGES, notification_email=NOTIFY)
    contact = await make_contact(
        await make_debtor("Bloemen BV"), "Anna", email="anna@bloemen.test", language="en"
    )
    await make_shop_user(shop, contact, "anna", CUSTOMER_PASSWORD, language="en")

    earlier_session = await signed_in(live_server, "anna", CUSTOMER_PASSWORD)

    # The unknown email is asked for first: the delivery loop sends queued mail in the
    # order it was queued, so a mail for it would arrive no later than Anna's.
    async with graphql(live_server) as visitor:
        unknown = (await run(visitor, REQUEST_RESET, shop="flora", email="nobody@bloemen.test"))
        known = (await run(visitor, REQUEST_RESET, shop="flora", email="anna@bloemen.test"))
    # The same answer whether or not the email has an account.
    assert unknown == known == {"requestPasswordReset": {"requested": True, "userErrors": []}}

    reset_mail = await wait_for_mail(smtp, "anna@bloemen.test", f"Reset your password at {SHOP_NAME}")
    reset_mail_at = time.monotonic()
    assert "Hello Anna" in text_of(reset_mail)
    token = link_token(live_server, reset_mail, "reset-password")

    async with graphql(live_server) as browser:
        reset = (await run(
            browser, RESET_PASSWORD, token=token, password=NEW_PASSWORD, confirmation=NEW_PASSWORD,
        ))["resetPassword"]
    assert reset["userErrors"] == []
    assert reset["viewer"] == {"username": "anna", "status": "ACTIVE"}
    async with graphql(live_server, reset["token"]) as storefront:
        assert (await run(storefront, VIEWER_SCALARS))["viewer"]["username"] == "anna"
    # Whoever held the old password's session is signed out.
    async with graphql(live_server, earlier_session) as storefront:
        assert (await run(storefront, VIEWER_SCALARS)) == {"viewer": None}

    old = await login(live_server, "anna", CUSTOMER_PASSWORD)
    assert user_error_codes(old) == ["INVALID_CREDENTIALS"]
    assert old["token"] is None
    await signed_in(live_server, "anna", NEW_PASSWORD)

    # The link works once.
    async with graphql(live_server) as browser:
        reused = (await run(
            browser, RESET_PASSWORD, token=token, password=CUSTOMER_CHOICE, confirmation=CUSTOMER_CHOICE,
        ))["resetPassword"]
    assert user_error_codes(reused) == ["INVALID_TOKEN"]
    assert reused["token"] is None

    # The unknown email got nothing: staff see no mail to it in the outbox, and a further
    # delivery round (every ~2 s) after Anna's mail, the SMTP server has received none.
    await make_admin(STAFF_EMAIL)
    async with graphql(live_server, await admin_token(live_server)) as dashboard:
        outbox = [edge["node"] for edge in (await run(dashboard, OUTBOX))["outboxMessages"]["edges"]]
    assert [(m["recipient"], m["template"]) for m in outbox] == [("anna@bloemen.test", "password_reset")]
    await asyncio.sleep(max(0.0, reset_mail_at + 2.2 - time.monotonic()))
    assert mails_to(smtp, "nobody@bloemen.test") == []
    assert [sorted(recipients(m)) for m in smtp.inbox.messages] == [["anna@bloemen.test"]]
