"""Shops by id, kept by each process: nearly every request reads its shop, which changes a few
times a year.

A shop is dropped the moment its settings or fields change on any instance (models/changes.py,
`Changed.SHOP`, announced by every save), and read again a minute after it was read anyway (a
change by hand in SQL); while changes cannot be heard nothing is handed out.
The only write that is not announced is the reminder timer's `reminder_sent_at`, which no
reader of this cache looks at.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterable, Sequence

from models import Shop
from models.changes import FEED, Change, Changed, ChangeFeed

# As long as a storefront's CDN may keep the public form (`Cache-Control: max-age=60`).
MAX_AGE_SECONDS = 60.0


class ShopCache:
    def __init__(self, *, feed: ChangeFeed = FEED) -> None:
        self._feed = feed
        # Each shop with the monotonic time it was read at.
        self._shops: dict[int, tuple[Shop, float]] = {}
        # Moves at every change heard: a shop read before a change is not kept after it.
        self.generation = 0
        feed.listen(self.forget)

    def known(self, ids: Iterable[int]) -> dict[int, Shop]:
        """Copies of the shops of `ids` this process holds (a request may change its copy)."""
        if not self._feed.hears_every_change:
            return {}
        fresh_since = time.monotonic() - MAX_AGE_SECONDS
        return {
            pk: copy.copy(kept[0])
            for pk in ids
            if (kept := self._shops.get(pk)) is not None and kept[1] > fresh_since
        }

    def keep(self, shops: Sequence[Shop], *, read_at_generation: int) -> None:
        if read_at_generation != self.generation or not self._feed.hears_every_change:
            return
        now = time.monotonic()
        for shop in shops:
            self._shops[shop.id] = (copy.copy(shop), now)

    def forget(self, change: Change) -> None:
        if change.kind is not Changed.SHOP:
            return
        self.generation += 1
        if change.ids is None:
            self._shops.clear()
            return
        for pk in change.ids:
            self._shops.pop(pk, None)
