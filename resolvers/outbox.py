"""What the outbox holds, for staff: the mail of their shops (and of none, for every-shop staff)."""

from __future__ import annotations

from auth.scopes import ShopScope
from models import OutboxMessage, OutboxStatus
from resolvers.pagination import Page, newest_first


async def outbox_messages(
    scope: ShopScope,
    status: OutboxStatus | None,
    first: int | None,
    after: str | None,
    recipient: str | None = None,
    template: str | None = None,
) -> Page[OutboxMessage]:
    """The mail of the scope's shops, newest first, narrowed to every condition given."""
    conditions = {"status": status, "recipient": recipient, "template": template}
    rows = OutboxMessage.filter(**{name: value for name, value in conditions.items() if value is not None})
    return await newest_first(scope.applied(rows), first, after)
