"""submitRegistration (rules 1, 2, 3 and 7 of docs/api.md): the public form, as a storefront submits it.

Given a shop with registration on and extra questions, when anyone submits the
form, then every problem of the input is reported at once with its field and
nothing is written; a good MANUAL submission is a PENDING request with mail to
staff and the customer; a good AUTOMATIC one is an ACTIVE account at once. An
email that already has a user in the shop answers exactly as a new one does,
makes no request and mails that user a note instead. Staff see which existing
debtors a request matches, strongest clue first.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models import (
    ActorKind,
    AuditEvent,
    ContactPerson,
    Debtor,
    OutboxMessage,
    RegistrationAnswer,
    RegistrationField,
    RegistrationRequest,
    Shop,
    ShopUser,
)
from resolvers.registrations import MAX_ANSWER_LENGTH
from schema.nodes import global_id
from tests.api.sign_in import login, staff_token
from tests.api.submissions import submission
from tests.factories import make_contact, make_debtor, make_field, make_shop, make_shop_user
from tests.graphql_answers import UserError, payload_of, user_errors

CHOSEN_PASSWORD = "Hyacinth-Meadow-6620"

SUBMIT = """
mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) {
    registrationRequest {
      id status name email company language
      answers { key label value }
    }
    shopUser { id username status language }
    userErrors { field code message }
  }
}"""

REQUESTS = """
{
  registrationRequests(shop: "flora") {
    edges { node { email answers { key label value } matchingDebtors { number } } }
  }
}"""

UPDATE_FIELD = """
mutation($id: ID!, $label: String) {
  updateRegistrationField(input: {id: $id, label: $label}) {
    registrationField { label } userErrors { code }
  }
}"""

DELETE_FIELD = """
mutation($id: ID!) {
  deleteRegistrationField(input: {id: $id}) { deletedId userErrors { code } }
}"""

FORM = """
query { registrationForm(shop: "flora") { fields { key label position } } }"""


# --- helpers ---------------------------------------------------------------------------------


async def flora(*fields: tuple[str, str], **settings) -> Shop:
    """Shop `flora`, registration on, staff mail to orders@flora.test; extra fields in order
    (by default one: the chamber of commerce number)."""
    values = {
        "registration_enabled": True, "notification_email": "orders@flora.test",
        "default_price_list_tags": ["wholesale", "bulbs"], **settings,
    }
    shop = await make_shop("flora", **values)
    for position, (key, label) in enumerate(fields or [("chamber_of_commerce", "KvK number")], start=1):
        await make_field(shop, key, label, position=position)
    return shop


def automatic(**values) -> dict:
    return submission(password=CHOSEN_PASSWORD, passwordConfirmation=CHOSEN_PASSWORD, **values)


async def submit(client, variables: dict, **kwargs) -> dict:
    return (await client.data(SUBMIT, variables, **kwargs))["submitRegistration"]


def refusals(payload: dict) -> list[UserError]:
    """The user errors of a refused submission, which made nothing, sorted: every problem
    is reported at once, in no particular order."""
    assert payload["registrationRequest"] is None, payload
    assert payload["shopUser"] is None, payload
    assert payload["userErrors"], payload
    return sorted(user_errors(payload), key=lambda error: (error[0] or [], error[1]))


async def rows_written() -> dict[str, int]:
    return {
        model.__name__: await model.all().count()
        for model in (RegistrationRequest, RegistrationAnswer, OutboxMessage, Debtor,
                      ContactPerson, ShopUser, AuditEvent)
    }


NOTHING = {
    "RegistrationRequest": 0, "RegistrationAnswer": 0, "OutboxMessage": 0, "Debtor": 0,
    "ContactPerson": 0, "ShopUser": 0, "AuditEvent": 0,
}


# --- rule 1 of docs/api.md: the shop and the form --------------------------------------------


@pytest.mark.parametrize("mode", ["MANUAL", "AUTOMATIC"])
async def test_a_shop_with_registration_off_refuses_and_writes_and_hashes_nothing(client, hashed, mode):
    await flora(registration_enabled=False, approval_mode=mode)

    payload = await submit(client, automatic() if mode == "AUTOMATIC" else submission())

    assert refusals(payload) == [(["shop"], "REGISTRATION_DISABLED")]
    assert await rows_written() == NOTHING
    assert hashed == []


async def test_an_unknown_shop_is_not_found(client):
    await flora()

    payload = await submit(client, submission(shop="no-such-shop"))

    assert refusals(payload) == [(["shop"], "NOT_FOUND")]
    assert await rows_written() == NOTHING


async def test_a_shop_handle_with_a_nul_is_not_found(client, database_url, request):
    await flora()

    body = await client.execute(SUBMIT, submission(shop="flo\x00ra"))

    assert refusals(payload_of(body, "submitRegistration")) == [(["shop"], "NOT_FOUND")]
    assert await rows_written() == NOTHING


async def test_each_unanswered_or_blank_extra_field_is_required_by_its_key(client):
    await flora(("chamber_of_commerce", "KvK number"), ("vat_number", "VAT number"), ("website", "Website"))

    payload = await submit(client, submission(answers=[
        {"key": "chamber_of_commerce", "value": "   "},
        {"key": "website", "value": "https://kwekerij.test"},
    ]))

    assert refusals(payload) == [
        (["answers", "chamber_of_commerce"], "FIELD_REQUIRED"),
        (["answers", "vat_number"], "FIELD_REQUIRED"),
    ]
    messages = {e["field"][1]: e["message"] for e in payload["userErrors"]}
    assert "KvK number" in messages["chamber_of_commerce"]
    assert "VAT number" in messages["vat_number"]
    assert await rows_written() == NOTHING


@pytest.mark.parametrize("answers", [None, []], ids=["answers-null", "answers-empty"])
async def test_no_answers_at_all_names_every_extra_field(client, answers):
    await flora(("chamber_of_commerce", "KvK number"), ("vat_number", "VAT number"))

    payload = await submit(client, submission(answers=answers))

    assert refusals(payload) == [
        (["answers", "chamber_of_commerce"], "FIELD_REQUIRED"),
        (["answers", "vat_number"], "FIELD_REQUIRED"),
    ]
    assert await rows_written() == NOTHING


async def test_a_form_without_extra_fields_needs_no_answers(client):
    shop = await flora()
    await RegistrationField.filter(shop_id=shop.id).delete()

    payload = await submit(client, submission(answers=None))

    assert payload["userErrors"] == []
    assert await RegistrationRequest.all().count() == 1
    assert await RegistrationAnswer.all().count() == 0


async def test_an_answer_to_a_question_the_form_does_not_ask_is_invalid(client):
    await flora()

    payload = await submit(client, submission(answers=[
        {"key": "chamber_of_commerce", "value": "12345678"},
        {"key": "favourite_colour", "value": "blue"},
    ]))

    assert refusals(payload) == [(["answers", "favourite_colour"], "INVALID")]
    assert await rows_written() == NOTHING


async def test_a_question_answered_twice_is_invalid(client):
    await flora()

    payload = await submit(client, submission(answers=[
        {"key": "chamber_of_commerce", "value": "12345678"},
        {"key": "chamber_of_commerce", "value": "87654321"},
    ]))

    assert refusals(payload) == [(["answers", "chamber_of_commerce"], "INVALID")]
    assert await rows_written() == NOTHING


async def test_a_question_answered_twice_is_reported_once(client):
    await flora()

    payload = await submit(client, submission(answers=[
        {"key": "chamber_of_commerce", "value": "12345678"},
        {"key": "chamber_of_commerce", "value": "87654321"},
    ]))

    assert user_errors(payload) == [
        (["answers", "chamber_of_commerce"], "INVALID"),
    ]


async def test_an_answer_with_a_control_character_is_invalid(client):
    await flora()

    body = await client.execute(SUBMIT, submission(answers=[
        {"key": "chamber_of_commerce", "value": "1234\x005678"},
    ]))

    payload = payload_of(body, "submitRegistration")
    assert refusals(payload) == [(["answers", "chamber_of_commerce"], "INVALID")]
    assert await rows_written() == NOTHING


async def test_an_answer_may_have_2000_characters_and_no_more(client):
    await flora()
    too_long = await submit(client, submission(answers=[
        {"key": "chamber_of_commerce", "value": "x" * (MAX_ANSWER_LENGTH + 1)},
    ]))
    assert refusals(too_long) == [(["answers", "chamber_of_commerce"], "INVALID")]
    assert await rows_written() == NOTHING

    at_limit = await submit(client, submission(answers=[
        {"key": "chamber_of_commerce", "value": "x" * MAX_ANSWER_LENGTH},
    ]))

    assert at_limit["userErrors"] == []
    assert (await RegistrationAnswer.get()).value == "x" * MAX_ANSWER_LENGTH


@pytest.mark.parametrize("email", ["not-an-email", "eva@", "eva jansen@kwekerij.test", ""])
async def test_a_malformed_email_is_invalid(client, email):
    await flora()

    payload = await submit(client, submission(email=email))

    assert refusals(payload) == [(["email"], "INVALID")]
    assert await rows_written() == NOTHING


async def test_an_email_may_have_150_characters_the_longest_username(client):
    await flora(approval_mode="AUTOMATIC")
    domain = "@" + "k" * 60 + "." + "k" * 20 + ".test"
    longest = "e" * (150 - len(domain)) + domain
    assert len(longest) == 150

    too_long = await submit(client, automatic(email="e" + longest))
    assert refusals(too_long) == [(["email"], "INVALID")]
    assert await rows_written() == NOTHING

    payload = await submit(client, automatic(email=longest))

    assert payload["userErrors"] == []
    assert (await ShopUser.get()).username == longest


async def test_a_blank_name_is_required(client):
    await flora()

    payload = await submit(client, submission(name="   "))

    assert refusals(payload) == [(["name"], "FIELD_REQUIRED")]
    assert await rows_written() == NOTHING


@pytest.mark.parametrize("language", ["fr", "xx"])
async def test_a_language_the_shop_does_not_offer_is_refused(client, language):
    await flora(languages=["nl", "en"])

    payload = await submit(client, submission(language=language))

    assert refusals(payload) == [(["language"], "LANGUAGE_NOT_OFFERED")]
    assert await rows_written() == NOTHING


async def test_every_problem_of_a_submission_is_reported_at_once(client):
    await flora(("chamber_of_commerce", "KvK number"), ("vat_number", "VAT number"), languages=["nl", "en"])

    payload = await submit(client, submission(
        name="", email="eva at kwekerij", language="de", password=CHOSEN_PASSWORD,
        answers=[{"key": "vat_number", "value": "NL853865392B01"}, {"key": "shoe_size", "value": "42"}],
    ))

    assert refusals(payload) == [
        (["answers", "chamber_of_commerce"], "FIELD_REQUIRED"),
        (["answers", "shoe_size"], "INVALID"),
        (["email"], "INVALID"),
        (["language"], "LANGUAGE_NOT_OFFERED"),
        (["name"], "FIELD_REQUIRED"),
        (["password"], "INVALID"),
    ]
    assert await rows_written() == NOTHING


# --- rule 2 of docs/api.md: MANUAL mode ------------------------------------------------------


async def test_manual_mode_keeps_a_pending_request_and_mails_staff_and_customer(client):
    await flora(("chamber_of_commerce", "KvK number"), ("vat_number", "VAT number"), languages=["nl", "en"])

    payload = await submit(client, submission(
        name="  Eva Jansen ", email="Eva@Kwekerij.TEST", answers=[
            {"key": "vat_number", "value": " NL853865392B01 "},
            {"key": "chamber_of_commerce", "value": "12345678"},
        ],
    ))

    assert payload == {"registrationRequest": None, "shopUser": None, "userErrors": []}
    request = await RegistrationRequest.get()
    assert (request.status, request.name, request.email, request.company, request.language) == (
        "PENDING", "Eva Jansen", "eva@kwekerij.test", "Kwekerij Jansen", "en",
    )
    assert request.debtor_id is None
    assert request.shop_user_id is None
    assert request.decided_at is None
    answers = await RegistrationAnswer.filter(request_id=request.id).order_by("position")
    assert [(a.key, a.label, a.value) for a in answers] == [
        ("chamber_of_commerce", "KvK number", "12345678"),
        ("vat_number", "VAT number", "NL853865392B01"),
    ]
    assert await Debtor.all().count() == 0
    assert await ShopUser.all().count() == 0

    mails = {m.template: m for m in await OutboxMessage.all()}
    assert set(mails) == {"staff_new_request", "request_received"}
    staff = mails["staff_new_request"]
    assert (staff.recipient, staff.language) == ("orders@flora.test", "nl")
    assert staff.context["name"] == "Eva Jansen"
    assert staff.context["email"] == "eva@kwekerij.test"
    assert staff.context["company"] == "Kwekerij Jansen"
    assert staff.context["answers"] == [
        {"label": "KvK number", "value": "12345678"},
        {"label": "VAT number", "value": "NL853865392B01"},
    ]
    received = mails["request_received"]
    assert (received.recipient, received.language) == ("eva@kwekerij.test", "en")

    event = await AuditEvent.get(action="registration.submitted")
    assert event.actor_kind == ActorKind.ANONYMOUS
    assert event.object_id == request.id


async def test_manual_mode_without_a_notification_email_mails_only_the_customer(client):
    await flora(notification_email=None)

    payload = await submit(client, submission())

    assert payload["userErrors"] == []
    assert [(m.template, m.recipient) for m in await OutboxMessage.all()] == [
        ("request_received", "eva@kwekerij.test"),
    ]


async def test_the_language_defaults_to_the_shops_first(client):
    await flora(languages=["de", "en"])

    payload = await submit(client, submission(language=None))

    assert payload["userErrors"] == []
    assert (await RegistrationRequest.get()).language == "de"
    assert (await OutboxMessage.get(template="request_received")).language == "de"


async def test_manual_mode_refuses_a_password_and_writes_nothing(client, hashed):
    await flora()

    payload = await submit(client, automatic())

    assert refusals(payload) == [(["password"], "INVALID")]
    assert await rows_written() == NOTHING
    assert hashed == []


# --- rule 3 of docs/api.md: AUTOMATIC mode ---------------------------------------------------


async def test_automatic_mode_makes_an_active_account_at_once_with_the_default_tags(client, hashed):
    await flora(approval_mode="AUTOMATIC", languages=["nl", "en"])

    payload = await submit(client, automatic(email="Eva@Kwekerij.test"))

    assert payload == {"registrationRequest": None, "shopUser": None, "userErrors": []}
    assert hashed == [CHOSEN_PASSWORD]
    request = await RegistrationRequest.get()
    assert request.status == "APPROVED"
    assert request.decided_at is not None
    shop_user = await ShopUser.get().select_related("contact__debtor")
    assert (request.shop_user_id, request.debtor_id) == (shop_user.id, shop_user.contact.debtor_id)
    assert shop_user.username == "eva@kwekerij.test"
    assert shop_user.language == "en"
    assert shop_user.password_hash is not None
    assert not shop_user.excluded
    assert not shop_user.must_change_password
    contact = shop_user.contact
    assert (contact.first_name, contact.last_name, contact.email) == ("Eva", "Jansen", "eva@kwekerij.test")
    assert contact.debtor.name == "Kwekerij Jansen"
    assert contact.debtor.price_list_tags == ["wholesale", "bulbs"]

    mails = {m.template: m for m in await OutboxMessage.all()}
    assert set(mails) == {"welcome", "staff_account_created"}
    welcome = mails["welcome"]
    assert (welcome.recipient, welcome.language) == ("eva@kwekerij.test", "en")
    assert welcome.context["username"] == "eva@kwekerij.test"
    staff = mails["staff_account_created"]
    assert (staff.recipient, staff.language) == ("orders@flora.test", "nl")
    assert staff.context["answers"] == [{"label": "KvK number", "value": "12345678"}]
    assert await AuditEvent.filter(action="registration.approved_automatically").count() == 1

    assert (await login(client, "eva@kwekerij.test", CHOSEN_PASSWORD))["userErrors"] == []


@pytest.mark.parametrize(
    ("password", "confirmation", "expected"),
    [
        (CHOSEN_PASSWORD, "Hyacinth-Meadow-6621", [(["passwordConfirmation"], "PASSWORD_MISMATCH")]),
        ("Summer2024", "Summer2024", [(["password"], "PASSWORD_TOO_WEAK")]),
        ("Eva@Kwekerij.test2026", "Eva@Kwekerij.test2026", [(["password"], "PASSWORD_TOO_WEAK")]),
        (None, None, [(["password"], "FIELD_REQUIRED")]),
        (CHOSEN_PASSWORD, None, [(["passwordConfirmation"], "FIELD_REQUIRED")]),
    ],
    ids=["mismatch", "well-known", "the-email", "no-password", "no-confirmation"],
)
async def test_automatic_mode_needs_a_good_password_typed_twice_and_writes_nothing_else(
    client, hashed, password, confirmation, expected
):
    await flora(approval_mode="AUTOMATIC")

    payload = await submit(client, submission(password=password, passwordConfirmation=confirmation))

    assert refusals(payload) == expected
    assert await rows_written() == NOTHING
    assert hashed == []


# --- rule 7 of docs/api.md: existing shop users ----------------------------------------------


async def eva_with_a_user(
    *, username: str = "eva", email: str | None = "eva@kwekerij.test", **values
) -> ShopUser:
    """A shop user of flora whose contact (or username) is Eva's email; language de."""
    shop = await Shop.get(handle="flora")
    debtor = await make_debtor("Kwekerij Jansen")
    contact = await make_contact(debtor, "Eva", last_name="Jansen", email=email)
    return await make_shop_user(shop, contact, username, language="de", **values)


