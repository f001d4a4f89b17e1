"""Links mailed to staff: an invitation to choose a first password, and a password reset.

They point at the staff dashboard (GATEHOUSE_ADMIN_URL). Without one configured the mail
carries the bare token instead, with a word on which mutation redeems it, so a team that
works with the API alone can still let its members in. Staff keep no language, so their
mails go in the default one.
"""

from __future__ import annotations

from auth import one_time_tokens
from mail.outbox import enqueue
from mail.rendering import STAFF_LANGUAGE
from mail.template_names import MailTemplate
from models import AdminUser, Shop, TokenPurpose
from resolvers.links import staff_invitation_url, staff_password_reset_url
from resolvers.runtime import Runtime


async def send_staff_invitation(
    runtime: Runtime, admin: AdminUser, shops: list[Shop] | None, inviter: str
) -> None:
    """Queue an invitation with a fresh link (the one before stops working); call inside the
    use case's transaction. `shops` None: every shop."""
    now = runtime.now()
    token = await one_time_tokens.issue(
        admin, TokenPurpose.INVITATION, now=now, lifetime=runtime.invitation_lifetime
    )
    url = staff_invitation_url(runtime, token)
    await enqueue(
        recipient=admin.email,
        template=MailTemplate.STAFF_INVITATION,
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
    url = staff_password_reset_url(runtime, token)
    await enqueue(
        recipient=admin.email,
        template=MailTemplate.STAFF_PASSWORD_RESET,
        language=STAFF_LANGUAGE,
        context={
            "email": admin.email,
            "reset_url": url,
            "token": None if url else token,
            "valid_minutes": int(runtime.password_reset_lifetime.total_seconds() // 60),
        },
        now=now,
    )
