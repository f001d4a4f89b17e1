"""mergeDebtors: duplicates of one customer company merged into the debtor that remains
(rule 15 of docs/api.md).

Given debtors with contact persons, shop users, requests and tags, when staff merge some into
another, then everything of the sources belongs to the target, the target's empty fields are
filled from the sources in the order given, the sources are gone, one audit event and one
DEBTORS_MERGED event per subscribed webhook name every number merged, and it all happens in
one transaction of a bounded number of statements. Every refusal names its field and code and
changes nothing at all.
"""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest

from auth.viewer import Caller
from models import (
    ActorKind,
    AdminUser,
    AuditEvent,
    ContactPerson,
    Debtor,
    MergedDebtor,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
    ShopUser,
    StaffRole,
    Webhook,
    WebhookDelivery,
    WebhookEvent,
    WebhookMessage,
)
from models.normalise import username_key
from resolvers.debtor_merge import MAX_SOURCES, MergeOutcome, merge_debtors
from resolvers.debtors import create_contact_person, update_debtor
from resolvers.errors import ErrorCode
from schema.nodes import global_id
from tests.api.sign_in import admin_login, customer_token, session_token, staff_token
from tests.db_triggers import writes_refused
from tests.factories import (
    make_admin,
    make_contact,
    make_debtor,
    make_shop,
    make_shop_user,
    pending_request,
)
from tests.graphql_answers import error_codes, gid, refusal, user_errors
from tests.meeting import BothArrive
from tests.query_counter import captured_statements, count_queries
from tests.use_cases import cheap_runtime, refused_with, staff_caller

DEBTOR_FIELDS = """
  id number name email phone vatNumber address priceListTags minimumOrderAmount checkoutPaymentLimit
"""

MERGE = f"""
mutation($input: MergeDebtorsInput!) {{
  mergeDebtors(input: $input) {{
    debtor {{
      {DEBTOR_FIELDS}
      contacts {{ firstName lastName email phone shopUsers {{ username shop {{ handle }} }} }}
    }}
    userErrors {{ field message code }}
  }}
}}"""

# What a dashboard asks for in one go after a merge, as few statements for 1,000 contacts as for 2.
MERGE_COUNTED = """
mutation($input: MergeDebtorsInput!) {
  mergeDebtors(input: $input) { debtor { id number priceListTags } userErrors { field code } }
}"""

NODE = "query($id: ID!) { node(id: $id) { id } }"

REQUESTS_PAGE = """
{ registrationRequests(first: 20) { edges { node { email matchingDebtors { number } } } } }
"""

REQUEST = """
query($id: ID!) {
  node(id: $id) { ... on RegistrationRequest { debtor { number } matchingDebtors { number } } }
}"""

UPDATE_DEBTOR = """
mutation($input: UpdateDebtorInput!) { updateDebtor(input: $input) { debtor { number } userErrors { code } } }
"""

APPROVE = """
mutation($ids: [ID!]!) {
  approve(input: {ids: $ids}) { registrationRequests { debtor { number } } userErrors { field code } }
}"""

OWN_DEBTOR = """
{ viewer { ... on ShopUser { debtor { number } orderPolicy(amount: "100") { route minimumOrderAmount } } } }
"""


# --- helpers ---------------------------------------------------------------------------------


async def merge(client, token: str, target: Debtor | str, *sources: Debtor | str) -> dict[str, Any]:
    """mergeDebtors of `sources` into `target`, each a debtor or a global id as written."""
    def named(debtor: Debtor | str) -> str:
        return debtor if isinstance(debtor, str) else gid(debtor)

    variables = {"input": {"targetId": named(target), "sourceIds": [named(source) for source in sources]}}
    return (await client.data(MERGE, variables, token=token))["mergeDebtors"]


async def stored_state() -> tuple[Any, ...]:
    """Every row a merge touches, as stored, and how many audit events and webhook messages exist."""
    return (
        await Debtor.all().order_by("id").values(),
        await ContactPerson.all().order_by("id").values(),
        await ShopUser.all().order_by("id").values("id", "contact_id"),
        await RegistrationRequest.all().order_by("id").values("id", "debtor_id"),
        await AuditEvent.all().count(),
        await WebhookMessage.all().count(),
    )


async def merge_events() -> list[AuditEvent]:
    return await AuditEvent.filter(action="debtors.merged").order_by("id")


async def webhook(*events: WebhookEvent) -> Webhook:
    return await Webhook.create(
        url="http://127.0.0.1:9/hook", events=[event.value for event in events], secret_sealed="x"
    )


async def contacts_of(debtor: Debtor) -> list[tuple[str, str | None, str | None, list[str]]]:
    """(first name, email, phone, usernames) of each contact person of `debtor`, in id order."""
    found = []
    for contact in await ContactPerson.filter(debtor_id=debtor.id).order_by("id"):
        users = await ShopUser.filter(contact_id=contact.id).order_by("id").values_list("username")
        found.append((contact.first_name, contact.email, contact.phone, [name for (name,) in users]))
    return found


