"""Partners' webhooks as owners manage them: made with a secret told once, changed, switched on,
re-keyed with a day's grace, deleted, their deliveries paged and sent again.

Only owners (MANAGE_WEBHOOKS) do; an owner of some shops reaches only webhooks whose shops are
all its own. A URL must be https to a public address (the name resolved when it is given);
GATEHOUSE_WEBHOOK_ALLOW_PRIVATE lifts that.
"""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

import httpx
import pytest

from auth.secret_box import SecretBox
from models import (
    ActorKind,
    AuditEvent,
    Shop,
    StaffRole,
    Webhook,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEvent,
    WebhookMessage,
)
from server.app import create_app
from server.settings import Settings
from tests.api.staff_members import colleague, signed_in, token_of
from tests.conftest import TEST_SECRET_KEY, GraphQLClient
from tests.factories import make_shop
from tests.graphql_answers import error_codes, gid, payload_of, user_errors
from tests.query_counter import count_queries
from webhooks.secrets import signing_secrets

# A public address written as one: accepted without a name to look up (no DNS in tests).
PUBLIC_URL = "https://1.1.1.1/hooks/gatehouse"
# What the audit log keeps of it: where it points, not the path (a receiver's token may be there).
PUBLIC_ORIGIN = "https://1.1.1.1"
BOX = SecretBox(TEST_SECRET_KEY)

WEBHOOK_FIELDS = "id url description events active disabledReason createdAt shops { handle }"
PAYLOAD = f"webhook {{ {WEBHOOK_FIELDS} }} secret userErrors {{ field code message }}"

CREATE = f"mutation($input: CreateWebhookInput!) {{ createWebhook(input: $input) {{ {PAYLOAD} }} }}"
UPDATE = f"mutation($input: UpdateWebhookInput!) {{ updateWebhook(input: $input) {{ {PAYLOAD} }} }}"
DELETE = f"mutation($id: ID!) {{ deleteWebhook(input: {{id: $id}}) {{ {PAYLOAD} }} }}"
ROTATE = f"mutation($id: ID!) {{ rotateWebhookSecret(input: {{id: $id}}) {{ {PAYLOAD} }} }}"
REDELIVER = """
mutation($id: ID!) {
  redeliverWebhook(input: {deliveryId: $id}) {
    webhook { id deliveries(first: 10) { edges { node { status eventId event } } } }
    secret userErrors { field code message }
  }
}"""
WEBHOOKS = f"""
query($first: Int, $after: String) {{
  webhooks(first: $first, after: $after) {{
    edges {{ node {{ {WEBHOOK_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} totalCount
  }}
}}"""
DELIVERIES = """
query($id: ID!, $status: WebhookDeliveryStatus, $first: Int, $after: String) {
  node(id: $id) {
    ... on Webhook {
      deliveries(status: $status, first: $first, after: $after) {
        edges { node { id status eventId event attempts nextAttemptAt webhook { id } } }
        pageInfo { hasNextPage endCursor }
        totalCount
      }
    }
  }
}"""
NODE = """
query($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Webhook { url }
    ... on WebhookDelivery { eventId event status lastStatusCode lastError webhook { url shops { handle } } }
  }
}"""
AROUND = """
{ webhooks(first: 20) { edges { node {
  shops { handle } deliveries(first: 5) { edges { node { eventId } } }
} } } }"""

_message_numbers = count(1)


@pytest.fixture
async def client_of(db: str, settings: Settings) -> AsyncIterator[Any]:
    """Makes a client of an app of its own, with `settings` changed as asked."""
    stack: list[Any] = []

    async def make(**changes: Any) -> GraphQLClient:
        application = create_app(replace(settings, **changes), manage_database=False)
        lifespan = application.router.lifespan_context(application)
        await lifespan.__aenter__()
        transport = httpx.ASGITransport(app=application, client=("203.0.113.7", 4711))
        http = httpx.AsyncClient(transport=transport, base_url="http://testserver")
        stack.append((lifespan, http))
        return GraphQLClient(http)

    yield make
    for lifespan, http in reversed(stack):
        await http.aclose()
        await lifespan.__aexit__(None, None, None)


async def make_webhook(shops: list[Shop] | None = None, **values: Any) -> Webhook:
    """A webhook of `shops` (None: every shop), stored as createWebhook stores one."""
    values = {
        "url": PUBLIC_URL, "events": ["DEBTOR_CREATED"], "secret_sealed": BOX.encrypt("whsec_old"), **values
    }
    webhook = await Webhook.create(all_shops=shops is None, **values)
    if shops:
        await webhook.shops.add(*shops)
    return webhook


