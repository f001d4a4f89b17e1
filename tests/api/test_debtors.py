"""Staff keep debtors and their contact persons: createDebtor, updateDebtor,
createContactPerson, updateContactPerson, and the `debtors` query.

Every refusal names its input field and code in `userErrors` and keeps
nothing (no debtor, no contact, no audit event); every success is written to
the audit log; only staff may call any of it.

The lists of refused inputs run in one test each (a refusal writes nothing,
so each case starts from the same state): the file stays fast on both engines,
and a failure names every case that went wrong.
"""

from __future__ import annotations

import asyncio
import base64

import pytest

from models import ActorKind, AdminUser, AuditEvent, ContactPerson, Debtor
from schema.nodes import global_id, parse_global_id
from tests.api.sign_in import customer_token, staff_token
from tests.factories import make_contact, make_debtor
from tests.graphql_answers import error_codes, gid, names, payload_of, refusal, user_errors

DEBTOR_FIELDS = """
  id number name email phone vatNumber address priceListTags
  minimumOrderAmount checkoutPaymentLimit
"""

CONTACT_FIELDS = "id firstName lastName email phone language debtor { number }"

CREATE_DEBTOR = f"""
mutation($input: CreateDebtorInput!) {{
  createDebtor(input: $input) {{
    debtor {{ {DEBTOR_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}"""

UPDATE_DEBTOR = f"""
mutation($input: UpdateDebtorInput!) {{
  updateDebtor(input: $input) {{
    debtor {{ {DEBTOR_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}"""

CREATE_CONTACT = f"""
mutation($input: CreateContactPersonInput!) {{
  createContactPerson(input: $input) {{
    contactPerson {{ {CONTACT_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}"""

UPDATE_CONTACT = f"""
mutation($input: UpdateContactPersonInput!) {{
  updateContactPerson(input: $input) {{
    contactPerson {{ {CONTACT_FIELDS} }}
    userErrors {{ field message code }}
  }}
}}"""

DEBTOR_BY_ID = f"""
query($id: ID!) {{
  node(id: $id) {{
    ... on Debtor {{ {DEBTOR_FIELDS} contacts {{ firstName lastName debtor {{ number }} }} }}
  }}
}}"""

DEBTORS = """
query($search: String, $first: Int, $after: String) {
  debtors(search: $search, first: $first, after: $after) {
    totalCount
    edges { cursor node { number name } }
    pageInfo { hasNextPage endCursor }
  }
}"""

DEBTOR_AMOUNTS = "{ debtors { edges { node { minimumOrderAmount } } } }"

CLIENT_ADDRESS = "203.0.113.7"
HUGE = 10_000

PAYLOAD_OBJECT = {
    "createDebtor": "debtor",
    "updateDebtor": "debtor",
    "createContactPerson": "contactPerson",
    "updateContactPerson": "contactPerson",
}


# --- helpers --------------------------------------------------------------------------------


async def call(client, document: str, field: str, token: str, **input: object) -> dict:
    data = await client.data(document, {"input": input}, token=token)
    return data[field]


async def create_debtor(client, token: str, **input: object) -> dict:
    return await call(client, CREATE_DEBTOR, "createDebtor", token, **input)


async def update_debtor(client, token: str, **input: object) -> dict:
    return await call(client, UPDATE_DEBTOR, "updateDebtor", token, **input)


async def create_contact(client, token: str, **input: object) -> dict:
    return await call(client, CREATE_CONTACT, "createContactPerson", token, **input)


async def update_contact(client, token: str, **input: object) -> dict:
    return await call(client, UPDATE_CONTACT, "updateContactPerson", token, **input)


async def list_debtors(client, token: str, **arguments: object) -> dict:
    return (await client.data(DEBTORS, arguments, token=token))["debtors"]


def numbers(connection: dict) -> list[str]:
    return [edge["node"]["number"] for edge in connection["edges"]]


async def stored_state() -> tuple[list[dict], list[dict], int]:
    """Every debtor and contact row as stored, and how many audit events there are."""
    return (
        await Debtor.all().order_by("id").values(),
        await ContactPerson.all().order_by("id").values(),
        await AuditEvent.all().count(),
    )


def pk_from(node_id: str, type_name: str) -> int:
    parsed = parse_global_id(node_id)
    assert parsed is not None, node_id
    assert parsed[0] == type_name, node_id
    return parsed[1]


def leaks_nothing(text: str) -> bool:
    lowered = text.lower()
    return not any(
        word in lowered
        for word in (
            "traceback", "select ", "insert ", "sqlite", "asyncpg", "postgres", "tortoise", "integrity",
        )
    )


async def wrongly_refused(
    client, token: str, document: str, field: str, base: dict, cases: list[tuple]
) -> list[tuple]:
    """Each case `(name, bad input, error field, code)` sent on top of `base`.

    Returns the cases that were not refused with exactly that one error, that
    returned an object anyway, or that changed any debtor, contact or audit row.
    """
    wrong = []
    before = await stored_state()
    for name, bad, error_field, code in cases:
        payload = await call(client, document, field, token, **{**base, **bad})
        got = user_errors(payload)
        returned = payload[PAYLOAD_OBJECT[field]]
        wrote = await stored_state() != before
        if got != [(error_field, code)] or returned is not None or wrote:
            wrong.append((name, got, returned, "wrote" if wrote else "wrote nothing"))
    return wrong


async def flora_debtor(**values: object) -> Debtor:
    """A debtor with every field set: the starting point of the update tests."""
    defaults: dict[str, object] = {
        "number": "K-100",
        "email": "inkoop@bloemenhal.example",
        "phone": "+31 20 123 4567",
        "vat_number": "NL853865392B01",
        "address": "Legmeerdijk 313\n1431 GB Aalsmeer",
        "price_list_tags": ["gold", "retail"],
        "minimum_order_amount": "100.00",
        "checkout_payment_limit": "5000.00",
    }
    return await make_debtor("Bloemenhal Aalsmeer", **{**defaults, **values})