@pytest.mark.parametrize(
    ("mode", "username", "contact_email", "given"),
    [
        ("MANUAL", "eva", "eva@kwekerij.test", "EVA@Kwekerij.test"),
        ("AUTOMATIC", "Eva@Kwekerij.test", None, "eva@kwekerij.test"),
    ],
    ids=["manual-contact-email", "automatic-username"],
)
async def test_an_existing_user_gets_the_same_answer_as_a_new_email_and_a_note_instead(
    client, mode, username, contact_email, given
):
    await flora(approval_mode=mode)
    existing = await eva_with_a_user(username=username, email=contact_email, password=None)
    variables = automatic if mode == "AUTOMATIC" else submission
    before = await rows_written()

    answer_for_existing = await client.execute(SUBMIT, variables(email=given))

    after = await rows_written()
    assert after["RegistrationRequest"] == 0
    assert after["RegistrationAnswer"] == 0
    assert (after["Debtor"], after["ContactPerson"], after["ShopUser"]) == (
        before["Debtor"], before["ContactPerson"], before["ShopUser"],
    )
    note = await OutboxMessage.get()
    assert (note.template, note.recipient, note.language) == ("already_registered", "eva@kwekerij.test", "de")
    assert "/account/reset-password?token=" in note.context["reset_url"]
    assert note.context["sign_in_url"]
    assert (await AuditEvent.get(action="registration.existing_account")).object_id == existing.id

    answer_for_new = await client.execute(SUBMIT, variables(email="someone.new@kwekerij.test"))

    assert answer_for_existing == answer_for_new
    assert await RegistrationRequest.filter(email="someone.new@kwekerij.test").count() == 1
    assert await OutboxMessage.filter(template="already_registered").count() == 1


