"""Bot protection through the API: submitRegistration needs a fresh formToken of the shop's form.

Given a shop with botProtection on, when a storefront submits the form, then it must send
back the formToken of registrationForm read for that shop 2 seconds to 24 hours before;
without one, or with one too fresh, too old, of another shop or not signed with the server's
key, the submission is INVALID at ["formToken"], nothing is made, and the refusal is audited
with its reason. With botProtection off, or a server without a secret key, no token is needed.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from auth.form_tokens import FormTokens
from models import ActorKind, AuditEvent, OutboxMessage, RegistrationAnswer, RegistrationRequest, Shop
from server.app import create_app
from tests.api.session_clock import Clock, hold_clock
from tests.api.submissions import submission
from tests.conftest import GraphQLClient
from tests.factories import make_field, make_shop
from tests.graphql_answers import user_errors

SUBMIT = """
mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) {
    registrationRequest { id }
    shopUser { id }
    userErrors { field code message }
  }
}"""

FORM_TOKEN = "query($shop: String!) { registrationForm(shop: $shop) { formToken } }"

REFUSED = "registration.form_token_refused"
INVALID_TOKEN = [(["formToken"], "INVALID")]


# --- helpers ---------------------------------------------------------------------------------


async def shop(handle: str = "flora", **settings: Any) -> Shop:
    """A shop taking registrations with bot protection on (unless `settings` say otherwise),
    asking the chamber of commerce number."""
    made = await make_shop(handle, registration_enabled=True, **{"bot_protection": True, **settings})
    await make_field(made, "chamber_of_commerce", "KvK number")
    return made


@pytest.fixture
def clock(app: Any, monkeypatch: pytest.MonkeyPatch) -> Clock:
    return hold_clock(app, monkeypatch)


async def form_token(client: GraphQLClient, handle: str = "flora") -> str:
    token = (await client.data(FORM_TOKEN, {"shop": handle}))["registrationForm"]["formToken"]
    assert token
    return token


async def submit(client: GraphQLClient, token: str | None, **values: Any) -> dict:
    variables = submission(formToken=token, **values)
    return (await client.data(SUBMIT, variables))["submitRegistration"]


async def refusal_reasons() -> list[str]:
    """The reason of each audited refusal of a form token, oldest first."""
    events = await AuditEvent.filter(action=REFUSED).order_by("id")
    return [event.details["reason"] for event in events]


async def requests_made() -> dict[str, int]:
    return {
        model.__name__: await model.all().count()
        for model in (RegistrationRequest, RegistrationAnswer, OutboxMessage)
    }


NOTHING = {"RegistrationRequest": 0, "RegistrationAnswer": 0, "OutboxMessage": 0}


def refused(payload: dict) -> list:
    assert payload["registrationRequest"] is None, payload
    assert payload["shopUser"] is None, payload
    return user_errors(payload)


# --- no token, or one read too recently ------------------------------------------------------


@pytest.mark.parametrize("token", [None, ""], ids=["no-token", "empty-token"])
async def test_without_a_token_the_submission_is_invalid_audited_and_makes_nothing(client, token):
    flora = await shop()

    payload = await submit(client, token)

    assert refused(payload) == INVALID_TOKEN
    assert await requests_made() == NOTHING
    [event] = await AuditEvent.filter(action=REFUSED)
    assert (event.actor_kind, event.shop_id, event.client_address) == (
        ActorKind.ANONYMOUS, flora.id, "203.0.113.7",
    )
    assert event.details == {"shop": "flora", "reason": "MISSING"}
    assert await AuditEvent.exclude(action=REFUSED).count() == 0


async def test_a_token_sent_at_once_is_too_fast_and_the_same_token_3_seconds_later_is_accepted(client, clock):
    await shop()
    token = await form_token(client)

    too_fast = await submit(client, token)
    clock.advance(seconds=3)
    accepted = await submit(client, token)

    assert refused(too_fast) == INVALID_TOKEN
    assert "seconds" in too_fast["userErrors"][0]["message"]
    assert accepted == {"registrationRequest": None, "shopUser": None, "userErrors": []}
    assert await refusal_reasons() == ["TOO_FAST"]
    assert await RegistrationRequest.all().count() == 1
    assert await AuditEvent.filter(action="registration.submitted").count() == 1


@pytest.mark.parametrize(
    ("delay", "reason"),
    [
        ({"seconds": 1.9}, "TOO_FAST"),
        ({"seconds": 2}, None),
        ({"hours": 23, "minutes": 59}, None),
        ({"hours": 24}, None),
        ({"hours": 24, "seconds": 1}, "EXPIRED"),
        ({"hours": 25}, "EXPIRED"),
        # A token "from the future": the clock of the server that read the form ran ahead.
        ({"minutes": -10}, "EXPIRED"),
    ],
    ids=["1.9s", "2s", "23h59m", "24h", "24h1s", "25h", "from-the-future"],
)
async def test_a_token_works_from_2_seconds_to_24_hours_after_the_form_was_read(client, clock, delay, reason):
    await shop()
    token = await form_token(client)
    clock.advance(**delay)

    payload = await submit(client, token)

    if reason is None:
        assert payload["userErrors"] == []
        assert await RegistrationRequest.all().count() == 1
        assert await refusal_reasons() == []
    else:
        assert refused(payload) == INVALID_TOKEN
        assert await requests_made() == NOTHING
        assert await refusal_reasons() == [reason]


async def test_a_form_read_again_after_a_day_gives_a_token_that_works(client, clock):
    await shop()
    stale = await form_token(client)
    clock.advance(hours=25)
    assert refused(await submit(client, stale)) == INVALID_TOKEN

    # Read under another query text, so no answer kept from a day before is given.
    fresh = (await client.data(
        "query Again($shop: String!) { registrationForm(shop: $shop) { formToken shop } }", {"shop": "flora"},
    ))["registrationForm"]["formToken"]
    clock.advance(seconds=5)
    payload = await submit(client, fresh)

    assert fresh != stale
    assert payload["userErrors"] == []
    assert await refusal_reasons() == ["EXPIRED"]
    assert await RegistrationRequest.all().count() == 1


# --- a token of another shop, or not ours ----------------------------------------------------


async def test_another_shops_token_is_refused(client, clock):
    flora = await shop("flora")
    await shop("tulip")
    tulips = await form_token(client, "tulip")
    clock.advance(seconds=3)

    payload = await submit(client, tulips)

    assert refused(payload) == INVALID_TOKEN
    assert await requests_made() == NOTHING
    [event] = await AuditEvent.filter(action=REFUSED)
    assert (event.shop_id, event.details) == (flora.id, {"shop": "flora", "reason": "OTHER_SHOP"})


def forgeries(real: str, shop_id: int, other_shop_id: int, now: datetime) -> dict[str, str]:
    """Tokens a bot might send instead of a real one (`real`, read for `shop_id`)."""
    version, _, issued, signature = real.split(".")
    other_key = FormTokens.from_secret_key(Fernet.generate_key().decode())
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return {
        "made up": "not-a-form-token",
        "another shop's id in a real token": f"{version}.{other_shop_id}.{issued}.{signature}",
        "an earlier time in a real token": f"{version}.{shop_id}.{int(issued) - 60_000}.{signature}",
        "a changed signature": f"{version}.{shop_id}.{issued}.{flipped}",
        "signed with another key": other_key.mint(shop_id, now),
        "a real token with more after it": real + ".0",
        "far too long": real * 20,
    }


FORGERIES = [
    "made up", "another shop's id in a real token", "an earlier time in a real token",
    "a changed signature", "signed with another key", "a real token with more after it", "far too long",
]


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_a_forged_token_is_refused_and_audited_as_forged(client, clock, forgery):
    flora = await shop("flora")
    tulip = await shop("tulip")
    real = await form_token(client)
    clock.advance(minutes=1)
    forged = forgeries(real, flora.id, tulip.id, clock.now - timedelta(seconds=30))[forgery]

    payload = await submit(client, forged)

    assert refused(payload) == INVALID_TOKEN
    assert await requests_made() == NOTHING
    assert await refusal_reasons() == ["FORGED"]


async def test_a_refused_token_is_reported_with_every_other_problem(client):
    await shop()

    payload = await submit(client, "not-a-form-token", name=" ", answers=[])

    assert sorted(refused(payload)) == [
        (["answers", "chamber_of_commerce"], "FIELD_REQUIRED"),
        (["formToken"], "INVALID"),
        (["name"], "FIELD_REQUIRED"),
    ]
    assert await requests_made() == NOTHING
    assert await refusal_reasons() == ["FORGED"]


# --- no token needed -------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "not-a-form-token"], ids=["no-token", "any-token"])
async def test_with_bot_protection_off_no_token_is_needed(client, token):
    await shop(bot_protection=False)

    payload = await submit(client, token)

    assert payload == {"registrationRequest": None, "shopUser": None, "userErrors": []}
    assert await RegistrationRequest.all().count() == 1
    assert await AuditEvent.filter(action=REFUSED).count() == 0


async def test_a_server_without_a_secret_key_cannot_check_tokens_and_needs_none(db, settings):
    await shop()
    application = create_app(replace(settings, secret_key=None), manage_database=False)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            payload = await submit(GraphQLClient(http), None)

    assert payload["userErrors"] == []
    assert await RegistrationRequest.all().count() == 1