def unknown_ids(real: int) -> list[tuple[str, str]]:
    """Ids that name no debtor (or contact) next to an existing row with primary key `real`."""
    return [
        ("unknown-pk", global_id("Debtor", real + 1000)),
        ("contact-person-id", global_id("ContactPerson", real)),
        ("shop-user-id", global_id("ShopUser", real)),
        ("beyond-integer-range", global_id("Debtor", 2**31)),
        ("bare-database-id", str(real)),
        ("garbage", "not-a-global-id"),
        ("empty", ""),
        ("text-pk", base64.b64encode(b"Debtor:abc").decode()),
        ("ten-thousand-characters", "x" * HUGE),
    ]


only_on_postgres = pytest.mark.parametrize("database_url", ["postgres"], indirect=True)


# --- createDebtor: happy paths --------------------------------------------------------------


async def test_create_debtor_with_only_a_name_gets_a_generated_number_and_empty_fields(client):
    token = await staff_token(client)

    first = await create_debtor(client, token, name="Bloemenhal Aalsmeer")
    second = await create_debtor(client, token, name="Tulip Trade")
    with_null, with_empty, with_blank = [
        await create_debtor(client, token, name="Zinnia", number=number) for number in (None, "", "   ")
    ]

    assert first["userErrors"] == []
    assert second["userErrors"] == []
    debtor = first["debtor"]
    pk = pk_from(debtor.pop("id"), "Debtor")
    assert debtor == {
        "number": f"D{pk:06d}",
        "name": "Bloemenhal Aalsmeer",
        "email": None,
        "phone": None,
        "vatNumber": None,
        "address": None,
        "priceListTags": [],
        "minimumOrderAmount": None,
        "checkoutPaymentLimit": None,
    }
    second_pk = pk_from(second["debtor"]["id"], "Debtor")
    assert second_pk > pk
    assert second["debtor"]["number"] == f"D{second_pk:06d}"
    for payload in (with_null, with_empty, with_blank):  # a null or blank number is generated too
        assert payload["userErrors"] == []
        assert payload["debtor"]["number"] == f"D{pk_from(payload['debtor']['id'], 'Debtor'):06d}"
    stored = await Debtor.all().order_by("id").values_list("id", "number")
    assert len(stored) == 5
    assert all(number == f"D{row_id:06d}" for row_id, number in stored)


async def test_a_generated_number_taken_once_gets_suffix_two(client):
    # given an imported debtor that holds the number the next debtor would get
    blocker = await make_debtor("Imported", number="IMP-1")
    next_pk = blocker.id + 1
    blocker.number = f"D{next_pk:06d}"
    await blocker.save()
    token = await staff_token(client)

    payload = await create_debtor(client, token, name="Newcomer")

    assert payload["userErrors"] == []
    assert pk_from(payload["debtor"]["id"], "Debtor") == next_pk
    assert payload["debtor"]["number"] == f"D{next_pk:06d}-2"
    assert (await Debtor.get(id=blocker.id)).number == f"D{next_pk:06d}"


async def test_a_generated_number_and_its_first_variant_taken_get_suffix_three(client):
    imported = await make_debtor("Imported One", number="IMP-1")
    other = await make_debtor("Imported Two", number="IMP-2")
    next_pk = other.id + 1
    imported.number = f"D{next_pk:06d}"
    await imported.save()
    other.number = f"D{next_pk:06d}-2"
    await other.save()
    token = await staff_token(client)

    payload = await create_debtor(client, token, name="Newcomer")

    assert pk_from(payload["debtor"]["id"], "Debtor") == next_pk
    assert payload["debtor"]["number"] == f"D{next_pk:06d}-3"
    assert await Debtor.filter(number__startswith=f"D{next_pk:06d}").count() == 3


async def test_create_debtor_with_every_field_stores_them_normalised(client):
    token = await staff_token(client)

    payload = await create_debtor(
        client,
        token,
        number="  K-100/2  ",
        name="  Bloemenhal Aalsmeer BV  ",
        email="  Inkoop@Bloemenhal.Example ",
        phone=" +31 20 123 4567 ",
        vatNumber="nl 8538.65.392-b01",
        address="Legmeerdijk 313\n1431 GB Aalsmeer",
        priceListTags=["gold", " gold ", "retail", "gold"],
        minimumOrderAmount="100.5",
        checkoutPaymentLimit="999999999999.99",
    )

    assert payload["userErrors"] == []
    debtor = payload["debtor"]
    pk = pk_from(debtor.pop("id"), "Debtor")
    assert debtor == {
        "number": "K-100/2",
        "name": "Bloemenhal Aalsmeer BV",
        "email": "inkoop@bloemenhal.example",
        "phone": "+31 20 123 4567",
        "vatNumber": "NL853865392B01",
        "address": "Legmeerdijk 313\n1431 GB Aalsmeer",
        "priceListTags": ["gold", "retail"],
        "minimumOrderAmount": "100.50",
        "checkoutPaymentLimit": "999999999999.99",
    }
    stored = await Debtor.get(id=pk)
    assert stored.number == "K-100/2"
    assert stored.vat_number == "NL853865392B01"
    assert stored.email == "inkoop@bloemenhal.example"
    assert stored.price_list_tags == ["gold", "retail"]
    assert str(stored.minimum_order_amount) == "100.50"
    assert str(stored.checkout_payment_limit) == "999999999999.99"


async def test_a_created_debtor_reads_back_the_same_by_node(client):
    token = await staff_token(client)
    created = (await create_debtor(
        client, token, name="Tulip Trade", email="Sales@Tulip.Example", vatNumber="de.123.456.789",
        priceListTags=["b", "a", "b"], minimumOrderAmount="0", checkoutPaymentLimit="0.00",
    ))["debtor"]

    read = (await client.data(DEBTOR_BY_ID, {"id": created["id"]}, token=token))["node"]

    assert read.pop("contacts") == []
    assert read == created
    assert read["vatNumber"] == "DE123456789"
    assert read["priceListTags"] == ["b", "a"]
    # a limit equal to the minimum is allowed, and zero is an amount, not "none"
    assert (read["minimumOrderAmount"], read["checkoutPaymentLimit"]) == ("0.00", "0.00")


