"""Sessions: created at sign-in, found by the hash of their token, ended on sign-out."""

from __future__ import annotations

from datetime import datetime, timedelta

from auth.tokens import hash_token, new_token
from auth.viewer import Viewer
from models import AdminUser, Session, ShopUser


async def start_session(
    *,
    now: datetime,
    lifetime: timedelta,
    admin: AdminUser | None = None,
    shop_user: ShopUser | None = None,
    client_address: str | None = None,
) -> tuple[str, Session]:
    """Returns the token for the client and the stored session (which knows only its hash)."""
    token = new_token()
    session = await Session.create(
        token_hash=hash_token(token),
        admin=admin,
        shop_user=shop_user,
        expires_at=now + lifetime,
        client_address=client_address,
    )
    return token, session


async def viewer_for_token(token: str | None, now: datetime) -> Viewer | None:
    """The viewer a token signs in, or None when it is unknown, expired or shut out."""
    if not token:
        return None
    session = (
        await Session.filter(token_hash=hash_token(token), expires_at__gt=now)
        .select_related("admin", "shop_user")
        .first()
    )
    if session is None:
        return None
    if session.admin is not None:
        return Viewer(session.id, admin=session.admin) if session.admin.is_active else None
    shop_user = session.shop_user
    if shop_user is None or shop_user.is_excluded_at(now) or shop_user.password_hash is None:
        return None
    return Viewer(session.id, shop_user=shop_user)


async def end_session(session_id: int) -> None:
    await Session.filter(id=session_id).delete()


async def end_sessions_of(
    account: AdminUser | ShopUser, *, keep_session_id: int | None = None
) -> int:
    """Ends every session of `account` but `keep_session_id`; returns how many ended."""
    owner = {"admin_id": account.id} if isinstance(account, AdminUser) else {"shop_user_id": account.id}
    sessions = Session.filter(**owner)
    if keep_session_id is not None:
        sessions = sessions.exclude(id=keep_session_id)
    return await sessions.delete()
