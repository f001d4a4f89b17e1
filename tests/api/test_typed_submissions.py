"""submitRegistration with typed questions: answers checked and stored normalised by type.

Given a shop whose form asks one question of each type, when an applicant submits it, then
each answer is kept in its normal form (a decimal, E.164, a compact VAT number, an ISO code,
the chosen options in the form's order) with a copy of its question; one that its type
refuses is INVALID at ["answers", key] and nothing at all is kept. Staff read the copy
whatever later becomes of the question, in any language, and the staff mail shows it in the
shop's first language. One email has one open request per shop: a second submission while
the first waits answers as the first did and makes nothing, even ten at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from auth.viewer import Caller
from mail.rendering import render
from models import (
    AuditEvent,
    OutboxMessage,
    RegistrationAnswer,
    RegistrationField,
    RegistrationRequest,
    RegistrationStatus,
    Shop,
)
from models.field_types import RegistrationFieldType
from resolvers.registrations import GivenAnswer, Submission, submit_registration
from tests.api.sign_in import staff_token
from tests.conftest import GraphQLClient
from tests.factories import make_debtor, make_shop
from tests.graphql_answers import gid, user_errors
from tests.use_cases import cheap_runtime

SUBMIT = """
mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) {
    registrationRequest { id status email }
    shopUser { id }
    userErrors { field code message }
  }
}"""

ANSWER = "key label labels { language text } type value values displayValue"
REQUESTS = f"""
{{
  registrationRequests(shop: "flora") {{
    edges {{ node {{
      id status email
      answers {{ {ANSWER} }}
      german: answers(language: "de") {{ {ANSWER} }}
      matchingDebtors {{ number }}
    }} }}
  }}
}}"""

AUSTRIAN_LABELS = """
{ registrationRequests(shop: "flora") {
    edges { node { austrian: answers(language: "de-AT") { label } answers { label } } }
} }"""

UPDATE_FIELD = """
mutation($input: UpdateRegistrationFieldInput!) {
  updateRegistrationField(input: $input) { userErrors { field code } }
}"""

DELETE_FIELD = """
mutation($id: ID!) { deleteRegistrationField(input: {id: $id}) { userErrors { field code } } }"""

REJECT = """
mutation($ids: [ID!]!) {
  reject(input: {ids: $ids, notifyCustomer: false}) { userErrors { field code } }
}"""

T = RegistrationFieldType


def option(value: str, nl: str, en: str, de: str) -> dict[str, Any]:
    return {"value": value, "labels": {"nl": nl, "en": en, "de": de}}


# key: (type, required, labels nl / en / de, options), in the form's order.
QUESTIONS: dict[str, tuple[RegistrationFieldType, bool, tuple[str, str, str], list[dict[str, Any]]]] = {
    "trade_name": (T.TEXT, True, ("Handelsnaam", "Trade name", "Handelsname"), []),
    "delivery_notes": (T.MULTILINE, False, ("Leverinstructies", "Delivery notes", "Lieferhinweise"), []),
    "pallets_per_week": (T.NUMBER, True, ("Pallets per week", "Pallets a week", "Paletten pro Woche"), []),
    "invoice_email": (T.EMAIL, True, ("Factuur-e-mail", "Invoice email", "Rechnungs-E-Mail"), []),
    "phone": (T.PHONE, True, ("Telefoon", "Phone", "Telefon"), []),
    "website": (T.URL, False, ("Website", "Website", "Webseite"), []),
    "vat_id": (T.VAT_NUMBER, True, ("Btw-nummer", "VAT number", "USt-IdNr."), []),
    "country": (T.COUNTRY, False, ("Land", "Country", "Land"), []),
    "business_type": (T.CHOICE, True, ("Soort bedrijf", "Type of business", "Art des Betriebs"), [
        option("grower", "Kweker", "Grower", "Gärtnerei"),
        option("florist", "Bloemist", "Florist", "Blumenladen"),
    ]),
    "products": (T.MULTI_CHOICE, True, ("Producten", "Products", "Produkte"), [
        option("tulips", "Tulpen", "Tulips", "Tulpen"),
        option("roses", "Rozen", "Roses", "Rosen"),
        option("lilies", "Lelies", "Lilies", "Lilien"),
    ]),
    "newsletter": (T.CHECKBOX, False, ("Nieuwsbrief", "Newsletter", "Newsletter"), []),
    "terms": (T.CHECKBOX, True, ("Voorwaarden", "Terms", "AGB"), []),
    "founded": (T.DATE, True, ("Opgericht", "Founded", "Gegründet"), []),
}
LANGUAGES = ("nl", "en", "de")

# What a Dutch applicant types; `products` is sent as values, out of the form's order.
GOOD: dict[str, Any] = {
    "trade_name": " Kwekerij Jansen ",
    "delivery_notes": "Achterom\r\nbij de kas",
    "pallets_per_week": "1,5",
    "invoice_email": " Facturen@Kwekerij.TEST ",
    "phone": "06 12345678",
    "website": "HTTPS://Kwekerij.Test/winkel",
    "vat_id": "nl 0044.95445.b01",
    "country": "nl",
    "business_type": "grower",
    "products": ["lilies", "tulips"],
    "terms": "true",
    "founded": "1998-04-01",
}

# key -> (value, values) as stored for GOOD.
STORED = {
    "trade_name": ("Kwekerij Jansen", ["Kwekerij Jansen"]),
    "delivery_notes": ("Achterom\nbij de kas", ["Achterom\nbij de kas"]),
    "pallets_per_week": ("1.5", ["1.5"]),
    "invoice_email": ("facturen@kwekerij.test", ["facturen@kwekerij.test"]),
    "phone": ("+31612345678", ["+31612345678"]),
    "website": ("https://kwekerij.test/winkel", ["https://kwekerij.test/winkel"]),
    "vat_id": ("NL004495445B01", ["NL004495445B01"]),
    "country": ("NL", ["NL"]),
    "business_type": ("grower", ["grower"]),
    "products": ("tulips, lilies", ["tulips", "lilies"]),
    "newsletter": ("false", ["false"]),
    "terms": ("true", ["true"]),
    "founded": ("1998-04-01", ["1998-04-01"]),
}


# --- helpers ---------------------------------------------------------------------------------


async def flora(**settings: Any) -> Shop:
    """Shop `flora` taking registrations, staff mail to orders@flora.test, asking QUESTIONS."""
    shop = await make_shop(
        "flora", registration_enabled=True, notification_email="orders@flora.test", **settings
    )
    for position, (key, (kind, required, labels, options)) in enumerate(QUESTIONS.items(), start=1):
        await RegistrationField.create(
            shop=shop, key=key, type=kind, required=required, position=position, options=options,
            labels={language: text for language, text in zip(LANGUAGES, labels, strict=True)
                    if language in shop.languages},
        )
    return shop


def answer_inputs(answers: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"key": key, "values": given} if isinstance(given, list) else {"key": key, "value": given}
        for key, given in answers.items()
    ]


def form(language: str = "nl", **changes: Any) -> dict[str, Any]:
    """The variables of Eva's submission in `language`: GOOD with `changes` (None leaves one out)."""
    answers = {key: given for key, given in (GOOD | changes).items() if given is not None}
    return {"input": {
        "shop": "flora", "name": "Eva Jansen", "email": "eva@kwekerij.test",
        "company": "Kwekerij Jansen", "language": language, "answers": answer_inputs(answers),
    }}


