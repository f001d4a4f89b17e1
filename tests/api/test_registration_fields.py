"""registrationForm (anyone) and the staff mutations on a form's extra questions.

Given a shop with extra fields, when anyone reads `registrationForm`, then it
shows whether the shop is open, the approval mode, the fields in order and the
languages. When staff create, relabel, move, delete or reorder fields, then
positions stay 1..n, every action is audited, and a refused call changes
nothing. Customers are FORBIDDEN and anonymous callers UNAUTHENTICATED.
"""

from __future__ import annotations

import pytest

from models import ActorKind, AuditEvent, RegistrationField, Shop
from schema.nodes import global_id
from tests.api.sign_in import customer_token, staff_token
from tests.factories import label_of, make_field, make_shop
from tests.graphql_answers import error_codes, gid, refusal, user_errors

FORM = """
query($shop: String!) {
  registrationForm(shop: $shop) {
    shop open approvalMode languages
    fields { id key label position }
  }
}"""

CREATE = """
mutation($input: CreateRegistrationFieldInput!) {
  createRegistrationField(input: $input) {
    registrationField { id key label position }
    userErrors { field code message }
  }
}"""

UPDATE = """
mutation($input: UpdateRegistrationFieldInput!) {
  updateRegistrationField(input: $input) {
    registrationField { id key label position }
    userErrors { field code message }
  }
}"""

DELETE = """
mutation($id: ID!) {
  deleteRegistrationField(input: {id: $id}) {
    deletedId
    userErrors { field code message }
  }
}"""

REORDER = """
mutation($shop: String!, $ids: [ID!]!) {
  reorderRegistrationFields(input: {shop: $shop, ids: $ids}) {
    registrationFields { id key position }
    userErrors { field code message }
  }
}"""


# --- helpers ---------------------------------------------------------------------------------


async def flora_with_fields(*keys: str, **settings) -> tuple[Shop, list[RegistrationField]]:
    """Shop `flora` with fields `keys` at positions 1..n (label: the key in capitals)."""
    shop = await make_shop("flora", **settings)
    fields = [
        await make_field(shop, key, key.upper(), position=position)
        for position, key in enumerate(keys, start=1)
    ]
    return shop, fields


async def form_order(shop: Shop) -> list[tuple[str, int]]:
    """(key, position) of the shop's fields as stored, in position order."""
    fields = await RegistrationField.filter(shop_id=shop.id).order_by("position", "id")
    return [(f.key, f.position) for f in fields]


async def field_audit_actions() -> list[str]:
    return [e.action for e in await AuditEvent.filter(action__startswith="registration_field").order_by("id")]


# --- registrationForm ------------------------------------------------------------------------


async def test_anyone_reads_an_open_forms_mode_ordered_fields_and_languages(client):
    shop = await make_shop(
        "flora", registration_enabled=True, approval_mode="AUTOMATIC", languages=["de", "nl", "en"]
    )
    # Made out of order: the form is ordered by position, not by creation.
    website = await make_field(shop, "website", "Website", position=3)
    kvk = await make_field(shop, "chamber_of_commerce", "KvK number", position=1)
    vat = await make_field(shop, "vat_number", "VAT number", position=2)
    other = await make_shop("tulip")
    await make_field(other, "tulip_only", "Tulip only", position=1)

    form = (await client.data(FORM, {"shop": "flora"}))["registrationForm"]

    assert form == {
        "shop": "flora", "open": True, "approvalMode": "AUTOMATIC", "languages": ["de", "nl", "en"],
        "fields": [
            {"id": gid(kvk), "key": "chamber_of_commerce", "label": "KvK number", "position": 1},
            {"id": gid(vat), "key": "vat_number", "label": "VAT number", "position": 2},
            {"id": gid(website), "key": "website", "label": "Website", "position": 3},
        ],
    }


async def test_a_closed_shop_still_shows_its_form_as_not_open(client):
    await flora_with_fields("chamber_of_commerce")

    form = (await client.data(FORM, {"shop": "flora"}))["registrationForm"]

    assert form["open"] is False
    assert form["approvalMode"] == "MANUAL"
    assert form["languages"] == ["nl", "en", "de", "fr"]
    assert [f["key"] for f in form["fields"]] == ["chamber_of_commerce"]


