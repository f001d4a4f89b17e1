"""Staff as a team: inviting, changing, deactivating and reactivating colleagues, and the list.

The schema lets only roles with MANAGE_STAFF (owners) call these. An owner of some shops
reaches only colleagues whose shops are all among its own: any other reads as missing
(NOT_FOUND), like an id that does not exist, and the list leaves it out. It grants only
shops of its own, and never every shop (OUTSIDE_OWN_SHOPS).

The last active owner of every shop stays one (LAST_OWNER): the owners are locked at the
start of each change (PostgreSQL row locks; SQLite has one writer at a time), so of two
owners demoting each other at once, the second sees the first's change and is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from auth import one_time_tokens
from auth.scopes import ShopScope
from auth.sessions import end_sessions_of, reaches
from auth.viewer import Caller
from models import AdminUser, Shop, StaffRole
from resolvers import audit
from resolvers import validation as check
from resolvers.debtors import search_term
from resolvers.errors import ErrorCode, Problems, UserInputError
from resolvers.pagination import Page, newest_first
from resolvers.runtime import Pause, Runtime, no_pause
from resolvers.staff_links import send_staff_invitation
from resolvers.unchanged import UNCHANGED

NO_SUCH_STAFF = "No such staff member."
IS_STAFF = "This email belongs to a staff member already."
LAST_OWNER = (
    "This is the last active owner of every shop: make another staff member an owner of every "
    "shop first."
)


@dataclass(frozen=True)
class NewStaff:
    email: str
    name: str | None
    role: StaffRole
    # Shop handles; None: every shop.
    shops: list[str] | None


@dataclass(frozen=True)
class StaffChanges:
    """What updateStaff changes; UNCHANGED leaves a field as it is."""

    name: Any = UNCHANGED
    role: Any = UNCHANGED
    shops: Any = UNCHANGED


# --- reach ------------------------------------------------------------------------------------


def in_reach(scope: ShopScope) -> QuerySet[AdminUser]:
    """The staff members whose shops are all within `scope` (everyone for every-shop staff)."""
    if scope.shop_ids is None:
        return AdminUser.all()
    beyond = (
        AdminUser.filter(shops__id__not_in=sorted(scope.shop_ids))
        if scope.shop_ids
        else AdminUser.filter(shops__id__isnull=False)
    )
    return AdminUser.filter(all_shops=False).exclude(id__in=Subquery(beyond.values("id")))



async def _colleague(caller: Caller, pk: int | None, problems: Problems, *, lock: bool) -> AdminUser:
    """The staff member `pk` within the caller's reach; NOT_FOUND at `id`, with the call's
    other problems, when there is none."""
    admin = None
    if pk is not None:
        rows = AdminUser.filter(id=pk)
        admin = await (rows.select_for_update() if lock else rows).first()
    if admin is None or not await reaches(caller.scope, admin):
        problems.add(ErrorCode.NOT_FOUND, NO_SUCH_STAFF, "id")
        raise problems.error()
    return admin


# --- shops granted ----------------------------------------------------------------------------


async def granted_shops(
    problems: Problems,
    caller: Caller,
    handles: list[str] | None,
    every_shop_refused: str = "You may grant only shops of your own: list them by handle.",
) -> list[Shop] | None:
    """The shops `handles` name, each within the caller's own; None for every shop.

    An unknown handle, or one outside the caller's shops (which reads as missing), is
    NOT_FOUND at ["shops", index]; every shop asked by staff of some shops is OUTSIDE_OWN_SHOPS,
    told with `every_shop_refused`.
    """
    if handles is None:
        if not caller.scope.is_every_shop:
            problems.add(ErrorCode.OUTSIDE_OWN_SHOPS, every_shop_refused, "shops")
        return None
    if not handles:
        problems.invalid("Name at least one shop, or null for every shop.", "shops")
        return []
    fitting = [handle for handle in handles if check.fits_column(Shop, "handle", handle)]
    found = {shop.handle: shop for shop in await Shop.filter(handle__in=fitting)}
    shops: dict[int, Shop] = {}
    for index, handle in enumerate(handles):
        shop = found.get(handle)
        if shop is None or not caller.scope.allows(shop.id):
            problems.add(ErrorCode.NOT_FOUND, f"No shop '{handle[:64]}'.", "shops", str(index))
        else:
            shops[shop.id] = shop
    return sorted(shops.values(), key=lambda shop: shop.handle)


def _handles(shops: list[Shop] | None) -> list[str] | None:
    return None if shops is None else [shop.handle for shop in shops]


async def shops_of(admin: AdminUser) -> list[Shop] | None:
    """The staff member's shops by handle; None: every shop."""
    return None if admin.all_shops else list(await admin.shops.all().order_by("handle"))


