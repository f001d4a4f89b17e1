from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model


class ActorKind(str, Enum):
    ADMIN = "ADMIN"
    CUSTOMER = "CUSTOMER"
    ANONYMOUS = "ANONYMOUS"
    SYSTEM = "SYSTEM"


class AuditEvent(Model):
    """Who did what to which object, when and from where. Never deleted; updated only by the
    erasure of a person's data, which puts a pseudonym where their address was."""

    id = fields.IntField(primary_key=True)
    occurred_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor_kind = fields.CharEnumField(ActorKind, max_length=16)
    actor_id = fields.IntField(null=True)
    # Kept as text so the log still reads after the actor is deleted.
    actor_label = fields.CharField(max_length=254, null=True)
    action = fields.CharField(max_length=64)
    object_type = fields.CharField(max_length=64, null=True)
    object_id = fields.IntField(null=True)
    client_address = fields.CharField(max_length=64, null=True)
    # The shop the event belongs to, for staff of some shops only; null: no one shop's
    # (staff, sign-ins of staff, company master data), read only by staff of every shop.
    # A plain number, not a foreign key, so the log outlives what it tells of.
    shop_id = fields.IntField(null=True)
    details: dict[str, Any] = fields.JSONField(default=dict)

    class Meta:
        table = "audit_event"
        ordering = ("-id",)
        # Newest first within one value of each filter of auditEvents: a shop's events (for
        # staff of some shops), an action's, an actor kind's or actor's, an object type's or object's.
        indexes = (
            ("shop_id", "id"), ("action", "id"), ("actor_kind", "id"), ("actor_kind", "actor_id", "id"),
            ("object_type", "id"), ("object_type", "object_id", "id"),
        )
