"""Forgotten passwords: requestPasswordReset mails a link, resetPassword redeems it.

requestPasswordReset answers the same, after the same statements, whether or
not the email belongs to a user: it queues a job that the delivery loop works
out into the mail afterwards (the tests here do that with work_out_jobs). The
link is single-use, lasts one hour, signs the user in and ends every other
session; an excluded user gets nothing and their links do nothing (rule 10 of
docs/api.md).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mail.jobs import PASSWORD_RESET_REQUESTED
from mail.rendering import render
from models import (
    ActorKind,
    AuditEvent,
    OneTimeToken,
    OutboxMessage,
    OutboxStatus,
    Session,
    Shop,
    ShopUser,
    TokenPurpose,
)
from resolvers.invitations import send_invitation
from tests.api.sign_in import login, viewer_of
from tests.factories import CUSTOMER_PASSWORD, make_contact, make_debtor, make_shop, make_shop_user
from tests.graphql_answers import user_errors
from tests.mail.smtp_server import deliver
from tests.outbox import link_token, work_out_jobs
from tests.query_counter import captured_statements, parameter_sizes
from tests.use_cases import cheap_runtime

NEW_PASSWORD = "marigold-Garland-2718"

REQUEST_RESET = """
mutation($shop: String!, $email: String!) {
  requestPasswordReset(input: {shop: $shop, email: $email}) {
    requested
    userErrors { field message code }
  }
}"""

RESET_PASSWORD = """
mutation($token: String!, $password: String!, $confirmation: String!) {
  resetPassword(input: {token: $token, password: $password, passwordConfirmation: $confirmation}) {
    token
    viewer { __typename ... on ShopUser { username status mustChangePassword } }
    userErrors { field message code }
  }
}"""

ACCEPT_INVITATION = """
mutation($token: String!, $password: String!) {
  acceptInvitation(input: {token: $token, password: $password, passwordConfirmation: $password}) {
    token viewer { ... on ShopUser { status } } userErrors { field code }
  }
}"""

# `debtor` is closed to a user who still has to change a staff-chosen password.
VIEWER_DEBTOR = "{ viewer { ... on ShopUser { debtor { name } } } }"

INVALID_TOKEN = [(["token"], "INVALID_TOKEN")]


async def user_with_email(
    shop: Shop,
    username: str = "anna",
    email: str | None = "anna@bloemen.test",
    password: str | None = CUSTOMER_PASSWORD,
    **values: object,
) -> ShopUser:
    debtor = await make_debtor()
    contact = await make_contact(debtor, email=email)
    return await make_shop_user(shop, contact, username, password=password, **values)


async def request_reset(client, email: str, shop: str = "flora") -> dict:
    return (await client.data(REQUEST_RESET, {"shop": shop, "email": email}))["requestPasswordReset"]


async def reset_link(client, app, email: str = "anna@bloemen.test") -> str:
    """Ask for a reset of `email`, work the request out as the delivery loop does, and return
    the token of the link mailed."""
    assert (await request_reset(client, email))["userErrors"] == []
    await work_out_jobs(app.state.runtime)
    message = await OutboxMessage.filter(template="password_reset").order_by("-id").first()
    return link_token(message, "reset_url")


async def accept_invitation(client, token: str) -> dict:
    """The acceptInvitation payload for `token`, choosing NEW_PASSWORD."""
    data = await client.data(ACCEPT_INVITATION, {"token": token, "password": NEW_PASSWORD})
    return data["acceptInvitation"]


async def reset(client, token: str, password: str = NEW_PASSWORD, confirmation: str | None = None) -> dict:
    variables = {
        "token": token,
        "password": password,
        "confirmation": password if confirmation is None else confirmation,
    }
    data = await client.data(RESET_PASSWORD, variables)
    client.http.cookies.clear()
    return data["resetPassword"]


# --- requestPasswordReset ---------------------------------------------------------------------


async def test_known_unknown_and_malformed_emails_get_the_very_same_answer(client, app):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test")

    responses = [
        await client.post(REQUEST_RESET, {"shop": "flora", "email": email})
        for email in ["anna@bloemen.test", "nobody@bloemen.test", "not an email", "", "@" * 300]
    ]

    bodies = {response.content for response in responses}
    assert len(bodies) == 1, bodies
    assert responses[0].json() == {"data": {"requestPasswordReset": {"requested": True, "userErrors": []}}}
    assert {response.status_code for response in responses} == {200}
    assert all("set-cookie" not in response.headers for response in responses)
    await work_out_jobs(app.state.runtime)
    [mail] = await OutboxMessage.all()
    assert (mail.template, mail.recipient) == ("password_reset", "anna@bloemen.test")


async def test_an_email_longer_than_any_username_gets_the_usual_answer(client):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test")
    long_email = "a" * 190 + "@bloemen.test"  # 203 characters: a valid address length

    usual = await client.post(REQUEST_RESET, {"shop": "flora", "email": "nobody@bloemen.test"})
    long = await client.post(REQUEST_RESET, {"shop": "flora", "email": long_email})

    assert long.content == usual.content


@pytest.mark.parametrize("asked", ["anna@bloemen.test", "invited@bloemen.test", "excluded@bloemen.test"])
async def test_the_request_sends_the_same_statements_whoever_the_email_belongs_to(client, asked):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test")
    await user_with_email(shop, "ivo", "invited@bloemen.test", password=None)
    await user_with_email(
        shop, "eli", "excluded@bloemen.test", excluded=True, excluded_since=datetime.now(UTC)
    )
    # Same length as each asked address, so that even the parameters are the same size.
    unknown = "x" * (len(asked) - len("@bloemen.test")) + "@bloemen.test"
    await request_reset(client, unknown)  # warm: the first call of a kind may load what it needs
    await request_reset(client, asked)

    known_statements = await statements_of_request(client, asked)
    unknown_statements = await statements_of_request(client, unknown)

    assert [sql for sql, _ in known_statements] == [sql for sql, _ in unknown_statements]
    assert [parameter_sizes(parameters) for _, parameters in known_statements] == [
        parameter_sizes(parameters) for _, parameters in unknown_statements
    ]
    # Rate limits are off in these tests; with them on the same counters are hit for both.
    assert len(known_statements) >= 3, known_statements  # the shop, the job and the audit event
    assert sum(sql.lstrip().upper().startswith("INSERT") for sql, _ in known_statements) == 2


async def statements_of_request(client, email: str) -> list[tuple[str, list]]:
    with captured_statements() as statements:
        assert await request_reset(client, email) == {"requested": True, "userErrors": []}
    return list(statements)


async def test_the_request_only_queues_a_job_which_holds_no_link_and_goes_once_worked_out(client, app):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test")

    await request_reset(client, "anna@bloemen.test")

    [job] = await OutboxMessage.all()
    assert (job.template, job.recipient, job.status) == (
        PASSWORD_RESET_REQUESTED, "anna@bloemen.test", OutboxStatus.QUEUED
    )
    assert job.context == {"shop_id": shop.id, "email": "anna@bloemen.test"}
    assert await OneTimeToken.all().count() == 0
    report = await work_out_jobs(app.state.runtime)
    assert report.worked_out == 1
    [mail] = await OutboxMessage.all()
    assert mail.template == "password_reset"
    assert await OneTimeToken.all().count() == 1
    assert (await work_out_jobs(app.state.runtime)).handled == 0


async def test_the_reset_mail_goes_out_in_the_delivery_round_that_works_the_job_out(client, smtp):
    shop = await make_shop("flora", name="Flora Wholesale")
    await user_with_email(shop, "anna", "anna@bloemen.test", language="en")
    await request_reset(client, "nobody@bloemen.test")
    await request_reset(client, "anna@bloemen.test")

    await deliver(smtp)

    [message] = smtp.inbox.messages
    assert message["To"] == "anna@bloemen.test"
    assert message["Subject"] == "Reset your password at Flora Wholesale"
    [mail] = await OutboxMessage.all()
    assert (mail.template, mail.status) == ("password_reset", OutboxStatus.SENT)


async def test_an_active_user_gets_one_reset_mail_in_their_language(client, app):
    shop = await make_shop("flora", name="Flora Wholesale", storefront_url="https://shop.flora.test")
    user = await user_with_email(shop, "anna", "anna@bloemen.test", language="de")
    before = datetime.now(UTC)

    await request_reset(client, "anna@bloemen.test")
    await work_out_jobs(app.state.runtime)

    [mail] = await OutboxMessage.all()
    assert (mail.template, mail.recipient, mail.language) == ("password_reset", "anna@bloemen.test", "de")
    token = link_token(mail, "reset_url")
    assert mail.context["reset_url"] == f"https://shop.flora.test/account/reset-password?token={token}"
    assert mail.context["valid_minutes"] == 60
    rendered = render(mail.template, mail.language, mail.context)
    assert rendered.subject == "Passwort zurücksetzen bei Flora Wholesale"
    assert f"token={token}" in rendered.text
    row = await OneTimeToken.get(shop_user_id=user.id)
    assert row.purpose == TokenPurpose.PASSWORD_RESET
    assert token not in row.token_hash
    assert before + timedelta(hours=1) <= row.expires_at <= datetime.now(UTC) + timedelta(hours=1)


async def test_an_unknown_email_gets_no_mail_and_no_link(client, app):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test")

    await request_reset(client, "anna@elsewhere.test")
    report = await work_out_jobs(app.state.runtime)

    assert report.worked_out == 1
    assert await OutboxMessage.all().count() == 0
    assert await OneTimeToken.all().count() == 0


async def test_an_address_no_user_can_have_is_worked_out_into_nothing(client, app):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test")

    for email in ["anna@bloemen.test" + "x" * 300, "anna\x00@bloemen.test"]:
        await request_reset(client, email)

    assert [job.context["email"] for job in await OutboxMessage.all()] == [None, None]
    assert (await work_out_jobs(app.state.runtime)).worked_out == 2
    assert await OutboxMessage.all().count() == 0


async def test_the_email_matches_ignoring_case_and_surrounding_blanks(client, app):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test")

    await request_reset(client, "  ANNA@Bloemen.Test ")
    await work_out_jobs(app.state.runtime)

    [mail] = await OutboxMessage.all()
    assert (mail.template, mail.recipient) == ("password_reset", "anna@bloemen.test")


async def test_a_username_that_is_the_email_also_matches(client, app):
    shop = await make_shop("flora")
    # Signs in as the email it registered with; the mail goes to that address, the one asked for.
    await user_with_email(shop, "Anna.Inkoop@Bloemen.test", "orders@bloemen.test")

    await request_reset(client, "anna.inkoop@bloemen.test")
    await work_out_jobs(app.state.runtime)

    [mail] = await OutboxMessage.all()
    assert (mail.template, mail.recipient) == ("password_reset", "anna.inkoop@bloemen.test")


async def test_only_the_named_shops_user_is_mailed(client, app):
    flora = await make_shop("flora")
    other = await make_shop("other")
    await user_with_email(flora, "anna", "anna@bloemen.test")
    other_user = await user_with_email(other, "anna", "anna@bloemen.test")

    await request_reset(client, "anna@bloemen.test", shop="other")
    await work_out_jobs(app.state.runtime)

    [mail] = await OutboxMessage.all()
    assert mail.recipient == "anna@bloemen.test"
    assert (await OneTimeToken.get()).shop_user_id == other_user.id


async def test_an_invited_user_gets_a_fresh_invitation_and_the_old_link_stops_working(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test", password=None, language="en")
    user = await ShopUser.get(id=user.id).select_related("shop", "contact")
    await send_invitation(cheap_runtime(), user, user.shop, user.contact)
    old_link = link_token(await OutboxMessage.get(template="invitation"), "invitation_url")

    answer = await request_reset(client, "anna@bloemen.test")
    await work_out_jobs(app.state.runtime)

    assert answer == {"requested": True, "userErrors": []}
    assert await OutboxMessage.filter(template="password_reset").count() == 0
    fresh = await OutboxMessage.filter(template="invitation").order_by("-id").first()
    assert fresh is not None
    assert (fresh.recipient, fresh.language) == ("anna@bloemen.test", "en")
    new_link = link_token(fresh, "invitation_url")
    assert new_link != old_link
    stale = await accept_invitation(client, old_link)
    assert user_errors(stale) == INVALID_TOKEN
    accepted = await accept_invitation(client, new_link)
    assert accepted["userErrors"] == []
    assert accepted["viewer"] == {"status": "ACTIVE"}


async def test_an_excluded_user_gets_nothing(client, app):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test", excluded=True, excluded_since=datetime.now(UTC))
    await user_with_email(
        shop, "bob", "bob@bloemen.test", password=None, excluded=True, excluded_since=datetime.now(UTC)
    )

    for email in ["anna@bloemen.test", "bob@bloemen.test"]:
        assert await request_reset(client, email) == {"requested": True, "userErrors": []}
    await work_out_jobs(app.state.runtime)

    assert await OutboxMessage.all().count() == 0
    assert await OneTimeToken.all().count() == 0


async def test_a_user_excluded_after_asking_but_before_the_job_is_worked_out_gets_nothing(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")
    await request_reset(client, "anna@bloemen.test")

    await ShopUser.filter(id=user.id).update(excluded=True, excluded_since=datetime.now(UTC))
    await work_out_jobs(app.state.runtime)

    assert await OutboxMessage.all().count() == 0
    assert await OneTimeToken.all().count() == 0


async def test_an_unknown_shop_is_not_found(client):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test")

    answer = await request_reset(client, "anna@bloemen.test", shop="nowhere")

    assert answer["requested"] is False
    assert user_errors(answer) == [(["shop"], "NOT_FOUND")]
    assert await OutboxMessage.all().count() == 0


async def test_each_request_is_audited_alike_and_each_mail_it_made_once_worked_out(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")

    await request_reset(client, "anna@bloemen.test")
    await request_reset(client, "nobody@bloemen.test")

    known, unknown = await AuditEvent.filter(action="customer.password_reset_requested").order_by("id")
    for event in (known, unknown):
        assert (event.object_type, event.object_id) == (None, None)
        assert (event.actor_kind, event.client_address) == (ActorKind.ANONYMOUS, "203.0.113.7")
    assert known.details == {"shop": "flora", "email": "anna@bloemen.test"}
    assert unknown.details == {"shop": "flora", "email": "nobody@bloemen.test"}
    assert await AuditEvent.filter(action="customer.password_reset_mailed").count() == 0

    await work_out_jobs(app.state.runtime)

    [mailed] = await AuditEvent.filter(action="customer.password_reset_mailed")
    assert (mailed.object_type, mailed.object_id) == ("ShopUser", user.id)
    assert (mailed.actor_kind, mailed.actor_label) == (ActorKind.SYSTEM, "mail delivery")
    assert mailed.details == {"shop": "flora", "email": "anna@bloemen.test", "mail": "password_reset"}


# --- resetPassword ------------------------------------------------------------------------


async def test_reset_sets_the_new_password_and_ends_every_other_session(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")
    old_session = (await login(client, password=CUSTOMER_PASSWORD))["token"]
    link = await reset_link(client, app)

    payload = await reset(client, link)

    assert payload["userErrors"] == []
    assert payload["viewer"] == {
        "__typename": "ShopUser", "username": "anna", "status": "ACTIVE", "mustChangePassword": False
    }
    assert await viewer_of(client, old_session) is None
    assert await viewer_of(client, payload["token"]) == {"__typename": "ShopUser", "username": "anna"}
    assert await Session.filter(shop_user_id=user.id).count() == 1
    assert user_errors(await login(client, password=CUSTOMER_PASSWORD)) == [(None, "INVALID_CREDENTIALS")]
    assert (await login(client, password=NEW_PASSWORD))["userErrors"] == []
    assert str((await ShopUser.get(id=user.id)).password_hash).startswith("$argon2id$")


async def test_reset_sets_the_session_cookie(client, app):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test")
    link = await reset_link(client, app)

    response = await client.post(
        RESET_PASSWORD, {"token": link, "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD}
    )

    token = response.json()["data"]["resetPassword"]["token"]
    set_cookie = response.headers["set-cookie"]
    assert set_cookie.startswith(f"gatehouse_session={token};")
    assert "httponly" in set_cookie.lower()
    assert "samesite=lax" in set_cookie.lower()


async def test_reset_clears_must_change_password(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test", must_change_password=True)
    link = await reset_link(client, app)

    payload = await reset(client, link)

    assert payload["viewer"]["mustChangePassword"] is False
    assert (await ShopUser.get(id=user.id)).must_change_password is False
    client.http.cookies.clear()
    assert (await client.data(VIEWER_DEBTOR, token=payload["token"]))["viewer"]["debtor"]["name"]


async def test_a_reset_link_works_once(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")
    link = await reset_link(client, app)
    assert (await reset(client, link))["userErrors"] == []
    hash_after_reset = (await ShopUser.get(id=user.id)).password_hash

    again = await reset(client, link, "hollyhock-Border-7264")

    assert user_errors(again) == INVALID_TOKEN
    assert again["token"] is None
    assert again["viewer"] is None
    assert (await ShopUser.get(id=user.id)).password_hash == hash_after_reset


async def test_a_reset_link_expires(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")
    link = await reset_link(client, app)
    a_second_ago = datetime.now(UTC) - timedelta(seconds=1)
    await OneTimeToken.filter(shop_user_id=user.id).update(expires_at=a_second_ago)

    payload = await reset(client, link)

    assert user_errors(payload) == INVALID_TOKEN
    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash
    assert await Session.all().count() == 0


async def test_a_new_request_supersedes_the_previous_link(client, app):
    shop = await make_shop("flora")
    await user_with_email(shop, "anna", "anna@bloemen.test")
    first = await reset_link(client, app)
    second = await reset_link(client, app)

    assert user_errors(await reset(client, first)) == INVALID_TOKEN
    assert (await reset(client, second))["userErrors"] == []


async def test_an_excluded_users_reset_link_does_nothing(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")
    link = await reset_link(client, app)
    await ShopUser.filter(id=user.id).update(excluded=True, excluded_since=datetime.now(UTC))

    payload = await reset(client, link)

    assert user_errors(payload) == INVALID_TOKEN
    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash
    assert await Session.all().count() == 0


async def test_garbage_empty_and_overlong_tokens_are_invalid(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")
    link = await reset_link(client, app)

    for wrong in ["", "garbage", link[:-1], link + "x", "x" * 100_000]:
        assert user_errors(await reset(client, wrong)) == INVALID_TOKEN, wrong[:40]

    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash
    assert (await reset(client, link))["userErrors"] == []


async def test_a_password_mismatch_refuses_and_keeps_the_link(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")
    session = (await login(client, password=CUSTOMER_PASSWORD))["token"]
    link = await reset_link(client, app)

    payload = await reset(client, link, NEW_PASSWORD, NEW_PASSWORD + "!")

    assert user_errors(payload) == [(["passwordConfirmation"], "PASSWORD_MISMATCH")]
    assert payload["token"] is None
    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash
    assert await viewer_of(client, session) == {"__typename": "ShopUser", "username": "anna"}
    assert (await reset(client, link))["userErrors"] == []


async def test_a_weak_password_refuses_and_keeps_the_link(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")
    link = await reset_link(client, app)

    for weak in ["password1", "short1", "onlyletters", "anna12345678"]:
        assert user_errors(await reset(client, link, weak)) == [(["password"], "PASSWORD_TOO_WEAK")], weak

    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash
    assert (await reset(client, link))["userErrors"] == []


async def test_a_reset_link_is_not_an_invitation_link(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")
    link = await reset_link(client, app)

    payload = await accept_invitation(client, link)

    assert user_errors(payload) == INVALID_TOKEN
    assert (await ShopUser.get(id=user.id)).password_hash == user.password_hash
    assert (await reset(client, link))["userErrors"] == []


async def test_the_reset_is_audited_as_the_customer(client, app):
    shop = await make_shop("flora")
    user = await user_with_email(shop, "anna", "anna@bloemen.test")
    link = await reset_link(client, app)

    await reset(client, link)

    event = await AuditEvent.get(action="customer.password_reset")
    assert (event.object_type, event.object_id) == ("ShopUser", user.id)
    assert (event.actor_kind, event.actor_id, event.actor_label) == (ActorKind.CUSTOMER, user.id, "anna")
    assert await AuditEvent.filter(action="customer.password_reset_requested").count() == 1
