"""Queued, sent and failed mail, as staff see it (never its links or tokens)."""

from __future__ import annotations

from datetime import datetime

import strawberry

from models import OutboxMessage as OutboxMessageModel
from models import OutboxStatus
from schema.enums import describe_enum
from schema.nodes import Node, global_id

describe_enum(
    OutboxStatus,
    name="OutboxStatus",
    description="Where a mail of the outbox stands.",
    values={
        OutboxStatus.QUEUED: "Waiting to be sent, or to be tried again after a failed attempt.",
        OutboxStatus.SENT: "Handed to the mail server.",
        OutboxStatus.FAILED: "Given up on, after repeated failed attempts or when it cannot be "
        "written; lastError says why.",
    },
)


@strawberry.type(description="A mail in the outbox (staff only). Its content stays on the server.")
class OutboxMessage(Node):
    message_id: str = strawberry.field(
        description="Unique id of the mail; its Message-ID header is <messageId@sender's domain>."
    )
    recipient: str = strawberry.field(description="The address it goes to.")
    template: str = strawberry.field(
        description="Which mail it is, e.g. 'invitation' or 'staff_new_request'."
    )
    language: str = strawberry.field(description="The language it is written in, e.g. 'nl'.")
    status: OutboxStatus = strawberry.field(description="Queued, sent or failed.")
    attempts: int = strawberry.field(description="How many times sending was tried.")
    next_attempt_at: datetime = strawberry.field(description="When the next attempt is due, while QUEUED.")
    sent_at: datetime | None = strawberry.field(description="When it was sent; null until SENT.")
    last_error: str | None = strawberry.field(
        description="Why the last attempt failed; null once sent, or if none failed."
    )
    created_at: datetime = strawberry.field(description="When the mail was written.")

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
