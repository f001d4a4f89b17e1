"""Strawberry permission classes: who may call a field, refused with a machine-readable code.

A staff field lists `may(Capability.X)`: anonymous callers hear UNAUTHENTICATED, a
session that must first change its password or enrol MFA hears that, and a role
short of the capability (customers included) hears FORBIDDEN. Fields anyone may call
list `unrestricted()`, so a restricted session is told what it must do first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from strawberry.permission import BasePermission

from auth.error_codes import GraphQLErrorCode
from auth.roles import Capability
from auth.scopes import ShopScope
from auth.sessions import manages_colleague, may_manage_sessions_of
from auth.viewer import Restriction
from models import AdminUser, CompanyRole

if TYPE_CHECKING:
    from strawberry.types import Info

    from auth.viewer import Viewer


def _viewer(info: Info) -> Viewer | None:
    viewer: Viewer | None = info.context.viewer
    return viewer


class IsSignedIn(BasePermission):
    """Any signed-in viewer, staff or customer."""

    message = "Sign in to do this."
    error_extensions = {"code": GraphQLErrorCode.UNAUTHENTICATED}  # noqa: RUF012 (never changed)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return _viewer(info) is not None


class IsStaff(BasePermission):
    """Staff only; listed after IsSignedIn, which has told anonymous callers to sign in."""

    message = "Your role may not do this."
    error_extensions = {"code": GraphQLErrorCode.FORBIDDEN}  # noqa: RUF012 (never changed)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        return viewer is not None and viewer.is_staff


class PasswordChangeNotPending(BasePermission):
    """A customer whose password was typed by staff may do nothing else until they change it.

    Staff and anonymous callers pass; who else may call the field is decided elsewhere.
    """

    message = "Change your password first (changePassword)."
    error_extensions = {"code": GraphQLErrorCode.PASSWORD_CHANGE_REQUIRED}  # noqa: RUF012 (never changed)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        return viewer is None or viewer.restriction is not Restriction.PASSWORD_CHANGE


class MfaEnrolmentNotPending(BasePermission):
    """Where MFA is required, a staff member without it may only enrol (and read viewer, logout)."""

    message = "Set up two-factor sign-in first (startMfaEnrolment, confirmMfaEnrolment)."
    error_extensions = {"code": GraphQLErrorCode.MFA_ENROLMENT_REQUIRED}  # noqa: RUF012 (never changed)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        return viewer is None or viewer.restriction is not Restriction.MFA_ENROLMENT


class Capable(BasePermission):
    """Staff whose role has `capability` (auth/roles.py); one subclass per capability."""

    capability: ClassVar[Capability]
    message = "Your role may not do this."
    error_extensions = {"code": GraphQLErrorCode.FORBIDDEN}  # noqa: RUF012 (never changed)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        return viewer is not None and viewer.may(self.capability)


CAPABLE: dict[Capability, type[Capable]] = {
    capability: type(f"May{capability.name.title().replace('_', '')}", (Capable,), {"capability": capability})
    for capability in Capability
}


def reaches(viewer: Viewer | None, capability: Capability) -> bool:
    """The rule of a nested field that reaches another kind of object (a request's shop user, a
    contact's logins): staff need that kind's capability; a customer passes, since everything
    around it is already narrowed to its own (schema/visibility.py)."""
    return viewer is not None and (viewer.shop_user is not None or viewer.may(capability))


def require_reach(info: Info, capability: Capability) -> None:
    """`reaches`, checked first thing in such a field's resolver: FORBIDDEN as `may(capability)`
    words it. A check in the resolver rather than a permission class, because those fields
    come a hundred times a page, and a permission class wraps its field in a field extension
    whose machinery costs more than the check (with orjson and answer labels looked up at
    once, the staff page of 100 took x0.93 the instructions; docs/benchmarks.md)."""
    if not reaches(_viewer(info), capability):
        CAPABLE[capability]().on_unauthorized()


class IsCompanyAdmin(BasePermission):
    """A shop user whose companyRole is ADMIN (rule 16 of docs/api.md): it manages its own
    company's logins in its shop. Staff and MEMBERs hear FORBIDDEN; an excluded company admin
    never gets here, since it has no session."""

    message = (
        "Only a company admin (a shop user whose companyRole is ADMIN) may do this; the shop's "
        "staff give that role."
    )
    error_extensions = {"code": GraphQLErrorCode.FORBIDDEN}  # noqa: RUF012 (never changed)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        return (
            viewer is not None
            and viewer.shop_user is not None
            and viewer.shop_user.company_role == CompanyRole.ADMIN
        )


class SeesColleagues(IsCompanyAdmin):
    """On a ShopUser's `colleagues` (its `source.model`): that shop user itself, signed in, and
    a company admin. A MEMBER is told so rather than given an empty list, which would hide that
    staff have not given it the role."""

    message = (
        "Only a company admin reads its colleagues, on its own viewer; the shop's staff give that "
        "role (companyRole ADMIN)."
    )

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        return (
            super().has_permission(source, info, **kwargs)
            and viewer is not None
            and viewer.shop_user is not None
            and viewer.shop_user.id == source.model.id
        )


class ActsInEveryShop(BasePermission):
    """Staff of every shop: what belongs to no shop yet (a new shop) is theirs to make."""

    message = "A shop is created by staff of every shop; your account acts in some shops only."
    error_extensions = {"code": GraphQLErrorCode.FORBIDDEN}  # noqa: RUF012 (never changed)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        return viewer is not None and viewer.is_staff and viewer.scope.is_every_shop


class SeesSessions(BasePermission):
    """On an account's `sessions` (its `source.model`): the account itself, or staff who may
    manage it (auth/sessions.py, may_manage_sessions_of)."""

    message = "Only the account itself, or staff who manage it, may see its sessions."
    error_extensions = {"code": GraphQLErrorCode.FORBIDDEN}  # noqa: RUF012 (never changed)

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        if viewer is None:
            return False
        if isinstance(source.model, AdminUser):
            # The same rule, batched: a page of colleagues must not cost a query each.
            return await _manages_colleague(info, viewer, source.model)
        return await may_manage_sessions_of(viewer, source.model)


class SeesStaffAccount(BasePermission):
    """On what an AdminUser tells of its account (role, shops, state, sign-ins; `source.model`):
    the staff member itself, or staff who manage staff and whose shops cover all of its."""

    message = "Only the staff member itself, or an owner whose shops cover theirs, may read this."
    error_extensions = {"code": GraphQLErrorCode.FORBIDDEN}  # noqa: RUF012 (never changed)

    async def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        return viewer is not None and await _manages_colleague(info, viewer, source.model)


async def _manages_colleague(info: Info, viewer: Viewer, account: AdminUser) -> bool:
    """`manages_colleague`, with colleagues' shops read through the request's loader, so a page
    of colleagues costs one query for all their shops."""

    async def scope_through_loader(colleague: AdminUser) -> ShopScope:
        shops = await info.context.loaders.shops_by_admin.load(colleague.id)
        return ShopScope(frozenset(shop.id for shop in shops))

    return await manages_colleague(viewer, account, scope_through_loader)


def unrestricted() -> list[type[BasePermission]]:
    """What a field anyone may call lists: a session that must change its password or enrol MFA
    is told so first. A fresh list each time, so no field shares one another could change."""
    return [PasswordChangeNotPending, MfaEnrolmentNotPending]


def signed_in() -> list[type[BasePermission]]:
    """Any signed-in viewer whose session is not restricted."""
    return [IsSignedIn, *unrestricted()]


def may(capability: Capability) -> list[type[BasePermission]]:
    """What every staff field lists: signed in, unrestricted, and a role with `capability`."""
    return [*signed_in(), CAPABLE[capability]]


def company_admin() -> list[type[BasePermission]]:
    """A company admin's own fields: signed in, unrestricted, a shop user whose role is ADMIN."""
    return [*signed_in(), IsCompanyAdmin]


def staff_only() -> list[type[BasePermission]]:
    """Any staff role: signed in, unrestricted, staff (for what every role may do)."""
    return [*signed_in(), IsStaff]
