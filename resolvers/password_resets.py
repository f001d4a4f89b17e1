"""Forgotten passwords: a reset link by mail, and setting a new password with it."""

from __future__ import annotations

from typing import Any

from tortoise.transactions import in_transaction

from auth import one_time_tokens
from auth.scopes import EVERY_SHOP
from auth.sessions import end_sessions_of, start_session
from auth.viewer import Caller, Viewer
from mail.jobs import PASSWORD_RESET_REQUESTED
from mail.outbox import enqueue, enqueue_job
from mail.template_names import MailTemplate
from models import ContactPerson, OutboxMessage, ShopUser, TokenPurpose, WebhookEvent
from models.normalise import normalise_email
from resolvers import audit, webhook_events
from resolvers import validation as check
from resolvers.invitations import checked_link, found_link, invalid_token, send_invitation
from resolvers.links import password_reset_url
from resolvers.runtime import Runtime
from resolvers.shop_users import users_with_email
from resolvers.shops import shop_by_handle
from resolvers.signed_in import SignedIn
from resolvers.staff_redemption import reset_staff_password

# Who the audit log names for the mails a reset request makes: the delivery loop makes them.
MAIL_DELIVERY = Caller.system("mail delivery")


async def request_password_reset(runtime: Runtime, caller: Caller, shop_handle: str, email: str) -> None:
    """Queues the request and answers, the same work whether or not any user has the email.

    The request counts against the rate limits, writes one audit event and one job
    row, with the same statements for every email, so neither the answer nor its
    time tells a stranger which emails have accounts. The delivery loop works the
    job out after the answer has gone (`work_out_reset_request`).
    """
    address = normalise_email(email.strip()) or ""
    await runtime.limit(
        "requestPasswordReset", caller.client_address, f"{shop_handle[:64]}:{address[:254]}"
    )
    shop = await shop_by_handle(shop_handle, scope=EVERY_SHOP)
    async with in_transaction():
        await enqueue_job(
            PASSWORD_RESET_REQUESTED,
            recipient=storable_address(address),
            context=_job_context(shop.id, address),
            now=runtime.now(),
            shop_id=shop.id,
        )
        # Whom it matched is recorded when the job is worked out: here it is not known yet.
        await audit.record(
            caller, "customer.password_reset_requested",
            shop_id=shop.id, shop=shop.handle, email=address[:254],
        )


def _job_context(shop_id: int, address: str) -> dict[str, Any]:
    """The job's context: the shop and the address, or None for one no user can have (too
    long for the column, or holding NUL, which PostgreSQL's jsonb cannot store)."""
    fits = check.fits_column(ContactPerson, "email", address)
    return {"shop_id": shop_id, "email": address if fits else None}


def storable_address(address: str) -> str:
    return address[:254].replace("\x00", "\ufffd")


async def work_out_reset_request(runtime: Runtime, job: OutboxMessage) -> None:
    """Mails each matching user a reset link, in the language of each; called by the delivery
    loop inside the job's transaction.

    A user who never set a password gets a fresh invitation instead, which is
    what they are missing; an excluded user (now, when the job is worked out)
    gets nothing (no side door). Each mail is audited; an email that matched no
    one leaves no trace but the request's own event.
    """
    address: str | None = job.context["email"]
    if address is None:
        return
    now = runtime.now()
    users = await users_with_email(job.context["shop_id"], address)
    for user in (user for user in users if not user.is_excluded_at(now)):
        # The address asked for is the one that matched: the contact's, or the username.
        if user.password_hash is None:
            await send_invitation(runtime, user, user.shop, user.contact, recipient=address)
            mail = MailTemplate.INVITATION
        else:
            await _send_reset_link(runtime, user, address)
            mail = MailTemplate.PASSWORD_RESET
        await audit.record(
            MAIL_DELIVERY, "customer.password_reset_mailed", user,
            shop=user.shop.handle, email=address, mail=mail,
        )


async def new_reset_link(runtime: Runtime, user: ShopUser) -> str:
    """A fresh reset link for `user` (with `user.shop` loaded); the one before stops working."""
    token = await one_time_tokens.issue(
        user, TokenPurpose.PASSWORD_RESET, now=runtime.now(), lifetime=runtime.password_reset_lifetime
    )
    return password_reset_url(runtime, user.shop, token)


async def _send_reset_link(runtime: Runtime, user: ShopUser, recipient: str) -> None:
    now = runtime.now()
    reset_url = await new_reset_link(runtime, user)
    await enqueue(
        recipient=recipient,
        template=MailTemplate.PASSWORD_RESET,
        language=user.language,
        context={
            "shop_name": user.shop.name,
            "name": user.contact.full_name,
            "reset_url": reset_url,
            "valid_minutes": int(runtime.password_reset_lifetime.total_seconds() // 60),
        },
        now=now,
        shop_id=user.shop_id,
    )


async def reset_password(
    runtime: Runtime, caller: Caller, token: str, password: str, confirmation: str
) -> SignedIn:
    """Sets the new password, ends every other session of the user and signs this one in; a
    staff member's link signs them in as staff (resolvers/staff_redemption.py)."""
    row = await found_link(runtime, caller, TokenPurpose.PASSWORD_RESET, token, password)
    if row is not None and row.admin is not None:
        return await reset_staff_password(runtime, caller, row, row.admin, password, confirmation)
    link = await checked_link(runtime, caller, TokenPurpose.PASSWORD_RESET, row, password, confirmation)
    row, shop_user, new_hash = link.row, link.shop_user, link.new_hash
    now = runtime.now()
    async with in_transaction():
        if not await one_time_tokens.redeem(row, now=now):
            raise invalid_token()
        # An invited user's first password makes them active, as accepting the invitation does.
        activated = shop_user.password_hash is None
        shop_user.password_hash = new_hash
        shop_user.password_changed_at = shop_user.last_login_at = now
        # A user who was still invited (sent a reset link by a registration) is active from now.
        shop_user.activated_at = shop_user.activated_at or now
        shop_user.must_change_password = False
        await shop_user.save(
            update_fields=[
                "password_hash", "password_changed_at", "last_login_at", "activated_at",
                "must_change_password",
            ]
        )
        await end_sessions_of(shop_user)
        session_token, session = await start_session(
            now=now, policy=runtime.sessions, shop_user=shop_user,
            client_address=caller.client_address, user_agent=caller.user_agent,
        )
        viewer = Viewer(session.id, shop_user=shop_user)
        await audit.record(
            Caller(viewer, caller.client_address), "customer.password_reset", shop_user
        )
        if activated:
            await webhook_events.shop_user_event(
                runtime, WebhookEvent.SHOP_USER_ACTIVATED, shop_user, contact=link.contact
            )
    return SignedIn(session_token, viewer)
