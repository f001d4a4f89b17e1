"""A staff member's mailed link redeemed: the invitation (a first password) or a reset.

acceptInvitation and resetPassword find the link first (resolvers/invitations.py); a link
of a staff member comes here. Both end as every staff sign-in does, through
`staff_sign_in.finish`: with MFA enrolled that answers a challenge, not a session, so a
mailbox alone never gets past the second factor.
"""

from __future__ import annotations

from tortoise.transactions import in_transaction

from auth import one_time_tokens
from auth.sessions import end_sessions_of
from auth.viewer import Caller
from models import ActorKind, AdminUser, OneTimeToken
from resolvers import audit, staff_sign_in
from resolvers.errors import ErrorCode, Problems, UserInputError
from resolvers.passwords import hash_new_password
from resolvers.runtime import Runtime
from resolvers.signed_in import SignedIn

INVALID_STAFF_LINK = "This link is not valid (any more). Ask for a new one."


def _invalid() -> UserInputError:
    return UserInputError.of(ErrorCode.INVALID_TOKEN, INVALID_STAFF_LINK, "token")


async def _new_password_hash(
    runtime: Runtime, caller: Caller, row: OneTimeToken, admin: AdminUser, password: str,
    confirmation: str, *, first_password: bool,
) -> str:
    """The new password hashed; INVALID_TOKEN for a link of a deactivated staff member, or an
    invitation of one who has chosen a password already."""
    if not admin.is_active or (first_password and admin.password_hash is not None):
        # A link is a way in: a refused one is audited like a failed sign-in.
        await audit.record(
            caller, "admin.link_refused", admin, actor_kind=ActorKind.ANONYMOUS, purpose=row.purpose.value
        )
        raise _invalid()
    return await hash_new_password(
        runtime.passwords, Problems(), password, confirmation, user_inputs=[admin.email, admin.name or ""]
    )


async def _record_by_self(caller: Caller, action: str, admin: AdminUser) -> None:
    """The staff member did it, by following their own link, before any session exists."""
    await audit.record(
        caller, action, admin, actor_kind=ActorKind.ADMIN, actor_id=admin.id, actor_label=admin.email
    )


async def accept_staff_invitation(
    runtime: Runtime, caller: Caller, row: OneTimeToken, admin: AdminUser, password: str,
    confirmation: str,
) -> SignedIn:
    """Sets the first password of `admin`, whose invitation `row` is, and signs them in."""
    new_hash = await _new_password_hash(
        runtime, caller, row, admin, password, confirmation, first_password=True
    )
    async with in_transaction():
        if not await one_time_tokens.redeem(row, now=runtime.now()):
            raise _invalid()
        admin.password_hash = new_hash
        await admin.save(update_fields=["password_hash"])
        await _record_by_self(caller, "admin.invitation_accepted", admin)
        return await staff_sign_in.finish(runtime, caller, admin)


async def reset_staff_password(
    runtime: Runtime, caller: Caller, row: OneTimeToken, admin: AdminUser, password: str,
    confirmation: str,
) -> SignedIn:
    """Sets the new password of `admin`, whose reset link `row` is, ends every session of
    theirs, and signs them in."""
    new_hash = await _new_password_hash(
        runtime, caller, row, admin, password, confirmation, first_password=False
    )
    async with in_transaction():
        if not await one_time_tokens.redeem(row, now=runtime.now()):
            raise _invalid()
        admin.password_hash = new_hash
        await admin.save(update_fields=["password_hash"])
        await end_sessions_of(admin)
        await _record_by_self(caller, "admin.password_reset", admin)
        return await staff_sign_in.finish(runtime, caller, admin)
