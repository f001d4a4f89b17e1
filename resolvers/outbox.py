"""What the outbox holds, for staff."""

from __future__ import annotations

from models import OutboxMessage, OutboxStatus
from resolvers.pagination import Page, newest_first


async def outbox_messages(
    status: OutboxStatus | None, first: int | None, after: str | None
) -> Page[OutboxMessage]:
    rows = OutboxMessage.all() if status is None else OutboxMessage.filter(status=status)
    return await newest_first(rows, first, after)
