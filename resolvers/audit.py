"""Writing the audit log: every staff action and every sign-in, successful or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.models import Model
from tortoise.queryset import QuerySet

from auth.scopes import ShopScope
from auth.viewer import Caller
from models import ActorKind, AuditEvent, Shop
from resolvers.errors import Problems
from resolvers.pagination import Page, newest_first

# The actors a global id can name, by type name, and the kind each one acts as.
ACTOR_KINDS = {"AdminUser": ActorKind.ADMIN, "ShopUser": ActorKind.CUSTOMER}
# What the schema passes for an id argument that is no global id of ours.
UNREADABLE_ID = ("", 0)


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


@dataclass(frozen=True)
class AuditFilter:
    """What a page of the log is narrowed to; every condition given must hold."""

    action: str | None = None
    actor_kind: ActorKind | None = None
    # (type name, key) of a global id; UNREADABLE_ID for an argument that is no global id.
    actor: tuple[str, int] | None = None
    object_type: str | None = None
    object: tuple[str, int] | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


async def audit_events(
    scope: ShopScope, first: int | None, after: str | None, only: AuditFilter | None = None
) -> Page[AuditEvent]:
    """The events of the scope's shops, newest first; those of no shop for every-shop staff only."""
    problems = Problems()
    rows = _filtered(AuditEvent.all(), only or AuditFilter(), problems)
    return await newest_first(scope.applied(rows), first, after, problems)


def _filtered(rows: QuerySet[AuditEvent], only: AuditFilter, problems: Problems) -> QuerySet[AuditEvent]:
    conditions: dict[str, Any] = {
        "action": only.action,
        "actor_kind": only.actor_kind,
        "object_type": only.object_type,
        "occurred_at__gte": _moment(problems, only.since, "since"),
        "occurred_at__lt": _moment(problems, only.until, "until"),
    }
    rows = rows.filter(**{name: value for name, value in conditions.items() if value is not None})
    if only.actor is not None:
        rows = _by_actor(rows, only.actor, problems)
    if only.object is not None:
        rows = _by_object(rows, only.object, problems)
    return rows


def _moment(problems: Problems, value: datetime | None, field: str) -> datetime | None:
    """`value` in UTC, so both databases compare it as a moment (SQLite compares the text)."""
    if value is None:
        return None
    if value.tzinfo is None:
        problems.invalid("Give the moment with its time zone, e.g. 2026-12-01T09:00:00+01:00.", field)
        return None
    try:
        return value.astimezone(UTC)
    except OverflowError:
        problems.invalid("Give a moment between the years 1 and 9999.", field)
        return None


def _by_actor(
    rows: QuerySet[AuditEvent], actor: tuple[str, int], problems: Problems
) -> QuerySet[AuditEvent]:
    type_name, pk = actor
    if type_name not in ACTOR_KINDS:
        problems.invalid("This is not the id of an AdminUser or a ShopUser.", "actorId")
        return rows
    return rows.filter(actor_kind=ACTOR_KINDS[type_name], actor_id=pk)


def _by_object(
    rows: QuerySet[AuditEvent], subject: tuple[str, int], problems: Problems
) -> QuerySet[AuditEvent]:
    type_name, pk = subject
    if not type_name:
        problems.invalid("This is not a global id.", "objectId")
        return rows
    # An object deleted since is still found: the log keeps its type and key, not a reference.
    return rows.filter(object_type=type_name, object_id=pk)
