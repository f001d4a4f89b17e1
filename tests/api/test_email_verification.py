"""Double opt-in (the shop's requireEmailVerification), through GraphQL and a real SMTP server:
the applicant confirms the mailed link before staff hear of the request or an account is made."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from email.message import EmailMessage
from typing import Any

import httpx
import pytest

from models import AuditEvent, OutboxMessage, RegistrationRequest, RegistrationStatus, ShopUser
from server.app import create_app
from server.settings import Settings
from tests.api.session_clock import hold_clock
from tests.api.sign_in import login, session_token, staff_token
from tests.api.submissions import submission
from tests.conftest import GraphQLClient
from tests.factories import make_field, make_shop
from tests.graphql_answers import gid, user_errors
from tests.mail.smtp_server import SmtpServer, deliver

APPLICANT = "eva@kwekerij.test"
STAFF_INBOX = "orders@flora.test"
STOREFRONT = "https://shop.flora.test"
CHOSEN_PASSWORD = "Hyacinth-Meadow-6620"
LINK = re.compile(rf"{re.escape(STOREFRONT)}/account/verify-registration\?token=([\w-]+)")

SUBMIT = """
mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) {
    registrationRequest { id status }
    shopUser { id }
    userErrors { field code message }
  }
}"""

VERIFY = """
mutation($token: String!) {
  verifyRegistrationEmail(input: {token: $token}) { verified userErrors { field code message } }
}"""


async def flora(approval_mode: str = "MANUAL") -> None:
    shop = await make_shop(
        "flora", registration_enabled=True, notification_email=STAFF_INBOX,
        storefront_url=STOREFRONT, approval_mode=approval_mode, require_email_verification=True,
    )
    await make_field(shop, "chamber_of_commerce", "KvK number", position=1)


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, message
    return part.get_content()


def link_token(message: EmailMessage) -> str:
    """The token of the verify-registration link in a delivered mail's text part."""
    found = LINK.search(text_of(message))
    assert found, text_of(message)
    return found.group(1)


async def mailed_token(smtp: SmtpServer) -> str:
    """Delivers what is queued; the token of the one verification mail the applicant got."""
    await deliver(smtp)
    [mail] = smtp.inbox.to(APPLICANT)
    return link_token(mail)


async def verify(client: GraphQLClient, token: str) -> dict[str, Any]:
    return (await client.data(VERIFY, {"token": token}))["verifyRegistrationEmail"]


async def templates_to(recipient: str) -> list[str]:
    return [m.template for m in await OutboxMessage.filter(recipient=recipient).order_by("id")]


async def actions() -> list[str]:
    return [event.action for event in await AuditEvent.all().order_by("id")]


VERIFIED = {"verified": True, "userErrors": []}
REFUSED = [(["token"], "INVALID_TOKEN")]


async def test_manual_mode_tells_staff_only_once_the_email_is_confirmed(client, smtp):
    await flora()

    submitted = (await client.data(SUBMIT, submission()))["submitRegistration"]
    token = await mailed_token(smtp)

    assert submitted == {"registrationRequest": None, "shopUser": None, "userErrors": []}
    assert smtp.inbox.to(STAFF_INBOX) == []
    [mail] = smtp.inbox.to(APPLICANT)
    assert mail["Subject"] == "Confirm your email for Flora Wholesale"
    assert "expires in 7 days" in text_of(mail)
    request = await RegistrationRequest.get()
    assert request.status is RegistrationStatus.UNVERIFIED
    assert request.verification_token_hash is not None
    assert token not in request.verification_token_hash  # only its hash is kept

    assert await verify(client, token) == VERIFIED
    await deliver(smtp)

    [staff_mail] = smtp.inbox.to(STAFF_INBOX)
    assert "12345678" in text_of(staff_mail)
    assert await templates_to(APPLICANT) == ["verify_registration", "request_received"]
    request = await RegistrationRequest.get()
    assert (request.status, request.verification_token_hash) == (RegistrationStatus.PENDING, None)
    assert request.open_email == APPLICANT
    assert await actions() == ["registration.submitted_unverified", "registration.email_verified"]


async def test_automatic_mode_makes_the_account_only_once_the_email_is_confirmed(client, smtp):
    await flora("AUTOMATIC")
    form = submission(password=CHOSEN_PASSWORD, passwordConfirmation=CHOSEN_PASSWORD)

    submitted = (await client.data(SUBMIT, form))["submitRegistration"]
    token = await mailed_token(smtp)

    assert submitted["userErrors"] == []
    assert await ShopUser.all().count() == 0
    assert user_errors(await login(client, APPLICANT, CHOSEN_PASSWORD)) == [(None, "INVALID_CREDENTIALS")]
    assert smtp.inbox.to(STAFF_INBOX) == []
    waiting = await RegistrationRequest.get()
    assert waiting.status is RegistrationStatus.UNVERIFIED
    assert waiting.password_hash is not None
    assert waiting.password_hash.startswith("$argon2id$")

    assert await verify(client, token) == VERIFIED
    await deliver(smtp)

    assert await session_token(client, APPLICANT, CHOSEN_PASSWORD)
    approved = await RegistrationRequest.get()
    assert approved.status is RegistrationStatus.APPROVED
    assert approved.password_hash is None
    assert approved.shop_user_id == (await ShopUser.get()).id
    assert await templates_to(APPLICANT) == ["verify_registration", "welcome"]
    assert await templates_to(STAFF_INBOX) == ["staff_account_created"]
    assert len(smtp.inbox.to(STAFF_INBOX)) == 1
    assert "registration.approved_automatically" in await actions()


