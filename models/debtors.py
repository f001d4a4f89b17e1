from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from models.normalise import name_key, normalise_email

if TYPE_CHECKING:
    from models.accounts import ShopUser


class Debtor(Model):
    """A customer company."""

    id = fields.IntField(primary_key=True)
    number = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)
    # `name` case-folded (see normalise.name_key), so matching by company name uses an index.
    name_key = fields.CharField(max_length=600, db_index=True)
    email = fields.CharField(max_length=254, null=True, db_index=True)
    phone = fields.CharField(max_length=64, null=True)
    vat_number = fields.CharField(max_length=32, null=True, db_index=True)
    address: str | None = fields.TextField(null=True)
    price_list_tags: list[str] = fields.JSONField(default=list)
    # Overrides of the shop's order rules; null means "the shop's".
    minimum_order_amount = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    checkout_payment_limit = fields.DecimalField(max_digits=14, decimal_places=2, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    contacts: fields.ReverseRelation[ContactPerson]
    merged: fields.ReverseRelation[MergedDebtor]

    class Meta:
        table = "debtor"
        ordering = ("id",)

    async def save(
        self,
        using_db: BaseDBAsyncClient | None = None,
        update_fields: Iterable[str] | None = None,
        force_create: bool = False,
        force_update: bool = False,
    ) -> None:
        self.email = normalise_email(self.email)
        self.name_key = name_key(self.name)
        if update_fields is not None and "name" in update_fields:
            update_fields = [*update_fields, "name_key"]
        await super().save(using_db, update_fields, force_create, force_update)


class ContactPerson(Model):
    """A person of a debtor, who may be given shop users."""

    id = fields.IntField(primary_key=True)
    debtor: fields.ForeignKeyRelation[Debtor] = fields.ForeignKeyField(
        "models.Debtor", related_name="contacts", on_delete=fields.CASCADE, db_index=True
    )
    debtor_id: int
    first_name = fields.CharField(max_length=100)
    last_name = fields.CharField(max_length=100)
    email = fields.CharField(max_length=254, null=True, db_index=True)
    phone = fields.CharField(max_length=64, null=True)
    language = fields.CharField(max_length=8)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    shop_users: fields.ReverseRelation[ShopUser]

    class Meta:
        table = "contact_person"
        ordering = ("id",)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = normalise_email(self.email)
        await super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class MergedDebtor(Model):
    """A debtor that was merged into another (mergeDebtors, rule 15 of docs/api.md): the clues
    it was known by, kept so that a registration naming it still matches the debtor it became.

    The values are the merged debtor's own as they were when it went; its contact persons moved
    to the target and match through it. When the target is itself merged later, its records move
    on with it.
    """

    id = fields.IntField(primary_key=True)
    debtor: fields.ForeignKeyRelation[Debtor] = fields.ForeignKeyField(
        "models.Debtor", related_name="merged", on_delete=fields.CASCADE, db_index=True
    )
    debtor_id: int
    # Not unique: a number merged away may be given to a new debtor, and that one merged too.
    number = fields.CharField(max_length=32)
    # Indexed as on Debtor: matching looks each clue up (resolvers/matching.py).
    name_key = fields.CharField(max_length=600, db_index=True)
    vat_number = fields.CharField(max_length=32, null=True, db_index=True)
    email = fields.CharField(max_length=254, null=True, db_index=True)
    merged_at = fields.DatetimeField()

    class Meta:
        table = "merged_debtor"
        # No default order: matching reads it through several indexes at once (MULTI-INDEX OR),
        # which any ORDER BY would make SQLite sort afterwards.
