from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.registrations import RegistrationRequest


class OutboxStatus(str, Enum):
    QUEUED = "QUEUED"
    SENT = "SENT"
    FAILED = "FAILED"


class OutboxMessage(Model):
    """A mail written in the same transaction as the change it tells of, sent later."""

    id = fields.IntField(primary_key=True)
    message_id = fields.CharField(max_length=255, unique=True)
    recipient = fields.CharField(max_length=254)
    template = fields.CharField(max_length=64)
    language = fields.CharField(max_length=8)
    context: dict = fields.JSONField(default=dict)
    status = fields.CharEnumField(OutboxStatus, max_length=16, default=OutboxStatus.QUEUED)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # The registration request a mail is about: deleting the request deletes its mails,
    # sent or not, since rule 6 leaves no trace of it but the audit log.
    registration_request: fields.ForeignKeyNullableRelation[RegistrationRequest] = (
        fields.ForeignKeyField(
            "models.RegistrationRequest", related_name="mails", null=True,
            on_delete=fields.CASCADE, db_index=True,
        )
    )
    registration_request_id: int | None

    class Meta:
        table = "outbox_message"
        indexes = (("status", "next_attempt_at"),)
        ordering = ["-id"]
