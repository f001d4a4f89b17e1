"""Staff accounts and the `Viewer` union of who is signed in."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from auth.permissions import SeesStaffAccount
from auth.viewer import Viewer as SignedInViewer
from models import AdminUser as AdminUserModel
from schema.context import GatehouseInfo
from schema.customers import ShopUser
from schema.nodes import Node, global_id
from schema.sessions import Session, sessions_field
from schema.shops import Shop
from schema.staff_roles import StaffRole

# Anyone else reaching the account (decidedBy, node) gets FORBIDDEN on these fields.
ACCOUNT_FACTS = "Readable by the staff member itself and by owners whose shops cover theirs."


@strawberry.type(
    description="A staff member (role ADMIN), who signs in with adminLogin. Only staff read it; "
    "owners list and manage staff with `staff`, inviteStaff and updateStaff."
)
class AdminUser(Node):
    model: strawberry.Private[AdminUserModel]
    email: str = strawberry.field(description="The address staff sign in with, in lower case.")
    name: str | None = strawberry.field(description="The name shown to colleagues; null if none was given.")

    @strawberry.field(
        permission_classes=[SeesStaffAccount],
        description="What the staff member may do, within `shops`. " + ACCOUNT_FACTS,
    )
    def role(self) -> StaffRole:
        return self.model.role

    @strawberry.field(
        permission_classes=[SeesStaffAccount],
        description="The shops the staff member acts in, in handle order; null: every shop, "
        "today's and tomorrow's. " + ACCOUNT_FACTS,
    )
    async def shops(self, info: GatehouseInfo) -> list[Shop] | None:
        if self.model.all_shops:
            return None
        shops = await info.context.loaders.shops_by_admin.load(self.model.id)
        return [Shop.from_model(shop) for shop in shops]

    @strawberry.field(
        permission_classes=[SeesStaffAccount],
        description="False once deactivated (deactivateStaff): no sign-in, no session, no link "
        "works until reactivateStaff. An invited staff member is active, but signs in only "
        "once the invitation is accepted. " + ACCOUNT_FACTS,
    )
    def active(self) -> bool:
        return self.model.is_active

    @strawberry.field(
        permission_classes=[SeesStaffAccount],
        description="Whether sign-in asks for a second factor (a TOTP code or a recovery code). "
        + ACCOUNT_FACTS,
    )
    def mfa_enabled(self) -> bool:
        return self.model.mfa_enabled

    @strawberry.field(
        permission_classes=[SeesStaffAccount],
        description="When the staff member last signed in (a session started); null: never, "
        "e.g. an invitation not yet accepted. " + ACCOUNT_FACTS,
    )
    def last_login_at(self) -> datetime | None:
        return self.model.last_login_at
    sessions: list[Session] = sessions_field("staff who manage staff in shops covering all of this one's")

    @classmethod
    def from_model(cls, admin: AdminUserModel) -> AdminUser:
        return cls(id=global_id("AdminUser", admin.id), model=admin, email=admin.email, name=admin.name)


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
