"""Webhooks as the delivery loop finds them: rows written directly, as the use cases write them."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from auth.secret_box import SecretBox
from models import Webhook, WebhookDelivery, WebhookEvent, WebhookMessage
from tests.conftest import TEST_SECRET_KEY
from webhooks.delivery import WebhookDeliverer
from webhooks.secrets import new_secret

BOX = SecretBox(TEST_SECRET_KEY)


class Clock:
    """The deliverer's clock: starts a second ahead, so what was queued just before is due."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC) + timedelta(seconds=1)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def deliverer(
    clock: Callable[[], datetime] | None = None, *, allow_private: bool = True, **options: Any
) -> WebhookDeliverer:
    """A deliverer as `serve` makes one, on the test key; loopback allowed unless said otherwise."""
    return WebhookDeliverer(BOX, allow_private=allow_private, clock=clock or Clock(), **options)


async def make_webhook(url: str, secret: str | None = None, **fields: Any) -> Webhook:
    """A webhook for every event of every shop, its secret (`secret`, else a new one) sealed."""
    return await Webhook.create(
        url=url, events=[event.value for event in WebhookEvent],
        secret_sealed=BOX.encrypt(secret or new_secret()), **fields,
    )


async def queue_event(
    webhook: Webhook, data: dict[str, Any] | None = None, *, message_id: str | None = None,
    at: datetime | None = None,
) -> WebhookDelivery:
    """An event written as the use cases write one, for `webhook`, at `at` (else now) and due then."""
    at = at or datetime.now(UTC)
    body = json.dumps({
        "type": WebhookEvent.REGISTRATION_APPROVED.type_name,
        "timestamp": datetime.now(UTC).isoformat(),
        "data": data or {"id": "UmVnaXN0cmF0aW9uUmVxdWVzdDox", "email": "eva@bloemen.test"},
    })
    message = await WebhookMessage.create(
        message_id=message_id or f"msg_{secrets.token_urlsafe(16)}",
        event=WebhookEvent.REGISTRATION_APPROVED, body=body, created_at=at,
    )
    return await WebhookDelivery.create(webhook=webhook, message=message, created_at=at, next_attempt_at=at)