async def test_the_same_number_created_twice_at_once_makes_one_debtor(client):
    token = await staff_token(client)

    first, second = await asyncio.gather(
        create_debtor(client, token, name="One", number="K-7"),
        create_debtor(client, token, name="Two", number="K-7"),
    )

    outcomes = sorted([first, second], key=lambda payload: payload["debtor"] is None)
    assert outcomes[0]["userErrors"] == []
    assert outcomes[0]["debtor"]["number"] == "K-7"
    assert user_errors(outcomes[1]) == [(["number"], "INVALID")]
    assert await Debtor.filter(number="K-7").count() == 1
    assert await AuditEvent.filter(action="debtor.created").count() == 1


async def test_debtors_created_at_once_without_numbers_get_distinct_numbers(client):
    token = await staff_token(client)

    payloads = await asyncio.gather(*(create_debtor(client, token, name=f"Debtor {i}") for i in range(4)))

    assert all(payload["userErrors"] == [] for payload in payloads)
    made = {payload["debtor"]["number"] for payload in payloads}
    assert len(made) == 4
    assert made == set(await Debtor.all().values_list("number", flat=True))
    assert not any(number.startswith("~") for number in made)


# --- createDebtor: refusals -----------------------------------------------------------------


BAD_CREATE_INPUTS = [
    ("empty-name", {"name": ""}, ["name"], "FIELD_REQUIRED"),
    ("blank-name", {"name": "   "}, ["name"], "FIELD_REQUIRED"),
    ("name-too-long", {"name": "n" * 201}, ["name"], "INVALID"),
    ("email-without-at", {"email": "inkoop-at-bloemenhal"}, ["email"], "INVALID"),
    ("email-two-ats", {"email": "a@b@c.example"}, ["email"], "INVALID"),
    ("vat-with-hash", {"vatNumber": "NL#853865392"}, ["vatNumber"], "INVALID"),
    ("vat-too-short", {"vatNumber": "NL"}, ["vatNumber"], "INVALID"),
    ("vat-too-long", {"vatNumber": "NL" + "1" * 19}, ["vatNumber"], "INVALID"),
    ("vat-with-euro-sign", {"vatNumber": "NL-853€"}, ["vatNumber"], "INVALID"),
    ("number-with-space", {"number": "K 100"}, ["number"], "INVALID"),
    ("number-starting-with-hyphen", {"number": "-K100"}, ["number"], "INVALID"),
    ("number-like-a-placeholder", {"number": "~abc"}, ["number"], "INVALID"),
    ("number-too-long", {"number": "K" * 33}, ["number"], "INVALID"),
    ("number-taken", {"number": "K-1"}, ["number"], "INVALID"),
    ("number-taken-with-spaces", {"number": "  K-1 "}, ["number"], "INVALID"),
    ("phone-too-long", {"phone": "1" * 65}, ["phone"], "INVALID"),
    ("address-too-long", {"address": "a" * 1001}, ["address"], "INVALID"),
    ("blank-tag", {"priceListTags": ["gold", "  "]}, ["priceListTags"], "INVALID"),
    ("tag-too-long", {"priceListTags": ["t" * 65]}, ["priceListTags"], "INVALID"),
    ("101-tags", {"priceListTags": [f"t{i}" for i in range(101)]}, ["priceListTags"], "INVALID"),
    ("negative-minimum", {"minimumOrderAmount": "-1"}, ["minimumOrderAmount"], "INVALID"),
    ("negative-limit", {"checkoutPaymentLimit": "-0.01"}, ["checkoutPaymentLimit"], "INVALID"),
    ("nan-limit", {"checkoutPaymentLimit": "NaN"}, ["checkoutPaymentLimit"], "INVALID"),
    ("infinite-minimum", {"minimumOrderAmount": "Infinity"}, ["minimumOrderAmount"], "INVALID"),
    ("amount-too-large", {"minimumOrderAmount": "1e15"}, ["minimumOrderAmount"], "INVALID"),
    (
        "limit-below-minimum",
        {"minimumOrderAmount": "100", "checkoutPaymentLimit": "99.99"},
        ["checkoutPaymentLimit"],
        "INVALID",
    ),
    # one bad value spoils the whole call, even with a fine number given
    ("good-number-bad-email", {"number": "K-2", "email": "nope"}, ["email"], "INVALID"),
]


async def test_create_debtor_refuses_bad_input_and_writes_nothing(client):
    await make_debtor("Existing", number="K-1")
    token = await staff_token(client)

    wrong = await wrongly_refused(
        client, token, CREATE_DEBTOR, "createDebtor", {"name": "Bloemenhal"}, BAD_CREATE_INPUTS
    )

    assert wrong == []
    assert (await Debtor.get(number="K-1")).name == "Existing"
    taken = await create_debtor(client, token, name="Intruder", number="K-1")
    assert "'K-1' is taken" in taken["userErrors"][0]["message"]
    assert leaks_nothing(taken["userErrors"][0]["message"])


async def test_a_refused_create_leaves_the_number_free_for_a_good_one(client):
    token = await staff_token(client)
    refused = await create_debtor(client, token, name="Tulip", number="K-9", email="nope")

    accepted = await create_debtor(client, token, name="Tulip", number="K-9")

    assert user_errors(refused) == [(["email"], "INVALID")]
    assert accepted["userErrors"] == []
    assert accepted["debtor"]["number"] == "K-9"
    assert await AuditEvent.filter(action="debtor.created").count() == 1


async def test_create_debtor_reports_every_problem_at_once_each_at_its_field(client):
    token = await staff_token(client)
    before = await stored_state()

    payload = await create_debtor(
        client, token, name=" ", number="K 1", email="nope", vatNumber="NL#1",
        priceListTags=["  "], minimumOrderAmount="100", checkoutPaymentLimit="99",
    )

    assert sorted(user_errors(payload)) == [
        (["checkoutPaymentLimit"], "INVALID"),
        (["email"], "INVALID"),
        (["name"], "FIELD_REQUIRED"),
        (["number"], "INVALID"),
        (["priceListTags"], "INVALID"),
        (["vatNumber"], "INVALID"),
    ]
    assert payload["debtor"] is None
    assert await stored_state() == before


# --- updateDebtor ---------------------------------------------------------------------------


