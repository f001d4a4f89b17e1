"""Staff accounts and the `Viewer` union of who is signed in."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.viewer import Viewer as SignedInViewer
from models import AdminUser as AdminUserModel
from schema.customers import ShopUser
from schema.nodes import Node, global_id


@strawberry.type(description="Staff of the shops (role ADMIN).")
class AdminUser(Node):
    email: str
    name: str | None

    @classmethod
    def from_model(cls, admin: AdminUserModel) -> AdminUser:
        return cls(id=global_id("AdminUser", admin.id), email=admin.email, name=admin.name)


Viewer = Annotated[
    AdminUser | ShopUser,
    strawberry.union("Viewer", description="Who is signed in: staff or a shop user."),
]


def viewer_type(viewer: SignedInViewer | None) -> AdminUser | ShopUser | None:
    if viewer is None:
        return None
    if viewer.admin is not None:
        return AdminUser.from_model(viewer.admin)
    return ShopUser.from_model(viewer.shop_user)
