"""Every link a mail carries, built here.

A customer's link points at the shop's storefront, or the public URL. A staff link points at
the staff dashboard (GATEHOUSE_ADMIN_URL) and is None when none is configured, so the mail
says so instead of linking to a page that does not exist.
"""

from __future__ import annotations

from urllib.parse import urlencode

from models import Shop, ShopUser
from resolvers.runtime import Runtime


def storefront_base(runtime: Runtime, shop: Shop) -> str:
    return shop.storefront_url or runtime.public_url


def invitation_url(runtime: Runtime, shop: Shop, token: str) -> str:
    return f"{storefront_base(runtime, shop)}/account/invitation?{urlencode({'token': token})}"


def password_reset_url(runtime: Runtime, shop: Shop, token: str) -> str:
    return f"{storefront_base(runtime, shop)}/account/reset-password?{urlencode({'token': token})}"


def registration_verification_url(runtime: Runtime, shop: Shop, token: str) -> str:
    """The storefront page where an applicant confirms their email (double opt-in)."""
    return f"{storefront_base(runtime, shop)}/account/verify-registration?{urlencode({'token': token})}"


def sign_in_url(runtime: Runtime, shop: Shop) -> str:
    return f"{storefront_base(runtime, shop)}/account/login"


def review_url(runtime: Runtime, shop: Shop) -> str | None:
    """The dashboard's list of the shop's requests waiting for a decision."""
    return runtime.dashboard_url(f"/shops/{shop.handle}/registration-requests?status=PENDING")


def shop_user_url(runtime: Runtime, shop: Shop, shop_user: ShopUser) -> str | None:
    """The dashboard's page of one shop user."""
    return runtime.dashboard_url(f"/shops/{shop.handle}/shop-users/{shop_user.id}")


def staff_invitation_url(runtime: Runtime, token: str) -> str | None:
    """The dashboard page where a staff member accepts an invitation with `token`."""
    return _staff_link(runtime, "accept-invitation", token)


def staff_password_reset_url(runtime: Runtime, token: str) -> str | None:
    """The dashboard page where a staff member resets a password with `token`."""
    return _staff_link(runtime, "reset-password", token)


def _staff_link(runtime: Runtime, page: str, token: str) -> str | None:
    return runtime.dashboard_url(f"/{page}?{urlencode({'token': token})}")