async def test_the_form_of_an_unknown_shop_is_a_not_found_error(client):
    await make_shop("flora", registration_enabled=True)

    body = await client.execute(FORM, {"shop": "no-such-shop"})

    assert refusal(body) == "NOT_FOUND"
    assert body["errors"][0]["path"] == ["registrationForm"]


async def test_the_form_of_a_shop_handle_with_a_nul_is_not_found(client, database_url, request):
    await make_shop("flora", registration_enabled=True)

    body = await client.execute(FORM, {"shop": "flo\x00ra"})

    assert error_codes(body) == ["NOT_FOUND"]


# --- createRegistrationField -----------------------------------------------------------------


async def test_a_new_field_goes_last_by_default_and_is_audited(client):
    shop, _ = await flora_with_fields("chamber_of_commerce", "vat_number")
    staff = await staff_token(client)

    payload = (await client.data(CREATE, {"input": {
        "shop": "flora", "key": " website ", "label": "  Website ",
    }}, token=staff))["createRegistrationField"]

    assert payload["userErrors"] == []
    created = await RegistrationField.get(shop_id=shop.id, key="website")
    assert payload["registrationField"] == {
        "id": gid(created), "key": "website", "label": "Website", "position": 3,
    }
    assert await form_order(shop) == [("chamber_of_commerce", 1), ("vat_number", 2), ("website", 3)]
    event = await AuditEvent.get(action="registration_field.created")
    assert event.actor_kind == ActorKind.ADMIN
    assert event.actor_label == "staff@example.com"
    assert (event.object_type, event.object_id) == ("RegistrationField", created.id)


async def test_the_first_field_of_an_empty_form_is_at_position_1(client):
    shop = await make_shop("flora")
    staff = await staff_token(client)

    payload = (await client.data(CREATE, {"input": {
        "shop": "flora", "key": "vat_number", "label": "VAT number", "position": 5,
    }}, token=staff))["createRegistrationField"]

    assert payload["registrationField"]["position"] == 1
    assert await form_order(shop) == [("vat_number", 1)]


@pytest.mark.parametrize(
    ("position", "expected"),
    [
        (1, ["website", "chamber_of_commerce", "vat_number", "phone"]),
        (2, ["chamber_of_commerce", "website", "vat_number", "phone"]),
        (4, ["chamber_of_commerce", "vat_number", "phone", "website"]),
        (99, ["chamber_of_commerce", "vat_number", "phone", "website"]),
    ],
)
async def test_a_field_inserted_at_a_position_renumbers_the_form_1_to_n(client, position, expected):
    shop, _ = await flora_with_fields("chamber_of_commerce", "vat_number", "phone")
    staff = await staff_token(client)

    payload = (await client.data(CREATE, {"input": {
        "shop": "flora", "key": "website", "label": "Website", "position": position,
    }}, token=staff))["createRegistrationField"]

    assert payload["userErrors"] == []
    assert payload["registrationField"]["position"] == expected.index("website") + 1
    assert await form_order(shop) == [(key, index) for index, key in enumerate(expected, start=1)]
    form = (await client.data(FORM, {"shop": "flora"}))["registrationForm"]
    assert [(f["key"], f["position"]) for f in form["fields"]] == await form_order(shop)


@pytest.mark.parametrize(
    "key", ["Website", "web site", "1st_answer", "_hidden", "web-site", "", "k" * 65, "café"],
)
async def test_a_malformed_key_is_invalid_and_nothing_is_made(client, key):
    shop, _ = await flora_with_fields("chamber_of_commerce")
    staff = await staff_token(client)

    payload = (await client.data(CREATE, {"input": {
        "shop": "flora", "key": key, "label": "Website",
    }}, token=staff))["createRegistrationField"]

    assert payload["registrationField"] is None
    assert user_errors(payload) == [(["key"], "INVALID")]
    assert await form_order(shop) == [("chamber_of_commerce", 1)]
    assert await field_audit_actions() == []