async def test_update_debtor_changes_what_is_given_and_keeps_what_is_left_out(client):
    debtor = await flora_debtor()
    token = await staff_token(client)

    payload = await update_debtor(
        client, token, id=global_id("Debtor", debtor.id),
        name=" Bloemenhal Aalsmeer & Co ", priceListTags=["platinum", "platinum"],
        checkoutPaymentLimit="7500",
        number="K-100",  # its own number is not "taken"
    )

    assert payload["userErrors"] == []
    assert payload["debtor"] == {
        "id": global_id("Debtor", debtor.id),
        "number": "K-100",
        "name": "Bloemenhal Aalsmeer & Co",
        "email": "inkoop@bloemenhal.example",
        "phone": "+31 20 123 4567",
        "vatNumber": "NL853865392B01",
        "address": "Legmeerdijk 313\n1431 GB Aalsmeer",
        "priceListTags": ["platinum"],
        "minimumOrderAmount": "100.00",
        "checkoutPaymentLimit": "7500.00",
    }
    stored = await Debtor.get(id=debtor.id)
    assert stored.name == "Bloemenhal Aalsmeer & Co"
    assert stored.price_list_tags == ["platinum"]
    assert str(stored.checkout_payment_limit) == "7500.00"
    assert stored.email == "inkoop@bloemenhal.example"
    assert stored.vat_number == "NL853865392B01"
    assert str(stored.minimum_order_amount) == "100.00"


async def test_update_debtor_normalises_what_it_changes(client):
    debtor = await flora_debtor()
    token = await staff_token(client)

    payload = await update_debtor(
        client, token, id=global_id("Debtor", debtor.id),
        email=" Finance@Bloemenhal.EXAMPLE", vatNumber="be 0123.456.789", number=" K-200 ",
        minimumOrderAmount="12.5",
    )

    assert payload["userErrors"] == []
    assert payload["debtor"]["email"] == "finance@bloemenhal.example"
    assert payload["debtor"]["vatNumber"] == "BE0123456789"
    assert payload["debtor"]["number"] == "K-200"
    assert payload["debtor"]["minimumOrderAmount"] == "12.50"
    stored = await Debtor.get(id=debtor.id)
    assert (stored.email, stored.vat_number, stored.number) == (
        "finance@bloemenhal.example", "BE0123456789", "K-200",
    )


async def test_update_debtor_with_explicit_null_clears_the_optional_fields(client):
    debtor = await flora_debtor()
    token = await staff_token(client)

    payload = await update_debtor(
        client, token, id=global_id("Debtor", debtor.id),
        email=None, phone=None, vatNumber=None, address=None, priceListTags=None,
        minimumOrderAmount=None, checkoutPaymentLimit=None,
    )

    assert payload["userErrors"] == []
    assert payload["debtor"] == {
        "id": global_id("Debtor", debtor.id),
        "number": "K-100",
        "name": "Bloemenhal Aalsmeer",
        "email": None,
        "phone": None,
        "vatNumber": None,
        "address": None,
        "priceListTags": [],
        "minimumOrderAmount": None,
        "checkoutPaymentLimit": None,
    }
    stored = await Debtor.get(id=debtor.id)
    assert (stored.email, stored.phone, stored.vat_number, stored.address) == (None, None, None, None)
    assert stored.price_list_tags == []
    assert stored.minimum_order_amount is None
    assert stored.checkout_payment_limit is None
    assert (stored.number, stored.name) == ("K-100", "Bloemenhal Aalsmeer")


async def test_update_debtor_with_only_the_id_changes_nothing(client):
    debtor = await flora_debtor()
    token = await staff_token(client)
    columns = sorted(Debtor._meta.db_fields - {"updated_at"})
    before = await Debtor.filter(id=debtor.id).values(*columns)

    payload = await update_debtor(client, token, id=global_id("Debtor", debtor.id))

    assert payload["userErrors"] == []
    assert payload["debtor"]["name"] == "Bloemenhal Aalsmeer"
    assert await Debtor.filter(id=debtor.id).values(*columns) == before


async def test_update_debtor_clearing_the_minimum_frees_the_limit(client):
    debtor = await flora_debtor()
    token = await staff_token(client)

    payload = await update_debtor(
        client, token, id=global_id("Debtor", debtor.id), minimumOrderAmount=None, checkoutPaymentLimit="1"
    )

    # the minimum cleared in the same call no longer bounds the limit
    assert payload["userErrors"] == []
    assert payload["debtor"]["minimumOrderAmount"] is None
    assert payload["debtor"]["checkoutPaymentLimit"] == "1.00"


BAD_UPDATE_INPUTS = [
    ("null-name", {"name": None}, ["name"], "FIELD_REQUIRED"),
    ("blank-name", {"name": "  "}, ["name"], "FIELD_REQUIRED"),
    ("name-too-long", {"name": "n" * 201}, ["name"], "INVALID"),
    ("null-number", {"number": None}, ["number"], "INVALID"),
    ("blank-number", {"number": " "}, ["number"], "INVALID"),
    ("bad-number", {"number": "K 1"}, ["number"], "INVALID"),
    ("taken-number", {"number": "K-1"}, ["number"], "INVALID"),
    ("taken-number-with-spaces", {"number": " K-1 ", "name": "Renamed"}, ["number"], "INVALID"),
    ("bad-email", {"email": "not-an-email"}, ["email"], "INVALID"),
    ("bad-vat", {"vatNumber": "NL_853865392"}, ["vatNumber"], "INVALID"),
    ("empty-tag", {"priceListTags": [""]}, ["priceListTags"], "INVALID"),
    ("negative-minimum", {"minimumOrderAmount": "-5"}, ["minimumOrderAmount"], "INVALID"),
    ("negative-limit", {"checkoutPaymentLimit": "-5"}, ["checkoutPaymentLimit"], "INVALID"),
    # the debtor's minimum is 100.00 and its limit 5000.00; each side is checked against the other
    ("limit-below-kept-minimum", {"checkoutPaymentLimit": "99.99"}, ["checkoutPaymentLimit"], "INVALID"),
    ("minimum-above-kept-limit", {"minimumOrderAmount": "5000.01"}, ["checkoutPaymentLimit"], "INVALID"),
    # one bad value spoils the whole call: the good change beside it is not kept either
    ("good-and-bad", {"name": "Renamed", "email": "nope"}, ["email"], "INVALID"),
]


