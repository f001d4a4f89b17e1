from __future__ import annotations

from enum import Enum

from tortoise import fields
from tortoise.models import Model

from models.accounts import AdminUser, ShopUser


class Session(Model):
    """A signed-in browser or client. Only the token's hash is stored."""

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    admin: fields.ForeignKeyNullableRelation[AdminUser] = fields.ForeignKeyField(
        "models.AdminUser", related_name="sessions", null=True,
        on_delete=fields.CASCADE, db_index=True,
    )
    admin_id: int | None
    shop_user: fields.ForeignKeyNullableRelation[ShopUser] = fields.ForeignKeyField(
        "models.ShopUser", related_name="sessions", null=True,
        on_delete=fields.CASCADE, db_index=True,
    )
    shop_user_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    # Written at most once a minute, so reading it costs no write per request.
    last_seen_at = fields.DatetimeField()
    # The absolute end; the idle end is last_seen_at plus the kind's idle lifetime.
    expires_at = fields.DatetimeField(db_index=True)
    client_address = fields.CharField(max_length=64, null=True)
    user_agent = fields.CharField(max_length=255, null=True)

    class Meta:
        table = "session"


class TokenPurpose(str, Enum):
    INVITATION = "INVITATION"
    PASSWORD_RESET = "PASSWORD_RESET"  # noqa: S105 (a kind of link, not a password)
    # The second step of a staff sign-in: the password was right, the code is still owed.
    MFA_CHALLENGE = "MFA_CHALLENGE"


class OneTimeToken(Model):
    """An invitation, reset link or MFA challenge: single use, expiring, stored hashed."""

    id = fields.IntField(primary_key=True)
    purpose = fields.CharEnumField(TokenPurpose, max_length=16)
    token_hash = fields.CharField(max_length=64, unique=True)
    # Exactly one of the two is set.
    shop_user: fields.ForeignKeyNullableRelation[ShopUser] = fields.ForeignKeyField(
        "models.ShopUser", related_name="one_time_tokens", null=True,
        on_delete=fields.CASCADE, db_index=True,
    )
    shop_user_id: int | None
    admin: fields.ForeignKeyNullableRelation[AdminUser] = fields.ForeignKeyField(
        "models.AdminUser", related_name="one_time_tokens", null=True,
        on_delete=fields.CASCADE, db_index=True,
    )
    admin_id: int | None
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    # Set when redeemed or superseded; a conditional UPDATE on it makes redemption single-use.
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "one_time_token"


class MfaRecoveryCode(Model):
    """One of a staff member's ten recovery codes: stored hashed, good for one sign-in."""

    id = fields.IntField(primary_key=True)
    admin: fields.ForeignKeyRelation[AdminUser] = fields.ForeignKeyField(
        "models.AdminUser", related_name="recovery_codes", on_delete=fields.CASCADE, db_index=True
    )
    admin_id: int
    # SHA-256 of a random code: too long to guess, so no slow hash is needed.
    code_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    used_at = fields.DatetimeField(null=True)

    class Meta:
        table = "mfa_recovery_code"
