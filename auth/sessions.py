"""Sessions: created at sign-in, found by the hash of their token, ended on sign-out or by time.

A session ends after its kind's idle lifetime without a request, or its absolute lifetime
after sign-in, whichever comes first (docs/operations.md, "Sessions").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from auth.roles import Capability
from auth.scopes import EVERY_SHOP, ShopScope
from auth.session_cache import CachedSession, SessionCache
from auth.tokens import hash_token, new_token
from auth.viewer import Viewer
from models import AdminUser, Session, ShopUser
from models.changes import Changed, announce

# lastSeenAt moves at most this often, so a busy session costs no write per request.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)


@dataclass(frozen=True)
class SessionLifetimes:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class SessionPolicy:
    staff: SessionLifetimes = field(
        default_factory=lambda: SessionLifetimes(timedelta(minutes=60), timedelta(hours=12))
    )
    customer: SessionLifetimes = field(
        default_factory=lambda: SessionLifetimes(timedelta(days=7), timedelta(days=30))
    )

    def of(self, session: Session) -> SessionLifetimes:
        return self.staff if session.admin_id is not None else self.customer

    def ends_at(self, session: Session) -> datetime:
        """When the session ends if no request comes before: the idle end or the absolute one.

        lastSeenAt moves only once a minute (LAST_SEEN_RESOLUTION), so the idle end may come up
        to a minute before the idle lifetime after the last request: never later.
        """
        return min(session.last_seen_at + self.of(session).idle, session.expires_at)

    def is_live(self, session: Session, now: datetime) -> bool:
        return self.ends_at(session) > now

    def live(self, now: datetime) -> Q:
        """The sessions neither past their absolute end nor idle too long: `is_live` in SQL."""
        return Q(expires_at__gt=now) & (
            Q(admin_id__isnull=False, last_seen_at__gt=now - self.staff.idle)
            | Q(shop_user_id__isnull=False, last_seen_at__gt=now - self.customer.idle)
        )

    def ended(self, now: datetime) -> Q:
        """The sessions past their absolute or idle end: what `live` leaves out."""
        return Q(expires_at__lte=now) | Q(
            Q(admin_id__isnull=False, last_seen_at__lte=now - self.staff.idle)
            | Q(shop_user_id__isnull=False, last_seen_at__lte=now - self.customer.idle)
        )


@dataclass(frozen=True)
class SessionLookup:
    """What a request's token comes to: a viewer, or none; `ended` when a token was sent
    that signs nobody in (ended, expired, unknown), so the client is told to sign in again."""

    viewer: Viewer | None
    ended: bool = False


NO_TOKEN = SessionLookup(viewer=None)
ENDED = SessionLookup(viewer=None, ended=True)


async def start_session(
    *,
    now: datetime,
    policy: SessionPolicy,
    admin: AdminUser | None = None,
    shop_user: ShopUser | None = None,
    client_address: str | None = None,
    user_agent: str | None = None,
) -> tuple[str, Session]:
    """Returns the token for the client and the stored session (which knows only its hash)."""
    token = new_token()
    lifetimes = policy.staff if admin is not None else policy.customer
    session = await Session.create(
        token_hash=hash_token(token),
        admin=admin,
        shop_user=shop_user,
        # The use case's clock, not the database's: lists sort by it, tests move it.
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetimes.absolute,
        client_address=client_address[:64] if client_address else None,
        user_agent=user_agent[:255] if user_agent else None,
    )
    return token, session


async def scope_of(admin: AdminUser) -> ShopScope:
    """The shops a staff member acts in; a query only for staff of some shops."""
    if admin.all_shops:
        return EVERY_SHOP
    shops = await admin.shops.all().only("id")
    return ShopScope(frozenset(shop.id for shop in shops))


# How to find a colleague's shops: `scope_of`, or through a request's loader on a page of them.
ScopeOf = Callable[[AdminUser], Awaitable[ShopScope]]


async def reaches(scope: ShopScope, colleague: AdminUser, scope_of_colleague: ScopeOf = scope_of) -> bool:
    """Whether staff acting in `scope` reach `colleague`: staff of every shop reach everyone;
    staff of some shops only colleagues whose shops are all among theirs (no query otherwise)."""
    if scope.is_every_shop:
        return True
    if colleague.all_shops:
        return False
    return scope.covers(await scope_of_colleague(colleague))


async def manages_colleague(
    viewer: Viewer, account: AdminUser, scope_of_colleague: ScopeOf = scope_of
) -> bool:
    """Whether `viewer` may read and manage the staff account `account`: its own; a colleague's
    for staff who manage staff and reach the colleague."""
    if viewer.admin is None:
        return False
    if viewer.admin.id == account.id:
        return True
    return viewer.may(Capability.MANAGE_STAFF) and await reaches(
        viewer.scope, account, scope_of_colleague
    )


async def staff_viewer(
    session_id: int, admin: AdminUser, *, mfa_required: bool
) -> Viewer:
    return _staff_viewer(session_id, admin, await scope_of(admin), mfa_required=mfa_required)


def _staff_viewer(session_id: int, admin: AdminUser, scope: ShopScope, *, mfa_required: bool) -> Viewer:
    return Viewer(
        session_id, admin=admin, scope=scope, mfa_enrolment_pending=mfa_required and not admin.mfa_enabled
    )


async def viewer_for_token(
    token: str | None,
    now: datetime,
    policy: SessionPolicy,
    *,
    mfa_required: bool,
    cache: SessionCache | None = None,
    touch: bool = True,
) -> SessionLookup:
    """The viewer a token signs in, or none when it is unknown, expired, idle or shut out.

    From `cache` when it holds the session and its lastSeenAt need not move; else read (and
    kept there) with its account and, for staff of some shops, their shops. `touch=False`
    checks without counting as use (a live subscription on a screen left alone must not keep
    its session from idling out): lastSeenAt stays, and what is read is not kept.
    """
    if not token:
        return NO_TOKEN
    token_hash = hash_token(token)
    if cache is not None and (cached := cache.get(token_hash)) is not None:
        if now - cached.session.last_seen_at < LAST_SEEN_RESOLUTION:
            return _lookup(cached, now, policy, mfa_required=mfa_required)
        cache.drop(token_hash)  # read afresh below, when its lastSeenAt moves
    generation = cache.generation if cache is not None else 0
    session = (
        await Session.filter(token_hash=token_hash, expires_at__gt=now)
        .select_related("admin", "shop_user")
        .first()
    )
    if session is None or policy.ends_at(session) <= now:
        return ENDED
    admin = session.admin
    read = CachedSession(session, await scope_of(admin) if admin is not None else EVERY_SHOP)
    lookup = _lookup(read, now, policy, mfa_required=mfa_required)
    if lookup.viewer is None or not touch:
        return lookup
    if now - session.last_seen_at >= LAST_SEEN_RESOLUTION:
        # Conditional, so of two requests in the same minute only one writes.
        await Session.filter(id=session.id, last_seen_at=session.last_seen_at).update(last_seen_at=now)
        session.last_seen_at = now
    if cache is not None:
        cache.put(token_hash, read, read_at_generation=generation)
    return lookup


def _lookup(
    read: CachedSession, now: datetime, policy: SessionPolicy, *, mfa_required: bool
) -> SessionLookup:
    """Who the session signs in now: nobody once it is over, or its account is shut out."""
    session = read.session
    if policy.ends_at(session) <= now:
        return ENDED
    if (admin := session.admin) is not None:
        if not admin.is_active:
            return ENDED
        return SessionLookup(_staff_viewer(session.id, admin, read.scope, mfa_required=mfa_required))
    shop_user = session.shop_user
    if shop_user is None or shop_user.is_excluded_at(now) or shop_user.password_hash is None:
        return ENDED
    return SessionLookup(Viewer(session.id, shop_user=shop_user))


def _is_own(viewer: Viewer, account: AdminUser | ShopUser) -> bool:
    own = viewer.account
    return type(own) is type(account) and own.id == account.id


async def may_manage_sessions_of(viewer: Viewer, account: AdminUser | ShopUser) -> bool:
    """Whether `viewer` may see and end `account`'s sessions: its own; a shop user's for staff
    who support shop users in its shop; a colleague's for staff who manage staff and whose
    shops cover all the colleague's."""
    if _is_own(viewer, account):
        return True
    if isinstance(account, ShopUser):
        return viewer.may(Capability.SUPPORT_SHOP_USERS) and viewer.scope.allows(account.shop_id)
    return await manages_colleague(viewer, account)


def sessions_of(account: AdminUser | ShopUser) -> QuerySet[Session]:
    if isinstance(account, AdminUser):
        return Session.filter(admin_id=account.id)
    return Session.filter(shop_user_id=account.id)


async def end_session(session_id: int) -> None:
    await Session.filter(id=session_id).delete()
    await announce(Changed.SESSION, [session_id])


async def end_sessions_of(
    account: AdminUser | ShopUser, *, keep_session_id: int | None = None
) -> int:
    """Ends every session of `account` but `keep_session_id`; returns how many ended."""
    sessions = sessions_of(account)
    if keep_session_id is not None:
        sessions = sessions.exclude(id=keep_session_id)
    ended = await sessions.delete()
    await announce(account_kind(account), [account.id])
    return ended


def account_kind(account: AdminUser | ShopUser) -> Changed:
    return Changed.ADMIN if isinstance(account, AdminUser) else Changed.SHOP_USER