async def test_update_debtor_refuses_bad_input_and_writes_nothing(client):
    await make_debtor("Owner", number="K-1")
    debtor = await flora_debtor()
    token = await staff_token(client)

    wrong = await wrongly_refused(
        client, token, UPDATE_DEBTOR, "updateDebtor", {"id": gid(debtor)}, BAD_UPDATE_INPUTS
    )

    assert wrong == []


async def test_update_debtor_of_an_unknown_id_is_not_found_and_writes_nothing(client):
    debtor = await flora_debtor()
    await make_contact(debtor)
    token = await staff_token(client)
    cases = [(name, {"id": node_id}, ["id"], "NOT_FOUND") for name, node_id in unknown_ids(debtor.id)]

    wrong = await wrongly_refused(client, token, UPDATE_DEBTOR, "updateDebtor", {"name": "Renamed"}, cases)

    assert wrong == []


async def test_update_debtor_reports_bad_values_and_an_unknown_id_at_once(client):
    debtor = await flora_debtor()
    token = await staff_token(client)
    before = await stored_state()

    unknown = await update_debtor(
        client, token, id=global_id("Debtor", debtor.id + 1000), name="", email="nope"
    )
    known = await update_debtor(
        client, token, id=global_id("Debtor", debtor.id), number=None, minimumOrderAmount="5000.01",
        phone="1" * 65,
    )

    assert sorted(user_errors(unknown)) == [
        (["email"], "INVALID"), (["id"], "NOT_FOUND"), (["name"], "FIELD_REQUIRED"),
    ]
    assert sorted(user_errors(known)) == [
        (["checkoutPaymentLimit"], "INVALID"), (["number"], "INVALID"), (["phone"], "INVALID"),
    ]
    assert await stored_state() == before


# --- createContactPerson --------------------------------------------------------------------


async def test_create_contact_person_links_it_to_its_debtor(client):
    debtor = await flora_debtor()
    token = await staff_token(client)

    payload = await create_contact(
        client, token, debtorId=global_id("Debtor", debtor.id),
        firstName=" Joost ", lastName=" Bakker ", email=" Joost@Bloemenhal.Example ",
        phone=" 06 1234 5678 ", language=" de-AT ",
    )

    assert payload["userErrors"] == []
    contact = payload["contactPerson"]
    pk = pk_from(contact.pop("id"), "ContactPerson")
    assert contact == {
        "firstName": "Joost",
        "lastName": "Bakker",
        "email": "joost@bloemenhal.example",
        "phone": "06 1234 5678",
        "language": "de-AT",
        "debtor": {"number": "K-100"},
    }
    stored = await ContactPerson.get(id=pk)
    assert stored.debtor_id == debtor.id
    assert (stored.first_name, stored.email, stored.language) == (
        "Joost", "joost@bloemenhal.example", "de-AT"
    )


async def test_a_debtors_contacts_are_the_persons_created_for_it(client):
    token = await staff_token(client)
    debtor = (await create_debtor(client, token, name="Bloemenhal", number="K-5"))["debtor"]
    other = (await create_debtor(client, token, name="Tulip", number="K-6"))["debtor"]
    for first, debtor_id in (("Joost", debtor["id"]), ("Marit", debtor["id"]), ("Pieter", other["id"])):
        made = await create_contact(
            client, token, debtorId=debtor_id, firstName=first, lastName="Bakker", language="nl"
        )
        assert made["userErrors"] == []
        assert (made["contactPerson"]["email"], made["contactPerson"]["phone"]) == (None, None)

    read = (await client.data(DEBTOR_BY_ID, {"id": debtor["id"]}, token=token))["node"]

    assert sorted(contact["firstName"] for contact in read["contacts"]) == ["Joost", "Marit"]
    assert {contact["debtor"]["number"] for contact in read["contacts"]} == {"K-5"}


BAD_CONTACT_INPUTS = [
    ("empty-first-name", {"firstName": ""}, ["firstName"], "FIELD_REQUIRED"),
    ("blank-last-name", {"lastName": "   "}, ["lastName"], "FIELD_REQUIRED"),
    ("first-name-too-long", {"firstName": "f" * 101}, ["firstName"], "INVALID"),
    ("bad-email", {"email": "joost-at-bloemenhal"}, ["email"], "INVALID"),
    ("phone-too-long", {"phone": "1" * 65}, ["phone"], "INVALID"),
    ("language-word", {"language": "dutch"}, ["language"], "INVALID"),
    ("language-upper-case", {"language": "NL"}, ["language"], "INVALID"),
    ("language-with-underscore", {"language": "nl_NL"}, ["language"], "INVALID"),
    ("region-lower-case", {"language": "de-at"}, ["language"], "INVALID"),
    ("empty-language", {"language": ""}, ["language"], "INVALID"),
]


async def test_create_contact_person_refuses_bad_input_and_writes_nothing(client):
    debtor = await flora_debtor()
    token = await staff_token(client)
    base = {"debtorId": gid(debtor), "firstName": "Joost", "lastName": "Bakker", "language": "nl"}

    wrong = await wrongly_refused(
        client, token, CREATE_CONTACT, "createContactPerson", base, BAD_CONTACT_INPUTS
    )

    assert wrong == []


async def test_create_contact_person_for_an_unknown_debtor_is_not_found_and_writes_nothing(client):
    debtor = await flora_debtor()
    await make_contact(debtor)
    token = await staff_token(client)
    base = {"firstName": "Joost", "lastName": "Bakker", "language": "nl"}
    cases = [
        (name, {"debtorId": node_id}, ["debtorId"], "NOT_FOUND") for name, node_id in unknown_ids(debtor.id)
    ]

    wrong = await wrongly_refused(client, token, CREATE_CONTACT, "createContactPerson", base, cases)

    assert wrong == []


async def test_create_contact_person_reports_every_problem_at_once_each_at_its_field(client):
    debtor = await flora_debtor()
    token = await staff_token(client)
    before = await stored_state()

    bad_values = {"firstName": "", "lastName": "l" * 101, "email": "joost-at", "language": "dutch"}
    known = await create_contact(client, token, debtorId=global_id("Debtor", debtor.id), **bad_values)
    unknown = await create_contact(
        client, token, debtorId=global_id("Debtor", debtor.id + 1000),
        firstName="Joost", lastName="Bakker", phone="1" * 65, language="nl",
    )

    assert sorted(user_errors(known)) == [
        (["email"], "INVALID"),
        (["firstName"], "FIELD_REQUIRED"),
        (["language"], "INVALID"),
        (["lastName"], "INVALID"),
    ]
    assert sorted(user_errors(unknown)) == [(["debtorId"], "NOT_FOUND"), (["phone"], "INVALID")]
    assert known["contactPerson"] is None
    assert unknown["contactPerson"] is None
    assert await stored_state() == before


