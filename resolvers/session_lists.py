"""Sessions one can see and end: an account's live sessions, ending one, ending all but this one.

Who may see and end whose is one rule (auth/sessions.py, may_manage_sessions_of): one's own;
a shop user's for staff who support shop users in its shop; a colleague's for staff who
manage staff within their shops. A session anyone else names reads as missing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from auth.sessions import account_kind, may_manage_sessions_of, sessions_of
from auth.viewer import Caller, Viewer
from models import AdminUser, Session, ShopUser
from models.changes import Changed, announce
from resolvers import audit
from resolvers.errors import ErrorCode, UserInputError
from resolvers.loaders import Loaders
from resolvers.runtime import Runtime


@dataclass(frozen=True)
class EndedSessions:
    count: int
    # The caller's own session was among them: the request signs out, like logout.
    current: bool = False


def live_newest_first(runtime: Runtime, sessions: Iterable[Session]) -> list[Session]:
    """The sessions not past their idle or absolute end (the purge may not have come yet)."""
    now = runtime.now()
    live = [session for session in sessions if runtime.sessions.is_live(session, now)]
    return sorted(live, key=lambda session: (session.created_at, session.id), reverse=True)


async def listed_sessions(
    runtime: Runtime, loaders: Loaders, account: AdminUser | ShopUser
) -> list[Session]:
    """`account`'s live sessions, newest first; the schema has checked who may see them."""
    if isinstance(account, AdminUser):
        rows = await loaders.sessions_by_admin.load(account.id)
    else:
        rows = await loaders.sessions_by_shop_user.load(account.id)
    return live_newest_first(runtime, rows)


def owner_of(session: Session) -> AdminUser | ShopUser:
    """The account a session signs in (fetched with select_related)."""
    owner = session.admin or session.shop_user
    if owner is None:
        raise LookupError(f"session {session.id} is of neither an admin nor a shop user")
    return owner


async def session_in_reach(runtime: Runtime, viewer: Viewer | None, pk: int | None) -> Session | None:
    """The session `pk` if `viewer` would see it in its owner's `sessions`, else None."""
    if viewer is None or pk is None:
        return None
    session = await Session.filter(id=pk).select_related("admin", "shop_user").first()
    if session is None or not runtime.sessions.is_live(session, runtime.now()):
        return None
    return session if await may_manage_sessions_of(viewer, owner_of(session)) else None


def _signed_in(caller: Caller) -> Viewer:
    if caller.viewer is None:
        raise ValueError("the schema lets only signed-in viewers through")
    return caller.viewer


def _label(account: AdminUser | ShopUser) -> str:
    return account.email if isinstance(account, AdminUser) else account.username


async def end_session(runtime: Runtime, caller: Caller, pk: int | None) -> EndedSessions:
    """Ends one session the caller may manage; any other id is NOT_FOUND, revealing nothing."""
    viewer = _signed_in(caller)
    not_found = UserInputError.of(ErrorCode.NOT_FOUND, "No such session.", "id")
    async with in_transaction():
        session = await session_in_reach(runtime, viewer, pk)
        # Deleted by the id found: of two calls ending it at once, one ends it, one hears NOT_FOUND.
        if session is None or not await Session.filter(id=session.id).delete():
            raise not_found
        await announce(Changed.SESSION, [session.id])
        owner = owner_of(session)
        await audit.record(caller, "session.ended", owner, whose=_label(owner), session=session.id)
    return EndedSessions(1, current=session.id == viewer.session_id)


async def end_other_sessions(runtime: Runtime, caller: Caller) -> EndedSessions:
    """Ends every live session of the caller's own account but this request's."""
    viewer = _signed_in(caller)
    account = viewer.account
    async with in_transaction():
        # Only live ones count; ended ones are the purge's, which deletes them anyway.
        ended = await (
            sessions_of(account)
            .filter(runtime.sessions.live(runtime.now()))
            .exclude(id=viewer.session_id)
            .delete()
        )
        await announce(account_kind(account), [account.id])
        await audit.record(caller, "sessions.ended_others", account, ended=ended)
    return EndedSessions(ended)
