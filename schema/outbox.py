"""Queued, sent and failed mail, as staff see it (never its links or tokens)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import OutboxMessage as OutboxMessageModel
from models import OutboxStatus as OutboxStatusValue
from schema.nodes import Node, global_id

OutboxStatus = strawberry.enum(OutboxStatusValue, name="OutboxStatus")


@strawberry.type(description="A mail in the outbox. Its content stays on the server.")
class OutboxMessage(Node):
    message_id: str
    recipient: str
    template: str
    language: str
    status: OutboxStatus
    attempts: int
    next_attempt_at: datetime
    sent_at: datetime | None
    last_error: str | None = strawberry.field(description="Why the last attempt failed.")
    created_at: datetime

    @classmethod
    def from_model(cls, row: OutboxMessageModel) -> OutboxMessage:
        return cls(
            id=global_id("OutboxMessage", row.id),
            message_id=row.message_id,
            recipient=row.recipient,
            template=row.template,
            language=row.language,
            status=row.status,
            attempts=row.attempts,
            next_attempt_at=row.next_attempt_at,
            sent_at=row.sent_at,
            last_error=row.last_error,
            created_at=row.created_at,
        )