async def test_an_existing_users_refusals_read_as_a_new_emails(client):
    await flora()
    await eva_with_a_user(password=None)

    for_existing = await client.execute(SUBMIT, submission(name=" ", answers=[]))
    for_new = await client.execute(SUBMIT, submission(name=" ", answers=[], email="new@kwekerij.test"))

    assert for_existing == for_new
    assert await rows_written() == {**NOTHING, "Debtor": 1, "ContactPerson": 1, "ShopUser": 1}


async def test_an_excluded_user_gets_the_same_answer_and_no_mail(client):
    await flora()
    await eva_with_a_user(password=None, excluded=True, exclusion_reason="unpaid invoices")

    payload = await submit(client, submission())

    assert payload == {"registrationRequest": None, "shopUser": None, "userErrors": []}
    assert await RegistrationRequest.all().count() == 0
    assert await OutboxMessage.all().count() == 0


async def test_an_active_user_gets_the_note_though_an_excluded_user_shares_the_email(client):
    # Eva's old login (username = her email) is excluded; her current one has her email on its contact.
    shop = await flora()
    old_debtor = await make_debtor("Kwekerij Jansen (old)")
    old_contact = await make_contact(old_debtor, "Eva", last_name="Jansen", email="eva.old@kwekerij.test")
    await make_shop_user(shop, old_contact, "eva@kwekerij.test", password=None, excluded=True)
    await eva_with_a_user(username="eva.jansen", password=None)

    await submit(client, submission())

    assert await RegistrationRequest.all().count() == 0
    note = await OutboxMessage.get_or_none(template="already_registered")
    assert note is not None
    assert note.recipient == "eva@kwekerij.test"


