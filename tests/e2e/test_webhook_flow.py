"""Webhooks end to end: an owner makes one through the API of a real `gatehouse serve`, a
storefront's registration reaches a real receiver signed as Standard Webhooks says, once.

The servers allow http and loopback targets (GATEHOUSE_WEBHOOK_ALLOW_PRIVATE) so that the
receiver can be a uvicorn in this process, and look for due deliveries five times a second.
A server killed between writing an event and delivering it delivers it after a restart; a
receiver that holds a delivery holds back no API call; two servers on one PostgreSQL database
deliver every event once between them.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from standardwebhooks.webhooks import Webhook as StandardWebhook

from models import RegistrationRequest, WebhookDelivery, WebhookDeliveryStatus, WebhookMessage
from schema.nodes import global_id
from tests.e2e.conftest import LISTENING
from tests.factories import ADMIN_PASSWORD, make_admin, make_shop
from tests.live_server import LiveServer
from tests.webhooks.receiver import (
    Receiver,
    hand_signature,
)

OWNER_EMAIL = "owner@flora.test"
WEBHOOK_ENVIRONMENT = {
    "GATEHOUSE_WEBHOOK_ALLOW_PRIVATE": "1",
    "GATEHOUSE_WEBHOOK_POLL_SECONDS": "0.2",
    # Twenty calls at once and fifty submissions from one address are a test, not an attack.
    "GATEHOUSE_RATE_LIMITS": "off",
}
# A server that delivers what is due when it starts and then not for an hour.
HOUR_BETWEEN_ROUNDS = {"GATEHOUSE_WEBHOOK_POLL_SECONDS": "3600"}
DELIVERY_DEADLINE = 10.0
# Long enough for a second delivery of one event to show up, were there one.
REPEAT_WATCH_SECONDS = 1.5
STALL_SECONDS = 30.0

ADMIN_LOGIN = """
mutation($email: String!, $password: String!) {
  adminLogin(input: {email: $email, password: $password}) { token userErrors { code } }
}"""

CREATE_WEBHOOK = """
mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) {
    webhook { id url events active } secret userErrors { field code message }
  }
}"""

SUBMIT = """
mutation($input: SubmitRegistrationInput!) {
  submitRegistration(input: $input) { userErrors { field code message } }
}"""

FORM = '{ registrationForm(shop: "flora") { shop open } }'


# --------------------------------------------------------------------------- fixtures


@pytest.fixture
def start_server(receiver: Receiver, tmp_path: Path) -> Iterator[Callable[..., LiveServer]]:
    """Starts `gatehouse serve` on a database with the webhook settings above (and `environment`
    over them); every server started is stopped at the test's end, before the receiver."""
    with ExitStack() as stack:

        def start(database_url: str, name: str, **environment: str) -> LiveServer:
            server = LiveServer(
                database_url, tmp_path / f"{name}.log", environment={**WEBHOOK_ENVIRONMENT, **environment}
            )
            stack.callback(server.stop)
            return server.start()

        yield start


@pytest.fixture
def webhook_servers(pg_db: str, start_server: Callable[..., LiveServer]) -> tuple[LiveServer, LiveServer]:
    """Like tests/e2e/conftest.py's two_servers, with the webhook settings: two servers on one
    PostgreSQL database."""
    return start_server(pg_db, "first"), start_server(pg_db, "second")


# --------------------------------------------------------------------------- helpers


