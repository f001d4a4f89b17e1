"""approve(input: {ids, debtorId, priceListTags}): staff turn requests into accounts
(rule 4 of docs/api.md).

Given pending (or rejected) requests, when staff approve them, one by one or
hundreds at once, then each good id gets a debtor (linked or new), a contact,
an INVITED shop user named after the email and exactly one invitation mail,
while every bad id is reported at its own index and changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from tortoise import Tortoise
from tortoise.backends.base_postgres.client import BasePostgresClient

from models import (
    AdminUser,
    AuditEvent,
    ContactPerson,
    Debtor,
    OneTimeToken,
    OutboxMessage,
    RegistrationAnswer,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
    ShopUser,
)
from resolvers.errors import ErrorCode, Problem, UserInputError
from resolvers.registrations import BulkResult, approve_registrations
from schema.nodes import global_id
from tests.api.sign_in import customer_token, staff_token
from tests.factories import make_admin, make_contact, make_debtor, make_shop, make_shop_user, pending_request
from tests.graphql_answers import gid, refusal, user_errors
from tests.use_cases import cheap_runtime, problem_pairs, staff_caller

STAFF_EMAIL = "staff@example.com"

APPROVE = """
mutation($ids: [ID!]!, $debtorId: ID, $tags: [String!]) {
  approve(input: {ids: $ids, debtorId: $debtorId, priceListTags: $tags}) {
    registrationRequests {
      id status rejectionReason decidedAt
      decidedBy { email }
      debtor { id number name email priceListTags }
      shopUser { username status contact { id firstName lastName email language } }
    }
    userErrors { field code message }
  }
}"""

APPROVE_IDS_ONLY = """
mutation($ids: [ID!]!) {
  approve(input: {ids: $ids}) { registrationRequests { id } userErrors { field code } }
}"""


# --- helpers ---------------------------------------------------------------------------------


async def flora(**settings) -> Shop:
    return await make_shop(
        "flora", registration_enabled=True, notification_email="orders@flora.test",
        default_price_list_tags=settings.pop("default_price_list_tags", ["wholesale"]), **settings,
    )


async def approve(client, token: str, ids: list[str], **input_values) -> dict:
    variables = {"ids": ids}
    if "debtor_id" in input_values:
        variables["debtorId"] = input_values.pop("debtor_id")
    if "tags" in input_values:
        variables["tags"] = input_values.pop("tags")
    assert not input_values
    return (await client.data(APPROVE, variables, token=token))["approve"]


async def written() -> dict[str, int]:
    """How many rows of everything an approval writes."""
    return {
        "debtors": await Debtor.all().count(),
        "contacts": await ContactPerson.all().count(),
        "shop_users": await ShopUser.all().count(),
        "mails": await OutboxMessage.all().count(),
        "tokens": await OneTimeToken.all().count(),
        "audit": await AuditEvent.filter(action__startswith="registration.").count(),
        "approved": await RegistrationRequest.filter(status=RegistrationStatus.APPROVED).count(),
    }


async def still_pending(request: RegistrationRequest) -> None:
    stored = await RegistrationRequest.get(id=request.id)
    assert stored.status == RegistrationStatus.PENDING
    assert (stored.decided_at, stored.decided_by_id, stored.debtor_id, stored.shop_user_id) == (
        None, None, None, None,
    )


# --- bulk ----------------------------------------------------------------------------------------


async def test_a_hundred_requests_and_three_bad_ids_approve_the_hundred_and_report_the_three(client):
    shop = await flora()
    staff = await staff_token(client)
    await RegistrationRequest.bulk_create([
        RegistrationRequest(
            shop=shop, name=f"Person {i:03d}", email=f"customer{i:03d}@bulk.test",
            company=f"Company {i:03d}", language=["nl", "en", "de", "fr"][i % 4],
        )
        for i in range(100)
    ])
    requests = await RegistrationRequest.all().order_by("id")
    await RegistrationAnswer.bulk_create([
        RegistrationAnswer(request=r, key="chamber_of_commerce", label="KvK", value=str(r.id), position=1)
        for r in requests
    ])
    good = [gid(r) for r in requests]
    ids = list(good)
    # Bad ids at known indexes: a request id that does not exist, no id at all, and the id of
    # a Shop whose primary key is that of a pending request (it must not approve that request).
    bad = {
        0: global_id("RegistrationRequest", 2**31 - 1),
        41: "not-a-global-id",
        102: global_id("Shop", shop.id),
    }
    for index in sorted(bad):
        ids.insert(index, bad[index])
    assert [ids[i] for i in sorted(bad)] == [bad[i] for i in sorted(bad)]
    assert len(ids) == 103

    payload = await approve(client, staff, ids)

    assert user_errors(payload) == [(["ids", "0"], "NOT_FOUND"), (["ids", "41"], "NOT_FOUND"),
                                  (["ids", "102"], "NOT_FOUND")]
    assert [r["id"] for r in payload["registrationRequests"]] == good
    assert {r["status"] for r in payload["registrationRequests"]} == {"APPROVED"}
    assert all(r["shopUser"]["status"] == "INVITED" for r in payload["registrationRequests"])
    assert await written() == {
        "debtors": 100, "contacts": 100, "shop_users": 100, "mails": 100, "tokens": 100,
        "audit": 100, "approved": 100,
    }
    stored = await RegistrationRequest.all().order_by("id")
    users = {u.id: u for u in await ShopUser.all()}
    contacts = {c.id: c for c in await ContactPerson.all()}
    for request in stored:
        assert request.shop_user_id is not None
        user = users[request.shop_user_id]
        assert user.username == request.email
        assert user.password_hash is None
        assert user.shop_id == shop.id
        assert user.language == request.language
        assert contacts[user.contact_id].debtor_id == request.debtor_id
        assert contacts[user.contact_id].email == request.email
    invitations = await OutboxMessage.filter(template="invitation")
    assert Counter(m.recipient for m in invitations) == Counter(r.email for r in stored)
    assert {(m.recipient, m.language) for m in invitations} == {(r.email, r.language) for r in stored}


async def test_an_approved_request_is_already_decided_and_keeps_its_decision(client):
    shop = await flora()
    first_admin = await make_admin("first@gatehouse.test")
    decided_at = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
    request = await pending_request(
        shop, status=RegistrationStatus.APPROVED, decided_at=decided_at, decided_by=first_admin
    )
    staff = await staff_token(client)
    before = await written()

    payload = await approve(client, staff, [gid(request)])

    assert payload["registrationRequests"] == []
    assert user_errors(payload) == [(["ids", "0"], "ALREADY_DECIDED")]
    assert await written() == before
    stored = await RegistrationRequest.get(id=request.id)
    assert (stored.decided_at, stored.decided_by_id) == (decided_at, first_admin.id)


async def test_a_rejected_request_can_be_approved_and_the_rejection_is_forgotten(client):
    shop = await flora()
    first_admin = await make_admin("first@gatehouse.test")
    rejected_at = datetime.now(UTC) - timedelta(days=2)
    request = await pending_request(
        shop, status=RegistrationStatus.REJECTED, rejection_reason="Outside our region",
        decided_at=rejected_at, decided_by=first_admin,
    )
    staff = await staff_token(client, STAFF_EMAIL)

    payload = await approve(client, staff, [gid(request)])

    assert payload["userErrors"] == []
    [approved] = payload["registrationRequests"]
    assert approved["status"] == "APPROVED"
    assert approved["rejectionReason"] is None
    assert approved["decidedBy"] == {"email": STAFF_EMAIL}
    assert datetime.fromisoformat(approved["decidedAt"]) > rejected_at
    assert approved["shopUser"]["username"] == "eva@kwekerij.test"
    stored = await RegistrationRequest.get(id=request.id)
    assert stored.rejection_reason is None
    assert stored.status == RegistrationStatus.APPROVED
    assert await OutboxMessage.filter(template="invitation", recipient="eva@kwekerij.test").count() == 1


async def test_the_same_id_twice_in_one_call_approves_once_and_reports_the_second(client):
    request = await pending_request(await flora())
    staff = await staff_token(client)

    payload = await approve(client, staff, [gid(request), gid(request)])

    assert [r["id"] for r in payload["registrationRequests"]] == [gid(request)]
    assert user_errors(payload) == [(["ids", "1"], "ALREADY_DECIDED")]
    assert (await written())["shop_users"] == 1
    assert await OutboxMessage.filter(template="invitation").count() == 1


# --- debtorId and price-list tags ------------------------------------------------------------


async def test_debtor_id_links_the_named_debtor_rather_than_the_match_or_a_new_one(client):
    shop = await flora()
    named = await make_debtor("Tuinderij Noord", price_list_tags=["roses"])
    matching = await make_debtor("Kwekerij Jansen")  # the company's name: the automatic choice
    request = await pending_request(shop)
    staff = await staff_token(client)

    payload = await approve(client, staff, [gid(request)], debtor_id=global_id("Debtor", named.id))

    assert payload["userErrors"] == []
    [approved] = payload["registrationRequests"]
    assert approved["debtor"]["id"] == global_id("Debtor", named.id)
    assert approved["debtor"]["priceListTags"] == ["roses", "wholesale"]
    assert await Debtor.all().count() == 2
    [contact] = await ContactPerson.filter(debtor_id=named.id)
    assert (contact.email, contact.first_name, contact.last_name) == ("eva@kwekerij.test", "Eva", "Jansen")
    assert await ContactPerson.filter(debtor_id=matching.id).count() == 0


@pytest.mark.parametrize(
    "debtor_id",
    [
        global_id("Debtor", 987654),
        global_id("Shop", 1),
        "garbage",
    ],
    ids=["unknown-debtor", "id-of-a-shop", "malformed"],
)
async def test_an_unknown_debtor_id_approves_nothing(client, debtor_id):
    shop = await flora()
    await make_debtor("Somebody Else")
    first = await pending_request(shop)
    second = await pending_request(shop, "Bo Bakker", "bo@bakker.test", "Bakker")
    staff = await staff_token(client)
    before = await written()

    payload = await approve(client, staff, [gid(first), gid(second)], debtor_id=debtor_id)

    assert payload["registrationRequests"] == []
    assert user_errors(payload) == [(["debtorId"], "NOT_FOUND")]
    assert await written() == before
    await still_pending(first)
    await still_pending(second)


async def test_price_list_tags_merge_the_debtors_the_shops_and_the_given_without_duplicates(client):
    shop = await flora(default_price_list_tags=["wholesale", "bulk"])
    debtor = await make_debtor("Tuinderij Noord", price_list_tags=["roses", "wholesale"])
    request = await pending_request(shop)
    staff = await staff_token(client)

    payload = await approve(
        client, staff, [gid(request)], debtor_id=global_id("Debtor", debtor.id),
        tags=["bulbs", "roses", " bulbs ", "bulk"],
    )

    expected = ["roses", "wholesale", "bulk", "bulbs"]
    assert payload["registrationRequests"][0]["debtor"]["priceListTags"] == expected
    assert (await Debtor.get(id=debtor.id)).price_list_tags == expected


async def test_one_debtor_id_for_several_requests_gives_each_its_own_contact_and_user(client):
    shop = await flora()
    debtor = await make_debtor("Tuinderij Noord", price_list_tags=["roses"])
    eva = await pending_request(shop)
    bo = await pending_request(shop, "Bo Bakker", "bo@bakker.test", "Bakkerij Bo")
    staff = await staff_token(client)

    payload = await approve(
        client, staff, [gid(eva), gid(bo)], debtor_id=global_id("Debtor", debtor.id), tags=["bulbs"]
    )

    assert payload["userErrors"] == []
    assert {r["debtor"]["id"] for r in payload["registrationRequests"]} == {global_id("Debtor", debtor.id)}
    contacts = await ContactPerson.filter(debtor_id=debtor.id).order_by("id")
    assert [c.email for c in contacts] == ["eva@kwekerij.test", "bo@bakker.test"]
    assert sorted(u.contact_id for u in await ShopUser.all()) == [c.id for c in contacts]
    assert (await Debtor.get(id=debtor.id)).price_list_tags == ["roses", "wholesale", "bulbs"]
    assert await Debtor.all().count() == 1


async def test_a_new_debtor_gets_the_shop_defaults_and_the_given_tags(client):
    request = await pending_request(await flora(default_price_list_tags=["wholesale"]))
    staff = await staff_token(client)

    payload = await approve(client, staff, [gid(request)], tags=["bulbs", "wholesale"])

    assert payload["registrationRequests"][0]["debtor"]["priceListTags"] == ["wholesale", "bulbs"]


@pytest.mark.parametrize(
    "tags",
    [[""], ["   "], ["x" * 65], [f"tag-{i}" for i in range(101)]],
    ids=["empty", "blank", "too-long", "too-many"],
)
async def test_invalid_price_list_tags_are_refused_before_anything_is_approved(client, tags):
    request = await pending_request(await flora())
    staff = await staff_token(client)
    before = await written()

    payload = await approve(client, staff, [gid(request)], tags=tags)

    assert payload["registrationRequests"] == []
    assert user_errors(payload) == [(["priceListTags"], "INVALID")]
    assert await written() == before
    await still_pending(request)


# --- matching existing customers (rule 7 of docs/api.md) -----------------------------------


async def test_a_contact_with_the_same_email_is_reused_with_its_debtor(client):
    shop = await flora()
    debtor = await make_debtor("Jansen Holding", price_list_tags=["roses"])
    contact = await make_contact(debtor, "Eva", last_name="Jansen-de Wit", email="EVA@Kwekerij.test")
    request = await pending_request(shop, company="Something Else Entirely")
    staff = await staff_token(client)

    payload = await approve(client, staff, [gid(request)])

    [approved] = payload["registrationRequests"]
    assert approved["debtor"]["id"] == global_id("Debtor", debtor.id)
    assert approved["debtor"]["priceListTags"] == ["roses", "wholesale"]
    assert approved["shopUser"]["contact"]["id"] == global_id("ContactPerson", contact.id)
    assert approved["shopUser"]["contact"]["lastName"] == "Jansen-de Wit"
    assert await ContactPerson.all().count() == 1
    assert await Debtor.all().count() == 1


async def test_a_contact_match_wins_over_a_company_name_match(client):
    shop = await flora()
    by_name = await make_debtor("Kwekerij Jansen")  # older, matches the company given
    by_contact = await make_debtor("Jansen Holding")
    await make_contact(by_contact, "Eva", email="eva@kwekerij.test")
    request = await pending_request(shop)
    staff = await staff_token(client)

    payload = await approve(client, staff, [gid(request)])

    assert payload["registrationRequests"][0]["debtor"]["id"] == global_id("Debtor", by_contact.id)
    assert await ContactPerson.filter(debtor_id=by_name.id).count() == 0


async def test_a_debtor_with_the_same_email_is_linked_and_given_a_new_contact(client):
    shop = await flora()
    debtor = await make_debtor("Jansen Holding", email="eva@kwekerij.test")
    await make_contact(debtor, "Piet", email="piet@kwekerij.test")
    request = await pending_request(shop, "Eva  van der Berg", company=None, language="de")
    staff = await staff_token(client)

    payload = await approve(client, staff, [gid(request)])

    [approved] = payload["registrationRequests"]
    assert approved["debtor"]["id"] == global_id("Debtor", debtor.id)
    assert approved["shopUser"]["contact"] == {
        "id": approved["shopUser"]["contact"]["id"], "firstName": "Eva", "lastName": "van der Berg",
        "email": "eva@kwekerij.test", "language": "de",
    }
    assert await ContactPerson.filter(debtor_id=debtor.id).count() == 2
    assert await Debtor.all().count() == 1


async def test_a_vat_number_answer_matches_the_debtor_with_that_number(client):
    shop = await flora()
    debtor = await make_debtor("Kwekerij J. BV", vat_number="NL853865392B01")
    request = await pending_request(shop, answers={"vat_number": "nl 8538.65.392-b01"})
    staff = await staff_token(client)

    payload = await approve(client, staff, [gid(request)])

    assert payload["registrationRequests"][0]["debtor"]["id"] == global_id("Debtor", debtor.id)
    assert await Debtor.all().count() == 1


@pytest.mark.parametrize(
    ("company", "expected_name"),
    [("Kwekerij Jansen", "Kwekerij Jansen"), (None, "Eva Jansen")],
    ids=["company", "no-company"],
)
async def test_without_a_match_a_new_debtor_is_named_after_the_company_or_the_person(
    client, company, expected_name
):
    shop = await flora()
    await make_debtor("Unrelated BV", email="someone@else.test")
    request = await pending_request(shop, company=company)
    staff = await staff_token(client)

    payload = await approve(client, staff, [gid(request)])

    debtor = payload["registrationRequests"][0]["debtor"]
    assert debtor["name"] == expected_name
    assert debtor["email"] == "eva@kwekerij.test"
    assert re.fullmatch(r"D\d+", debtor["number"]), debtor["number"]
    assert await Debtor.all().count() == 2
    assert await Debtor.filter(number=debtor["number"]).count() == 1


# --- an account made after the request was submitted --------------------------------------


async def existing_user_of(shop: Shop, variant: str) -> Debtor:
    """A shop user that 'eva@kwekerij.test' already has in `shop`; returns its debtor."""
    debtor = await make_debtor("Jansen Holding", price_list_tags=["roses"])
    if variant == "contact-email":
        contact = await make_contact(debtor, "Eva", email="eva@kwekerij.test")
        await make_shop_user(shop, contact, "eva", password=None)
    else:  # the username is the email, in another case; the contact has no email
        contact = await make_contact(debtor, "Eva")
        await make_shop_user(shop, contact, "EVA@Kwekerij.test", password=None)
    return debtor


@pytest.mark.parametrize("variant", ["contact-email", "username"])
async def test_an_email_that_got_an_account_meanwhile_is_refused_and_the_others_still_succeed(
    client, variant
):
    shop = await flora()
    first = await pending_request(shop, "Bo Bakker", "bo@bakker.test", "Bakkerij Bo")
    eva = await pending_request(shop)
    last = await pending_request(shop, "Cor Smit", "cor@smit.test", "Smit")
    debtor = await existing_user_of(shop, variant)
    staff = await staff_token(client)
    before = await written()

    payload = await approve(client, staff, [gid(first), gid(eva), gid(last)], tags=["bulbs"])

    assert user_errors(payload) == [(["ids", "1"], "ALREADY_HAS_ACCOUNT")]
    assert [r["id"] for r in payload["registrationRequests"]] == [gid(first), gid(last)]
    await still_pending(eva)
    assert await written() == {
        "debtors": before["debtors"] + 2, "contacts": before["contacts"] + 2,
        "shop_users": before["shop_users"] + 2, "mails": before["mails"] + 2,
        "tokens": before["tokens"] + 2, "audit": before["audit"] + 2, "approved": 2,
    }
    assert (await Debtor.get(id=debtor.id)).price_list_tags == ["roses"]
    assert await OutboxMessage.filter(recipient="eva@kwekerij.test").count() == 0
    assert await ShopUser.filter(username_key="eva@kwekerij.test").count() == (variant == "username")


async def test_naming_another_debtor_does_not_give_an_email_a_second_account_in_the_shop(client):
    shop = await flora()
    eva = await pending_request(shop)
    await existing_user_of(shop, "contact-email")
    other = await make_debtor("Tuinderij Noord")
    staff = await staff_token(client)

    payload = await approve(client, staff, [gid(eva)], debtor_id=global_id("Debtor", other.id))

    assert user_errors(payload) == [(["ids", "0"], "ALREADY_HAS_ACCOUNT")]
    await still_pending(eva)
    assert await ShopUser.filter(shop_id=shop.id).count() == 1


async def test_a_refused_id_does_not_cost_the_next_ids_their_price_list_tags(client):
    shop = await flora(default_price_list_tags=["wholesale"])
    named = await make_debtor("Tuinderij Noord", price_list_tags=["roses"])
    eva = await pending_request(shop)
    bo = await pending_request(shop, "Bo Bakker", "bo@bakker.test", "Bakkerij Bo")
    await existing_user_of(shop, "username")
    staff = await staff_token(client)

    payload = await approve(
        client, staff, [gid(eva), gid(bo)], debtor_id=global_id("Debtor", named.id), tags=["bulbs"]
    )

    assert user_errors(payload) == [(["ids", "0"], "ALREADY_HAS_ACCOUNT")]
    assert [r["id"] for r in payload["registrationRequests"]] == [gid(bo)]
    assert (await Debtor.get(id=named.id)).price_list_tags == ["roses", "wholesale", "bulbs"]


async def test_a_user_in_another_shop_does_not_block_and_the_contact_gets_a_second_login(client):
    shop, other_shop = await flora(), await make_shop("tulip")
    debtor = await make_debtor("Jansen Holding")
    contact = await make_contact(debtor, "Eva", email="eva@kwekerij.test")
    await make_shop_user(other_shop, contact, "eva@kwekerij.test")
    request = await pending_request(shop)
    staff = await staff_token(client)

    payload = await approve(client, staff, [gid(request)])

    assert payload["userErrors"] == []
    made = await ShopUser.get(shop_id=shop.id)
    assert made.contact_id == contact.id
    assert made.username == "eva@kwekerij.test"
    assert await ContactPerson.all().count() == 1


# --- audit ---------------------------------------------------------------------------------


async def test_each_approved_request_is_one_audit_event_by_the_admin(client):
    shop = await flora()
    first = await pending_request(shop)
    second = await pending_request(shop, "Bo Bakker", "bo@bakker.test", "Bakker")
    decided = await pending_request(shop, "Cor Smit", "cor@smit.test", status=RegistrationStatus.APPROVED)
    staff = await staff_token(client, STAFF_EMAIL)

    payload = await approve(client, staff, [gid(first), gid(decided), gid(second)])

    assert user_errors(payload) == [(["ids", "1"], "ALREADY_DECIDED")]
    events = await AuditEvent.filter(action="registration.approved").order_by("id")
    assert [(e.object_type, e.object_id) for e in events] == [
        ("RegistrationRequest", first.id), ("RegistrationRequest", second.id),
    ]
    admin = await AdminUser.get(email=STAFF_EMAIL)
    for event, request in zip(events, [first, second], strict=True):
        stored = await RegistrationRequest.get(id=request.id).select_related("debtor")
        assert stored.debtor is not None
        assert (event.actor_kind, event.actor_id, event.actor_label) == ("ADMIN", admin.id, STAFF_EMAIL)
        assert event.client_address == "203.0.113.7"
        assert event.details == {"debtor": stored.debtor.number, "shop_user": stored.shop_user_id}


# --- who may, and how many ----------------------------------------------------------------


async def test_a_customer_is_forbidden_and_nothing_changes(client):
    request = await pending_request(await flora())
    token = await customer_token(client, "flora", "anna")
    before = await written()

    body = await client.execute(APPROVE, {"ids": [gid(request)]}, token=token)

    assert refusal(body) == "FORBIDDEN"
    assert await written() == before
    await still_pending(request)


async def test_an_anonymous_caller_must_sign_in_and_nothing_changes(client):
    request = await pending_request(await flora())
    before = await written()

    body = await client.execute(APPROVE, {"ids": [gid(request)]})

    assert refusal(body) == "UNAUTHENTICATED"
    assert await written() == before
    await still_pending(request)


async def test_no_ids_is_invalid(client):
    staff = await staff_token(client)

    payload = (await client.data(APPROVE_IDS_ONLY, {"ids": []}, token=staff))["approve"]

    assert payload == {"registrationRequests": [], "userErrors": [{"field": ["ids"], "code": "INVALID"}]}


async def test_more_than_500_ids_is_invalid_and_approves_none_of_them(client):
    request = await pending_request(await flora())
    staff = await staff_token(client)
    before = await written()

    payload = (await client.data(
        APPROVE_IDS_ONLY, {"ids": [gid(request)] + ["nope"] * 500}, token=staff
    ))["approve"]

    assert payload == {"registrationRequests": [], "userErrors": [{"field": ["ids"], "code": "INVALID"}]}
    assert await written() == before
    await still_pending(request)


async def test_exactly_500_ids_are_decided_one_by_one(client):
    request = await pending_request(await flora())
    staff = await staff_token(client)

    payload = (await client.data(
        APPROVE_IDS_ONLY, {"ids": ["nope"] * 499 + [gid(request)]}, token=staff
    ))["approve"]

    assert payload["registrationRequests"] == [{"id": gid(request)}]
    assert len(payload["userErrors"]) == 499
    assert user_errors(payload)[-1] == (["ids", "498"], "NOT_FOUND")


def test_a_refused_id_keeps_every_one_of_its_problems_at_its_index():
    result = BulkResult()
    refusal = UserInputError([
        Problem(ErrorCode.ALREADY_DECIDED, "Decided already."),
        Problem(ErrorCode.INVALID, "Bad tag.", ("priceListTags",)),
    ])

    result.refuse(3, refusal)

    assert [(p.code, p.message, p.field) for p in result.problems] == [
        (ErrorCode.ALREADY_DECIDED, "Decided already.", ("ids", "3")),
        (ErrorCode.INVALID, "Bad tag.", ("ids", "3")),
    ]


# --- PostgreSQL: the same request approved from many dashboards at once -----------------------


async def sessions_waiting_for_a_lock() -> int:
    """How many database sessions are waiting for a row lock (asked on the caller's connection)."""
    [row] = await Tortoise.get_connection("postgres").execute_query_dict(
        "SELECT count(*) AS waiting FROM pg_stat_activity "
        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    return row["waiting"]


class ClaimsBlocked:
    """The approval that wins the claim holds its transaction open (at `after_checks`) until the
    other approvals are waiting on the claimed row (as many as the connection pool lets in at
    once), so they really do try to claim it at the same instant."""

    def __init__(self) -> None:
        self.waiting = 0

    async def __call__(self) -> None:
        async def others_blocked() -> None:
            while await sessions_waiting_for_a_lock() < self.waiting:  # noqa: ASYNC110 -- polls the database
                await asyncio.sleep(0.01)

        # A safeguard, not a measurement: fails the test instead of hanging it.
        await asyncio.wait_for(others_blocked(), timeout=10)


class MeetingBeforeCreate:
    """Two approvals both get past every check (`after_checks`) before either inserts its shop
    user, so the race always happens. If the other one never arrives (an implementation that
    holds it back), it goes on after a second."""

    def __init__(self) -> None:
        self.arrived = 0
        self.both_arrived = asyncio.Event()

    async def __call__(self) -> None:
        self.arrived += 1
        if self.arrived >= 2:
            self.both_arrived.set()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.both_arrived.wait(), timeout=1)


@pytest.mark.postgres_only
async def test_twenty_dashboards_approving_one_request_at_once_make_one_account(pg_db):
    shop = await flora()
    request = await pending_request(shop)
    caller, runtime = await staff_caller(), cheap_runtime()
    claims_blocked = ClaimsBlocked()
    connection = Tortoise.get_connection("postgres")
    assert isinstance(connection, BasePostgresClient)
    # The winner holds one pooled connection; every other one is a loser blocked on the row.
    claims_blocked.waiting = min(19, connection.pool_maxsize - 1)

    results = await asyncio.gather(*(
        approve_registrations(runtime, caller, [request.id], after_checks=claims_blocked)
        for _ in range(20)
    ))

    winners = [r for r in results if r.requests]
    losers = [r for r in results if not r.requests]
    assert len(winners) == 1
    assert len(losers) == 19
    assert winners[0].problems == []
    assert all(problem_pairs(r.problems) == [(("ids", "0"), ErrorCode.ALREADY_DECIDED)] for r in losers)
    assert await written() == {
        "debtors": 1, "contacts": 1, "shop_users": 1, "mails": 1, "tokens": 1, "audit": 1,
        "approved": 1,
    }
    assert (await OutboxMessage.get()).template == "invitation"


@pytest.mark.postgres_only
async def test_two_requests_of_one_email_approved_at_once_make_one_account(pg_db):
    shop = await flora()
    first = await pending_request(shop)
    # One email has one open request at most; a rejected one may be approved as well.
    second = await pending_request(
        shop, company="Kwekerij Jansen (again)", status=RegistrationStatus.REJECTED
    )
    caller, runtime = await staff_caller(), cheap_runtime()
    meeting = MeetingBeforeCreate()

    results = await asyncio.gather(
        approve_registrations(runtime, caller, [first.id], after_checks=meeting),
        approve_registrations(runtime, caller, [second.id], after_checks=meeting),
        return_exceptions=True,
    )

    approvals = [r for r in results if not isinstance(r, BaseException)]
    assert len(approvals) == len(results), results
    problems = [p for r in approvals for p in r.problems]
    assert problem_pairs(problems) == [(("ids", "0"), ErrorCode.ALREADY_HAS_ACCOUNT)]
    assert await ShopUser.filter(shop_id=shop.id).count() == 1
    assert await OutboxMessage.filter(template="invitation").count() == 1
