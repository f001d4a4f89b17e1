"""Changes the caches of every instance must hear of, sent with the transaction that makes them.

A cache holds rows (a session and its account, a shop's public form) so that a request need
not read them. Whatever writes such a row says so here: `announce` tells this process's
caches at once and, on PostgreSQL, sends a `NOTIFY` in the writer's own transaction, so other
instances hear of a change exactly when it is committed and never of one rolled back
(server/change_listener.py listens). Saves and deletes of model instances announce
themselves (the signals below); a use case that writes through a query (`filter().update()`,
`filter().delete()`) announces what it changed itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from enum import Enum
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.signals import post_delete, post_save

from models.accounts import AdminUser, ShopUser
from models.sessions import Session
from models.shops import RegistrationField, Shop
from models.webhooks import Webhook

logger = logging.getLogger("gatehouse.changes")

CHANNEL = "gatehouse_changes"
# PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; a longer list of ids is sent as
# "every row of its kind", which only costs the caches a few reads.
MOST_IDS_NAMED = 500


class Changed(str, Enum):
    """What a change is about; each cache listens for the kinds it holds."""

    SESSION = "session"
    ADMIN = "admin"
    SHOP_USER = "shop_user"
    # A shop's settings or its registration fields: what its public form shows.
    SHOP = "shop"
    # A webhook: which events of which shops it wants (its shops included).
    WEBHOOK = "webhook"


@dataclass(frozen=True)
class Change:
    kind: Changed
    # None: every row of the kind (a write whose rows are not known one by one).
    ids: frozenset[int] | None

    def payload(self) -> str:
        if self.ids is None:
            return self.kind.value
        return f"{self.kind.value}:{','.join(str(pk) for pk in sorted(self.ids))}"

    @classmethod
    def parse(cls, payload: str) -> Change | None:
        kind, _, ids = payload.partition(":")
        try:
            return cls(Changed(kind), frozenset(int(pk) for pk in ids.split(",")) if ids else None)
        except ValueError:
            logger.warning("Ignored a change notice that is not Gatehouse's: %r", payload[:80])
            return None


Listener = Callable[[Change], None]

# The notices a request sent, each with what its own instance's hearing of it will settle
# (server/app.py waits for them before answering a change; see `ChangeFeed.heard`).
_sent_by_request: ContextVar[list[asyncio.Future[None]] | None] = ContextVar(
    "gatehouse_sent_notices", default=None
)


def collect_sent_notices() -> list[asyncio.Future[None]]:
    """From now on in this context, every notice sent is also listed in the list returned."""
    sent: list[asyncio.Future[None]] = []
    _sent_by_request.set(sent)
    return sent


class ChangeFeed:
    """The caches of this process, and whether changes made by other processes reach them."""

    def __init__(self) -> None:
        # Weak, so a cache that is gone (a test's app, say) stops listening by itself.
        self._listeners: list[weakref.WeakMethod[Listener]] = []
        self._echoes: dict[str, list[asyncio.Future[None]]] = {}
        # False while other instances' changes cannot be heard (the PostgreSQL listener is
        # down, or several processes share one SQLite file): caches must not be trusted then.
        self.hears_every_change = True

    def listen(self, listener: Listener) -> None:
        """Calls `listener`, a cache's method, with every change while the cache lives."""
        self._listeners.append(weakref.WeakMethod(listener))

    def tell(self, change: Change) -> None:
        alive = []
        for reference in self._listeners:
            if (listener := reference()) is not None:
                listener(change)
                alive.append(reference)
        self._listeners = alive

    def heard(self, payload: str) -> None:
        """A notice from PostgreSQL (server/change_listener.py): told to the caches, and
        settling the wait of whoever sent it."""
        for echo in self._echoes.pop(payload, ()):
            if not echo.done():
                echo.set_result(None)
        if (change := Change.parse(payload)) is not None:
            self.tell(change)

    def expect_echo(self, payload: str) -> asyncio.Future[None]:
        echo = asyncio.get_running_loop().create_future()
        self._echoes.setdefault(payload, []).append(echo)
        return echo

    async def echoed(self, sent: list[asyncio.Future[None]], *, seconds: float) -> None:
        """Waits (at most `seconds`) until this instance heard each notice in `sent` back.

        When it has, PostgreSQL has told every listening instance at the same moment, so a
        client that sends its next request to another instance finds the change heard there
        too. A notice of a transaction rolled back never comes back: the wait just ends.
        """
        if not self.hears_every_change:
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.gather(*sent), timeout=seconds)
        for echo in sent:
            echo.cancel()
        self._echoes = {
            payload: alive for payload, echoes in self._echoes.items()
            if (alive := [echo for echo in echoes if not echo.done()])
        }

    def tell_everything_changed(self) -> None:
        """After a gap in what this process heard: every cache starts afresh."""
        for kind in Changed:
            self.tell(Change(kind, None))