async def make_delivery(
    webhook: Webhook,
    status: WebhookDeliveryStatus = WebhookDeliveryStatus.DELIVERED,
    event: WebhookEvent = WebhookEvent.DEBTOR_CREATED,
) -> WebhookDelivery:
    """An event, and its delivery to `webhook` in `status`."""
    message = await WebhookMessage.create(message_id=f"msg_{next(_message_numbers)}", event=event, body="{}")
    return await WebhookDelivery.create(
        webhook=webhook, message=message, status=status, attempts=1, next_attempt_at=datetime.now(UTC)
    )


async def create(client: GraphQLClient, token: str, **input: Any) -> dict[str, Any]:
    input = {"url": PUBLIC_URL, "events": ["REGISTRATION_APPROVED"], **input}
    return payload_of(await client.execute(CREATE, {"input": input}, token=token), "createWebhook")


async def update(client: GraphQLClient, token: str, webhook: Webhook, **changes: Any) -> dict[str, Any]:
    body = await client.execute(UPDATE, {"input": {"id": gid(webhook), **changes}}, token=token)
    return payload_of(body, "updateWebhook")


async def rotate(client: GraphQLClient, token: str, webhook: Webhook) -> dict[str, Any]:
    return payload_of(await client.execute(ROTATE, {"id": gid(webhook)}, token=token), "rotateWebhookSecret")


async def redeliver(client: GraphQLClient, token: str, delivery_id: str) -> dict[str, Any]:
    return payload_of(await client.execute(REDELIVER, {"id": delivery_id}, token=token), "redeliverWebhook")


async def listed(client: GraphQLClient, token: str, **variables: Any) -> dict[str, Any]:
    return payload_of(await client.execute(WEBHOOKS, variables, token=token), "webhooks")


def listed_urls(connection: dict[str, Any]) -> list[str]:
    return [edge["node"]["url"] for edge in connection["edges"]]


async def events_of(action: str) -> list[AuditEvent]:
    return list(await AuditEvent.filter(action=action).order_by("id"))


# --- createWebhook -----------------------------------------------------------------------------


async def test_an_owner_makes_a_webhook_whose_secret_is_told_once_and_kept_sealed(client):
    owner = await colleague("olga@gatehouse.test")
    token = await token_of(client, owner)
    await make_shop("flora")

    payload = await create(
        client, token, events=["REGISTRATION_APPROVED", "DEBTOR_CREATED"], shops=["flora"],
        description=" ERP sync ",
    )

    assert payload["userErrors"] == []
    webhook = payload["webhook"]
    assert {key: value for key, value in webhook.items() if key not in ("id", "createdAt")} == {
        "url": PUBLIC_URL, "description": "ERP sync", "events": ["REGISTRATION_APPROVED", "DEBTOR_CREATED"],
        "active": True, "disabledReason": None, "shops": [{"handle": "flora"}],
    }
    secret = payload["secret"]
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) == 32
    stored = await Webhook.get()
    assert (stored.all_shops, stored.created_by_id, stored.previous_secret_sealed) == (False, owner.id, None)
    assert secret not in stored.secret_sealed
    assert BOX.decrypt(stored.secret_sealed) == secret
    # The list never tells it again, nor does any other answer.
    body = await client.execute(WEBHOOKS, {}, token=token)
    assert listed_urls(payload_of(body, "webhooks")) == [PUBLIC_URL]
    assert secret not in str(body)
    assert (await update(client, token, stored, description="Still ERP"))["secret"] is None
    [event] = await events_of("webhook.created")
    assert (event.actor_kind, event.actor_id, event.object_type, event.object_id) == (
        ActorKind.ADMIN, owner.id, "Webhook", stored.id
    )
    assert event.details == {
        "url": PUBLIC_ORIGIN, "events": ["REGISTRATION_APPROVED", "DEBTOR_CREATED"], "shops": ["flora"],
        "description": "ERP sync",
    }
    assert secret not in str(event.details)


async def test_a_webhook_of_every_shop_leaves_shops_null(client):
    token = await signed_in(client, "olga@gatehouse.test")

    payload = await create(client, token)

    assert (payload["userErrors"], payload["webhook"]["shops"]) == ([], None)
    assert (await Webhook.get()).all_shops is True


