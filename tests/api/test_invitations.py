"""Invitations (rule 8 of docs/api.md): acceptInvitation, resendInvitation, and what a link may not do.

A link is single-use, expires, is stored only as a hash, and does nothing for an
excluded user (rule 10 of docs/api.md). Accepting it sets the first password, activates the
user, signs them in and tells the shop's staff.
"""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

from auth.passwords import PasswordHasher
from auth.viewer import Caller
from mail.rendering import render
from models import (
    ActorKind,
    AuditEvent,
    OneTimeToken,
    OutboxMessage,
    Session,
    Shop,
    ShopUser,
    TokenPurpose,
)
from resolvers.errors import ErrorCode, UserInputError
from resolvers.invitations import accept_invitation, send_invitation
from resolvers.runtime import Runtime
from resolvers.signed_in import SignedIn
from schema.nodes import global_id
from tests.api.sign_in import customer_token, login, staff_token, viewer_of
from tests.factories import make_contact, make_debtor, make_shop, make_shop_user
from tests.graphql_answers import refusal, user_errors
from tests.outbox import link_token
from tests.use_cases import cheap_runtime

CHOSEN = "sunflower-Field-1593"
OTHER_CHOICE = "hollyhock-Border-7264"

ACCEPT_INVITATION = """
mutation($token: String!, $password: String!, $confirmation: String!) {
  acceptInvitation(input: {token: $token, password: $password, passwordConfirmation: $confirmation}) {
    token
    viewer { __typename ... on ShopUser { username status mustChangePassword } }
    userErrors { field message code }
  }
}"""

RESEND_INVITATION = """
mutation($id: ID!) {
  resendInvitation(input: {shopUserId: $id}) {
    shopUser { id username status }
    userErrors { field code }
  }
}"""

VIEWER_STATUS = "{ viewer { __typename ... on ShopUser { username status } } }"

# Only what send_invitation reads from the runtime; the cheap hasher is never used there.
RUNTIME = cheap_runtime()


async def invited_user(
    shop: Shop, username: str = "anna", first_name: str = "Anna", email: str | None = None, **values: object
) -> ShopUser:
    """An INVITED shop user (no password) whose contact has an email address."""
    debtor = await make_debtor()
    contact = await make_contact(debtor, first_name, email=email or f"{username}@bloemen.test")
    return await make_shop_user(shop, contact, username, password=None, **values)


async def invite(user: ShopUser) -> str:
    """Mail `user` an invitation as createShopUser/resendInvitation do; the link's token."""
    user = await ShopUser.get(id=user.id).select_related("shop", "contact")
    await send_invitation(RUNTIME, user, user.shop, user.contact)
    message = await OutboxMessage.filter(template="invitation").order_by("-id").first()
    return link_token(message, "invitation_url")


async def accept(client, token: str, password: str = CHOSEN, confirmation: str | None = None) -> dict:
    variables = {
        "token": token,
        "password": password,
        "confirmation": password if confirmation is None else confirmation,
    }
    data = await client.data(ACCEPT_INVITATION, variables)
    client.http.cookies.clear()
    return data["acceptInvitation"]


def refused_as_invalid_token(payload: dict) -> bool:
    return (
        payload["token"] is None
        and payload["viewer"] is None
        and user_errors(payload) == [(["token"], "INVALID_TOKEN")]
    )


async def still_invited(user: ShopUser) -> bool:
    stored = await ShopUser.get(id=user.id)
    return stored.password_hash is None and stored.activated_at is None


# --- acceptInvitation ----------------------------------------------------------------------


async def test_accepting_sets_an_argon2id_password_activates_and_signs_in(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    link = await invite(user)

    response = await client.post(
        ACCEPT_INVITATION, {"token": link, "password": CHOSEN, "confirmation": CHOSEN}
    )

    payload = response.json()["data"]["acceptInvitation"]
    assert payload["userErrors"] == []
    assert payload["viewer"] == {
        "__typename": "ShopUser", "username": "anna", "status": "ACTIVE", "mustChangePassword": False
    }
    session_token = payload["token"]
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"gatehouse_session={session_token};")
    assert "httponly" in set_cookie.lower()
    assert "samesite=lax" in set_cookie.lower()
    assert await viewer_of(client, session_token, VIEWER_STATUS) == {
        "__typename": "ShopUser", "username": "anna", "status": "ACTIVE"
    }
    stored = await ShopUser.get(id=user.id)
    assert stored.password_hash is not None
    assert stored.password_hash.startswith("$argon2id$")
    assert CHOSEN not in stored.password_hash
    assert stored.activated_at is not None
    signed_in = await login(client, "anna", CHOSEN)
    assert signed_in["userErrors"] == []