async def call(
    http: httpx.AsyncClient, server: LiveServer, query: str, token: str | None = None, **variables: Any
) -> dict:
    """The data of an operation that must answer without GraphQL errors."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    answer = await http.post(
        server.graphql_url, json={"query": query, "variables": variables}, headers=headers
    )
    payload = answer.json()
    assert answer.status_code == 200, payload
    assert "errors" not in payload, payload
    return payload["data"]


async def owner_token(http: httpx.AsyncClient, server: LiveServer) -> str:
    signed_in = await call(http, server, ADMIN_LOGIN, email=OWNER_EMAIL, password=ADMIN_PASSWORD)
    assert signed_in["adminLogin"]["userErrors"] == []
    return signed_in["adminLogin"]["token"]


async def create_webhook(http: httpx.AsyncClient, server: LiveServer, url: str) -> str:
    """An owner's webhook for flora's submissions, made through the API; returns its secret."""
    token = await owner_token(http, server)
    made = (await call(http, server, CREATE_WEBHOOK, token, input={
        "url": url, "events": ["REGISTRATION_SUBMITTED"], "shops": ["flora"],
        "description": "The partner's CRM",
    }))["createWebhook"]
    assert made["userErrors"] == []
    assert made["webhook"]["url"] == url
    assert made["webhook"]["active"] is True
    assert made["secret"].startswith("whsec_")
    return made["secret"]


async def submit(http: httpx.AsyncClient, server: LiveServer, email: str) -> None:
    """A storefront's registration for flora: one REGISTRATION_SUBMITTED event."""
    submitted = (await call(http, server, SUBMIT, input={
        "shop": "flora", "name": "Eva Tulp", "email": email, "company": "Tulpenhandel Tulp",
        "language": "en",
    }))["submitRegistration"]
    assert submitted == {"userErrors": []}


async def arrange_owner_and_shop() -> None:
    await make_admin(OWNER_EMAIL)
    await make_shop("flora", registration_enabled=True)


async def wait_for_requests(receiver: Receiver, path: str, count: int) -> None:
    deadline = time.monotonic() + DELIVERY_DEADLINE
    while len(receiver.to(path)) < count:
        seen = len(receiver.to(path))
        assert time.monotonic() < deadline, f"{seen} of {count} deliveries to {path} arrived"
        await asyncio.sleep(0.05)


async def the_delivery() -> WebhookDelivery:
    [delivery] = await WebhookDelivery.all().select_related("message")
    return delivery


# --------------------------------------------------------------------------- a. signed


async def test_a_submission_reaches_the_owners_webhook_signed_with_the_secret_it_was_told(
    db, receiver, start_server
):
    await arrange_owner_and_shop()
    server = start_server(db, "serve")
    async with httpx.AsyncClient(timeout=30) as http:
        secret = await create_webhook(http, server, receiver.url("/hook"))
        await submit(http, server, "eva@tulpenhandel.test")

    await wait_for_requests(receiver, "/hook", 1)
    [delivered] = receiver.to("/hook")
    message_id = delivered.headers["webhook-id"]
    timestamp = delivered.headers["webhook-timestamp"]
    assert message_id.startswith("msg_")
    assert abs(int(timestamp) - time.time()) < 60
    # One secret, not rotated: one signature, as the specification's text alone works it out.
    signature = hand_signature(secret, message_id, timestamp, delivered.body)
    assert delivered.headers["webhook-signature"] == signature
    # And as a receiver's library checks it (it raises on a wrong signature or an old moment).
    StandardWebhook(secret).verify(delivered.body, delivered.headers)

    body = json.loads(delivered.body)
    request = await RegistrationRequest.get(email="eva@tulpenhandel.test")
    assert body["type"] == "registration.submitted"
    assert body["data"]["id"] == global_id("RegistrationRequest", request.id)
    assert body["data"]["email"] == "eva@tulpenhandel.test"
    delivery = await the_delivery()
    assert delivery.message.message_id == message_id
    assert delivery.message.body.encode() == delivered.body


# --------------------------------------------------------------------------- b. SIGKILL