@pytest.mark.parametrize(
    "url",
    [
        "http://1.1.1.1/hooks",
        "https://127.0.0.1/hooks",
        "https://localhost/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data",
        "https://[::1]/hooks",
        "https://user:secret@1.1.1.1/hooks",
        "not a url",
    ],
)
async def test_a_url_into_the_servers_own_network_is_refused_and_nothing_is_made(client, url):
    token = await signed_in(client, "olga@gatehouse.test")

    payload = await create(client, token, url=url)

    assert (payload["webhook"], payload["secret"]) == (None, None)
    assert user_errors(payload) == [(["url"], "INVALID")]
    assert await Webhook.all().count() == 0
    assert await events_of("webhook.created") == []


async def test_the_refusal_says_which_address_the_name_resolves_to(client):
    token = await signed_in(client, "olga@gatehouse.test")

    payload = await create(client, token, url="https://localhost/hooks")

    [error] = payload["userErrors"]
    assert error["message"].startswith("localhost resolves to ")
    assert "is this machine" in error["message"]


async def test_with_private_targets_allowed_an_http_loopback_url_is_taken(client_of):
    client = await client_of(webhook_allow_private=True)
    token = await signed_in(client, "olga@gatehouse.test")

    payload = await create(client, token, url="http://127.0.0.1:8080/hooks")

    assert payload["userErrors"] == []
    assert payload["webhook"]["url"] == "http://127.0.0.1:8080/hooks"


async def test_bad_events_shops_and_description_are_refused_all_at_once(client):
    token = await signed_in(client, "olga@gatehouse.test")
    await make_shop("flora")

    payload = await create(
        client, token, url="https://10.0.0.1/", events=["DEBTOR_CREATED", "DEBTOR_CREATED"],
        shops=["flora", "nowhere"], description="x" * 501,
    )

    assert user_errors(payload) == [
        (["url"], "INVALID"), (["events"], "INVALID"), (["description"], "INVALID"),
        (["shops", "1"], "NOT_FOUND"),
    ]
    assert await Webhook.all().count() == 0


@pytest.mark.parametrize(("input", "refused"), [
    ({"events": []}, (["events"], "INVALID")),
    ({"shops": []}, (["shops"], "INVALID")),
])
async def test_no_events_or_no_shops_is_invalid(client, input, refused):
    token = await signed_in(client, "olga@gatehouse.test")

    payload = await create(client, token, **input)

    assert user_errors(payload) == [refused]


async def test_a_server_without_a_secret_key_makes_no_webhook_and_rotates_no_secret(client_of):
    client = await client_of(secret_key=None)
    token = await signed_in(client, "olga@gatehouse.test")
    webhook = await make_webhook()

    made = await create(client, token)
    rotated = await rotate(client, token, webhook)

    assert user_errors(made) == user_errors(rotated) == [(None, "WEBHOOKS_UNAVAILABLE")]
    assert await Webhook.all().count() == 1
    assert (await Webhook.get()).secret_sealed == webhook.secret_sealed


async def test_the_audit_log_keeps_where_a_url_points_never_its_path_query_or_user_info(client):
    token = await signed_in(client, "olga@gatehouse.test")
    with_token = "https://1.1.1.1:8443/hooks/tok_path?key=tok_query#tok_fragment"

    made = await create(client, token, url=with_token)
    webhook = await Webhook.get()
    await update(client, token, webhook, url="https://[2606:4700:4700::1111]/v2/tok_new?key=tok_again")
    # one stored before the checks refused user info (by hand, say)
    by_hand = await make_webhook(url="https://erp:tok_password@8.8.8.8/hooks")
    for gone in (webhook, by_hand):
        await client.execute(DELETE, {"id": gid(gone)}, token=token)

    assert made["userErrors"] == []
    events = await AuditEvent.filter(action__startswith="webhook.").order_by("id")
    details = [event.details for event in events]
    assert [detail.get("url") or detail["changed"]["url"] for detail in details] == [
        "https://1.1.1.1:8443",
        {"from": "https://1.1.1.1:8443", "to": "https://[2606:4700:4700::1111]"},
        "https://[2606:4700:4700::1111]",
        "https://8.8.8.8",
    ]
    assert "tok_" not in str(details)


# --- who may -----------------------------------------------------------------------------------