async def test_an_exclusion_that_has_ended_counts_as_an_account_again(client):
    await flora()
    await eva_with_a_user(
        password=None, excluded=True, excluded_until=datetime(2020, 1, 1, tzinfo=UTC),
    )

    await submit(client, submission())

    assert await RegistrationRequest.all().count() == 0
    assert (await OutboxMessage.get()).template == "already_registered"


async def test_a_user_of_another_shop_with_that_email_registers_as_new(client):
    await flora()
    elsewhere = await make_shop("tulip")
    contact = await make_contact(await make_debtor("Kwekerij Jansen"), email="eva@kwekerij.test")
    await make_shop_user(elsewhere, contact, "eva", password=None)

    payload = await submit(client, submission())

    assert payload["userErrors"] == []
    assert (await RegistrationRequest.get()).status == "PENDING"
    assert {m.template for m in await OutboxMessage.all()} == {"staff_new_request", "request_received"}


# --- staff callers ---------------------------------------------------------------------------


async def test_a_staff_caller_sees_the_pending_request_it_made(client):
    await flora()
    staff = await staff_token(client)

    payload = await submit(client, submission(), token=staff)

    assert payload["userErrors"] == []
    assert payload["shopUser"] is None
    request = await RegistrationRequest.get()
    assert payload["registrationRequest"] == {
        "id": global_id("RegistrationRequest", request.id), "status": "PENDING",
        "name": "Eva Jansen", "email": "eva@kwekerij.test", "company": "Kwekerij Jansen", "language": "en",
        "answers": [{"key": "chamber_of_commerce", "label": "KvK number", "value": "12345678"}],
    }