async def many_contacts_with_users(debtor: Debtor, shop: Shop, count: int, prefix: str) -> None:
    """`count` contact persons of `debtor`, each with a shop user of `shop`, in a few statements."""
    await ContactPerson.bulk_create([
        ContactPerson(debtor_id=debtor.id, first_name=f"P{i}", last_name=prefix, language="nl",
                      email=f"{prefix}{i}@many.test")
        for i in range(count)
    ])
    contact_ids = await ContactPerson.filter(debtor_id=debtor.id, last_name=prefix).values_list("id")
    await ShopUser.bulk_create([
        ShopUser(shop_id=shop.id, contact_id=pk, username=f"{prefix}{pk}",
                 username_key=username_key(f"{prefix}{pk}"), language="nl")
        for (pk,) in contact_ids
    ])


# --- what moves, what is filled, what goes ----------------------------------------------------


async def test_a_merge_moves_everything_to_the_target_fills_its_empty_fields_and_deletes_the_sources(client):
    # Given a target with some fields empty, and two sources with contacts, users in two shops,
    # an approved request and tags of their own
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")
    token = await staff_token(client)
    target = await make_debtor(
        "Bloemenhuis Jansen", number="K-1", phone="+31 20 111", price_list_tags=["wholesale"],
        checkout_payment_limit=Decimal("5000.00"),
    )
    first = await make_debtor(
        "Bloemenhuis Jansen BV", number="K-2", email="inkoop@jansen.test", phone="+31 20 222",
        vat_number="NL853865392B01", price_list_tags=["plants", "wholesale"],
        minimum_order_amount=Decimal("150.00"),
    )
    second = await make_debtor(
        "Jansen Bloemen", number="K-3", email="info@jansen.test", vat_number="DE123456789",
        address="Legmeerdijk 313\n1431 GB Aalsmeer", price_list_tags=["export"],
    )
    anna = await make_contact(target, "Anna", email="anna@jansen.test")
    await make_shop_user(flora, anna, "anna")
    bram = await make_contact(first, "Bram", email="bram@jansen.test")
    await make_shop_user(flora, bram, "bram")
    await make_shop_user(greenhouse, bram, "bram-greenhouse")
    await make_contact(first, "Cees", email=None)
    await make_contact(second, "Dirk", email="dirk@jansen.test", phone="06 1")
    approved = await pending_request(flora, status=RegistrationStatus.APPROVED, debtor=first)
    bram_token = await session_token(client, "bram")

    # When they are merged into the target
    payload = await merge(client, token, target, first, second)

    # Then the target holds every contact (with its users), the tags of all, and the first
    # source's value of each field it lacked; the sources read as missing
    assert payload["userErrors"] == []
    debtor = payload["debtor"]
    assert {name: debtor[name] for name in debtor if name not in ("id", "contacts")} == {
        "number": "K-1", "name": "Bloemenhuis Jansen", "email": "inkoop@jansen.test",
        "phone": "+31 20 111", "vatNumber": "NL853865392B01", "address": "Legmeerdijk 313\n1431 GB Aalsmeer",
        "priceListTags": ["wholesale", "plants", "export"], "minimumOrderAmount": "150.00",
        "checkoutPaymentLimit": "5000.00",
    }
    assert debtor["id"] == gid(target)
    assert [(c["firstName"], sorted((u["username"], u["shop"]["handle"]) for u in c["shopUsers"]))
            for c in debtor["contacts"]] == [
        ("Anna", [("anna", "flora")]),
        ("Bram", [("bram", "flora"), ("bram-greenhouse", "greenhouse")]),
        ("Cees", []),
        ("Dirk", []),
    ]
    for source in (first, second):
        assert (await client.data(NODE, {"id": gid(source)}, token=token))["node"] is None
    assert await Debtor.filter(id__in=[first.id, second.id]).count() == 0
    request = (await client.data(REQUEST, {"id": gid(approved)}, token=token))["node"]
    assert request["debtor"] == {"number": "K-1"}
    # a user signed in before the merge reads its new company and its order rules at once
    own = (await client.data(OWN_DEBTOR, token=bram_token))["viewer"]
    assert own == {"debtor": {"number": "K-1"},
                   "orderPolicy": {"route": "BELOW_MINIMUM", "minimumOrderAmount": "150.00"}}


async def test_one_audit_event_by_the_staff_member_names_every_number_merged(client):
    token = await staff_token(client)
    admin = await AdminUser.get(email="staff@example.com")
    target = await make_debtor("Target", number="K-1", price_list_tags=["a"])
    first = await make_debtor("First", number="K-2", email="first@x.test", price_list_tags=["b", "a"])
    second = await make_debtor("Second", number="K-3")
    await make_contact(first, "Anna")
    await make_contact(second, "Bram")
    before = await AuditEvent.all().count()

    await merge(client, token, target, second, first)

    assert await AuditEvent.all().count() == before + 1
    [event] = await merge_events()
    assert (event.action, event.object_type, event.object_id, event.shop_id) == (
        "debtors.merged", "Debtor", target.id, None
    )
    assert (event.actor_kind, event.actor_id, event.actor_label) == (ActorKind.ADMIN, admin.id, admin.email)
    assert event.details == {
        "number": "K-1", "merged": ["K-3", "K-2"], "filled": ["email"], "priceListTagsAdded": ["b"],
        "contactsMoved": 2, "contactsFolded": [], "registrationRequestsMoved": 0,
    }