async def test_a_manager_may_neither_list_nor_make_webhooks(client):
    token = await signed_in(client, "mia@gatehouse.test", StaffRole.MANAGER)
    webhook = await make_webhook()

    assert error_codes(await client.execute(WEBHOOKS, {}, token=token)) == ["FORBIDDEN"]
    new = {"url": PUBLIC_URL, "events": ["DEBTOR_CREATED"]}
    refused = await client.execute(CREATE, {"input": new}, token=token)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert (await client.data(NODE, {"id": gid(webhook)}, token=token))["node"] is None
    assert await Webhook.all().count() == 1


async def test_an_owner_of_some_shops_reaches_only_webhooks_of_its_own_shops(client):
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")
    token = await signed_in(client, "fiona@gatehouse.test", StaffRole.OWNER, [flora])
    own = await make_webhook([flora], url="https://1.1.1.1/own")
    every_shop = await make_webhook(None, url="https://1.1.1.1/every")
    also_greenhouse = await make_webhook([flora, greenhouse], url="https://1.1.1.1/both")

    assert listed_urls(await listed(client, token)) == ["https://1.1.1.1/own"]
    for hidden in (every_shop, also_greenhouse):
        assert (await client.data(NODE, {"id": gid(hidden)}, token=token))["node"] is None
        assert user_errors(await update(client, token, hidden, description="X")) == [(["id"], "NOT_FOUND")]
        body = await client.execute(DELETE, {"id": gid(hidden)}, token=token)
        assert user_errors(payload_of(body, "deleteWebhook")) == [(["id"], "NOT_FOUND")]
    assert (await client.data(NODE, {"id": gid(own)}, token=token))["node"]["url"] == "https://1.1.1.1/own"
    assert await Webhook.all().count() == 3


async def test_an_owner_of_some_shops_makes_webhooks_of_its_own_shops_only(client):
    flora = await make_shop("flora")
    await make_shop("greenhouse")
    token = await signed_in(client, "fiona@gatehouse.test", StaffRole.OWNER, [flora])
    own = await make_webhook([flora])

    every_shop = await create(client, token)
    other_shop = await create(client, token, shops=["greenhouse"])
    widened = await update(client, token, own, shops=None)
    mine = await create(client, token, shops=["flora"])

    assert user_errors(every_shop) == [(["shops"], "OUTSIDE_OWN_SHOPS")]
    assert user_errors(other_shop) == [(["shops", "0"], "NOT_FOUND")]
    assert user_errors(widened) == [(["shops"], "OUTSIDE_OWN_SHOPS")]
    assert (mine["userErrors"], mine["webhook"]["shops"]) == ([], [{"handle": "flora"}])
    assert (await Webhook.get(id=own.id)).all_shops is False


# --- updateWebhook -----------------------------------------------------------------------------


async def test_an_update_changes_what_is_given_and_keeps_the_rest(client):
    token = await signed_in(client, "olga@gatehouse.test")
    await make_shop("flora")
    await make_shop("greenhouse")
    webhook = await make_webhook(None, description="ERP")

    payload = await update(
        client, token, webhook, url="https://8.8.8.8/new", events=["SHOP_USER_CREATED", "DEBTOR_UPDATED"],
        shops=["greenhouse", "flora"],
    )

    assert payload["userErrors"] == []
    assert {key: payload["webhook"][key] for key in ("url", "description", "events", "shops", "active")} == {
        "url": "https://8.8.8.8/new", "description": "ERP", "events": ["SHOP_USER_CREATED", "DEBTOR_UPDATED"],
        "shops": [{"handle": "flora"}, {"handle": "greenhouse"}], "active": True,
    }
    stored = await Webhook.get()
    assert (stored.all_shops, stored.secret_sealed) == (False, webhook.secret_sealed)
    [event] = await events_of("webhook.updated")
    assert event.details == {"changed": {
        "url": {"from": PUBLIC_ORIGIN, "to": "https://8.8.8.8"},
        "events": {"from": ["DEBTOR_CREATED"], "to": ["SHOP_USER_CREATED", "DEBTOR_UPDATED"]},
        "shops": {"from": None, "to": ["flora", "greenhouse"]},
    }}


async def test_a_description_set_to_null_is_cleared(client):
    token = await signed_in(client, "olga@gatehouse.test")
    webhook = await make_webhook(description="ERP")

    payload = await update(client, token, webhook, description=None)

    assert payload["webhook"]["description"] is None
    assert (await Webhook.get()).description is None