async def test_a_key_of_64_characters_is_fine(client):
    await flora_with_fields()
    staff = await staff_token(client)

    payload = (await client.data(CREATE, {"input": {
        "shop": "flora", "key": "k" * 64, "label": "Long",
    }}, token=staff))["createRegistrationField"]

    assert payload["userErrors"] == []
    assert payload["registrationField"]["key"] == "k" * 64


@pytest.mark.parametrize("key", ["email", "name", "company", "language", "password"])
async def test_a_key_the_form_asks_itself_is_invalid(client, key):
    shop, _ = await flora_with_fields("chamber_of_commerce")
    staff = await staff_token(client)

    payload = (await client.data(CREATE, {"input": {
        "shop": "flora", "key": key, "label": "Again",
    }}, token=staff))["createRegistrationField"]

    assert user_errors(payload) == [(["key"], "INVALID")]
    assert await form_order(shop) == [("chamber_of_commerce", 1)]


async def test_a_key_the_form_has_already_is_invalid_but_another_shop_may_use_it(client):
    shop, _ = await flora_with_fields("chamber_of_commerce", "vat_number")
    tulip = await make_shop("tulip")
    staff = await staff_token(client)

    twice = (await client.data(CREATE, {"input": {
        "shop": "flora", "key": "vat_number", "label": "VAT again", "position": 1,
    }}, token=staff))["createRegistrationField"]
    elsewhere = (await client.data(CREATE, {"input": {
        "shop": "tulip", "key": "vat_number", "label": "VAT number",
    }}, token=staff))["createRegistrationField"]

    assert twice["registrationField"] is None
    assert user_errors(twice) == [(["key"], "INVALID")]
    assert await form_order(shop) == [("chamber_of_commerce", 1), ("vat_number", 2)]
    assert label_of(await RegistrationField.get(shop_id=shop.id, key="vat_number")) == "VAT_NUMBER"
    assert elsewhere["userErrors"] == []
    assert await form_order(tulip) == [("vat_number", 1)]
    assert await field_audit_actions() == ["registration_field.created"]


@pytest.mark.parametrize("label", ["", "   "])
async def test_a_blank_label_is_required(client, label):
    shop, _ = await flora_with_fields("chamber_of_commerce")
    staff = await staff_token(client)

    payload = (await client.data(CREATE, {"input": {
        "shop": "flora", "key": "website", "label": label,
    }}, token=staff))["createRegistrationField"]

    assert user_errors(payload) == [(["label"], "FIELD_REQUIRED")]
    assert await form_order(shop) == [("chamber_of_commerce", 1)]


async def test_a_field_for_an_unknown_shop_is_not_found(client):
    await flora_with_fields("chamber_of_commerce")
    staff = await staff_token(client)

    payload = (await client.data(CREATE, {"input": {
        "shop": "no-such-shop", "key": "website", "label": "Website",
    }}, token=staff))["createRegistrationField"]

    assert user_errors(payload) == [(["shop"], "NOT_FOUND")]
    assert await RegistrationField.all().count() == 1
    assert await field_audit_actions() == []


async def test_every_problem_of_a_new_field_is_reported_at_once(client):
    shop, _ = await flora_with_fields(*(f"question_{n}" for n in range(1, 51)))
    staff = await staff_token(client)

    unknown_shop = (await client.data(CREATE, {"input": {
        "shop": "no-such-shop", "key": "Website!", "label": " ",
    }}, token=staff))["createRegistrationField"]
    full_form = (await client.data(CREATE, {"input": {
        "shop": "flora", "key": "question_1", "label": "l" * 201,
    }}, token=staff))["createRegistrationField"]

    assert sorted(user_errors(unknown_shop)) == [
        (["key"], "INVALID"), (["label"], "FIELD_REQUIRED"), (["shop"], "NOT_FOUND"),
    ]
    assert sorted(user_errors(full_form)) == [
        (["key"], "INVALID"), (["label"], "INVALID"), (["shop"], "INVALID"),
    ]
    assert full_form["registrationField"] is None
    assert await RegistrationField.filter(shop_id=shop.id).count() == 50
    assert await field_audit_actions() == []


