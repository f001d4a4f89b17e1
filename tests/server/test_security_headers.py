"""The headers every answer carries: no sniffing, no referrer, no caching unless marked, HSTS,
a Content-Security-Policy for GraphiQL, and no Server header."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse
from starlette.routing import Route

from server.app import create_app
from server.request_hygiene import MAX_BODY_BYTES
from server.security_headers import (
    GRAPHIQL_CONTENT_SECURITY_POLICY,
    SecurityHeaders,
    allow_public_caching,
    graphiql_content_security_policy,
    inline_script_hash,
)
from tests.live_server import LiveServer

ALWAYS = {"x-content-type-options": "nosniff", "referrer-policy": "no-referrer", "cache-control": "no-store"}
HSTS = "max-age=63072000; includeSubDomains"


def http_client(application: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=application), base_url="http://testserver")


def security_headers(response: httpx.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in ALWAYS if name in response.headers}


@pytest.mark.parametrize(("method", "path", "options", "status"), [
    ("POST", "/graphql", {"json": {"query": "{ __typename }"}}, 200),
    # Not public (it reads the viewer): an anonymous GET of the public form may be cached
    # (tests/api/test_public_answers.py).
    ("GET", "/graphql", {"params": {"query": "{ viewer { __typename } }"}}, 200),
    ("POST", "/graphql", {"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400),
    ("POST", "/graphql", {"content": b"x" * (MAX_BODY_BYTES + 1)}, 413),
    ("POST", "/graphql", {"json": {"query": "{ __typename }"}, "headers": {"Origin": "https://x.test"}}, 403),
    ("PUT", "/graphql", {}, 405),
    ("GET", "/health", {}, 200),
    ("GET", "/nowhere", {}, 404),
], ids=["post", "get", "bad-json", "too-large", "other-origin", "put", "health", "not-found"])
async def test_every_answer_carries_the_security_headers(client, method, path, options, status):
    response = await client.http.request(method, path, **options)

    assert response.status_code == status
    assert security_headers(response) == ALWAYS
    assert "strict-transport-security" not in response.headers  # the suite's cookies are not Secure
    assert "content-security-policy" not in response.headers  # no HTML here


async def test_with_secure_cookies_answers_demand_https_from_now_on(db, settings):
    async with http_client(create_app(replace(settings, cookie_secure=True), manage_database=False)) as http:
        graphql = await http.post("/graphql", json={"query": "{ __typename }"})
        health = await http.get("/health")

    assert graphql.headers["strict-transport-security"] == health.headers["strict-transport-security"] == HSTS


async def test_an_internal_error_carries_them_too(db, settings, monkeypatch):
    async def failing_viewer(*_: Any, **__: Any) -> None:
        raise RuntimeError("the session store broke")

    monkeypatch.setattr("schema.context.viewer_for_token", failing_viewer)
    async with http_client(create_app(settings, manage_database=False)) as http:
        response = await http.post("/graphql", json={"query": "{ __typename }"})

    assert response.status_code == 500
    assert security_headers(response) == ALWAYS


async def test_the_graphiql_page_allows_only_its_own_assets(db, settings):
    async with http_client(create_app(replace(settings, debug=True), manage_database=False)) as http:
        page = await http.get("/graphql", headers={"Accept": "text/html"})
        answer = await http.get("/graphql", params={"query": "{ __typename }"})

    assert page.headers["content-type"].startswith("text/html")
    assert page.headers["content-security-policy"] == GRAPHIQL_CONTENT_SECURITY_POLICY
    assert security_headers(page) == ALWAYS
    assert "content-security-policy" not in answer.headers


def test_the_graphiql_policy_loads_nothing_from_elsewhere_and_allows_inline_scripts_only_by_hash():
    policy = dict(
        directive.strip().split(" ", 1) for directive in GRAPHIQL_CONTENT_SECURITY_POLICY.split(";")
    )
    with_script = graphiql_content_security_policy([inline_script_hash("doSomething();")])

    assert policy["default-src"] == policy["script-src"] == policy["connect-src"] == "'self'"
    assert policy["frame-ancestors"] == policy["base-uri"] == "'none'"
    assert "http" not in GRAPHIQL_CONTENT_SECURITY_POLICY
    # `echo -n 'doSomething();' | openssl sha256 -binary | openssl base64`, the usual recipe
    assert "script-src 'self' 'sha256-RFWPLDbv2BY+rCkDzsE+0fr8ylGr2R2faWMhq4lfEQc='" in with_script


def edge_app() -> Any:
    """A Starlette app behind the middleware, with answers the Gatehouse app has not (yet)."""

    async def marked(request: Request) -> PlainTextResponse:
        allow_public_caching(request, max_age_seconds=60)
        return PlainTextResponse("same for everyone", headers={"Cache-Control": "private"})

    async def self_cached(_: Request) -> PlainTextResponse:
        return PlainTextResponse("asset", headers={"Cache-Control": "public, max-age=31536000, immutable"})

    async def html_with_policy(_: Request) -> HTMLResponse:
        return HTMLResponse("<p>hi</p>", headers={"Content-Security-Policy": "default-src 'none'"})

    async def naming_server(_: Request) -> PlainTextResponse:
        return PlainTextResponse("hi", headers={"Server": "SomeLibrary/1.0"})

    app = Starlette(routes=[
        Route("/graphql", marked, methods=["GET"]),
        Route("/graphql", self_cached, methods=["POST"]),
        Route("/assets/app.js", self_cached),
        Route("/page", html_with_policy),
        Route("/server", naming_server),
    ])
    return SecurityHeaders(app, strict_transport_security=False)


async def test_only_a_graphql_answer_marked_cacheable_may_be_cached():
    async with http_client(edge_app()) as http:
        marked = await http.get("/graphql")
        self_declared = await http.post("/graphql")

    assert marked.headers.get_list("cache-control") == ["public, max-age=60"]
    assert self_declared.headers.get_list("cache-control") == ["no-store"]


async def test_elsewhere_an_answers_own_cache_control_stands():
    async with http_client(edge_app()) as http:
        asset = await http.get("/assets/app.js")

    assert asset.headers.get_list("cache-control") == ["public, max-age=31536000, immutable"]


async def test_a_page_bringing_its_own_policy_keeps_it_and_no_server_is_named():
    async with http_client(edge_app()) as http:
        page = await http.get("/page")
        named = await http.get("/server")

    assert page.headers.get_list("content-security-policy") == ["default-src 'none'"]
    assert "server" not in named.headers
    assert security_headers(named) == ALWAYS


def test_gatehouse_serve_names_no_server_software(tmp_path: Path):
    server = LiveServer(f"sqlite://{tmp_path / 'gatehouse.sqlite3'}", tmp_path / "serve.log").start()
    try:
        graphql = httpx.post(server.graphql_url, json={"query": "{ __typename }"})
        health = httpx.get(f"{server.url}/health")
    finally:
        server.stop()

    for response in (graphql, health):
        assert "server" not in response.headers
        assert security_headers(response) == ALWAYS
