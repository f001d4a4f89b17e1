"""What the outbox holds, for staff: the mail of their shops (and of none, for every-shop staff)."""

from __future__ import annotations

from auth.scopes import ShopScope
from models import OutboxMessage, OutboxStatus
from resolvers.pagination import Page, newest_first


async def outbox_messages(
    scope: ShopScope, status: OutboxStatus | None, first: int | None, after: str | None
) -> Page[OutboxMessage]:
    rows = OutboxMessage.all() if status is None else OutboxMessage.filter(status=status)
    return await newest_first(scope.applied(rows), first, after)
