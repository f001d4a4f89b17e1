"""registrationRequests(shop, status, search, first, after) and node(id:) of a request (staff only).

Given requests of two shops in every status, when staff filter by shop,
status and search text and page through them, then they get exactly the
matching requests, newest first, each reaching its answers, shop, deciding
admin, debtor, shop user and matching debtors for a fixed number of queries.
"""

from __future__ import annotations

import base64

import pytest

from models import (
    AdminUser,
    ContactPerson,
    Debtor,
    RegistrationAnswer,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
    ShopUser,
)
from models.normalise import name_key
from schema.nodes import global_id
from tests.api.sign_in import customer_token, staff_token
from tests.case_folding import expect_failure_where_upper_folds_ascii_only
from tests.factories import make_shop, pending_request
from tests.graphql_answers import error_codes, gid, names, refusal
from tests.query_counter import count_queries

REQUESTS = """
query($shop: String, $status: RegistrationStatus, $search: String, $first: Int, $after: String) {
  registrationRequests(shop: $shop, status: $status, search: $search, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id name email company status shop { handle } } }
  }
}"""

REQUESTS_AROUND = """
query($first: Int!) {
  registrationRequests(first: $first) {
    edges { node {
      name status
      answers { key label value }
      shop { handle }
      decidedBy { email }
      debtor { number contacts { email } }
      shopUser { username contact { email } debtor { number } shop { handle } }
      matchingDebtors { number }
    } }
  }
}"""

NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on RegistrationRequest { name email status answers { key value } shop { handle } }
  }
}"""


# --- helpers ---------------------------------------------------------------------------------


async def request_of(
    shop: Shop,
    name: str,
    email: str,
    company: str | None = None,
    status: RegistrationStatus = RegistrationStatus.PENDING,
) -> RegistrationRequest:
    """A request with one answer (kvk: 1); PENDING and without a company unless given."""
    return await pending_request(
        shop, name, email, company, language="nl", status=status, answers={"kvk": "1"}
    )


async def two_shops() -> None:
    """In creation order (so oldest first): requests of flora and tulip in every status."""
    flora, tulip = await make_shop("flora"), await make_shop("tulip")
    await request_of(flora, "Eva Jansen", "eva@alpha.test", "Alpha")
    await request_of(tulip, "Bo Bakker", "bo@jansen.test", "Beta", RegistrationStatus.APPROVED)
    await request_of(flora, "Cor Smit", "cor@gamma.test", "JANSEN & Zonen", RegistrationStatus.REJECTED)
    await request_of(flora, "Dirk de Wit", "dirk@delta.test", None, RegistrationStatus.APPROVED)
    await request_of(tulip, "Els Visser", "els@epsilon.test", "Epsilon", RegistrationStatus.PENDING)


async def requests(client, token: str, **arguments) -> dict:
    return (await client.data(REQUESTS, arguments, token=token))["registrationRequests"]


# --- filters ---------------------------------------------------------------------------------


async def test_staff_see_every_request_newest_first(client):
    await two_shops()
    staff = await staff_token(client)

    everything = await requests(client, staff)

    assert names(everything) == ["Els Visser", "Dirk de Wit", "Cor Smit", "Bo Bakker", "Eva Jansen"]
    assert everything["totalCount"] == 5
    assert everything["pageInfo"]["hasNextPage"] is False
    shops = [edge["node"]["shop"]["handle"] for edge in everything["edges"]]
    assert shops == ["tulip", "flora", "flora", "tulip", "flora"]


async def test_the_shop_filter_lists_that_shops_requests_only(client):
    await two_shops()
    staff = await staff_token(client)

    flora = await requests(client, staff, shop="flora")
    tulip = await requests(client, staff, shop="tulip")

    assert (names(flora), flora["totalCount"]) == (["Dirk de Wit", "Cor Smit", "Eva Jansen"], 3)
    assert (names(tulip), tulip["totalCount"]) == (["Els Visser", "Bo Bakker"], 2)


async def test_an_unknown_shop_is_a_not_found_error(client):
    await two_shops()
    staff = await staff_token(client)

    body = await client.execute(REQUESTS, {"shop": "nowhere"}, token=staff)

    assert error_codes(body) == ["NOT_FOUND"]
    assert body["data"] is None


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("PENDING", ["Els Visser", "Eva Jansen"]),
        ("APPROVED", ["Dirk de Wit", "Bo Bakker"]),
        ("REJECTED", ["Cor Smit"]),
    ],
)
async def test_the_status_filter(client, status, expected):
    await two_shops()
    staff = await staff_token(client)

    found = await requests(client, staff, status=status)

    assert names(found) == expected
    assert {edge["node"]["status"] for edge in found["edges"]} == {status}
    assert found["totalCount"] == len(expected)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("jansen", ["Cor Smit", "Bo Bakker", "Eva Jansen"]),  # company, email, name
        ("  JaNsEn  ", ["Cor Smit", "Bo Bakker", "Eva Jansen"]),
        ("EVA@ALPHA", ["Eva Jansen"]),
        ("de wit", ["Dirk de Wit"]),
        ("epsilon.test", ["Els Visser"]),
        ("%", []),  # no wildcards: a literal percent sign
        ("_", []),
        ("nobody", []),
        ("", ["Els Visser", "Dirk de Wit", "Cor Smit", "Bo Bakker", "Eva Jansen"]),
    ],
)
async def test_search_looks_in_name_email_and_company_ignoring_case(client, search, expected):
    await two_shops()
    staff = await staff_token(client)

    found = await requests(client, staff, search=search)

    assert names(found) == expected
    assert found["totalCount"] == len(expected)


async def test_shop_status_and_search_combine(client):
    await two_shops()
    staff = await staff_token(client)

    found = await requests(client, staff, shop="flora", status="REJECTED", search="jansen")
    none = await requests(client, staff, shop="tulip", status="PENDING", search="jansen")

    assert (names(found), found["totalCount"]) == (["Cor Smit"], 1)
    assert (names(none), none["totalCount"]) == ([], 0)


async def test_an_over_long_search_is_invalid(client):
    staff = await staff_token(client)

    body = await client.execute(REQUESTS, {"search": "x" * 101}, token=staff)

    assert error_codes(body) == ["INVALID"]
    assert body["errors"][0]["extensions"]["field"] == ["search"]


async def test_search_ignores_the_case_of_accented_letters(client, db, request):
    await expect_failure_where_upper_folds_ascii_only(db, request)
    shop = await make_shop("flora")
    await request_of(shop, "Jürgen Müller", "j@mueller.test", "GÄRTNEREI MÜLLER")
    staff = await staff_token(client)

    found = {
        search: names(await requests(client, staff, search=search)) for search in ["MÜLLER", "gärtnerei"]
    }

    assert found == {"MÜLLER": ["Jürgen Müller"], "gärtnerei": ["Jürgen Müller"]}


# --- pagination ------------------------------------------------------------------------------


async def test_pages_follow_each_other_newest_first_with_total_count(client):
    shop = await make_shop("flora")
    for i in range(1, 6):
        await request_of(shop, f"r{i}", f"r{i}@x.test")
    await request_of(shop, "approved", "a@x.test", status=RegistrationStatus.APPROVED)
    staff = await staff_token(client)

    first = await requests(client, staff, status="PENDING", first=2)
    second = await requests(client, staff, status="PENDING", first=2, after=first["pageInfo"]["endCursor"])
    third = await requests(client, staff, status="PENDING", first=2, after=second["pageInfo"]["endCursor"])

    assert [names(page) for page in (first, second, third)] == [["r5", "r4"], ["r3", "r2"], ["r1"]]
    assert [page["pageInfo"]["hasNextPage"] for page in (first, second, third)] == [True, True, False]
    assert [page["totalCount"] for page in (first, second, third)] == [5, 5, 5]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    exactly_all = await requests(client, staff, status="PENDING", first=5)
    assert names(exactly_all) == ["r5", "r4", "r3", "r2", "r1"]
    assert exactly_all["pageInfo"]["hasNextPage"] is False


async def test_a_page_holds_20_by_default_and_at_most_100(client):
    shop = await make_shop("flora")
    await RegistrationRequest.bulk_create([
        RegistrationRequest(shop=shop, name=f"r{i:03d}", email=f"r{i}@x.test", language="nl")
        for i in range(101)
    ])
    staff = await staff_token(client)

    default = await requests(client, staff)
    hundred = await requests(client, staff, first=100)
    too_many = await client.execute(REQUESTS, {"first": 101}, token=staff)

    assert len(default["edges"]) == 20
    assert default["pageInfo"]["hasNextPage"] is True
    assert len(hundred["edges"]) == 100
    assert hundred["pageInfo"]["hasNextPage"] is True
    assert names(hundred)[0] == "r100"
    assert hundred["totalCount"] == 101
    assert error_codes(too_many) == ["INVALID"]
    assert too_many["errors"][0]["extensions"]["field"] == ["first"]


@pytest.mark.parametrize(
    "arguments",
    [{"first": -1}, {"after": "not-a-cursor"}, {"after": base64.urlsafe_b64encode(b"before:3").decode()}],
    ids=["negative-first", "garbage-cursor", "foreign-cursor"],
)
async def test_bad_page_arguments_are_invalid(client, arguments):
    staff = await staff_token(client)

    body = await client.execute(REQUESTS, arguments, token=staff)

    assert error_codes(body) == ["INVALID"]


# --- the cost of a page ----------------------------------------------------------------------


async def approved_requests(count: int) -> None:
    """`count` approved requests, each with two answers, its debtor (two contacts), shop user,
    deciding admin, and a second debtor that its company's name matches."""
    shops = [await make_shop("flora"), await make_shop("tulip")]
    admins = [await AdminUser.create(email=f"admin{i}@gatehouse.test", password_hash="x") for i in range(3)]
    await Debtor.bulk_create(
        [
            Debtor(
                number=f"Q{i:05d}", name=f"Debtor {i}", name_key=name_key(f"Debtor {i}"), email=f"c{i}@x.test"
            )
            for i in range(count)
        ]
        + [
            Debtor(number=f"N{i:05d}", name=f"Company {i}", name_key=name_key(f"Company {i}"))
            for i in range(count)
        ]
    )
    debtors = await Debtor.filter(number__startswith="Q").order_by("id")
    await ContactPerson.bulk_create(
        [ContactPerson(debtor=d, first_name="P", last_name="X", email=f"c{i}@x.test", language="nl")
         for i, d in enumerate(debtors)]
        + [ContactPerson(debtor=d, first_name="Q", last_name="Y", email=f"o{i}@x.test", language="nl")
           for i, d in enumerate(debtors)]
    )
    contacts = await ContactPerson.filter(first_name="P").order_by("id")
    await ShopUser.bulk_create([
        ShopUser(shop=shops[i % 2], contact=c, username=c.email, username_key=c.email, language="nl")
        for i, c in enumerate(contacts)
    ])
    users = await ShopUser.all().order_by("id")
    await RegistrationRequest.bulk_create([
        RegistrationRequest(
            shop=shops[i % 2], name=f"Person {i}", email=f"c{i}@x.test", company=f"Company {i}",
            language="nl", status=RegistrationStatus.APPROVED, decided_by=admins[i % 3],
            debtor=debtors[i], shop_user=users[i],
        )
        for i in range(count)
    ])
    stored = await RegistrationRequest.all().order_by("id")
    await RegistrationAnswer.bulk_create([
        RegistrationAnswer(request=r, key=key, label=key, value=f"{key}-{r.id}", position=p)
        for r in stored
        for p, key in enumerate(["kvk", "vat_number"], start=1)
    ])


