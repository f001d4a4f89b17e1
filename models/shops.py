from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.field_types import RegistrationFieldType

# The languages Gatehouse has mail templates for; a new shop offers all of them.
SUPPORTED_LANGUAGES = ["nl", "en", "de", "fr"]


class ApprovalMode(str, Enum):
    MANUAL = "MANUAL"
    AUTOMATIC = "AUTOMATIC"


def default_languages() -> list[str]:
    return list(SUPPORTED_LANGUAGES)


class Shop(Model):
    id = fields.IntField(primary_key=True)
    handle = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    registration_enabled = fields.BooleanField(default=False)
    approval_mode = fields.CharEnumField(ApprovalMode, max_length=16, default=ApprovalMode.MANUAL)
    default_price_list_tags: list[str] = fields.JSONField(default=list)
    minimum_order_amount = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    checkout_payment_limit = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    currency = fields.CharField(max_length=3, default="EUR")
    languages: list[str] = fields.JSONField(default=default_languages)
    notification_email = fields.CharField(max_length=254, null=True)
    notify_customer_on_rejection = fields.BooleanField(default=True)
    storefront_url = fields.CharField(max_length=500, null=True)
    reminder_delay_hours = fields.IntField(default=24)
    # Double opt-in: a submission waits, UNVERIFIED, until the applicant follows the mailed link.
    require_email_verification = fields.BooleanField(default=False)
    # submitRegistration needs a fresh formToken of registrationForm (auth/form_tokens.py).
    bot_protection = fields.BooleanField(default=True)
    # ISO 3166-1 alpha-2: phone numbers and VAT numbers without a country prefix are read as this.
    default_country = fields.CharField(max_length=2, null=True)
    # Rejected requests older than this many days are deleted by the retention purge; 0: at its
    # next run.
    rejected_request_retention_days = fields.IntField(default=180)
    # Claimed with a conditional UPDATE so only one instance sends a day's digest.
    reminder_sent_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "shop"
        ordering = ("handle",)

    @property
    def default_language(self) -> str:
        return self.languages[0] if self.languages else "en"

    def __str__(self) -> str:
        return self.handle


class RegistrationField(Model):
    """An extra question on a shop's registration form, typed, in each of the shop's languages."""

    id = fields.IntField(primary_key=True)
    shop: fields.ForeignKeyRelation[Shop] = fields.ForeignKeyField(
        "models.Shop", related_name="registration_fields", on_delete=fields.CASCADE
    )
    shop_id: int
    key = fields.CharField(max_length=64)
    type = fields.CharEnumField(RegistrationFieldType, max_length=16, default=RegistrationFieldType.TEXT)
    required = fields.BooleanField(default=True)
    # language -> text (at least one); read in the order of the shop's languages.
    labels: dict[str, str] = fields.JSONField(default=dict)
    help_texts: dict[str, str] = fields.JSONField(default=dict)
    # CHOICE and MULTI_CHOICE: [{"value": ..., "labels": {language: text}}], in order.
    options: list[dict[str, Any]] = fields.JSONField(default=list)
    position = fields.IntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "registration_field"
        unique_together = (("shop", "key"),)
        ordering = ("position", "id")