async def submit(client: GraphQLClient, variables: dict, **kwargs: Any) -> dict:
    return (await client.data(SUBMIT, variables, **kwargs))["submitRegistration"]


async def stored_answers() -> dict[str, tuple[str, list[str]]]:
    rows = await RegistrationAnswer.all().order_by("position")
    return {row.key: (row.value, row.values) for row in rows}


async def rows_written() -> dict[str, int]:
    return {
        model.__name__: await model.all().count()
        for model in (RegistrationRequest, RegistrationAnswer, OutboxMessage, AuditEvent)
    }


NOTHING = {"RegistrationRequest": 0, "RegistrationAnswer": 0, "OutboxMessage": 0, "AuditEvent": 0}


async def listed(client: GraphQLClient, token: str) -> list[dict]:
    data = await client.data(REQUESTS, token=token)
    return [edge["node"] for edge in data["registrationRequests"]["edges"]]


def by_key(answers: list[dict]) -> dict[str, dict]:
    """The answers by key, each one's labels as {language: text}."""
    return {
        answer["key"]: answer | {"labels": {text["language"]: text["text"] for text in answer["labels"]}}
        for answer in answers
    }


# --- good answers, stored normalised ---------------------------------------------------------


async def test_good_answers_are_stored_normalised_in_the_forms_order(client):
    await flora()

    payload = await submit(client, form("nl"))

    assert payload == {"registrationRequest": None, "shopUser": None, "userErrors": []}
    assert await stored_answers() == STORED
    assert list(await stored_answers()) == list(QUESTIONS)
    rows = {row.key: row for row in await RegistrationAnswer.all()}
    assert {key: row.type for key, row in rows.items()} == {key: q[0] for key, q in QUESTIONS.items()}
    # The label the applicant read, and every language's, copied from the question.
    assert rows["business_type"].label == "Soort bedrijf"
    assert rows["business_type"].labels == {"nl": "Soort bedrijf", "en": "Type of business",
                                            "de": "Art des Betriebs"}
    # Only the chosen options' labels are copied.
    assert rows["products"].option_labels == {
        "tulips": {"nl": "Tulpen", "en": "Tulips", "de": "Tulpen"},
        "lilies": {"nl": "Lelies", "en": "Lilies", "de": "Lilien"},
    }
    assert (await RegistrationRequest.get()).status == RegistrationStatus.PENDING


