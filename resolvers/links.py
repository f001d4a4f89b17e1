"""Links in customer mails: they point at the shop's storefront, or the public URL."""

from __future__ import annotations

from urllib.parse import urlencode

from models import Shop
from resolvers.runtime import Runtime


def storefront_base(runtime: Runtime, shop: Shop) -> str:
    return shop.storefront_url or runtime.public_url


def invitation_url(runtime: Runtime, shop: Shop, token: str) -> str:
    return f"{storefront_base(runtime, shop)}/account/invitation?{urlencode({'token': token})}"


def password_reset_url(runtime: Runtime, shop: Shop, token: str) -> str:
    return f"{storefront_base(runtime, shop)}/account/reset-password?{urlencode({'token': token})}"


def sign_in_url(runtime: Runtime, shop: Shop) -> str:
    return f"{storefront_base(runtime, shop)}/account/login"