FEED = ChangeFeed()


async def announce(
    kind: Changed, ids: Iterable[int] | None = None, *, using_db: BaseDBAsyncClient | None = None
) -> None:
    """Tells every instance's caches that rows of `kind` (`ids`, or any) changed.

    Call it inside the transaction that makes the change (or right after a write outside
    one): on PostgreSQL the notice is delivered when, and only if, that transaction commits.
    """
    named = frozenset(ids) if ids is not None else None
    change = Change(kind, named if named is None or len(named) <= MOST_IDS_NAMED else None)
    FEED.tell(change)
    connection = using_db or _connection_of(kind)
    if connection.capabilities.dialect == "postgres":
        payload = change.payload()
        if (sent := _sent_by_request.get()) is not None and FEED.hears_every_change:
            sent.append(FEED.expect_echo(payload))
        await connection.execute_query("SELECT pg_notify($1, $2)", [CHANNEL, payload])


def _connection_of(kind: Changed) -> BaseDBAsyncClient:
    # The model's connection is the current transaction's when there is one.
    model = {
        Changed.SESSION: Session, Changed.ADMIN: AdminUser, Changed.SHOP_USER: ShopUser,
        Changed.WEBHOOK: Webhook,
    }.get(kind, Shop)
    return model._meta.db


@post_save(AdminUser)
@post_delete(AdminUser)
async def _admin_changed(_: type[AdminUser], admin: AdminUser, *args: Any) -> None:
    await announce(Changed.ADMIN, [admin.id], using_db=_using(args))


@post_save(ShopUser)
@post_delete(ShopUser)
async def _shop_user_changed(_: type[ShopUser], shop_user: ShopUser, *args: Any) -> None:
    await announce(Changed.SHOP_USER, [shop_user.id], using_db=_using(args))


@post_save(Session)
async def _session_saved(_: type[Session], session: Session, created: bool, *args: Any) -> None:
    if not created:  # a new session is in no cache yet: a sign-in costs no notice
        await announce(Changed.SESSION, [session.id], using_db=_using(args))


@post_delete(Session)
async def _session_ended(_: type[Session], session: Session, *args: Any) -> None:
    await announce(Changed.SESSION, [session.id], using_db=_using(args))


@post_save(Shop)
@post_delete(Shop)
async def _shop_changed(_: type[Shop], shop: Shop, *args: Any) -> None:
    await announce(Changed.SHOP, [shop.id], using_db=_using(args))


@post_save(RegistrationField)
@post_delete(RegistrationField)
async def _field_changed(_: type[RegistrationField], field: RegistrationField, *args: Any) -> None:
    await announce(Changed.SHOP, [field.shop_id], using_db=_using(args))


@post_save(Webhook)
@post_delete(Webhook)
async def _webhook_changed(_: type[Webhook], webhook: Webhook, *args: Any) -> None:
    # A change of its shops alone saves no row: whoever changes them announces it.
    await announce(Changed.WEBHOOK, [webhook.id], using_db=_using(args))


def _using(signal_args: tuple[Any, ...]) -> BaseDBAsyncClient | None:
    # post_save passes (created, using_db, update_fields), post_delete (using_db,).
    for value in signal_args:
        if isinstance(value, BaseDBAsyncClient):
            return value
    return None