# session, page, answers, shops, admins, debtors, shop users, contacts by debtor, the users'
# contacts, matching contacts, the merged debtors of any clue, matching debtors (the users'
# shops and debtors are the requests' own, already loaded by then)
STATEMENTS_FOR_A_PAGE = 12


@pytest.mark.parametrize("size", [10, 100])
async def test_a_page_of_requests_costs_the_same_for_10_and_100(client, size):
    await approved_requests(100)
    staff = await staff_token(client)

    with count_queries() as statements:
        data = await client.data(REQUESTS_AROUND, {"first": size}, token=staff)

    edges = data["registrationRequests"]["edges"]
    assert len(edges) == size
    newest = edges[0]["node"]
    assert newest["answers"] == [
        {"key": "kvk", "label": "kvk", "value": newest["answers"][0]["value"]},
        {"key": "vat_number", "label": "vat_number", "value": newest["answers"][1]["value"]},
    ]
    assert newest["shopUser"]["contact"]["email"] == "c99@x.test"
    assert newest["debtor"] == {
        "number": "Q00099", "contacts": [{"email": "c99@x.test"}, {"email": "o99@x.test"}],
    }
    assert newest["shopUser"]["debtor"] == {"number": "Q00099"}
    assert newest["shopUser"]["shop"] == newest["shop"] == {"handle": "tulip"}
    assert [d["number"] for d in newest["matchingDebtors"]] == ["Q00099", "N00099"]
    assert newest["decidedBy"]["email"].startswith("admin")
    assert len(statements) == STATEMENTS_FOR_A_PAGE, "\n".join(s[:90] for s in statements)


# --- node(id:) and who may list ------------------------------------------------------------


async def test_staff_read_a_request_by_its_global_id(client):
    shop = await make_shop("flora")
    request = await request_of(shop, "Eva Jansen", "eva@alpha.test", "Alpha")
    staff = await staff_token(client)

    node = (await client.data(NODE, {"id": gid(request)}, token=staff))["node"]

    assert node == {
        "__typename": "RegistrationRequest", "id": global_id("RegistrationRequest", request.id),
        "name": "Eva Jansen", "email": "eva@alpha.test", "status": "PENDING",
        "answers": [{"key": "kvk", "value": "1"}], "shop": {"handle": "flora"},
    }


async def test_a_customer_reads_a_request_of_its_own_shop_and_email_as_null(client):
    shop = await make_shop("flora")
    customer = await customer_token(client, "flora", "anna")
    user = await ShopUser.get(username="anna")
    await ContactPerson.filter(id=user.contact_id).update(email="eva@alpha.test")
    request = await request_of(shop, "Eva Jansen", "eva@alpha.test", "Alpha")

    own_email = await client.data(NODE, {"id": global_id("RegistrationRequest", request.id)}, token=customer)
    missing = await client.data(NODE, {"id": global_id("RegistrationRequest", 2**31 - 1)}, token=customer)
    anonymous = await client.data(NODE, {"id": global_id("RegistrationRequest", request.id)})

    assert own_email == missing == anonymous == {"node": None}


async def test_a_customer_is_forbidden_and_an_anonymous_caller_must_sign_in(client):
    await two_shops()
    customer = await customer_token(client, "flora", "anna")

    as_customer = await client.execute(REQUESTS, {}, token=customer)
    as_anonymous = await client.execute(REQUESTS, {})

    assert refusal(as_customer) == "FORBIDDEN"
    assert refusal(as_anonymous) == "UNAUTHENTICATED"
