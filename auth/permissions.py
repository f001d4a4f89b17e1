"""Strawberry permission classes: who may call a field, refused with a machine-readable code.

Staff-only fields list `[IsSignedIn, IsStaff]`: the first refuses anonymous callers
(UNAUTHENTICATED), the second signed-in customers (FORBIDDEN).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from strawberry.permission import BasePermission

from auth.error_codes import GraphQLErrorCode

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


def staff_only() -> list[type[BasePermission]]:
    """What every staff-only field lists: anonymous callers hear UNAUTHENTICATED first, then
    customers FORBIDDEN. A fresh list each time, so no field shares one another could change."""
    return [IsSignedIn, IsStaff]


class PasswordChangeNotPending(BasePermission):
    """A customer whose password was typed by staff may do nothing else until they change it.

    Staff and anonymous callers pass; who else may call the field is decided elsewhere.
    """

    message = "Change your password first (changePassword)."
    error_extensions = {"code": GraphQLErrorCode.PASSWORD_CHANGE_REQUIRED}  # noqa: RUF012 (never changed)

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        return viewer is None or viewer.shop_user is None or not viewer.shop_user.must_change_password