# --- updateRegistrationField -----------------------------------------------------------------


async def test_a_field_is_relabelled_in_place_and_audited(client):
    shop, (kvk, vat) = await flora_with_fields("chamber_of_commerce", "vat_number")
    staff = await staff_token(client)

    payload = (await client.data(UPDATE, {"input": {
        "id": gid(vat), "label": " BTW-nummer ",
    }}, token=staff))["updateRegistrationField"]

    assert payload == {"registrationField": {
        "id": gid(vat), "key": "vat_number", "label": "BTW-nummer", "position": 2,
    }, "userErrors": []}
    assert label_of(await RegistrationField.get(id=vat.id)) == "BTW-nummer"
    assert label_of(await RegistrationField.get(id=kvk.id)) == "CHAMBER_OF_COMMERCE"
    assert await form_order(shop) == [("chamber_of_commerce", 1), ("vat_number", 2)]
    event = await AuditEvent.get(action="registration_field.updated")
    assert event.actor_kind == ActorKind.ADMIN
    assert event.object_id == vat.id


@pytest.mark.parametrize(
    ("moved", "position", "expected"),
    [
        ("phone", 1, ["phone", "chamber_of_commerce", "vat_number", "website"]),
        ("chamber_of_commerce", 3, ["vat_number", "phone", "chamber_of_commerce", "website"]),
        ("vat_number", 99, ["chamber_of_commerce", "phone", "website", "vat_number"]),
        ("website", 4, ["chamber_of_commerce", "vat_number", "phone", "website"]),
    ],
)
async def test_a_field_moved_to_a_position_renumbers_the_form(client, moved, position, expected):
    shop, fields = await flora_with_fields("chamber_of_commerce", "vat_number", "phone", "website")
    field = next(f for f in fields if f.key == moved)
    staff = await staff_token(client)

    payload = (await client.data(UPDATE, {"input": {
        "id": gid(field), "position": position,
    }}, token=staff))["updateRegistrationField"]

    assert payload["userErrors"] == []
    assert payload["registrationField"]["position"] == expected.index(moved) + 1
    assert payload["registrationField"]["label"] == moved.upper()
    assert await form_order(shop) == [(key, index) for index, key in enumerate(expected, start=1)]


async def test_moving_a_field_leaves_other_shops_alone(client):
    shop, (kvk, _) = await flora_with_fields("chamber_of_commerce", "vat_number")
    tulip = await make_shop("tulip")
    for position, key in enumerate(["a", "b"], start=1):
        await make_field(tulip, key, key, position=position)
    staff = await staff_token(client)

    await client.data(UPDATE, {"input": {"id": gid(kvk), "position": 2}}, token=staff)

    assert await form_order(shop) == [("vat_number", 1), ("chamber_of_commerce", 2)]
    assert await form_order(tulip) == [("a", 1), ("b", 2)]


async def test_updating_an_unknown_field_is_not_found(client):
    shop, (kvk,) = await flora_with_fields("chamber_of_commerce")
    staff = await staff_token(client)

    for unknown in [global_id("RegistrationField", kvk.id + 100), global_id("Shop", shop.id), "garbage"]:
        payload = (await client.data(UPDATE, {"input": {
            "id": unknown, "label": "Anything",
        }}, token=staff))["updateRegistrationField"]
        assert payload["registrationField"] is None
        assert user_errors(payload) == [(["id"], "NOT_FOUND")]

    assert label_of(await RegistrationField.get(id=kvk.id)) == "CHAMBER_OF_COMMERCE"
    assert await field_audit_actions() == []


