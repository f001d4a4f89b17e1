"""The audit log as staff read it."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from models import ActorKind
from models import AuditEvent as AuditEventModel
from resolvers.audit import ACTOR_KINDS
from schema.enums import describe_enum
from schema.nodes import Node, global_id

describe_enum(
    ActorKind,
    name="ActorKind",
    description="Who acted in an audit event.",
    values={
        ActorKind.ADMIN: "A signed-in staff member (actorId is an AdminUser).",
        ActorKind.CUSTOMER: "A signed-in shop user (actorId is a ShopUser).",
        ActorKind.ANONYMOUS: "Someone not signed in: a failed sign-in, a refused link, a registration.",
        ActorKind.SYSTEM: "The `gatehouse` command line or Gatehouse's own timers; actorLabel names which.",
    },
)


@strawberry.type(
    description="Who did what to which object, when and from where (staff only). Never changed, "
    "except that erasing a person's data (erasePersonalData) puts a pseudonym where their address was."
)
class AuditEvent(Node):
    occurred_at: datetime = strawberry.field(description="When it happened.")
    actor_kind: ActorKind = strawberry.field(description="What kind of actor did it.")
    actor_id: strawberry.ID | None = strawberry.field(
        description="Global id of the actor (AdminUser or ShopUser); null for anonymous and system actors."
    )
    actor_label: str | None = strawberry.field(
        description="The actor's email or username as it was then (for a failed sign-in, the name "
        "tried; for the system, the command)."
    )
    action: str = strawberry.field(
        description="What happened, as `object.verb`, e.g. 'customer.login_failed', 'registration.approved'."
    )
    object_type: str | None = strawberry.field(
        description="The GraphQL type of the object acted on, e.g. 'RegistrationRequest'; null if none."
    )
    object_id: strawberry.ID | None = strawberry.field(
        description="Global id of the object; `node(id:)` reads null once the object is gone."
    )
    client_address: str | None = strawberry.field(
        description="The IP address the request came from; null for the command line."
    )
    details: JSON = strawberry.field(
        description="A JSON object of what else the action records (fields changed, reasons, counts)."
    )

    @classmethod
    def from_model(cls, event: AuditEventModel) -> AuditEvent:
        actor_type = {kind: type_name for type_name, kind in ACTOR_KINDS.items()}
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
            details=JSON(event.details),
        )
