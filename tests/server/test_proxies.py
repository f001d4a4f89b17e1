"""GATEHOUSE_TRUSTED_PROXIES: whose X-Forwarded-For and X-Forwarded-Proto are believed.

The client address a request ends up with is read where it is used: the audit
event of a failed sign-in (and the rate limits counted per address).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from models import AuditEvent
from server.app import create_app
from server.proxies import TrustedProxiesError
from server.settings import Settings
from tests.api.sign_in import LOGIN
from tests.factories import make_shop
from tests.graphql_answers import user_error_codes
from tests.live_server import LiveServer
from tests.server.command import rows, run_gatehouse

PROXY = "127.0.0.1"
CLIENT = "198.51.100.9"


@asynccontextmanager
async def connected_from(
    settings: Settings, address: str, trusted: tuple[str, ...] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client whose connections come from `address`, to an app trusting `trusted`."""
    if trusted is not None:
        settings = replace(settings, trusted_proxies=trusted)
    application = create_app(settings, manage_database=False)
    transport = httpx.ASGITransport(app=application, client=(address, 4711))
    async with application.router.lifespan_context(application), httpx.AsyncClient(
        transport=transport, base_url="http://testserver"
    ) as http:
        yield http


async def client_address_of_a_sign_in(http: httpx.AsyncClient, forwarded_for: str | None) -> str | None:
    """The client address the audit log records for one failed sign-in sent with `forwarded_for`."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for is not None else {}
    variables = {"shop": "flora", "username": "anna", "password": "wrong-Pass-1"}
    response = await http.post("/graphql", json={"query": LOGIN, "variables": variables}, headers=headers)
    assert user_error_codes(response.json()["data"]["login"]) == ["INVALID_CREDENTIALS"]
    event = await AuditEvent.filter(action="customer.login_failed").order_by("-id").first()
    assert event is not None
    return event.client_address


async def test_a_trusted_proxy_names_the_client(db, settings):
    async with connected_from(settings, PROXY) as http:
        assert await client_address_of_a_sign_in(http, CLIENT) == CLIENT


async def test_an_untrusted_connection_is_its_own_client_whatever_it_forwards(db, settings):
    async with connected_from(settings, "203.0.113.7") as http:
        assert await client_address_of_a_sign_in(http, CLIENT) == "203.0.113.7"


async def test_without_trusted_proxies_nobody_is_believed(db, settings):
    async with connected_from(settings, PROXY, trusted=()) as http:
        assert await client_address_of_a_sign_in(http, CLIENT) == PROXY


async def test_a_proxy_in_a_trusted_network_is_believed(db, settings):
    async with connected_from(settings, "10.20.30.40", trusted=("10.0.0.0/8", "2001:db8::/32")) as http:
        assert await client_address_of_a_sign_in(http, CLIENT) == CLIENT
    async with connected_from(settings, "2001:db8::7", trusted=("10.0.0.0/8", "2001:db8::/32")) as http:
        assert await client_address_of_a_sign_in(http, f"[2001:db8:ffff::1]:443, {CLIENT}") == CLIENT


async def test_in_a_chain_of_proxies_the_client_is_the_last_address_no_trusted_proxy_has(db, settings):
    """The client wrote the first entry itself; each proxy appended whom it heard from."""
    async with connected_from(settings, PROXY, trusted=(PROXY, "10.0.0.0/8")) as http:
        forged_first = await client_address_of_a_sign_in(http, f"192.0.2.66, {CLIENT}, 10.1.2.3")

    assert forged_first == CLIENT


async def test_a_forwarded_client_that_is_no_address_is_not_believed(db, settings):
    """A chain of trusted proxies only: uvicorn would take the client's own first entry."""
    async with connected_from(settings, PROXY) as http:
        assert await client_address_of_a_sign_in(http, f"{'x' * 300}, 127.0.0.1") == PROXY
        assert await client_address_of_a_sign_in(http, "192.0.2.66, 127.0.0.1") == "192.0.2.66"