@pytest.mark.parametrize(
    ("language", "given", "stored"),
    [("nl", "1.234,50", "1234.5"), ("en", "1,234.50", "1234.5"), ("de", "0,75", "0.75"), ("en", "2", "2")],
)
async def test_a_number_is_read_in_the_applicants_language_and_stored_as_a_plain_decimal(
    client, language, given, stored
):
    await flora()

    payload = await submit(client, form(language, pallets_per_week=given))

    assert payload["userErrors"] == []
    assert (await stored_answers())["pallets_per_week"] == (stored, [stored])


async def test_a_phone_without_a_country_answer_is_read_as_from_the_shops_default_country(client):
    await flora(default_country="BE")

    payload = await submit(client, form(country=None, phone="0470 12 34 56"))

    assert payload["userErrors"] == []
    answers = await stored_answers()
    assert answers["phone"] == ("+32470123456", ["+32470123456"])
    assert "country" not in answers


async def test_the_country_answer_comes_before_the_shops_default_country(client):
    await flora(default_country="BE")

    payload = await submit(client, form(country="NL", phone="06 12345678"))

    assert payload["userErrors"] == []
    assert (await stored_answers())["phone"] == ("+31612345678", ["+31612345678"])


async def test_optional_questions_may_be_left_out_and_an_unticked_box_is_false(client):
    await flora(default_country="NL")

    payload = await submit(client, form(delivery_notes=None, website=None, country=None))

    assert payload["userErrors"] == []
    answers = await stored_answers()
    assert set(QUESTIONS) - set(answers) == {"delivery_notes", "website", "country"}
    assert answers["newsletter"] == ("false", ["false"])
    assert answers["phone"] == ("+31612345678", ["+31612345678"])


async def test_blank_optional_answers_are_left_out_too(client):
    await flora(default_country="NL")

    payload = await submit(client, form(delivery_notes="  ", website="", country=" "))

    assert payload["userErrors"] == []
    assert set(QUESTIONS) - set(await stored_answers()) == {"delivery_notes", "website", "country"}


# --- refused answers -------------------------------------------------------------------------


REFUSED = {
    "text on two lines": ("trade_name", "Kwekerij\nJansen"),
    "a number in words": ("pallets_per_week", "anderhalf"),
    "a number with an exponent": ("pallets_per_week", "1e5"),
    "an email without domain": ("invoice_email", "facturen@"),
    "a phone number too short": ("phone", "12"),
    "a phone number of letters": ("phone", "call us"),
    "an ftp address": ("website", "ftp://kwekerij.test"),
    "a javascript address": ("website", "javascript:alert(1)"),
    "a VAT number whose checksum fails": ("vat_id", "NL004495446B01"),
    "a VAT number of no country's": ("vat_id", "ABC123"),
    "no such country": ("country", "XX"),
    "a country by name": ("country", "Nederland"),
    "no such option": ("business_type", "wholesaler"),
    "two options for a choice": ("business_type", ["grower", "florist"]),
    "no such option among several": ("products", ["tulips", "orchids"]),
    "a checkbox answered yes": ("newsletter", "yes"),
    "consent refused": ("terms", "false"),
    "a date the Dutch way": ("founded", "01-04-1998"),
    "a date that does not exist": ("founded", "1998-02-30"),
    "a control character": ("trade_name", "Kwekerij\x00Jansen"),
}