async def test_a_staff_caller_sees_the_account_an_automatic_shop_made(client):
    await flora(approval_mode="AUTOMATIC")
    staff = await staff_token(client)

    payload = await submit(client, automatic(), token=staff)

    assert payload["userErrors"] == []
    shop_user = await ShopUser.get()
    assert payload["registrationRequest"]["status"] == "APPROVED"
    assert payload["shopUser"] == {
        "id": global_id("ShopUser", shop_user.id), "username": "eva@kwekerij.test",
        "status": "ACTIVE", "language": "en",
    }


# --- answers keep their label ----------------------------------------------------------------


async def test_answers_keep_the_label_they_were_asked_with_after_relabelling_or_deleting(client):
    shop = await flora(("chamber_of_commerce", "KvK number"), ("vat_number", "VAT number"))
    await submit(client, submission(answers=[
        {"key": "chamber_of_commerce", "value": "12345678"},
        {"key": "vat_number", "value": "NL853865392B01"},
    ]))
    staff = await staff_token(client)
    kvk = await RegistrationField.get(shop_id=shop.id, key="chamber_of_commerce")
    vat = await RegistrationField.get(shop_id=shop.id, key="vat_number")

    relabelled = await client.data(
        UPDATE_FIELD, {"id": global_id("RegistrationField", kvk.id), "label": "Chamber of Commerce no."},
        token=staff,
    )
    deleted = await client.data(DELETE_FIELD, {"id": global_id("RegistrationField", vat.id)}, token=staff)
    assert relabelled["updateRegistrationField"]["userErrors"] == []
    assert deleted["deleteRegistrationField"]["userErrors"] == []

    form = (await client.data(FORM))["registrationForm"]
    assert form["fields"] == [
        {"key": "chamber_of_commerce", "label": "Chamber of Commerce no.", "position": 1},
    ]
    listed = (await client.data(REQUESTS, token=staff))["registrationRequests"]["edges"]
    assert [edge["node"]["answers"] for edge in listed] == [[
        {"key": "chamber_of_commerce", "label": "KvK number", "value": "12345678"},
        {"key": "vat_number", "label": "VAT number", "value": "NL853865392B01"},
    ]]


