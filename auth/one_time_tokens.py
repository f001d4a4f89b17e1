"""Invitation and password-reset links: single use, expiring, stored only as a hash."""

from __future__ import annotations

from datetime import datetime, timedelta

from auth.tokens import hash_token, new_token
from models import AdminUser, OneTimeToken, ShopUser, TokenPurpose


async def issue(
    account: ShopUser | AdminUser, purpose: TokenPurpose, *, now: datetime, lifetime: timedelta
) -> str:
    """A new token for the shop user or staff member; earlier unused ones of the same purpose
    stop working."""
    admin = account if isinstance(account, AdminUser) else None
    shop_user = account if isinstance(account, ShopUser) else None
    earlier = (
        OneTimeToken.filter(admin_id=account.id)
        if admin is not None
        else OneTimeToken.filter(shop_user_id=account.id)
    )
    await earlier.filter(purpose=purpose, used_at__isnull=True).update(used_at=now)
    token = new_token()
    await OneTimeToken.create(
        purpose=purpose, token_hash=hash_token(token), admin=admin, shop_user=shop_user,
        expires_at=now + lifetime,
    )
    return token


async def void_links_of(admin: AdminUser, *, now: datetime) -> int:
    """Every unused link or challenge of a staff member stops working (deactivated staff)."""
    return await OneTimeToken.filter(admin_id=admin.id, used_at__isnull=True).update(used_at=now)


async def redeemable(token: str, purpose: TokenPurpose, *, now: datetime) -> OneTimeToken | None:
    """The unused, unexpired token row (with its shop user and shop, or its staff member), or None."""
    if not token or len(token) > 128:
        return None
    return (
        await OneTimeToken.filter(
            token_hash=hash_token(token), purpose=purpose, used_at__isnull=True, expires_at__gt=now
        )
        .select_related("shop_user__shop", "admin")
        .first()
    )


async def redeem(row: OneTimeToken, *, now: datetime) -> bool:
    """Marks the token used; False when another request redeemed it first."""
    return bool(await OneTimeToken.filter(id=row.id, used_at__isnull=True).update(used_at=now))
