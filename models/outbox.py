from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING, Any

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
    context: dict[str, Any] = fields.JSONField(default=dict)
    status = fields.CharEnumField(OutboxStatus, max_length=16, default=OutboxStatus.QUEUED)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(null=True)
    last_error: str | None = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # The registration request a mail is about. Rule 6 of docs/api.md leaves no trace of a deleted request:
    # its mails go with it, except one still owed to the applicant, which is sent and then
    # forgotten (`forget_once_sent`).
    registration_request: fields.ForeignKeyNullableRelation[RegistrationRequest] = (
        fields.ForeignKeyField(
            "models.RegistrationRequest", related_name="mails", null=True,
            on_delete=fields.SET_NULL, db_index=True,
        )
    )
    registration_request_id: int | None
    forget_once_sent = fields.BooleanField(default=False)
    # The shop the mail is of, for staff of some shops only; null: no one shop's (staff mail).
    shop_id = fields.IntField(null=True)

    class Meta:
        table = "outbox_message"
        # Due mail for the deliverer; a status's, a recipient's, a template's mails, newest
        # first, for outboxMessages; the digests since a request came in, to strike it out
        # when it is deleted.
        indexes = (
            ("status", "next_attempt_at"), ("status", "id"), ("recipient", "id"), ("template", "id"),
            ("template", "created_at"), ("shop_id", "id"),
        )
        ordering = ("-id",)