async def test_a_field_is_filled_from_the_first_source_whose_value_keeps_the_limit_above_the_minimum(client):
    # Given a target whose payment limit is 1000 and no minimum: the first source's minimum of
    # 2000 would put the limit below it, the second's 500 would not
    token = await staff_token(client)
    target = await make_debtor("Target", number="K-1", checkout_payment_limit=Decimal("1000.00"))
    above = await make_debtor("Above", number="K-2", minimum_order_amount=Decimal("2000.00"))
    below = await make_debtor("Below", number="K-3", minimum_order_amount=Decimal("500.00"))

    payload = await merge(client, token, target, above, below)

    assert payload["userErrors"] == []
    assert (payload["debtor"]["minimumOrderAmount"], payload["debtor"]["checkoutPaymentLimit"]) == (
        "500.00", "1000.00"
    )


async def test_the_target_keeps_a_value_of_its_own_and_blank_fields_count_as_empty(client):
    token = await staff_token(client)
    target = await make_debtor("Target", number="K-1", email="own@x.test", address="  ")
    source = await make_debtor("Source", number="K-2", email="other@x.test", address="Dorpsstraat 1")

    payload = await merge(client, token, target, source)

    assert (payload["debtor"]["email"], payload["debtor"]["address"]) == ("own@x.test", "Dorpsstraat 1")


# --- one person twice --------------------------------------------------------------------------


async def test_two_contacts_of_one_email_stay_two_unless_one_has_no_shop_user(client):
    # Given, per email, the cases of the same-person rule
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")
    token = await staff_token(client)
    target = await make_debtor("Target", number="K-1")
    first = await make_debtor("First", number="K-2")
    second = await make_debtor("Second", number="K-3")
    # a: the target's has a user, the source's has none (and a phone): folded into the target's
    a_kept = await make_contact(target, "Ann", email="a@x.test")
    await make_shop_user(flora, a_kept, "a-flora")
    await make_contact(first, "Ann", email="A@X.test", phone="06 a")
    # b: both have users: two stay, one login each
    b_target = await make_contact(target, "Bob", email="b@x.test")
    await make_shop_user(flora, b_target, "b-flora")
    b_source = await make_contact(first, "Bob", email="b@x.test")
    await make_shop_user(flora, b_source, "b-flora-2")
    # c: neither has a user: the target's is kept, filled from the source's
    await make_contact(target, "Cor", email="c@x.test", last_name="")
    await make_contact(second, "Cor", email="c@x.test", last_name="Smit", phone="06 c")
    # d: only the source's has a user: the target's is folded into it
    await make_contact(target, "Dirk", email="d@x.test", phone="06 d")
    d_source = await make_contact(second, "Dirk", email="d@x.test")
    await make_shop_user(greenhouse, d_source, "d-greenhouse")
    # e: two sources' contacts, no user: the oldest is kept
    await make_contact(second, "Eva", email="e@x.test")
    await make_contact(first, "Eva", email="e@x.test", phone="06 e")
    # f: two of the target's own, no source's of that email: left as they were
    await make_contact(target, "Fem", email="f@x.test")
    await make_contact(target, "Fem", email="f@x.test")
    # g: one without an email is no one's duplicate
    await make_contact(first, "Gijs", email=None)
    await make_contact(second, "Gijs", email=None)

    payload = await merge(client, token, target, first, second)

    assert payload["userErrors"] == []
    assert await contacts_of(target) == [
        ("Ann", "a@x.test", "06 a", ["a-flora"]),
        ("Bob", "b@x.test", None, ["b-flora"]),
        ("Bob", "b@x.test", None, ["b-flora-2"]),
        ("Cor", "c@x.test", "06 c", []),
        ("Dirk", "d@x.test", "06 d", ["d-greenhouse"]),
        ("Eva", "e@x.test", "06 e", []),
        ("Fem", "f@x.test", None, []),
        ("Fem", "f@x.test", None, []),
        ("Gijs", None, None, []),
        ("Gijs", None, None, []),
    ]
    assert (await ContactPerson.get(debtor_id=target.id, first_name="Cor")).last_name == "Smit"
    [event] = await merge_events()
    assert len(event.details["contactsFolded"]) == 4


# --- matching requests afterwards ---------------------------------------------------------------