async def test_the_rate_limits_count_the_forwarded_client(db, settings):
    await make_shop("flora")
    limited = replace(settings, rate_limits="login=1/minute")
    variables = {"shop": "flora", "password": "wrong-Pass-1"}

    async def codes(http: httpx.AsyncClient, username: str, client: str) -> list[str]:
        response = await http.post(
            "/graphql", json={"query": LOGIN, "variables": {**variables, "username": username}},
            headers={"X-Forwarded-For": client},
        )
        return user_error_codes(response.json()["data"]["login"])

    async with connected_from(limited, PROXY) as http:
        first = await codes(http, "anna", CLIENT)
        same_client = await codes(http, "bert", CLIENT)
        other_client = await codes(http, "carl", "198.51.100.10")

    assert first == other_client == ["INVALID_CREDENTIALS"]
    assert same_client == ["RATE_LIMITED"]


@pytest.mark.parametrize(("trusted", "proto", "served"), [
    ((PROXY,), "https", True),
    ((), "https", False),
    ((PROXY,), "gopher", False),
])
async def test_the_scheme_a_trusted_proxy_forwards_is_the_requests(db, settings, trusted, proto, served):
    """Seen through the server's own origin: a page at https://testserver POSTs from there."""
    async with connected_from(settings, PROXY, trusted=trusted) as http:
        response = await http.post(
            "/graphql", json={"query": "{ __typename }"},
            headers={"Origin": "https://testserver", "X-Forwarded-Proto": proto},
        )

    assert (response.status_code == 200) is served, response.text


@pytest.mark.parametrize("entry", ["*", "10.0.0.1/8", "proxy.internal", "10.0.0.300"])
def test_what_is_not_an_address_or_network_is_refused_at_start(entry):
    with pytest.raises(TrustedProxiesError, match="GATEHOUSE_TRUSTED_PROXIES"):
        create_app(Settings(trusted_proxies=(entry,)), manage_database=False)


def test_serve_refuses_a_trusted_proxy_that_is_no_address_in_one_line(database_file):
    result = run_gatehouse(
        database_file, "serve", env={"GATEHOUSE_TRUSTED_PROXIES": "10.0.0.5,proxy.internal"}
    )

    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: GATEHOUSE_TRUSTED_PROXIES: 'proxy.internal' is not an IP address or network "
        "(such as 10.0.0.5 or 10.1.0.0/16, without host bits after the slash)."
    ]


@pytest.mark.parametrize(("trusted", "client"), [(None, CLIENT), ("", PROXY)], ids=["default", "nobody"])
def test_gatehouse_serve_follows_the_setting_alone_and_logs_the_client(tmp_path: Path, trusted, client):
    """Through a real uvicorn, whose own proxy handling (which would believe 127.0.0.1) is off."""
    database_file = tmp_path / "gatehouse.sqlite3"
    environment = {} if trusted is None else {"GATEHOUSE_TRUSTED_PROXIES": trusted}
    environment["GATEHOUSE_ACCESS_LOG"] = "1"  # the client is read from the access line
    server = LiveServer(f"sqlite://{database_file}", tmp_path / "serve.log", environment=environment).start()
    try:
        variables = {"shop": "flora", "username": "anna", "password": "wrong-Pass-1"}
        response = httpx.post(
            server.graphql_url, json={"query": LOGIN, "variables": variables},
            headers={"X-Forwarded-For": f"192.0.2.66, {CLIENT}"},
        )
    finally:
        server.stop()

    assert user_error_codes(response.json()["data"]["login"]) == ["INVALID_CREDENTIALS"]
    assert rows(database_file, "SELECT client_address FROM audit_event") == [(client,)]
    assert f'{client}:' in server.log().split('"POST /graphql HTTP/1.1" 200')[0].splitlines()[-1]
