"""The last step of every staff sign-in (password, invitation, reset link): a session, or the
MFA challenge owed first. Password reset never skips the code (ASVS V6.4.3)."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from auth.sessions import staff_viewer, start_session
from auth.tokens import hash_token, new_token
from auth.viewer import Caller
from models import AdminUser, OneTimeToken, TokenPurpose
from resolvers import audit
from resolvers.signed_in import SignedIn

if TYPE_CHECKING:
    from resolvers.runtime import Runtime

# Long enough to open the app and type a code, short enough that a password seen over a
# shoulder is of little use without the phone.
MFA_CHALLENGE_LIFETIME = timedelta(minutes=5)


async def finish(runtime: Runtime, caller: Caller, admin: AdminUser) -> SignedIn:
    """Signs `admin` in (a session) once their password or link was right; with MFA enrolled,
    answers a challenge instead, and the session waits for verifyMfa."""
    if admin.mfa_enabled:
        return SignedIn(token=None, viewer=None, mfa_challenge=await issue_challenge(runtime, admin))
    return await start_staff_session(runtime, caller, admin)


async def issue_challenge(runtime: Runtime, admin: AdminUser) -> str:
    """A new challenge for `admin`, good for one verifyMfa within MFA_CHALLENGE_LIFETIME.

    Earlier challenges stay good until they expire: staff may sign in on two devices at once.
    """
    challenge = new_token()
    await OneTimeToken.create(
        purpose=TokenPurpose.MFA_CHALLENGE, token_hash=hash_token(challenge), admin=admin,
        expires_at=runtime.now() + MFA_CHALLENGE_LIFETIME,
    )
    return challenge


async def start_staff_session(runtime: Runtime, caller: Caller, admin: AdminUser) -> SignedIn:
    now = runtime.now()
    async with in_transaction():
        admin.last_login_at = now
        await admin.save(update_fields=["last_login_at"])
        token, session = await start_session(
            now=now, policy=runtime.sessions, admin=admin,
            client_address=caller.client_address, user_agent=caller.user_agent,
        )
        viewer = await staff_viewer(session.id, admin, mfa_required=runtime.staff_mfa_required)
        await audit.record(Caller(viewer, caller.client_address), "admin.login", admin)
    return SignedIn(token, viewer)