async def test_pending_requests_that_matched_a_source_match_the_target_afterwards(client):
    # Given pending requests that each matched a source: through a contact's email, the
    # source's email, its VAT number (both empty on the target), and a company name the
    # target shares
    shop = await make_shop("flora")
    token = await staff_token(client)
    target = await make_debtor("Bloemenhuis Jansen", number="K-1")
    source = await make_debtor(
        "BLOEMENHUIS  JANSEN", number="K-2", email="inkoop@jansen.test", vat_number="NL853865392B01"
    )
    await make_contact(source, "Bram", email="bram@jansen.test")
    requests = {
        "contact": await pending_request(shop, "Bram", "bram@jansen.test", "Elsewhere"),
        "email": await pending_request(shop, "Inkoop", "inkoop@jansen.test", "Elsewhere"),
        "vat": await pending_request(shop, "Vera", "vera@x.test", "Elsewhere",
                                     answers={"vat_number": "NL 8538.65.392-B01"}),
        "company": await pending_request(shop, "Kim", "kim@x.test", "Bloemenhuis Jansen"),
    }

    async def matches() -> dict[str, list[str]]:
        found = {}
        for clue, request in requests.items():
            node = (await client.data(REQUEST, {"id": gid(request)}, token=token))["node"]
            found[clue] = [debtor["number"] for debtor in node["matchingDebtors"]]
        return found

    assert await matches() == {
        "contact": ["K-2"], "email": ["K-2"], "vat": ["K-2"], "company": ["K-1", "K-2"]
    }

    # When the source is merged into the target
    await merge(client, token, target, source)

    # Then each matches the target, and nothing else
    assert await matches() == {"contact": ["K-1"], "email": ["K-1"], "vat": ["K-1"], "company": ["K-1"]}


async def matching_numbers(client, token: str, request: RegistrationRequest) -> list[str]:
    node = (await client.data(REQUEST, {"id": gid(request)}, token=token))["node"]
    return [debtor["number"] for debtor in node["matchingDebtors"]]


async def test_a_request_that_matched_a_source_by_a_clue_the_target_lacks_matches_the_target(client):
    # Given a target of another name, VAT number and email than the source's, and pending
    # requests that each matched the source by one clue only
    shop = await make_shop("flora")
    token = await staff_token(client)
    target = await make_debtor("Kwekerij de Vries", number="K-1", email="info@devries.test",
                               vat_number="DE123456789")
    source = await make_debtor("Bloemenhuis Jansen", number="K-2", email="inkoop@jansen.test",
                               vat_number="NL853865392B01")
    requests = {
        "name": await pending_request(shop, "Kim", "kim@x.test", "BLOEMENHUIS  jansen"),
        "vat": await pending_request(shop, "Vera", "vera@x.test", "Elsewhere",
                                     answers={"vat_number": "NL 8538.65.392-B01"}),
        "email": await pending_request(shop, "Inkoop", "inkoop@jansen.test", "Elsewhere"),
    }
    assert {clue: await matching_numbers(client, token, r) for clue, r in requests.items()} == {
        "name": ["K-2"], "vat": ["K-2"], "email": ["K-2"],
    }

    # When the source is merged into the target (which keeps its own name, VAT number and email)
    payload = await merge(client, token, target, source)

    # Then each request matches the target, and approving one links it there
    assert (payload["debtor"]["name"], payload["debtor"]["vatNumber"], payload["debtor"]["email"]) == (
        "Kwekerij de Vries", "DE123456789", "info@devries.test"
    )
    assert {clue: await matching_numbers(client, token, r) for clue, r in requests.items()} == {
        "name": ["K-1"], "vat": ["K-1"], "email": ["K-1"],
    }
    approved = (await client.data(APPROVE, {"ids": [gid(requests["name"])]}, token=token))["approve"]
    assert approved["userErrors"] == []
    assert approved["registrationRequests"] == [{"debtor": {"number": "K-1"}}]


async def test_a_target_merged_later_takes_what_was_merged_into_it_along(client):
    # Given A merged into B, and a request that matched A by its name alone
    shop = await make_shop("flora")
    token = await staff_token(client)
    first = await make_debtor("Alpha Bloemen", number="K-A", vat_number="NL853865392B01")
    second = await make_debtor("Beta Planten", number="K-B")
    third = await make_debtor("Gamma Tuin", number="K-C")
    request = await pending_request(shop, "Kim", "kim@x.test", "Alpha Bloemen")
    await merge(client, token, second, first)
    assert await matching_numbers(client, token, request) == ["K-B"]

    # When B is merged into C
    await merge(client, token, third, second)

    # Then the request matches C, which holds the records of both, each as its debtor was when
    # merged (B had taken A's VAT number by then)
    assert await matching_numbers(client, token, request) == ["K-C"]
    records = await MergedDebtor.filter(debtor_id=third.id).order_by("id").values_list(
        "number", "name_key", "vat_number", "email"
    )
    assert records == [
        ("K-A", "alpha bloemen", "NL853865392B01", None),
        ("K-B", "beta planten", "NL853865392B01", None),
    ]


