"""A staff team end to end: an owner invites a reviewer of one shop, who enrols MFA and reviews.

Against a real `gatehouse serve` in the production default, GATEHOUSE_STAFF_MFA=required, and
a real SMTP server, on both databases. Everything after the starting point (an owner and two
shops made with the factories) goes through GraphQL over HTTP with `gql`, validated against
`schema.graphql`, as the staff dashboard and a storefront would; TOTP codes are computed with
pyotp from the secret startMfaEnrolment answers, as an authenticator app would.

Codes and replay: the server accepts the step before and after now, and each step once per
account. Enrolment uses the code of the current step, so a sign-in right after uses the
next step's code (`pyotp.TOTP(secret).at(now + 30)`): fresh, and accepted at once, with no
wait for the clock.

The server keeps its default rate limits: the test calls adminLogin four times and verifyMfa
four times, below every limit (10 and 5 a minute).
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path

import pyotp
import pytest
from gql import gql

from models import StaffRole
from tests.e2e.test_flows import (
    graphql,
    graphql_error_codes,
    html_of,
    mails_to,
    run,
    text_of,
    wait_for_mail,
)
from tests.factories import ADMIN_PASSWORD, make_admin, make_shop
from tests.graphql_answers import user_errors
from tests.live_server import DASHBOARD_URL, LiveServer
from tests.mail.smtp_server import SmtpServer

OWNER_EMAIL = "owner@flora.test"
REVIEWER_EMAIL = "rita@flora.test"
REVIEWER_PASSWORD = "Hyacinth-Bench-4127"
FLORA_NAME = "Flora Wholesale"
GREENHOUSE_NAME = "The Greenhouse"
RECOVERY_CODE = re.compile(r"[a-z0-9]{5}-[a-z0-9]{5}", re.IGNORECASE)


# --------------------------------------------------------------------------- operations

ADMIN_LOGIN = gql("""
mutation AdminLogin($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) {
    token mfaChallenge viewer { ... on AdminUser { email } } userErrors { field code message }
  }
}""")

VERIFY_MFA = gql("""
mutation VerifyMfa($challenge: String!, $code: String!) {
  verifyMfa(input: {challenge: $challenge, code: $code}) {
    token mfaChallenge viewer { ... on AdminUser { email role } } userErrors { field code message }
  }
}""")

START_MFA = gql("""
mutation StartMfa { startMfaEnrolment { secret provisioningUri userErrors { field code message } } }
""")

CONFIRM_MFA = gql("""
mutation ConfirmMfa($code: String!) {
  confirmMfaEnrolment(input: {code: $code}) { recoveryCodes userErrors { field code message } }
}""")

STAFF_VIEWER = gql("""
query StaffViewer {
  viewer { ... on AdminUser { email role mfaEnabled shops { handle } } }
}""")

SUBMIT_REGISTRATION = gql("""
mutation SubmitRegistration($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) {
    registrationRequest { id } shopUser { id } userErrors { field code message }
  }
}""")

REQUESTS = gql("""
query Requests($shop: String) {
  registrationRequests(shop: $shop) {
    totalCount edges { node { id email status shop { handle } } }
  }
}""")

REQUEST_NODE = gql("""
query RequestNode($id: ID!) {
  node(id: $id) { id ... on RegistrationRequest { email status } }
}""")

INVITE_STAFF = gql("""
mutation InviteStaff($input: InviteStaffInput!) {
  inviteStaff(input: $input) {
    adminUser { id email name role shops { handle } active mfaEnabled lastLoginAt }
    userErrors { field code message }
  }
}""")

ACCEPT_INVITATION = gql("""
mutation AcceptInvitation($token: String!, $password: String!, $confirmation: String!) {
  acceptInvitation(input: {token: $token, password: $password, passwordConfirmation: $confirmation}) {
    token mfaChallenge viewer { ... on AdminUser { email role } } userErrors { field code message }
  }
}""")

# A reviewer does not read shop users, so `shopUser` is left out of the approval's answer.
APPROVE = gql("""
mutation Approve($ids: [ID!]!) {
  approve(input: {ids: $ids}) {
    registrationRequests { id status decidedBy { email } debtor { name } }
    userErrors { field code message }
  }
}""")

SHOP_USERS = gql("""
query ShopUsers { shopUsers { totalCount } }
""")

AUDIT_EVENTS = gql("""
query AuditEvents {
  auditEvents(first: 100) {
    edges { node { action actorKind actorId actorLabel objectType objectId details } }
  }
}""")


# --------------------------------------------------------------------------- fixtures and helpers


@pytest.fixture
async def live_server(db: str, smtp: SmtpServer, tmp_path: Path) -> AsyncIterator[LiveServer]:
    """`gatehouse serve` as in production: staff must enrol MFA before anything else."""
    server = LiveServer(
        db, tmp_path / "serve.log", smtp_port=smtp.port, environment={"GATEHOUSE_STAFF_MFA": "required"}
    ).start()
    try:
        yield server
    finally:
        server.stop()


def dashboard_token(message: EmailMessage, page: str) -> str:
    """The `token` of the `<dashboard>/<page>?token=…` link in the text part (and the HTML part)."""
    text = text_of(message)
    match = re.search(re.escape(f"{DASHBOARD_URL}/{page}?token=") + r"([A-Za-z0-9_\-]+)", text)
    assert match, f"no {page} link in:\n{text}"
    assert match.group(0) in html_of(message)
    return match.group(1)


async def enrol(live_server: LiveServer, token: str) -> tuple[str, str, list[str]]:
    """Enrols the session's account in MFA as an authenticator app would: (secret, the code
    confirmed with, the recovery codes)."""
    async with graphql(live_server, token) as session:
        started = (await run(session, START_MFA))["startMfaEnrolment"]
        assert started["userErrors"] == []
        secret = started["secret"]
        assert started["provisioningUri"].startswith("otpauth://totp/")
        assert f"secret={secret}" in started["provisioningUri"]
        assert "issuer=Gatehouse" in started["provisioningUri"]
        code = pyotp.TOTP(secret).now()
        confirmed = (await run(session, CONFIRM_MFA, code=code))["confirmMfaEnrolment"]
        assert confirmed["userErrors"] == []
        assert (await run(session, STAFF_VIEWER))["viewer"]["mfaEnabled"] is True
    return secret, code, confirmed["recoveryCodes"]


async def sign_in_challenge(live_server: LiveServer, email: str, password: str) -> str:
    """The password step of a staff sign-in with MFA: no session yet, a challenge."""
    async with graphql(live_server) as browser:
        payload = (await run(browser, ADMIN_LOGIN, email=email, password=password))["adminLogin"]
    assert payload["userErrors"] == []
    assert (payload["token"], payload["viewer"]) == (None, None)
    assert payload["mfaChallenge"]
    return payload["mfaChallenge"]


async def verify(live_server: LiveServer, challenge: str, code: str) -> dict:
    async with graphql(live_server) as browser:
        return (await run(browser, VERIFY_MFA, challenge=challenge, code=code))["verifyMfa"]


async def submit(live_server: LiveServer, shop: str, name: str, email: str) -> None:
    """A registration sent from the shop's storefront, anonymously."""
    async with graphql(live_server) as visitor:
        submitted = (await run(visitor, SUBMIT_REGISTRATION, input={
            "shop": shop, "name": name, "email": email, "company": f"{name} BV", "language": "en",
        }))["submitRegistration"]
    assert submitted == {"registrationRequest": None, "shopUser": None, "userErrors": []}


