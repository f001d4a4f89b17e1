"""Rule 14 of docs/api.md: sign-in, registration and reset requests are limited per address and account."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from auth.rate_limits import RateLimitsSpecError, parse_spec
from models import AuditEvent, OutboxMessage, RegistrationRequest
from server.app import create_app
from server.settings import Settings
from tests.api.sign_in import login
from tests.conftest import GraphQLClient
from tests.factories import CUSTOMER_PASSWORD, make_customer, make_shop
from tests.graphql_answers import user_error_codes

WRONG_PASSWORD = "wrong-Password-1"

TWO_LOGINS_IN_ONE_REQUEST = """
mutation {
  first: login(input: {shop: "flora", username: "anna", password: "wrong-Password-1"}) { userErrors { code } }
  second: login(input: {shop: "flora", username: "anna", password: "wrong-Password-1"}) {
    userErrors { code }
  }
}"""

RESET = """
mutation($email: String!) {
  requestPasswordReset(input: {shop: "flora", email: $email}) {
    requested userErrors { code retryAfterSeconds }
  }
}"""

SUBMIT = """
mutation($email: String!) {
  submitRegistration(input: {shop: "flora", name: "Eva", email: $email}) { userErrors { code } }
}"""

LIMITS = "login=3/minute;requestPasswordReset=2/hour;submitRegistration=2/hour"


@pytest.fixture
async def limited_app(db: str, settings: Settings) -> AsyncIterator[Any]:
    application = create_app(replace(settings, rate_limits=LIMITS), manage_database=False)
    async with application.router.lifespan_context(application):
        yield application


def client_from(app: Any, address: str) -> GraphQLClient:
    transport = httpx.ASGITransport(app=app, client=(address, 4711))
    return GraphQLClient(httpx.AsyncClient(transport=transport, base_url="http://testserver"))


async def test_the_fourth_sign_in_a_minute_from_one_address_is_refused_with_the_wait(limited_app):
    await make_customer(await make_shop("flora"), "anna")
    client = client_from(limited_app, "198.51.100.1")
    for username in ("anna", "bert", "carl"):
        assert user_error_codes(await login(client, username, WRONG_PASSWORD)) == ["INVALID_CREDENTIALS"]
    audited = await AuditEvent.all().count()

    refused = await login(client, "anna", CUSTOMER_PASSWORD)

    [error] = refused["userErrors"]
    assert error["code"] == "RATE_LIMITED"
    assert refused["token"] is None
    assert 0 < error["retryAfterSeconds"] <= 60
    assert str(error["retryAfterSeconds"]) in error["message"]
    assert await AuditEvent.all().count() == audited  # refused before anything was checked


async def test_an_account_is_limited_across_addresses(limited_app):
    await make_customer(await make_shop("flora"), "anna")
    for number in range(3):
        await login(client_from(limited_app, f"198.51.100.{number + 10}"), password=WRONG_PASSWORD)

    refused = await login(client_from(limited_app, "198.51.100.99"), password=WRONG_PASSWORD)

    assert user_error_codes(refused) == ["RATE_LIMITED"]
    other_account = await login(client_from(limited_app, "198.51.100.99"), "bert", WRONG_PASSWORD)
    assert user_error_codes(other_account) == ["INVALID_CREDENTIALS"]


async def test_limits_count_operations_not_http_requests(limited_app):
    await make_shop("flora")
    client = client_from(limited_app, "198.51.100.2")
    await client.data(TWO_LOGINS_IN_ONE_REQUEST)

    third = await login(client, password=WRONG_PASSWORD)
    fourth = await login(client, password=WRONG_PASSWORD)

    assert user_error_codes(third) == ["INVALID_CREDENTIALS"]
    assert user_error_codes(fourth) == ["RATE_LIMITED"]


async def test_password_reset_requests_are_limited_and_send_nothing_more(limited_app):
    user = await make_customer(await make_shop("flora"), "anna")
    await user.fetch_related("contact")
    user.contact.email = "anna@bloemen.test"
    await user.contact.save()
    client = client_from(limited_app, "198.51.100.3")
    for _ in range(2):
        assert (await client.data(RESET, {"email": "anna@bloemen.test"}))["requestPasswordReset"]["requested"]

    refused = (await client.data(RESET, {"email": "anna@bloemen.test"}))["requestPasswordReset"]

    assert user_error_codes(refused) == ["RATE_LIMITED"]
    assert await OutboxMessage.filter(template="password_reset").count() == 2


async def test_registrations_are_limited_per_address(limited_app):
    await make_shop("flora", registration_enabled=True)
    client = client_from(limited_app, "198.51.100.4")
    for number in range(2):
        submitted = await client.data(SUBMIT, {"email": f"eva{number}@kwekerij.test"})
        assert submitted["submitRegistration"]["userErrors"] == []

    refused = (await client.data(SUBMIT, {"email": "eva9@kwekerij.test"}))["submitRegistration"]

    assert user_error_codes(refused) == ["RATE_LIMITED"]
    assert await RegistrationRequest.all().count() == 2
    elsewhere = await client_from(limited_app, "198.51.100.5").data(SUBMIT, {"email": "eva9@kwekerij.test"})
    assert elsewhere["submitRegistration"]["userErrors"] == []


def test_a_limits_setting_names_known_operations_in_limits_notation():
    parsed = parse_spec("login=5/minute,50/hour")
    assert parsed is not None
    assert [str(item) for item in parsed["login"]] == ["5 per 1 minute", "50 per 1 hour"]
    assert parse_spec("off") is None
    with pytest.raises(RateLimitsSpecError):
        parse_spec("logon=5/minute")
    with pytest.raises(RateLimitsSpecError):
        parse_spec("login=often")
