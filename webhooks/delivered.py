"""Deliveries that arrived, written down together: one statement for all that arrived meanwhile,
and one for each of their webhooks' failing marks.

Attempts end one by one, and each success written on its own costs two statements (the
delivery, then its webhook's failing mark), the largest share of a delivery's cost on the
deliverer's side. So a success is noted here, and one writer at a time writes down all that
are noted: the first success starts it, and those that arrive while it writes wait for its
next round. Under a light load that is one success a round, as before; under a drain it is
as many as ended during one round's statements, so the rounds grow with the load.

Until it is written, a success is kept by its claim's lease like an attempt under way: a
deliverer that dies first, or a round that fails, leaves it to be sent again after the lease,
with the same `webhook-id`, which a receiver drops as seen.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from models import Webhook, WebhookDelivery, WebhookDeliveryStatus

logger = logging.getLogger("gatehouse.webhooks")

RECORDED_FIELDS = ("status", "delivered_at", "last_status_code", "last_error")


class DeliveredLedger:
    def __init__(self, clock: Callable[[], datetime]) -> None:
        self.clock = clock
        self._noted: list[WebhookDelivery] = []
        self._writer: asyncio.Task[None] | None = None

    def note(self, delivery: WebhookDelivery, status_code: int) -> None:
        """`delivery` was answered with `status_code` (2xx) just now; written down soon."""
        delivery.status = WebhookDeliveryStatus.DELIVERED
        delivery.delivered_at = self.clock()
        delivery.last_status_code = status_code
        delivery.last_error = None
        self._noted.append(delivery)
        if self._writer is None:
            self._writer = asyncio.create_task(self._write_while_noted(), name="webhook successes")

    async def flush(self) -> None:
        """Returns once every success noted so far is written down, or its round has failed."""
        while self._writer is not None:
            await asyncio.shield(self._writer)

    async def _write_while_noted(self) -> None:
        try:
            while self._noted:
                batch, self._noted = self._noted, []
                try:
                    await write_delivered(batch)
                except Exception:  # the database away: the leases end, and they go again
                    logger.exception(
                        "Writing down %d delivered webhook events failed; they are sent again "
                        "when their leases end", len(batch),
                    )
        finally:
            self._writer = None


async def write_delivered(batch: list[WebhookDelivery]) -> None:
    """Each delivery of `batch` DELIVERED as noted, and their webhooks no longer failing.

    A statement for the deliveries, then one a webhook, no transaction: each holds on its own,
    and a crash between them leaves delivered events whose webhooks the next success clears.
    A webhook's failing mark is cleared whatever the claims read, unless it was set after the
    webhook's last success of the batch: a failure that came later still counts."""
    await WebhookDelivery.bulk_update(batch, fields=list(RECORDED_FIELDS))
    last_success: dict[int, datetime] = {}
    for delivery in batch:  # noted in the order answered: the last one of a webhook wins
        if delivery.delivered_at is not None:
            last_success[delivery.webhook_id] = delivery.delivered_at
    for webhook_id, at in last_success.items():
        await Webhook.filter(id=webhook_id, failing_since__lte=at).update(failing_since=None)