async def test_switching_a_disabled_webhook_on_clears_why_and_since_when_it_failed(client):
    token = await signed_in(client, "olga@gatehouse.test")
    failing_since = datetime.now(UTC) - timedelta(days=6)
    webhook = await make_webhook(
        active=False, disabled_reason="Deliveries failed for 5 days.", failing_since=failing_since
    )

    payload = await update(client, token, webhook, active=True)

    assert (payload["webhook"]["active"], payload["webhook"]["disabledReason"]) == (True, None)
    stored = await Webhook.get()
    assert (stored.active, stored.disabled_reason, stored.failing_since) == (True, None, None)
    [event] = await events_of("webhook.updated")
    assert event.details == {"changed": {"active": {"from": False, "to": True}}}


async def test_switched_on_again_its_queued_deliveries_are_due_at_once(client):
    token = await signed_in(client, "olga@gatehouse.test")
    off = await make_webhook(active=False)
    on = await make_webhook(url="https://1.1.1.1/on")
    put_off = datetime.now(UTC) + timedelta(hours=1)
    waiting, failed = await make_delivery(off, WebhookDeliveryStatus.QUEUED), await make_delivery(off)
    retry_later = await make_delivery(on, WebhookDeliveryStatus.QUEUED)
    await WebhookDelivery.all().update(next_attempt_at=put_off)
    before = datetime.now(UTC)

    switched_on = await update(client, token, off, active=True)
    already_on = await update(client, token, on, active=True)

    assert switched_on["userErrors"] == already_on["userErrors"] == []
    assert before <= (await WebhookDelivery.get(id=waiting.id)).next_attempt_at <= datetime.now(UTC)
    # Only queued deliveries of a webhook that was off: a retry of an active one keeps its time.
    for kept in (failed, retry_later):
        assert (await WebhookDelivery.get(id=kept.id)).next_attempt_at == put_off


async def test_an_owner_switches_a_webhook_off(client):
    token = await signed_in(client, "olga@gatehouse.test")
    webhook = await make_webhook()

    payload = await update(client, token, webhook, active=False)

    assert (payload["webhook"]["active"], payload["webhook"]["disabledReason"]) == (False, None)
    assert (await Webhook.get()).active is False


async def test_a_refused_update_changes_nothing(client):
    token = await signed_in(client, "olga@gatehouse.test")
    webhook = await make_webhook(description="ERP")

    payload = await update(
        client, token, webhook, description="New", url="https://192.168.1.1/", events=None, active=None
    )

    assert (payload["webhook"], user_errors(payload)) == (
        None, [(["url"], "INVALID"), (["events"], "INVALID"), (["active"], "INVALID")]
    )
    stored = await Webhook.get()
    assert (stored.description, stored.url, stored.events) == ("ERP", PUBLIC_URL, ["DEBTOR_CREATED"])
    assert await events_of("webhook.updated") == []


async def test_an_unknown_or_foreign_id_is_not_found(client):
    token = await signed_in(client, "olga@gatehouse.test")
    webhook = await make_webhook()
    delivery = await make_delivery(webhook)

    for wrong in ("nonsense", gid(delivery)):
        body = await client.execute(UPDATE, {"input": {"id": wrong, "description": "X"}}, token=token)
        assert user_errors(payload_of(body, "updateWebhook")) == [(["id"], "NOT_FOUND")]


# --- rotateWebhookSecret -----------------------------------------------------------------------


async def test_a_rotated_secret_is_told_once_and_the_old_one_signs_beside_it_for_a_day(client):
    token = await signed_in(client, "olga@gatehouse.test")
    webhook = await make_webhook()
    before = datetime.now(UTC)

    payload = await rotate(client, token, webhook)

    assert payload["userErrors"] == []
    assert payload["webhook"]["id"] == gid(webhook)
    secret = payload["secret"]
    assert secret.startswith("whsec_")
    stored = await Webhook.get()
    assert stored.previous_secret_sealed == webhook.secret_sealed
    assert stored.previous_secret_until is not None
    grace = timedelta(hours=24)
    assert before + grace <= stored.previous_secret_until <= datetime.now(UTC) + grace
    assert BOX.decrypt(stored.secret_sealed) == secret
    now = datetime.now(UTC)
    assert signing_secrets(stored, BOX, now) == [secret, "whsec_old"]
    assert signing_secrets(stored, BOX, now + timedelta(hours=24, minutes=1)) == [secret]
    [event] = await events_of("webhook.secret_rotated")
    assert event.details == {"previous_secret_until": stored.previous_secret_until.isoformat()}