async def test_a_page_of_requests_costs_as_many_statements_with_merged_debtors_as_without(client):
    # Given requests matching debtors by their own clues, and as many matching merged ones
    shop = await make_shop("flora")
    token = await staff_token(client)
    for index in range(5):
        await pending_request(shop, "Kim", f"kim{index}@x.test", f"Own {index}")
        await make_debtor(f"Own {index}", number=f"O-{index}")
    await client.data(REQUESTS_PAGE, token=token)  # the session is read once, then cached

    with count_queries() as before:
        page = (await client.data(REQUESTS_PAGE, token=token))["registrationRequests"]["edges"]
    assert [edge["node"]["matchingDebtors"] for edge in page] == [
        [{"number": f"O-{index}"}] for index in reversed(range(5))
    ]
    for index in range(5):
        await pending_request(shop, "Mo", f"mo{index}@x.test", f"Gone {index}")
        target = await make_debtor(f"Kept {index}", number=f"T-{index}")
        await merge(client, token, target, await make_debtor(f"Gone {index}", number=f"G-{index}"))

    with count_queries() as after:
        page = (await client.data(REQUESTS_PAGE, token=token))["registrationRequests"]["edges"]

    assert [edge["node"]["matchingDebtors"] for edge in page][:5] == [
        [{"number": f"T-{index}"}] for index in reversed(range(5))
    ]
    assert len(after) == len(before), "\n".join(statement[:120] for statement in after)


# --- refusals ------------------------------------------------------------------------------------


async def test_each_refusal_names_its_field_and_code_and_changes_nothing(client):
    token = await staff_token(client)
    target = await make_debtor("Target", number="K-1", price_list_tags=[f"t{i}" for i in range(60)])
    first = await make_debtor("First", number="K-2")
    second = await make_debtor("Second", number="K-3", price_list_tags=[f"s{i}" for i in range(41)])
    await make_contact(first, "Anna", email="anna@x.test")
    contact = await make_contact(target, "Anna", email="anna@x.test")
    unknown = global_id("Debtor", second.id + 1000)
    cases: list[tuple[str, Any, list[Any], list[tuple[list[str], str]]]] = [
        ("target among the sources", target, [first, target], [(["sourceIds", "1"], "TARGET_AMONG_SOURCES")]),
        ("only the target", target, [target], [(["sourceIds", "0"], "TARGET_AMONG_SOURCES")]),
        ("unknown source", target, [first, first.number, unknown],
         [(["sourceIds", "1"], "NOT_FOUND"), (["sourceIds", "2"], "NOT_FOUND")]),
        ("unknown target", unknown, [first], [(["targetId"], "NOT_FOUND")]),
        ("a contact's id", gid(contact), [first], [(["targetId"], "NOT_FOUND")]),
        ("no global id", "not-an-id", [first], [(["targetId"], "NOT_FOUND")]),
        ("no source", target, [], [(["sourceIds"], "INVALID")]),
        ("too many sources", target, [global_id("Debtor", 5000 + i) for i in range(MAX_SOURCES + 1)],
         [(["sourceIds"], "INVALID")]),
        ("a source twice", target, [first, first], [(["sourceIds", "1"], "INVALID")]),
        ("over 100 tags together", target, [first, second], [(["sourceIds"], "INVALID")]),
        ("every problem at once", unknown, [first, first, gid(contact)],
         [(["sourceIds", "1"], "INVALID"), (["sourceIds", "2"], "NOT_FOUND"), (["targetId"], "NOT_FOUND")]),
    ]
    before = await stored_state()

    wrong = []
    for name, to, sources, expected in cases:
        payload = await merge(client, token, to, *sources)
        got = sorted(user_errors(payload))
        if got != sorted(expected) or payload["debtor"] is not None or await stored_state() != before:
            wrong.append((name, got))

    assert wrong == []


async def test_the_target_named_as_a_source_is_refused_with_a_message_to_read(client):
    token = await staff_token(client)
    target = await make_debtor("Target", number="K-1")

    payload = await merge(client, token, target, target)

    [error] = payload["userErrors"]
    assert error == {
        "field": ["sourceIds", "0"], "code": "TARGET_AMONG_SOURCES",
        "message": "This is the target: a debtor is not merged into itself.",
    }


async def test_a_merge_that_fails_midway_keeps_nothing_and_sends_nothing(client):
    # Given a webhook for merges, and a database that refuses the merge's last write
    await webhook(WebhookEvent.DEBTORS_MERGED)
    token = await staff_token(client)
    target = await make_debtor("Target", number="K-1")
    source = await make_debtor("Source", number="K-2", email="s@x.test")
    await make_contact(source, "Anna", email="anna@x.test")
    await make_contact(target, "Anna", email="anna@x.test")
    before = await stored_state()

    # the last thing a merge writes fails in the database
    async with writes_refused(Debtor._meta.db, "webhook_delivery", "INSERT"):
        body = await client.execute(
            MERGE, {"input": {"targetId": gid(target), "sourceIds": [gid(source)]}}, token=token
        )

    # Then the caller hears of a failure, without SQL, and every row is as it was
    assert error_codes(body) == ["INTERNAL"]
    assert "refused by the test" not in json.dumps(body)
    assert await stored_state() == before
    assert await WebhookMessage.all().count() == 0