async def test_accepting_is_audited_and_tells_the_shops_staff(client):
    shop = await make_shop("flora", notification_email="orders@flora.test", languages=["de", "en"])
    user = await invited_user(shop, "anna")
    link = await invite(user)

    payload = await accept(client, link)

    assert payload["userErrors"] == []
    event = await AuditEvent.get(action="customer.invitation_accepted")
    assert (event.object_type, event.object_id) == ("ShopUser", user.id)
    assert (event.actor_kind, event.actor_id, event.actor_label) == (ActorKind.CUSTOMER, user.id, "anna")
    notice = await OutboxMessage.get(template="staff_account_activated")
    assert notice.recipient == "orders@flora.test"
    assert notice.language == "de"  # the shop's first language: staff read the shop's language
    assert notice.context["username"] == "anna"
    assert "Anna" in render(notice.template, notice.language, notice.context).text


async def test_a_shop_without_notification_email_gets_no_staff_notice(client):
    shop = await make_shop("flora", notification_email=None)
    user = await invited_user(shop, "anna")
    link = await invite(user)

    payload = await accept(client, link)

    assert payload["userErrors"] == []
    assert await OutboxMessage.filter(template="staff_account_activated").count() == 0
    assert await AuditEvent.filter(action="customer.invitation_accepted").count() == 1


async def test_the_mailed_link_points_at_the_storefront_and_carries_the_token(client):
    shop = await make_shop("flora", storefront_url="https://shop.flora.test")
    user = await invited_user(shop, "anna", email="Anna@Bloemen.test")

    link = await invite(user)

    message = await OutboxMessage.get(template="invitation")
    assert message.recipient == "anna@bloemen.test"
    assert message.context["invitation_url"] == f"https://shop.flora.test/account/invitation?token={link}"
    assert message.context["valid_days"] == 7
    assert f"token={link}" in render(message.template, message.language, message.context).text
    row = await OneTimeToken.get(shop_user_id=user.id)
    assert row.purpose == TokenPurpose.INVITATION
    assert timedelta(days=7) - timedelta(minutes=5) < row.expires_at - row.created_at <= timedelta(days=7)


