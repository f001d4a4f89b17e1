from __future__ import annotations

from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.accounts import AdminUser, ShopUser
from models.debtors import Debtor
from models.normalise import normalise_email
from models.shops import Shop


class RegistrationStatus(str, Enum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"


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

    answers: fields.ReverseRelation[RegistrationAnswer]

    class Meta:
        table = "registration_request"
        # A shop's requests (of one status), newest first, a page at a time (keyset on id).
        indexes = (("shop", "status", "id"), ("shop", "id"), ("status", "id"))
        ordering = ("-id",)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email) or ""
        await super().save(*args, **kwargs)


class RegistrationAnswer(Model):
    """An answer to an extra field, with a copy of the label as it was asked."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[RegistrationRequest] = fields.ForeignKeyField(
        "models.RegistrationRequest", related_name="answers",
        on_delete=fields.CASCADE, db_index=True,
    )
    request_id: int
    key = fields.CharField(max_length=64)
    label = fields.CharField(max_length=200)
    value = fields.TextField()
    position = fields.IntField(default=0)

    class Meta:
        table = "registration_answer"
        ordering = ("position", "id")