@pytest.mark.postgres_only
async def test_two_merges_of_the_same_debtors_at_once_do_not_interleave(pg_db):
    # Given two debtors with a contact each, merged into each other at the same moment
    first = await make_debtor("First", number="K-1")
    second = await make_debtor("Second", number="K-2")
    await make_contact(first, "Anna")
    await make_contact(second, "Bram")
    caller, runtime, meeting = await staff_caller(), cheap_runtime(), BothArrive()

    results = await asyncio.gather(
        merge_debtors(runtime, caller, first.id, [second.id], after_checks=meeting),
        merge_debtors(runtime, caller, second.id, [first.id], after_checks=meeting),
        return_exceptions=True,
    )

    # Then one went through and the other found its debtor gone; no contact was lost
    assert meeting.arrived == 1
    merged = [result for result in results if isinstance(result, MergeOutcome)]
    refused = [refused_with(result) for result in results if not isinstance(result, MergeOutcome)]
    assert len(merged) == 1
    assert len(refused) == 1
    assert refused[0] in ([(("targetId",), ErrorCode.NOT_FOUND)], [(("sourceIds", "0"), ErrorCode.NOT_FOUND)])
    assert await Debtor.all().values_list("number") == [(merged[0].target.number,)]
    contacts = ContactPerson.filter(debtor_id=merged[0].target.id).order_by("first_name")
    assert await contacts.values_list("first_name") == [("Anna",), ("Bram",)]


class HeldUntilAnotherWaits:
    """Holds a merge that got past its checks (its debtors locked) until another transaction
    waits for a lock, for at most five seconds: the call raced against it is then waiting for
    the merge, not running before or after it."""

    def __init__(self) -> None:
        self.locked = asyncio.Event()
        self.saw_a_wait = False

    async def __call__(self) -> None:
        self.locked.set()
        for _ in range(100):
            rows = await Debtor._meta.db.execute_query_dict(
                "SELECT count(*) AS waiting FROM pg_locks WHERE NOT granted"
            )
            if rows[0]["waiting"]:
                self.saw_a_wait = True
                return
            await asyncio.sleep(0.05)


async def during_a_merge(target: Debtor, source: Debtor, call: Any) -> Any:
    """`call()` made while `source` is being merged into `target`; its outcome or its error."""
    held = HeldUntilAnotherWaits()
    merging = asyncio.create_task(
        merge_debtors(cheap_runtime(), await staff_caller(), target.id, [source.id], after_checks=held)
    )
    await held.locked.wait()
    try:
        outcome = await call()
    except Exception as error:  # the refusal is what the test looks at
        outcome = error
    assert isinstance(await merging, MergeOutcome)
    assert held.saw_a_wait, "the call did not wait for the merge: nothing was raced"
    return outcome


@pytest.mark.postgres_only
async def test_a_debtor_updated_during_a_merge_keeps_what_the_merge_filled(pg_db):
    # Given a target without an email, and a source with one that the merge fills in
    target = await make_debtor("Target", number="K-1")
    source = await make_debtor("Source", number="K-2", email="source@x.test")
    caller = await staff_caller("editor@gatehouse.test")

    # When staff change the target's phone while the merge holds it
    updated = await during_a_merge(
        target, source, lambda: update_debtor(cheap_runtime(), caller, target.id, {"phone": "06 9"})
    )

    # Then the update waited and wrote only the phone: the email the merge filled stays
    assert isinstance(updated, Debtor)
    stored = await Debtor.get(id=target.id)
    assert (stored.phone, stored.email) == ("06 9", "source@x.test")


@pytest.mark.postgres_only
async def test_a_source_updated_during_a_merge_is_not_found(pg_db):
    target = await make_debtor("Target", number="K-1")
    source = await make_debtor("Source", number="K-2")
    caller = await staff_caller("editor@gatehouse.test")

    refused = await during_a_merge(
        target, source, lambda: update_debtor(cheap_runtime(), caller, source.id, {"phone": "06 9"})
    )

    assert refused_with(refused) == [(("id",), ErrorCode.NOT_FOUND)]
    assert await Debtor.filter(id=source.id).exists() is False


@pytest.mark.postgres_only
async def test_a_contact_person_added_to_a_source_during_a_merge_is_not_found(pg_db):
    # Given a source being merged away
    target = await make_debtor("Target", number="K-1")
    source = await make_debtor("Source", number="K-2")
    caller = await staff_caller("editor@gatehouse.test")
    before = await ContactPerson.all().count()

    # When staff add a contact person to it meanwhile
    refused = await during_a_merge(
        target, source,
        lambda: create_contact_person(caller, source.id, {"first_name": "Ann", "last_name": "Smit",
                                                          "language": "nl"}),
    )

    # Then the call waited, found the debtor gone, and said so where it was named
    assert refused_with(refused) == [(("debtorId",), ErrorCode.NOT_FOUND)]
    assert await ContactPerson.all().count() == before


# --- who may merge -------------------------------------------------------------------------------