@pytest.mark.parametrize(("key", "given"), list(REFUSED.values()), ids=list(REFUSED))
async def test_an_answer_its_type_refuses_is_invalid_at_its_key_and_nothing_is_kept(client, key, given):
    # So that a refused country leaves the phone number a country to be read by.
    await flora(default_country="NL")

    payload = await submit(client, form(**{key: given}))

    assert payload["registrationRequest"] is None
    assert user_errors(payload) == [(["answers", key], "INVALID")]
    assert await rows_written() == NOTHING


@pytest.mark.parametrize(
    "key", ["trade_name", "phone", "vat_id", "business_type", "products", "terms", "founded"]
)
async def test_a_required_question_left_out_is_required_and_nothing_is_kept(client, key):
    await flora(default_country="NL")

    left_out: dict[str, Any] = {key: None}
    payload = await submit(client, form(**left_out))

    assert payload["registrationRequest"] is None
    assert user_errors(payload) == [(["answers", key], "FIELD_REQUIRED")]
    assert await rows_written() == NOTHING


async def test_every_refused_answer_is_reported_at_once(client):
    await flora()

    payload = await submit(client, form(
        trade_name=None, pallets_per_week="veel", website="ftp://x.test", products=["orchids"],
    ))

    assert sorted(user_errors(payload)) == [
        (["answers", "pallets_per_week"], "INVALID"),
        (["answers", "products"], "INVALID"),
        (["answers", "trade_name"], "FIELD_REQUIRED"),
        (["answers", "website"], "INVALID"),
    ]
    assert await rows_written() == NOTHING


async def test_numbers_without_a_prefix_and_no_country_to_read_them_by_are_invalid(client):
    await flora()  # no defaultCountry

    payload = await submit(client, form(country=None, phone="06 12345678", vat_id="004495445B01"))

    assert sorted(user_errors(payload)) == [
        (["answers", "phone"], "INVALID"), (["answers", "vat_id"], "INVALID"),
    ]
    assert await rows_written() == NOTHING


async def test_a_vat_number_without_a_prefix_is_read_as_from_the_country_answered(client):
    await flora()

    payload = await submit(client, form(country="NL", vat_id="0044.95445.B01"))

    assert payload["userErrors"] == []
    assert (await stored_answers())["vat_id"] == ("NL004495445B01", ["NL004495445B01"])


# --- the answer keeps its copy of the question -----------------------------------------------


async def test_staff_read_the_question_as_it_was_asked_after_it_is_changed_or_deleted(client):
    shop = await flora()
    await submit(client, form("nl"))
    staff = await staff_token(client)
    business_type = await RegistrationField.get(shop_id=shop.id, key="business_type")
    products = await RegistrationField.get(shop_id=shop.id, key="products")

    changed = await client.data(UPDATE_FIELD, {"input": {
        "id": gid(business_type),
        "labels": [{"language": "nl", "text": "Branche"}, {"language": "de", "text": "Branche"}],
        "options": [
            {"value": "grower", "labels": [{"language": "nl", "text": "Teler"},
                                           {"language": "de", "text": "Erzeuger"}]},
            {"value": "florist", "labels": [{"language": "nl", "text": "Bloemist"}]},
        ],
    }}, token=staff)
    deleted = await client.data(DELETE_FIELD, {"id": gid(products)}, token=staff)
    assert changed["updateRegistrationField"]["userErrors"] == []
    assert deleted["deleteRegistrationField"]["userErrors"] == []

    [request] = await listed(client, staff)

    answers = by_key(request["answers"])
    assert list(answers) == list(QUESTIONS)
    assert answers["business_type"] == {
        "key": "business_type", "label": "Soort bedrijf", "type": "CHOICE",
        "labels": {"nl": "Soort bedrijf", "en": "Type of business", "de": "Art des Betriebs"},
        "value": "grower", "values": ["grower"], "displayValue": "Kweker",
    }
    assert answers["products"] == {
        "key": "products", "label": "Producten", "type": "MULTI_CHOICE",
        "labels": {"nl": "Producten", "en": "Products", "de": "Produkte"},
        "value": "tulips, lilies", "values": ["tulips", "lilies"], "displayValue": "Tulpen, Lelies",
    }
    assert {key: (a["value"], a["values"]) for key, a in answers.items()} == {
        key: (value, values) for key, (value, values) in STORED.items()
    }
    assert {key: a["type"] for key, a in answers.items()} == {key: q[0].value for key, q in QUESTIONS.items()}