# --- updateContactPerson --------------------------------------------------------------------


async def test_update_contact_person_changes_what_is_given_and_keeps_what_is_left_out(client):
    debtor = await flora_debtor()
    contact = await make_contact(
        debtor, "Joost", last_name="Bakker", email="old@bloemenhal.example", phone="06 1"
    )
    token = await staff_token(client)

    payload = await update_contact(
        client, token, id=global_id("ContactPerson", contact.id), lastName=" de Boer ", language="en",
        email="JOOST@Bloemenhal.Example",
    )

    assert payload["userErrors"] == []
    assert payload["contactPerson"] == {
        "id": global_id("ContactPerson", contact.id),
        "firstName": "Joost",
        "lastName": "de Boer",
        "email": "joost@bloemenhal.example",
        "phone": "06 1",
        "language": "en",
        "debtor": {"number": "K-100"},
    }
    stored = await ContactPerson.get(id=contact.id)
    assert (stored.first_name, stored.last_name, stored.language, stored.email, stored.debtor_id) == (
        "Joost", "de Boer", "en", "joost@bloemenhal.example", debtor.id,
    )


async def test_update_contact_person_with_explicit_null_clears_email_and_phone(client):
    debtor = await flora_debtor()
    contact = await make_contact(debtor, "Joost", email="joost@bloemenhal.example", phone="06 1")
    token = await staff_token(client)

    payload = await update_contact(
        client, token, id=global_id("ContactPerson", contact.id), email=None, phone=None
    )

    assert payload["userErrors"] == []
    assert (payload["contactPerson"]["email"], payload["contactPerson"]["phone"]) == (None, None)
    assert payload["contactPerson"]["firstName"] == "Joost"
    stored = await ContactPerson.get(id=contact.id)
    assert (stored.email, stored.phone, stored.first_name) == (None, None, "Joost")


BAD_CONTACT_UPDATES = [
    ("null-first-name", {"firstName": None}, ["firstName"], "FIELD_REQUIRED"),
    ("null-last-name", {"lastName": None}, ["lastName"], "FIELD_REQUIRED"),
    ("blank-last-name", {"lastName": " "}, ["lastName"], "FIELD_REQUIRED"),
    ("null-language", {"language": None}, ["language"], "INVALID"),
    ("bad-language", {"language": "xx-yy"}, ["language"], "INVALID"),
    ("bad-email", {"email": "nope"}, ["email"], "INVALID"),
    ("good-and-bad", {"firstName": "Renamed", "language": "english"}, ["language"], "INVALID"),
]


async def test_update_contact_person_refuses_bad_input_and_writes_nothing(client):
    debtor = await flora_debtor()
    contact = await make_contact(debtor, "Joost", email="joost@bloemenhal.example")
    token = await staff_token(client)

    wrong = await wrongly_refused(
        client, token, UPDATE_CONTACT, "updateContactPerson",
        {"id": global_id("ContactPerson", contact.id)}, BAD_CONTACT_UPDATES,
    )

    assert wrong == []


async def test_update_contact_person_of_an_unknown_id_is_not_found_and_writes_nothing(client):
    debtor = await flora_debtor()
    contact = await make_contact(debtor, "Joost")
    token = await staff_token(client)
    ids = [
        ("unknown-pk", global_id("ContactPerson", contact.id + 1000)),
        ("debtor-id", global_id("Debtor", debtor.id)),
        ("shop-user-id", global_id("ShopUser", contact.id)),
        ("garbage", "garbage"),
        ("ten-thousand-characters", "x" * HUGE),
    ]
    cases = [(name, {"id": node_id}, ["id"], "NOT_FOUND") for name, node_id in ids]

    wrong = await wrongly_refused(
        client, token, UPDATE_CONTACT, "updateContactPerson", {"firstName": "Renamed"}, cases
    )

    assert wrong == []


# --- audit ----------------------------------------------------------------------------------


async def only_new_event(before: int) -> AuditEvent:
    events = await AuditEvent.all().order_by("id").offset(before)
    assert len(events) == 1, [event.action for event in events]
    return events[0]


async def test_each_staff_mutation_writes_one_audit_event_by_the_admin(client):
    token = await staff_token(client)
    admin = await AdminUser.get(email="staff@example.com")
    events = []

    before = await AuditEvent.all().count()
    created = (await create_debtor(client, token, name="Bloemenhal", number="K-5"))["debtor"]
    events.append(await only_new_event(before))

    before = await AuditEvent.all().count()
    generated = (await create_debtor(client, token, name="Tulip"))["debtor"]
    events.append(await only_new_event(before))

    before = await AuditEvent.all().count()
    await update_debtor(client, token, id=created["id"], vatNumber=None, name="Renamed")
    events.append(await only_new_event(before))

    before = await AuditEvent.all().count()
    contact = (await create_contact(
        client, token, debtorId=created["id"], firstName="Joost", lastName="Bakker", language="nl"
    ))["contactPerson"]
    events.append(await only_new_event(before))

    before = await AuditEvent.all().count()
    await update_contact(client, token, id=contact["id"], phone="06 1", language="fr")
    events.append(await only_new_event(before))

    debtor_pk = pk_from(created["id"], "Debtor")
    contact_pk = pk_from(contact["id"], "ContactPerson")
    assert [(e.action, e.object_type, e.object_id, e.details) for e in events] == [
        ("debtor.created", "Debtor", debtor_pk, {"number": "K-5"}),
        ("debtor.created", "Debtor", pk_from(generated["id"], "Debtor"), {"number": generated["number"]}),
        ("debtor.updated", "Debtor", debtor_pk, {"changed": ["name", "vatNumber"]}),
        ("contact_person.created", "ContactPerson", contact_pk, {"debtor": "K-5"}),
        ("contact_person.updated", "ContactPerson", contact_pk, {"changed": ["language", "phone"]}),
    ]
    assert {(e.actor_kind, e.actor_id, e.actor_label, e.client_address) for e in events} == {
        (ActorKind.ADMIN, admin.id, "staff@example.com", CLIENT_ADDRESS)
    }


