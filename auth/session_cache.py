"""Sessions found without a query: each process keeps the sessions it has seen, with their account.

An entry is dropped the moment its session, its account or a staff member's shops change on
any instance (models/changes.py), and is read again from the database at least once a minute
anyway, when the session's lastSeenAt moves (auth/sessions.py). So a session ended anywhere
signs nobody in on the next request that PostgreSQL's notice reaches first (it is sent at
commit, before the ending request is answered), and never more than a minute after on a
database the instance cannot hear (docs/operations.md, "Caches").
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from dataclasses import dataclass

from auth.scopes import ShopScope
from models import Session
from models.changes import FEED, Change, Changed, ChangeFeed

# A few thousand signed-in clients per instance; beyond, the least recently used are read again.
DEFAULT_SIZE = 10_000


@dataclass(frozen=True)
class CachedSession:
    """A session as read with its account, and the shops a staff member acts in."""

    session: Session
    scope: ShopScope

    def fresh_copy(self) -> CachedSession:
        """A copy for one request: a use case may change its account and must not change ours."""
        session = copy.copy(self.session)
        if self.session.admin_id is not None:
            session.admin = copy.copy(self.session.admin)
        if self.session.shop_user_id is not None:
            session.shop_user = copy.copy(self.session.shop_user)
        return CachedSession(session, self.scope)

    @property
    def account_key(self) -> tuple[Changed, int]:
        if (admin_id := self.session.admin_id) is not None:
            return Changed.ADMIN, admin_id
        if (shop_user_id := self.session.shop_user_id) is not None:
            return Changed.SHOP_USER, shop_user_id
        raise ValueError(f"session {self.session.id} is of neither an admin nor a shop user")


class SessionCache:
    def __init__(self, *, size: int = DEFAULT_SIZE, feed: ChangeFeed = FEED) -> None:
        self._size = size
        self._feed = feed
        self._entries: OrderedDict[str, CachedSession] = OrderedDict()
        self._by_session: dict[int, str] = {}
        self._by_account: dict[tuple[Changed, int], set[str]] = {}
        # Moves at every change heard: an entry read before a change is not stored after it.
        self.generation = 0
        feed.listen(self.forget)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, token_hash: str) -> CachedSession | None:
        if not self._feed.hears_every_change:
            return None
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        self._entries.move_to_end(token_hash)
        return entry.fresh_copy()

    def put(self, token_hash: str, entry: CachedSession, *, read_at_generation: int) -> None:
        """Keeps `entry`, read from the database when the generation was `read_at_generation`."""
        if read_at_generation != self.generation or not self._feed.hears_every_change:
            return
        self.drop(token_hash)
        entry = entry.fresh_copy()
        self._entries[token_hash] = entry
        self._by_session[entry.session.id] = token_hash
        self._by_account.setdefault(entry.account_key, set()).add(token_hash)
        while len(self._entries) > self._size:
            self.drop(next(iter(self._entries)))

    def drop(self, token_hash: str) -> None:
        entry = self._entries.pop(token_hash, None)
        if entry is None:
            return
        self._by_session.pop(entry.session.id, None)
        tokens = self._by_account.get(entry.account_key)
        if tokens is not None:
            tokens.discard(token_hash)
            if not tokens:
                del self._by_account[entry.account_key]

    def forget(self, change: Change) -> None:
        """Drops what `change` is about."""
        self.generation += 1
        if change.kind not in (Changed.SESSION, Changed.ADMIN, Changed.SHOP_USER):
            return
        if change.ids is None:
            self._forget_kind(change.kind)
            return
        for pk in change.ids:
            if change.kind is Changed.SESSION:
                if (token_hash := self._by_session.get(pk)) is not None:
                    self.drop(token_hash)
            else:
                for token_hash in list(self._by_account.get((change.kind, pk), ())):
                    self.drop(token_hash)

    def _forget_kind(self, kind: Changed) -> None:
        if kind is Changed.SESSION:
            self._entries.clear()
            self._by_session.clear()
            self._by_account.clear()
            return
        for key in [key for key in self._by_account if key[0] is kind]:
            for token_hash in list(self._by_account.get(key, ())):
                self.drop(token_hash)