async def test_an_event_queued_when_the_server_is_killed_is_delivered_once_after_the_restart(
    db, receiver, start_server
):
    await arrange_owner_and_shop()
    # Its delivery round runs at start, before there is anything to deliver, then not for an hour.
    doomed = start_server(db, "doomed", **HOUR_BETWEEN_ROUNDS)
    async with httpx.AsyncClient(timeout=30) as http:
        await create_webhook(http, doomed, receiver.url("/hook"))
        await submit(http, doomed, "eva@tulpenhandel.test")
    # The event is committed with the registration, and waits.
    queued = await the_delivery()
    assert (queued.status, queued.attempts) == (WebhookDeliveryStatus.QUEUED, 0)
    await asyncio.sleep(0.5)
    assert receiver.to("/hook") == []

    doomed.kill()
    start_server(db, "restarted")

    await wait_for_requests(receiver, "/hook", 1)
    await asyncio.sleep(REPEAT_WATCH_SECONDS)
    [delivered] = receiver.to("/hook")
    assert delivered.headers["webhook-id"] == queued.message.message_id
    delivery = await the_delivery()
    assert (delivery.status, delivery.attempts) == (WebhookDeliveryStatus.DELIVERED, 1)


# --------------------------------------------------------------------------- c. stalled


async def test_a_receiver_holding_a_delivery_holds_back_no_api_call(db, start_server):
    await arrange_owner_and_shop()
    server = start_server(db, "serve")
    # Its own receiver, stopped (which ends its stalls) before the server stops, so that the
    # server need not wait for its deliveries to time out.
    slow = Receiver().start()
    try:
        slow.stall("/slow", STALL_SECONDS)
        await twenty_calls_while_a_delivery_is_held(server, slow)
    finally:
        slow.stop()


async def twenty_calls_while_a_delivery_is_held(server: LiveServer, slow: Receiver) -> None:
    async with httpx.AsyncClient(timeout=30) as http:
        await create_webhook(http, server, slow.url("/slow"))
        await submit(http, server, "first@tulpenhandel.test")
        await wait_for_requests(slow, "/slow", 1)
        in_flight = await the_delivery()
        assert (in_flight.status, in_flight.attempts) == (WebhookDeliveryStatus.QUEUED, 1)

        # Twenty calls at once, half of them making events for the same stalled receiver.
        answers = await asyncio.gather(
            *(call(http, server, FORM) for _ in range(10)),
            *(submit(http, server, f"applicant{number}@tulpenhandel.test") for number in range(10)),
        )
        assert answers[:10] == [{"registrationForm": {"shop": "flora", "open": True}}] * 10

    # All twenty were answered while the receiver still held the first delivery: its attempt
    # has no outcome yet (the deliverer gives up on an answer after 10 s, the stall is 30 s).
    still = await WebhookDelivery.get(id=in_flight.id)
    assert (still.status, still.attempts, still.last_error) == (WebhookDeliveryStatus.QUEUED, 1, None)
    assert await WebhookMessage.all().count() == 11


# --------------------------------------------------------------------------- d. two servers


@pytest.mark.postgres_only
async def test_two_servers_on_one_database_deliver_each_of_fifty_events_once(receiver, webhook_servers):
    await arrange_owner_and_shop()
    for server in webhook_servers:
        await server.logged(LISTENING)
    async with httpx.AsyncClient(timeout=30) as http:
        await create_webhook(http, webhook_servers[0], receiver.url("/hook"))
        slots = asyncio.Semaphore(8)

        async def submit_number(number: int) -> None:
            async with slots:
                await submit(http, webhook_servers[number % 2], f"applicant{number}@tulpenhandel.test")

        await asyncio.gather(*(submit_number(number) for number in range(50)))

    await wait_for_requests(receiver, "/hook", 50)
    await asyncio.sleep(REPEAT_WATCH_SECONDS)
    received = Counter(request.headers["webhook-id"] for request in receiver.to("/hook"))
    assert [count for count in received.values() if count > 1] == []
    assert set(received) == set(await WebhookMessage.all().values_list("message_id", flat=True))
    deliveries = await WebhookDelivery.all().values_list("status", "attempts")
    assert Counter(deliveries) == {(WebhookDeliveryStatus.DELIVERED, 1): 50}
