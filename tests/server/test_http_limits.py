"""Abuse limits at the HTTP edge: no batching, CORS only for configured origins, one hash per sign-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from models import AuditEvent
from server.app import create_app
from server.request_hygiene import MAX_BODY_BYTES
from server.settings import Settings
from tests.api.sign_in import LOGIN
from tests.factories import make_customer, make_shop
from tests.graphql_answers import user_error_codes

STOREFRONT = "https://shop.flora.test"


async def test_a_batch_of_operations_is_refused_and_none_runs(client):
    await make_shop("flora")
    login = {"query": LOGIN, "variables": {"shop": "flora", "username": "anna", "password": "wrong-Pass-1"}}

    response = await client.http.post("/graphql", json=[login, login])

    assert response.status_code == 400
    assert await AuditEvent.all().count() == 0  # no sign-in attempt was made


@pytest.fixture
async def cors_app(db: str, settings: Settings) -> AsyncIterator[Any]:
    application = create_app(replace(settings, cors_origins=(STOREFRONT,)), manage_database=False)
    async with application.router.lifespan_context(application):
        yield application


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization",
    }


async def test_cors_answers_a_configured_storefront_with_credentials(cors_app):
    transport = httpx.ASGITransport(app=cors_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        allowed = await http.options("/graphql", headers=preflight(STOREFRONT))
        other = await http.options("/graphql", headers=preflight("https://evil.test"))
        simple = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://evil.test"})

    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == STOREFRONT
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert other.status_code == 400
    assert "access-control-allow-origin" not in other.headers
    assert "access-control-allow-origin" not in simple.headers


async def test_a_body_too_large_is_refused_in_a_way_a_storefront_on_another_origin_can_read(cors_app):
    oversized = json.dumps({"query": "{ __typename }\n#" + "x" * MAX_BODY_BYTES})
    transport = httpx.ASGITransport(app=cors_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        response = await http.post(
            "/graphql", content=oversized, headers={"Origin": STOREFRONT, "Content-Type": "application/json"}
        )

    assert response.status_code == 413
    assert response.headers["access-control-allow-origin"] == STOREFRONT
    assert response.json()["errors"][0]["extensions"] == {"code": "INVALID"}


async def test_without_configured_origins_no_cors_header_is_sent(client):
    response = await client.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Origin": STOREFRONT}
    )

    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


async def test_a_preflight_without_configured_origins_hears_that_cors_is_off(client):
    response = await client.http.options("/graphql", headers=preflight(STOREFRONT))

    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    [error] = response.json()["errors"]
    assert "GATEHOUSE_CORS_ORIGINS" in error["message"]
    assert error["extensions"]["code"] == "INVALID"


async def test_without_origins_an_options_request_that_is_no_preflight_is_refused_as_before(client):
    response = await client.http.options("/graphql")

    assert response.status_code == 405
    assert "CORS" not in response.text


async def test_a_failed_sign_in_hashes_once_whether_or_not_the_username_exists(app, client):
    await make_customer(await make_shop("flora"), "anna")
    hasher = app.state.runtime.passwords

    async def calls_for(username: str) -> int:
        before = hasher.calls
        data = await client.data(LOGIN, {"shop": "flora", "username": username, "password": "wrong-Pass-1"})
        assert user_error_codes(data["login"]) == ["INVALID_CREDENTIALS"]
        return hasher.calls - before

    assert await calls_for("anna") == 1
    assert await calls_for("nobody-here") == 1


async def test_an_overlong_password_is_refused_before_anything_is_hashed(app, client):
    await make_customer(await make_shop("flora"), "anna")
    hasher = app.state.runtime.passwords
    before = hasher.calls

    data = await client.data(LOGIN, {"shop": "flora", "username": "anna", "password": "x" * 129})

    assert user_error_codes(data["login"]) == ["INVALID"]
    assert hasher.calls == before
