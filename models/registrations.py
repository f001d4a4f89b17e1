from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts import AdminUser, ShopUser
from models.debtors import Debtor
from models.field_types import RegistrationFieldType
from models.normalise import normalise_email
from models.shops import Shop


class RegistrationStatus(str, Enum):
    UNVERIFIED = "UNVERIFIED"
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


#: A request still waiting for its applicant or for staff: one per email and shop at most.
OPEN_STATUSES = frozenset({RegistrationStatus.UNVERIFIED, RegistrationStatus.PENDING})


class RegistrationRequest(Model):
    id = fields.IntField(primary_key=True)
    shop: fields.ForeignKeyRelation[Shop] = fields.ForeignKeyField(
        "models.Shop", related_name="registration_requests", on_delete=fields.CASCADE
    )
    shop_id: int
    name = fields.CharField(max_length=200)
    email = fields.CharField(max_length=254, db_index=True)
    company = fields.CharField(max_length=200, null=True)
    language = fields.CharField(max_length=8)
    status = fields.CharEnumField(
        RegistrationStatus, max_length=16, default=RegistrationStatus.PENDING
    )
    submitted_at = fields.DatetimeField(auto_now_add=True)
    decided_at = fields.DatetimeField(null=True)
    decided_by: fields.ForeignKeyNullableRelation[AdminUser] = fields.ForeignKeyField(
        "models.AdminUser", related_name="decided_requests", null=True, on_delete=fields.SET_NULL,
        db_index=True,
    )
    decided_by_id: int | None
    rejection_reason: str | None = fields.TextField(null=True)
    debtor: fields.ForeignKeyNullableRelation[Debtor] = fields.ForeignKeyField(
        "models.Debtor", related_name="registration_requests", null=True, on_delete=fields.SET_NULL,
        db_index=True,
    )
    debtor_id: int | None
    shop_user: fields.ForeignKeyNullableRelation[ShopUser] = fields.ForeignKeyField(
        "models.ShopUser",
        related_name="registration_requests",
        null=True,
        on_delete=fields.SET_NULL,
        db_index=True,
    )
    shop_user_id: int | None
    # The email while the request is open (UNVERIFIED or PENDING), else null: unique per shop,
    # so two submissions racing each other cannot both open a request (nulls never collide).
    open_email = fields.CharField(max_length=254, null=True)
    # The SHA-256 of the link mailed to an UNVERIFIED applicant; null once verified.
    verification_token_hash = fields.CharField(max_length=64, null=True, unique=True)
    # AUTOMATIC mode with double opt-in: the password chosen in the form (an argon2id hash),
    # kept only until the verified email makes the account.
    password_hash = fields.CharField(max_length=255, null=True)

    answers: fields.ReverseRelation[RegistrationAnswer]

    class Meta:
        table = "registration_request"
        # A shop's requests (of one status), newest first, a page at a time (keyset on id).
        indexes = (("shop", "status", "id"), ("shop", "id"), ("status", "id"))
        unique_together = (("shop", "open_email"),)
        ordering = ("-id",)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email) or ""
        self.open_email = self.email if self.status in OPEN_STATUSES else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = [*update_fields, "open_email"]
        await super().save(*args, **kwargs)


class RegistrationAnswer(Model):
    """An answer to an extra field, with a copy of the field as it was asked: editing or
    deleting the field later changes no answer given."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[RegistrationRequest] = fields.ForeignKeyField(
        "models.RegistrationRequest", related_name="answers",
        on_delete=fields.CASCADE, db_index=True,
    )
    request_id: int
    key = fields.CharField(max_length=64)
    type = fields.CharEnumField(RegistrationFieldType, max_length=16, default=RegistrationFieldType.TEXT)
    # The label in the applicant's language, as they read it.
    label = fields.CharField(max_length=200)
    # Every language's label (language -> text), and each chosen option's, at submission.
    labels: dict[str, str] = fields.JSONField(default=dict)
    option_labels: dict[str, dict[str, str]] = fields.JSONField(default=dict)
    # Normalised: E.164, a compact VAT number, an ISO code; options joined by ", ".
    value = fields.TextField()
    # The chosen option values of a MULTI_CHOICE, else the one value (none when left out).
    values: list[str] = fields.JSONField(default=list)
    position = fields.IntField(default=0)

    class Meta:
        table = "registration_answer"
        ordering = ("position", "id")
