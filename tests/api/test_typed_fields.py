"""Typed, multilingual registration questions, the shop settings they use, and the form that shows them.

Given staff who define a question with a type, labels, help texts and options in the
shop's languages, when anyone reads `registrationForm` in a language, then every text is
in that language where there is one, else in the shop's first. Whatever staff give that
does not fit the shop or the type is refused at its path and nothing is kept. The shop's
default country, bot protection and email verification are settings; the form lists the
countries in its language and carries a signed form token.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from auth.form_tokens import FormTokenProblem, FormTokens
from models import AuditEvent, RegistrationField, Shop
from models.field_types import RegistrationFieldType
from server.app import create_app
from tests.api.sign_in import staff_token
from tests.conftest import GraphQLClient
from tests.factories import make_field, make_shop
from tests.graphql_answers import gid, user_errors
from tests.query_counter import count_queries

TEXTS = "language text"
FIELD = f"""
  id key type required label helpText position
  labels {{ {TEXTS} }} helpTexts {{ {TEXTS} }}
  options {{ value label labels {{ {TEXTS} }} }}
"""

FORM = f"""
query($shop: String!, $language: String) {{
  registrationForm(shop: $shop, language: $language) {{
    language languages formToken requireEmailVerification
    fields {{ {FIELD} }}
  }}
}}"""

COUNTRIES = """
query($shop: String!, $language: String) {
  registrationForm(shop: $shop, language: $language) { language countries { code name } }
}"""

CREATE = f"""
mutation($input: CreateRegistrationFieldInput!) {{
  createRegistrationField(input: $input) {{
    registrationField {{ {FIELD} }}
    userErrors {{ field code message }}
  }}
}}"""

UPDATE = f"""
mutation($input: UpdateRegistrationFieldInput!) {{
  updateRegistrationField(input: $input) {{
    registrationField {{ {FIELD} }}
    userErrors {{ field code message }}
  }}
}}"""

SHOP_SETTINGS = "handle defaultCountry botProtection requireEmailVerification"

UPDATE_SHOP_SETTINGS = f"""
mutation($input: UpdateShopSettingsInput!) {{
  updateShopSettings(input: $input) {{
    shop {{ {SHOP_SETTINGS} }}
    userErrors {{ field code message }}
  }}
}}"""

CREATE_SHOP = f"""
mutation($input: CreateShopInput!) {{
  createShop(input: $input) {{
    shop {{ {SHOP_SETTINGS} }}
    userErrors {{ field code message }}
  }}
}}"""

# The business type question of a florists' wholesaler, given in an order unlike the shop's.
BUSINESS_TYPE = {
    "shop": "flora",
    "key": "business_type",
    "type": "CHOICE",
    "required": False,
    "labels": [
        {"language": "de", "text": "Art des Betriebs"},
        {"language": "en", "text": " Type of business "},
        {"language": "nl", "text": "Soort bedrijf"},
    ],
    "helpTexts": [
        {"language": "en", "text": "What you mostly do.\r\nPick one."},
        {"language": "de", "text": "Was Sie meistens tun."},
    ],
    "options": [
        {"value": "grower", "labels": [
            {"language": "nl", "text": "Kweker"},
            {"language": "en", "text": "Grower"},
            {"language": "de", "text": "Gärtnerei"},
        ]},
        # No German label: a German form shows the shop's first language's.
        {"value": "florist", "labels": [
            {"language": "en", "text": "Florist"},
            {"language": "nl", "text": "Bloemist"},
        ]},
    ],
}


def texts(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"language": language, "text": text} for language, text in pairs]


async def create(client: GraphQLClient, token: str, **input: object) -> dict:
    return (await client.data(CREATE, {"input": input}, token=token))["createRegistrationField"]


async def update(client: GraphQLClient, token: str, **input: object) -> dict:
    return (await client.data(UPDATE, {"input": input}, token=token))["updateRegistrationField"]


async def form(client: GraphQLClient, language: str | None = None, shop: str = "flora") -> dict:
    variables = {"shop": shop, "language": language}
    return (await client.data(FORM, variables))["registrationForm"]


async def update_shop(client: GraphQLClient, token: str, **input: object) -> dict:
    variables = {"input": {"shop": "flora", **input}}
    return (await client.data(UPDATE_SHOP_SETTINGS, variables, token=token))["updateShopSettings"]


async def stored_fields() -> list[dict]:
    return await RegistrationField.all().order_by("id").values(
        "key", "type", "required", "labels", "help_texts", "options", "position"
    )


async def field_audit_count() -> int:
    return await AuditEvent.filter(action__startswith="registration_field").count()


async def business_type_field(shop: Shop) -> RegistrationField:
    """The BUSINESS_TYPE question as stored, made directly."""
    return await RegistrationField.create(
        shop=shop, key="business_type", type=RegistrationFieldType.CHOICE, required=False,
        labels={"nl": "Soort bedrijf", "en": "Type of business", "de": "Art des Betriebs"},
        help_texts={"nl": "Wat u vooral doet."},
        options=[
            {"value": "grower", "labels": {"nl": "Kweker", "en": "Grower"}},
            {"value": "florist", "labels": {"nl": "Bloemist", "en": "Florist"}},
        ],
        position=1,
    )


# --- createRegistrationField: a CHOICE in three languages -----------------------------------


async def test_a_choice_is_made_with_every_language_in_the_shops_order(client):
    shop = await make_shop("flora")
    staff = await staff_token(client)

    payload = await create(client, staff, **BUSINESS_TYPE)

    assert payload["userErrors"] == []
    field = await RegistrationField.get(shop_id=shop.id, key="business_type")
    assert payload["registrationField"] == {
        "id": gid(field), "key": "business_type", "type": "CHOICE", "required": False,
        # A staff answer is in the shop's first language.
        "label": "Soort bedrijf", "helpText": "What you mostly do.\nPick one.", "position": 1,
        "labels": texts(("nl", "Soort bedrijf"), ("en", "Type of business"), ("de", "Art des Betriebs")),
        "helpTexts": texts(("en", "What you mostly do.\nPick one."), ("de", "Was Sie meistens tun.")),
        "options": [
            {"value": "grower", "label": "Kweker",
             "labels": texts(("nl", "Kweker"), ("en", "Grower"), ("de", "Gärtnerei"))},
            {"value": "florist", "label": "Bloemist",
             "labels": texts(("nl", "Bloemist"), ("en", "Florist"))},
        ],
    }
    assert field.type == RegistrationFieldType.CHOICE
    assert field.required is False
    assert field.labels == {"de": "Art des Betriebs", "en": "Type of business", "nl": "Soort bedrijf"}
    assert [option["value"] for option in field.options] == ["grower", "florist"]
    assert await field_audit_count() == 1


async def test_a_german_form_shows_german_texts_and_the_first_languages_where_german_is_missing(client):
    await make_shop("flora")
    staff = await staff_token(client)
    await create(client, staff, **BUSINESS_TYPE)

    german = await form(client, "de")

    assert german["language"] == "de"
    [field] = german["fields"]
    assert (field["label"], field["helpText"]) == ("Art des Betriebs", "Was Sie meistens tun.")
    assert [(o["value"], o["label"]) for o in field["options"]] == [
        ("grower", "Gärtnerei"), ("florist", "Bloemist"),
    ]
    assert [t["language"] for t in field["labels"]] == ["nl", "en", "de"]


async def test_a_language_without_texts_falls_back_to_the_shops_first(client):
    await make_shop("flora")
    staff = await staff_token(client)
    await create(client, staff, **BUSINESS_TYPE)

    french = await form(client, "fr")

    # The shop offers French, so the form is French; the question has no French text.
    assert french["language"] == "fr"
    [field] = french["fields"]
    assert field["label"] == "Soort bedrijf"
    # No Dutch help text: the next of the shop's languages that has one.
    assert field["helpText"] == "What you mostly do.\nPick one."
    assert [o["label"] for o in field["options"]] == ["Kweker", "Bloemist"]


@pytest.mark.parametrize("language", ["es", "", None, "klingon-x"])
async def test_a_language_the_shop_does_not_offer_gives_the_form_in_its_first(client, language):
    await make_shop("flora", languages=["en", "nl", "de"])
    staff = await staff_token(client)
    await create(client, staff, **BUSINESS_TYPE)

    shown = await form(client, language)

    assert shown["language"] == "en"
    assert shown["languages"] == ["en", "nl", "de"]
    [field] = shown["fields"]
    assert field["label"] == "Type of business"
    assert [t["language"] for t in field["labels"]] == ["en", "nl", "de"]
    assert [o["label"] for o in field["options"]] == ["Grower", "Florist"]


@pytest.mark.parametrize("asked", ["de-AT", "de-at", " DE-AT "])
async def test_a_regional_language_is_matched_whatever_its_case(client, asked):
    shop = await make_shop("flora", languages=["en", "de-AT"])
    await RegistrationField.create(
        shop=shop, key="vat_number", labels={"en": "VAT number", "de-AT": "UID-Nummer"}, position=1
    )

    shown = await form(client, asked)

    assert shown["language"] == "de-AT"
    assert shown["fields"][0]["label"] == "UID-Nummer"


async def test_a_legacy_call_with_only_a_label_makes_a_required_text_in_the_first_language(client):
    shop = await make_shop("flora", languages=["de", "en"])
    staff = await staff_token(client)

    payload = await create(client, staff, shop="flora", key="vat_number", label=" USt-IdNr. ")

    assert payload["userErrors"] == []
    assert payload["registrationField"] | {"id": None} == {
        "id": None, "key": "vat_number", "type": "TEXT", "required": True, "label": "USt-IdNr.",
        "helpText": None, "position": 1, "labels": texts(("de", "USt-IdNr.")), "helpTexts": [],
        "options": [],
    }
    field = await RegistrationField.get(shop_id=shop.id, key="vat_number")
    assert (field.type, field.required, field.labels) == (
        RegistrationFieldType.TEXT, True, {"de": "USt-IdNr."},
    )
    assert (field.help_texts, field.options) == ({}, [])


async def test_label_beside_labels_sets_the_first_languages_text(client):
    await make_shop("flora")
    staff = await staff_token(client)

    payload = await create(
        client, staff, shop="flora", key="website", label="Website (nl)",
        labels=texts(("nl", "Webadres"), ("en", "Website")),
    )

    assert payload["userErrors"] == []
    assert payload["registrationField"]["labels"] == texts(("nl", "Website (nl)"), ("en", "Website"))


# --- createRegistrationField: refusals ------------------------------------------------------


REFUSALS = {
    "label in a language not offered": (
        {"labels": texts(("es", "Tipo de negocio"))}, [(["labels", "0", "language"], "INVALID")],
    ),
    "a language twice": (
        {"labels": texts(("nl", "Soort bedrijf"), ("nl", "Soort zaak"))},
        [(["labels", "1", "language"], "INVALID")],
    ),
    "an empty label text": (
        {"labels": texts(("nl", "Soort bedrijf"), ("en", "   "))}, [(["labels", "1", "text"], "INVALID")],
    ),
    "a label on two lines": (
        {"labels": texts(("nl", "Soort\nbedrijf"))}, [(["labels", "0", "text"], "INVALID")],
    ),
    "a help text in a language not offered": (
        {"helpTexts": texts(("it", "Aiuto"))}, [(["helpTexts", "0", "language"], "INVALID")],
    ),
    "a choice without options": ({"options": None}, [(["options"], "FIELD_REQUIRED")]),
    "a choice with an empty list of options": ({"options": []}, [(["options"], "FIELD_REQUIRED")]),
    "options on a text": ({"type": "TEXT"}, [(["options"], "INVALID")]),
    "an option value twice": (
        {"options": [
            {"value": "grower", "labels": texts(("nl", "Kweker"))},
            {"value": "grower", "labels": texts(("nl", "Teler"))},
        ]},
        [(["options", "1", "value"], "INVALID")],
    ),
    "a malformed option value": (
        {"options": [{"value": "big grower", "labels": texts(("nl", "Kweker"))}]},
        [(["options", "0", "value"], "INVALID")],
    ),
    "an option without labels": (
        {"options": [{"value": "grower", "labels": []}]}, [(["options", "0", "labels"], "FIELD_REQUIRED")],
    ),
    "an option label in a language not offered": (
        {"options": [{"value": "grower", "labels": texts(("es", "Cultivador"))}]},
        [(["options", "0", "labels", "0", "language"], "INVALID")],
    ),
    "no label at all": ({"labels": None}, [(["label"], "FIELD_REQUIRED")]),
    "an empty list of labels": ({"labels": []}, [(["label"], "FIELD_REQUIRED")]),
}


@pytest.mark.parametrize(("change", "expected"), list(REFUSALS.values()), ids=list(REFUSALS))
async def test_a_definition_that_does_not_fit_is_refused_at_its_path_and_nothing_is_made(
    client, change, expected
):
    shop = await make_shop("flora")
    await make_field(shop, "chamber_of_commerce", "KvK-nummer")
    staff = await staff_token(client)
    before = await stored_fields()
    input = {key: value for key, value in (BUSINESS_TYPE | change).items() if value is not None}

    payload = await create(client, staff, **input)

    assert payload["registrationField"] is None
    assert user_errors(payload) == expected
    assert await stored_fields() == before
    assert await field_audit_count() == 0


async def test_every_problem_of_a_definition_is_reported_at_once(client):
    await make_shop("flora")
    staff = await staff_token(client)

    payload = await create(
        client, staff, shop="flora", key="business_type", type="TEXT",
        labels=texts(("es", "Tipo"), ("nl", "")),
        helpTexts=texts(("nl", "Hulp"), ("nl", "Nog eens")),
        options=[{"value": "grower", "labels": texts(("nl", "Kweker"))}],
    )

    assert sorted(user_errors(payload)) == [
        (["helpTexts", "1", "language"], "INVALID"),
        (["labels", "0", "language"], "INVALID"),
        (["labels", "1", "text"], "INVALID"),
        (["options"], "INVALID"),
    ]
    assert await RegistrationField.all().count() == 0


# --- updateRegistrationField ----------------------------------------------------------------


async def test_a_choice_changed_to_text_loses_its_options(client):
    shop = await make_shop("flora")
    field = await business_type_field(shop)
    staff = await staff_token(client)

    payload = await update(client, staff, id=gid(field), type="TEXT")

    assert payload["userErrors"] == []
    assert (payload["registrationField"]["type"], payload["registrationField"]["options"]) == ("TEXT", [])
    stored = await RegistrationField.get(id=field.id)
    assert (stored.type, stored.options) == (RegistrationFieldType.TEXT, [])
    assert stored.labels == field.labels
    assert stored.required is False


async def test_a_text_changed_to_a_choice_needs_options_else_nothing_changes(client):
    shop = await make_shop("flora")
    field = await make_field(shop, "business_type", "Soort bedrijf")
    staff = await staff_token(client)

    refused = await update(client, staff, id=gid(field), type="CHOICE")
    accepted = await update(
        client, staff, id=gid(field), type="MULTI_CHOICE",
        options=[{"value": "grower", "labels": texts(("nl", "Kweker"))}],
    )

    assert refused["registrationField"] is None
    assert user_errors(refused) == [(["options"], "FIELD_REQUIRED")]
    assert accepted["userErrors"] == []
    assert accepted["registrationField"]["type"] == "MULTI_CHOICE"
    stored = await RegistrationField.get(id=field.id)
    assert stored.options == [{"value": "grower", "labels": {"nl": "Kweker"}}]
    assert await AuditEvent.filter(action="registration_field.updated").count() == 1


async def test_labels_replace_every_language(client):
    shop = await make_shop("flora")
    field = await business_type_field(shop)
    staff = await staff_token(client)

    payload = await update(client, staff, id=gid(field), labels=texts(("en", "Kind of business")))

    assert payload["userErrors"] == []
    assert payload["registrationField"]["labels"] == texts(("en", "Kind of business"))
    # No Dutch label left: the shop's next language's.
    assert payload["registrationField"]["label"] == "Kind of business"
    assert (await RegistrationField.get(id=field.id)).labels == {"en": "Kind of business"}


async def test_a_label_alone_sets_the_first_language_and_keeps_the_others(client):
    shop = await make_shop("flora")
    field = await business_type_field(shop)
    staff = await staff_token(client)

    payload = await update(client, staff, id=gid(field), label="Soort onderneming")

    assert payload["userErrors"] == []
    stored = await RegistrationField.get(id=field.id)
    assert stored.labels == {"nl": "Soort onderneming", "en": "Type of business", "de": "Art des Betriebs"}
    assert (stored.type, stored.required, stored.options) == (field.type, False, field.options)
    assert stored.help_texts == {"nl": "Wat u vooral doet."}


async def test_what_an_update_leaves_out_is_kept_and_required_false_stays_false(client):
    shop = await make_shop("flora")
    field = await business_type_field(shop)
    staff = await staff_token(client)

    payload = await update(client, staff, id=gid(field), position=1)
    made_optional_again = await update(client, staff, id=gid(field), required=False)

    assert payload["userErrors"] == made_optional_again["userErrors"] == []
    assert payload["registrationField"]["required"] is False
    stored = await RegistrationField.get(id=field.id)
    assert (stored.required, stored.labels, stored.help_texts, stored.options) == (
        False, field.labels, field.help_texts, field.options,
    )


async def test_an_update_may_make_a_question_required_and_empty_its_help(client):
    shop = await make_shop("flora")
    field = await business_type_field(shop)
    staff = await staff_token(client)

    payload = await update(client, staff, id=gid(field), required=True, helpTexts=[])

    assert payload["userErrors"] == []
    shown = payload["registrationField"]
    assert (shown["required"], shown["helpText"], shown["helpTexts"]) == (True, None, [])
    stored = await RegistrationField.get(id=field.id)
    assert (stored.required, stored.help_texts) == (True, {})



async def test_an_update_reads_the_field_and_its_shop_in_one_statement(client):
    shop = await make_shop("flora")
    field = await business_type_field(shop)
    staff = await staff_token(client)
    await update(client, staff, id=gid(field), required=True)  # the session, read once and kept

    with count_queries() as statements:
        payload = await update(client, staff, id=gid(field), required=False)

    assert payload["userErrors"] == []
    # Leaving out PostgreSQL's word to the other instances that the shop's form changed: the
    # field joined with its shop, the update, the audit event, and the payload's shop (read
    # afresh, as the change dropped it from the shop cache).
    sent = [statement for statement in statements if not statement.startswith("SELECT pg_notify")]
    assert [statement.split()[0] for statement in sent] == ["SELECT", "UPDATE", "INSERT", "SELECT"], sent
    assert 'FROM "registration_field" LEFT OUTER JOIN "shop"' in sent[0]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"labels": []}, [(["label"], "FIELD_REQUIRED")]),
        ({"labels": texts(("es", "Tipo"))}, [(["labels", "0", "language"], "INVALID")]),
        ({"options": []}, [(["options"], "FIELD_REQUIRED")]),
        ({"type": "DATE", "options": [{"value": "a", "labels": texts(("nl", "A"))}]},
         [(["options"], "INVALID")]),
    ],
    ids=["no labels", "foreign label", "no options", "options on a date"],
)
async def test_a_refused_update_changes_nothing(client, change, expected):
    shop = await make_shop("flora")
    field = await business_type_field(shop)
    staff = await staff_token(client)
    before = await stored_fields()

    payload = await update(client, staff, id=gid(field), **change)

    assert payload["registrationField"] is None
    assert user_errors(payload) == expected
    assert await stored_fields() == before
    assert await field_audit_count() == 0


# --- shop settings --------------------------------------------------------------------------


@pytest.mark.parametrize(("given", "stored"), [("be", "BE"), (" nl ", "NL"), ("DE", "DE")])
async def test_a_default_country_is_stored_as_its_upper_case_code(client, given, stored):
    shop = await make_shop("flora")
    staff = await staff_token(client)

    payload = await update_shop(client, staff, defaultCountry=given)

    assert payload["userErrors"] == []
    assert payload["shop"]["defaultCountry"] == stored
    assert (await Shop.get(id=shop.id)).default_country == stored


@pytest.mark.parametrize("given", ["XX", "NLD", "", "EU", "N1"])
async def test_a_default_country_that_is_no_iso_code_is_invalid_and_kept_as_it_was(client, given):
    shop = await make_shop("flora", default_country="NL")
    staff = await staff_token(client)

    payload = await update_shop(client, staff, defaultCountry=given)

    assert payload["shop"] is None
    assert user_errors(payload) == [(["defaultCountry"], "INVALID")]
    assert (await Shop.get(id=shop.id)).default_country == "NL"


async def test_null_clears_the_default_country(client):
    shop = await make_shop("flora", default_country="NL")
    staff = await staff_token(client)

    payload = await update_shop(client, staff, defaultCountry=None)

    assert payload["userErrors"] == []
    assert payload["shop"]["defaultCountry"] is None
    assert (await Shop.get(id=shop.id)).default_country is None


async def test_bot_protection_and_email_verification_are_settings_the_form_shows(client):
    shop = await make_shop("flora")
    staff = await staff_token(client)
    assert (await form(client))["requireEmailVerification"] is False

    payload = await update_shop(client, staff, botProtection=False, requireEmailVerification=True)

    assert payload["userErrors"] == []
    assert payload["shop"] == {
        "handle": "flora", "defaultCountry": None, "botProtection": False, "requireEmailVerification": True,
    }
    stored = await Shop.get(id=shop.id)
    assert (stored.bot_protection, stored.require_email_verification) == (False, True)
    assert (await form(client))["requireEmailVerification"] is True


@pytest.mark.parametrize("setting", ["botProtection", "requireEmailVerification"])
async def test_null_for_an_on_off_setting_is_invalid(client, setting):
    shop = await make_shop("flora", bot_protection=True)
    staff = await staff_token(client)

    payload = await update_shop(client, staff, **{setting: None})

    assert user_errors(payload) == [([setting], "INVALID")]
    stored = await Shop.get(id=shop.id)
    assert (stored.bot_protection, stored.require_email_verification) == (True, False)


async def test_a_new_shop_has_bot_protection_and_no_email_verification_or_country(client):
    staff = await staff_token(client)

    plain = (await client.data(CREATE_SHOP, {"input": {"handle": "tulip", "name": "Tulip"}}, token=staff))
    chosen = (await client.data(CREATE_SHOP, {"input": {
        "handle": "rose", "name": "Rose", "defaultCountry": "at", "requireEmailVerification": True,
    }}, token=staff))

    assert plain["createShop"] == {"shop": {
        "handle": "tulip", "defaultCountry": None, "botProtection": True, "requireEmailVerification": False,
    }, "userErrors": []}
    assert chosen["createShop"]["shop"] == {
        "handle": "rose", "defaultCountry": "AT", "botProtection": True, "requireEmailVerification": True,
    }
    assert (await Shop.get(handle="tulip")).bot_protection is True


# --- registrationForm.countries -------------------------------------------------------------


async def countries(client: GraphQLClient, language: str) -> dict[str, str]:
    """code → name of the form's countries, in the order given (dicts keep it)."""
    shown = (await client.data(COUNTRIES, {"shop": "flora", "language": language}))["registrationForm"]
    listed = [(country["code"], country["name"]) for country in shown["countries"]]
    assert len(dict(listed)) == len(listed), "a country listed twice"
    return dict(listed)


