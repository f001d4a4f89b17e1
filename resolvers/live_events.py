"""Live events for dashboards: a registration request's event reaches its subscribers on every
instance, once the change it reports is committed.

On PostgreSQL the event is a `NOTIFY` sent in the change's own transaction: delivered when, and
only if, it commits, to every instance's listener (server/change_listener.py), this one's too.
On SQLite one process serves, so the event is handed to this process's subscribers at once,
before the commit; each subscriber then reads the request, which waits for the writing
transaction to end (SQLite has one connection, held by a transaction), and keeps the event only
when what it reads agrees (`LiveEvent.confirmed_by`), so a rolled-back change shows nothing.

Live events are for eyes on a dashboard: a subscriber that was not listening misses them (the
webhooks are what never loses one).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass

from models import RegistrationRequest, RegistrationStatus, WebhookEvent

logger = logging.getLogger("gatehouse.live")

LIVE_CHANNEL = "gatehouse_live"
# Events a subscriber may fall behind by; a slower one loses the oldest (it is only a view).
QUEUE_SIZE = 256
REGISTRATION_EVENTS = frozenset({
    WebhookEvent.REGISTRATION_SUBMITTED, WebhookEvent.REGISTRATION_VERIFIED,
    WebhookEvent.REGISTRATION_APPROVED, WebhookEvent.REGISTRATION_REJECTED,
    WebhookEvent.REGISTRATION_DELETED,
})
# What a request must be in when its event is read back (SQLite: told before the commit).
_STATUS_AFTER = {
    WebhookEvent.REGISTRATION_APPROVED: {RegistrationStatus.APPROVED},
    WebhookEvent.REGISTRATION_REJECTED: {RegistrationStatus.REJECTED},
}


@dataclass(frozen=True)
class LiveEvent:
    event: WebhookEvent
    request_id: int
    shop_id: int
    # True when told before the change's commit (SQLite): a subscriber confirms it by reading.
    told_before_commit: bool = False

    def payload(self) -> str:
        return f"{self.event.value}:{self.request_id}:{self.shop_id}"

    @classmethod
    def parse(cls, payload: str) -> LiveEvent | None:
        try:
            event, request_id, shop_id = payload.split(":")
            return cls(WebhookEvent(event), int(request_id), int(shop_id))
        except ValueError:
            logger.warning("Ignored a live event that is not Gatehouse's: %r", payload[:80])
            return None

    def confirmed_by(self, request: RegistrationRequest | None) -> bool:
        """Whether `request`, read after the event, shows that its change was committed."""
        if not self.told_before_commit:
            return True
        if self.event is WebhookEvent.REGISTRATION_DELETED:
            return request is None
        if request is None:
            return False
        wanted = _STATUS_AFTER.get(self.event)
        return wanted is None or request.status in wanted


class LiveEvents:
    """The subscribers of this process; each has a queue of the events it has yet to read."""

    def __init__(self, *, queue_size: int = QUEUE_SIZE) -> None:
        self._queues: set[asyncio.Queue[LiveEvent]] = set()
        self._queue_size = queue_size

    def __len__(self) -> int:
        return len(self._queues)

    @contextlib.contextmanager
    def subscription(self) -> Iterator[asyncio.Queue[LiveEvent]]:
        """A queue that receives every event told while the `with` block runs."""
        queue: asyncio.Queue[LiveEvent] = asyncio.Queue(self._queue_size)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    def tell(self, event: LiveEvent) -> None:
        for queue in self._queues:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(event)

    def heard(self, payload: str) -> None:
        """A notice from PostgreSQL (server/change_listener.py)."""
        if (event := LiveEvent.parse(payload)) is not None:
            self.tell(event)


LIVE = LiveEvents()


async def publish(event: WebhookEvent, request: RegistrationRequest) -> None:
    """Tells every instance's subscribers of `event` of `request`; call it inside the
    transaction of the change it reports."""
    if event not in REGISTRATION_EVENTS:
        raise ValueError(f"{event.value} is no registration request's event")
    connection = RegistrationRequest._meta.db  # the current transaction's, when there is one
    if connection.capabilities.dialect == "postgres":
        payload = LiveEvent(event, request.id, request.shop_id).payload()
        await connection.execute_query("SELECT pg_notify($1, $2)", [LIVE_CHANNEL, payload])
        return
    LIVE.tell(LiveEvent(event, request.id, request.shop_id, told_before_commit=True))