async def test_rotating_again_drops_the_secret_rotated_away_first(client):
    token = await signed_in(client, "olga@gatehouse.test")
    webhook = await make_webhook()

    first = await rotate(client, token, webhook)
    second = await rotate(client, token, webhook)

    stored = await Webhook.get()
    assert signing_secrets(stored, BOX, datetime.now(UTC)) == [second["secret"], first["secret"]]


# --- deleteWebhook -----------------------------------------------------------------------------


async def test_a_deleted_webhook_takes_its_deliveries_along(client):
    owner = await colleague("olga@gatehouse.test")
    token = await token_of(client, owner)
    webhook = await make_webhook()
    other = await make_webhook(url="https://1.1.1.1/other")
    await make_delivery(webhook)
    await make_delivery(webhook, WebhookDeliveryStatus.QUEUED)
    kept = await make_delivery(other)

    payload = payload_of(await client.execute(DELETE, {"id": gid(webhook)}, token=token), "deleteWebhook")

    assert (payload["webhook"], payload["secret"], payload["userErrors"]) == (None, None, [])
    assert [row.id for row in await Webhook.all()] == [other.id]
    assert [row.id for row in await WebhookDelivery.all()] == [kept.id]
    [event] = await events_of("webhook.deleted")
    assert (event.actor_id, event.object_type, event.object_id, event.details) == (
        owner.id, "Webhook", webhook.id, {"url": PUBLIC_ORIGIN}
    )


# --- redeliverWebhook --------------------------------------------------------------------------


async def test_a_redelivery_queues_the_same_event_to_the_same_webhook_now(client):
    token = await signed_in(client, "olga@gatehouse.test")
    webhook = await make_webhook()
    failed = await make_delivery(webhook, WebhookDeliveryStatus.FAILED, WebhookEvent.DEBTOR_UPDATED)
    before = datetime.now(UTC)

    payload = await redeliver(client, token, gid(failed))

    assert payload["userErrors"] == []
    message_id = (await WebhookMessage.get()).message_id
    assert [edge["node"] for edge in payload["webhook"]["deliveries"]["edges"]] == [
        {"status": "QUEUED", "eventId": message_id, "event": "DEBTOR_UPDATED"},
        {"status": "FAILED", "eventId": message_id, "event": "DEBTOR_UPDATED"},
    ]
    again = await WebhookDelivery.filter(id__gt=failed.id).get()
    assert (again.webhook_id, again.message_id, again.attempts) == (webhook.id, failed.message_id, 0)
    assert before <= again.next_attempt_at <= datetime.now(UTC)
    assert (await WebhookDelivery.get(id=failed.id)).status is WebhookDeliveryStatus.FAILED
    [event] = await events_of("webhook.redelivered")
    assert (event.object_type, event.object_id, event.details) == ("Webhook", webhook.id, {
        "delivery_id": failed.id, "new_delivery_id": again.id, "event_id": message_id,
    })


async def test_a_delivery_unknown_or_out_of_reach_is_not_found(client):
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")
    token = await signed_in(client, "fiona@gatehouse.test", StaffRole.OWNER, [flora])
    foreign = await make_delivery(await make_webhook([greenhouse]))

    for delivery_id in (gid(foreign), "nonsense"):
        assert user_errors(await redeliver(client, token, delivery_id)) == [(["deliveryId"], "NOT_FOUND")]
    assert await WebhookDelivery.all().count() == 1
    assert (await client.data(NODE, {"id": gid(foreign)}, token=token))["node"] is None


# --- reading -----------------------------------------------------------------------------------