async def test_customers_are_forbidden_and_anonymous_callers_unauthenticated(client):
    customer = await customer_token(client)
    target = await make_debtor("Target", number="K-1")
    source = await make_debtor("Source", number="K-2")
    variables = {"input": {"targetId": gid(target), "sourceIds": [gid(source)]}}
    before = await stored_state()

    assert refusal(await client.execute(MERGE, variables, token=customer)) == "FORBIDDEN"
    assert refusal(await client.execute(MERGE, variables)) == "UNAUTHENTICATED"
    assert await stored_state() == before


@pytest.mark.parametrize("role", [StaffRole.REVIEWER, StaffRole.SUPPORT, StaffRole.AUDITOR])
async def test_roles_that_do_not_manage_customers_are_forbidden(client, role):
    await make_admin("staff@example.com", role=role)
    token = (await admin_login(client))["token"]
    target = await make_debtor("Target", number="K-1")
    source = await make_debtor("Source", number="K-2")
    before = await stored_state()

    body = await client.execute(MERGE, {"input": {"targetId": gid(target), "sourceIds": [gid(source)]}},
                                token=token)

    assert refusal(body) == "FORBIDDEN"
    assert await stored_state() == before


async def test_a_manager_of_some_shops_merges_as_they_update_debtors_shared_by_every_shop(client):
    # Debtors are no one shop's (updateDebtor lets staff of some shops change any): a merge
    # moves the users of other shops along.
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")
    await make_admin("manager@example.com", role=StaffRole.MANAGER, shops=[flora])
    token = (await admin_login(client, "manager@example.com"))["token"]
    target = await make_debtor("Target", number="K-1")
    source = await make_debtor("Source", number="K-2")
    elsewhere = await make_contact(source, "Gus", email="gus@x.test")
    await make_shop_user(greenhouse, elsewhere, "gus-greenhouse")
    updated = await client.data(UPDATE_DEBTOR, {"input": {"id": gid(source), "phone": "06 1"}}, token=token)
    assert updated["updateDebtor"]["userErrors"] == []

    payload = await merge(client, token, target, source)

    assert payload["userErrors"] == []
    assert await contacts_of(target) == [("Gus", "gus@x.test", None, ["gus-greenhouse"])]
    assert payload["debtor"]["phone"] == "06 1"


# --- partners' webhooks --------------------------------------------------------------------------


async def test_a_merge_writes_one_debtors_merged_message_per_subscribed_webhook(client):
    # Given two webhooks for merges, one for debtor updates only, one for the other events
    merges = [await webhook(WebhookEvent.DEBTORS_MERGED),
              await webhook(WebhookEvent.DEBTORS_MERGED, WebhookEvent.DEBTOR_UPDATED)]
    await webhook(WebhookEvent.DEBTOR_UPDATED)
    await webhook(WebhookEvent.DEBTOR_CREATED, WebhookEvent.SHOP_USER_CREATED)
    token = await staff_token(client)
    target = await make_debtor("Target", number="K-1", price_list_tags=["a"])
    first = await make_debtor("First", number="K-2", vat_number="NL853865392B01")
    second = await make_debtor("Second", number="K-3", price_list_tags=["b"])

    payload = await merge(client, token, target, second, first)

    # Then one message of the target as the API answers it and the numbers in the order given,
    # delivered to each webhook that asked for merges; no debtor.updated
    [message] = await WebhookMessage.all()
    body = json.loads(message.body)
    assert (message.event, message.shop_id, body["type"]) == (
        WebhookEvent.DEBTORS_MERGED, None, "debtors.merged"
    )
    target_sent = {name: value for name, value in payload["debtor"].items() if name != "contacts"}
    assert body["data"] == {"target": target_sent, "mergedNumbers": ["K-3", "K-2"]}
    deliveries = await WebhookDelivery.filter(message_id=message.id).order_by("webhook_id")
    assert [delivery.webhook_id for delivery in deliveries] == [hook.id for hook in merges]


async def test_a_refused_merge_writes_no_message(client):
    await webhook(WebhookEvent.DEBTORS_MERGED)
    token = await staff_token(client)
    target = await make_debtor("Target", number="K-1")

    payload = await merge(client, token, target, target)

    assert user_errors(payload) == [(["sourceIds", "0"], "TARGET_AMONG_SOURCES")]
    assert await WebhookMessage.all().count() == 0


# --- a thousand contacts ------------------------------------------------------------------------


async def merge_counted(client, token: str, target: Debtor, source: Debtor) -> list[str]:
    variables = {"input": {"targetId": gid(target), "sourceIds": [gid(source)]}}
    with count_queries() as statements:
        answer = await client.data(MERGE_COUNTED, variables, token=token)
    assert answer["mergeDebtors"]["userErrors"] == [], answer
    return list(statements)


async def merge_world(shop: Shop, size: int, prefix: str) -> tuple[Debtor, Debtor]:
    """A target with one contact, and a source of `size` contacts with a shop user each, one
    approved request, and one userless contact of the target's contact's email (a fold)."""
    target = await make_debtor("Target", number=f"{prefix}-T", price_list_tags=["a"])
    source = await make_debtor(
        "Source", number=f"{prefix}-S", email=f"{prefix}@x.test", price_list_tags=["b"]
    )
    await make_contact(target, "Kept", email=f"{prefix}-same@x.test")
    await make_contact(source, "Folded", email=f"{prefix}-same@x.test", phone="06 1")
    await many_contacts_with_users(source, shop, size, prefix)
    await pending_request(
        shop, email=f"{prefix}-req@x.test", status=RegistrationStatus.APPROVED, debtor=source
    )
    return target, source