async def _set_shops(admin: AdminUser, shops: list[Shop] | None) -> None:
    """Sets `all_shops` (saved by the caller) and the listed shops (written at once)."""
    admin.all_shops = shops is None
    await admin.shops.clear()
    if shops:
        await admin.shops.add(*shops)


# --- the last owner ---------------------------------------------------------------------------


def _counts_as_owner(role: StaffRole, all_shops: bool, admin: AdminUser) -> bool:
    """Whether `admin` with `role` and `all_shops` is an active owner of every shop who can
    sign in (one who has accepted their invitation)."""
    return role is StaffRole.OWNER and all_shops and admin.is_active and admin.password_hash is not None


async def _locked_owners() -> list[AdminUser]:
    """The active owners of every shop, locked until the transaction ends (PostgreSQL).

    Locked first, before any other staff row and in id order, so concurrent changes wait
    for each other instead of deadlocking; a waiting one then reads the owners as left.
    """
    return await (
        AdminUser.filter(
            role=StaffRole.OWNER, all_shops=True, is_active=True, password_hash__isnull=False
        )
        .order_by("id")
        .select_for_update()
    )


def _refuse_last_owner(
    problems: Problems, owners: list[AdminUser], admin: AdminUser, field: str
) -> None:
    """LAST_OWNER at `field` when `admin` is the only one of `owners` (and is to stop being one)."""
    if [owner.id for owner in owners] == [admin.id]:
        problems.add(ErrorCode.LAST_OWNER, LAST_OWNER, field)


# --- the use cases ----------------------------------------------------------------------------


def _is_caller(caller: Caller, admin: AdminUser) -> bool:
    viewer = caller.viewer
    return viewer is not None and viewer.admin is not None and viewer.admin.id == admin.id


def _inviter(caller: Caller) -> str:
    viewer = caller.viewer
    if viewer is not None and viewer.admin is not None:
        return viewer.admin.name or viewer.admin.email
    return caller.system_actor or "Gatehouse"


async def invite_staff(runtime: Runtime, caller: Caller, new: NewStaff) -> AdminUser:
    """A staff account without a password, and a mail with the link to choose one.

    Inviting again an email whose invitation is still open sends a fresh link (the one
    before stops working) with the name, role and shops given now.
    """
    problems = Problems()
    email = check.email_address(problems, new.email, "email")
    if not problems.has("email") and not check.fits_column(AdminUser, "email", email):
        problems.invalid("Use at most 254 characters.", "email")
    name = check.optional_text(problems, new.name, "name", max_length=200)
    shops = await granted_shops(problems, caller, new.shops)
    problems.raise_if_any()
    try:
        async with in_transaction():
            admin = await AdminUser.filter(email=email).select_for_update().first()
            resent = admin is not None
            if admin is None:
                admin = await AdminUser.create(email=email, name=name, role=new.role, password_hash=None)
            elif admin.password_hash is not None or not admin.is_active or not await reaches(
                caller.scope, admin
            ):
                raise UserInputError.of(ErrorCode.ALREADY_HAS_ACCOUNT, IS_STAFF, "email")
            admin.name, admin.role = name, new.role
            await _set_shops(admin, shops)
            await admin.save(update_fields=["name", "role", "all_shops"])
            await send_staff_invitation(runtime, admin, shops, _inviter(caller))
            await audit.record(
                caller, "staff.invited", admin,
                email=email, role=new.role.value, shops=_handles(shops), resent=resent,
            )
    except IntegrityError:  # invited by someone else a moment ago
        raise UserInputError.of(ErrorCode.ALREADY_HAS_ACCOUNT, IS_STAFF, "email") from None
    return admin


