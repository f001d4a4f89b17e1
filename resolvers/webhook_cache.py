"""The active webhooks and what each wants, kept by each process: every change that makes an
event asks which webhooks want it, and nearly always the answer is "none".

What is kept is dropped the moment a webhook changes on any instance (models/changes.py,
`Changed.WEBHOOK`: saves and deletes announce themselves, and whoever changes a webhook's
shops announces that), and read again a minute after it was read anyway (a change by hand in
SQL). While changes cannot be heard (`FEED.hears_every_change` is False) nothing kept is
trusted: every question reads the database.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

from models import Webhook, WebhookEvent
from models.changes import FEED, Change, Changed, ChangeFeed

MAX_AGE_SECONDS = 60.0
_KNOWN_EVENTS = {event.value: event for event in WebhookEvent}


@dataclass(frozen=True)
class ActiveWebhook:
    id: int
    events: frozenset[WebhookEvent]
    # None: every shop's events, today's shops and tomorrow's.
    shop_ids: frozenset[int] | None

    def wants(self, event: WebhookEvent, shop_id: int | None) -> bool:
        """Whether the webhook asked for `event` of shop `shop_id`; an event of no one shop (a
        debtor's) goes to every webhook that asked for it, whatever its shops."""
        if event not in self.events:
            return False
        return self.shop_ids is None or shop_id is None or shop_id in self.shop_ids


class WebhookCache:
    def __init__(self, *, feed: ChangeFeed = FEED) -> None:
        self._feed = feed
        # The active webhooks with the monotonic time they were read at; None: not read.
        self._kept: tuple[list[ActiveWebhook], float] | None = None
        # Moves at every change heard: webhooks read before a change are not kept after it.
        self.generation = 0
        feed.listen(self.forget)

    async def wanting(self, event: WebhookEvent, shop_id: int | None) -> list[int]:
        """The ids of the active webhooks that want `event` of shop `shop_id`, in id order."""
        return webhooks_wanting(await self.active(), event, shop_id)

    async def active(self) -> list[ActiveWebhook]:
        kept = self._kept
        trusted = self._feed.hears_every_change
        if trusted and kept is not None and kept[1] > time.monotonic() - MAX_AGE_SECONDS:
            return kept[0]
        generation = self.generation
        webhooks = await read_active_webhooks()
        if generation == self.generation and self._feed.hears_every_change:
            self._kept = (webhooks, time.monotonic())
        return webhooks

    def forget(self, change: Change) -> None:
        if change.kind is Changed.WEBHOOK:
            self.generation += 1
            self._kept = None


def webhooks_wanting(webhooks: list[ActiveWebhook], event: WebhookEvent, shop_id: int | None) -> list[int]:
    return [webhook.id for webhook in webhooks if webhook.wants(event, shop_id)]


async def read_active_webhooks() -> list[ActiveWebhook]:
    """One statement: a row per webhook and shop (one with no shop for a webhook of every shop).

    `id > 0` has SQLite read the table through its key, as every statement a request sends
    must (tests/api/test_query_plans.py); `active` has no index, the table holds a few rows.
    """
    rows = await Webhook.filter(id__gt=0, active=True).order_by("id").values_list(
        "id", "events", "all_shops", "shops__id"
    )
    events: dict[int, frozenset[WebhookEvent]] = {}
    every_shop: set[int] = set()
    shops: dict[int, set[int]] = defaultdict(set)
    for pk, wanted, all_shops, shop_id in rows:
        events[pk] = frozenset(_KNOWN_EVENTS[value] for value in wanted if value in _KNOWN_EVENTS)
        if all_shops:
            every_shop.add(pk)
        elif shop_id is not None:
            shops[pk].add(shop_id)
    return [
        ActiveWebhook(pk, wanted, None if pk in every_shop else frozenset(shops[pk]))
        for pk, wanted in events.items()
    ]