# --- debtors query --------------------------------------------------------------------------


async def search_fixture() -> None:
    """Four debtors, made oldest first."""
    await make_debtor(
        "Bloemenhal Aalsmeer", number="K-100", email="inkoop@bloemenhal.example", vat_number="NL853865392B01"
    )
    await make_debtor("Tulip Trade", number="T-2000", email="sales@tulip.example", vat_number="DE123456789")
    await make_debtor("Zinnia Groothandel", number="Z-3", email=None, vat_number=None)
    await make_debtor("50% Korting_Zaak", number="W-4")


SEARCHES = [
    ("100", ["Bloemenhal Aalsmeer"]),  # part of a number
    ("k-1", ["Bloemenhal Aalsmeer"]),  # number in lower case
    ("bloemenHAL", ["Bloemenhal Aalsmeer"]),  # name in any case
    ("groot", ["Zinnia Groothandel"]),  # middle of a name
    ("  tulip  ", ["Tulip Trade"]),  # trimmed
    ("sales@tulip", ["Tulip Trade"]),  # part of an email
    ("INKOOP@BLOEMENHAL.EXAMPLE", ["Bloemenhal Aalsmeer"]),  # email in upper case
    ("nl 8538.65.392-b01", ["Bloemenhal Aalsmeer"]),  # VAT with spaces, dots, hyphen, lower case
    ("8538 65", ["Bloemenhal Aalsmeer"]),  # part of a VAT number with a space
    ("de.123", ["Tulip Trade"]),  # VAT prefix with a dot
    ("example", ["Tulip Trade", "Bloemenhal Aalsmeer"]),  # several, newest first
    ("nothing-like-this", []),
    ("%", ["50% Korting_Zaak"]),  # LIKE wildcards are taken literally
    ("_", ["50% Korting_Zaak"]),
    ("x" * 100, []),  # the longest search allowed
]


async def test_debtors_search_finds_by_number_name_email_and_vat(client):
    await search_fixture()
    token = await staff_token(client)

    found = {search: await list_debtors(client, token, search=search) for search, _ in SEARCHES}

    assert {search: names(connection) for search, connection in found.items()} == dict(SEARCHES)
    assert {search: connection["totalCount"] for search, connection in found.items()} == {
        search: len(expected) for search, expected in SEARCHES
    }


async def test_debtors_without_a_search_lists_all_newest_first(client):
    await search_fixture()
    token = await staff_token(client)

    for search in (None, "", "   "):
        connection = await list_debtors(client, token, search=search)

        assert numbers(connection) == ["W-4", "Z-3", "T-2000", "K-100"], search
        assert connection["totalCount"] == 4
        assert connection["pageInfo"]["hasNextPage"] is False


async def test_debtors_pages_through_all_newest_first(client):
    for i in range(1, 6):
        await make_debtor(f"Debtor {i}", number=f"P-{i}")
    token = await staff_token(client)

    first = await list_debtors(client, token, first=2)
    second = await list_debtors(client, token, first=2, after=first["pageInfo"]["endCursor"])
    third = await list_debtors(client, token, first=2, after=second["pageInfo"]["endCursor"])
    behind_an_edge = await list_debtors(client, token, after=first["edges"][0]["cursor"])

    assert [numbers(page) for page in (first, second, third)] == [["P-5", "P-4"], ["P-3", "P-2"], ["P-1"]]
    assert [page["pageInfo"]["hasNextPage"] for page in (first, second, third)] == [True, True, False]
    assert [page["totalCount"] for page in (first, second, third)] == [5, 5, 5]
    assert first["pageInfo"]["endCursor"] == first["edges"][-1]["cursor"]
    assert third["pageInfo"]["endCursor"] == third["edges"][-1]["cursor"]
    assert numbers(behind_an_edge) == ["P-4", "P-3", "P-2", "P-1"]


async def test_debtors_pages_through_search_results_only(client):
    for i in range(1, 6):
        await make_debtor(f"Tulip {i}" if i % 2 else f"Rose {i}", number=f"P-{i}")
    token = await staff_token(client)

    first = await list_debtors(client, token, search="tulip", first=2)
    second = await list_debtors(client, token, search="tulip", first=2, after=first["pageInfo"]["endCursor"])

    assert numbers(first) == ["P-5", "P-3"]
    assert numbers(second) == ["P-1"]
    assert (first["totalCount"], second["totalCount"]) == (3, 3)
    assert (first["pageInfo"]["hasNextPage"], second["pageInfo"]["hasNextPage"]) == (True, False)


async def test_debtors_page_holds_twenty_by_default_and_up_to_100(client):
    for i in range(21):
        await make_debtor(f"Debtor {i}", number=f"P-{i}")
    token = await staff_token(client)

    default = await list_debtors(client, token)
    largest = await list_debtors(client, token, first=100)

    assert len(default["edges"]) == 20
    assert default["pageInfo"]["hasNextPage"] is True
    assert default["totalCount"] == 21
    assert len(largest["edges"]) == 21
    assert largest["pageInfo"]["hasNextPage"] is False


BAD_ARGUMENTS = [
    ({"first": 101}, ["first"]),
    ({"first": -1}, ["first"]),
    ({"after": "garbage!"}, ["after"]),
    ({"after": ""}, ["after"]),
    ({"after": base64.urlsafe_b64encode(b"before:3").decode()}, ["after"]),  # not one of our cursors
    ({"after": base64.urlsafe_b64encode(b"after:three").decode()}, ["after"]),
    ({"search": "x" * 101}, ["search"]),
    ({"search": "x" * HUGE}, ["search"]),
]


async def test_debtors_with_a_bad_argument_is_an_invalid_error(client):
    await search_fixture()
    token = await staff_token(client)

    for arguments, field in BAD_ARGUMENTS:
        body = await client.execute(DEBTORS, arguments, token=token)

        assert refusal(body) == "INVALID", arguments
        error = body["errors"][0]
        assert (error["extensions"]["field"], error["path"]) == (field, ["debtors"])
        assert leaks_nothing(error["message"])
        assert len(error["message"]) < 200