async def test_deliveries_are_paged_newest_first_and_filtered_by_status(client):
    token = await signed_in(client, "olga@gatehouse.test")
    webhook = await make_webhook()
    delivered, failed, queued = (
        WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED, WebhookDeliveryStatus.QUEUED
    )
    statuses = (delivered, failed, delivered, queued, delivered)
    made = [await make_delivery(webhook, status) for status in statuses]
    await make_delivery(await make_webhook(url="https://1.1.1.1/other"))

    async def page(**variables: Any) -> dict[str, Any]:
        data = await client.data(DELIVERIES, {"id": gid(webhook), **variables}, token=token)
        return data["node"]["deliveries"]

    first = await page(first=2)
    second = await page(first=2, after=first["pageInfo"]["endCursor"])
    last = await page(first=2, after=second["pageInfo"]["endCursor"])
    only_delivered = await page(status="DELIVERED")

    def ids(connection: dict[str, Any]) -> list[str]:
        return [edge["node"]["id"] for edge in connection["edges"]]

    assert ids(first) + ids(second) + ids(last) == [gid(row) for row in reversed(made)]
    assert [c["pageInfo"]["hasNextPage"] for c in (first, second, last)] == [True, True, False]
    assert first["totalCount"] == 5
    assert ids(only_delivered) == [gid(made[4]), gid(made[2]), gid(made[0])]
    assert only_delivered["totalCount"] == 3
    assert all(edge["node"]["webhook"]["id"] == gid(webhook) for edge in first["edges"])
    # Only a queued delivery has an attempt to come.
    assert [edge["node"]["nextAttemptAt"] is not None for edge in first["edges"]] == [False, True]


async def test_a_bad_page_of_deliveries_is_a_graphql_error(client):
    token = await signed_in(client, "olga@gatehouse.test")
    webhook = await make_webhook()

    body = await client.execute(DELIVERIES, {"id": gid(webhook), "first": 101}, token=token)

    assert error_codes(body) == ["INVALID"]


async def test_webhooks_are_listed_newest_first_in_pages(client):
    token = await signed_in(client, "olga@gatehouse.test")
    for number in range(3):
        await make_webhook(url=f"https://1.1.1.1/{number}")

    first = await listed(client, token, first=2)
    rest = await listed(client, token, first=2, after=first["pageInfo"]["endCursor"])

    assert listed_urls(first) + listed_urls(rest) == ["https://1.1.1.1/2", "https://1.1.1.1/1", "https://1.1.1.1/0"]
    assert (first["pageInfo"]["hasNextPage"], rest["pageInfo"]["hasNextPage"]) == (True, False)
    assert first["totalCount"] == 3


async def test_node_reads_a_webhook_and_a_delivery_by_global_id(client):
    token = await signed_in(client, "olga@gatehouse.test")
    flora = await make_shop("flora")
    webhook = await make_webhook([flora])
    delivery = await make_delivery(webhook, WebhookDeliveryStatus.FAILED, WebhookEvent.REGISTRATION_REJECTED)
    await WebhookDelivery.filter(id=delivery.id).update(last_status_code=503, last_error="HTTP 503")

    found_webhook = (await client.data(NODE, {"id": gid(webhook)}, token=token))["node"]
    found_delivery = (await client.data(NODE, {"id": gid(delivery)}, token=token))["node"]

    assert found_webhook == {"__typename": "Webhook", "id": gid(webhook), "url": PUBLIC_URL}
    message = await WebhookMessage.get()
    assert found_delivery == {
        "__typename": "WebhookDelivery", "id": gid(delivery), "eventId": message.message_id,
        "event": "REGISTRATION_REJECTED", "status": "FAILED", "lastStatusCode": 503, "lastError": "HTTP 503",
        "webhook": {"url": PUBLIC_URL, "shops": [{"handle": "flora"}]},
    }


async def statements_for_the_page(client: GraphQLClient, token: str) -> list[str]:
    with count_queries() as statements:
        data = await client.data(AROUND, token=token)
    assert all(len(edge["node"]["deliveries"]["edges"]) == 5 for edge in data["webhooks"]["edges"])
    return statements


async def test_a_page_of_webhooks_with_shops_and_deliveries_costs_the_same_for_2_and_12(client):
    token = await signed_in(client, "olga@gatehouse.test")
    flora, greenhouse = await make_shop("flora"), await make_shop("greenhouse")

    async def webhooks_with_deliveries(how_many: int) -> None:
        for _ in range(how_many):
            webhook = await make_webhook([flora, greenhouse])
            for _ in range(6):
                await make_delivery(webhook)

    await webhooks_with_deliveries(2)
    await client.data("{ viewer { __typename } }", token=token)  # the session, cached from now on
    few = await statements_for_the_page(client, token)
    await webhooks_with_deliveries(10)
    many = await statements_for_the_page(client, token)

    # The webhooks, their shops, and the deliveries of them all with their events.
    assert len(few) == len(many) <= 4, "\n".join(many)
