"""The last step of every staff sign-in (password, invitation, reset link): a session, or the
MFA challenge owed first. Password reset never skips the code (ASVS V6.4.3)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise.transactions import in_transaction

from auth.sessions import staff_viewer, start_session
from auth.viewer import Caller
from models import AdminUser
from resolvers import audit
from resolvers.signed_in import SignedIn

if TYPE_CHECKING:
    from resolvers.runtime import Runtime


async def finish(runtime: Runtime, caller: Caller, admin: AdminUser) -> SignedIn:
    """Signs `admin` in (a session) once their password or link was right; with MFA enrolled,
    answers a challenge instead, and the session waits for verifyMfa."""
    return await start_staff_session(runtime, caller, admin)


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