async def test_a_link_used_once_is_refused_the_second_time(client, smtp):
    await flora("AUTOMATIC")
    await client.data(SUBMIT, submission(password=CHOSEN_PASSWORD, passwordConfirmation=CHOSEN_PASSWORD))
    token = await mailed_token(smtp)
    await verify(client, token)
    mails = await OutboxMessage.all().count()

    again = await verify(client, token)

    assert again["verified"] is False
    assert user_errors(again) == REFUSED
    assert again["userErrors"][0]["message"] == "This link was used or has expired."
    assert await ShopUser.all().count() == 1
    assert await OutboxMessage.all().count() == mails


async def test_two_clicks_at_once_verify_once(client, smtp):
    await flora()
    await client.data(SUBMIT, submission())
    token = await mailed_token(smtp)

    answers = await asyncio.gather(verify(client, token), verify(client, token))

    assert sorted(answer["verified"] for answer in answers) == [False, True]
    assert await templates_to(STAFF_INBOX) == ["staff_new_request"]
    assert await templates_to(APPLICANT) == ["verify_registration", "request_received"]
    assert (await actions()).count("registration.email_verified") == 1


@pytest.mark.parametrize(("days", "verified"), [(6, True), (8, False)])
async def test_a_link_works_for_7_days(client, app, smtp, monkeypatch, days, verified):
    clock = hold_clock(app, monkeypatch)
    await flora()
    await client.data(SUBMIT, submission())
    token = await mailed_token(smtp)

    clock.advance(days=days)
    answer = await verify(client, token)

    assert answer["verified"] is verified
    status = RegistrationStatus.PENDING if verified else RegistrationStatus.UNVERIFIED
    assert (await RegistrationRequest.get()).status is status
    assert await templates_to(STAFF_INBOX) == (["staff_new_request"] if verified else [])
    if not verified:
        assert user_errors(answer) == REFUSED


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 500])
async def test_an_unknown_token_verifies_nothing(client, smtp, token):
    await flora()
    await client.data(SUBMIT, submission())

    answer = await verify(client, token)

    assert answer["verified"] is False
    assert user_errors(answer) == REFUSED
    assert (await RegistrationRequest.get()).status is RegistrationStatus.UNVERIFIED


async def test_a_second_submission_while_unverified_answers_as_the_first_and_mails_nothing(client, smtp):
    await flora()
    first = await client.execute(SUBMIT, submission())

    second = await client.execute(SUBMIT, submission(name="Eva J."))
    await deliver(smtp)

    assert second == first
    assert await RegistrationRequest.all().count() == 1
    assert len(smtp.inbox.to(APPLICANT)) == 1
    assert await actions() == ["registration.submitted_unverified", "registration.submitted_again"]


DECIDE = """
mutation($ids: [ID!]!) {
  approve(input: {ids: $ids}) { registrationRequests { id } userErrors { field code message } }
  reject(input: {ids: $ids}) { registrationRequests { id } userErrors { field code message } }
}"""

DELETE = """
mutation($ids: [ID!]!) {
  deleteRegistrations(input: {ids: $ids}) { deletedIds userErrors { field code } }
}"""


async def test_staff_cannot_approve_or_reject_a_request_whose_email_is_not_confirmed(client, smtp):
    await flora()
    await client.data(SUBMIT, submission())
    staff = await staff_token(client)
    waiting = await RegistrationRequest.get()
    mails = await templates_to(APPLICANT)

    decided = await client.data(DECIDE, {"ids": [gid(waiting)]}, token=staff)

    for payload in (decided["approve"], decided["reject"]):
        assert payload["registrationRequests"] == []
        assert user_errors(payload) == [(["ids", "0"], "NOT_VERIFIED")]
        assert payload["userErrors"][0]["message"] == "The applicant has not confirmed their email yet."
    still = await RegistrationRequest.get()
    assert (still.status, still.decided_at) == (RegistrationStatus.UNVERIFIED, None)
    assert still.open_email == APPLICANT
    assert still.verification_token_hash == waiting.verification_token_hash
    assert await ShopUser.all().count() == 0
    assert await templates_to(APPLICANT) == mails == ["verify_registration"]
    assert await templates_to(STAFF_INBOX) == []
    assert "registration.approved" not in await actions()
    assert "registration.rejected" not in await actions()


async def test_staff_may_delete_a_request_whose_email_is_not_confirmed(client, smtp):
    await flora()
    await client.data(SUBMIT, submission())
    staff = await staff_token(client)
    waiting = await RegistrationRequest.get()

    deleted = (await client.data(DELETE, {"ids": [gid(waiting)]}, token=staff))["deleteRegistrations"]

    assert deleted == {"deletedIds": [gid(waiting)], "userErrors": []}
    assert await RegistrationRequest.all().count() == 0
    assert await OutboxMessage.all().count() == 0  # the unsent verification mail goes with it
    event = await AuditEvent.get(action="registration.deleted")
    assert event.details["status"] == "UNVERIFIED"
    # The email is free again: the form may be sent anew, and a new link goes out.
    assert user_errors((await client.data(SUBMIT, submission()))["submitRegistration"]) == []
    assert await templates_to(APPLICANT) == ["verify_registration"]


@contextlib.asynccontextmanager
async def limited_client(settings: Settings, limits: str) -> AsyncIterator[GraphQLClient]:
    application = create_app(replace(settings, rate_limits=limits), manage_database=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("203.0.113.9", 4711))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield GraphQLClient(http)


async def test_verifying_is_rate_limited_per_client_address(db, settings):
    async with limited_client(settings, "verifyRegistrationEmail=2/hour") as client:
        tries = [await verify(client, "not-a-token") for _ in range(3)]

    assert [user_errors(answer) for answer in tries] == [REFUSED, REFUSED, [(None, "RATE_LIMITED")]]
    assert tries[2]["verified"] is False