# --- matchingDebtors -------------------------------------------------------------------------


async def matches_of(client, token: str) -> list[str]:
    listed = (await client.data(REQUESTS, token=token))["registrationRequests"]["edges"]
    assert len(listed) == 1
    return [debtor["number"] for debtor in listed[0]["node"]["matchingDebtors"]]


async def test_matching_debtors_by_contact_email_debtor_email_vat_and_company_strongest_first(client):
    await flora(("chamber_of_commerce", "KvK number"), ("vat_number", "VAT number"))
    # Made weakest clue first, so the order shown is not simply the order of creation.
    by_company = await make_debtor("KWEKERIJ JANSEN", number="BY-COMPANY")
    by_vat = await make_debtor("Jansen Holding", number="BY-VAT", vat_number="NL853865392B01")
    by_email = await make_debtor("Eva's Old Shop", number="BY-EMAIL", email="eva@kwekerij.test")
    # Matched twice (contact email and company name): shown once, where its strongest clue puts it.
    by_contact = await make_debtor("kwekerij jansen", number="BY-CONTACT")
    await make_contact(by_contact, "Eva", email="eva@kwekerij.test")
    await make_debtor("Kwekerij Jansen Export BV", number="UNRELATED", vat_number="NL000000000B01",
                      email="export@kwekerij.test")
    await make_contact(await make_debtor("Other", number="OTHER"), "Piet", email="piet@kwekerij.test")
    await submit(client, submission(answers=[
        {"key": "chamber_of_commerce", "value": "NL853865392B01"},
        {"key": "vat_number", "value": "nl 8538.65.392.b01"},
    ]))
    staff = await staff_token(client)

    matches = await matches_of(client, staff)

    assert matches == [by_contact.number, by_email.number, by_vat.number, by_company.number]


