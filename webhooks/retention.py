"""Finished deliveries and their events are kept for 30 days, then deleted.

An event's body holds what it reports (names, email addresses): kept no longer than a partner
may want to look back at a delivery. A delivery DELIVERED or FAILED more than 30 days ago is
deleted, and then each event older than that with no delivery left (those of a deleted
webhook too). Rows go in batches of `BATCH` ids, one short statement each, so no table is
held for long; several instances may purge at once, each deletes what is left.

When a delivery finished is read from `next_attempt_at`, the end of the lease its last attempt
was claimed with (webhooks/delivery.py), a few minutes after that attempt: a finished delivery
records no other moment of its last attempt, and the (status, next_attempt_at) index finds
them without reading the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import Subquery

from models import WebhookDelivery, WebhookDeliveryStatus, WebhookMessage

KEPT_FOR = timedelta(days=30)
BATCH = 1000
FINISHED = (WebhookDeliveryStatus.DELIVERED, WebhookDeliveryStatus.FAILED)


@dataclass(frozen=True)
class Purged:
    deliveries: int
    messages: int


async def purge_finished_deliveries(
    now: datetime, *, kept_for: timedelta = KEPT_FOR, batch: int = BATCH
) -> Purged:
    """Deletes the deliveries finished before `now - kept_for`, then the events older than
    that left without a delivery; says how many of each went."""
    cutoff = now - kept_for
    deliveries = await _delete_finished_deliveries(cutoff, batch)
    messages = await _delete_messages_left_alone(cutoff, batch)
    return Purged(deliveries=deliveries, messages=messages)


async def _delete_finished_deliveries(cutoff: datetime, batch: int) -> int:
    deleted = 0
    while True:
        ids = await WebhookDelivery.filter(
            status__in=FINISHED, next_attempt_at__lt=cutoff
        ).limit(batch).values_list("id", flat=True)
        if not ids:
            return deleted
        deleted += await WebhookDelivery.filter(id__in=ids).delete()


async def _delete_messages_left_alone(cutoff: datetime, batch: int) -> int:
    """Walks the events by id from the oldest, and stops at the first batch that reaches one
    written after `cutoff`: ids grow with time, so only the old ones still kept are read."""
    deleted = 0
    after = 0
    while True:
        rows = await WebhookMessage.filter(id__gt=after).order_by("id").limit(batch).values_list(
            "id", "created_at"
        )
        old = [pk for pk, created_at in rows if created_at < cutoff]
        if old:
            in_use = WebhookDelivery.filter(message_id__in=old).values("message_id")
            deleted += await WebhookMessage.filter(id__in=old).exclude(id__in=Subquery(in_use)).delete()
        if len(rows) < batch or len(old) < len(rows):
            return deleted
        after = rows[-1][0]
