"""Invitation and password-reset links: single use, expiring, stored only as a hash."""

from __future__ import annotations

from datetime import datetime, timedelta

from auth.tokens import hash_token, new_token
from models import OneTimeToken, ShopUser, TokenPurpose


async def issue(shop_user: ShopUser, purpose: TokenPurpose, *, now: datetime, lifetime: timedelta) -> str:
    """A new token for the user; earlier unused ones of the same purpose stop working."""
    await OneTimeToken.filter(shop_user_id=shop_user.id, purpose=purpose, used_at__isnull=True).update(
        used_at=now
    )
    token = new_token()
    await OneTimeToken.create(
        purpose=purpose, token_hash=hash_token(token), shop_user=shop_user, expires_at=now + lifetime
    )
    return token


async def redeemable(token: str, purpose: TokenPurpose, *, now: datetime) -> OneTimeToken | None:
    """The unused, unexpired token row (with its shop user and shop), or None."""
    if not token or len(token) > 128:
        return None
    return (
        await OneTimeToken.filter(
            token_hash=hash_token(token), purpose=purpose, used_at__isnull=True, expires_at__gt=now
        )
        .select_related("shop_user__shop")
        .first()
    )


async def redeem(row: OneTimeToken, *, now: datetime) -> bool:
    """Marks the token used; False when another request redeemed it first."""
    return bool(await OneTimeToken.filter(id=row.id, used_at__isnull=True).update(used_at=now))
