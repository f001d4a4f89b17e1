"""Invitations: a link to set a first password, and accepting it (rule 8 of docs/api.md)."""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from auth import one_time_tokens
from auth.sessions import start_session
from auth.viewer import Caller, Viewer
from mail.outbox import enqueue
from mail.template_names import MailTemplate
from models import ActorKind, ContactPerson, OneTimeToken, Shop, ShopUser, TokenPurpose, WebhookEvent
from resolvers import audit, webhook_events
from resolvers.errors import ErrorCode, Problems, UserInputError
from resolvers.links import invitation_url
from resolvers.passwords import hash_new_password, password_length
from resolvers.runtime import Runtime
from resolvers.signed_in import SignedIn
from resolvers.staff_redemption import accept_staff_invitation

INVALID_LINK = "This link is not valid (any more). Ask the shop for a new one."


async def send_invitation(
    runtime: Runtime,
    shop_user: ShopUser,
    shop: Shop,
    contact: ContactPerson,
    recipient: str | None = None,
) -> None:
    """Queue an invitation mail with a fresh link (to the contact unless `recipient` is
    given); call inside the use case's transaction."""
    now = runtime.now()
    address = recipient or contact.email
    if address is None:
        raise ValueError("an invitation needs an address: check the contact's before calling")
    token = await one_time_tokens.issue(
        shop_user, TokenPurpose.INVITATION, now=now, lifetime=runtime.invitation_lifetime
    )
    await enqueue(
        recipient=address,
        template=MailTemplate.INVITATION,
        language=shop_user.language,
        context={
            "shop_name": shop.name,
            "name": contact.full_name,
            "invitation_url": invitation_url(runtime, shop, token),
            "valid_days": runtime.invitation_lifetime.days,
        },
        now=now,
        shop_id=shop.id,
    )


def invalid_token() -> UserInputError:
    return UserInputError.of(ErrorCode.INVALID_TOKEN, INVALID_LINK, "token")


@dataclass(frozen=True)
class CheckedLink:
    """A link that may be redeemed, for a user who may use it, with the new password hashed."""

    row: OneTimeToken
    shop_user: ShopUser
    shop: Shop
    contact: ContactPerson
    new_hash: str


async def found_link(
    runtime: Runtime, caller: Caller, purpose: TokenPurpose, token: str, password: str
) -> OneTimeToken | None:
    """Counts the attempt against the rate limit and finds the link, a shop user's or a staff
    member's; None when it is used, expired or unknown."""
    operation = "acceptInvitation" if purpose is TokenPurpose.INVITATION else "resetPassword"
    await runtime.limit(operation, caller.client_address)
    problems = Problems()
    password_length(problems, password, "password")
    # An overlong password is refused before the link is looked up (or audited): junk
    # requests must not grow the audit log.
    problems.raise_if_any()
    return await one_time_tokens.redeemable(token, purpose, now=runtime.now())


async def checked_link(
    runtime: Runtime,
    caller: Caller,
    purpose: TokenPurpose,
    row: OneTimeToken | None,
    password: str,
    confirmation: str,
    *,
    first_password: bool = False,
) -> CheckedLink:
    """Checks a shop user's link and the new password; INVALID_TOKEN for a used, expired or
    unknown link, or one of an excluded user (no side door, rule 10 of docs/api.md)."""
    problems = Problems()
    now = runtime.now()
    shop_user = row.shop_user if row is not None else None
    if (
        row is None
        or shop_user is None
        or shop_user.is_excluded_at(now)
        or (first_password and shop_user.password_hash is not None)
    ):
        # A link is a way in: a refused one is audited like a failed sign-in.
        await audit.record(
            caller, "customer.link_refused", shop_user,
            actor_kind=ActorKind.ANONYMOUS, purpose=purpose.value,
        )
        problems.add(ErrorCode.INVALID_TOKEN, INVALID_LINK, "token")
        raise problems.error()
    contact = await ContactPerson.get(id=shop_user.contact_id)
    new_hash = await hash_new_password(
        runtime.passwords, problems, password, confirmation,
        user_inputs=[shop_user.username, contact.first_name, contact.last_name, shop_user.shop.name],
    )
    return CheckedLink(row, shop_user, shop_user.shop, contact, new_hash)


async def accept_invitation(
    runtime: Runtime, caller: Caller, token: str, password: str, confirmation: str
) -> SignedIn:
    """Sets the first password, activates the user, signs them in and tells staff; a staff
    member's invitation signs them in as staff (resolvers/staff_redemption.py)."""
    row = await found_link(runtime, caller, TokenPurpose.INVITATION, token, password)
    if row is not None and row.admin is not None:
        return await accept_staff_invitation(runtime, caller, row, row.admin, password, confirmation)
    link = await checked_link(
        runtime, caller, TokenPurpose.INVITATION, row, password, confirmation, first_password=True
    )
    row, shop_user, shop, contact, new_hash = link.row, link.shop_user, link.shop, link.contact, link.new_hash
    now = runtime.now()
    async with in_transaction():
        if not await one_time_tokens.redeem(row, now=now):
            raise invalid_token()
        shop_user.password_hash = new_hash
        shop_user.activated_at = shop_user.password_changed_at = shop_user.last_login_at = now
        shop_user.must_change_password = False
        await shop_user.save(
            update_fields=[
                "password_hash", "activated_at", "password_changed_at", "last_login_at",
                "must_change_password",
            ]
        )
        session_token, session = await start_session(
            now=now, policy=runtime.sessions, shop_user=shop_user,
            client_address=caller.client_address, user_agent=caller.user_agent,
        )
        viewer = Viewer(session.id, shop_user=shop_user)
        await audit.record(Caller(viewer, caller.client_address), "customer.invitation_accepted", shop_user)
        await webhook_events.shop_user_event(
            runtime, WebhookEvent.SHOP_USER_ACTIVATED, shop_user, contact=contact
        )
        if shop.notification_email:
            await enqueue(
                recipient=shop.notification_email,
                template=MailTemplate.STAFF_ACCOUNT_ACTIVATED,
                language=shop.default_language,
                context={"shop_name": shop.name, "name": contact.full_name, "username": shop_user.username},
                now=now,
                shop_id=shop.id,
            )
    return SignedIn(session_token, viewer)
