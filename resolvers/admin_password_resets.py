"""A staff member's forgotten password: requestAdminPasswordReset, worked out by the deliverer.

As for customers (resolvers/password_resets.py), the request itself does the same work
for every email, known or not: it counts against the rate limits, writes one job row and
one audit event. The delivery loop looks the staff member up afterwards and mails the
link, which resetPassword redeems.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from auth.viewer import Caller
from mail.jobs import ADMIN_PASSWORD_RESET_REQUESTED
from mail.outbox import enqueue_job
from mail.template_names import MailTemplate
from models import AdminUser, AuditEvent, OutboxMessage
from models.normalise import normalise_email
from resolvers import audit
from resolvers import validation as check
from resolvers.password_resets import MAIL_DELIVERY, storable_address
from resolvers.runtime import Runtime
from resolvers.staff import shops_of
from resolvers.staff_links import send_staff_invitation, send_staff_reset_link


async def request_admin_password_reset(runtime: Runtime, caller: Caller, email: str) -> None:
    """Queues the request; the same statements whether or not a staff member has the email."""
    address = normalise_email(email.strip()) or ""
    await runtime.limit("requestAdminPasswordReset", caller.client_address, f"admin:{address[:254]}")
    # None for an address no staff member can have (too long, or holding NUL, which
    # PostgreSQL's jsonb cannot store): the job then comes to nothing.
    fits = check.fits_column(AdminUser, "email", address)
    async with in_transaction():
        await enqueue_job(
            ADMIN_PASSWORD_RESET_REQUESTED,
            recipient=storable_address(address),
            context={"email": address if fits else None},
            now=runtime.now(),
        )
        await audit.record(caller, "admin.password_reset_requested", email=address[:254])


async def work_out_admin_reset_request(runtime: Runtime, job: OutboxMessage) -> None:
    """Mails the active staff member with the email a reset link; one who has not accepted
    their invitation yet gets a fresh invitation instead. Called by the delivery loop inside
    the job's transaction; an email of no one (or of someone deactivated) leaves no trace
    but the request's own event."""
    address: str | None = job.context["email"]
    admin = await AdminUser.get_or_none(email=address, is_active=True) if address else None
    if admin is None:
        return
    if admin.password_hash is None:
        await send_staff_invitation(runtime, admin, await shops_of(admin), await _inviter_of(admin))
        mail = MailTemplate.STAFF_INVITATION
    else:
        await send_staff_reset_link(runtime, admin)
        mail = MailTemplate.STAFF_PASSWORD_RESET
    await audit.record(MAIL_DELIVERY, "admin.password_reset_mailed", admin, email=admin.email, mail=mail)


async def _inviter_of(admin: AdminUser) -> str:
    """Who invited `admin` last, as the audit log names them: the mail says so again."""
    invited = (
        await AuditEvent.filter(action="staff.invited", object_type="AdminUser", object_id=admin.id)
        .order_by("-id")
        .first()
    )
    return (invited.actor_label if invited else None) or "Gatehouse"