async def test_answers_in_german_give_german_labels_options_and_country_names(client):
    await flora()
    await submit(client, form("nl"))
    staff = await staff_token(client)

    [request] = await listed(client, staff)

    german = by_key(request["german"])
    assert (german["business_type"]["label"], german["business_type"]["displayValue"]) == (
        "Art des Betriebs", "Gärtnerei",
    )
    assert (german["products"]["label"], german["products"]["displayValue"]) == ("Produkte", "Tulpen, Lilien")
    assert (german["country"]["label"], german["country"]["displayValue"]) == ("Land", "Niederlande")
    # What has nothing to translate reads as stored; the values stay the values.
    assert german["phone"]["displayValue"] == "+31612345678"
    assert german["products"]["values"] == ["tulips", "lilies"]
    # Without a language: as the applicant read it, in Dutch.
    dutch = by_key(request["answers"])
    assert (dutch["country"]["label"], dutch["country"]["displayValue"]) == ("Land", "Nederland")
    assert dutch["business_type"]["displayValue"] == "Kweker"


async def test_an_answers_labels_come_in_the_shops_languages_then_the_others_alphabetically(client):
    shop = await make_shop("flora", registration_enabled=True, languages=["en", "nl"])
    # Labels in languages the shop offered once and no longer: the copy keeps them.
    await RegistrationField.create(
        shop=shop, key="trade_name", position=1,
        labels={"fr": "Nom commercial", "nl": "Handelsnaam", "de": "Handelsname", "en": "Trade name"},
    )
    submitted = await submit(client, {"input": {
        "shop": "flora", "name": "Eva Jansen", "email": "eva@kwekerij.test", "language": "nl",
        "answers": [{"key": "trade_name", "value": "Kwekerij Jansen"}],
    }})
    assert submitted["userErrors"] == []
    staff = await staff_token(client)

    [request] = await listed(client, staff)

    [answer] = request["answers"]
    assert [text["language"] for text in answer["labels"]] == ["en", "nl", "de", "fr"]
    assert answer["label"] == "Handelsnaam"


async def test_a_regional_language_reads_the_label_of_its_base_language_in_mails_and_answers(client):
    shop = await make_shop(
        "flora", registration_enabled=True, notification_email="orders@flora.test", languages=["de-AT", "en"]
    )
    # Labelled when the shop offered plain German.
    await RegistrationField.create(
        shop=shop, key="trade_name", position=1, labels={"de": "Handelsname", "en": "Trade name"},
    )
    submitted = await submit(client, {"input": {
        "shop": "flora", "name": "Eva Jansen", "email": "eva@kwekerij.test", "language": "en",
        "answers": [{"key": "trade_name", "value": "Kwekerij Jansen"}],
    }})
    assert submitted["userErrors"] == []
    staff = await staff_token(client)

    data = await client.data(AUSTRIAN_LABELS, token=staff)

    [edge] = data["registrationRequests"]["edges"]
    assert edge["node"] == {"austrian": [{"label": "Handelsname"}], "answers": [{"label": "Trade name"}]}
    staff_mail = await OutboxMessage.get(template="staff_new_request")
    assert staff_mail.language == "de-AT"
    assert [line["label"] for line in staff_mail.context["answers"]] == ["Handelsname"]


async def test_matching_debtors_finds_the_debtor_of_the_compact_vat_number(client):
    await flora()
    await make_debtor("Jansen Holding", number="BY-VAT", vat_number="NL004495445B01")
    await make_debtor("Someone Else", number="NO-MATCH", vat_number="NL000099998B57")
    await submit(client, form(vat_id="nl 0044.95445.b01"))
    staff = await staff_token(client)

    [request] = await listed(client, staff)

    assert request["matchingDebtors"] == [{"number": "BY-VAT"}]


# --- the staff mail --------------------------------------------------------------------------