async def test_a_link_works_once(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    link = await invite(user)
    first = await accept(client, link)
    assert first["userErrors"] == []
    hash_after_first = (await ShopUser.get(id=user.id)).password_hash

    again = await accept(client, link, OTHER_CHOICE)

    assert refused_as_invalid_token(again)
    assert (await ShopUser.get(id=user.id)).password_hash == hash_after_first
    assert await Session.filter(shop_user_id=user.id).count() == 1


async def test_a_refused_link_is_audited_like_a_failed_sign_in(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    link = await invite(user)
    await accept(client, link)

    await accept(client, link, OTHER_CHOICE)
    await accept(client, "no-such-link")

    refused = await AuditEvent.filter(action="customer.link_refused").order_by("id")
    assert [(e.actor_kind, e.object_id, e.client_address) for e in refused] == [
        ("ANONYMOUS", None, "203.0.113.7"),  # used already: no longer found as redeemable
        ("ANONYMOUS", None, "203.0.113.7"),
    ]
    assert {e.details["purpose"] for e in refused} == {"INVITATION"}


async def test_an_expired_link_does_nothing(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    link = await invite(user)
    await OneTimeToken.filter(shop_user_id=user.id).update(
        expires_at=datetime.now(UTC) - timedelta(minutes=1)
    )

    payload = await accept(client, link)

    assert refused_as_invalid_token(payload)
    assert await still_invited(user)
    assert await Session.all().count() == 0
    assert await AuditEvent.filter(action="customer.invitation_accepted").count() == 0


async def test_the_link_token_is_stored_only_as_its_hash(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")

    link = await invite(user)

    rows = await OneTimeToken.all().values()
    assert len(rows) == 1
    assert all(link not in str(value) for value in rows[0].values())
    assert rows[0]["token_hash"] == hashlib.sha256(link.encode()).hexdigest()
    assert len(link) >= 43  # 256 random bits


async def test_garbage_empty_and_overlong_tokens_are_invalid(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    link = await invite(user)

    for wrong in ["", "   ", "garbage", link[:-1], link + "x", link.swapcase(), "x" * 100_000]:
        assert refused_as_invalid_token(await accept(client, wrong)), wrong[:40]

    assert await still_invited(user)
    assert (await accept(client, link))["userErrors"] == []  # the real link was not spent


async def test_a_password_mismatch_refuses_and_keeps_the_link(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    link = await invite(user)

    payload = await accept(client, link, CHOSEN, CHOSEN + "!")

    assert user_errors(payload) == [
        (["passwordConfirmation"], "PASSWORD_MISMATCH")
    ]
    assert payload["token"] is None
    assert await still_invited(user)
    assert await Session.all().count() == 0
    assert await OutboxMessage.filter(template="staff_account_activated").count() == 0
    assert (await accept(client, link))["viewer"]["status"] == "ACTIVE"


async def test_a_weak_password_refuses_and_keeps_the_link(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    link = await invite(user)

    for weak in ["password1", "short1", "onlyletters", "anna12345678"]:
        payload = await accept(client, link, weak)
        assert user_errors(payload) == [
            (["password"], "PASSWORD_TOO_WEAK")
        ], weak
        assert payload["token"] is None

    assert await still_invited(user)
    assert (await accept(client, link))["viewer"]["status"] == "ACTIVE"


async def test_an_excluded_users_invitation_link_does_nothing(client):
    shop = await make_shop("flora", notification_email="orders@flora.test")
    user = await invited_user(shop, "anna")
    link = await invite(user)
    await ShopUser.filter(id=user.id).update(
        excluded=True, exclusion_reason="unpaid", excluded_since=datetime.now(UTC)
    )

    payload = await accept(client, link)

    assert refused_as_invalid_token(payload)
    assert await still_invited(user)
    assert await Session.all().count() == 0
    assert await OutboxMessage.filter(template="staff_account_activated").count() == 0


async def test_an_invitation_link_is_not_a_password_reset_link(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    link = await invite(user)

    body = await client.data(
        """mutation($token: String!, $password: String!) {
          resetPassword(input: {token: $token, password: $password, passwordConfirmation: $password}) {
            token userErrors { field code }
          }
        }""",
        {"token": link, "password": CHOSEN},
    )

    assert body["resetPassword"]["token"] is None
    assert user_errors(body["resetPassword"]) == [(["token"], "INVALID_TOKEN")]
    assert await still_invited(user)


# --- resendInvitation ----------------------------------------------------------------------


async def resend(client, staff: str, user_id: str) -> dict:
    return (await client.data(RESEND_INVITATION, {"id": user_id}, token=staff))["resendInvitation"]


async def test_resending_mails_a_new_link_and_the_old_one_stops_working(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    old_link = await invite(user)
    staff = await staff_token(client)

    payload = await resend(client, staff, global_id("ShopUser", user.id))

    assert payload == {
        "shopUser": {"id": global_id("ShopUser", user.id), "username": "anna", "status": "INVITED"},
        "userErrors": [],
    }
    newest = await OutboxMessage.filter(template="invitation").order_by("-id").first()
    assert newest is not None
    assert newest.recipient == "anna@bloemen.test"
    new_link = link_token(newest, "invitation_url")
    assert new_link != old_link
    assert refused_as_invalid_token(await accept(client, old_link))
    assert (await accept(client, new_link))["viewer"]["status"] == "ACTIVE"


async def test_resending_is_audited_with_the_admin_as_actor(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    staff = await staff_token(client, "staff@example.com")

    await resend(client, staff, global_id("ShopUser", user.id))

    event = await AuditEvent.get(action="shop_user.invitation_resent")
    assert (event.object_type, event.object_id) == ("ShopUser", user.id)
    assert (event.actor_kind, event.actor_label) == (ActorKind.ADMIN, "staff@example.com")


async def test_resending_to_an_active_user_is_invalid(client):
    shop = await make_shop("flora")
    debtor = await make_debtor()
    contact = await make_contact(debtor, email="anna@bloemen.test")
    user = await make_shop_user(shop, contact, "anna")  # has a password: ACTIVE
    staff = await staff_token(client)

    payload = await resend(client, staff, global_id("ShopUser", user.id))

    assert payload["shopUser"] is None
    assert user_errors(payload) == [(["shopUserId"], "INVALID")]
    assert await OutboxMessage.all().count() == 0
    assert await OneTimeToken.all().count() == 0


async def test_resending_to_an_excluded_user_is_refused(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna", excluded=True, excluded_since=datetime.now(UTC))
    staff = await staff_token(client)

    payload = await resend(client, staff, global_id("ShopUser", user.id))

    assert payload["shopUser"] is None
    assert user_errors(payload) == [(["shopUserId"], "ACCOUNT_EXCLUDED")]
    assert await OutboxMessage.all().count() == 0
    assert await AuditEvent.filter(action="shop_user.invitation_resent").count() == 0


async def test_resending_to_an_unknown_user_is_not_found(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "anna")
    staff = await staff_token(client)

    for unknown in [
        global_id("ShopUser", user.id + 1000),
        global_id("Debtor", user.contact_id),  # an id of another type
        "not-a-global-id",
    ]:
        payload = await resend(client, staff, unknown)
        assert payload["shopUser"] is None
        assert user_errors(payload) == [
            (["shopUserId"], "NOT_FOUND")
        ], unknown

    assert await OutboxMessage.all().count() == 0


async def test_customers_may_not_resend_and_anonymous_callers_must_sign_in(client):
    shop = await make_shop("flora")
    user = await invited_user(shop, "bob")
    customer = await customer_token(client, "flora", "anna")

    variables = {"id": global_id("ShopUser", user.id)}
    as_customer = await client.execute(RESEND_INVITATION, variables, token=customer)
    as_anonymous = await client.execute(RESEND_INVITATION, variables)

    assert refusal(as_customer) == "FORBIDDEN"
    assert refusal(as_anonymous) == "UNAUTHENTICATED"
    assert await OutboxMessage.all().count() == 0


# --- PostgreSQL: two acceptances of one link at the same instant -------------------------------


class BothPastTheTokenCheck(PasswordHasher):
    """Holds each hash until both acceptances have found the link unused, so the race is real."""

    def __init__(self) -> None:
        super().__init__(1, 8, 1)
        self.arrived = 0
        self.both_arrived = asyncio.Event()

    async def hash(self, password: str) -> str:
        self.arrived += 1
        if self.arrived == 2:
            self.both_arrived.set()
        # A safeguard, not a measurement: fails the test instead of hanging it.
        await asyncio.wait_for(self.both_arrived.wait(), timeout=10)
        return await super().hash(password)


async def test_two_acceptances_of_one_link_at_once_on_postgres_activate_once(pg_db):
    shop = await make_shop("flora", notification_email="orders@flora.test")
    user = await invited_user(shop, "anna")
    link = await invite(user)
    hasher = BothPastTheTokenCheck()
    runtime = Runtime(passwords=hasher)
    caller = Caller(None, "203.0.113.7")

    results = await asyncio.gather(
        accept_invitation(runtime, caller, link, CHOSEN, CHOSEN),
        accept_invitation(runtime, caller, link, OTHER_CHOICE, OTHER_CHOICE),
        return_exceptions=True,
    )

    assert hasher.arrived == 2
    signed_in = [r for r in results if isinstance(r, SignedIn)]
    refused = [r for r in results if isinstance(r, UserInputError)]
    assert (len(signed_in), len(refused)) == (1, 1), results
    assert [p.code for p in refused[0].problems] == [ErrorCode.INVALID_TOKEN]
    assert await Session.filter(shop_user_id=user.id).count() == 1
    assert await AuditEvent.filter(action="customer.invitation_accepted").count() == 1
    assert await OutboxMessage.filter(template="staff_account_activated").count() == 1
    winner = CHOSEN if results[0] is signed_in[0] else OTHER_CHOICE
    stored = await ShopUser.get(id=user.id)
    assert (await runtime.passwords.verify(stored.password_hash, winner)).valid
