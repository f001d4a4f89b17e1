from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from models.debtors import ContactPerson
from models.normalise import normalise_email, username_key
from models.shops import Shop


class ShopUserStatus(str, Enum):
    INVITED = "INVITED"
    ACTIVE = "ACTIVE"
    EXCLUDED = "EXCLUDED"


class CompanyRole(str, Enum):
    """What a shop user may do for its own company: a MEMBER orders, an ADMIN also gives and
    takes away its colleagues' logins."""

    MEMBER = "MEMBER"
    ADMIN = "ADMIN"


class StaffRole(str, Enum):
    """What a staff member may do; the table of each role's capabilities is in auth/roles.py."""

    OWNER = "OWNER"
    MANAGER = "MANAGER"
    REVIEWER = "REVIEWER"
    SUPPORT = "SUPPORT"
    AUDITOR = "AUDITOR"


class AdminUser(Model):
    """A staff member of the shops: a role, and the shops it acts in (every shop, or those listed)."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=200, null=True)
    # Null while an invitation is not yet accepted.
    password_hash = fields.CharField(max_length=255, null=True)
    is_active = fields.BooleanField(default=True)
    role = fields.CharEnumField(StaffRole, max_length=16, default=StaffRole.OWNER)
    # True: every shop, today's and tomorrow's; False: only the shops in `shops`.
    all_shops = fields.BooleanField(default=True)
    shops: fields.ManyToManyRelation[Shop] = fields.ManyToManyField(
        "models.Shop", related_name="staff", through="admin_user_shop"
    )
    # The TOTP secret, encrypted with GATEHOUSE_SECRET_KEY; set at enrolment, confirmed by a code.
    mfa_secret_encrypted: str | None = fields.TextField(null=True)
    mfa_enabled_at = fields.DatetimeField(null=True)
    # The newest TOTP time step accepted: a code of this step or older is never accepted again.
    mfa_last_step = fields.BigIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_login_at = fields.DatetimeField(null=True)

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_enabled_at is not None

    class Meta:
        table = "admin_user"
        ordering = ("id",)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        # Blank never gets here: create_admin refuses it first.
        self.email = normalise_email(self.email) or ""
        await super().save(*args, **kwargs)


class ShopUser(Model):
    """A customer's login to one shop, attached to one contact person (role CUSTOMER)."""

    id = fields.IntField(primary_key=True)
    shop: fields.ForeignKeyRelation[Shop] = fields.ForeignKeyField(
        "models.Shop", related_name="users", on_delete=fields.CASCADE
    )
    shop_id: int
    contact: fields.ForeignKeyRelation[ContactPerson] = fields.ForeignKeyField(
        "models.ContactPerson", related_name="shop_users", on_delete=fields.CASCADE, db_index=True
    )
    contact_id: int
    username = fields.CharField(max_length=150)
    # The database enforces "unique per shop, ignoring case" on this column.
    username_key = fields.CharField(max_length=150)
    password_hash = fields.CharField(max_length=255, null=True)
    language = fields.CharField(max_length=8)
    may_be_excluded = fields.BooleanField(default=True)
    company_role = fields.CharEnumField(CompanyRole, max_length=8, default=CompanyRole.MEMBER)
    excluded = fields.BooleanField(default=False)
    exclusion_reason: str | None = fields.TextField(null=True)
    excluded_since = fields.DatetimeField(null=True)
    excluded_until = fields.DatetimeField(null=True)
    must_change_password = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    activated_at = fields.DatetimeField(null=True)
    password_changed_at = fields.DatetimeField(null=True)
    last_login_at = fields.DatetimeField(null=True)

    class Meta:
        table = "shop_user"
        unique_together = (("shop", "username_key"), ("shop", "contact"))
        # A shop's users, newest first, a page at a time (keyset on id).
        indexes = (("shop", "id"),)
        ordering = ("id",)

    async def save(self, *args: Any, **kwargs: Any) -> None:
        self.username = self.username.strip()
        self.username_key = username_key(self.username)
        await super().save(*args, **kwargs)

    def is_excluded_at(self, moment: datetime) -> bool:
        """An exclusion with an end date lifts by itself once that date has passed."""
        if not self.excluded:
            return False
        return self.excluded_until is None or self.excluded_until > moment

    def status_at(self, moment: datetime) -> ShopUserStatus:
        if self.is_excluded_at(moment):
            return ShopUserStatus.EXCLUDED
        if self.password_hash is None:
            return ShopUserStatus.INVITED
        return ShopUserStatus.ACTIVE
