"""Company admins (rule 16 of docs/api.md): a shop user whose companyRole is ADMIN lists its
colleagues, invites new ones and removes their logins, within its own debtor and shop only.

Given a company with an admin, its colleagues, the same debtor's user in another shop and another
debtor's user in the same shop, when the admin reads, invites or removes, then exactly its own
company's logins in its own shop are reached: the rest is NOT_FOUND or never listed. A refused call
changes nothing; MEMBERs, staff and anonymous callers are refused as a whole; and staff exclusion
outranks the role.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from auth.viewer import Caller, Viewer
from models import (
    ActorKind,
    AuditEvent,
    CompanyRole,
    ContactPerson,
    Debtor,
    OneTimeToken,
    OutboxMessage,
    Session,
    Shop,
    ShopUser,
    TokenPurpose,
    Webhook,
    WebhookEvent,
    WebhookMessage,
)
from models.changes import Changed, announce
from resolvers.colleagues import NewColleague, NotCompanyAdmin, invite_colleague, remove_colleague
from server.app import create_app
from server.settings import Settings
from tests.api.sign_in import VIEWER, session_token, staff_token, viewer_of
from tests.conftest import GraphQLClient
from tests.factories import CUSTOMER_PASSWORD, make_contact, make_debtor, make_shop, make_shop_user
from tests.graphql_answers import error_codes, gid, payload_of, refusal, user_errors
from tests.outbox import link_token
from tests.query_counter import count_queries
from tests.use_cases import cheap_runtime

CHOSEN = "sunflower-Field-1593"

COLLEAGUES = """
{
  viewer {
    ... on ShopUser {
      id
      colleagues {
        id username status companyRole exclusionReason
        contact { firstName email } debtor { number }
      }
    }
  }
}"""

INVITE = """
mutation($input: InviteColleagueInput!) {
  inviteColleague(input: $input) {
    shopUser {
      id username status companyRole language mustChangePassword
      contact { id firstName lastName email language } debtor { number } shop { handle }
    }
    userErrors { field message code retryAfterSeconds }
  }
}"""

REMOVE = """
mutation($id: ID!) {
  removeColleague(input: {shopUserId: $id}) {
    shopUser { id username status companyRole }
    userErrors { field message code }
  }
}"""

SET_EXCLUSION = """
mutation($id: ID!) {
  setExclusion(input: {shopUserId: $id, excluded: true, reason: "Invoices overdue"}) {
    userErrors { code }
  }
}"""

ACCEPT_INVITATION = """
mutation($token: String!, $password: String!) {
  acceptInvitation(input: {token: $token, password: $password, passwordConfirmation: $password}) {
    token viewer { ... on ShopUser { username status companyRole } } userErrors { code }
  }
}"""

NODE = "query($id: ID!) { node(id: $id) { id } }"
STAFF_COLLEAGUES = "query($id: ID!) { node(id: $id) { ... on ShopUser { colleagues { id } } } }"


# --- helpers ---------------------------------------------------------------------------------


class Company:
    """A debtor and its admin in shop `flora`, with the logins around it that tests reach for."""

    def __init__(self, shops: dict[str, Shop], debtor: Debtor, admin: ShopUser) -> None:
        self.shops, self.debtor, self.admin = shops, debtor, admin


async def company(**admin_values: Any) -> Company:
    """Bloemenhal (D-100) with Anna, its ADMIN in flora, and Bert, a MEMBER there; the same
    debtor's Carla in greenhouse; another debtor's Dirk in flora."""
    flora = await make_shop("flora", languages=["nl", "en"], storefront_url="https://shop.flora.test")
    greenhouse = await make_shop("greenhouse", name="Greenhouse Growers")
    debtor = await make_debtor("Bloemenhal", number="D-100")
    anna = await make_contact(debtor, "Anna", email="anna@bloemenhal.test")
    bert = await make_contact(debtor, "Bert", email="bert@bloemenhal.test")
    carla = await make_contact(debtor, "Carla", email="carla@bloemenhal.test")
    admin = await make_shop_user(flora, anna, "anna", company_role=CompanyRole.ADMIN, **admin_values)
    await make_shop_user(flora, bert, "bert")
    await make_shop_user(greenhouse, carla, "carla")
    other = await make_debtor("Kwekerij Dirk", number="D-200")
    await make_shop_user(flora, await make_contact(other, "Dirk", email="dirk@kwekerij.test"), "dirk")
    return Company({"flora": flora, "greenhouse": greenhouse}, debtor, admin)


async def user(username: str) -> ShopUser:
    return await ShopUser.get(username=username)


async def signed_in(client: GraphQLClient, username: str = "anna", shop: str = "flora") -> str:
    return await session_token(client, username, CUSTOMER_PASSWORD, shop)


def colleague_input(**overrides: Any) -> dict[str, Any]:
    return {
        "firstName": "Eva", "lastName": "Visser", "email": "Eva@Bloemenhal.test", "language": "en",
        **overrides,
    }


async def invite(client: GraphQLClient, token: str | None, **overrides: Any) -> dict[str, Any]:
    return payload_of(await client.execute(INVITE, {"input": colleague_input(**overrides)}, token=token),
                      "inviteColleague")


async def remove(client: GraphQLClient, token: str | None, shop_user_id: str) -> dict[str, Any]:
    return payload_of(await client.execute(REMOVE, {"id": shop_user_id}, token=token), "removeColleague")


async def stored_state() -> dict[str, Any]:
    """What a refused call must leave exactly as it was."""
    return {
        "shop_users": await ShopUser.all().order_by("id").values_list(
            "id", "username", "contact_id", "shop_id", "company_role", "excluded"
        ),
        "contacts": await ContactPerson.all().order_by("id").values_list(
            "id", "debtor_id", "first_name", "last_name", "email"
        ),
        "sessions": await Session.all().order_by("id").values_list("id", flat=True),
        "tokens": await OneTimeToken.all().count(),
        "outbox": await OutboxMessage.all().count(),
        "audit": await AuditEvent.all().order_by("id").values_list("action", flat=True),
    }


async def excluded(username: str) -> None:
    await ShopUser.filter(username=username).update(excluded=True, exclusion_reason="Invoices overdue")
    shop_user = await user(username)
    await announce(Changed.SHOP_USER, [shop_user.id])  # as a use case writing through a query must


# --- colleagues ------------------------------------------------------------------------------


async def test_a_company_admin_lists_its_debtors_users_in_its_shop_itself_included(client):
    await company()
    token = await signed_in(client)

    viewer = payload_of(await client.execute(COLLEAGUES, token=token), "viewer")

    assert viewer["colleagues"] == [
        {
            "id": gid(await user("anna")), "username": "anna", "status": "ACTIVE", "companyRole": "ADMIN",
            "exclusionReason": None, "contact": {"firstName": "Anna", "email": "anna@bloemenhal.test"},
            "debtor": {"number": "D-100"},
        },
        {
            "id": gid(await user("bert")), "username": "bert", "status": "ACTIVE", "companyRole": "MEMBER",
            "exclusionReason": None, "contact": {"firstName": "Bert", "email": "bert@bloemenhal.test"},
            "debtor": {"number": "D-100"},
        },
    ]
    # Carla (the same debtor, another shop) and Dirk (another debtor, this shop) are not there.
    assert viewer["id"] == gid(await user("anna"))


async def test_an_excluded_colleague_shows_as_excluded_without_the_reason_staff_gave(client):
    await company()
    await excluded("bert")
    token = await signed_in(client)

    colleagues = payload_of(await client.execute(COLLEAGUES, token=token), "viewer")["colleagues"]

    assert [(row["username"], row["status"], row["exclusionReason"]) for row in colleagues] == [
        ("anna", "ACTIVE", None), ("bert", "EXCLUDED", None)
    ]


@pytest.mark.parametrize("more", [0, 12])
async def test_the_list_costs_one_statement_however_many_colleagues(client, more):
    setting = await company()
    for number in range(more):
        contact = await make_contact(setting.debtor, f"Extra{number}", email=f"extra{number}@bloemenhal.test")
        await make_shop_user(setting.shops["flora"], contact, f"extra{number}", password=None)
    token = await signed_in(client)
    await viewer_of(client, token)  # the session is read, and cached, by a first request

    with count_queries() as statements:
        body = await client.execute(COLLEAGUES, token=token)

    assert len(payload_of(body, "viewer")["colleagues"]) == 2 + more
    # The colleagues with their contact persons and debtor; the session comes from the cache.
    assert len(statements) == 1, "\n".join(statements)


async def test_a_member_is_told_it_is_no_company_admin_rather_than_shown_nobody(client):
    await company()
    token = await signed_in(client, "bert")

    body = await client.execute(COLLEAGUES, token=token)

    assert error_codes(body) == ["FORBIDDEN"]
    assert "company admin" in body["errors"][0]["message"]
    assert body["data"] == {"viewer": None}


async def test_staff_read_no_shop_users_colleagues(client):
    await company()
    staff = await staff_token(client)

    body = await client.execute(STAFF_COLLEAGUES, {"id": gid(await user("anna"))}, token=staff)

    assert error_codes(body) == ["FORBIDDEN"]


async def test_a_company_admin_who_must_change_its_password_changes_it_first(client):
    await company(must_change_password=True)
    token = await signed_in(client)

    listed = await client.execute(COLLEAGUES, token=token)
    invited = await client.execute(INVITE, {"input": colleague_input()}, token=token)
    removed = await client.execute(REMOVE, {"id": gid(await user("bert"))}, token=token)

    assert error_codes(listed) == ["PASSWORD_CHANGE_REQUIRED"]
    assert refusal(invited) == refusal(removed) == "PASSWORD_CHANGE_REQUIRED"


# --- inviteColleague -------------------------------------------------------------------------


async def test_inviting_makes_a_contact_person_of_the_debtor_and_an_invited_login_mailed_a_link(client):
    setting = await company()
    token = await signed_in(client)
    before = await ContactPerson.all().count()

    payload = await invite(client, token)

    assert payload["userErrors"] == []
    shop_user = payload["shopUser"]
    contact = await ContactPerson.get(email="eva@bloemenhal.test")
    assert shop_user == {
        "id": shop_user["id"], "username": "eva@bloemenhal.test", "status": "INVITED",
        "companyRole": "MEMBER", "language": "en", "mustChangePassword": False,
        "contact": {
            "id": gid(contact), "firstName": "Eva", "lastName": "Visser",
            "email": "eva@bloemenhal.test", "language": "en",
        },
        "debtor": {"number": "D-100"}, "shop": {"handle": "flora"},
    }
    assert (contact.debtor_id, await ContactPerson.all().count()) == (setting.debtor.id, before + 1)
    stored = await user("eva@bloemenhal.test")
    assert (stored.shop_id, stored.password_hash) == (setting.shops["flora"].id, None)
    [mail] = await OutboxMessage.all()
    assert (mail.recipient, mail.template, mail.language, mail.shop_id) == (
        "eva@bloemenhal.test", "invitation", "en", setting.shops["flora"].id
    )
    assert set(mail.context) == {"shop_name", "name", "invitation_url", "valid_days"}
    assert (mail.context["shop_name"], mail.context["name"], mail.context["valid_days"]) == (
        "Flora Wholesale", "Eva Visser", 7
    )
    assert mail.context["invitation_url"].startswith("https://shop.flora.test/account/invitation?token=")
    [link] = await OneTimeToken.all()
    assert (link.shop_user_id, link.purpose, link.used_at) == (stored.id, TokenPurpose.INVITATION, None)


async def test_the_invited_colleague_accepts_and_signs_in_as_a_member(client):
    await company()
    token = await signed_in(client)
    await invite(client, token)
    [mail] = await OutboxMessage.all()

    link = link_token(mail, "invitation_url")

    accepted = payload_of(
        await client.execute(ACCEPT_INVITATION, {"token": link, "password": CHOSEN}), "acceptInvitation"
    )
    client.http.cookies.clear()

    assert accepted["userErrors"] == []
    assert accepted["viewer"] == {
        "username": "eva@bloemenhal.test", "status": "ACTIVE", "companyRole": "MEMBER"
    }


async def test_the_invitation_is_audited_as_the_company_admins_and_sent_to_webhooks(client):
    setting = await company()
    await Webhook.create(
        url="http://127.0.0.1:9/hook", events=[WebhookEvent.SHOP_USER_CREATED.value], all_shops=True,
        secret_sealed="x",
    )
    token = await signed_in(client)

    payload = await invite(client, token)

    contact = await ContactPerson.get(email="eva@bloemenhal.test")
    created_contact = await AuditEvent.get(action="contact_person.created")
    created_user = await AuditEvent.get(action="shop_user.created")
    for event in (created_contact, created_user):
        assert (event.actor_kind, event.actor_id, event.actor_label) == (
            ActorKind.CUSTOMER, setting.admin.id, "anna"
        )
        assert event.shop_id == setting.shops["flora"].id
    assert (created_contact.object_type, created_contact.object_id) == ("ContactPerson", contact.id)
    assert created_contact.details == {"debtor": "D-100"}
    eva = await user("eva@bloemenhal.test")
    assert (created_user.object_type, created_user.object_id) == ("ShopUser", eva.id)
    assert created_user.details == {
        "shop": "flora", "invited": True, "by_company_admin": True, "existing_contact": False
    }
    [message] = await WebhookMessage.filter(event=WebhookEvent.SHOP_USER_CREATED)
    assert payload["shopUser"]["id"] in message.body


async def test_a_contact_person_of_the_debtor_with_that_email_is_linked_not_duplicated(client):
    setting = await company()
    # Eva is a contact person already, without a login to flora (one to greenhouse).
    eva = await make_contact(setting.debtor, "Eva", last_name="de Boer", email="eva@bloemenhal.test")
    await make_shop_user(setting.shops["greenhouse"], eva, "eva.greenhouse")
    token = await signed_in(client)
    contacts = await ContactPerson.all().count()

    payload = await invite(client, token, firstName="Evelien", lastName="Visser")

    assert payload["userErrors"] == []
    assert payload["shopUser"]["contact"]["id"] == gid(eva)
    # The person's names stay as staff keep them; the invitation greets her by them.
    assert payload["shopUser"]["contact"]["firstName"] == "Eva"
    assert await ContactPerson.all().count() == contacts
    [mail] = await OutboxMessage.all()
    assert (mail.recipient, mail.context["name"]) == ("eva@bloemenhal.test", "Eva de Boer")
    assert await AuditEvent.filter(action="contact_person.created").count() == 0
    assert (await AuditEvent.get(action="shop_user.created")).details["existing_contact"] is True


async def refused(client: GraphQLClient, token: str, **overrides: Any) -> dict[str, Any]:
    """inviteColleague that must be refused and change nothing at all."""
    before = await stored_state()

    payload = await invite(client, token, **overrides)

    assert payload["shopUser"] is None, payload
    assert await stored_state() == before
    return payload


async def test_an_address_with_a_login_to_this_shop_is_never_given_a_second(client):
    await company()
    token = await signed_in(client)

    colleague = await refused(client, token, email="BERT@bloemenhal.test")
    itself = await refused(client, token, email="anna@bloemenhal.test")
    # A username that is the address counts too, whoever's contact person it is.
    address = "eva@bloemenhal.test"
    await ShopUser.filter(username="dirk").update(username=address, username_key=address)
    named = await refused(client, token)

    for payload in (colleague, itself, named):
        assert user_errors(payload) == [(["email"], "ALREADY_HAS_ACCOUNT")]


async def test_an_excluded_colleagues_address_is_refused_staff_exclusion_outranks_the_admin(client):
    await company()
    await excluded("bert")
    token = await signed_in(client)

    payload = await refused(client, token, email="bert@bloemenhal.test")

    assert user_errors(payload) == [(["email"], "ACCOUNT_EXCLUDED")]
    assert "staff" in payload["userErrors"][0]["message"]


async def test_another_debtors_login_is_refused_without_telling_whether_it_is_excluded(client):
    await company()
    token = await signed_in(client)

    admitted = await refused(client, token, email="dirk@kwekerij.test")
    await excluded("dirk")
    excluded_there = await refused(client, token, email="dirk@kwekerij.test")

    assert user_errors(admitted) == user_errors(excluded_there) == [(["email"], "ALREADY_HAS_ACCOUNT")]
    assert admitted["userErrors"][0]["message"] == excluded_there["userErrors"][0]["message"]


async def test_every_problem_of_the_input_is_told_at_once(client):
    await company()
    token = await signed_in(client)

    blank = await refused(client, token, firstName=" ", lastName="", email="not an address", language="de")
    too_long = await refused(client, token, email="e" * 140 + "@bloemenhal.test")
    control = await refused(client, token, firstName="Eva\x00")

    assert user_errors(blank) == [
        (["firstName"], "FIELD_REQUIRED"), (["lastName"], "FIELD_REQUIRED"), (["email"], "INVALID"),
        (["language"], "LANGUAGE_NOT_OFFERED"),
    ]
    assert user_errors(too_long) == [(["email"], "INVALID")]
    assert user_errors(control) == [(["firstName"], "INVALID")]


@contextlib.asynccontextmanager
async def client_of(settings: Settings, **changes: Any) -> AsyncIterator[GraphQLClient]:
    application = create_app(replace(settings, **changes), manage_database=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application, client=("203.0.113.7", 4711))
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield GraphQLClient(http)


async def test_invitations_are_rate_limited_per_company_admin_refused_ones_counted_too(db, settings):
    setting = await company()
    other = await make_debtor("Kwekerij Dirk 2", number="D-300")
    await make_shop_user(
        setting.shops["flora"], await make_contact(other, "Femke"), "femke", company_role=CompanyRole.ADMIN
    )
    async with client_of(settings, rate_limits="inviteColleague=2/hour") as client:
        anna, femke = await signed_in(client), await signed_in(client, "femke")
        first = await invite(client, anna, email="not an address")
        second = await invite(client, anna, email="eva@bloemenhal.test")

        third = await invite(client, anna, email="gijs@bloemenhal.test")
        others = await invite(client, femke, email="hans@kwekerij.test")

    assert user_errors(first) == [(["email"], "INVALID")]
    assert second["userErrors"] == []
    assert third["shopUser"] is None
    assert user_errors(third) == [(None, "RATE_LIMITED")]
    assert third["userErrors"][0]["retryAfterSeconds"] > 0
    assert others["userErrors"] == []  # the limit is anna's alone
    assert not await ShopUser.filter(username="gijs@bloemenhal.test").exists()


# --- removeColleague -------------------------------------------------------------------------


async def test_removing_deletes_the_login_ends_its_sessions_and_keeps_the_contact_person(client):
    setting = await company()
    bert = await user("bert")
    bert_token = await signed_in(client, "bert")
    assert await viewer_of(client, bert_token) == {"__typename": "ShopUser", "username": "bert"}
    token = await signed_in(client)

    payload = await remove(client, token, gid(bert))

    assert payload == {
        "shopUser": {"id": gid(bert), "username": "bert", "status": "ACTIVE", "companyRole": "MEMBER"},
        "userErrors": [],
    }
    assert not await ShopUser.filter(id=bert.id).exists()
    assert await Session.filter(shop_user_id=bert.id).count() == 0
    assert await ContactPerson.filter(id=bert.contact_id, debtor_id=setting.debtor.id).exists()
    # Bert's token signs nobody in any more, on this instance's cache too.
    assert await viewer_of(client, bert_token) is None
    assert refusal(await client.execute(INVITE, {"input": colleague_input()}, token=bert_token)) == (
        "UNAUTHENTICATED"
    )
    staff = await staff_token(client)
    assert payload_of(await client.execute(NODE, {"id": gid(bert)}, token=staff), "node") is None
    colleagues = payload_of(await client.execute(COLLEAGUES, token=token), "viewer")["colleagues"]
    assert [row["username"] for row in colleagues] == ["anna"]


async def test_the_removal_is_audited_as_the_company_admins(client):
    setting = await company()
    bert = await user("bert")
    await signed_in(client, "bert")
    token = await signed_in(client)

    await remove(client, token, gid(bert))

    event = await AuditEvent.get(action="shop_user.removed")
    assert (event.actor_kind, event.actor_id, event.actor_label) == (
        ActorKind.CUSTOMER, setting.admin.id, "anna"
    )
    assert (event.object_type, event.object_id) == ("ShopUser", bert.id)
    assert event.shop_id == setting.shops["flora"].id
    assert event.details == {"username": "bert", "company_role": "MEMBER", "sessions_ended": 1}


async def test_a_removed_colleague_can_be_invited_again_by_address(client):
    await company()
    token = await signed_in(client)
    await remove(client, token, gid(await user("bert")))

    payload = await invite(client, token, email="bert@bloemenhal.test")

    assert payload["userErrors"] == []
    assert payload["shopUser"]["contact"]["firstName"] == "Bert"  # the contact person stayed


async def removal_refused(client: GraphQLClient, token: str, shop_user_id: str) -> dict[str, Any]:
    before = await stored_state()

    payload = await remove(client, token, shop_user_id)

    assert payload["shopUser"] is None, payload
    assert await stored_state() == before
    return payload


async def test_nothing_of_another_debtor_or_another_shop_can_be_removed(client):
    await company()
    token = await signed_in(client)

    same_debtor_other_shop = await removal_refused(client, token, gid(await user("carla")))
    other_debtor_same_shop = await removal_refused(client, token, gid(await user("dirk")))
    unknown = await removal_refused(client, token, gid(ShopUser(id=999_999)))
    not_a_shop_user = await removal_refused(client, token, gid(await Debtor.get(number="D-100")))

    for payload in (same_debtor_other_shop, other_debtor_same_shop, unknown, not_a_shop_user):
        assert user_errors(payload) == [(["shopUserId"], "NOT_FOUND")]
    # The same words for all: nothing tells another debtor's user from a missing one.
    assert len({payload["userErrors"][0]["message"] for payload in (other_debtor_same_shop, unknown)}) == 1


async def test_a_company_admin_cannot_remove_its_own_login(client):
    await company()
    token = await signed_in(client)

    payload = await removal_refused(client, token, gid(await user("anna")))

    assert user_errors(payload) == [(["shopUserId"], "INVALID")]


async def test_an_excluded_colleague_cannot_be_removed_so_no_invitation_readmits_them(client):
    await company()
    await excluded("bert")
    token = await signed_in(client)

    payload = await removal_refused(client, token, gid(await user("bert")))

    assert user_errors(payload) == [(["shopUserId"], "ACCOUNT_EXCLUDED")]


async def test_a_company_admin_may_remove_another_admin_of_its_company(client):
    await company()
    await ShopUser.filter(username="bert").update(company_role=CompanyRole.ADMIN)
    token = await signed_in(client)

    payload = await remove(client, token, gid(await user("bert")))

    assert payload["userErrors"] == []
    assert payload["shopUser"]["companyRole"] == "ADMIN"


# --- who may call them -----------------------------------------------------------------------


async def calls(client: GraphQLClient, token: str | None) -> list[str]:
    """The refusal of each company admin mutation for `token`, which must change nothing."""
    before = await stored_state()
    invited = await client.execute(INVITE, {"input": colleague_input()}, token=token)
    removed = await client.execute(REMOVE, {"id": gid(await user("bert"))}, token=token)
    assert await stored_state() == before
    return [refusal(invited), refusal(removed)]


async def test_a_member_staff_and_anonymous_callers_are_refused_as_a_whole(client):
    await company()
    member = await signed_in(client, "bert")
    staff = await staff_token(client)

    assert await calls(client, member) == ["FORBIDDEN", "FORBIDDEN"]
    assert await calls(client, staff) == ["FORBIDDEN", "FORBIDDEN"]
    assert await calls(client, None) == ["UNAUTHENTICATED", "UNAUTHENTICATED"]
    body = await client.execute(INVITE, {"input": colleague_input()}, token=member)
    assert "company admin" in body["errors"][0]["message"]


async def test_an_excluded_company_admin_has_no_session_and_can_do_nothing(client):
    await company()
    token = await signed_in(client)
    staff = await staff_token(client)

    excluding = await client.execute(SET_EXCLUSION, {"id": gid(await user("anna"))}, token=staff)

    assert payload_of(excluding, "setExclusion")["userErrors"] == []
    assert await viewer_of(client, token, VIEWER) is None
    assert await calls(client, token) == ["UNAUTHENTICATED", "UNAUTHENTICATED"]
    assert (await client.execute(COLLEAGUES, token=token))["data"] == {"viewer": None}


async def test_a_request_that_began_before_the_exclusion_or_demotion_still_does_nothing(db):
    # Given a viewer read before staff excluded the admin, or took the role away (the use case
    # is called as a request already signed in would call it)
    setting = await company()
    runtime = cheap_runtime()
    stale = Caller(Viewer(session_id=0, shop_user=setting.admin), client_address="203.0.113.7")
    bert = await user("bert")
    before = await stored_state()
    outcomes = []

    for change in ({"excluded": True}, {"excluded": False, "company_role": CompanyRole.MEMBER}):
        await ShopUser.filter(id=setting.admin.id).update(**change)
        for call in (
            invite_colleague(runtime, stale, NewColleague("Eva", "Visser", "eva@bloemenhal.test", "en")),
            remove_colleague(runtime, stale, bert.id),
        ):
            try:
                await call
            except NotCompanyAdmin:
                outcomes.append("refused")

    # Then the fresh read inside each use case refuses it, and nothing changed
    assert outcomes == ["refused"] * 4
    assert {**await stored_state(), "shop_users": None} == {**before, "shop_users": None}


async def test_a_role_taken_away_holds_from_the_next_request_on(client):
    await company()
    token = await signed_in(client)
    assert "errors" not in await client.execute(COLLEAGUES, token=token)

    await ShopUser.filter(username="anna").update(company_role=CompanyRole.MEMBER)
    await announce(Changed.SHOP_USER, [(await user("anna")).id])

    assert error_codes(await client.execute(COLLEAGUES, token=token)) == ["FORBIDDEN"]
    assert await calls(client, token) == ["FORBIDDEN", "FORBIDDEN"]