def requests_of(connection: dict) -> dict[str, dict]:
    """A registrationRequests page by the requests' shop handles."""
    return {edge["node"]["shop"]["handle"]: edge["node"] for edge in connection["edges"]}


# --------------------------------------------------------------------------- the journey


async def test_an_owner_invites_a_reviewer_of_one_shop_who_enrols_mfa_and_reviews_only_that_shop(
    live_server, smtp
):
    # Given: an owner of every shop, and two shops, each with a request from its storefront.
    await make_admin(OWNER_EMAIL, role=StaffRole.OWNER)
    await make_shop("flora", name=FLORA_NAME, registration_enabled=True)
    await make_shop("greenhouse", name=GREENHOUSE_NAME, registration_enabled=True)
    await submit(live_server, "flora", "Eva Tulp", "eva@tulpenhandel.test")
    await submit(live_server, "greenhouse", "Bas Varen", "bas@varens.test")

    # The owner's password alone gives a session that may only enrol.
    async with graphql(live_server) as browser:
        signed_in = (
            await run(browser, ADMIN_LOGIN, email=OWNER_EMAIL, password=ADMIN_PASSWORD)
        )["adminLogin"]
    assert signed_in["userErrors"] == []
    assert signed_in["mfaChallenge"] is None
    assert signed_in["viewer"] == {"email": OWNER_EMAIL}
    owner = signed_in["token"]
    async with graphql(live_server, owner) as dashboard:
        assert await graphql_error_codes(dashboard, REQUESTS) == {"MFA_ENROLMENT_REQUIRED"}
    await enrol(live_server, owner)
    # Enrolled, the same session does what an owner may: it reads both shops' requests.
    async with graphql(live_server, owner) as dashboard:
        everything = requests_of((await run(dashboard, REQUESTS))["registrationRequests"])
    assert {handle: r["email"] for handle, r in everything.items()} == {
        "flora": "eva@tulpenhandel.test", "greenhouse": "bas@varens.test",
    }
    flora_request, greenhouse_request = everything["flora"]["id"], everything["greenhouse"]["id"]

    # When: the owner invites a reviewer for flora only.
    async with graphql(live_server, owner) as dashboard:
        invited = (await run(dashboard, INVITE_STAFF, input={
            "email": REVIEWER_EMAIL, "name": "Rita Reviewer", "role": "REVIEWER", "shops": ["flora"],
        }))["inviteStaff"]
    assert invited["userErrors"] == []
    reviewer_id = invited["adminUser"]["id"]
    assert invited["adminUser"] | {"id": None} == {
        "id": None, "email": REVIEWER_EMAIL, "name": "Rita Reviewer", "role": "REVIEWER",
        "shops": [{"handle": "flora"}], "active": True, "mfaEnabled": False, "lastLoginAt": None,
    }

    # The invitation mail names role and shop and links to the dashboard's page for it.
    invitation = await wait_for_mail(smtp, REVIEWER_EMAIL, "Staff invited you to the staff of Gatehouse")
    assert f"with the role REVIEWER, for {FLORA_NAME}." in text_of(invitation)
    assert GREENHOUSE_NAME not in text_of(invitation)
    link = dashboard_token(invitation, "accept-invitation")
    # No one can sign in with the invited address before accepting.
    async with graphql(live_server) as browser:
        early = (await run(browser, ADMIN_LOGIN, email=REVIEWER_EMAIL, password=REVIEWER_PASSWORD))
    assert user_errors(early["adminLogin"]) == [(None, "INVALID_CREDENTIALS")]

    # The reviewer accepts: a session that may only enrol, until it does.
    async with graphql(live_server) as browser:
        accepted = (await run(
            browser, ACCEPT_INVITATION,
            token=link, password=REVIEWER_PASSWORD, confirmation=REVIEWER_PASSWORD,
        ))["acceptInvitation"]
    assert accepted["userErrors"] == []
    assert accepted["mfaChallenge"] is None
    assert accepted["viewer"] == {"email": REVIEWER_EMAIL, "role": "REVIEWER"}
    enrolling = accepted["token"]
    async with graphql(live_server, enrolling) as dashboard:
        assert await graphql_error_codes(dashboard, REQUESTS, shop="flora") == {"MFA_ENROLMENT_REQUIRED"}
        assert (await run(dashboard, STAFF_VIEWER))["viewer"] == {
            "email": REVIEWER_EMAIL, "role": "REVIEWER", "mfaEnabled": False, "shops": [{"handle": "flora"}],
        }
    secret, enrolment_code, recovery_codes = await enrol(live_server, enrolling)
    assert len(recovery_codes) == 10
    assert len(set(recovery_codes)) == 10
    assert all(RECOVERY_CODE.fullmatch(code) for code in recovery_codes), recovery_codes

    # The reviewer signs in afresh: the password gives a challenge, a code the session.
    challenge = await sign_in_challenge(live_server, REVIEWER_EMAIL, REVIEWER_PASSWORD)
    replayed = await verify(live_server, challenge, enrolment_code)
    assert user_errors(replayed) == [(["code"], "INVALID_CREDENTIALS")]
    assert replayed["token"] is None
    # The next step's code is fresh, and within the window the server accepts.
    next_code = pyotp.TOTP(secret).at(time.time() + 30)
    verified = await verify(live_server, challenge, next_code)
    assert verified["userErrors"] == []
    assert verified["mfaChallenge"] is None
    assert verified["viewer"] == {"email": REVIEWER_EMAIL, "role": "REVIEWER"}
    reviewer = verified["token"]
    assert reviewer
    # Once more from another computer, with a recovery code; a code used already is refused
    # and the challenge waits for a right one.
    challenge = await sign_in_challenge(live_server, REVIEWER_EMAIL, REVIEWER_PASSWORD)
    assert user_errors(await verify(live_server, challenge, next_code)) == [(["code"], "INVALID_CREDENTIALS")]
    by_recovery = await verify(live_server, challenge, recovery_codes[0].upper().replace("-", " "))
    assert by_recovery["userErrors"] == []
    assert by_recovery["viewer"] == {"email": REVIEWER_EMAIL, "role": "REVIEWER"}

    # Then: the reviewer reviews flora's requests, and for it greenhouse's do not exist.
    async with graphql(live_server, reviewer) as dashboard:
        floras = (await run(dashboard, REQUESTS, shop="flora"))["registrationRequests"]
        assert floras["totalCount"] == 1
        assert requests_of(floras)["flora"] == {
            "id": flora_request, "email": "eva@tulpenhandel.test", "status": "PENDING",
            "shop": {"handle": "flora"},
        }
        assert await graphql_error_codes(dashboard, REQUESTS, shop="greenhouse") == {"NOT_FOUND"}
        unfiltered = (await run(dashboard, REQUESTS))["registrationRequests"]
        assert unfiltered["totalCount"] == 1
        assert list(requests_of(unfiltered)) == ["flora"]
        assert (await run(dashboard, REQUEST_NODE, id=greenhouse_request)) == {"node": None}
        assert (await run(dashboard, REQUEST_NODE, id=flora_request))["node"]["status"] == "PENDING"

        elsewhere = (await run(dashboard, APPROVE, ids=[greenhouse_request]))["approve"]
        assert elsewhere["registrationRequests"] == []
        assert user_errors(elsewhere) == [(["ids", "0"], "NOT_FOUND")]
        approved = (await run(dashboard, APPROVE, ids=[flora_request]))["approve"]
        assert approved["userErrors"] == []
        assert approved["registrationRequests"] == [{
            "id": flora_request, "status": "APPROVED", "decidedBy": {"email": REVIEWER_EMAIL},
            "debtor": {"name": "Eva Tulp BV"},
        }]

        # A reviewer's role does not reach shop users at all.
        assert await graphql_error_codes(dashboard, SHOP_USERS) == {"FORBIDDEN"}

    # The refused approval changed nothing: greenhouse's request waits, for the owner to see.
    async with graphql(live_server, owner) as dashboard:
        now = requests_of((await run(dashboard, REQUESTS))["registrationRequests"])
        events = [edge["node"] for edge in (await run(dashboard, AUDIT_EVENTS))["auditEvents"]["edges"]]
    assert {handle: r["status"] for handle, r in now.items()} == {
        "flora": "APPROVED", "greenhouse": "PENDING",
    }
    # The applicant approved in flora is invited to choose a password; greenhouse's heard nothing.
    await wait_for_mail(smtp, "eva@tulpenhandel.test", f"Your customer account at {FLORA_NAME}")
    assert [m["Subject"] for m in mails_to(smtp, "bas@varens.test")] == [
        f"We received your registration at {GREENHOUSE_NAME}"
    ]

    # And the owner reads in the audit log who invited whom, and who approved what.
    [invited_event] = [e for e in events if e["action"] == "staff.invited"]
    assert invited_event["actorKind"] == "ADMIN"
    assert invited_event["actorLabel"] == OWNER_EMAIL
    assert (invited_event["objectType"], invited_event["objectId"]) == ("AdminUser", reviewer_id)
    assert invited_event["details"] | {"resent": None} == {
        "email": REVIEWER_EMAIL, "role": "REVIEWER", "shops": ["flora"], "resent": None,
    }
    [approval] = [e for e in events if e["action"] == "registration.approved"]
    assert (approval["actorKind"], approval["actorId"], approval["actorLabel"]) == (
        "ADMIN", reviewer_id, REVIEWER_EMAIL,
    )
    assert (approval["objectType"], approval["objectId"]) == ("RegistrationRequest", flora_request)
    # Both enrolments are on record, each by the one who enrolled.
    assert sorted(e["actorLabel"] for e in events if e["action"] == "admin.mfa_enrolled") == [
        OWNER_EMAIL, REVIEWER_EMAIL,
    ]