async def test_relabelling_to_blank_is_required_and_changes_nothing(client):
    _, (kvk,) = await flora_with_fields("chamber_of_commerce")
    staff = await staff_token(client)

    payload = (await client.data(UPDATE, {"input": {
        "id": gid(kvk), "label": "  ", "position": 1,
    }}, token=staff))["updateRegistrationField"]

    assert user_errors(payload) == [(["label"], "FIELD_REQUIRED")]
    assert label_of(await RegistrationField.get(id=kvk.id)) == "CHAMBER_OF_COMMERCE"
    assert await field_audit_actions() == []


# --- deleteRegistrationField -----------------------------------------------------------------


async def test_deleting_a_field_renumbers_the_rest_and_returns_its_id(client):
    shop, (_, vat, _) = await flora_with_fields("chamber_of_commerce", "vat_number", "phone")
    staff = await staff_token(client)

    payload = (await client.data(DELETE, {"id": gid(vat)}, token=staff))["deleteRegistrationField"]

    assert payload == {"deletedId": gid(vat), "userErrors": []}
    assert await form_order(shop) == [("chamber_of_commerce", 1), ("phone", 2)]
    assert not await RegistrationField.exists(id=vat.id)
    event = await AuditEvent.get(action="registration_field.deleted")
    assert event.actor_kind == ActorKind.ADMIN
    assert event.object_id == vat.id
    assert event.details["key"] == "vat_number"

    again = (await client.data(DELETE, {"id": gid(vat)}, token=staff))["deleteRegistrationField"]

    assert again["deletedId"] is None
    assert user_errors(again) == [(["id"], "NOT_FOUND")]
    assert await form_order(shop) == [("chamber_of_commerce", 1), ("phone", 2)]


@pytest.mark.parametrize("unknown", ["never-made", "shop-id", "garbage"])
async def test_deleting_an_unknown_field_is_not_found_and_deletes_nothing(client, unknown):
    shop, (kvk,) = await flora_with_fields("chamber_of_commerce")
    staff = await staff_token(client)
    field_id = {
        "never-made": global_id("RegistrationField", kvk.id + 100),
        "shop-id": global_id("Shop", shop.id),
        "garbage": "not-a-global-id",
    }[unknown]

    payload = (await client.data(DELETE, {"id": field_id}, token=staff))["deleteRegistrationField"]

    assert payload["deletedId"] is None
    assert user_errors(payload) == [(["id"], "NOT_FOUND")]
    assert await form_order(shop) == [("chamber_of_commerce", 1)]
    assert await Shop.exists(id=shop.id)
    assert await field_audit_actions() == []


# --- reorderRegistrationFields ---------------------------------------------------------------


async def test_reordering_puts_every_field_where_it_was_listed(client):
    shop, (kvk, vat, phone) = await flora_with_fields("chamber_of_commerce", "vat_number", "phone")
    staff = await staff_token(client)

    payload = (await client.data(REORDER, {
        "shop": "flora", "ids": [gid(phone), gid(kvk), gid(vat)],
    }, token=staff))["reorderRegistrationFields"]

    assert payload == {"registrationFields": [
        {"id": gid(phone), "key": "phone", "position": 1},
        {"id": gid(kvk), "key": "chamber_of_commerce", "position": 2},
        {"id": gid(vat), "key": "vat_number", "position": 3},
    ], "userErrors": []}
    assert await form_order(shop) == [("phone", 1), ("chamber_of_commerce", 2), ("vat_number", 3)]
    event = await AuditEvent.get(action="registration_fields.reordered")
    assert event.actor_kind == ActorKind.ADMIN
    assert event.details["keys"] == ["phone", "chamber_of_commerce", "vat_number"]