async def test_the_staff_mail_shows_labels_and_options_in_the_shops_first_language(client):
    await flora(languages=["de", "en"])

    payload = await submit(client, form("en", pallets_per_week="1.5"))

    assert payload["userErrors"] == []
    staff = await OutboxMessage.get(template="staff_new_request")
    assert (staff.recipient, staff.language) == ("orders@flora.test", "de")
    lines = {line["label"]: line["value"] for line in staff.context["answers"]}
    assert lines["Art des Betriebs"] == "Gärtnerei"
    assert lines["Produkte"] == "Tulpen, Lilien"
    assert lines["Land"] == "Niederlande"
    assert lines["Telefon"] == "+31612345678"
    assert "Type of business" not in lines
    rendered = render(staff.template, staff.language, staff.context)
    assert "Art des Betriebs" in rendered.text
    assert "Gärtnerei" in rendered.text
    assert "Grower" not in rendered.text
    applicant = await OutboxMessage.get(template="request_received")
    assert applicant.language == "en"


# --- one open request per email and shop -----------------------------------------------------


async def test_a_second_submission_while_the_first_waits_answers_alike_and_makes_nothing(client):
    await flora()
    first = await submit(client, form())
    before = await rows_written()
    request = await RegistrationRequest.get()

    second = await submit(client, {"input": {
        **form(trade_name="Jansen Bloemen")["input"], "email": "EVA@Kwekerij.test", "name": "Eva J.",
    }})

    assert second == first == {"registrationRequest": None, "shopUser": None, "userErrors": []}
    after = await rows_written()
    assert after["RegistrationRequest"] == before["RegistrationRequest"] == 1
    assert after["RegistrationAnswer"] == before["RegistrationAnswer"]
    assert after["OutboxMessage"] == before["OutboxMessage"] == 2
    kept = await RegistrationRequest.get()
    assert (kept.id, kept.name) == (request.id, "Eva Jansen")
    assert (await stored_answers())["trade_name"] == ("Kwekerij Jansen", ["Kwekerij Jansen"])


async def test_a_staff_caller_submitting_again_is_shown_the_open_request(client):
    await flora()
    staff = await staff_token(client)
    first = await submit(client, form(), token=staff)

    second = await submit(client, form(), token=staff)

    request = await RegistrationRequest.get()
    assert first["registrationRequest"] == second["registrationRequest"] == {
        "id": gid(request), "status": "PENDING", "email": "eva@kwekerij.test",
    }
    assert await OutboxMessage.all().count() == 2


async def test_after_the_first_request_is_rejected_a_new_submission_opens_a_new_one(client):
    await flora()
    await submit(client, form())
    first = await RegistrationRequest.get()
    staff = await staff_token(client)
    rejected = await client.data(REJECT, {"ids": [gid(first)]}, token=staff)
    assert rejected["reject"]["userErrors"] == []

    payload = await submit(client, form())

    assert payload["userErrors"] == []
    requests = await RegistrationRequest.all().order_by("id")
    assert [(r.id == first.id, r.status) for r in requests] == [
        (True, RegistrationStatus.REJECTED), (False, RegistrationStatus.PENDING),
    ]
    assert await OutboxMessage.filter(template="staff_new_request").count() == 2
    assert await OutboxMessage.filter(template="request_received").count() == 2


@pytest.mark.postgres_only
async def test_ten_submissions_of_one_email_at_once_make_one_request_and_one_set_of_mails(pg_db):
    await flora()
    runtime, caller = cheap_runtime(), Caller(viewer=None, client_address="203.0.113.7")
    answers = [
        GivenAnswer(key, values=given) if isinstance(given, list) else GivenAnswer(key, given)
        for key, given in GOOD.items()
    ]
    submission = Submission(
        shop_handle="flora", name="Eva Jansen", email="eva@kwekerij.test", company="Kwekerij Jansen",
        language="nl", answers=answers,
    )

    outcomes = await asyncio.gather(
        *(submit_registration(runtime, caller, submission) for _ in range(10)), return_exceptions=True
    )

    [request] = await RegistrationRequest.all()
    assert [getattr(outcome, "request", outcome) for outcome in outcomes] == [request] * 10
    assert await RegistrationAnswer.filter(request_id=request.id).count() == len(QUESTIONS)
    assert sorted(m.template for m in await OutboxMessage.all()) == ["request_received", "staff_new_request"]
    assert await AuditEvent.filter(action="registration.submitted").count() == 1
