"""The audit log as staff read it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from models import ActorKind as ActorKindValue
from models import AuditEvent as AuditEventModel
from schema.nodes import Node, global_id

ActorKind = strawberry.enum(ActorKindValue, name="ActorKind")


@strawberry.type(description="Who did what to which object, when and from where.")
class AuditEvent(Node):
    occurred_at: datetime
    actor_kind: ActorKind
    actor_id: strawberry.ID | None = strawberry.field(description="Global id of the actor.")
    actor_label: str | None = strawberry.field(description="The actor's email or username.")
    action: str = strawberry.field(description="What happened, e.g. 'customer.login_failed'.")
    object_type: str | None
    object_id: strawberry.ID | None = strawberry.field(description="Global id of the object.")
    client_address: str | None
    details: JSON

    @classmethod
    def from_model(cls, event: AuditEventModel) -> AuditEvent:
        actor_type = {ActorKindValue.ADMIN: "AdminUser", ActorKindValue.CUSTOMER: "ShopUser"}
        actor_id = (
            global_id(actor_type[event.actor_kind], event.actor_id)
            if event.actor_id is not None and event.actor_kind in actor_type
            else None
        )
        object_id = (
            global_id(event.object_type, event.object_id)
            if event.object_type and event.object_id is not None
            else None
        )
        return cls(
            id=global_id("AuditEvent", event.id),
            occurred_at=event.occurred_at,
            actor_kind=event.actor_kind,
            actor_id=actor_id,
            actor_label=event.actor_label,
            action=event.action,
            object_type=event.object_type,
            object_id=object_id,
            client_address=event.client_address,
            details=event.details,
        )