async def test_countries_are_named_in_the_forms_language(client):
    await make_shop("flora")

    dutch, english, german = [await countries(client, language) for language in ("nl", "en", "de")]

    assert (dutch["DE"], english["DE"], german["DE"]) == ("Duitsland", "Germany", "Deutschland")
    assert (dutch["BE"], english["NL"], german["AT"]) == ("België", "Netherlands", "Österreich")
    assert set(dutch) == set(english) == set(german)
    assert len(english) > 240
    # No groupings or reserved codes: every code is a country an answer may give.
    assert not {"EU", "UN", "ZZ", "QO"} & set(english)


async def test_countries_are_sorted_by_name_with_the_default_country_first(client):
    await make_shop("flora")
    staff = await staff_token(client)
    by_name = list(await countries(client, "de"))

    await update_shop(client, staff, defaultCountry="NL")
    with_default = list(await countries(client, "de"))

    assert by_name[0] != "NL"
    # Österreich sorts with the O's in German, not after Z.
    assert by_name.index("NO") < by_name.index("AT") < by_name.index("PL")
    assert with_default[0] == "NL"
    assert with_default[1:] == [code for code in by_name if code != "NL"]


# --- registrationForm.formToken -------------------------------------------------------------


async def test_the_form_token_verifies_for_its_shop_from_2_seconds_on(client, settings):
    shop = await make_shop("flora")
    other = await make_shop("tulip")
    tokens = FormTokens.from_secret_key(settings.secret_key)

    token = (await form(client))["formToken"]
    read_at = datetime.now(UTC)

    assert token
    assert tokens.check(token, shop.id, read_at + timedelta(seconds=2)) is None
    assert tokens.check(token, shop.id, read_at) == FormTokenProblem.TOO_FAST
    assert tokens.check(token, other.id, read_at + timedelta(seconds=2)) == FormTokenProblem.OTHER_SHOP
    assert tokens.check(token, shop.id, read_at + timedelta(hours=25)) == FormTokenProblem.EXPIRED


async def test_a_server_without_a_secret_key_gives_an_empty_form_token(db, settings):
    await make_shop("flora")
    application = create_app(replace(settings, secret_key=None), manage_database=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            shown = await form(GraphQLClient(http))

    assert shown["formToken"] == ""