# --- permissions ----------------------------------------------------------------------------


async def callable_operations() -> dict[str, tuple[str, dict]]:
    """One valid call of each staff operation, against an existing debtor and contact."""
    debtor = await flora_debtor()
    contact = await make_contact(debtor, "Joost")
    return {
        "createDebtor": (CREATE_DEBTOR, {"input": {"name": "Intruder BV", "number": "X-1"}}),
        "updateDebtor": (UPDATE_DEBTOR, {"input": {"id": gid(debtor), "name": "Hijacked"}}),
        "createContactPerson": (CREATE_CONTACT, {"input": {
            "debtorId": gid(debtor), "firstName": "Eve", "lastName": "Intruder", "language": "nl",
        }}),
        "updateContactPerson": (UPDATE_CONTACT, {"input": {
            "id": global_id("ContactPerson", contact.id), "firstName": "Hijacked",
        }}),
        "debtors": (DEBTORS, {"search": "Bloemenhal"}),
    }


async def test_anonymous_callers_are_unauthenticated_and_write_nothing(client):
    operations = await callable_operations()
    before = await stored_state()

    for operation, (document, variables) in operations.items():
        body = await client.execute(document, variables)

        assert refusal(body) == "UNAUTHENTICATED", operation
        assert body["errors"][0]["path"] == [operation]
    assert await stored_state() == before


async def test_customers_are_forbidden_and_write_nothing(client):
    operations = await callable_operations()
    token = await customer_token(client)
    before = await stored_state()

    for operation, (document, variables) in operations.items():
        body = await client.execute(document, variables, token=token)

        assert refusal(body) == "FORBIDDEN", operation
        assert body["errors"][0]["path"] == [operation]
    assert await stored_state() == before


async def test_staff_may_make_every_call_the_others_may_not(client):
    # the control for the two tests above: the very same calls succeed for staff
    operations = await callable_operations()
    token = await staff_token(client)

    for operation, (document, variables) in operations.items():
        data = await client.data(document, variables, token=token)
        if operation in PAYLOAD_OBJECT:
            assert data[operation]["userErrors"] == [], operation
            assert data[operation][PAYLOAD_OBJECT[operation]] is not None, operation
    assert await Debtor.filter(name="Hijacked").count() == 1
    assert await ContactPerson.filter(first_name__in=["Eve", "Hijacked"]).count() == 2


# --- odd input ------------------------------------------------------------------------------


async def test_ten_thousand_character_debtor_values_are_invalid_user_errors(client):
    await flora_debtor()
    token = await staff_token(client)
    fields = {
        "name": "n" * HUGE,
        "number": "K" * HUGE,
        "email": "e" * HUGE + "@example.com",
        "phone": "1" * HUGE,
        "vatNumber": "NL" + "1" * HUGE,
        "address": "a" * HUGE,
        "priceListTags": ["t" * HUGE],
    }
    cases = [(field, {field: value}, [field], "INVALID") for field, value in fields.items()]

    wrong = await wrongly_refused(client, token, CREATE_DEBTOR, "createDebtor", {"name": "Bloemenhal"}, cases)

    assert wrong == []
    body = await client.execute(CREATE_DEBTOR, {"input": {"name": "n" * HUGE}}, token=token)
    message = payload_of(body, "createDebtor")["userErrors"][0]["message"]
    assert leaks_nothing(message)
    assert len(message) < 200


async def test_ten_thousand_character_contact_values_are_invalid_user_errors(client):
    debtor = await flora_debtor()
    contact = await make_contact(debtor, "Joost")
    token = await staff_token(client)
    cases = [
        (field, {field: "x" * HUGE}, [field], "INVALID")
        for field in ("firstName", "lastName", "email", "phone", "language")
    ]

    wrong = await wrongly_refused(
        client, token, UPDATE_CONTACT, "updateContactPerson", {"id": gid(contact)}, cases
    )

    assert wrong == []


# --- found by review, fixed ------------------------------------------------------------------


async def test_a_nul_character_in_a_name_is_an_invalid_user_error(client):
    token = await staff_token(client)
    before = await stored_state()

    body = await client.execute(CREATE_DEBTOR, {"input": {"name": "Bloemen\x00hal"}}, token=token)

    payload = payload_of(body, "createDebtor")
    assert user_errors(payload) == [(["name"], "INVALID")]
    assert await stored_state() == before


async def test_a_search_with_a_nul_character_finds_nothing_or_is_invalid(client):
    await search_fixture()
    token = await staff_token(client)

    body = await client.execute(DEBTORS, {"search": "\x00"}, token=token)

    assert "INTERNAL" not in error_codes(body), body
    if "errors" in body:
        assert error_codes(body) == ["INVALID"]
    else:
        assert body["data"]["debtors"]["edges"] == []


@only_on_postgres
async def test_a_cursor_beyond_the_integer_range_is_not_an_internal_error(client):
    await search_fixture()
    token = await staff_token(client)
    cursor = base64.urlsafe_b64encode(b"after:99999999999999").decode()

    body = await client.execute(DEBTORS, {"after": cursor}, token=token)

    assert "INTERNAL" not in error_codes(body), body
    if "errors" in body:
        assert error_codes(body) == ["INVALID"]
    else:
        assert numbers(body["data"]["debtors"]) == ["W-4", "Z-3", "T-2000", "K-100"]


async def test_debtors_search_ignores_the_case_of_accented_letters(client):
    await make_debtor("Ölhandel Müller", number="U-1")
    token = await staff_token(client)

    lower = await list_debtors(client, token, search="öl")
    upper = await list_debtors(client, token, search="MÜLLER")

    assert (numbers(lower), numbers(upper)) == (["U-1"], ["U-1"])


async def test_a_negative_zero_amount_reads_as_zero(client):
    token = await staff_token(client)

    payload = await create_debtor(client, token, name="Bloemenhal", minimumOrderAmount="-0")
    listed = await client.data(DEBTOR_AMOUNTS, token=token)

    assert payload["debtor"]["minimumOrderAmount"] == "0.00"
    assert listed["debtors"]["edges"][0]["node"]["minimumOrderAmount"] == "0.00"
