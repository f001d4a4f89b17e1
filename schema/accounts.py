"""Staff accounts and the `Viewer` union of who is signed in."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.viewer import Viewer as SignedInViewer
from models import AdminUser as AdminUserModel
from schema.customers import ShopUser
from schema.nodes import Node, global_id


@strawberry.type(
    description="Staff of the shops (role ADMIN); signs in with adminLogin. Only staff read it."
)
class AdminUser(Node):
    email: str = strawberry.field(description="The address staff sign in with, in lower case.")
    name: str | None = strawberry.field(description="The name shown to colleagues; null if none was given.")

    @classmethod
    def from_model(cls, admin: AdminUserModel) -> AdminUser:
        return cls(id=global_id("AdminUser", admin.id), email=admin.email, name=admin.name)


Viewer = Annotated[
    AdminUser | ShopUser,
    strawberry.union("Viewer", description="Who is signed in: staff (AdminUser) or a customer (ShopUser)."),
]


def viewer_type(viewer: SignedInViewer | None) -> AdminUser | ShopUser | None:
    if viewer is None:
        return None
    account = viewer.account
    if isinstance(account, AdminUserModel):
        return AdminUser.from_model(account)
    return ShopUser.from_model(account)
