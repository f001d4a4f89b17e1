"""Abuse limits at the HTTP edge: no batching, calls from other origins only from configured ones,
one hash per sign-in."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from models import AuditEvent
from server.app import create_app
from server.cors import CorsOriginsError
from server.request_hygiene import MAX_BODY_BYTES
from server.settings import Settings
from tests.api.sign_in import LOGIN
from tests.factories import make_customer, make_shop
from tests.graphql_answers import user_error_codes
from tests.server.command import run_gatehouse

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


def http_client(application: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://testserver")


def preflight(origin: str) -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization",
    }


async def test_cors_answers_a_configured_storefront_with_credentials(cors_app):
    async with http_client(cors_app) as http:
        preflight_answer = await http.options("/graphql", headers=preflight(STOREFRONT))
        answer = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": STOREFRONT})

    assert preflight_answer.status_code == 200
    assert preflight_answer.headers["access-control-allow-origin"] == STOREFRONT
    assert preflight_answer.headers["access-control-allow-credentials"] == "true"
    assert answer.json() == {"data": {"__typename": "Query"}}
    assert answer.headers["access-control-allow-origin"] == STOREFRONT
    assert "Origin" in answer.headers["vary"]


async def test_a_storefront_may_read_the_request_id_and_retry_after(cors_app):
    async with http_client(cors_app) as http:
        answer = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": STOREFRONT})

    exposed = {name.strip().lower() for name in answer.headers["access-control-expose-headers"].split(",")}
    assert {"x-request-id", "retry-after"} <= exposed


def refused_origin(response: httpx.Response) -> str:
    """The message of a 403 refusal of an origin, which carries no CORS permission."""
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == "application/json"
    assert "access-control-allow-origin" not in response.headers
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INVALID"}
    return error["message"]


async def test_an_origin_not_listed_is_refused_in_graphqls_shape_preflight_or_not(cors_app):
    await make_shop("flora")
    login = {"query": LOGIN, "variables": {"shop": "flora", "username": "anna", "password": "wrong-Pass-1"}}
    async with http_client(cors_app) as http:
        preflight_answer = await http.options("/graphql", headers=preflight("https://evil.test"))
        simple = await http.post("/graphql", json=login, headers={"Origin": "https://evil.test"})

    assert "GATEHOUSE_CORS_ORIGINS" in refused_origin(preflight_answer)
    assert "GATEHOUSE_CORS_ORIGINS" in refused_origin(simple)
    assert await AuditEvent.all().count() == 0  # the sign-in never ran


async def test_a_preflight_asking_for_a_header_not_allowed_is_refused_as_json(cors_app):
    headers = {**preflight(STOREFRONT), "Access-Control-Request-Headers": "content-type,x-tracking"}
    async with http_client(cors_app) as http:
        response = await http.options("/graphql", headers=headers)

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "INVALID"}
    assert "Authorization and Content-Type" in error["message"]


@pytest.mark.parametrize("origin", ["http://testserver", "https://gatehouse.flora.test"],
                         ids=["addressed", "public-url"])
@pytest.mark.parametrize("listed", [(), (STOREFRONT,)], ids=["no-origins", "origins"])
async def test_a_page_of_the_servers_own_origin_is_served(db, settings, origin, listed):
    """GraphiQL and a storefront on the same origin send an Origin with each POST."""
    own = replace(settings, cors_origins=listed, public_url="https://gatehouse.flora.test")
    application = create_app(own, manage_database=False)
    async with http_client(application) as http:
        response = await http.post("/graphql", json={"query": "{ __typename }"}, headers={"Origin": origin})

    assert response.json() == {"data": {"__typename": "Query"}}
    assert "access-control-allow-origin" not in response.headers


async def test_the_own_origin_is_the_one_addressed_not_a_similar_one(cors_app):
    async with http_client(cors_app) as http:
        other_port = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "http://testserver:8080"}
        )
        other_scheme = await http.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"Origin": "https://testserver"}
        )

    refused_origin(other_port)
    refused_origin(other_scheme)


async def test_listed_origins_are_compared_as_browsers_write_them(db, settings):
    written = replace(settings, cors_origins=("HTTPS://Shop.Flora.test:443",))
    async with http_client(create_app(written, manage_database=False)) as http:
        response = await http.options("/graphql", headers=preflight(STOREFRONT))

    assert response.headers["access-control-allow-origin"] == STOREFRONT


@pytest.mark.parametrize("origins", [("*",), (STOREFRONT, "*")])
def test_any_origin_is_refused_at_start(origins):
    with pytest.raises(CorsOriginsError, match=r"may not hold '\*'"):
        create_app(Settings(cors_origins=origins), manage_database=False)


@pytest.mark.parametrize("entry", [f"{STOREFRONT}/", "shop.flora.test", "ftp://shop.flora.test",
                                   f"{STOREFRONT}/shop", "https://user@shop.flora.test"])
def test_what_is_not_an_origin_is_refused_at_start(entry):
    with pytest.raises(CorsOriginsError, match="is not an origin"):
        create_app(Settings(cors_origins=(entry,)), manage_database=False)


def test_serve_refuses_any_origin_in_one_line(database_file):
    result = run_gatehouse(database_file, "serve", env={"GATEHOUSE_CORS_ORIGINS": f"{STOREFRONT},*"})

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: GATEHOUSE_CORS_ORIGINS may not hold '*': with credentials, every site could act as "
        "the signed-in user; list each storefront's origin (https://shop.example.com)."
    ]


async def test_a_body_too_large_is_refused_in_a_way_a_storefront_on_another_origin_can_read(cors_app):
    oversized = json.dumps({"query": "{ __typename }\n#" + "x" * MAX_BODY_BYTES})
    async with http_client(cors_app) as http:
        response = await http.post(
            "/graphql", content=oversized, headers={"Origin": STOREFRONT, "Content-Type": "application/json"}
        )

    assert response.status_code == 413
    assert response.headers["access-control-allow-origin"] == STOREFRONT
    assert response.json()["errors"][0]["extensions"] == {"code": "INVALID"}


async def test_without_configured_origins_a_request_from_another_origin_hears_that_cors_is_off(client):
    response = await client.http.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"Origin": STOREFRONT}
    )

    assert "GATEHOUSE_CORS_ORIGINS" in refused_origin(response)


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
