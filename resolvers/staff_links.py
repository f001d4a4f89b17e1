"""Links mailed to staff: an invitation to choose a first password, and a password reset.

They point at the staff dashboard (GATEHOUSE_ADMIN_URL). Without one configured the mail
carries the bare token instead, with a word on which mutation redeems it, so a team that
works with the API alone can still let its members in. Staff keep no language, so their
mails go in the default one.
"""

from __future__ import annotations

from urllib.parse import urlencode

from auth import one_time_tokens
from mail.outbox import enqueue
from mail.rendering import FALLBACK_LANGUAGE
from models import AdminUser, Shop, TokenPurpose
from resolvers.runtime import Runtime

STAFF_LANGUAGE = FALLBACK_LANGUAGE


def staff_link(runtime: Runtime, page: str, token: str) -> str | None:
    """The dashboard page that redeems `token`, or None when no dashboard is configured."""
    return runtime.dashboard_url(f"/{page}?{urlencode({'token': token})}")


async def send_staff_invitation(
    runtime: Runtime, admin: AdminUser, shops: list[Shop] | None, inviter: str
) -> None:
    """Queue an invitation with a fresh link (the one before stops working); call inside the
    use case's transaction. `shops` None: every shop."""
    now = runtime.now()
    token = await one_time_tokens.issue(
        admin, TokenPurpose.INVITATION, now=now, lifetime=runtime.invitation_lifetime
    )
    url = staff_link(runtime, "accept-invitation", token)
    await enqueue(
        recipient=admin.email,
        template="staff_invitation",
        language=STAFF_LANGUAGE,
        context={
            "inviter": inviter,
            "role": admin.role.value,
            "shops": None if shops is None else [shop.name for shop in shops],
            "invitation_url": url,
            # Shown only when there is no link to carry it.
            "token": None if url else token,
            "valid_days": runtime.invitation_lifetime.days,
        },
        now=now,
    )


async def send_staff_reset_link(runtime: Runtime, admin: AdminUser) -> None:
    """Queue a reset link for `admin` (the one before stops working); inside a transaction."""
    now = runtime.now()
    token = await one_time_tokens.issue(
        admin, TokenPurpose.PASSWORD_RESET, now=now, lifetime=runtime.password_reset_lifetime
    )
    url = staff_link(runtime, "reset-password", token)
    await enqueue(
        recipient=admin.email,
        template="staff_password_reset",
        language=STAFF_LANGUAGE,
        context={
            "email": admin.email,
            "reset_url": url,
            "token": None if url else token,
            "valid_minutes": int(runtime.password_reset_lifetime.total_seconds() // 60),
        },
        now=now,
    )
