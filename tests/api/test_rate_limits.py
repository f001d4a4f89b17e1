"""Rule 14 of docs/api.md: sign-in, registration and reset requests are limited per address and account."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from auth.error_codes import GraphQLErrorCode
from auth.rate_limits import REQUEST, RateLimitsSpecError, parse_spec
from models import AuditEvent, OutboxMessage, RegistrationRequest
from server.app import create_app
from server.settings import Settings
from tests.api.sign_in import LOGIN, login
from tests.conftest import GraphQLClient
from tests.factories import CUSTOMER_PASSWORD, make_customer, make_shop
from tests.graphql_answers import refusal, user_error_codes
from tests.outbox import work_out_jobs
from tests.pg_cluster import free_port

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


FORM = '{ registrationForm(shop: "flora") { open } }'
STOREFRONT = "https://shop.flora.test"


@contextlib.asynccontextmanager
async def app_with(settings: Settings, **changes: Any) -> AsyncIterator[Any]:
    application = create_app(replace(settings, **changes), manage_database=False)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def limited_app(db: str, settings: Settings) -> AsyncIterator[Any]:
    async with app_with(settings, rate_limits=LIMITS) as application:
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
    await work_out_jobs(limited_app.state.runtime)
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


def test_the_request_limit_is_set_like_the_others():
    parsed, defaults = parse_spec("request=1000/minute"), parse_spec("login=5/minute")
    assert parsed is not None
    assert defaults is not None
    assert [str(item) for item in parsed[REQUEST]] == ["1000 per 1 minute"]
    assert [str(item) for item in defaults[REQUEST]] == ["600 per 1 minute"]


async def test_the_fourth_http_request_a_minute_from_one_address_is_answered_429(db, settings):
    await make_shop("flora", registration_enabled=True)
    async with app_with(settings, rate_limits="request=3/minute", cors_origins=(STOREFRONT,)) as app:
        client = client_from(app, "198.51.100.20")
        for _ in range(3):
            await client.http.get("/health")  # not /graphql: not counted
        answered = [
            await client.http.post("/graphql", json={"query": FORM}, headers={"Origin": STOREFRONT})
            for _ in range(3)
        ]

        refused = await client.http.post(
            "/graphql", json={"query": SUBMIT, "variables": {"email": "eva@kwekerij.test"}},
            headers={"Origin": STOREFRONT},
        )
        elsewhere = await client_from(app, "198.51.100.21").http.post("/graphql", json={"query": FORM})

    assert [response.status_code for response in answered] == [200, 200, 200]
    assert refused.status_code == 429
    body = refused.json()
    assert refusal(body) == GraphQLErrorCode.RATE_LIMITED
    [error] = body["errors"]
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 60
    assert error["extensions"]["retryAfterSeconds"] == wait
    assert str(wait) in error["message"]
    assert error["extensions"]["requestId"] == refused.headers["X-Request-Id"]
    # A storefront on another origin may read the refusal and the wait.
    assert refused.headers["Access-Control-Allow-Origin"] == STOREFRONT
    assert "retry-after" in refused.headers["Access-Control-Expose-Headers"].lower()
    assert await RegistrationRequest.all().count() == 0  # nothing ran
    assert elsewhere.status_code == 200  # each address has its own count


async def test_the_rate_limits_off_turn_the_request_limit_off_too(db, settings):
    async with app_with(settings, rate_limits="off") as app:
        client = client_from(app, "198.51.100.22")
        statuses = {(await client.http.post("/graphql", json={"query": FORM})).status_code for _ in range(4)}

    assert statuses == {200}
    assert not app.state.runtime.rate_limits.enabled


@pytest.fixture
async def storage_down_app(db: str, settings: Settings) -> AsyncIterator[Any]:
    """The built-in limits, counted in a Redis where nothing listens (as when it is down); the
    request limit under 100 a minute, so that each request asks the storage (no batches)."""
    dead_redis = f"redis://127.0.0.1:{free_port()}/0"
    async with app_with(settings, rate_limits="request=90/minute", rate_limit_storage=dead_redis) as app:
        yield app


async def test_with_the_storage_down_sign_ins_fail_closed_with_503_unavailable(storage_down_app):
    await make_customer(await make_shop("flora"), "anna")
    client = client_from(storage_down_app, "198.51.100.23")

    response = await client.post(LOGIN, {"shop": "flora", "username": "anna", "password": CUSTOMER_PASSWORD})

    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert refusal(response.json()) == GraphQLErrorCode.UNAVAILABLE
    assert "rate-limit storage" in response.json()["errors"][0]["message"]
    assert "127.0.0.1" not in response.text  # nothing of the storage's address or its client
    assert await AuditEvent.all().count() == 0  # refused before the password was looked at


async def test_with_the_storage_down_other_requests_pass_uncounted_with_one_warning(storage_down_app, caplog):
    await make_shop("flora")
    client = client_from(storage_down_app, "198.51.100.24")

    with caplog.at_level(logging.WARNING, logger="gatehouse.errors"):
        answers = [await client.post(FORM) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert all(answer.json()["data"]["registrationForm"]["open"] is not None for answer in answers)
    warnings = [record for record in caplog.records if "request limit is not counted" in record.getMessage()]
    assert len(warnings) == 1