@pytest.mark.parametrize(
    "listing",
    ["missing", "extra-foreign", "duplicate", "duplicate-same-count", "foreign-instead", "garbage", "none"],
)
async def test_reordering_must_list_every_field_once_else_nothing_changes(client, listing):
    shop, (kvk, vat, phone) = await flora_with_fields("chamber_of_commerce", "vat_number", "phone")
    tulip = await make_shop("tulip")
    foreign = await make_field(tulip, "tulip_only", "Tulip", position=1)
    staff = await staff_token(client)
    ids = {
        "missing": [gid(phone), gid(kvk)],
        "extra-foreign": [gid(phone), gid(kvk), gid(vat), gid(foreign)],
        "duplicate": [gid(phone), gid(kvk), gid(vat), gid(kvk)],
        "duplicate-same-count": [gid(phone), gid(kvk), gid(kvk)],
        "foreign-instead": [gid(phone), gid(kvk), gid(foreign)],
        "garbage": [gid(phone), gid(kvk), "garbage"],
        "none": [],
    }[listing]

    payload = (await client.data(REORDER, {"shop": "flora", "ids": ids}, token=staff))[
        "reorderRegistrationFields"
    ]

    assert payload["registrationFields"] == []
    assert user_errors(payload) == [(["ids"], "INVALID")]
    assert await form_order(shop) == [("chamber_of_commerce", 1), ("vat_number", 2), ("phone", 3)]
    assert await form_order(tulip) == [("tulip_only", 1)]
    assert await AuditEvent.filter(action="registration_fields.reordered").count() == 0


async def test_reordering_the_fields_of_an_unknown_shop_is_not_found(client):
    _, (kvk,) = await flora_with_fields("chamber_of_commerce")
    staff = await staff_token(client)

    payload = (await client.data(REORDER, {"shop": "no-such-shop", "ids": [gid(kvk)]}, token=staff))[
        "reorderRegistrationFields"
    ]

    assert user_errors(payload) == [(["shop"], "NOT_FOUND")]


# --- every staff action is audited, and only staff may act -----------------------------------


async def test_each_staff_action_on_the_fields_is_audited_in_order(client):
    shop, (kvk,) = await flora_with_fields("chamber_of_commerce")
    staff = await staff_token(client)
    created = (await client.data(CREATE, {"input": {"shop": "flora", "key": "vat_number", "label": "VAT"}},
                                 token=staff))["createRegistrationField"]["registrationField"]
    await client.data(UPDATE, {"input": {"id": created["id"], "label": "VAT number"}}, token=staff)
    await client.data(REORDER, {"shop": "flora", "ids": [created["id"], gid(kvk)]}, token=staff)
    await client.data(DELETE, {"id": gid(kvk)}, token=staff)

    events = await AuditEvent.filter(action__startswith="registration_field").order_by("id")

    assert [e.action for e in events] == [
        "registration_field.created", "registration_field.updated",
        "registration_fields.reordered", "registration_field.deleted",
    ]
    assert {(e.actor_kind, e.actor_label, e.client_address) for e in events} == {
        (ActorKind.ADMIN, "staff@example.com", "203.0.113.7"),
    }
    assert await form_order(shop) == [("vat_number", 1)]


def every_mutation(kvk: RegistrationField) -> list[tuple[str, str, dict]]:
    return [
        ("createRegistrationField", CREATE,
         {"input": {"shop": "flora", "key": "website", "label": "Website"}}),
        ("updateRegistrationField", UPDATE, {"input": {"id": gid(kvk), "label": "Hacked", "position": 2}}),
        ("deleteRegistrationField", DELETE, {"id": gid(kvk)}),
        ("reorderRegistrationFields", REORDER, {"shop": "flora", "ids": [gid(kvk)]}),
    ]


@pytest.mark.parametrize(("caller", "code"), [("anonymous", "UNAUTHENTICATED"), ("customer", "FORBIDDEN")])
async def test_only_staff_may_change_a_form(client, caller, code):
    _, (kvk,) = await flora_with_fields("chamber_of_commerce")
    token = await customer_token(client) if caller == "customer" else None
    audit_before = await AuditEvent.all().count()

    for name, document, variables in every_mutation(kvk):
        body = await client.execute(document, variables, token=token)

        assert body["data"] is None, name
        assert [(e["extensions"]["code"], e["path"]) for e in body["errors"]] == [(code, [name])]

    assert [(f.id, f.key, label_of(f), f.position) for f in await RegistrationField.all()] == [
        (kvk.id, "chamber_of_commerce", "CHAMBER_OF_COMMERCE", 1),
    ]
    assert await AuditEvent.all().count() == audit_before

