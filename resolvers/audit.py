"""Writing the audit log: every staff action and every sign-in, successful or not."""

from __future__ import annotations

from typing import Any

from tortoise.models import Model

from auth.scopes import ShopScope
from auth.viewer import Caller
from models import ActorKind, AuditEvent, Shop
from resolvers.pagination import Page, newest_first


async def record(
    caller: Caller,
    action: str,
    subject: Model | None = None,
    *,
    actor_kind: ActorKind | None = None,
    actor_id: int | None = None,
    actor_label: str | None = None,
    shop_id: int | None = None,
    **details: Any,
) -> AuditEvent:
    """Record `action` by the caller (or the actor named) on `subject`.

    The event belongs to the subject's shop (staff of other shops do not read it); `shop_id`
    names the shop of an action whose subject is no shop's, or is missing, such as a failed
    sign-in to a shop.
    """
    viewer = caller.viewer
    if actor_kind is None:
        if caller.system_actor is not None:
            actor_kind, actor_label = ActorKind.SYSTEM, caller.system_actor
        elif viewer is None:
            actor_kind = ActorKind.ANONYMOUS
        else:
            actor_kind = ActorKind.ADMIN if viewer.is_staff else ActorKind.CUSTOMER
            actor_id = viewer.account.id
        actor_label = actor_label or (viewer.label if viewer else None)
    return await AuditEvent.create(
        actor_kind=actor_kind,
        actor_id=actor_id,
        actor_label=_storable(actor_label),
        action=action,
        object_type=type(subject).__name__ if subject is not None else None,
        object_id=subject.pk if subject is not None else None,
        client_address=caller.client_address,
        details=_storable(details),
        shop_id=shop_id if shop_id is not None else shop_of(subject),
    )


def shop_of(subject: Model | None) -> int | None:
    """The shop `subject` belongs to: a shop itself, or whatever has a `shop_id`; else none."""
    if isinstance(subject, Shop):
        return subject.id
    shop_id = getattr(subject, "shop_id", None)
    return shop_id if isinstance(shop_id, int) else None


def _storable(value: Any) -> Any:
    """What a caller typed, with NUL made visible: PostgreSQL stores no NUL in text or jsonb."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {key: _storable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_storable(item) for item in value]
    return value


async def audit_events(scope: ShopScope, first: int | None, after: str | None) -> Page[AuditEvent]:
    """The events of the scope's shops, newest first; those of no shop for every-shop staff only."""
    return await newest_first(scope.applied(AuditEvent.all()), first, after)
