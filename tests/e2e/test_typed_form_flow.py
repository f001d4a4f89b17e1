"""A typed registration form end to end: answered in Dutch, confirmed by mail, read by staff in English.

The shop asks a choice, a VAT number, a phone number and a consent checkbox; the
answers come back normalised (compact VAT number, E.164 phone) and the choice by
its label in whichever language is asked. Bot protection and double opt-in are on,
so the storefront waits for its form token to age and staff hear nothing until the
applicant has followed the link in the mail.
"""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

from gql import gql
from jinja2 import Template

from models import OutboxMessage, RegistrationField
from models.field_types import RegistrationFieldType
from tests.e2e.test_flows import (
    NOTIFY,
    SHOP_NAME,
    STAFF_EMAIL,
    admin_token,
    graphql,
    link_token,
    mails_to,
    run,
    text_of,
    wait_for_mail,
)
from tests.factories import make_admin, make_shop

CATALOG_NL = tomllib.loads(
    (Path(__file__).resolve().parents[2] / "mail" / "catalogs" / "nl.toml").read_text()
)
APPLICANT = "sanne@bloemerij.test"
# A form token is refused until it is 2 s old.
FORM_TOKEN_AGE = 2.1

TYPED_FORM = gql("""
query TypedForm($shop: String!, $language: String) {
  registrationForm(shop: $shop, language: $language) {
    language formToken
    fields { key label type required options { value label } }
  }
}""")

SUBMIT = gql("""
mutation Submit($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) { userErrors { field code } }
}""")

VERIFY = gql("""
mutation Verify($token: String!) {
  verifyRegistrationEmail(input: {token: $token}) { verified userErrors { field code } }
}""")

ANSWERS_IN_ENGLISH = gql("""
query AnswersInEnglish($shop: String!) {
  registrationRequests(shop: $shop) {
    edges { node { email status answers(language: "en") { key label value displayValue } } }
  }
}""")


def dutch_subject(mail: str, **context: str) -> str:
    """The subject of `mail` as the Dutch catalog words it for this shop."""
    return Template(CATALOG_NL[mail]["subject"]).render(shop_name=SHOP_NAME, **context)


async def make_typed_form_shop() -> None:
    shop = await make_shop(
        "flora", name=SHOP_NAME, languages=["nl", "en"], registration_enabled=True,
        notification_email=NOTIFY, bot_protection=True, require_email_verification=True,
        default_country="NL",
    )
    await RegistrationField.create(
        shop=shop, key="business_type", type=RegistrationFieldType.CHOICE, position=1,
        labels={"nl": "Soort bedrijf", "en": "Type of business"},
        options=[{"value": "florist", "labels": {"nl": "Bloemist", "en": "Florist"}}],
    )
    await RegistrationField.create(
        shop=shop, key="vat_number", type=RegistrationFieldType.VAT_NUMBER, position=2,
        labels={"nl": "Btw-nummer", "en": "VAT number"},
    )
    await RegistrationField.create(
        shop=shop, key="phone", type=RegistrationFieldType.PHONE, position=3,
        labels={"nl": "Telefoon", "en": "Phone"},
    )
    await RegistrationField.create(
        shop=shop, key="terms", type=RegistrationFieldType.CHECKBOX, position=4, required=True,
        labels={"nl": "Ik ga akkoord met de voorwaarden", "en": "I accept the terms"},
    )


async def test_a_typed_form_answered_in_dutch_is_verified_then_read_by_staff_in_english(live_server, smtp):
    await make_admin(STAFF_EMAIL)
    await make_typed_form_shop()

    async with graphql(live_server) as visitor:
        form = (await run(visitor, TYPED_FORM, shop="flora", language="nl"))["registrationForm"]
        assert form["language"] == "nl"
        assert form["formToken"]
        assert form["fields"] == [
            {"key": "business_type", "label": "Soort bedrijf", "type": "CHOICE", "required": True,
             "options": [{"value": "florist", "label": "Bloemist"}]},
            {"key": "vat_number", "label": "Btw-nummer", "type": "VAT_NUMBER", "required": True,
             "options": []},
            {"key": "phone", "label": "Telefoon", "type": "PHONE", "required": True, "options": []},
            {"key": "terms", "label": "Ik ga akkoord met de voorwaarden", "type": "CHECKBOX",
             "required": True, "options": []},
        ]

        await asyncio.sleep(FORM_TOKEN_AGE)
        submitted = (await run(visitor, SUBMIT, input={
            "shop": "flora", "name": "Sanne Bloem", "email": APPLICANT, "company": "Bloemerij Bloem",
            "language": "nl", "formToken": form["formToken"],
            "answers": [
                {"key": "business_type", "value": "florist"},
                {"key": "vat_number", "value": "nl 0044.95445.b01"},
                {"key": "phone", "value": "06 12345678"},
                {"key": "terms", "value": "true"},
            ],
        }))["submitRegistration"]
    assert submitted == {"userErrors": []}

    verification = await wait_for_mail(smtp, APPLICANT, dutch_subject("verify_registration"))
    # The verification mail went out, yet staff have neither a mail nor one waiting to go.
    assert mails_to(smtp, NOTIFY) == []
    assert not await OutboxMessage.filter(recipient=NOTIFY).exists()

    token = link_token(live_server, verification, "verify-registration")
    async with graphql(live_server) as applicant:
        verified = (await run(applicant, VERIFY, token=token))["verifyRegistrationEmail"]
    assert verified == {"verified": True, "userErrors": []}

    # Staff mail is in the shop's first language, Dutch, with the answers as a person reads them.
    notice = await wait_for_mail(smtp, NOTIFY, dutch_subject("staff_new_request", name="Sanne Bloem"))
    notice_lines = text_of(notice).splitlines()
    assert "Soort bedrijf: Bloemist" in notice_lines, notice_lines
    assert "Btw-nummer: NL004495445B01" in notice_lines, notice_lines

    async with graphql(live_server, await admin_token(live_server)) as dashboard:
        edges = (await run(dashboard, ANSWERS_IN_ENGLISH, shop="flora"))["registrationRequests"]["edges"]
    [request] = [edge["node"] for edge in edges]
    assert request["email"] == APPLICANT
    assert request["status"] == "PENDING"
    assert request["answers"] == [
        {"key": "business_type", "label": "Type of business", "value": "florist", "displayValue": "Florist"},
        {"key": "vat_number", "label": "VAT number", "value": "NL004495445B01",
         "displayValue": "NL004495445B01"},
        {"key": "phone", "label": "Phone", "value": "+31612345678", "displayValue": "+31612345678"},
        {"key": "terms", "label": "I accept the terms", "value": "true", "displayValue": "true"},
    ]