@pytest.mark.parametrize("clue", ["contact-email", "debtor-email", "vat", "company"])
async def test_each_clue_alone_finds_its_debtor(client, clue):
    await flora(("vat_number", "VAT number"))
    match = await make_debtor("Jansen Holding", number="MATCH")
    if clue == "contact-email":
        await make_contact(match, "Eva", email="EVA@kwekerij.test")
    elif clue == "debtor-email":
        await Debtor.filter(id=match.id).update(email="eva@kwekerij.test")
    elif clue == "vat":
        await Debtor.filter(id=match.id).update(vat_number="NL853865392B01")
    else:
        match.name = "kWeKeRiJ  jAnSeN"
        await match.save()
    await make_debtor("Someone Else", number="NO-MATCH", vat_number="BE0123456789", email="x@else.test")
    await submit(client, submission(answers=[{"key": "vat_number", "value": "NL 853.865.392 B01"}]))
    staff = await staff_token(client)

    assert await matches_of(client, staff) == ["MATCH"]


async def test_a_vat_number_answered_to_another_question_matches_nothing(client):
    await flora(("chamber_of_commerce", "KvK number"))
    await make_debtor("Jansen Holding", number="BY-VAT", vat_number="NL853865392B01")
    await submit(client, submission(company=None, answers=[
        {"key": "chamber_of_commerce", "value": "NL853865392B01"},
    ]))
    staff = await staff_token(client)

    assert await matches_of(client, staff) == []


async def test_a_company_name_with_accents_matches_ignoring_case(client):
    await flora()
    await make_debtor("GÄRTNEREI MÜLLER", number="UMLAUT")
    await submit(client, submission(company="Gärtnerei Müller"))
    staff = await staff_token(client)

    assert await matches_of(client, staff) == ["UMLAUT"]