async def update_staff(
    caller: Caller, pk: int | None, changes: StaffChanges, *, owners_read: Pause = no_pause
) -> AdminUser:
    """Changes a colleague's name, role or shops; the change holds from their next request.

    `owners_read` is awaited once the owners are read (and locked), before anything is written.
    """
    problems = Problems()
    name = UNCHANGED
    if changes.name is not UNCHANGED:
        name = check.optional_text(problems, changes.name, "name", max_length=200)
    if changes.role is None:
        problems.invalid("A staff member always has a role.", "role")
    shops: Any = UNCHANGED
    if changes.shops is not UNCHANGED:
        shops = await granted_shops(problems, caller, changes.shops)
    async with in_transaction():
        owners = await _locked_owners()
        await owners_read()
        admin = await _colleague(caller, pk, problems, lock=True)
        role = admin.role if changes.role in (UNCHANGED, None) else changes.role
        all_shops = admin.all_shops if shops is UNCHANGED else shops is None
        if not _counts_as_owner(role, all_shops, admin):
            _refuse_last_owner(problems, owners, admin, "role" if role is not StaffRole.OWNER else "shops")
        problems.raise_if_any()
        changed = await _apply(admin, name, role, shops)
        await audit.record(caller, "staff.updated", admin, changed=changed)
    return admin


async def _apply(admin: AdminUser, name: Any, role: StaffRole, shops: Any) -> dict[str, Any]:
    """Writes the changes; returns each field that changed as {"from": …, "to": …}."""
    changed: dict[str, Any] = {}
    if name is not UNCHANGED and name != admin.name:
        changed["name"] = {"from": admin.name, "to": name}
        admin.name = name
    if role is not admin.role:
        changed["role"] = {"from": admin.role.value, "to": role.value}
        admin.role = role
    if shops is not UNCHANGED:
        before = _handles(await shops_of(admin))
        if _handles(shops) != before:
            changed["shops"] = {"from": before, "to": _handles(shops)}
            await _set_shops(admin, shops)
    if changed:
        await admin.save(update_fields=["name", "role", "all_shops"])
    return changed


async def deactivate_staff(
    runtime: Runtime, caller: Caller, pk: int | None, *, owners_read: Pause = no_pause
) -> AdminUser:
    """Shuts a colleague out: their sessions end at once and their mailed links stop working.

    `owners_read` is awaited once the owners are read (and locked), before anything is written.
    """
    problems = Problems()
    async with in_transaction():
        owners = await _locked_owners()
        await owners_read()
        admin = await _colleague(caller, pk, problems, lock=True)
        if _is_caller(caller, admin):
            problems.invalid("You cannot deactivate yourself; ask another owner.", "id")
        _refuse_last_owner(problems, owners, admin, "id")
        problems.raise_if_any()
        if not admin.is_active:
            return admin
        admin.is_active = False
        await admin.save(update_fields=["is_active"])
        ended = await end_sessions_of(admin)
        await one_time_tokens.void_links_of(admin, now=runtime.now())
        await audit.record(caller, "staff.deactivated", admin, sessions_ended=ended)
    return admin


async def reactivate_staff(caller: Caller, pk: int | None) -> AdminUser:
    """Lets a deactivated colleague sign in again, with the password they had."""
    problems = Problems()
    async with in_transaction():
        admin = await _colleague(caller, pk, problems, lock=True)
        if admin.is_active:
            return admin
        admin.is_active = True
        await admin.save(update_fields=["is_active"])
        await audit.record(caller, "staff.reactivated", admin)
    return admin


async def search_staff(
    caller: Caller, search: str | None, first: int | None, after: str | None
) -> Page[AdminUser]:
    """The staff within the caller's reach whose email or name contains `search`, newest first."""
    problems = Problems()
    staff = in_reach(caller.scope)
    term = search_term(problems, search)
    if term is not None:
        staff = staff.filter(Q(email__icontains=term) | Q(name__icontains=term))
    return await newest_first(staff, first, after, problems)

