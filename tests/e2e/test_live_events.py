"""Live events through a real `gatehouse serve`: a WebSocket client subscribes to
registrationRequestEvents over graphql-transport-ws while requests are made over HTTP."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.typing import Origin, Subprotocol

from models import RegistrationRequest, StaffRole
from schema.nodes import global_id
from tests.api.sign_in import ADMIN_LOGIN
from tests.e2e.conftest import LISTENING
from tests.factories import ADMIN_PASSWORD, make_admin, make_shop
from tests.live_server import LiveServer

PROTOCOL = Subprotocol("graphql-transport-ws")
EVENTS = """subscription($shop: String) { registrationRequestEvents(shop: $shop) {
  event registrationRequestId registrationRequest { email status } } }"""
SUBMIT = """mutation($shop: String!, $email: String!) {
  submitRegistration(input: {shop: $shop, name: "Eva Jansen", email: $email}) { userErrors { code } } }"""
APPROVE = """mutation($ids: [ID!]!) { approve(input: {ids: $ids}) { userErrors { code } } }"""
LOGOUT = "mutation { logout { userErrors { code } } }"
# Far longer than an event takes to arrive.
ARRIVES_WITHIN = 10.0


def websocket_url(server: LiveServer) -> str:
    return server.graphql_url.replace("http://", "ws://")


async def staff_token(server: LiveServer, email: str) -> str:
    async with httpx.AsyncClient(timeout=30) as http:
        answer = await http.post(server.graphql_url, json={
            "query": ADMIN_LOGIN, "variables": {"email": email, "password": ADMIN_PASSWORD},
        })
    return answer.json()["data"]["adminLogin"]["token"]


async def call(server: LiveServer, query: str, token: str | None = None, **variables: Any) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=30) as http:
        answer = await http.post(
            server.graphql_url, json={"query": query, "variables": variables}, headers=headers
        )
    body = answer.json()
    assert "errors" not in body, body
    return body


async def receive(socket: ClientConnection, seconds: float = ARRIVES_WITHIN) -> dict:
    message = await asyncio.wait_for(socket.recv(), timeout=seconds)
    # graphql-transport-ws speaks in text frames: browser clients drop a binary one.
    assert isinstance(message, str), f"a binary frame: {message!r}"
    return json.loads(message)


@asynccontextmanager
async def signed_in_socket(server: LiveServer, token: str | None) -> AsyncIterator[ClientConnection]:
    """A graphql-transport-ws connection, acknowledged, signed in with `token`."""
    async with connect(websocket_url(server), subprotocols=[PROTOCOL]) as socket:
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await socket.send(json.dumps({"type": "connection_init", "payload": payload}))
        assert (await receive(socket))["type"] == "connection_ack"
        yield socket


async def subscribe(socket: ClientConnection, shop: str | None = None, operation: str = "1") -> None:
    await socket.send(json.dumps({
        "id": operation, "type": "subscribe", "payload": {"query": EVENTS, "variables": {"shop": shop}},
    }))
    # The subscription is live once the server runs it; a ping's pong comes after that point.
    await socket.send(json.dumps({"type": "ping"}))
    assert (await receive(socket))["type"] == "pong"
    await asyncio.sleep(0.2)


async def next_event(socket: ClientConnection) -> dict:
    message = await receive(socket)
    assert message["type"] == "next", message
    return message["payload"]["data"]["registrationRequestEvents"]


@pytest.fixture
async def flora(live_server: LiveServer) -> LiveServer:
    await make_shop("flora", registration_enabled=True)
    await make_admin("owner@example.com")
    return live_server


async def test_a_reviewer_sees_a_request_submitted_and_approved_as_it_happens(flora):
    token = await staff_token(flora, "owner@example.com")
    async with signed_in_socket(flora, token) as socket:
        await subscribe(socket, "flora")
        await call(flora, SUBMIT, shop="flora", email="eva@kwekerij.test")
        submitted = await next_event(socket)
        request = await RegistrationRequest.get(email="eva@kwekerij.test")
        assert submitted == {
            "event": "REGISTRATION_SUBMITTED",
            "registrationRequestId": global_id("RegistrationRequest", request.id),
            "registrationRequest": {"email": "eva@kwekerij.test", "status": "PENDING"},
        }

        await call(flora, APPROVE, token, ids=[global_id("RegistrationRequest", request.id)])
        approved = await next_event(socket)
        assert approved["event"] == "REGISTRATION_APPROVED"
        assert approved["registrationRequest"] == {"email": "eva@kwekerij.test", "status": "APPROVED"}


async def test_a_connection_without_a_staff_session_is_closed_at_connect(flora):
    async with connect(websocket_url(flora), subprotocols=[PROTOCOL]) as socket:
        init = {"type": "connection_init", "payload": {"authorization": "Bearer nope"}}
        await socket.send(json.dumps(init))
        with pytest.raises(ConnectionClosed) as closed:
            await receive(socket)
    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403


async def test_a_page_of_another_origin_cannot_open_a_socket(flora):
    with pytest.raises(InvalidStatus) as refused:
        async with connect(
            websocket_url(flora), subprotocols=[PROTOCOL], origin=Origin("https://evil.example")
        ):
            pass
    assert refused.value.response.status_code == 403


async def test_staff_of_another_shop_see_nothing_of_flora(flora):
    bloom = await make_shop("bloom", registration_enabled=True)
    await make_admin("bloom@example.com", role=StaffRole.REVIEWER, shops=[bloom])
    token = await staff_token(flora, "bloom@example.com")
    async with signed_in_socket(flora, token) as socket:
        await subscribe(socket)  # every shop of theirs
        await call(flora, SUBMIT, shop="flora", email="eva@kwekerij.test")
        await call(flora, SUBMIT, shop="bloom", email="bert@bloom.test")
        # Events come in order: flora's, had it been sent, would have come first.
        assert (await next_event(socket))["registrationRequest"]["email"] == "bert@bloom.test"

        await socket.send(json.dumps({
            "id": "2", "type": "subscribe", "payload": {"query": EVENTS, "variables": {"shop": "flora"}},
        }))
        refusal = await receive(socket)
    assert refusal["id"] == "2"
    assert refusal["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_subscription_completes_when_the_session_ends(flora):
    token = await staff_token(flora, "owner@example.com")
    async with signed_in_socket(flora, token) as socket:
        await subscribe(socket, "flora")
        await call(flora, LOGOUT, token)
        assert await receive(socket) == {"id": "1", "type": "complete"}

        await socket.send(json.dumps({
            "id": "2", "type": "subscribe", "payload": {"query": EVENTS, "variables": {"shop": "flora"}},
        }))
        refusal = await receive(socket)
    assert (refusal["id"], refusal["type"]) == ("2", "error"), refusal
    assert refusal["payload"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("payload", [
    {"query": "{ viewer { __typename } }"},
    # A mutation named among a subscription's document: the one that would run is checked.
    {
        "query": EVENTS.replace("subscription(", "subscription Watch(")
        + LOGOUT.replace("mutation", " mutation Out"),
        "operationName": "Out", "variables": {"shop": "flora"},
    },
])
async def test_queries_and_mutations_are_refused_over_the_socket(flora, payload):
    token = await staff_token(flora, "owner@example.com")
    async with signed_in_socket(flora, token) as socket:
        await socket.send(json.dumps({"id": "q", "type": "subscribe", "payload": payload}))
        refusal = await receive(socket)
    assert refusal["type"] == "error", refusal
    assert refusal["payload"][0]["extensions"]["code"] == "INVALID"
    # Still signed in: the mutation did not run.
    viewer = await call(flora, "{ viewer { __typename } }", token)
    assert viewer["data"]["viewer"] == {"__typename": "AdminUser"}


@pytest.mark.postgres_only
async def test_an_event_made_on_one_server_reaches_a_subscriber_of_the_other(two_servers):
    first, second = two_servers
    await make_shop("flora", registration_enabled=True)
    await make_admin("owner@example.com")
    token = await staff_token(second, "owner@example.com")
    await second.logged(LISTENING)  # it hears what the first one commits
    async with signed_in_socket(second, token) as socket:
        await subscribe(socket, "flora")
        await call(first, SUBMIT, shop="flora", email="eva@kwekerij.test")
        event = await next_event(socket)
    assert event["event"] == "REGISTRATION_SUBMITTED"
    assert event["registrationRequest"]["email"] == "eva@kwekerij.test"


async def test_a_subscription_sent_over_http_is_refused(flora):
    token = await staff_token(flora, "owner@example.com")
    async with httpx.AsyncClient(timeout=30) as http:
        answer = await http.post(
            flora.graphql_url, json={"query": EVENTS}, headers={"Authorization": f"Bearer {token}"}
        )
    errors = answer.json()["errors"]
    assert [error["extensions"]["code"] for error in errors] == ["INVALID"]
    assert "WebSocket" in errors[0]["message"]
