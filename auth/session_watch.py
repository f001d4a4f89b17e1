"""Waking a long-lived connection (a live subscription) when its sign-in may have ended.

A request reads its session once; a subscription lives for hours. It watches the change feed
(models/changes.py) for its session and its account, which every instance hears of when they
change (a sign-out, an exclusion, a deactivation, a password change), and is woken to check
its session again at once, instead of at its next periodic check.
"""

from __future__ import annotations

import asyncio

from auth.viewer import Viewer
from models.changes import FEED, Change, Changed, ChangeFeed


class SessionWatch:
    def __init__(self, viewer: Viewer, feed: ChangeFeed = FEED) -> None:
        self.changed = asyncio.Event()
        account = (Changed.ADMIN, viewer.admin.id) if viewer.admin is not None else (
            Changed.SHOP_USER, viewer.account.id
        )
        self._watched = {(Changed.SESSION, viewer.session_id), account}
        self._kinds = {kind for kind, _ in self._watched}
        # The feed holds this method weakly: the watch ends when its holder drops it.
        feed.listen(self.hear)

    def hear(self, change: Change) -> None:
        if change.kind not in self._kinds:
            return
        if change.ids is None or any((change.kind, pk) in self._watched for pk in change.ids):
            self.changed.set()
