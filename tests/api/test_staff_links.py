"""Staff links: an invitation (inviteStaff) redeemed by acceptInvitation, and a reset
(requestAdminPasswordReset) redeemed by resetPassword, the same mutations customers use.

requestAdminPasswordReset answers the same, after the same statements, whatever the email:
it queues a job that the delivery loop works out into the mail (work_out_jobs here). Links
point at the staff dashboard, or, with none configured, the mail carries the bare token. A
redeemed link ends as every staff sign-in does: with MFA enrolled, a challenge first.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from auth.sessions import SessionPolicy, start_session
from mail.jobs import ADMIN_PASSWORD_RESET_REQUESTED
from mail.rendering import render
from models import ActorKind, AdminUser, AuditEvent, OneTimeToken, OutboxMessage, Session, StaffRole
from server.app import create_app
from server.settings import Settings
from tests.api.sign_in import admin_login, viewer_of
from tests.api.staff_members import INVITE_STAFF, colleague, signed_in, token_of
from tests.conftest import GraphQLClient
from tests.factories import ADMIN_PASSWORD, make_contact, make_debtor, make_shop, make_shop_user
from tests.graphql_answers import user_error_codes, user_errors
from tests.mail.smtp_server import deliver
from tests.outbox import link_token, work_out_jobs
from tests.query_counter import captured_statements, parameter_sizes

CHOSEN = "sunflower-Field-1593"
OTHER_CHOICE = "hollyhock-Border-7264"
DASHBOARD = "https://admin.flora.test"
MIA = "mia@gatehouse.test"

ACCEPT_INVITATION = """
mutation($token: String!, $password: String!) {
  acceptInvitation(input: {token: $token, password: $password, passwordConfirmation: $password}) {
    token mfaChallenge
    viewer { __typename ... on AdminUser { email role lastLoginAt } }
    userErrors { field code message }
  }
}"""

REQUEST_ADMIN_RESET = """
mutation($email: String!) {
  requestAdminPasswordReset(input: {email: $email}) { requested userErrors { field code message } }
}"""

RESET_PASSWORD = """
mutation($token: String!, $password: String!) {
  resetPassword(input: {token: $token, password: $password, passwordConfirmation: $password}) {
    token mfaChallenge
    viewer { __typename ... on AdminUser { email } }
    userErrors { field code message }
  }
}"""


async def invited(client, email: str = "mia@gatehouse.test", role: str = "MANAGER") -> str:
    """An owner invites `email`; the token the mail carries (in its link or bare)."""
    token = await signed_in(client, "olga@gatehouse.test")
    body = await client.execute(INVITE_STAFF, {"input": {"email": email, "role": role}}, token=token)
    assert body["data"]["inviteStaff"]["userErrors"] == [], body
    return mailed_token(await OutboxMessage.filter(template="staff_invitation").order_by("-id").first())


def mailed_token(mail: OutboxMessage | None) -> str:
    assert mail is not None
    key = "invitation_url" if mail.template == "staff_invitation" else "reset_url"
    return mail.context["token"] or link_token(mail, key)


async def accept(client, token: str, password: str = CHOSEN) -> dict:
    data = await client.data(ACCEPT_INVITATION, {"token": token, "password": password})
    client.http.cookies.clear()
    return data["acceptInvitation"]


async def request_reset(client, email: str) -> dict:
    return (await client.data(REQUEST_ADMIN_RESET, {"email": email}))["requestAdminPasswordReset"]


async def reset_token(client, app, email: str = "mia@gatehouse.test") -> str:
    """Ask for a reset of `email`, work it out as the delivery loop does; the token mailed."""
    assert (await request_reset(client, email))["userErrors"] == []
    await work_out_jobs(app.state.runtime)
    return mailed_token(await OutboxMessage.filter(template="staff_password_reset").order_by("-id").first())


async def reset(client, token: str, password: str = CHOSEN) -> dict:
    data = await client.data(RESET_PASSWORD, {"token": token, "password": password})
    client.http.cookies.clear()
    return data["resetPassword"]


async def enrolled(admin: AdminUser) -> None:
    """`admin` as if it had confirmed MFA enrolment (the code itself is the MFA tests' business)."""
    admin.mfa_enabled_at = datetime.now(UTC)
    await admin.save(update_fields=["mfa_enabled_at"])


# --- acceptInvitation of a staff invitation ------------------------------------------------


async def test_accepting_a_staff_invitation_sets_the_password_and_signs_in_as_staff(client):
    link = await invited(client)

    payload = await accept(client, link)

    assert payload["userErrors"] == []
    assert payload["mfaChallenge"] is None
    assert payload["viewer"]["__typename"] == "AdminUser"
    assert (payload["viewer"]["email"], payload["viewer"]["role"]) == (MIA, "MANAGER")
    assert payload["viewer"]["lastLoginAt"] is not None
    assert await viewer_of(client, payload["token"]) == {"__typename": "AdminUser", "email": MIA}
    stored = await AdminUser.get(email="mia@gatehouse.test")
    assert str(stored.password_hash).startswith("$argon2id$")
    assert (await admin_login(client, "mia@gatehouse.test", CHOSEN))["userErrors"] == []
    accepted = await AuditEvent.get(action="admin.invitation_accepted")
    assert (accepted.actor_kind, accepted.actor_id, accepted.object_id, accepted.shop_id) == (
        ActorKind.ADMIN, stored.id, stored.id, None
    )
    assert await AuditEvent.filter(action="admin.login", object_id=stored.id).count() == 2


async def test_a_staff_invitation_works_once(client):
    link = await invited(client)
    assert (await accept(client, link))["userErrors"] == []
    first_hash = (await AdminUser.get(email="mia@gatehouse.test")).password_hash

    again = await accept(client, link, OTHER_CHOICE)

    assert user_errors(again) == [(["token"], "INVALID_TOKEN")]
    assert (again["token"], again["viewer"]) == (None, None)
    assert (await AdminUser.get(email="mia@gatehouse.test")).password_hash == first_hash


async def test_the_invitation_of_someone_deactivated_meanwhile_does_nothing(client):
    link = await invited(client)
    mia = await AdminUser.get(email="mia@gatehouse.test")
    await AdminUser.filter(id=mia.id).update(is_active=False)

    payload = await accept(client, link)

    assert user_errors(payload) == [(["token"], "INVALID_TOKEN")]
    assert (await AdminUser.get(id=mia.id)).password_hash is None
    assert await Session.filter(admin_id=mia.id).count() == 0
    refused = await AuditEvent.get(action="admin.link_refused")
    assert (refused.actor_kind, refused.object_id, refused.details) == (
        ActorKind.ANONYMOUS, mia.id, {"purpose": "INVITATION"}
    )


async def test_a_weak_password_keeps_the_invitation_open(client):
    link = await invited(client)

    weak = await accept(client, link, "password1")
    good = await accept(client, link)

    assert user_error_codes(weak) == ["PASSWORD_TOO_WEAK"]
    assert good["userErrors"] == []


# --- the mails ------------------------------------------------------------------------------


async def test_without_a_dashboard_the_invitation_carries_the_token_and_says_how_to_redeem_it(client):
    link = await invited(client)

    [mail] = await OutboxMessage.filter(template="staff_invitation")
    rendered = render(mail.template, mail.language, mail.context)

    assert (mail.recipient, mail.language, mail.shop_id) == ("mia@gatehouse.test", "en", None)
    assert mail.context["invitation_url"] is None
    assert mail.context["token"] == link
    for body in (rendered.text, rendered.html):
        assert link in body
        assert "acceptInvitation" in body
        assert "GATEHOUSE_ADMIN_URL" in body
        assert "http" not in body.replace("<!doctype html>", "")
        assert "None" not in body
    assert rendered.subject == "Olga invited you to the staff of Gatehouse"
    assert "with the role MANAGER, for every shop" in rendered.text


async def test_the_invitation_links_to_the_dashboard_and_arrives_by_smtp(client, app, smtp):
    app.state.runtime.admin_url = DASHBOARD
    await make_shop("flora", name="Flora Wholesale")
    token = await signed_in(client, "olga@gatehouse.test")
    input = {"email": "mia@gatehouse.test", "role": "SUPPORT", "shops": ["flora"]}
    await client.execute(INVITE_STAFF, {"input": input}, token=token)

    await deliver(smtp)

    [message] = smtp.inbox.messages
    assert (message["To"], message["Subject"]) == (MIA, "Olga invited you to the staff of Gatehouse")
    mail = await OutboxMessage.get(template="staff_invitation")
    link = link_token(mail, "invitation_url")
    assert mail.context["invitation_url"] == f"{DASHBOARD}/accept-invitation?token={link}"
    assert mail.context["token"] is None
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert f"{DASHBOARD}/accept-invitation?token={link}" in text
    assert "for Flora Wholesale" in text
    assert "expires in 7 days" in text
    assert (await accept(client, link))["userErrors"] == []


# --- requestAdminPasswordReset ----------------------------------------------------------------


async def test_known_unknown_and_malformed_emails_get_the_very_same_answer(client, app):
    await colleague("mia@gatehouse.test")

    responses = [
        await client.post(REQUEST_ADMIN_RESET, {"email": email})
        for email in ["mia@gatehouse.test", "nobody@gatehouse.test", "not an email", "", "@" * 300]
    ]

    assert len({response.content for response in responses}) == 1
    assert responses[0].json() == {
        "data": {"requestAdminPasswordReset": {"requested": True, "userErrors": []}}
    }
    assert all("set-cookie" not in response.headers for response in responses)
    await work_out_jobs(app.state.runtime)
    assert [(m.recipient, m.template) for m in await OutboxMessage.all()] == [
        ("mia@gatehouse.test", "staff_password_reset")
    ]


@pytest.mark.parametrize("asked", ["mia@gatehouse.test", "pending@gatehouse.test", "gone@gatehouse.test"])
async def test_the_request_sends_the_same_statements_whoever_the_email_belongs_to(client, asked):
    await colleague("mia@gatehouse.test")
    await colleague("pending@gatehouse.test", password=None)
    await colleague("gone@gatehouse.test", active=False)
    unknown = "x" * (len(asked) - len("@gatehouse.test")) + "@gatehouse.test"
    await request_reset(client, unknown)  # warm: the first call of a kind may load what it needs

    known_statements = await statements_of_request(client, asked)
    unknown_statements = await statements_of_request(client, unknown)

    assert [sql for sql, _ in known_statements] == [sql for sql, _ in unknown_statements]
    assert [parameter_sizes(p) for _, p in known_statements] == [
        parameter_sizes(p) for _, p in unknown_statements
    ]
    assert sum(sql.lstrip().upper().startswith("INSERT") for sql, _ in known_statements) == 2


async def statements_of_request(client, email: str) -> list[tuple[str, list]]:
    with captured_statements() as statements:
        assert await request_reset(client, email) == {"requested": True, "userErrors": []}
    return list(statements)


async def test_the_request_queues_a_job_without_a_link_and_is_audited(client, app):
    mia = await colleague("mia@gatehouse.test")

    await request_reset(client, " MIA@gatehouse.test ")

    [job] = await OutboxMessage.all()
    assert (job.template, job.recipient, job.context) == (
        ADMIN_PASSWORD_RESET_REQUESTED, "mia@gatehouse.test", {"email": "mia@gatehouse.test"}
    )
    assert await OneTimeToken.all().count() == 0
    [asked] = await AuditEvent.filter(action="admin.password_reset_requested")
    assert (asked.actor_kind, asked.object_id, asked.shop_id, asked.details) == (
        ActorKind.ANONYMOUS, None, None, {"email": "mia@gatehouse.test"}
    )
    await work_out_jobs(app.state.runtime)
    [mailed] = await AuditEvent.filter(action="admin.password_reset_mailed")
    assert (mailed.actor_kind, mailed.actor_label, mailed.object_id) == (
        ActorKind.SYSTEM, "mail delivery", mia.id
    )
    assert mailed.details == {"email": "mia@gatehouse.test", "mail": "staff_password_reset"}
    [mail] = await OutboxMessage.all()
    assert (mail.template, mail.recipient, mail.language) == ("staff_password_reset", MIA, "en")


async def test_an_open_invitation_gets_a_fresh_invitation_and_a_deactivated_account_nothing(client, app):
    link = await invited(client, "pending@gatehouse.test")
    await colleague("gone@gatehouse.test", active=False)

    await request_reset(client, "pending@gatehouse.test")
    await request_reset(client, "gone@gatehouse.test")
    await work_out_jobs(app.state.runtime)

    mails = await OutboxMessage.all().order_by("id")
    assert [(m.recipient, m.template) for m in mails] == [
        ("pending@gatehouse.test", "staff_invitation"), ("pending@gatehouse.test", "staff_invitation")
    ]
    assert mails[1].context["inviter"] == "olga@gatehouse.test"
    assert user_errors(await accept(client, link)) == [(["token"], "INVALID_TOKEN")]
    assert (await accept(client, mailed_token(mails[1])))["userErrors"] == []


async def test_the_reset_mail_without_a_dashboard_carries_the_token_and_arrives_by_smtp(client, smtp):
    await colleague("mia@gatehouse.test")
    await request_reset(client, "mia@gatehouse.test")

    await deliver(smtp)

    [message] = smtp.inbox.messages
    assert (message["To"], message["Subject"]) == (MIA, "Reset your Gatehouse staff password")
    mail = await OutboxMessage.get(template="staff_password_reset")
    text = message.get_body(preferencelist=("plain",)).get_content()
    assert mail.context["reset_url"] is None
    assert mail.context["token"] in text
    assert "resetPassword" in text
    assert "expires in 60 minutes" in text


async def test_with_a_dashboard_the_reset_link_points_at_it(client, app):
    app.state.runtime.admin_url = DASHBOARD
    await colleague("mia@gatehouse.test")

    token = await reset_token(client, app)

    mail = await OutboxMessage.get(template="staff_password_reset")
    assert mail.context["reset_url"] == f"{DASHBOARD}/reset-password?token={token}"


# --- resetPassword of a staff link -----------------------------------------------------------


async def test_a_staff_reset_sets_the_password_ends_other_sessions_and_signs_in(client, app):
    mia = await colleague("mia@gatehouse.test")
    old_session = await token_of(client, mia)
    token = await reset_token(client, app)

    payload = await reset(client, token)

    assert payload["userErrors"] == []
    assert payload["viewer"] == {"__typename": "AdminUser", "email": "mia@gatehouse.test"}
    assert await viewer_of(client, old_session) is None
    assert await viewer_of(client, payload["token"]) == {"__typename": "AdminUser", "email": MIA}
    assert await Session.filter(admin_id=mia.id).count() == 1
    assert user_errors(await admin_login(client, "mia@gatehouse.test", ADMIN_PASSWORD)) == [
        (None, "INVALID_CREDENTIALS")
    ]
    [event] = await AuditEvent.filter(action="admin.password_reset")
    assert (event.actor_kind, event.actor_id, event.object_id) == (ActorKind.ADMIN, mia.id, mia.id)
    again = await reset(client, token, OTHER_CHOICE)
    assert user_errors(again) == [(["token"], "INVALID_TOKEN")]


async def test_a_staff_reset_never_skips_the_second_factor(client, app):
    mia = await colleague("mia@gatehouse.test")
    await enrolled(mia)
    # Signed in on another device before (past its second factor).
    old_session, _ = await start_session(now=datetime.now(UTC), policy=SessionPolicy(), admin=mia)
    token = await reset_token(client, app)

    payload = await reset(client, token)

    assert payload["userErrors"] == []
    assert (payload["token"], payload["viewer"]) == (None, None)
    assert payload["mfaChallenge"]
    assert await viewer_of(client, old_session) is None
    assert await Session.filter(admin_id=mia.id).count() == 0
    assert str((await AdminUser.get(id=mia.id)).password_hash).startswith("$argon2id$")
    assert (await AdminUser.get(id=mia.id)).password_hash != mia.password_hash


async def test_a_reset_link_of_someone_deactivated_meanwhile_does_nothing(client, app):
    mia = await colleague("mia@gatehouse.test")
    token = await reset_token(client, app)
    await AdminUser.filter(id=mia.id).update(is_active=False)

    payload = await reset(client, token)

    assert user_errors(payload) == [(["token"], "INVALID_TOKEN")]
    assert (await AdminUser.get(id=mia.id)).password_hash == mia.password_hash


async def test_a_customers_link_does_not_open_a_staff_account_of_the_same_email(client, app):
    # The token says whose link it is: a staff member of the same address is not involved.
    shop = await make_shop("flora")
    contact = await make_contact(await make_debtor(), email="mia@gatehouse.test")
    await make_shop_user(shop, contact, "mia")
    staff = await colleague("mia@gatehouse.test", StaffRole.SUPPORT)
    body = await client.data(
        'mutation { requestPasswordReset(input: {shop: "flora", email: "mia@gatehouse.test"}) { requested } }'
    )
    assert body["requestPasswordReset"]["requested"] is True
    await work_out_jobs(app.state.runtime)
    customer_link = link_token(await OutboxMessage.get(template="password_reset"), "reset_url")

    payload = await reset(client, customer_link)

    assert payload["userErrors"] == []
    assert payload["viewer"] == {"__typename": "ShopUser"}
    assert (await AdminUser.get(id=staff.id)).password_hash == staff.password_hash


# --- the rate limit ----------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def app_with(settings: Settings, **changes: Any) -> AsyncIterator[Any]:
    application = create_app(replace(settings, **changes), manage_database=False)
    async with application.router.lifespan_context(application):
        yield application


async def test_requests_for_one_email_are_rate_limited_across_addresses(db, settings):
    async with app_with(settings, rate_limits="requestAdminPasswordReset=2/hour") as application:
        answers = []
        for number in range(3):
            transport = httpx.ASGITransport(app=application, client=(f"198.51.100.{number}", 4711))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
                answers.append(await request_reset(GraphQLClient(http), "mia@gatehouse.test"))

    assert [user_error_codes(answer) for answer in answers] == [[], [], ["RATE_LIMITED"]]
    assert answers[2]["requested"] is False
    assert await OutboxMessage.all().count() == 2
