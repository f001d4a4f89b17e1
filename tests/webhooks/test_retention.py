"""Finished deliveries and the events left without one are deleted after 30 days; nothing else is."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from models import Webhook, WebhookDelivery, WebhookDeliveryStatus, WebhookMessage
from tests.webhooks.factories import make_webhook, queue_event
from webhooks.retention import Purged, purge_finished_deliveries

NOW = datetime.now(UTC)
DAY = timedelta(days=1)


async def finished(
    webhook: Webhook, status: WebhookDeliveryStatus, days_ago: float, message: WebhookMessage | None = None
) -> WebhookDelivery:
    """A delivery of `webhook` finished `days_ago` (its event written a day before), as the
    deliverer leaves one: its last claim's lease ends just after its last attempt."""
    ended = NOW - days_ago * DAY
    if message is None:
        message = (await queue_event(webhook, at=ended - DAY)).message
        await WebhookDelivery.filter(message_id=message.id).delete()
    return await WebhookDelivery.create(
        webhook=webhook, message=message, status=status, attempts=1, created_at=ended - DAY,
        next_attempt_at=ended + timedelta(minutes=5),
        delivered_at=ended if status == WebhookDeliveryStatus.DELIVERED else None,
    )


async def exists(row: WebhookDelivery | WebhookMessage) -> bool:
    return await type(row).filter(id=row.id).exists()


async def test_what_finished_over_30_days_ago_goes_in_batches_and_the_rest_stays(db):
    webhook = await make_webhook("https://erp.bloemen.test/hook")
    old_delivered = [await finished(webhook, WebhookDeliveryStatus.DELIVERED, 31) for _ in range(3)]
    old_failed = await finished(webhook, WebhookDeliveryStatus.FAILED, 40)
    recent = await finished(webhook, WebhookDeliveryStatus.DELIVERED, 29)
    # An old event sent again lately: its old delivery goes, the event stays with the new one.
    resent = await finished(webhook, WebhookDeliveryStatus.FAILED, 35)
    again = await finished(webhook, WebhookDeliveryStatus.DELIVERED, 1, message=await resent.message)
    # Queued for a webhook that is off since long ago: waiting, not finished.
    waiting = await queue_event(webhook, at=NOW - 60 * DAY)

    purged = await purge_finished_deliveries(NOW, batch=2)

    assert purged == Purged(deliveries=5, messages=4)
    for gone in [*old_delivered, old_failed, resent]:
        assert not await exists(gone)
    for gone in [*old_delivered, old_failed]:
        assert not await WebhookMessage.filter(id=gone.message_id).exists()
    for kept in (recent, again, waiting):
        assert await exists(kept)
        assert await WebhookMessage.filter(id=kept.message_id).exists()
    assert await purge_finished_deliveries(NOW, batch=2) == Purged(deliveries=0, messages=0)


async def test_the_events_of_a_deleted_webhook_go_once_they_are_30_days_old(db):
    webhook = await make_webhook("https://erp.bloemen.test/hook")
    old = (await queue_event(webhook, at=NOW - 31 * DAY)).message_id
    young = (await queue_event(webhook, at=NOW - 29 * DAY)).message_id
    await webhook.delete()

    purged = await purge_finished_deliveries(NOW, batch=1)

    assert purged == Purged(deliveries=0, messages=1)
    assert [pk for (pk,) in await WebhookMessage.all().values_list("id")] == [young]
    assert old != young
