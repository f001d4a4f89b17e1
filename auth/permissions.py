"""Strawberry permission classes: who may call a field, with a machine-readable code."""

from __future__ import annotations

from typing import Any

from strawberry.exceptions import StrawberryGraphQLError
from strawberry.permission import BasePermission
from strawberry.types import Info

from auth.viewer import Viewer


class NotAuthenticated(StrawberryGraphQLError):
    def __init__(self) -> None:
        super().__init__("Sign in to do this.", extensions={"code": "UNAUTHENTICATED"})


class Forbidden(StrawberryGraphQLError):
    def __init__(self) -> None:
        super().__init__("Your role may not do this.", extensions={"code": "FORBIDDEN"})


class PasswordChangeRequired(StrawberryGraphQLError):
    def __init__(self) -> None:
        super().__init__(
            "Change your password first (changePassword).",
            extensions={"code": "PASSWORD_CHANGE_REQUIRED"},
        )


def _viewer(info: Info) -> Viewer | None:
    return info.context.viewer


class IsStaff(BasePermission):
    """Staff only: anonymous callers are told to sign in, customers are refused."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        if viewer is None:
            raise NotAuthenticated()
        if not viewer.is_staff:
            raise Forbidden()
        return True


class IsSignedIn(BasePermission):
    """Any signed-in viewer, staff or customer."""

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        if _viewer(info) is None:
            raise NotAuthenticated()
        return True


class PasswordChangeNotPending(BasePermission):
    """A customer whose password was typed by staff may do nothing else until they change it.

    Staff and anonymous callers pass; who else may call the field is decided elsewhere.
    """

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        viewer = _viewer(info)
        if viewer is not None and viewer.shop_user is not None and viewer.shop_user.must_change_password:
            raise PasswordChangeRequired()
        return True
