"""Forgotten passwords: a reset link by mail, and setting a new password with it."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from auth import one_time_tokens
from auth.sessions import end_sessions_of, start_session
from auth.viewer import Caller, Viewer
from mail.outbox import enqueue
from models import ShopUser, TokenPurpose
from models.normalise import normalise_email
from resolvers import audit
from resolvers.invitations import checked_link, invalid_token, send_invitation
from resolvers.links import password_reset_url
from resolvers.runtime import Runtime
from resolvers.sessions import SignedIn
from resolvers.shop_users import users_with_email
from resolvers.shops import shop_by_handle


async def request_password_reset(runtime: Runtime, caller: Caller, shop_handle: str, email: str) -> None:
    """Mails a reset link to each matching user; answers the same whether or not any matched.

    A user who never set a password gets a fresh invitation instead, which is
    what they are missing; an excluded user gets nothing (no side door).
    """
    address = normalise_email(email.strip()) or ""
    await runtime.limit(
        "requestPasswordReset", caller.client_address, f"{shop_handle[:64]}:{address[:254]}"
    )
    shop = await shop_by_handle(shop_handle)
    now = runtime.now()
    users = [user for user in await users_with_email(shop.id, address) if not user.is_excluded_at(now)]
    async with in_transaction():
        for user in users:
            # The address asked for is the one that matched: the contact's, or the username.
            if user.password_hash is None:
                await send_invitation(runtime, user, shop, user.contact, recipient=address)
            else:
                await _send_reset_link(runtime, user, address)
        await audit.record(
            caller, "customer.password_reset_requested", users[0] if users else None,
            shop=shop.handle, email=address[:254], matched=len(users),
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
        template="password_reset",
        language=user.language,
        context={
            "shop_name": user.shop.name,
            "name": user.contact.full_name,
            "reset_url": reset_url,
            "valid_minutes": int(runtime.password_reset_lifetime.total_seconds() // 60),
        },
        now=now,
    )


async def reset_password(
    runtime: Runtime, caller: Caller, token: str, password: str, confirmation: str
) -> SignedIn:
    """Sets the new password, ends every other session of the user and signs this one in."""
    link = await checked_link(runtime, caller, TokenPurpose.PASSWORD_RESET, token, password, confirmation)
    row, shop_user, new_hash = link.row, link.shop_user, link.new_hash
    now = runtime.now()
    async with in_transaction():
        if not await one_time_tokens.redeem(row, now=now):
            raise invalid_token()
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
            now=now, lifetime=runtime.session_lifetime, shop_user=shop_user,
            client_address=caller.client_address,
        )
        viewer = Viewer(session.id, shop_user=shop_user)
        await audit.record(
            Caller(viewer, caller.client_address), "customer.password_reset", shop_user
        )
    return SignedIn(session_token, viewer)
