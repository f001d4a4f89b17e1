"""Partners' webhooks: the endpoints, the events written for them, and each event's deliveries.

An event (a `WebhookMessage`) is written in the same transaction as the change it reports,
with one `WebhookDelivery` per webhook that wants it, so a rolled-back change sends nothing
and a committed one is delivered at least once, however long the receiver is away.
"""

from __future__ import annotations

from enum import Enum
from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from models.shops import Shop


class WebhookEvent(str, Enum):
    """What happened; `type_name` is how a delivery's body names it."""

    REGISTRATION_SUBMITTED = "REGISTRATION_SUBMITTED"
    REGISTRATION_VERIFIED = "REGISTRATION_VERIFIED"
    REGISTRATION_APPROVED = "REGISTRATION_APPROVED"
    REGISTRATION_REJECTED = "REGISTRATION_REJECTED"
    REGISTRATION_DELETED = "REGISTRATION_DELETED"
    SHOP_USER_CREATED = "SHOP_USER_CREATED"
    SHOP_USER_ACTIVATED = "SHOP_USER_ACTIVATED"
    SHOP_USER_EXCLUDED = "SHOP_USER_EXCLUDED"
    SHOP_USER_READMITTED = "SHOP_USER_READMITTED"
    DEBTOR_CREATED = "DEBTOR_CREATED"
    DEBTOR_UPDATED = "DEBTOR_UPDATED"
    DEBTORS_MERGED = "DEBTORS_MERGED"

    @property
    def type_name(self) -> str:
        """`registration.approved`, `shop_user.created`, `debtors.merged`: the body's `type`."""
        subject, _, verb = self.value.rpartition("_")
        return f"{subject.lower()}.{verb.lower()}"


class WebhookDeliveryStatus(str, Enum):
    QUEUED = "QUEUED"
    DELIVERED = "DELIVERED"
    FAILED = "FAILED"


class Webhook(Model):
    """A partner's endpoint, the events it wants and the shops they are of."""

    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=2048)
    description: str | None = fields.TextField(null=True)
    # WebhookEvent values, in the order given.
    events: list[str] = fields.JSONField(default=list)
    # True: the events of every shop, now and later; else those of `shops`.
    all_shops = fields.BooleanField(default=True)
    shops: fields.ManyToManyRelation[Shop] = fields.ManyToManyField(
        "models.Shop", related_name="webhooks", through="webhook_shop"
    )
    # The signing secret (`whsec_…`), encrypted with GATEHOUSE_SECRET_KEY; while it is being
    # rotated, the one before it signs too until `previous_secret_until`.
    secret_sealed = fields.TextField()
    previous_secret_sealed: str | None = fields.TextField(null=True)
    previous_secret_until = fields.DatetimeField(null=True)
    active = fields.BooleanField(default=True)
    disabled_reason: str | None = fields.TextField(null=True)
    # When the deliveries began to fail without one success since; None while they succeed.
    failing_since = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    created_by_id = fields.IntField(null=True)

    class Meta:
        table = "webhook"
        ordering = ("id",)


class WebhookMessage(Model):
    """One event as it is sent: the same id and body on every attempt to every webhook."""

    id = fields.IntField(primary_key=True)
    # The `webhook-id` header: `msg_` and random characters, unique.
    message_id = fields.CharField(max_length=64, unique=True)
    event = fields.CharEnumField(WebhookEvent, max_length=32)
    # The shop the event is of; None: of no one shop.
    shop_id = fields.IntField(null=True)
    # The JSON body exactly as signed and sent.
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_message"


class WebhookDelivery(Model):
    """One event on its way to one webhook, retried until delivered or given up."""

    id = fields.IntField(primary_key=True)
    webhook: fields.ForeignKeyRelation[Webhook] = fields.ForeignKeyField(
        "models.Webhook", related_name="deliveries", on_delete=fields.CASCADE
    )
    webhook_id: int
    message: fields.ForeignKeyRelation[WebhookMessage] = fields.ForeignKeyField(
        "models.WebhookMessage", related_name="deliveries", on_delete=fields.CASCADE
    )
    message_id: int
    status = fields.CharEnumField(WebhookDeliveryStatus, max_length=16, default=WebhookDeliveryStatus.QUEUED)
    attempts = fields.IntField(default=0)
    next_attempt_at = fields.DatetimeField()
    last_status_code: int | None = fields.IntField(null=True)
    last_error: str | None = fields.TextField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        # Due deliveries for the deliverer; a webhook's deliveries (of a status), newest first.
        indexes = (("status", "next_attempt_at"), ("webhook_id", "id"), ("webhook_id", "status", "id"))
        ordering = ("-id",)