async def test_merging_a_debtor_of_a_thousand_contacts_and_users_takes_as_many_statements_as_of_two(client):
    # Given a webhook for merges (its statements count too), and two worlds: a source of 2
    # contacts with users, and one of 1,000
    shop = await make_shop("flora")
    await webhook(WebhookEvent.DEBTORS_MERGED)
    token = await staff_token(client)
    small = await merge_world(shop, 2, "small")
    large = await merge_world(shop, 1_000, "large")
    await merge_counted(client, token, *await merge_world(shop, 1, "warm"))  # the webhooks read once

    # When each source is merged into its target
    few = await merge_counted(client, token, *small)
    many = await merge_counted(client, token, *large)

    # Then both take the same, small number of statements, and the thousand moved
    # (15 today: the debtors locked, the emails of their contacts read and the contacts of
    # shared ones locked, the users of folded emails read, the fold deleted and its keeper
    # filled, contacts and requests moved, the sources' merged records moved and their own
    # written, the target saved, the source deleted, the audit event, the message and its
    # delivery)
    assert len(many) == len(few) <= 15, "\n".join(statement[:120] for statement in many)
    target, source = large
    assert await ContactPerson.filter(debtor_id=target.id).count() == 1_001
    assert await ShopUser.filter(contact__debtor_id=target.id).count() == 1_000
    assert await Debtor.filter(id=source.id).count() == 0
    assert await RegistrationRequest.filter(debtor_id=target.id).count() == 1
    assert (await ContactPerson.get(debtor_id=target.id, first_name="Kept")).phone == "06 1"
    [*_, event] = await merge_events()
    assert (event.details["contactsMoved"], len(event.details["contactsFolded"])) == (1_000, 1)


MERGED_TABLES = ('"debtor"', '"contact_person"', '"shop_user"', '"registration_request"', '"merged_debtor"')


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_a_merge_reads_and_writes_only_through_indexes(db):
    # Given other debtors' contacts and users around the pair, so that a scan would show
    shop = await make_shop("flora")
    for index in range(3):
        await many_contacts_with_users(await make_debtor(f"Other {index}"), shop, 200, f"other{index}-")
    target, source = await merge_world(shop, 200, "plan")

    # When the source is merged into the target
    with captured_statements() as statements:
        await merge_debtors(cheap_runtime(), Caller.system("test"), target.id, [source.id])

    # Then no statement on the merged tables scans one or sorts what it found (SQLite's plan)
    connection = Debtor._meta.db
    plans = {}
    for sql, parameters in statements:
        if sql.split(None, 1)[0] in ("SELECT", "UPDATE", "DELETE") and any(t in sql for t in MERGED_TABLES):
            rows = await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", parameters)
            plans[sql] = [row["detail"] for row in rows]
    assert len(plans) >= 8, list(plans)
    assert {
        sql: steps for sql, steps in plans.items()
        if any(step.startswith("SCAN ") or "TEMP B-TREE" in step for step in steps)
    } == {}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_matching_reads_contacts_and_merged_debtors_only_through_indexes(client, db):
    # Given merged debtors, contacts and requests enough that a scan would show
    shop = await make_shop("flora")
    token = await staff_token(client)
    for index in range(20):
        target = await make_debtor(f"Kept {index}", number=f"T-{index}")
        source = await make_debtor(f"Gone {index}", number=f"G-{index}", vat_number=f"NL{index:09d}B01",
                                   email=f"gone{index}@x.test")
        await make_contact(source, "Anna", email=f"anna{index}@x.test")
        await merge(client, token, target, source)
        await pending_request(shop, "Kim", f"kim{index}@x.test", f"Gone {index}",
                              answers={"vat_number": f"NL{index:09d}B01"})

    # When staff read a page of requests with their matches
    with captured_statements() as statements:
        await client.data(REQUESTS_PAGE, token=token)

    # Then the statements that read contacts and merged debtors search each by an index
    connection = Debtor._meta.db
    searched = set()
    for table in ("contact_person", "merged_debtor"):
        [(sql, parameters)] = [
            (sql, parameters) for sql, parameters in statements
            if sql.split(" FROM ")[1].startswith(f'"{table}"')
        ]
        rows = await connection.execute_query_dict(f"EXPLAIN QUERY PLAN {sql}", parameters)
        steps = [row["detail"] for row in rows]
        assert [step for step in steps if step.startswith("SCAN ") or "TEMP B-TREE" in step] == [], steps
        searched |= {step.split(" USING ")[0] for step in steps if step.startswith("SEARCH ")}
    assert searched == {"SEARCH contact_person", "SEARCH merged_debtor"}
